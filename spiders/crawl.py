"""Polling sources with Scrapy's AsyncCrawlerRunner on the running asyncio loop: each kind of
source to its spider (feed, sitemap, spider:NAME), one crawl per spider."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import psycopg
from psycopg_pool import AsyncConnectionPool
from scrapy.crawler import AsyncCrawlerRunner

from monitor import validate
from monitor.config import Settings
from monitor.db import DATABASE_DOWN
from monitor.evidence.keeping import Keeping
from monitor.pipeline.ingest import Keywords
from monitor.store import keywords as keyword_store
from monitor.store import sources as source_store
from spiders import resolver
from spiders.feed import FeedSpider
from spiders.settings import scrapy_settings
from spiders.sitemap import NewsSitemapSpider
from spiders.source import STOPPING
from spiders.trend import TrendSpider

log = logging.getLogger(__name__)

SITE_SPIDERS: dict[str, type] = {"spider:trend": TrendSpider}
KINDS = validate.KINDS  # what a source may be; each has its spider (spider_for)


@dataclass
class SourceStats:
    fetched: int = 0
    new: int = 0
    old: int = 0  # stored, but published too long before it was first seen to be news
    duplicates: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass
class Window:
    """A backfill's date range, and who wants to hear about its progress."""

    since: datetime
    until: datetime
    progress: Callable[[int, int, int], None] = lambda done, total, stored: None


# how long an unchanged source's success may wait to be recorded with the others'
UNCHANGED_WAIT_S = 1.0


class Unchanged:
    """The successes of the sources whose document had not changed (a 304, or the same body),
    recorded together: UNCHANGED_WAIT_S after the first of them, then again for those that came
    meanwhile, and when the crawl ends. An idle round of 100 feeds took a pooled connection (checked
    by a round trip) and an UPDATE for every feed, half of what an unchanged feed cost."""

    def __init__(self, pool: AsyncConnectionPool, cut: set[int]):
        self.pool = pool
        self.cut = cut  # Poll.cut: what the database could not record is redone once it is back
        self.pending: list[int] = []
        self.closing = asyncio.Event()
        self.writer: asyncio.Future[None] | None = None

    def add(self, source_id: int) -> None:
        self.pending.append(source_id)
        if self.writer is None or self.writer.done():
            self.writer = asyncio.ensure_future(self._write_soon())

    async def close(self) -> None:
        """Record every success still waiting; returns once they are all written."""
        self.closing.set()
        if self.writer is not None:
            await self.writer
        await self._write()

    async def _write_soon(self) -> None:
        while self.pending:
            try:
                await asyncio.wait_for(self.closing.wait(), UNCHANGED_WAIT_S)
            except TimeoutError:
                pass
            await self._write()

    async def _write(self) -> None:
        ids, self.pending = self.pending, []
        if not ids:
            return
        try:
            async with self.pool.connection() as conn:
                await source_store.record_unchanged(conn, ids)
        except DATABASE_DOWN as exc:  # not the sources' failure: their polls are redone later
            log.warning("%d unchanged source(s) not recorded: %s", len(ids), exc)
            self.cut.update(ids)
        except psycopg.Error as exc:  # left claimed: monitor.scheduler fails them as without outcome
            log.warning("%d unchanged source(s) not recorded: %s", len(ids), exc)


@dataclass
class Poll:
    pool: AsyncConnectionPool
    sources: list[dict[str, Any]]
    keywords: Keywords
    stats: dict[str, SourceStats] = field(default_factory=lambda: defaultdict(SourceStats))
    window: Window | None = None  # set for a backfill
    # source id → (ETag, Last-Modified, body hash) of its document, kept once the crawl has stored
    # everything it found (sources.keep_validators)
    validators: dict[int, tuple[str | None, str | None, str | None]] = field(default_factory=dict)
    # sources with an item the store refused → why (the last reason); recorded on the source
    unsaved: dict[int, str] = field(default_factory=dict)
    # sources whose poll the database cut short (it could not be reached): no outcome is theirs to
    # record; their claims are given back so that the poll is redone once the database is back
    cut: set[int] = field(default_factory=set)
    new_within: timedelta | None = None  # NEWSWATCH_NEW_WITHIN, for the "new" count
    requested: set[str] = field(default_factory=set)  # canonical URLs of the article pages asked for
    keeping: Keeping | None = None  # where evidence goes (WARC folder, re-check schedule)
    unchanged: Unchanged = field(init=False)  # the sources found unchanged, recorded together

    def __post_init__(self) -> None:
        self.unchanged = Unchanged(self.pool, self.cut)


def spider_for(kind: str) -> type | None:
    """The spider of a kind of source, or None for a kind this version cannot poll."""
    if kind == "feed":
        return FeedSpider
    if kind == "sitemap":
        return NewsSitemapSpider
    return SITE_SPIDERS.get(kind)


