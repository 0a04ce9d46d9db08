"""The feed spider: conditional GET of each feed, its entries read by spiders.entries (RSS, Atom,
JSON Feed), then every new item's page, handed to the item pipeline as a `Fetched`.

An unchanged feed costs nothing to parse: a 304 answers a conditional GET, and a 200 whose body
hashes to the last one's is skipped before feedparser.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from typing import Any

import psycopg
import scrapy
from scrapy.http import Response

from monitor.pipeline.canonical import canonicalise
from monitor.store import articles, sources
from spiders import clean
from spiders.entries import entries
from spiders.feedbytes import NotAFeed
from spiders.source import SourceSpider, response_headers


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
            async with self.poll.pool.connection() as conn:
                await sources.record_success(conn, source["id"], not_modified=True)
            return
        try:
            found = [(e, canonicalise(e.link)) for e in entries(response.body, response_headers(response))]
        except NotAFeed as exc:
            await self.record_failure(source, str(exc))
            return
        stats.fetched += len(found)
        try:
            async with self.poll.pool.connection() as conn:
                known_urls, known_guids = await articles.known(
                    conn, source["id"], [c for _, c in found], [e.guid for e, _ in found if e.guid]
                )
                fresh = [e for e, c in found if not (c in known_urls or (e.guid and e.guid in known_guids))]
                await sources.record_success(conn, source["id"], not_modified=False, seen=len(found), new=len(fresh))
        except psycopg.Error as exc:  # a full disk, a value the database refuses: said on the source
            await self.record_failure(source, f"store: could not read what is stored: {exc}")
            return
        self.poll.validators[source["id"]] = (
            _header(response, "ETag"),
            _header(response, "Last-Modified"),
            body_hash,
        )
        for e in fresh:
            meta = {"guid": e.guid, "title": e.title, "summary": e.summary, "published": e.published}
            yield self.article_request(e.link, source, meta)
