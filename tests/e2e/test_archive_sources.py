"""Sources without a usable feed: a news sitemap index found from robots.txt, and the Trend spider
against fixture pages shaped like Trend's; backfill over a date range fetches only that range."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg

from tests.conftest import Cli
from tests.site.server import Site


def outlines(site: Site) -> str:
    rows = [
        ("ApaMap", site.url("/robots.txt"), "sitemap"),
        ("TrendSite", site.url("/azerbaijan/politics/"), "spider:trend"),
        ("Courier", site.url("/feed.rss"), "feed"),
    ]
    body = "".join(f'<outline text="{n}" xmlUrl="{u}" newswatchKind="{k}" language="en"/>' for n, u, k in rows)
    return (
        f'<?xml version="1.0"?><opml version="2.0"><head/><body><outline text="folder">{body}</outline></body></opml>'
    )


def stored(database_url: str, source: str) -> set[str]:
    with psycopg.connect(database_url) as conn:
        rows = conn.execute("SELECT url FROM articles WHERE outlet = %s", (source,)).fetchall()
    return {url.rsplit("/", 1)[-1] for (url,) in rows}


def test_sitemap_and_trend_sources_backfill_and_poll(cli: Cli, site: Site, tmp_path: Path, database_url: str) -> None:
    cli("init")
    (tmp_path / "sources.opml").write_text(outlines(site), encoding="utf-8")
    assert "3 source(s) added" in cli("sources", "import", str(tmp_path / "sources.opml")).stdout
    exported = cli("sources", "export").stdout
    assert 'newswatchKind="spider:trend"' in exported and f'xmlUrl="{site.url("/robots.txt")}"' in exported

    # backfill: only the window's archive days, only the window's sitemap entries
    result = cli("backfill", "TrendSite", "--since", "2024-02-06", "--until", "2024-02-08")
    assert "TrendSite: fetched 5, new 5" in result.stdout
    assert result.stderr == ""  # no progress bar in a pipe (tests/e2e/test_cli_terminal.py: on a terminal)
    archive = sorted(p for p in site.hits if p.startswith("/archive/"))
    assert archive == ["/archive/2024-02-06", "/archive/2024-02-07", "/archive/2024-02-07/page2"]
    assert site.hits["/azerbaijan/politics/3857101.html"] == 0  # 5 February: outside
    assert site.hits["/azerbaijan/politics/3857401.html"] == 0  # 8 February: outside
    assert stored(database_url, "TrendSite") == {f"{i}.html" for i in (3857201, 3857202, 3857301, 3857302, 3857303)}

    result = cli("backfill", "ApaMap", "--since", "2024-02-07", "--until", "2024-02-08")
    assert "ApaMap: fetched 2, new 2" in result.stdout
    assert stored(database_url, "ApaMap") == {"apa-voting-502.html", "apa-queues-503.html"}
    assert site.hits["/apa/2024/02/06/apa-ballots-501.html"] == 0

    refused = cli("backfill", "Courier", "--since", "2024-02-01", expect=2)
    assert "Courier is a feed" in refused.stderr and len(refused.stderr.strip().splitlines()) == 1

    # a poll: the newest listing and the whole sitemap, skipping what the backfill stored
    site.hits.clear()
    site.times.clear()
    out = cli("poll", "ApaMap", "TrendSite", NEWSWATCH_HOST_DELAY_S="0.4").stdout
    assert "ApaMap: fetched 2, new 2, duplicates 0, errors 0" in out, out
    assert "TrendSite: fetched 1, new 1, duplicates 0, errors 0" in out, out
    assert site.hits["/azerbaijan/politics/3857302.html"] == 0  # stored by the backfill: not fetched again
    # one host: its requests are spaced by the delay (0.2-0.6 s with ±50 % jitter), never a burst.
    # Times are taken where the server receives, so connection set-up skews a gap by a few
    # tens of milliseconds either way; a burst would show gaps of a few milliseconds.
    times = [t for t, _ in site.times]
    assert len(times) >= 6 and min(b - a for a, b in zip(times, times[1:], strict=False)) >= 0.12
    assert len(stored(database_url, "ApaMap")) == 4 and len(stored(database_url, "TrendSite")) == 6

    listed = cli("sources", "list").stdout
    assert all(h in listed.splitlines()[0] for h in ("STATE", "EVERY", "24H", "LAST SUCCESS", "NEXT POLL"))
    trend = next(b for b in listed.split("\n\n") if any(line.startswith("TrendSite") for line in b.splitlines()))
    assert "spider:trend" in trend and " ok " in trend

    found = json.loads(cli("search", "--source", "TrendSite", "--format", "jsonl", "--limit", "1").stdout)
    assert found["title"] == "Preliminary results published by the election commission"
    assert found["published_at"].startswith("2024-02-08T11:00:00+04:00") or found["published_at"].startswith(
        "2024-02-08T07:00:00+00:00"
    )
    assert "final results of the vote" in found["text"]
