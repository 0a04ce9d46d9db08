"""An idle round (every feed answers 304) is recorded a round at a time, not a source at a time,
and each source's outcome is still its own: a success, its share of 304s, its claim released, its
next poll later by the adaptive interval (bench/ingest.py measures what it costs)."""

from __future__ import annotations

from datetime import UTC, datetime

import psycopg

from tests.conftest import Cli
from tests.site.server import Site

FEEDS = 8


def rows(database_url: str) -> list[tuple]:
    with psycopg.connect(database_url, autocommit=True) as conn:
        return conn.execute(
            "SELECT name, last_polled_at, polls, not_modified, consecutive_failures, claimed_until,"
            " current_interval_s, next_poll_at FROM sources WHERE kind = 'feed' ORDER BY name"
        ).fetchall()


def test_unchanged_feeds_are_recorded_together_each_with_its_own_outcome(
    cli: Cli, site: Site, database_url: str
) -> None:
    for n in range(FEEDS):  # one feed under eight URLs: the site ignores the query
        cli("sources", "add", f"Outlet {n}", site.url(f"/feed.rss?outlet={n}"), "--kind", "feed", "--no-check")
    cli("poll")
    before = {name: every for name, *_, every, _next_at in rows(database_url)}
    site.answers.clear()
    out = cli("poll").stdout

    assert [s for p, s in site.answers if p == "/feed.rss"] == [304] * FEEDS
    assert out.count("fetched 0, new 0, duplicates 0, errors 0") == FEEDS
    found = rows(database_url)
    assert len(found) == FEEDS
    for name, _at, polls, not_modified, failures, claimed, every, next_at in found:
        assert (polls, not_modified, failures, claimed) == (2, 1, 0, None)
        assert every == min(3600, round(before[name] * 1.25))  # unchanged: later, within 4 × 15 min
        assert every * 0.85 < (next_at - datetime.now(UTC)).total_seconds() <= every * 1.1
    # recorded by one statement (one transaction: one now()), or two when the round outlasted
    # spiders.crawl.UNCHANGED_WAIT_S; a statement per source gave eight
    assert len({at for _, at, *_ in found}) <= 2
    assert len({next_at for *_, next_at in found}) == FEEDS  # each spread by its own jitter


def test_an_unchanged_sitemap_is_recorded_as_an_unchanged_feed_is(cli: Cli, site: Site, database_url: str) -> None:
    """A sitemap source whose document has not changed goes the same way (spiders.crawl.Unchanged):
    a success, one more unchanged poll, its claim released."""
    cli("sources", "add", "ApaMap", site.url("/sitemap-index.xml"), "--kind", "sitemap", "--no-check")
    cli("poll", "ApaMap")
    cli("poll", "ApaMap")
    with psycopg.connect(database_url, autocommit=True) as conn:
        found = conn.execute(
            "SELECT polls, not_modified, consecutive_failures, claimed_until FROM sources WHERE name = 'ApaMap'"
        ).fetchone()
    assert found == (2, 1, 0, None)
