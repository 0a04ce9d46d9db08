"""robots.txt, remembered in PostgreSQL (table robots_txt) and shared by every process and worker.

Scrapy's RobotsTxtMiddleware keeps what it parsed for one crawl only, and every `poll` process (and
every worker) starts crawls of its own: without this, each of them fetched every host's robots.txt
again, so an idle round over unchanged feeds still moved body bytes. RFC 9309 §2.3.1 and §2.4 say
what a fetch means and how long it may be kept:

- 2xx: its rules, kept at most 24 hours (FRESH_S);
- 4xx ("unavailable"): no rules, everything allowed, kept as long;
- 5xx, 429 or no answer at all ("unreachable"): everything disallowed, except that the last
  robots.txt received (kept through the outage) still applies while it is at most 30 days old
  (STALE_OK_S); asked again after RETRY_S, not 24 hours, since the site is expected back.

A request refused before it left (spiders.middlewares.PrivateNetworkGuard) is not a fetch: nothing
is remembered and the page request meets the same refusal. When the database cannot be reached the
robots.txt is fetched and used for this process only: politeness does not wait for the database.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request
from scrapy.http.request import NO_CALLBACK
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler

log = logging.getLogger(__name__)

FRESH_S = 24 * 3600.0  # RFC 9309 §2.4: SHOULD NOT use a cached robots.txt for more than 24 hours
RETRY_S = 600.0  # an unreachable robots.txt is asked for again after this
STALE_OK_S = 30 * 24 * 3600.0  # the last robots.txt received stands in for an unreachable one this long
MAX_BODY = 512 * 1024  # RFC 9309 §2.5: parse at least 500 KiB; more is not kept
ALLOW_ALL = b""
DISALLOW_ALL = b"User-agent: *\nDisallow: /\n"


@dataclass(frozen=True)
class Fetch:
    """What is known of an origin's robots.txt (a row of robots_txt)."""

    status: int | None  # None: unreachable
    fetched_at: float  # epoch seconds
    body: bytes | None = None  # the last one received with a 2xx
    body_at: float | None = None

    def reachable(self) -> bool:
        return self.status is not None and self.status < 500 and self.status != 429

    def expires(self) -> float:
        return self.fetched_at + (FRESH_S if self.reachable() else RETRY_S)

    def rules(self, now: float) -> bytes:
        """The robots.txt to obey (RFC 9309 §2.3.1)."""
        if self.status is not None and 200 <= self.status < 300:
            return self.body or b""
        if self.reachable():  # 4xx (and a 3xx left after too many redirects): unavailable, all allowed
            return ALLOW_ALL
        if self.body is not None and self.body_at is not None and now - self.body_at <= STALE_OK_S:
            return self.body
        return DISALLOW_ALL

    def after(self, status: int | None, body: bytes | None, now: float) -> Fetch:
        """This record once a new fetch answered `status` (None: unreachable) with `body`."""
        if status is not None and 200 <= status < 300:
            return Fetch(status, now, (body or b"")[:MAX_BODY], now)
        if status is not None and status < 500 and status != 429:
            return Fetch(status, now)  # unavailable: the old rules are gone
        return Fetch(status, now, self.body, self.body_at)  # unreachable: the last rules are kept


NEVER = Fetch(None, 0.0)


def _epoch(value: datetime | None) -> float | None:
    return value.timestamp() if value is not None else None


def _time(value: float | None) -> datetime | None:
    return datetime.fromtimestamp(value, UTC) if value is not None else None


async def read(conn: Any, origin: str) -> Fetch | None:
    cur = await conn.execute("SELECT status, fetched_at, body, body_at FROM robots_txt WHERE origin = %s", (origin,))
    row = await cur.fetchone()
    if row is None:
        return None
    body = bytes(row["body"]) if row["body"] is not None else None
    return Fetch(row["status"], row["fetched_at"].timestamp(), body, _epoch(row["body_at"]))


async def write(conn: Any, origin: str, fetch: Fetch) -> None:
    """Keep `fetch`, unless another process kept a later one meanwhile."""
    await conn.execute(
        """
        INSERT INTO robots_txt (origin, status, fetched_at, body, body_at) VALUES (%s, %s, %s, %s, %s)
        ON CONFLICT (origin) DO UPDATE SET status = excluded.status, fetched_at = excluded.fetched_at,
               body = excluded.body, body_at = excluded.body_at
         WHERE robots_txt.fetched_at < excluded.fetched_at
        """,
        (origin, fetch.status, _time(fetch.fetched_at), fetch.body, _time(fetch.body_at)),
    )


