"""OPML, the feed readers' exchange format: reading a list of feeds, and writing ours.
http://opml.org/spec2.opml — feeds are `<outline type="rss" xmlUrl="…" text="…">`, at any depth."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

from psycopg import AsyncConnection

from monitor.errors import UsageError
from monitor.pipeline.canonical import is_web_url
from monitor.store import sources

# refused before parsing, like a feed: no entity expansion, ever
_DECLARATION = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
MAX_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class Feed:
    name: str
    url: str
    lang: str | None = None


def parse(data: bytes) -> list[Feed]:
    """The http(s) feeds an OPML document lists; a malformed document is a usage error."""
    if len(data) > MAX_BYTES:
        raise UsageError(f"opml: the file is larger than {MAX_BYTES // 1024 // 1024} MiB")
    if _DECLARATION.search(data):
        raise UsageError("opml: a DOCTYPE or ENTITY declaration is refused")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise UsageError(f"opml: not an OPML document: {exc}") from None
    if root.tag != "opml":
        raise UsageError(f"opml: not an OPML document (root element <{root.tag}>)")
    feeds = []
    for node in root.iter("outline"):
        url = (node.get("xmlUrl") or "").strip()
        if url and is_web_url(url):
            name = (node.get("title") or node.get("text") or url).strip()
            feeds.append(Feed(name[:200], url, (node.get("language") or "").strip() or None))
    return feeds


def render(rows: list[dict[str, Any]]) -> bytes:
    """Our sources as OPML 2.0."""
    root = ET.Element("opml", version="2.0")
    ET.SubElement(ET.SubElement(root, "head"), "title").text = "Newswatch sources"
    body = ET.SubElement(root, "body")
    for r in rows:
        attrs = {"type": "rss", "text": r["name"], "title": r["name"], "xmlUrl": r["url"]}
        if r.get("lang"):
            attrs["language"] = r["lang"]
        ET.SubElement(body, "outline", attrs)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


async def load(conn: AsyncConnection, data: bytes) -> tuple[int, int]:
    """Add the document's feeds as sources: (added, skipped because a source of that name exists)."""
    feeds = parse(data)
    added = 0
    for f in feeds:
        added += await sources.ensure(conn, f.name, f.url, "feed", 900, f.lang)
    return added, len(feeds) - added
