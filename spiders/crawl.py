"""Polling sources with Scrapy's AsyncCrawlerRunner on the running asyncio loop."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from psycopg_pool import AsyncConnectionPool
from scrapy.crawler import AsyncCrawlerRunner

from monitor.config import Settings
from monitor.pipeline.ingest import Keywords
from monitor.store import keywords as keyword_store
from spiders.feed import FeedSpider
from spiders.settings import scrapy_settings


@dataclass
class SourceStats:
    fetched: int = 0
    new: int = 0
    duplicates: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass
class Poll:
    pool: AsyncConnectionPool
    sources: list[dict[str, Any]]
    keywords: Keywords
    stats: dict[str, SourceStats] = field(default_factory=lambda: defaultdict(SourceStats))


async def poll(pool: AsyncConnectionPool, settings: Settings, sources: list[dict[str, Any]]) -> dict[str, SourceStats]:
    """Fetch every given source once; returns per-source figures. Failures are recorded, not raised."""
    async with pool.connection() as conn:
        keywords = Keywords(await keyword_store.trees(conn))
    job = Poll(pool, sources, keywords)
    for source in sources:
        job.stats[source["name"]]  # every source gets a line, even one that yields nothing
    feeds = [s for s in sources if s["kind"] == "feed"]
    if feeds:
        job.sources = feeds
        runner = AsyncCrawlerRunner(scrapy_settings(settings))
        await runner.crawl(FeedSpider, poll=job)
    return dict(job.stats)
