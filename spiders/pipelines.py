"""Item pipeline glue: each fetched article page goes through monitor.pipeline.ingest."""

from __future__ import annotations

import logging
from typing import Any

from monitor.db import unreachable
from monitor.pipeline.ingest import Fetched, ingest

log = logging.getLogger(__name__)


class StorePipeline:
    def __init__(self, crawler: Any):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> StorePipeline:
        return cls(crawler)

    async def process_item(self, item: Fetched) -> Fetched:
        poll = self.crawler.spider.poll
        stats = poll.stats[item.outlet]
        try:
            outcome = await ingest(poll.pool, item, poll.keywords, poll.new_within, poll.keeping)
        except Exception as exc:  # one bad page never stops the poll
            log.warning("article %s from %s: %s", item.final_url, item.outlet, exc)
            stats.errors.append(f"{item.final_url}: {exc}")
            poll.unsaved[item.source_id] = f"{item.final_url}: {exc}"
            if unreachable(exc):  # not the source's failure: its poll is redone once the database is back
                poll.cut.add(item.source_id)
            return item
        if outcome == "new":
            stats.new += 1
        elif outcome == "old":
            stats.old += 1
        elif outcome == "duplicate":
            stats.duplicates += 1
        return item
