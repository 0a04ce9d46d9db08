"""A feed of 250,000 items: the poller reads its newest 1,000, fetches at most 200 new pages per
poll (the source's `backlog` says how many wait), stays small, and the sources that fall due
meanwhile are polled on time beside the draining host, not after it."""

from __future__ import annotations

import json
import time
from pathlib import Path

import psycopg

from tests.conftest import Cli
from tests.e2e.survival import Worker, add_feeds, publish, wait_for
from tests.site.server import Site

ITEMS = 250_000


def flood(site: Site) -> None:
    items = b"".join(b"<item><link>http://flood.example/f/%d</link></item>" % i for i in range(ITEMS))
    body = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Flood</title>' + items + b"</channel></rss>"
    assert len(body) < 15 * 1024 * 1024  # under the default body cap: the cap is not what stops it
    site.overrides["/flood.rss"] = (200, {"Content-Type": "application/rss+xml"}, body)


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


def test_a_flood_feed_is_bounded_and_other_sources_are_polled_on_time(cli: Cli, site: Site, database_url: str) -> None:
    flood(site)
    publish(site, "Quick", 2)
    add_feeds(cli, site, ["Quick"])
    cli("sources", "add", "Flood", "http://flood.example/flood.rss")
    with psycopg.connect(database_url, autocommit=True) as conn:  # Quick waits until the flood drains
        conn.execute("UPDATE sources SET next_poll_at = now() + interval '1 hour' WHERE name = 'Quick'")
    pages = lambda: sum(n for p, n in site.hits.items() if p.startswith("/f/"))  # noqa: E731
    env = {"http_proxy": site.base, "NEWSWATCH_HOST_DELAY_S": "0.1"}
    with Worker(cli, "worker", **env) as worker:
        wait_for(lambda: pages() >= 5, 90, lambda: worker.log.read_text()[-2000:])
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute("UPDATE sources SET next_poll_at = now() WHERE name = 'Quick'")
        due = time.monotonic()
        wait_for(lambda: site.hits["/sv/Quick/1.html"] >= 1, 30, lambda: worker.log.read_text()[-2000:])
        took = time.monotonic() - due
        draining = pages()
        wait_for(lambda: "poll Flood:" in worker.log.read_text(), 120, lambda: worker.log.read_text()[-2000:])
        peak = peak_rss_mib(worker.proc.pid)
        status, _ = worker.terminate()
    print(f"Quick polled {took:.1f} s after it fell due, with {draining} flood pages fetched; peak RSS {peak:.0f} MiB")
    assert status == 0
    assert took < 10 and draining < 200  # polled beside the draining host, not after it
    assert pages() == 200  # not 250,000
    assert peak < 400  # 250,000 parsed entries took the poller to ~1 GB
    state = json.loads(cli("status", "--format", "json").stdout)
    row = next(s for s in state["sources"] if s["name"] == "Flood")
    assert row["backlog"] == 800 and row["items_new"] == 200 and row["consecutive_failures"] == 0
    with psycopg.connect(database_url) as conn:  # the next poll reads the feed again, no 304
        assert conn.execute("SELECT etag, body_sha256 FROM sources WHERE name = 'Flood'").fetchone() == (None, None)
