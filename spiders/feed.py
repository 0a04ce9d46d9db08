"""The feed spider: conditional GET of each feed, feedparser on the screened bytes, then every new
item's page, handed to the item pipeline as a `Fetched`."""

from __future__ import annotations

import calendar
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import feedparser
import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from monitor.pipeline.canonical import canonicalise, is_web_url
from monitor.pipeline.ingest import Fetched
from monitor.store import articles, sources
from spiders.feedbytes import NotAFeed, screen

log = logging.getLogger(__name__)


def _headers(response: Response) -> dict[str, str]:
    return {k.decode("latin-1"): b", ".join(v).decode("latin-1") for k, v in response.headers.items()}


def _when(parsed: Any) -> datetime | None:
    if not parsed:
        return None
    return datetime.fromtimestamp(calendar.timegm(parsed), UTC)


def failure_reason(failure: Failure) -> str:
    from scrapy.spidermiddlewares.httperror import HttpError

    exc = failure.value
    if isinstance(exc, HttpError):
        return f"HTTP {exc.response.status}"
    return str(exc) or type(exc).__name__


class FeedSpider(scrapy.Spider):
    name = "feed"

    def __init__(self, poll: Any, **kwargs: Any):
        super().__init__(**kwargs)
        self.poll = poll  # spiders.crawl.Poll: pool, sources, keywords, stats

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for source in self.poll.sources:
            headers = {}
            if source["etag"]:
                headers["If-None-Match"] = source["etag"]
            if source["last_modified"]:
                headers["If-Modified-Since"] = source["last_modified"]
            yield scrapy.Request(
                source["url"],
                headers=headers,
                callback=self.parse_feed,
                errback=self.feed_failed,
                dont_filter=True,
                cb_kwargs={"source": source},
            )

    async def feed_failed(self, failure: Failure) -> None:
        source = failure.request.cb_kwargs["source"]  # type: ignore[attr-defined]
        await self._failed(source, failure_reason(failure))

    async def _failed(self, source: dict, reason: str) -> None:
        log.warning("source %s: %s", source["name"], reason)
        self.poll.stats[source["name"]].errors.append(reason)
        async with self.poll.pool.connection() as conn:
            await sources.record_failure(conn, source["id"], reason)

    async def parse_feed(self, response: Response, source: dict) -> AsyncIterator[Any]:
        stats = self.poll.stats[source["name"]]
        if response.status == 304:
            async with self.poll.pool.connection() as conn:
                await sources.record_success(conn, source["id"], etag=None, last_modified=None, not_modified=True)
            return
        try:
            screen(response.body)
        except NotAFeed as exc:
            await self._failed(source, str(exc))
            return
        parsed = feedparser.parse(response.body, response_headers=_headers(response))
        if not parsed.get("version") and not parsed.entries:
            reason = str(parsed.get("bozo_exception") or "not a feed")
            await self._failed(source, f"not a feed: {reason}")
            return
        entries = []
        for entry in parsed.entries:
            link = (entry.get("link") or "").strip()
            if not is_web_url(link):
                continue
            guid = (entry.get("id") or "").strip() or None
            entries.append((entry, link, canonicalise(link), guid))
        stats.fetched += len(entries)
        async with self.poll.pool.connection() as conn:
            known_urls, known_guids = await articles.known(
                conn, source["id"], [c for _, _, c, _ in entries], [g for _, _, _, g in entries if g]
            )
            await sources.record_success(
                conn,
                source["id"],
                etag=response.headers.get("ETag", b"").decode("latin-1") or None,
                last_modified=response.headers.get("Last-Modified", b"").decode("latin-1") or None,
                not_modified=False,
            )
        for entry, link, canonical, guid in entries:
            if canonical in known_urls or (guid and guid in known_guids):
                continue
            yield scrapy.Request(
                link,
                callback=self.parse_article,
                errback=self.article_failed,
                cb_kwargs={
                    "source": source,
                    "meta": {
                        "guid": guid,
                        "title": entry.get("title"),
                        "summary": entry.get("summary"),
                        "published": _when(entry.get("published_parsed") or entry.get("updated_parsed")),
                    },
                },
            )

    async def parse_article(self, response: Response, source: dict, meta: dict) -> AsyncIterator[Fetched]:
        text = response.text if hasattr(response, "text") else response.body.decode("utf-8", "replace")
        yield Fetched(
            source_id=source["id"],
            outlet=source["name"],
            link=response.request.url if response.request else response.url,
            final_url=response.url,
            html=text,
            raw=response.body,
            headers=_headers(response),
            fetched_at=datetime.now(UTC),
            guid=meta["guid"],
            feed_title=meta["title"],
            feed_published=meta["published"],
            feed_summary=meta["summary"],
            source_lang=source["lang"],
        )

    async def article_failed(self, failure: Failure) -> None:
        source = failure.request.cb_kwargs["source"]  # type: ignore[attr-defined]
        reason = f"{failure.request.url}: {failure_reason(failure)}"  # type: ignore[attr-defined]
        log.warning("source %s: article %s", source["name"], reason)
        self.poll.stats[source["name"]].errors.append(reason)
