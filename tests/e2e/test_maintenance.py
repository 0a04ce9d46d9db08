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


def test_one_process_at_a_time_runs_the_upkeep_and_the_service_schedules_it_daily(
    cli: Cli, database_url: str, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    import asyncio

    from apscheduler.triggers.cron import CronTrigger

    from monitor.scheduler import Schedule
    from monitor.store.maintenance import UPKEEP_LOCK
    from tests.integration.digest_world import pool_for, settings

    cli("init")
    with psycopg.connect(database_url, autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(%s)", (UPKEEP_LOCK,))  # another worker is at it
        refused = cli("maintenance", expect=1)
        assert "another Newswatch process is running it now" in refused.stderr

    cfg = settings(database_url, tmp_path, None, evidence_days="30")

    async def scheduled() -> tuple[object, str]:
        async with pool_for(database_url) as pool:
            schedule = Schedule(pool, cfg)
            schedule.start()
            try:
                job = schedule.scheduler.get_job("maintenance")
                await schedule.maintenance()  # what the job runs: the upkeep, now free to run
                async with pool.connection() as conn:
                    row = await (
                        await conn.execute("SELECT last_vacuum FROM pg_stat_user_tables WHERE relname = 'articles'")
                    ).fetchone()
            finally:
                await schedule.stop()
            return job.trigger, row

    trigger, row = asyncio.run(scheduled())
    assert isinstance(trigger, CronTrigger) and str(trigger) == "cron[hour='3', minute='30']"
    assert row["last_vacuum"] is not None
