"""Runs one fetched page through the stages: understand (extract, dates, fold, match, fingerprint, sentence keys,
story terms: monitor.pipeline.understand) → canonical URL → dedup and story → store, all of it in an
extract process but the evidence, which the poller writes first.

Only rows that are new in the database go on to matching, so a page fetched twice is never
matched (or told) twice.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import time
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from psycopg_pool import AsyncConnectionPool

from monitor.db import with_own_connection
from monitor.evidence import files
from monitor.evidence.keeping import Keeping
from monitor.evidence.warc import Exchange
from monitor.metrics import EXTRACT_SECONDS
from monitor.pipeline import workers
from monitor.pipeline.canonical import choose_key
from monitor.pipeline.extract import extract  # noqa: F401  (bench/evidence.py warms the workers with it)
from monitor.pipeline.match import match
from monitor.pipeline.understand import Page, account_cpu, understand
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
    first, and the article's first version points at them (see monitor.evidence.files for why first).

    The page is understood and stored in an extract process (`store`), in one round trip: the event
    loop only fetches. With the saves on the loop, it was the one busy thread of a poll, two thirds
    of its time in the save and psycopg's waiting, while a third of the two cores sat idle
    (bench/ingest.py, issue 16)."""
    evidence = await first_fetch(item, keeping) if keeping is not None else None
    with EXTRACT_SECONDS.time():
        outcome, cpu, redone, where = await workers.run(
            store, pool.conninfo, replace(item, exchanges=()), keywords.items, new_within, evidence
        )
    account_cpu(cpu)
    if where != os.getpid():  # counted where it ran; this process keeps the poll's count
        articles.EXCLUSIVE.update(redone)
    return outcome


def store(
    url: str,
    item: Fetched,
    keywords: list[tuple[int, str, Node]],
    new_within: timedelta | None,
    evidence: FirstFetch | None,
) -> tuple[str, dict[str, float], list[str], int]:
    """`ingest`'s work in an extract process (or a thread of the poller when there are none): the
    page understood (monitor.pipeline.understand), then saved on the process's own connection to
    `url`. Returns the outcome, the CPU seconds by stage (the save's as "store"), why the save was redone under the
    exclusive lock if it was, and the process it ran in."""
    page = Page(
        item.html,
        item.final_url,
        item.fetched_at,
        item.outlet,
        item.feed_title,
        item.feed_summary,
        item.feed_published,
        item.source_lang,
    )
    got = understand(page, keywords)
    new = articles.NewArticle(
        source_id=item.source_id,
        outlet=item.outlet,
        url=choose_key(item.final_url, got.canonical),
        guid=item.guid,
        title=got.title,
        text=got.text,
        folded=got.folded,
        folded_title=got.folded_title,
        folded_outlet=got.folded_outlet,
        lang=got.lang,
        published_at=got.published_at,
        date_source=got.date_source,
        fetched_at=item.fetched_at,
        content_hash=got.content_hash,
        final_url=item.final_url,
        raw_sha256=hashlib.sha256(item.raw).hexdigest(),
        fetch_headers=item.headers,
        signature=got.signature,
        plain_terms=got.terms,
        keys=got.keys,
        keyword_ids=got.keyword_ids,
        evidence=evidence,
    )
    redone: list[str] = []
    started = time.thread_time()  # the save's CPU here (decisions and psycopg), as understand's stages
    saved = with_own_connection(url, lambda conn: articles.save(conn, new, redone))
    cpu = {**got.cpu, "store": time.thread_time() - started}
    if saved is None:
        outcome = "known"
    elif saved[1]:
        outcome = "duplicate"
    elif new_within is not None and not is_new(got.published_at, item.fetched_at, new_within):
        outcome = "old"
    else:
        outcome = "new"
    return outcome, cpu, redone, os.getpid()


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
