"""Fetching one article page on demand (`newswatch seeds add URL`): the same request a poll makes for
an article page (SourceSpider.article_request: its User-Agent, robots.txt, per-host delay, size and
time caps, private-network guard, and whatever evidence article requests keep), through the same
Scrapy settings, but handed back to the caller instead of the store."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import scrapy
from scrapy.crawler import AsyncCrawlerRunner
from scrapy.http import Response
from twisted.python.failure import Failure

from monitor.config import Settings
from monitor.errors import UsageError
from monitor.pipeline.ingest import Fetched
from spiders.settings import scrapy_settings
from spiders.source import SourceSpider, failure_reason


@dataclass
class Job:
    url: str
    source: dict[str, Any]  # the source the page is fetched for (id, name, lang)
    fetched: Fetched | None = None
    failure: str | None = None


class PageSpider(SourceSpider):
    name = "page"

    async def start(self) -> AsyncIterator[scrapy.Request]:
        request = self.article_request(self.poll.url, self.poll.source)
        yield request.replace(dont_filter=True)

    async def parse_article(self, response: Response, source: dict, meta: dict) -> AsyncIterator[Any]:
        async for item in super().parse_article(response, source, meta):
            self.poll.fetched = item
        return
        yield  # an async generator, as Scrapy expects of a callback

    async def article_failed(self, failure: Failure) -> None:
        self.poll.failure = failure_reason(failure)


async def fetch(settings: Settings, url: str, source: dict[str, Any]) -> Fetched:
    """The page at `url` as a poll would have fetched it; a UsageError saying why when it could not be."""
    job = Job(url, source)
    runner = AsyncCrawlerRunner({**scrapy_settings(settings), "ITEM_PIPELINES": {}})
    await runner.crawl(PageSpider, poll=job)
    if job.fetched is None:
        raise UsageError(f"{url}: could not be fetched: {job.failure or 'no answer'}")
    return job.fetched