# origin → (what is known, the parser of its rules, why everything is refused or None); shared by
# every crawl of the process
_known: dict[str, tuple[Fetch, Any, str | None]] = {}
_asking: dict[str, asyncio.Lock] = {}


def forget() -> None:
    """Drop what this process remembers (tests: a fresh process)."""
    _known.clear()
    _asking.clear()


def _origin(request: Any) -> str:
    parts = urlparse_cached(request)
    return f"{parts.scheme}://{parts.netloc}"


def _refusal(origin: str, fetch: Fetch, why: str | None, now: float) -> str | None:
    """Why every request to `origin` is refused, when its robots.txt is unreachable and no earlier
    one stands in: said as such, not as "forbidden by robots.txt", which the site never said."""
    if fetch.reachable() or fetch.rules(now) != DISALLOW_ALL:
        return None
    cause = why or (f"it answered {fetch.status}" if fetch.status is not None else "no answer")
    return (
        f"refused: the robots.txt of {origin} could not be fetched ({cause}); RFC 9309 says to fetch "
        "nothing from the site until it can"
    )


class RememberedRobotsTxt(RobotsTxtMiddleware):
    async def process_request(self, request: Any, spider: Any = None) -> None:
        if request.meta.get("dont_obey_robotstxt") or request.url.startswith(("data:", "file:")):
            return
        rp = await self.robot_parser(request)
        held = _known.get(_origin(request))
        if held is not None and held[2] is not None:
            self._stats.inc_value("robotstxt/forbidden")
            raise IgnoreRequest(held[2])
        self.process_request_2(rp, request)

    async def robot_parser(self, request: Any) -> Any:
        origin = _origin(request)
        now = time.time()
        held = _known.get(origin)
        if held is not None and now < held[0].expires():
            return held[1]
        asking = _asking.setdefault(origin, asyncio.Lock())
        async with asking:  # one fetch per origin at a time: the others wait for its answer
            now = time.time()
            held = _known.get(origin)
            if held is not None and now < held[0].expires():
                return held[1]
            pool = getattr(getattr(self.crawler.spider, "poll", None), "pool", None)
            known = held[0] if held is not None else None
            why = None
            if pool is not None:
                known = await self._stored(pool, origin) or known
            if known is None or now >= known.expires():
                answer = await self._fetch(origin)
                if answer is _REFUSED:
                    return None
                status, body, why = answer  # type: ignore[misc]
                known = (known or NEVER).after(status, body, now=time.time())
                if pool is not None:
                    await self._keep(pool, origin, known)
            now = time.time()
            parser = build_from_crawler(self._parserimpl, self.crawler, known.rules(now))
            _known[origin] = (known, parser, _refusal(origin, known, why, now))
            return parser

    async def _fetch(self, origin: str) -> Any:
        """(status, body, why) of a fetch of the origin's robots.txt; (None, None, why) when it could
        not be reached; _REFUSED when the request was refused before it left."""
        robots = Request(
            origin + "/robots.txt",
            priority=self.DOWNLOAD_PRIORITY,
            meta={"dont_obey_robotstxt": True},
            callback=NO_CALLBACK,
        )
        self._stats.inc_value("robotstxt/request_count")
        try:
            response = await self.crawler.engine.download_async(robots)
        except IgnoreRequest:
            return _REFUSED
        except Exception as exc:  # no answer: RFC 9309's "unreachable"
            log.info("robots.txt of %s unreachable: %s", origin, exc)
            return None, None, str(exc) or type(exc).__name__
        self._stats.inc_value(f"robotstxt/response_status_count/{response.status}")
        return response.status, response.body, f"it answered {response.status}"

    @staticmethod
    async def _stored(pool: Any, origin: str) -> Fetch | None:
        try:
            async with pool.connection() as conn:
                return await read(conn, origin)
        except Exception as exc:  # the database is down: fetch it and keep it in this process only
            log.info("robots.txt of %s not read from the database: %s", origin, exc)
            return None

    @staticmethod
    async def _keep(pool: Any, origin: str, fetch: Fetch) -> None:
        try:
            async with pool.connection() as conn:
                await write(conn, origin, fetch)
        except Exception as exc:
            log.info("robots.txt of %s not kept in the database: %s", origin, exc)


_REFUSED = object()
