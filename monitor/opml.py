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
    category: str | None = None  # the folders it sits in, "World/Politics"
    enabled: bool = True


def name_of(title: str | None, url: str) -> str:
    """A source name from an outline's title (else its URL's host and path): one line, '/' written
    as '-' (a name is part of the API's URLs), at most validate.NAME_MAX characters."""
    if not (title or "").strip():
        parts = urlsplit(url)
        title = (parts.hostname or "") + parts.path.rstrip("/")
    text = " ".join((title or "").split()).replace("/", "-")
    return text[: validate.NAME_MAX].strip()


def read(data: bytes) -> list[Outline]:
    """Every feed outline (one with an `xmlUrl`), with the folders it sits in as its category;
    UsageError when not OPML. An outline whose `xmlUrl` is not http(s) (`javascript:…`) is kept
    so that the checks refuse it, naming it, rather than dropped unseen."""
    if len(data) > MAX_BYTES:
        raise UsageError(f"sources import: the file is larger than {MAX_BYTES // 1024 // 1024} MiB")
    if not data.strip():
        raise UsageError("sources import: the file is empty")
    try:
        root = defusedxml.ElementTree.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise UsageError("sources import: refused: the file declares entities (<!DOCTYPE [...]>, <!ENTITY>)") from None
    except (ParseError, ValueError, LookupError) as exc:
        raise UsageError(f"sources import: not an OPML file: {exc}") from None
    if root.tag != "opml":
        raise UsageError(f"sources import: not an OPML file (root element <{root.tag}>)")
    found: list[Outline] = []
    body = root.find("body")

    def walk(node: Any, folders: tuple[str, ...]) -> None:
        for child in node.findall("outline"):
            url = (child.get("xmlUrl") or "").strip()
            title = " ".join((child.get("title") or child.get("text") or "").split())
            if not url:  # a folder
                walk(child, (*folders, title.replace("/", "-")) if title else folders)
                continue
            every = child.get("newswatchEvery")
            found.append(
                Outline(
                    name=name_of(title, url),
                    url=url,
                    kind=child.get("newswatchKind") or "feed",
                    lang=child.get("language") or None,
                    interval_s=int(every) if every and re.fullmatch(r"\d{1,9}", every) else every,
                    position=len(found) + 1,
                    category="/".join(folders) or None,
                    enabled=(child.get("newswatchEnabled") or "true").strip().lower() != "false",
                )
            )
            walk(child, folders)

    walk(body if body is not None else root, ())
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
    """The sources as an OPML 2.0 document: each category a folder (nested by "/"), a disabled
    source marked `newswatchEnabled="false"`."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        "  <head>",
        "    <title>Newswatch sources</title>",
        f"    <dateCreated>{datetime.now(UTC).strftime('%a, %d %b %Y %H:%M:%S GMT')}</dateCreated>",
        "  </head>",
        "  <body>",
    ]
    open_folders: list[str] = []

    def folders_of(s: dict[str, Any]) -> list[str]:
        return str(s["category"]).split("/") if s.get("category") else []

    for s in sorted(sources, key=folders_of):  # grouped by folder, in the given order within one
        folders = folders_of(s)
        common = 0
        while common < min(len(open_folders), len(folders)) and open_folders[common] == folders[common]:
            common += 1
        while len(open_folders) > common:
            open_folders.pop()
            lines.append("    " + "  " * len(open_folders) + "</outline>")
        for folder in folders[common:]:
            lines.append(
                "    " + "  " * len(open_folders) + f"<outline text={quoteattr(folder)} title={quoteattr(folder)}>"
            )
            open_folders.append(folder)
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
        if not s.get("enabled", True):
            attrs["newswatchEnabled"] = "false"
        indent = "    " + "  " * len(open_folders)
        lines.append(indent + "<outline " + " ".join(f"{k}={quoteattr(v)}" for k, v in attrs.items()) + "/>")
    while open_folders:
        open_folders.pop()
        lines.append("    " + "  " * len(open_folders) + "</outline>")
    lines += ["  </body>", "</opml>"]
    return "\n".join(lines) + "\n"


async def load(conn: AsyncConnection[Any], data: bytes, settings: Any = None, progress: Any = None) -> tuple[int, int]:
    """Add the document's feeds as sources, all in one transaction or none (UsageError naming each
    outline refused): (added, skipped because a source of that name exists). With `settings`,
    each new source is fetched once first (monitor.sources_check): an outline whose URL is not a
    feed or sitemap, or is already watched under another name, refuses the file too."""
    found = read(data)
    rows = checked(found)
    new = [(i, row) for i, row in enumerate(rows) if not await sources.exists(conn, row[0])]
    if settings is not None and new:
        from monitor import sources_check

        verdicts = await sources_check.check_many(
            conn, settings, [(row[0], row[1], None if row[2] == "feed" else row[2]) for _, row in new], progress
        )
        refused = [
            f"outline {found[i].position} ({found[i].name!r}): {v}" for (i, _), v in zip(new, verdicts, strict=True)
            if isinstance(v, Exception)
        ]  # fmt: skip
        if refused:
            more = f"; and {len(refused) - MAX_REASONS} more" if len(refused) > MAX_REASONS else ""
            raise UsageError(
                f"sources import: nothing imported, {len(refused)} of {len(found)} outline(s) refused: "
                + "; ".join(refused[:MAX_REASONS])
                + more
            )
        for (i, row), v in zip(new, verdicts, strict=True):
            assert not isinstance(v, Exception)
            rows[i] = (row[0], v.url, v.kind, row[3], row[4])
    added = 0
    async with conn.transaction():
        for outline, row in zip(found, rows, strict=True):
            added += await sources.ensure(conn, *row, category=outline.category, enabled=outline.enabled)
    return added, len(found) - added
