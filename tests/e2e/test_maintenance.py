"""Retention: evidence older than NEWSWATCH_EVIDENCE_DAYS is dropped; the archive stays."""

from __future__ import annotations

import psycopg

from tests.conftest import Cli
from tests.site.server import Site


def test_maintenance_purges_old_evidence_and_keeps_articles(cli: Cli, site: Site, database_url: str) -> None:
    cli("init")
    cli("sources", "add", "Courier", site.url("/feed.rss"))
    cli("poll", "Courier")
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(
            "UPDATE articles SET fetched_at = now() - interval '40 days' WHERE url LIKE %s",
            (site.url("/news/%"),),
        )
    out = cli("maintenance", NEWSWATCH_EVIDENCE_DAYS="30").stdout
    assert "evidence purged from 2 article(s)" in out
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT url LIKE %s AS old, fetch_headers IS NULL AS purged, raw_sha256 IS NOT NULL AS hashed, text <> ''"
            " FROM articles WHERE source_id IS NOT NULL AND NOT is_seed ORDER BY url",
            (site.url("/news/%"),),
        ).fetchall()
    assert sorted(rows) == [(False, False, True, True), (True, True, True, True), (True, True, True, True)]

    out = cli("maintenance").stdout  # no retention set: nothing purged, still vacuumed
    assert "evidence purged from 0 article(s) (none: evidence is kept forever)" in out
