"""When an article was published, and how that was known (`date_source`).

Ranked by how each date was known: what the page states in its markup (`page-meta`: JSON-LD
`datePublished`, `article:published_time`, `itemprop`, a `time[datetime]` in the article's header)
> the feed's (`feed`, also a sitemap's) > a day in the URL (`url`) > a date read in the page's text
(`page-text`: a byline or date line, see monitor.pipeline.pagedates) > the moment it was fetched
(`fetched`).

A date is believed only inside [fetched − 10 years, fetched + 1 day]: later is a wrong clock or a
typo (a date up to a day ahead is a time-zone slip, cut to the fetch time), earlier is a template's
leftover. A day without a time that is 1 January says a year, not a day (a copyright line, a
bare year), and is dropped. A day without a time is completed by a lower-ranked date of the same
day that has one (an URL's day by the byline's minute); a lower-ranked date of another day is
ignored: it contradicts a better one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

SOURCES = ("page-meta", "feed", "url", "page-text", "fetched")
OLDEST = timedelta(days=3653)  # ten years before the fetch
AHEAD = timedelta(days=1)  # after the fetch, still a time-zone slip rather than a wrong date

# /2024/02/07/, /2024-02-07/, /20240207/ in a path: common in news URLs.
_URL_DATE = re.compile(r"/(20\d\d)[/-]?(0[1-9]|1[0-2])[/-]?(0[1-9]|[12]\d|3[01])(?:[/_.-]|$)")


@dataclass(frozen=True)
class Dated:
    """A date found somewhere, with or without a time of day. `at` keeps the offset it was written
    with, so `at.date()` is the day the writer meant."""

    at: datetime
    has_time: bool = True


def date_in_url(url: str) -> datetime | None:
    """The day a URL's path names, at midnight UTC, or None."""
    m = _URL_DATE.search(url.split("?", 1)[0])
    if not m:
        return None
    try:
        return datetime.combine(date(int(m[1]), int(m[2]), int(m[3])), datetime.min.time(), UTC)
    except ValueError:
        return None


def believable(d: Dated, fetched_at: datetime) -> bool:
    """Inside the window around the fetch, and not a bare 1 January."""
    if not fetched_at - OLDEST <= d.at <= fetched_at + AHEAD:
        return False
    return d.has_time or (d.at.month, d.at.day) != (1, 1)


def choose_published(
    page_meta: tuple[Dated, ...],
    feed: datetime | None,
    url: str,
    page_text: Dated | None,
    fetched_at: datetime,
) -> tuple[datetime, str]:
    """(the publication time to store, its `date_source`). Of the moments a page states, the
    earliest believable one (a page that states two was published by the first)."""
    stated = sorted((d for d in page_meta if believable(d, fetched_at)), key=lambda d: (d.at, not d.has_time))
    url_day = date_in_url(url)
    ranked: list[tuple[Dated | None, str]] = [
        (stated[0] if stated else None, "page-meta"),
        (Dated(feed) if feed else None, "feed"),
        (Dated(url_day, has_time=False) if url_day else None, "url"),
        (page_text, "page-text"),
    ]
    found = [(d, source) for d, source in ranked if d is not None and believable(d, fetched_at)]
    if not found:
        return fetched_at, "fetched"
    best, source = found[0]
    if not best.has_time:
        for lower, lower_source in found[1:]:
            if lower.has_time and lower.at.date() == best.at.date():
                best, source = lower, lower_source
                break
    return min(best.at, fetched_at), source
