"""Runs one fetched page through the stages: canonical URL → extract → fingerprint → dedup and story → match → store.

Only rows that are new in the database go on to matching, so a page fetched twice is never
matched (or told) twice.
"""

from __future__ import annotations

import asyncio
import hashlib
import weakref
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from psycopg_pool import AsyncConnectionPool

from monitor.evidence import files
from monitor.evidence.keeping import Keeping
from monitor.evidence.warc import Exchange
from monitor.metrics import EXTRACT_SECONDS
from monitor.pipeline import workers
from monitor.pipeline.canonical import choose_key
from monitor.pipeline.dates import choose_published
from monitor.pipeline.dedup import content_hash
from monitor.pipeline.extract import clean, extract
from monitor.pipeline.fingerprint import fingerprint
from monitor.pipeline.match import match
from monitor.query.fold import fold
from monitor.query.match import Doc
from monitor.query.parse import Node
from monitor.store import articles
from monitor.store.evidence import FirstFetch
from monitor.store.newness import is_new


@dataclass(frozen=True)
class Fetched:
    """An article page as the spider got it, with what the feed said about it."""

    source_id: int
    outlet: str
    link: str  # the link that led here (feed item)
    final_url: str  # after redirects
    html: str
    raw: bytes
    headers: dict[str, str]
    fetched_at: datetime
    guid: str | None = None
    feed_title: str | None = None
    feed_published: datetime | None = None
    feed_summary: str | None = None
    source_lang: str | None = None
    exchanges: tuple[Exchange, ...] = ()  # the raw request(s) and response(s), kept as evidence


@dataclass
class Keywords:
    """The watched keywords, parsed once per poll."""

    items: list[tuple[int, str, Node]] = field(default_factory=list)

    def ids_matching(self, doc: Doc) -> list[int]:
        names = set(match(doc, [(name, tree) for _, name, tree in self.items]))
        return [kid for kid, name, _ in self.items if name in names]


async def ingest(
    pool: AsyncConnectionPool,
    item: Fetched,
    keywords: Keywords,
    new_within: timedelta | None = None,
    keeping: Keeping | None = None,
) -> str:
    """Store the article once; returns 'new', 'duplicate' (stored, linked to its original), 'known',
    or 'old': stored, but published more than `new_within` before it was first seen (news to no one,
    monitor.store.newness). With `keeping`, the fetch's raw exchanges are written as WARC records
    first, and the article's first version points at them (see monitor.evidence.files for why first)."""
    with EXTRACT_SECONDS.time():
        extracted = await workers.run(extract, item.html, item.final_url, item.fetched_at)
    title = extracted.title or clean(item.feed_title or "")
    text = extracted.text or clean(item.feed_summary or "")
    published, date_source = choose_published(
        extracted.stated, item.feed_published, item.final_url, extracted.written, item.fetched_at
    )
    lang = extracted.lang or item.source_lang
    doc = Doc.of(title, text, item.outlet, lang)
    # story terms are left to the save: they leave out the outlet's template text, read there
    signature = await asyncio.to_thread(fingerprint, text)
    new = articles.NewArticle(
        source_id=item.source_id,
        outlet=item.outlet,
        url=choose_key(item.final_url, extracted.canonical),
        guid=item.guid,
        title=title,
        text=text,
        folded=doc.folded,
        folded_title=doc.folded_title,
        folded_outlet=fold(item.outlet),
        lang=lang,
        published_at=published,
        date_source=date_source,
        fetched_at=item.fetched_at,
        content_hash=content_hash(text),
        final_url=item.final_url,
        raw_sha256=hashlib.sha256(item.raw).hexdigest(),
        fetch_headers=item.headers,
        signature=signature,
        keyword_ids=tuple(keywords.ids_matching(doc)),
        evidence=await first_fetch(item, keeping) if keeping is not None else None,
    )
    async with _save_turn(), pool.connection() as conn:
        saved = await articles.save(conn, new)
    if saved is None:
        return "known"
    if saved[1]:
        return "duplicate"
    return "old" if new_within is not None and not is_new(published, item.fetched_at, new_within) else "new"


async def first_fetch(item: Fetched, keeping: Keeping) -> FirstFetch:
    """The evidence of a page's first fetch: its raw exchanges written as WARC records (also for a
    seed fetched by `seeds add`), and when it is to be re-checked."""
    capture = None
    if item.exchanges:
        capture = await asyncio.to_thread(files.write_capture, keeping.folder, item.exchanges)
    last = item.exchanges[-1] if item.exchanges else None
    return FirstFetch(
        capture=capture,
        status=last.status if last else 200,
        recheck_at=keeping.next_due(item.fetched_at, item.fetched_at),
        etag=last.header("ETag") if last else None,
        last_modified=last.header("Last-Modified") if last else None,
    )


_save_turns: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = weakref.WeakKeyDictionary()


def _save_turn() -> asyncio.Lock:
    """Saves take one database-wide lock (near-duplicate decisions are made one at a time, see
    monitor.store.fingerprints). Queueing for it here, rather than each waiting save holding a
    pooled connection, keeps the pool free for everything else: without this a busy poll took all
    8 connections and other writes timed out (bench/soak.py)."""
    loop = asyncio.get_running_loop()
    return _save_turns.setdefault(loop, asyncio.Lock())
