"""Screening a feed before feedparser parses it.

feedparser refuses billion laughs and external entities, but its loose parser expands an internal
entity referenced many times ("quadratic blowup": 40 KB in, 100 MB out), so any document type
declaration with an internal subset, or any entity declaration, is refused outright. It also calls
an HTML page a valid result, so a body that is not RSS, Atom or RDF is refused too.

The screen reads the feed as feedparser will: decoded by its own rules (byte order mark, the XML
declaration's encoding, the HTTP charset) into UTF-8, and it is that UTF-8 which is then parsed.
Looking at the raw bytes instead let a UTF-16 feed declare entities unseen (its `<!ENTITY` is not
those ASCII bytes), and refused ordinary UTF-16 feeds as "not a feed".
"""

from __future__ import annotations

import re

from feedparser.encodings import convert_to_utf8

_HEAD = 64 * 1024
_DTD_SUBSET = re.compile(rb"<!DOCTYPE[^>\[]*\[", re.IGNORECASE)
_ENTITY = re.compile(rb"<!ENTITY", re.IGNORECASE)
_FEED_ROOT = re.compile(rb"<(?:[\w-]+:)?(rss|feed|RDF)[\s>]", re.IGNORECASE)
_ROOT = re.compile(rb"<((?:[\w-]+:)?)(rss|feed|RDF)[\s>]")
_ITEM = re.compile(rb"<(?:[\w-]+:)?(?:item|entry)[\s>]")
_CLOSE = {b"rss": b"</channel></rss>", b"feed": b"</%sfeed>", b"RDF": b"</%sRDF>"}

# Entries read of one feed: a feed lists its newest items first, and parsing costs about 1.4 MB and
# 0.35 ms per item (250,000 items: 575 MB and 87 s, with the event loop stalled). What lies past
# this is an archive, not news; a poll fetches the newest new ones among these (spiders.feed).
MAX_ITEMS_READ = 1000


class NotAFeed(ValueError):
    pass


def as_utf8(body: bytes, headers: dict[str, str] | None = None) -> tuple[bytes, Exception | None]:
    """The feed in UTF-8, decoded as feedparser decodes it (headers with lower-case names), and
    feedparser's complaint about its encoding, if any."""
    result: dict[str, object] = {}
    data = convert_to_utf8(headers or {}, body, result)
    complaint = result.get("bozo_exception")
    return data, complaint if isinstance(complaint, Exception) else None


def screen(data: bytes) -> None:
    """Raise NotAFeed with the reason when `data` (UTF-8, as from `as_utf8`) must not be parsed."""
    if not data.strip():
        raise NotAFeed("empty response")
    if _DTD_SUBSET.search(data) or _ENTITY.search(data):
        raise NotAFeed("refused: the feed declares entities (<!DOCTYPE [...]> or <!ENTITY>)")
    if not _FEED_ROOT.search(data[:_HEAD]):
        raise NotAFeed("not a feed: no <rss>, <feed> or <rdf:RDF> element")


def first_items(data: bytes, limit: int = MAX_ITEMS_READ) -> tuple[bytes, int]:
    """The feed (UTF-8, screened) cut after its first `limit` items, closed again so it still
    parses, and how many items it had: feedparser then holds `limit` entries, never 250,000."""
    starts = [m.start() for m, _ in zip(_ITEM.finditer(data), range(limit + 1), strict=False)]
    if len(starts) <= limit:
        return data, len(starts)
    total = limit + sum(1 for _ in _ITEM.finditer(data, starts[limit]))
    root = _ROOT.search(data)
    closing = b""
    if root is not None:
        template = _CLOSE[root.group(2)]
        closing = template % root.group(1) if b"%s" in template else template
    return data[: starts[limit]] + closing, total
