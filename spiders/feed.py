"""The feed spider: conditional GET of each feed, its entries read by spiders.entries (RSS, Atom,
JSON Feed), then every new item's page, handed to the item pipeline as a `Fetched`.

An unchanged feed costs nothing to parse: a 304 answers a conditional GET, and a 200 whose body
hashes to the last one's is skipped before feedparser.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import psycopg
import scrapy
from scrapy.http import Response

from monitor.pipeline.canonical import canonicalise
from monitor.store import articles, sources
from spiders import clean
from spiders.entries import Entry, entries
from spiders.feedbytes import NotAFeed
from spiders.source import SourceSpider, response_headers

# New items fetched per poll, newest first; the rest wait for the next polls (the source's
# `backlog` says how many), as sitemaps do: one outlet's flood never starts thousands of requests.
MAX_NEW_PER_POLL = 200


def _header(response: Response, name: str) -> str | None:
    return clean.validator((response.headers.get(name) or b"").decode("latin-1"))


class FeedSpider(SourceSpider):
    name = "feed"

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
                errback=self.source_failed,
                dont_filter=True,
                cb_kwargs={"source": source},
            )

    async def parse_feed(self, response: Response, source: dict) -> AsyncIterator[Any]:
        stats = self.poll.stats[source["name"]]
        body_hash = hashlib.sha256(response.body).hexdigest()
        if response.status == 304 or body_hash == source.get("body_sha256"):
            self.poll.unchanged.add(source["id"])  # recorded with the others (spiders.crawl.Unchanged)
            return
        try:
            found = _distinct(entries(response.body, response_headers(response)))
        except NotAFeed as exc:
            await self.record_failure(source, str(exc))
            return
        stats.fetched += len(found)
        try:
            async with self.poll.pool.connection() as conn:
                known_urls, known_guids = await articles.known(
                    conn, source["id"], [c for _, c in found], [e.guid for e, _ in found if e.guid]
                )
                fresh = [
                    (e, c)
                    for e, c in found
                    if not (c in known_urls or (e.guid and e.guid in known_guids) or c in self.poll.requested)
                ]
                taken = newest(fresh)[:MAX_NEW_PER_POLL]
                backlog = len(fresh) - len(taken)
                await sources.record_success(
                    conn, source["id"], not_modified=False, seen=len(found), new=len(taken), backlog=backlog
                )
        except psycopg.Error as exc:  # a full disk, a value the database refuses: said on the source
            await self.record_failure(source, f"store: could not read what is stored: {exc}", cause=exc)
            return
        if not backlog:  # with items left over, the next poll must read the feed again, not get a 304
            self.poll.validators[source["id"]] = (
                _header(response, "ETag"),
                _header(response, "Last-Modified"),
                body_hash,
            )
        for e, key in taken:
            self.poll.requested.add(key)
            meta = {"guid": e.guid, "title": e.title, "summary": e.summary, "published": e.published}
            # the canonical URL: 1,000 utm_* variants of one link are one page, fetched once
            yield self.article_request(key, source, meta)


def _distinct(found: list[Entry]) -> list[tuple[Entry, str]]:
    """Each entry with its canonical URL, the first of each URL only."""
    seen: dict[str, Entry] = {}
    for e in found:
        seen.setdefault(canonicalise(e.link), e)
    return [(e, key) for key, e in seen.items()]


def newest(fresh: list[tuple[Entry, str]]) -> list[tuple[Entry, str]]:
    """Newest first by the entry's date; undated entries keep the feed's order (newest first by
    custom), after the dated ones."""
    oldest = datetime.min.replace(tzinfo=UTC)
    return sorted(fresh, key=lambda ec: ec[0].published or oldest, reverse=True)
