"""Spikes and silences on generated data, at explicit instants: a week of a keyword's ordinary
hours then a burst of 30 matches in one hour raises one spike, and the quiet hour after none; a
source whose items stop while its feed keeps answering raises one silence."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from psycopg_pool import AsyncConnectionPool

from alerts import anomalies
from monitor.store import channels
from tests.integration.digest_world import keyword, run, settings

WEEK_START = datetime(2024, 1, 31, 0, 0, tzinfo=UTC)
BURST = datetime(2024, 2, 7, 14, 0, tzinfo=UTC)  # election day, 14:00 to 15:00 UTC


async def _matches(pool: AsyncConnectionPool, start: datetime, hours: int, per_hour: int) -> None:
    async with pool.connection() as conn:
        await conn.execute(
            """
            WITH a AS (
              INSERT INTO articles (outlet, url, title, text, stored_at, fetched_at, published_at)
              SELECT 'Trend', 'https://trend.example/' || %(key)s || '/' || h || '-' || i, 'Election news', 'x',
                     %(start)s::timestamptz + make_interval(hours => h, mins => i), now(), now()
                FROM generate_series(0, %(hours)s - 1) h, generate_series(0, %(per)s - 1) i
              RETURNING id)
            INSERT INTO article_keywords (article_id, keyword_id) SELECT a.id, k.id FROM a, keywords k
            """,
            {"start": start, "hours": hours, "per": per_hour, "key": start.isoformat()},
        )


def test_a_burst_of_30_matches_in_one_hour_raises_one_spike(database_url: str, tmp_path: Path) -> None:
    cfg = settings(database_url, tmp_path, None)

    async def scenario(pool: AsyncConnectionPool) -> tuple[list[int], list[dict]]:
        async with pool.connection() as conn:
            await keyword(conn, "election", "election")
            await channels.add(conn, "Desk", "json://127.0.0.1:9/hook", None, alerts=True)
        await _matches(pool, WEEK_START, 7 * 24 + 14, 2)  # a week and 14 hours of 2 an hour
        await _matches(pool, BURST, 1, 30)
        await _matches(pool, BURST + timedelta(hours=1), 2, 2)
        fired = []
        for at in (
            [BURST - timedelta(hours=h) for h in range(6, 0, -1)]
            + [BURST + timedelta(hours=1)] * 2
            + [BURST + timedelta(hours=2, minutes=m) for m in (0, 30)]
        ):
            fired.append(await anomalies.spikes(pool, cfg, at + timedelta(minutes=1)))
        async with pool.connection() as conn:
            rows = await (await conn.execute("SELECT kind, subject, at, detail, ended_at FROM alerts")).fetchall()
            told = await (await conn.execute("SELECT title FROM channel_messages WHERE kind = 'alert'")).fetchall()
        return fired, rows + [{"told": [t["title"] for t in told]}]

    fired, rows = run(database_url, scenario)
    assert fired == [0] * 6 + [1, 0, 0, 0]  # the burst's hour once, a second look nothing, the quiet hour none
    alert, told = rows[0], rows[1]
    assert alert["kind"] == "spike" and alert["subject"] == "election" and alert["at"] == BURST
    assert "30 matches" in alert["detail"] and "baseline of 2" in alert["detail"]
    assert alert["ended_at"] == BURST + timedelta(hours=1)
    assert told == {"told": ["Spike: election"]}  # the channel that asked for alerts


def test_a_quiet_keyword_does_not_alarm_on_a_few_articles() -> None:
    assert anomalies.is_spike(3, [0] * 7, floor=10, factor=3) == (False, 0.0)
    assert anomalies.is_spike(30, [2, 2, 3, 2, 1, 2, 2], floor=10, factor=3)[0]
    assert not anomalies.is_spike(12, [5, 5, 6, 5, 4, 5, 5], floor=10, factor=3)[0]  # busy anyway


def test_a_source_whose_items_stop_while_its_feed_answers_raises_one_silence(database_url: str, tmp_path: Path) -> None:
    cfg = settings(database_url, tmp_path, None)
    stop = datetime(2024, 2, 7, 12, 0, tzinfo=UTC)

    async def scenario(pool: AsyncConnectionPool) -> tuple[list[int], list[dict]]:
        async with pool.connection() as conn:
            for name, answered in (("Trend", stop + timedelta(hours=5)), ("Broken", stop - timedelta(hours=1))):
                src = await (
                    await conn.execute(
                        "INSERT INTO sources (name, url, last_success_at) VALUES (%s, %s, %s) RETURNING id",
                        (name, f"https://{name.lower()}.example/feed", answered),
                    )
                ).fetchone()
                await conn.execute(
                    "INSERT INTO articles (source_id, outlet, url, title, text, stored_at, fetched_at)"
                    " SELECT %s, %s, 'https://x.example/' || %s || i, 'News', 'x',"
                    " %s::timestamptz - make_interval(mins => 30 * i), now() FROM generate_series(0, 144) i",
                    (src["id"], name, name, stop),
                )
        fired = [await anomalies.silences(pool, cfg, stop + timedelta(hours=h)) for h in (0.5, 1, 2.5, 3, 5)]
        async with pool.connection() as conn:
            rows = await (await conn.execute("SELECT kind, subject, at, detail FROM alerts")).fetchall()
        return fired, rows

    fired, rows = run(database_url, scenario)
    assert fired == [0, 0, 1, 0, 0]  # 4 usual gaps of 30 min passed at 2 h: told once
    assert [(r["kind"], r["subject"]) for r in rows] == [("silence", "Trend")]  # Broken's polls fail: not silence
    assert "usually publishes every 30 min" in rows[0]["detail"]
