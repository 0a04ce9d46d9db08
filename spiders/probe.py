"""Fetching what someone is about to add as a source, once, by the same rules as a poll (one
User-Agent, robots.txt, per-host slots and delay, the size and time caps, the private-address
guard after DNS and after every redirect), so that a source that cannot work is refused at the
door instead of failing at its first poll. What the answers mean is monitor.sources_check's."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import scrapy
from scrapy.crawler import AsyncCrawlerRunner
from scrapy.http import Response
from twisted.python.failure import Failure

from monitor.config import Settings
from spiders.settings import scrapy_settings
from spiders.source import failure_reason, response_headers


@dataclass(frozen=True)
class Answer:
    """What a URL answered: the final URL, the status, the headers and the body; or `error`, why
    nothing usable came back."""

    url: str
    final_url: str = ""
    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    error: str | None = None


class ProbeSpider(scrapy.Spider):
    name = "probe"

    def __init__(self, urls: list[str], answers: dict[str, Answer], progress: Any = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.urls, self.answers, self.progress = urls, answers, progress

    def _answered(self) -> None:
        if self.progress is not None:
            self.progress(len(self.answers), len(self.urls))

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.urls:
            try:
                request = scrapy.Request(
                    url, callback=self.parse, errback=self.failed, dont_filter=True, cb_kwargs={"url": url}
                )
            except ValueError as exc:  # a URL Scrapy cannot send (a bad port, a bad IPv6 address)
                self.answers[url] = Answer(url, error=f"not a URL that can be fetched: {exc}")
                self._answered()
                continue
            yield request

    async def parse(self, response: Response, url: str) -> None:
        self.answers[url] = Answer(url, response.url, response.status, response_headers(response), response.body)
        self._answered()

    async def failed(self, failure: Failure) -> None:
        url = failure.request.cb_kwargs["url"]  # type: ignore[attr-defined]
        self.answers[url] = Answer(url, error=failure_reason(failure))
        self._answered()


async def fetch(
    settings: Settings, urls: list[str], progress: Callable[[int, int], None] | None = None
) -> dict[str, Answer]:
    """Each URL fetched once (on the running asyncio reactor, as polls are); `progress` hears of
    each answer: (answered, asked)."""
    answers: dict[str, Answer] = {}
    if urls:
        run = AsyncCrawlerRunner({**scrapy_settings(settings), "ITEM_PIPELINES": {}})
        await run.crawl(ProbeSpider, urls=list(dict.fromkeys(urls)), answers=answers, progress=progress)
    for url in urls:
        answers.setdefault(url, Answer(url, error="no answer (refused by robots.txt, or the crawl stopped)"))
    return answers
