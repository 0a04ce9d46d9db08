"""The re-check spider: each claimed article fetched again with a conditional GET, through the same
Scrapy settings as polls (one User-Agent, robots.txt, per-host slots and delay, caps, the private
address guard), its exchanges captured, and its response judged by monitor.evidence.rechecks.

One re-check crawl runs at a time in a process (`crawl_turn`), beside the poll batches: like
them it is a crawl of its own, and takes the same per-host turns as they do (spiders.hosts).
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import scrapy
from psycopg_pool import AsyncConnectionPool
from scrapy.crawler import AsyncCrawlerRunner
from scrapy.http import Response
from twisted.python.failure import Failure

from monitor.config import Settings
from monitor.evidence import rechecks
from monitor.evidence.keeping import Keeping
from spiders import capture
from spiders.settings import scrapy_settings
from spiders.source import STOPPING, failure_reason

log = logging.getLogger(__name__)

# every answer but a redirect reaches the callback: a 404 or 410 is a finding, not an error
ANSWERS = [304, *range(400, 600)]

_turns: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = weakref.WeakKeyDictionary()


def crawl_turn() -> asyncio.Lock:
    """The lock the re-check crawls of this process take, one at a time."""
    return _turns.setdefault(asyncio.get_running_loop(), asyncio.Lock())


@dataclass
class Run:
    pool: AsyncConnectionPool
    keeping: Keeping
    targets: list[dict[str, Any]]
    outcomes: dict[int, rechecks.Outcome] = field(default_factory=dict)
    heard: Callable[[int], None] | None = None  # told how many targets are answered so far (a progress bar)

    def record(self, article_id: int, outcome: rechecks.Outcome) -> None:
        self.outcomes[article_id] = outcome
        if self.heard is not None:
            self.heard(len(self.outcomes))


class RecheckSpider(scrapy.Spider):
    name = "recheck"

    def __init__(self, run: Run, **kwargs: Any):
        super().__init__(**kwargs)
        self.run = run

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for target in self.run.targets:
            headers = {}
            if target["removed_at"] is None:  # after a takedown, ask for the whole page whatever it says
                if target["etag"]:
                    headers["If-None-Match"] = target["etag"]
                if target["last_modified"]:
                    headers["If-Modified-Since"] = target["last_modified"]
            yield scrapy.Request(
                target["fetch_url"],
                headers=headers,
                callback=self.parse,
                errback=self.failed,
                dont_filter=True,
                meta={capture.WANTED: True, "handle_httpstatus_list": ANSWERS},
                cb_kwargs={"target": target},
            )

    async def parse(self, response: Response, target: dict[str, Any]) -> None:
        got = rechecks.Refetch(
            status=response.status,
            final_url=response.url,
            body=response.body,
            content_type=(response.headers.get("Content-Type") or b"").decode("latin-1") or None,
            exchanges=capture.exchanges(response),
            fetched_at=datetime.now(UTC),
        )
        try:
            outcome = await rechecks.apply(self.run.pool, self.run.keeping, target, got)
        except Exception as exc:  # one bad page never stops the others; its claim runs out
            log.warning("recheck of article %s: %s", target["article_id"], exc)
            outcome = rechecks.Outcome(target["article_id"], "failed", str(exc))
        self.run.record(target["article_id"], outcome)

    async def failed(self, failure: Failure) -> None:
        target = failure.request.cb_kwargs["target"]  # type: ignore[attr-defined]
        if str(failure.value) == STOPPING:
            return
        reason = failure_reason(failure)
        try:
            outcome = await rechecks.failed(self.run.pool, self.run.keeping, target, reason)
        except Exception as exc:
            log.warning("recheck of article %s: %s (%s)", target["article_id"], reason, exc)
            outcome = rechecks.Outcome(target["article_id"], "failed", reason)
        self.run.record(target["article_id"], outcome)


async def recheck(
    pool: AsyncConnectionPool,
    settings: Settings,
    targets: list[dict[str, Any]],
    heard: Callable[[int], None] | None = None,
) -> dict[int, rechecks.Outcome]:
    """Fetch the claimed `targets` again and record what each re-check found; returns the outcome
    of each (an article the crawl never answered for is 'failed', its claim left to run out).
    `heard` is told how many of the targets are answered so far."""
    run = Run(pool, Keeping.of(settings), targets, heard=heard)
    if targets:
        async with crawl_turn():
            await AsyncCrawlerRunner(scrapy_settings(settings)).crawl(RecheckSpider, run=run)
    for t in targets:
        run.outcomes.setdefault(t["article_id"], rechecks.Outcome(t["article_id"], "failed", "no answer"))
    return run.outcomes