async def poll(
    pool: AsyncConnectionPool,
    settings: Settings,
    sources: list[dict[str, Any]],
    window: Window | None = None,
    stopping: asyncio.Event | None = None,
) -> dict[str, SourceStats]:
    """Fetch every given source once (or its archive over `window`); returns per-source figures.
    Failures are recorded on the source, not raised. When `stopping` is set, the crawl stops taking
    new requests, finishes the ones in flight and returns; what it did not reach is left for the
    next poll (the sources' validators are not kept, so nothing is skipped as unchanged)."""
    async with pool.connection() as conn:
        keywords = Keywords(await keyword_store.trees(conn))
    stats: dict[str, SourceStats] = defaultdict(SourceStats)
    for source in sources:
        stats[source["name"]]  # every source gets a line, even one that yields nothing
    by_spider: dict[type, list[dict[str, Any]]] = defaultdict(list)
    for source in sources:
        spider = spider_for(source["kind"])
        if spider is None:
            # a row this version cannot poll (written by hand, or by an older version): it fails
            # alone, saying why, and every other source of the batch is polled
            reason = f"cannot poll: unknown kind {source['kind']!r}; known kinds: {', '.join(KINDS)}"
            stats[source["name"]].errors.append(reason)
            async with pool.connection() as conn:
                await source_store.record_failure(conn, source["id"], reason)
            continue
        by_spider[spider].append(source)
    stopping = stopping or asyncio.Event()
    resolver.install(settings.allow_private_networks)
    runner = _runner(scrapy_settings(settings))
    # one crawl after the other (the host turns of spiders.hosts are shared by crawls at once too,
    # but one poll's crawls in turn keep its figures and its stop simple)
    for spider, chosen in by_spider.items():
        if stopping.is_set():
            break
        run = Poll(pool, chosen, keywords, stats, window, new_within=settings.new_within, keeping=Keeping.of(settings))
        crawler = runner.create_crawler(spider)
        crawl = runner.crawl(crawler, poll=run)
        stop = asyncio.ensure_future(stopping.wait())
        await asyncio.wait([crawl, stop], return_when=asyncio.FIRST_COMPLETED)
        stop.cancel()
        if not crawl.done():
            _drop_queued(crawler)
            await crawler.stop_async()  # this poll's crawl only: the runner is shared
            await crawl
            await run.unchanged.close()  # those polls were done: recorded, not redone
            break
        await crawl
        await _settle(pool, run)
    return dict(stats)


async def _settle(pool: AsyncConnectionPool, run: Poll) -> None:
    """After a crawl: every storage failure recorded on its source (status shows it, the source
    backs off as failing, and its validators are not kept, so the next poll tries those items
    again); the validators of the others kept. One source's failure never costs another its own."""
    names = {s["id"]: s["name"] for s in run.sources}
    await run.unchanged.close()
    async with pool.connection() as conn:
        if run.cut:
            await source_store.release_claims(conn, sorted(run.cut))
        for source_id, reason in run.unsaved.items():
            if source_id not in run.cut:
                await source_store.record_failure(conn, source_id, f"store: could not save {reason}")
        for source_id, (etag, last_modified, body) in run.validators.items():
            if source_id in run.unsaved or source_id in run.cut:
                continue
            try:
                await source_store.keep_validators(conn, source_id, etag, last_modified, body)
            except psycopg.DataError as exc:  # what spiders.clean missed: this source alone fails
                reason = f"store: could not keep the validators: {exc}"
                run.stats[names.get(source_id, str(source_id))].errors.append(reason)
                await source_store.record_failure(conn, source_id, reason)


# one runner per set of Scrapy settings, shared by every poll of the process: making one copied
# the settings twice over and loaded the spiders, a third of what a poll cost before its first request
_runners: dict[str, AsyncCrawlerRunner] = {}


def _runner(wanted: dict[str, Any]) -> AsyncCrawlerRunner:
    key = repr(sorted(wanted.items()))
    if key not in _runners:
        _runners[key] = AsyncCrawlerRunner(wanted)
    return _runners[key]


def _drop_queued(crawler: Any) -> None:
    """Fail the requests waiting in the downloader's per-host queues, so that a stop waits only for
    the requests on the wire: Scrapy downloads every queued request before it closes, and one host's
    queue can hold dozens of article pages spaced by the host delay. (Scrapy has no public way to
    do this; the queue is a deque of (request, Deferred) in each slot.)"""
    from scrapy.exceptions import IgnoreRequest

    downloader = getattr(crawler.engine, "downloader", None)
    for slot in getattr(downloader, "slots", {}).values():
        while slot.queue:
            _request, waiting = slot.queue.popleft()
            waiting.errback(IgnoreRequest(STOPPING))
