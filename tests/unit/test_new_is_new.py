"""Old is not new: the NEWSWATCH_NEW_WITHIN setting, the rule, and what a digest says about dates
(published and first seen, with the year whenever it is not the digest's). Times are explicit."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from alerts.digest import assemble
from monitor import config
from monitor.errors import UsageError
from monitor.store.newness import is_new

T = datetime(2024, 2, 7, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw", "span"),
    [
        (None, timedelta(days=3)),
        ("12h", timedelta(hours=12)),
        ("90m", timedelta(minutes=90)),
        (" 7D ", timedelta(days=7)),
    ],
)
def test_the_setting(raw: str | None, span: timedelta) -> None:
    env = {} if raw is None else {"NEWSWATCH_NEW_WITHIN": raw}
    assert config.load(env).new_within == span


@pytest.mark.parametrize("raw", ["0d", "3", "3w", "-1d", "d", "three days", ""])
def test_a_bad_span_is_a_usage_error_naming_the_setting(raw: str) -> None:
    with pytest.raises(UsageError, match="NEWSWATCH_NEW_WITHIN: expected a positive span"):
        config.load({"NEWSWATCH_NEW_WITHIN": raw})


@pytest.mark.parametrize(
    ("published", "new"),
    [
        (T - timedelta(hours=2), True),
        (T - timedelta(days=3), True),  # the edge: within
        (T - timedelta(days=3, seconds=1), False),
        (T - timedelta(days=365), False),  # a sitemap's archive
        (T.replace(year=2018), False),  # another election, found today
        (None, True),  # no date: taken as published when first seen
    ],
)
def test_is_new(published: datetime | None, new: bool) -> None:
    assert is_new(published, T, timedelta(days=3)) is new


def row(i: int, published: datetime | None, stored: datetime, story: int | None = None) -> dict[str, Any]:
    return {
        "id": i,
        "url": f"https://x.az/{i}",
        "title": f"Story {i}",
        "text": "The election went on.",
        "outlet": f"Outlet {i}",
        "lang": "en",
        "published_at": published,
        "stored_at": stored,
        "story": story or i,
        "keywords": ["election"],
        "queries": ["election"],
    }


@pytest.mark.parametrize(
    ("published", "stored", "local_date", "published_seen", "seen"),
    [
        # published late on the 6th UTC, first seen the next morning: both in Baku time, no year
        (datetime(2024, 2, 6, 22, 30, tzinfo=UTC), T, date(2024, 2, 7), "7 Feb 02:30 +04", "7 Feb 12:00 +04"),
        # the year whenever it is not the digest's, in the subscriber's zone
        (datetime(2023, 12, 31, 19, 30, tzinfo=UTC), datetime(2024, 1, 1, 6, tzinfo=UTC), date(2024, 1, 1),
         "31 Dec 2023 23:30 +04", "1 Jan 10:00 +04"),
        (datetime(2023, 12, 31, 21, 30, tzinfo=UTC), datetime(2024, 1, 1, 6, tzinfo=UTC), date(2024, 1, 1),
         "1 Jan 01:30 +04", "1 Jan 10:00 +04"),  # already the new year in Baku
        (datetime(2024, 2, 7, 1, 0, tzinfo=UTC), T, date(2025, 3, 1), "7 Feb 2024 05:00 +04", "7 Feb 2024 12:00 +04"),
        (None, T, date(2024, 2, 7), "", "7 Feb 12:00 +04"),
    ],
)  # fmt: skip
def test_a_digest_says_when_a_story_was_published_and_when_it_was_first_seen(
    published: datetime | None, stored: datetime, local_date: date, published_seen: str, seen: str
) -> None:
    (story,) = assemble("a@example.org", local_date, "Asia/Baku", [row(1, published, stored)]).stories
    assert (story.published_seen, story.seen) == (published_seen, seen)


def test_a_storys_published_is_its_first_publication_and_first_seen_its_first_storing() -> None:
    rows = [
        row(1, datetime(2024, 2, 7, 6, tzinfo=UTC), datetime(2024, 2, 7, 6, 5, tzinfo=UTC), story=9),
        row(2, datetime(2024, 2, 7, 5, tzinfo=UTC), datetime(2024, 2, 7, 7, 0, tzinfo=UTC), story=9),  # fetched later
    ]
    (story,) = assemble("a@example.org", date(2024, 2, 7), "UTC", rows).stories
    assert (story.published_seen, story.seen) == ("7 Feb 05:00 UTC", "7 Feb 06:05 UTC")
