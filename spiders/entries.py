"""A feed's entries, whatever the format: RSS 0.9x/1.0/2.0 and Atom through feedparser (after
spiders.feedbytes has screened them, decoded), JSON Feed 1.x through json. Non-http(s) links are
dropped here, so nothing downstream ever sees a `javascript:` link."""

from __future__ import annotations

import calendar
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import feedparser

from monitor.pipeline.canonical import is_web_url
from monitor.pipeline.encoding import decode_html
from spiders import clean
from spiders.feedbytes import MAX_ITEMS_READ, NotAFeed, as_utf8, first_items, screen


@dataclass(frozen=True)
class Entry:
    link: str
    guid: str | None
    title: str | None
    summary: str | None
    published: datetime | None


def _when(parsed: Any) -> datetime | None:
    if not parsed:
        return None
    return datetime.fromtimestamp(calendar.timegm(parsed), UTC)


def _iso(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def is_json_feed(body: bytes) -> bool:
    return body.lstrip()[:1] == b"{"


def json_feed(body: bytes) -> list[Entry]:
    try:
        doc = json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise NotAFeed(f"not a feed: invalid JSON ({exc})") from None
    if not isinstance(doc, dict) or "jsonfeed.org/version/" not in str(doc.get("version", "")):
        raise NotAFeed("not a feed: JSON without a jsonfeed.org version")
    found = []
    items = doc.get("items")
    for item in items[:MAX_ITEMS_READ] if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        link = _text(item.get("url")) or _text(item.get("external_url")) or ""
        found.append(
            Entry(
                link=link,
                guid=_text(str(item["id"])) if item.get("id") is not None else None,
                title=_text(item.get("title")),
                summary=_text(item.get("summary")) or _text(item.get("content_text")),
                published=_iso(item.get("date_published")) or _iso(item.get("date_modified")),
            )
        )
    return found


def xml_feed(body: bytes, headers: dict[str, str]) -> list[Entry]:
    headers = {k.lower(): v for k, v in headers.items()}  # feedparser looks names up in lower case
    data, complaint = as_utf8(body, headers)
    screen(data)
    data, _ = first_items(data)
    # parsed as the UTF-8 that was screened (feedparser would decode the body again otherwise)
    parsed = feedparser.parse(data, response_headers={**headers, "content-type": "application/xml; charset=utf-8"})
    if isinstance(complaint, feedparser.CharacterEncodingOverride):
        # the label was wrong and feedparser fell back to windows-1252, which decodes anything:
        # guess from the bytes instead (a windows-1251 feed served as utf-8 is common)
        guessed = decode_html(body, headers.get("content-type")).encode("utf-8")
        screen(guessed)
        parsed = feedparser.parse(first_items(guessed)[0])
    if not parsed.get("version") and not parsed.entries:
        raise NotAFeed(f"not a feed: {parsed.get('bozo_exception') or 'no entries'}")
    return [
        Entry(
            link=(e.get("link") or "").strip(),
            guid=(e.get("id") or "").strip() or None,
            title=e.get("title"),
            summary=e.get("summary"),
            published=_when(e.get("published_parsed") or e.get("updated_parsed")),
        )
        for e in parsed.entries
    ]


def _storable(e: Entry) -> Entry:
    return Entry(
        link=clean.token(e.link) or "",
        guid=clean.token(e.guid),
        title=clean.text(e.title),
        summary=clean.text(e.summary),
        published=e.published,
    )


def entries(body: bytes, headers: dict[str, str]) -> list[Entry]:
    """The entries with an http(s) link, without NUL or control characters in their fields;
    NotAFeed (with the reason) when `body` is not a feed."""
    if not body.strip():
        raise NotAFeed("empty response")
    found = json_feed(body) if is_json_feed(body) else xml_feed(body, headers)
    return [e for e in map(_storable, found) if is_web_url(e.link)]
