"""Per-host turns shared by every crawl of this process: at most NEWSWATCH's 2 requests at once to
one host, their starts spaced by NEWSWATCH_HOST_DELAY_S (±50 % jitter), whichever crawl sends them.

Each crawl (a poll batch, a re-check crawl, `seeds add`) has Scrapy's per-host slots of its own,
and a worker runs up to four poll batches and a re-check crawl at once (monitor.scheduler): an
outlet whose feeds fell into two batches, or whose articles were re-checked while a batch polled
it, got two crawls' worth of requests, 4 or more at once and starts a few milliseconds apart. So
the turn is taken here, at the download handler, where a request goes on the wire: the host delay
is kept here for every crawl, and Scrapy's own slot only bounds each crawl's requests per host.
"""

from __future__ import annotations

import asyncio
import random
import time
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from scrapy import Request
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.crawler import Crawler
from scrapy.http import Response

JITTER = 0.5  # a start waits the delay times 0.5 to 1.5, as Scrapy's DOWNLOAD_DELAY_JITTER would
PRUNE_AT = 1024  # hosts remembered before the idle ones are forgotten


class _Host:
    def __init__(self) -> None:
        self.busy = 0  # requests on the wire
        self.next_start = 0.0  # time.monotonic() before which no request may start
        self.waiting = 0
        self.changed = asyncio.Condition()


class Turns:
    """The hosts of one event loop, and when each may be sent its next request."""

    def __init__(self) -> None:
        self.hosts: dict[str, _Host] = {}

    @asynccontextmanager
    async def turn(self, host: str, at_once: int, delay: float) -> AsyncIterator[None]:
        """Wait until `host` has fewer than `at_once` requests on the wire and its delay since the
        last start has passed; held for as long as the request is on the wire."""
        at_once = max(at_once, 1)
        h = self.hosts.get(host)
        if h is None:
            if len(self.hosts) >= PRUNE_AT:
                self._prune()
            h = self.hosts[host] = _Host()
        async with h.changed:
            h.waiting += 1
            try:
                while True:
                    now = time.monotonic()
                    if h.busy < at_once and now >= h.next_start:
                        break
                    # a free place opens when a request ends (notified); the delay by itself
                    wait = h.next_start - now if h.busy < at_once else None
                    try:
                        await asyncio.wait_for(h.changed.wait(), wait)
                    except TimeoutError:
                        pass
            finally:
                h.waiting -= 1
            h.busy += 1
            h.next_start = now + delay * random.uniform(1 - JITTER, 1 + JITTER)
        try:
            yield
        finally:
            async with h.changed:
                h.busy -= 1
                h.changed.notify_all()

    def _prune(self) -> None:
        now = time.monotonic()
        for host, h in list(self.hosts.items()):
            if not h.busy and not h.waiting and h.next_start <= now:
                del self.hosts[host]


_turns: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Turns] = weakref.WeakKeyDictionary()


def turns() -> Turns:
    """This event loop's turns (every crawl of a process runs on one loop: monitor.runtime)."""
    return _turns.setdefault(asyncio.get_running_loop(), Turns())


class PoliteDownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 handler, each request sent in its host's turn (see the module's doc)."""

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        self._at_once = crawler.settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN")
        self._delay = crawler.settings.getfloat("NEWSWATCH_HOST_DELAY_S")

    async def download_request(self, request: Request) -> Response:
        assert self._crawler.engine is not None
        host = self._crawler.engine.downloader.get_slot_key(request)  # the key of Scrapy's own slot
        async with turns().turn(host, self._at_once, self._delay):
            return await super().download_request(request)
