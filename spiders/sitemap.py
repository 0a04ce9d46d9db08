"""The sitemap spider: Google News sitemaps and sitemap indexes, given directly or found from the
`Sitemap:` lines of a robots.txt, read with Scrapy's sitemap support (lxml, entities off).

A poll takes the entries that are not stored yet, newest first and at most MAX_PER_POLL of them (a
news sitemap holds two days by definition; a plain one may hold a whole archive); a backfill takes
the entries published inside its window.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import lxml.etree
import scrapy
from scrapy.http import Response
from scrapy.utils.gz import gunzip, gzip_magic_number
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

from monitor.pipeline.canonical import canonicalise, is_web_url
from monitor.store import sources
from spiders import clean
from spiders.source import SourceSpider

MAX_PER_POLL = 200


class NewsSitemap(Sitemap):
    """Scrapy's Sitemap, also keeping the `<news:news>` publication date and title of each URL."""

    def _process_sitemap_element(self, elem: lxml.etree._Element) -> dict[str, Any] | None:
        news = {self._get_tag_name(e): (e.text or "").strip() for e in elem.iter() if e is not elem and not len(e)}
        entry = super()._process_sitemap_element(elem)
        if entry is not None:
            entry["news_date"] = news.get("publication_date")
            entry["news_title"] = news.get("title")
        return entry


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class NewsSitemapSpider(SourceSpider):
    name = "sitemap"

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for source in self.poll.sources:
            async with self.poll.pool.connection() as conn:
                source = {**source, "known": await sources.known_urls(conn, source["id"])}
            headers = {}
            if self.poll.window is None and source["etag"]:
                headers["If-None-Match"] = source["etag"]
            yield scrapy.Request(
                source["url"],
                headers=headers,
                callback=self.parse_root,
                errback=self.source_failed,
                dont_filter=True,
                cb_kwargs={"source": source},
            )

    async def parse_root(self, response: Response, source: dict) -> AsyncIterator[Any]:
        body_hash = hashlib.sha256(response.body).hexdigest()
        unchanged = self.poll.window is None and (response.status == 304 or body_hash == source.get("body_sha256"))
        if unchanged:
            self.poll.unchanged.add(source["id"])  # recorded with the others (spiders.crawl.Unchanged)
            return
        if response.url.endswith("/robots.txt"):
            found = list(sitemap_urls_from_robots(response.body, base_url=response.url))
            if not found:
                await self.record_failure(source, "robots.txt names no sitemap (no Sitemap: line)")
                return
            requests = [self.sitemap_request(url, source) for url in found]
            seen = new = 0
        else:
            requests = []
            found_entries = self.read(response, source)
            if found_entries is None:
                return
            kind, items = found_entries
            seen, new = len(items), 0
            for item in items:
                if kind == "sitemapindex":
                    requests.append(self.sitemap_request(item["loc"], source))
                else:
                    new += 1
                    requests.append(self.article_for(item, source))
        if self.poll.window is not None:
            for request in requests:
                yield request
            return
        async with self.poll.pool.connection() as conn:
            backlog = source.get("backlog", 0)
            await sources.record_success(conn, source["id"], not_modified=False, seen=seen, new=new, backlog=backlog)
        if not backlog:  # with entries left over, the next poll must read the sitemap again, not get a 304
            etag = clean.validator((response.headers.get("ETag") or b"").decode("latin-1"))
            self.poll.validators[source["id"]] = (etag, None, body_hash)
        for request in requests:
            yield request

    def sitemap_request(self, url: str, source: dict) -> scrapy.Request:
        return scrapy.Request(url, callback=self.parse_child, errback=self.article_failed, cb_kwargs={"source": source})

    async def parse_child(self, response: Response, source: dict) -> AsyncIterator[Any]:
        found = self.read(response, source)
        if found is None:
            return
        kind, items = found
        for item in items:
            if kind == "sitemapindex":
                yield self.sitemap_request(item["loc"], source)
            else:
                yield self.article_for(item, source)

    def read(self, response: Response, source: dict) -> tuple[str, list[dict[str, Any]]] | None:
        """(sitemap type, wanted entries) of a sitemap response, or None (recorded) when it is not one."""
        body = response.body
        if gzip_magic_number(response):
            try:
                body = gunzip(body, max_size=self.settings.getint("DOWNLOAD_MAXSIZE"))
            except Exception as exc:
                self.poll.stats[source["name"]].errors.append(f"{response.url}: bad gzip sitemap: {exc}")
                return None
        try:
            sitemap = NewsSitemap(body)
        except Exception as exc:
            self.poll.stats[source["name"]].errors.append(f"{response.url}: not a sitemap: {exc}")
            return None
        if sitemap.type == "sitemapindex":
            return sitemap.type, [e for e in sitemap if is_web_url(e.get("loc", ""))]
        if sitemap.type != "urlset":
            self.poll.stats[source["name"]].errors.append(f"{response.url}: not a sitemap ({sitemap.type})")
            return None
        return sitemap.type, self.wanted(sitemap, source)

    def wanted(self, entries: Any, source: dict) -> list[dict[str, Any]]:
        """The entries to fetch: not stored yet, and inside the backfill window (or, for a poll, the
        newest MAX_PER_POLL of them)."""
        window = self.poll.window
        chosen = []
        for entry in entries:
            loc = entry.get("loc", "")
            key = canonicalise(loc) if is_web_url(loc) else None
            if key is None or key in source["known"]:
                continue
            entry["when"] = _date(entry.get("news_date")) or _date(entry.get("lastmod"))
            if window is not None and (entry["when"] is None or not window.since <= entry["when"] < window.until):
                continue
            source["known"].add(key)  # each URL once per crawl, however many sitemaps list it
            chosen.append(entry)
        if window is None:
            oldest = datetime.min.replace(tzinfo=UTC)
            source["backlog"] = source.get("backlog", 0) + max(0, len(chosen) - MAX_PER_POLL)
            chosen = sorted(chosen, key=lambda e: e["when"] or oldest, reverse=True)[:MAX_PER_POLL]
        self.poll.stats[source["name"]].fetched += len(chosen)
        return chosen

    def article_for(self, entry: dict[str, Any], source: dict) -> scrapy.Request:
        return self.article_request(
            entry["loc"], source, {"title": entry.get("news_title"), "published": entry["when"]}
        )
