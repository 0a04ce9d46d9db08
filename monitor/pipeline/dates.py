"""When an article was published: the page's own date, else the feed's, else a date in the URL,
else the moment it was fetched; never in the future.

A page that states its moment (`article:published_time`, JSON-LD) is believed first. A day that
trafilatura only inferred from the page (htmldate reads copyright lines and bylines too) ranks
after the feed's time, which names the minute."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

# /2024/02/07/, /2024-02-07/, /20240207/ in a path: common in news URLs.
_URL_DATE = re.compile(r"/(20\d\d)[/-]?(0[1-9]|1[0-2])[/-]?(0[1-9]|[12]\d|3[01])(?:[/_.-]|$)")


def date_in_url(url: str) -> datetime | None:
    """The day a URL's path names, at midnight UTC, or None."""
    m = _URL_DATE.search(url.split("?", 1)[0])
    if not m:
        return None
    try:
        return datetime.combine(date(int(m[1]), int(m[2]), int(m[3])), datetime.min.time(), UTC)
    except ValueError:
        return None


def choose_published(
    page: datetime | None,
    page_day_only: bool,
    feed: datetime | None,
    url: str,
    fetched_at: datetime,
    now: datetime | None = None,
) -> datetime:
    """The publication time to store; a date beyond `now` (bad clocks, bad markup) is cut to it."""
    if page is not None and page_day_only and feed is not None:
        chosen = feed
    else:
        chosen = page or feed or date_in_url(url) or fetched_at
    return min(chosen, now or datetime.now(UTC))
