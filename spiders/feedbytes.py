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
