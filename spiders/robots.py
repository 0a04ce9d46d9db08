"""robots.txt, fetched at most once an hour per host and shared by every crawl of the process.

Scrapy's RobotsTxtMiddleware keeps what it parsed for one crawl only, and `newswatch run` starts a
crawl for every poll: without this, every poll of an unchanged feed would cost two requests (the
robots.txt and the feed) instead of one. An hour is well inside the day crawlers commonly allow
(RFC 9309 §2.4 suggests not caching for more than 24 hours)."""

from __future__ import annotations

import time
from typing import Any

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.utils.httpobj import urlparse_cached

TTL_S = 3600.0
_cache: dict[str, tuple[float, Any]] = {}  # host:port → (when fetched, parser)


class CachedRobotsTxt(RobotsTxtMiddleware):
    async def robot_parser(self, request: Any) -> Any:
        netloc = urlparse_cached(request).netloc
        cached = _cache.get(netloc)
        if cached is not None and time.monotonic() - cached[0] < TTL_S:
            return cached[1]
        parser = await super().robot_parser(request)
        if parser is not None:  # a robots.txt that could not be fetched is asked for again next time
            _cache[netloc] = (time.monotonic(), parser)
        return parser
