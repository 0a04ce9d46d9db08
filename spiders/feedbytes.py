"""Screening a feed's bytes before feedparser sees them.

feedparser refuses billion laughs and external entities, but its loose parser expands an internal
entity referenced many times ("quadratic blowup": 40 KB in, 100 MB out), so any document type
declaration with an internal subset, or any entity declaration, is refused outright. It also calls
an HTML page a valid result, so a body that is not RSS, Atom or RDF is refused too.
"""

from __future__ import annotations

import re

_HEAD = 64 * 1024
_DTD_SUBSET = re.compile(rb"<!DOCTYPE[^>\[]*\[", re.IGNORECASE)
_ENTITY = re.compile(rb"<!ENTITY", re.IGNORECASE)
_FEED_ROOT = re.compile(rb"<(?:[\w-]+:)?(rss|feed|RDF)[\s>]", re.IGNORECASE)


class NotAFeed(ValueError):
    pass


def screen(body: bytes) -> None:
    """Raise NotAFeed with the reason when `body` must not be parsed as a feed."""
    if not body.strip():
        raise NotAFeed("empty response")
    if _DTD_SUBSET.search(body) or _ENTITY.search(body):
        raise NotAFeed("refused: the feed declares entities (<!DOCTYPE [...]> or <!ENTITY>)")
    if not _FEED_ROOT.search(body[:_HEAD]):
        raise NotAFeed("not a feed: no <rss>, <feed> or <rdf:RDF> element")
