"""robots.txt remembered in PostgreSQL: a second `newswatch poll` process does not fetch it again,
an idle round moves no body bytes, and RFC 9309's caching rules hold (24 hours at most; 4xx allows
everything; 5xx or no answer disallows everything unless a robots.txt received earlier stands in)."""

from __future__ import annotations

import psycopg

from tests.conftest import Cli
from tests.site.server import Site


def sql(database_url: str, query: str, *args: object) -> list[tuple]:
    with psycopg.connect(database_url, autocommit=True) as conn:
        cur = conn.execute(query, args)
        return cur.fetchall() if cur.description else []


def age(database_url: str, hours: float) -> None:
    sql(database_url, "UPDATE robots_txt SET fetched_at = fetched_at - make_interval(hours => %s)", hours)


def test_a_new_process_uses_the_remembered_robots_txt(cli: Cli, site: Site, database_url: str) -> None:
    cli("sources", "add", "Courier", site.url("/feed.rss"), "--kind", "feed", "--no-check")
    cli("sources", "add", "Hidden", site.url("/private/feed.rss"), "--kind", "feed", "--no-check")
    site.hits.clear()
    site.answers.clear()
    cli("poll", "Courier", "Hidden")
    assert site.hits["/robots.txt"] == 1
    assert site.hits["/private/feed.rss"] == 0  # disallowed by the rules fetched
    ((status, body),) = sql(database_url, "SELECT status, body FROM robots_txt")
    assert status == 200 and b"Disallow: /private/" in bytes(body)

    site.answers.clear()
    cli("poll", "Courier", "Hidden")  # another process: reads it from the database
    assert site.hits["/robots.txt"] == 1
    assert site.hits["/private/feed.rss"] == 0  # the remembered rules still apply
    assert site.answers == [("/feed.rss", 304)]  # the idle round: one 304, no body at all

    age(database_url, 25)  # older than RFC 9309's 24 hours: fetched again
    cli("poll", "Courier")
    assert site.hits["/robots.txt"] == 2


def test_4xx_allows_everything(cli: Cli, site: Site, database_url: str) -> None:
    cli("sources", "add", "Hidden", site.url("/private/feed.rss"), "--kind", "feed", "--no-check")
    site.overrides["/robots.txt"] = (404, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /\n")
    site.hits.clear()
    cli("poll", "Hidden")
    assert site.hits["/robots.txt"] == 1
    assert site.hits["/private/feed.rss"] == 1  # "unavailable": no rules at all, not the error page's
    cli("poll", "Hidden")
    assert site.hits["/robots.txt"] == 1  # a 4xx is remembered like a robots.txt


def test_5xx_disallows_everything_unless_an_earlier_one_stands_in(cli: Cli, site: Site, database_url: str) -> None:
    cli("sources", "add", "Courier", site.url("/feed.rss"), "--kind", "feed", "--no-check")
    cli("sources", "add", "Hidden", site.url("/private/feed.rss"), "--kind", "feed", "--no-check")
    site.overrides["/robots.txt"] = (503, {"Content-Type": "text/plain"}, b"busy")
    site.hits.clear()
    cli("poll", "Courier", "Hidden")
    assert site.hits["/robots.txt"] == 1
    assert site.hits["/feed.rss"] == 0 and site.hits["/private/feed.rss"] == 0  # unreachable: all disallowed
    assert sql(database_url, "SELECT status, body FROM robots_txt") == [(503, None)]
    cli("poll", "Courier")
    assert site.hits["/robots.txt"] == 1  # asked again only after a while (not at every poll)

    del site.overrides["/robots.txt"]
    age(database_url, 1)
    cli("poll", "Courier", "Hidden")  # back: its rules
    assert site.hits["/robots.txt"] == 2
    assert site.hits["/feed.rss"] == 1 and site.hits["/private/feed.rss"] == 0

    site.overrides["/robots.txt"] = (500, {"Content-Type": "text/plain"}, b"down")
    age(database_url, 25)
    site.hits.clear()
    cli("poll", "Courier", "Hidden")  # down again: the robots.txt received before stands in
    assert site.hits["/robots.txt"] == 1
    assert site.hits["/feed.rss"] == 1 and site.hits["/private/feed.rss"] == 0
    ((status, body),) = sql(database_url, "SELECT status, body FROM robots_txt")
    assert status == 500 and b"Disallow: /private/" in bytes(body)
