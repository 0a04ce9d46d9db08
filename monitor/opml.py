"""OPML 2.0 subscription lists: reading a feed reader's export, writing Newswatch's sources.

Newswatch's own fields (kind, language, interval) travel as extra outline attributes, which other
readers ignore. The file may come from anywhere: it is parsed by defusedxml, which refuses any
entity declaration itself, in whatever encoding the file is written (a screen of the raw bytes
missed a UTF-16 file's). An import is all or nothing: every outline is checked by the same rules
as a source added by hand (monitor.validate), and one that fails refuses the whole file, saying
which outline and why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit
from xml.etree.ElementTree import ParseError
from xml.sax.saxutils import quoteattr

import defusedxml.ElementTree
from defusedxml import DefusedXmlException
from psycopg import AsyncConnection

from monitor import validate
from monitor.errors import UsageError
from monitor.pipeline.canonical import is_web_url
from monitor.store import sources

MAX_BYTES = 2 * 1024 * 1024
MAX_REASONS = 10  # outlines named in the error of a refused import; the rest are counted


@dataclass(frozen=True)
class Outline:
    name: str
    url: str
    kind: str = "feed"
    lang: str | None = None
    interval_s: int | str | None = None
    position: int = field(default=0, compare=False)  # its number among the file's feeds, for messages


def name_of(title: str | None, url: str) -> str:
    """A source name from an outline's title (else its URL's host and path): one line, '/' written
    as '-' (a name is part of the API's URLs), at most validate.NAME_MAX characters."""
    if not (title or "").strip():
        parts = urlsplit(url)
        title = (parts.hostname or "") + parts.path.rstrip("/")
    text = " ".join((title or "").split()).replace("/", "-")
    return text[: validate.NAME_MAX].strip()


def read(data: bytes) -> list[Outline]:
    """Every outline with an http(s) `xmlUrl`, nested folders flattened; UsageError when not OPML."""
    if len(data) > MAX_BYTES:
        raise UsageError(f"sources import: the file is larger than {MAX_BYTES // 1024 // 1024} MiB")
    try:
        root = defusedxml.ElementTree.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise UsageError("sources import: refused: the file declares entities (<!DOCTYPE [...]>, <!ENTITY>)") from None
    except (ParseError, ValueError, LookupError) as exc:
        raise UsageError(f"sources import: not an OPML file: {exc}") from None
    if root.tag != "opml":
        raise UsageError(f"sources import: not an OPML file (root element <{root.tag}>)")
    found: list[Outline] = []
    for node in root.iter("outline"):
        url = (node.get("xmlUrl") or "").strip()
        if not is_web_url(url):
            continue
        every = node.get("newswatchEvery")
        found.append(
            Outline(
                name=name_of(node.get("title") or node.get("text"), url),
                url=url,
                kind=node.get("newswatchKind") or "feed",
                lang=node.get("language") or None,
                interval_s=int(every) if every and re.fullmatch(r"\d{1,9}", every) else every,
                position=len(found) + 1,
            )
        )
    return found


def checked(found: list[Outline]) -> list[tuple[str, str, str, int, str | None]]:
    """Each outline's source fields, checked; UsageError naming every outline refused and why."""
    rows, refused = [], []
    for o in found:
        try:
            lang = validate.optional_language(o.lang, tagged=True)
            rows.append(sources.checked(o.name, o.url, o.kind, 900 if o.interval_s is None else o.interval_s, lang))
        except UsageError as exc:
            refused.append(f"outline {o.position} ({o.name!r}): {exc}")
    if refused:
        more = f"; and {len(refused) - MAX_REASONS} more" if len(refused) > MAX_REASONS else ""
        raise UsageError(
            f"sources import: nothing imported, {len(refused)} of {len(found)} outline(s) refused: "
            + "; ".join(refused[:MAX_REASONS])
            + more
        )
    return rows


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
    """Add the document's feeds as sources, all in one transaction or none (UsageError naming each
    outline refused): (added, skipped because a source of that name exists)."""
    found = read(data)
    rows = checked(found)
    added = 0
    async with conn.transaction():
        for row in rows:
            added += await sources.ensure(conn, *row)
    return added, len(found) - added
