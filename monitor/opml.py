"""OPML 2.0 subscription lists: reading a feed reader's export, writing Newswatch's sources.

Newswatch's own fields (kind, language, interval) travel as extra outline attributes, which other
readers ignore; a file that declares entities is refused (it may come from anywhere).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import quoteattr

import lxml.etree
from psycopg import AsyncConnection

from monitor.errors import UsageError
from monitor.pipeline.canonical import is_web_url
from monitor.store import sources


@dataclass(frozen=True)
class Outline:
    name: str
    url: str
    kind: str = "feed"
    lang: str | None = None
    interval_s: int | None = None


def read(data: bytes) -> list[Outline]:
    """Every outline with an http(s) `xmlUrl`, nested folders flattened; UsageError when not OPML."""
    if re.search(rb"<!ENTITY|<!DOCTYPE[^>\[]*\[", data, re.IGNORECASE):
        # lxml still expands internal entities with resolve_entities=False: refuse them outright
        raise UsageError("sources import: refused: the file declares entities (<!DOCTYPE [...]> or <!ENTITY>)")
    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = lxml.etree.fromstring(data, parser)
    except lxml.etree.XMLSyntaxError as exc:
        raise UsageError(f"sources import: not an OPML file: {exc}") from None
    if root.tag != "opml":
        raise UsageError(f"sources import: not an OPML file (root element <{root.tag}>)")
    found = []
    for node in root.iter("outline"):
        url = (node.get("xmlUrl") or "").strip()
        if not is_web_url(url):
            continue
        name = (node.get("title") or node.get("text") or url).strip()
        every = node.get("newswatchEvery")
        found.append(
            Outline(
                name=name,
                url=url,
                kind=node.get("newswatchKind") or "feed",
                lang=node.get("language") or None,
                interval_s=int(every) if every and every.isdigit() else None,
            )
        )
    return found


def write(sources: list[dict[str, Any]]) -> str:
    """The sources as an OPML 2.0 document."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        "  <head>",
        "    <title>Newswatch sources</title>",
        f"    <dateCreated>{datetime.now(UTC).strftime('%a, %d %b %Y %H:%M:%S GMT')}</dateCreated>",
        "  </head>",
        "  <body>",
    ]
    for s in sources:
        attrs = {
            "text": s["name"],
            "title": s["name"],
            "type": "rss" if s["kind"] == "feed" else s["kind"],
            "xmlUrl": s["url"],
            "newswatchKind": s["kind"],
            "newswatchEvery": str(s["interval_s"]),
        }
        if s.get("lang"):
            attrs["language"] = s["lang"]
        lines.append("    <outline " + " ".join(f"{k}={quoteattr(v)}" for k, v in attrs.items()) + "/>")
    lines += ["  </body>", "</opml>"]
    return "\n".join(lines) + "\n"


# The web UI's reader and writer (monitor/web/manage.py).


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
