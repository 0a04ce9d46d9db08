"""The fixture pages of tests/site/www/dates/ polled for real (their two feeds over HTTP, the
extraction workers, PostgreSQL): `search --format jsonl`, the API and the article page give each
article the date and date_source of cases.toml. The poll's clock is today's, not the case's: cases
whose answer depends on when the page was fetched (a year-less date line, the fetch time itself)
are checked for their source only."""

from __future__ import annotations

import json
import tomllib
from datetime import datetime

from tests.conftest import Cli
from tests.site.server import Site
from tests.unit.test_dates import DATES

CASES = tomllib.loads((DATES / "cases.toml").read_text(encoding="utf-8"))["case"]
YEARLESS = "news/yearless-byline-7314.html"


def test_polled_fixture_pages_are_dated_as_their_cases_say(cli: Cli, site: Site) -> None:
    cli("init")
    cli("sources", "add", "Dated", site.url("/dates/feed.rss"))
    cli("sources", "add", "Undated", site.url("/dates/undated.rss"))
    out = cli("poll", "Dated", "Undated").stdout
    assert "Dated: fetched 5, new 5" in out and "Undated: fetched 10, new 10" in out, out

    found = [json.loads(line) for line in cli("search", "--format", "jsonl", "--limit", "100").stdout.splitlines()]
    by_page = {a["url"].removeprefix(site.url("/dates/")): a for a in found if "/dates/" in a["url"]}
    assert set(by_page) == {c["page"] for c in CASES}
    for case in CASES:
        got = by_page[case["page"]]
        assert got["date_source"] == case["source"], (case["page"], got["date_source"], case["why"])
        if case["source"] != "fetched" and case["page"] != YEARLESS:
            assert datetime.fromisoformat(got["published_at"]) == datetime.fromisoformat(case["expect"]), case["page"]
        if case["source"] == "fetched":
            assert got["published_at"] == got["fetched_at"]
