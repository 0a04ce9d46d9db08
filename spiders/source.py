"""What every spider shares: recording a source's outcome and turning an article page into a
`Fetched` for the item pipeline."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from monitor.db import DATABASE_DOWN, unreachable
from monitor.pipeline.encoding import decode_html
from monitor.pipeline.ingest import Fetched
from monitor.store import sources
from spiders import capture, clean

log = logging.getLogger(__name__)


def response_headers(response: Response) -> dict[str, str]:
    """The response's headers as text, without control characters (kept as evidence in jsonb,
    which cannot hold a NUL)."""
    found = {}
    for k, v in response.headers.items():
        name = clean.token(k.decode("latin-1"))
        if name:
            found[name] = clean.token(b", ".join(v).decode("latin-1")) or ""
    return found


def retry_after(response: Response | None) -> float | None:
    """Seconds a 429 or 503 asks us to wait (`Retry-After`: seconds or an HTTP date), else None."""
    if response is None or response.status not in (429, 503):
        return None
    value = (response.headers.get("Retry-After") or b"").decode("latin-1").strip()
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds())
    except (TypeError, ValueError):
        return None


STOPPING = "the service is stopping"  # why spiders.crawl drops the queued requests of a stopping poll
TOO_BIG = "refused: the response is larger than NEWSWATCH_MAX_BODY_MB (counted after decompression)"


def failure_reason(failure: Failure) -> str:
    """One line that says why a request failed, in Newswatch's terms where Scrapy's are obscure."""
    from scrapy.exceptions import CannotResolveHostError, DownloadCancelledError
    from scrapy.spidermiddlewares.httperror import HttpError
    from twisted.internet.error import DNSLookupError

    from spiders import resolver

    exc = failure.value
    if isinstance(exc, HttpError):
        return f"HTTP {exc.response.status}"
    text = str(exc)
    request = getattr(failure, "request", None)
    if isinstance(exc, DNSLookupError | CannotResolveHostError) and request is not None:
        # the resolver refused the name's address (spiders.resolver): say so, not "no results"
        from urllib.parse import urlsplit

        text = resolver.refused(urlsplit(request.url).hostname or "") or text
    # Scrapy cancels a body that outgrows DOWNLOAD_MAXSIZE (with no message when it had no
    # Content-Length), and ignores one whose decompression outgrows it
    if (isinstance(exc, DownloadCancelledError) and not text) or "DOWNLOAD_MAXSIZE" in text or "max size" in text:
        return TOO_BIG
    return text or type(exc).__name__


def failure_response(failure: Failure) -> Response | None:
    from scrapy.spidermiddlewares.httperror import HttpError

    return failure.value.response if isinstance(failure.value, HttpError) else None


class SourceSpider(scrapy.Spider):
    """A spider working for a poll (`spiders.crawl.Poll`: pool, sources, keywords, stats)."""

    def __init__(self, poll: Any, **kwargs: Any):
        super().__init__(**kwargs)
        self.poll = poll

    async def source_failed(self, failure: Failure) -> None:
        """Errback of a source's own document (feed, sitemap, listing): the source failed."""
        source = failure.request.cb_kwargs["source"]  # type: ignore[attr-defined]
        await self.record_failure(source, failure_reason(failure), retry_after(failure_response(failure)))

    async def record_failure(
        self, source: dict, reason: str, wait_s: float | None = None, cause: BaseException | None = None
    ) -> None:
        """Record on the source why its poll failed. When the cause is the database itself (it
        could not be reached), the source did nothing wrong and nothing can be recorded: its poll
        counts as cut short, to be redone once the database is back (monitor.scheduler)."""
        log.warning("source %s: %s", source["name"], reason)
        self.poll.stats[source["name"]].errors.append(reason)
        if cause is not None and unreachable(cause):
            self.poll.cut.add(source["id"])
            return
        try:
            async with self.poll.pool.connection() as conn:
                await sources.record_failure(conn, source["id"], reason, wait_s)
        except DATABASE_DOWN:
            self.poll.cut.add(source["id"])

    def article_request(self, url: str, source: dict, meta: dict[str, Any] | None = None) -> scrapy.Request:
        return scrapy.Request(
            url,
            callback=self.parse_article,
            errback=self.article_failed,
            cb_kwargs={"source": source, "meta": meta or {}},
            meta={capture.WANTED: True},
        )

    async def parse_article(self, response: Response, source: dict, meta: dict) -> Any:
        headers = response_headers(response)
        yield Fetched(
            source_id=source["id"],
            outlet=source["name"],
            link=response.request.url if response.request else response.url,
            final_url=response.url,
            html=decode_html(response.body, headers.get("Content-Type")).replace("\x00", ""),
            raw=response.body,
            headers=headers,
            fetched_at=datetime.now(UTC),
            guid=meta.get("guid"),
            feed_title=meta.get("title"),
            feed_published=meta.get("published"),
            feed_summary=meta.get("summary"),
            source_lang=source["lang"],
            exchanges=capture.exchanges(response),
        )

    async def article_failed(self, failure: Failure) -> None:
        if str(failure.value) == STOPPING:
            return  # dropped by a stopping service: not a failure, the next poll fetches it
        source = failure.request.cb_kwargs["source"]  # type: ignore[attr-defined]
        reason = f"{failure.request.url}: {failure_reason(failure)}"  # type: ignore[attr-defined]
        log.warning("source %s: article %s", source["name"], reason)
        self.poll.stats[source["name"]].errors.append(reason)
