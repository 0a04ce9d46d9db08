"""A seed's page is fetched as a poll fetches an article page: the same User-Agent and robots.txt,
the private-network guard, the size cap; what the page lacks comes from the options (a date from
--published, the outlet from the one source on the page's host, else the host); and a seed from an
HTML file is read like a fetched page. Fixture: tests/site/www/seeds (see test_seeds_cli.py)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import Cli
from tests.e2e.test_seeds_cli import SEED_PAGE, TITLE, articles, polled_copies
from tests.site.server import WWW, Site

COURIER = (WWW / "seeds" / "courier-cis-mission-7101.html").read_text(encoding="utf-8")


def jsonl(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def page_headers(site: Site, path: str) -> dict[str, str]:
    [headers] = [h for p, h in site.requests if p == path]
    return {k.lower(): v for k, v in headers.items()}


def test_the_seed_page_is_fetched_with_the_polls_request_and_guards(cli: Cli, site: Site, database_url: str) -> None:
    polled_copies(cli, site)
    stored = articles(database_url)

    # the private-network guard, which the test fixture lifts, is back: the fixture site is 127.0.0.1
    guarded = cli("seeds", "add", site.url(SEED_PAGE), NEWSWATCH_ALLOW_PRIVATE_NETWORKS="false", expect=2)
    assert "could not be fetched" in guarded.stderr and "private" in guarded.stderr.lower()
    assert site.hits[SEED_PAGE] == 0  # refused before any request

    # robots.txt disallows /private/ to every agent
    robots = cli("seeds", "add", site.url("/private/secret-2201.html"), "--outlet", "X", expect=2)
    assert "robots.txt" in robots.stderr and site.hits["/private/secret-2201.html"] == 0

    # the per-response size cap (NEWSWATCH_MAX_BODY_MB), 10 KiB here, against a 40 KiB page
    big = COURIER.replace("</div>", "<p>" + "Padding words for a long page. " * 1300 + "</p></div>", 1)
    site.overrides["/seeds/courier-long-7103.html"] = (200, {"Content-Type": "text/html; charset=utf-8"}, big.encode())
    capped = cli("seeds", "add", site.url("/seeds/courier-long-7103.html"), NEWSWATCH_MAX_BODY_MB="0.01", expect=2)
    assert "larger than NEWSWATCH_MAX_BODY_MB" in capped.stderr
    assert articles(database_url) == stored  # nothing of the three was stored
    assert jsonl(cli("seeds", "list", "--format", "jsonl").stdout) == []

    seed_id = int(cli("seeds", "add", site.url(SEED_PAGE), "--outlet", "Caspian Courier").stdout.splitlines()[0])
    seed_request = page_headers(site, SEED_PAGE)
    poll_request = page_headers(site, "/seeds/wire-cis-mission-8101.html")  # an article page of the poll
    assert (
        seed_request["user-agent"] == poll_request["user-agent"] and "newswatch" in seed_request["user-agent"].lower()
    )
    assert site.hits["/robots.txt"] >= 1
    assert jsonl(cli("seeds", "show", str(seed_id), "--format", "jsonl").stdout)[0]["outlet"] == "Early Bird"


def test_what_the_page_lacks_comes_from_the_options(cli: Cli, site: Site, database_url: str) -> None:
    cli("init")
    cli("seeds", "remove", "1")  # the built-in seed
    undated = COURIER.replace('<meta property="article:published_time" content="2024-02-05T10:00:00+00:00">\n', "")
    assert undated != COURIER
    path = "/reports/courier-undated.html"
    site.overrides[path] = (200, {"Content-Type": "text/html; charset=utf-8"}, undated.encode())
    stored = articles(database_url)
    refused = cli("seeds", "add", site.url(path), expect=2)
    assert "no publication date" in refused.stderr and "--published" in refused.stderr
    assert articles(database_url) == stored

    # no source on the page's host: the outlet is the host; the options give the date and the title
    out = cli("seeds", "add", site.url(path), "--published", "2024-02-05T10:00:00+00:00", "--title", "Observers")
    seed_id = int(out.stdout.splitlines()[0])
    [seed] = jsonl(cli("seeds", "list", "--format", "jsonl").stdout)
    assert (seed["id"], seed["title"], seed["outlet"]) == (seed_id, "Observers", "127.0.0.1")
    assert seed["published_at"] == "2024-02-05T10:00:00+00:00" and seed["lang"] == "en"
    cli("seeds", "remove", str(seed_id))

    # one source on that host: the seed is that outlet's, and the page's own date and title are kept
    cli("sources", "add", "Caspian Courier", site.url("/seeds/wire.rss"))
    seed_id = int(cli("seeds", "add", site.url(SEED_PAGE)).stdout.splitlines()[0])
    [seed] = jsonl(cli("seeds", "list", "--format", "jsonl").stdout)
    assert (seed["id"], seed["title"], seed["outlet"]) == (seed_id, TITLE, "Caspian Courier")
    assert seed["published_at"] == "2024-02-05T10:00:00+00:00"


def test_a_seed_from_an_html_file_is_read_like_its_page(cli: Cli, site: Site, tmp_path: Path) -> None:
    polled_copies(cli, site)
    file = tmp_path / "courier.html"
    file.write_text(COURIER, encoding="utf-8")
    seed_id = int(cli("seeds", "add", str(file), "--outlet", "Caspian Courier").stdout.splitlines()[0])
    [seed] = jsonl(cli("seeds", "list", "--format", "jsonl").stdout)
    assert (seed["id"], seed["title"], seed["url"]) == (seed_id, TITLE, None)  # the page's title, no URL
    assert seed["published_at"] == "2024-02-05T10:00:00+00:00" and seed["copies"] == 3
    rows = jsonl(cli("seeds", "show", str(seed_id), "--format", "jsonl").stdout)
    # the same record as from its URL (test_seeds_cli): the navigation and the footer are no text
    assert [(r["delay_s"], r["added_words"], r["removed_words"]) for r in rows] == [
        (-3600, 0, 0),
        (12600, 2, 0),
        (79200, 6, 25),
    ]
