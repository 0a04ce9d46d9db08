"""One digest per subscriber per local day, across daylight-saving changes, and the catch-up after
the service was down at send time: the outbox driven at explicit instants, without a clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from psycopg_pool import AsyncConnectionPool

from alerts import delivery
from tests.integration.digest_world import ANALYST, BEFORE, DAY1, article, keyword, run, settings, subscriber


def test_one_digest_per_local_day_across_dst_in_berlin(database_url: str, tmp_path: Path) -> None:
    cfg = settings(database_url, tmp_path, None)

    async def walk(pool: AsyncConnectionPool, start: datetime, days: int) -> None:
        now = start
        while now < start + timedelta(days=days):
            await delivery.prepare_due(pool, cfg, now)
            now += timedelta(minutes=30)

    async def scenario(pool: AsyncConnectionPool) -> list[tuple[str, date, datetime]]:
        async with pool.connection() as conn:
            await keyword(conn, "election", "election")
            for email, at in (("morning@example.de", "08:00"), ("night@example.de", "02:30")):
                await subscriber(
                    conn, email, created_at=datetime(2024, 3, 1, tzinfo=UTC), at=at, tz="Europe/Berlin", send_empty=True
                )
        await walk(pool, datetime(2024, 3, 29, 12, tzinfo=UTC), 4)
        await walk(pool, datetime(2024, 10, 25, 12, tzinfo=UTC), 4)
        async with pool.connection() as conn:
            cur = await conn.execute(
                "SELECT s.email, d.local_date, d.created_at FROM digests d JOIN subscribers s ON s.id = d.subscriber_id"
                " ORDER BY s.email, d.created_at"
            )
            return [(r["email"], r["local_date"], r["created_at"]) for r in await cur.fetchall()]

    rows = run(database_url, scenario)
    morning = [(str(d), t.astimezone(UTC).strftime("%H:%M")) for e, d, t in rows if e.startswith("morning")]
    assert morning == [
        ("2024-03-29", "12:00"),  # the walk starts after that day's send time: caught up at once
        ("2024-03-30", "07:00"),  # 08:00 CET
        ("2024-03-31", "06:00"),  # 08:00 CEST, the day the clocks go forward
        ("2024-04-01", "06:00"),
        ("2024-04-02", "06:00"),
        ("2024-10-25", "12:00"),
        ("2024-10-26", "06:00"),  # 08:00 CEST
        ("2024-10-27", "07:00"),  # 08:00 CET, the day the clocks go back
        ("2024-10-28", "07:00"),
        ("2024-10-29", "07:00"),
    ]
    night = [(str(d), t.astimezone(UTC).strftime("%H:%M")) for e, d, t in rows if e.startswith("night")]
    assert night == [
        ("2024-03-29", "12:00"),
        ("2024-03-30", "01:30"),
        ("2024-03-31", "01:30"),  # 02:30 does not exist that night: sent at 03:30 CEST
        ("2024-04-01", "00:30"),
        ("2024-04-02", "00:30"),
        ("2024-10-25", "12:00"),
        ("2024-10-26", "00:30"),
        ("2024-10-27", "00:30"),  # 02:30 happens twice that night: sent once, the first time
        ("2024-10-28", "01:30"),
        ("2024-10-29", "01:30"),
    ]


def test_after_downtime_one_digest_covers_everything_since_the_previous(database_url: str, tmp_path: Path) -> None:
    cfg = settings(database_url, tmp_path, None)

    async def scenario(pool: AsyncConnectionPool) -> list[dict]:
        async with pool.connection() as conn:
            await keyword(conn, "election", "election")
            await subscriber(conn, ANALYST, created_at=BEFORE)
            for day in range(3):
                await article(
                    conn,
                    outlet="Trend",
                    url=f"https://en.trend.az/{day}.html",
                    title=f"Election report of day {day}",
                    text="The election went on.",
                    stored_at=DAY1 + timedelta(days=day, hours=1),
                    keywords=["election"],
                )
        assert await delivery.prepare_due(pool, cfg, DAY1) == 0  # nothing stored yet on day one at 08:05
        # down from 08:05 on day one until 11:00 on day four: one digest, when it is back
        back = DAY1 + timedelta(days=3, hours=3)
        assert await delivery.prepare_due(pool, cfg, back) == 1
        assert await delivery.prepare_due(pool, cfg, back + timedelta(minutes=1)) == 0
        assert (await delivery.send_pending(pool, cfg)).sent == 1
        async with pool.connection() as conn:
            cur = await conn.execute(
                "SELECT d.local_date, count(di.article_id) AS items FROM digests d"
                " JOIN digest_items di ON di.digest_id = d.id GROUP BY d.id"
            )
            return await cur.fetchall()

    assert run(database_url, scenario) == [{"local_date": date(2024, 2, 10), "items": 3}]
    (eml,) = (tmp_path / "outbox").glob("*.eml")
    text = eml.read_text()
    assert all(f"Election report of day {d}" in text for d in range(3))
