"""OPML 2.0 subscription lists: reading a feed reader's export, writing Newswatch's sources.

Newswatch's own fields (kind, language, interval) travel as extra outline attributes, which other
readers ignore; a file that declares entities is refused (it may come from anywhere).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import quoteattr

import lxml.etree
from psycopg import AsyncConnection

from monitor.errors import UsageError
from monitor.pipeline.canonical import is_web_url
from monitor.store import sources

MAX_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class Outline:
    name: str
    url: str
    kind: str = "feed"
    lang: str | None = None
    interval_s: int | None = None


def read(data: bytes) -> list[Outline]:
    """Every outline with an http(s) `xmlUrl`, nested folders flattened; UsageError when not OPML."""
    if len(data) > MAX_BYTES:
        raise UsageError(f"sources import: the file is larger than {MAX_BYTES // 1024 // 1024} MiB")
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


async def load(conn: AsyncConnection[Any], data: bytes) -> tuple[int, int]:
    """Add the document's feeds as sources: (added, skipped because a source of that name exists)."""
    found = read(data)
    added = 0
    for o in found:
        added += await sources.ensure(conn, o.name[:200], o.url, o.kind, o.interval_s or 900, o.lang)
    return added, len(found) - added
