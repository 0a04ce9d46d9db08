"""The Trend spider (`spider:trend`): Trend (en.trend.az) has a feed, but it carries only the latest
items; its section listings and its archive pages (`/archive/YYYY-MM-DD`, paginated with
`rel=next`) reach everything, so the election period can be backfilled.

The source's URL is a section listing (e.g. https://en.trend.az/azerbaijan/politics/). A poll walks
that listing; a backfill walks the archive page of each day of its window. Article URLs end in a
numeric id (`…/3857924.html`), the stable key; pages carry `article:published_time`, an `h1` and
the body in `div.article-content`, which monitor.pipeline.extract reads.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.http import Response

from monitor.pipeline.canonical import canonicalise, is_web_url
from monitor.store import sources
from spiders.source import SourceSpider

ARTICLE = re.compile(r"/\d{5,}\.html$")


class TrendSpider(SourceSpider):
    name = "trend"

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for source in self.poll.sources:
            async with self.poll.pool.connection() as conn:
                source = {**source, "known": await sources.known_urls(conn, source["id"])}
            window = self.poll.window
            if window is None:
                yield self.listing(source["url"], source, root=True)
                continue
            last = (window.until - timedelta(microseconds=1)).date()  # `until` is exclusive, like search's
            days = [window.since.date() + timedelta(days=n) for n in range((last - window.since.date()).days + 1)]
            source["days"] = {"total": len(days), "done": 0}
            window.progress(0, len(days), 0)
            for day in days:
                yield self.listing(urljoin(source["url"], f"/archive/{day.isoformat()}"), source, root=False)

    def listing(self, url: str, source: dict, root: bool, first_page: bool = True) -> scrapy.Request:
        return scrapy.Request(
            url,
            callback=self.parse_listing,
            errback=self.source_failed if root else self.article_failed,
            dont_filter=root,
            cb_kwargs={"source": source, "root": root, "first_page": first_page},
        )

    async def parse_listing(self, response: Response, source: dict, root: bool, first_page: bool) -> AsyncIterator[Any]:
        host = urlsplit(response.url).hostname
        links = []
        for href in response.css("a::attr(href)").getall():
            url = urljoin(response.url, href.strip())
            if is_web_url(url) and urlsplit(url).hostname == host and ARTICLE.search(urlsplit(url).path):
                key = canonicalise(url)
                if key not in source["known"]:
                    source["known"].add(key)  # each article once per crawl, however many listings show it
                    links.append(url)
        stats = self.poll.stats[source["name"]]
        stats.fetched += len(links)
        if root:
            async with self.poll.pool.connection() as conn:
                await sources.record_success(
                    conn,
                    source["id"],
                    not_modified=False,
                    seen=len(links),
                    new=len(links),
                )
        for url in links:
            yield self.article_request(url, source)
        following = response.css("a[rel=next]::attr(href)").get()
        if following and self.poll.window is not None:
            yield self.listing(urljoin(response.url, following), source, root=False, first_page=False)
        elif self.poll.window is not None:
            days = source["days"]
            days["done"] += 1
            self.poll.window.progress(days["done"], days["total"], stats.new + stats.old)
