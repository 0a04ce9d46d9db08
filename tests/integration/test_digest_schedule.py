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

    async def stored(pool: AsyncConnectionPool, title: str, at: datetime) -> None:
        async with pool.connection() as conn:
            await article(
                conn,
                outlet="Trend",
                url=f"https://en.trend.az/{title.replace(' ', '-')}.html",
                title=title,
                text="The election went on.",
                stored_at=at,
                keywords=["election"],
            )

    async def scenario(pool: AsyncConnectionPool) -> list[dict]:
        async with pool.connection() as conn:
            await keyword(conn, "election", "election")
            await subscriber(conn, ANALYST, created_at=BEFORE)
        for day in range(3):
            await stored(pool, f"Election report of day {day}", DAY1 + timedelta(days=day, hours=1))
        assert await delivery.prepare_due(pool, cfg, DAY1) == 0  # nothing stored yet on day one at 08:05
        # down from 08:05 on 7 February until 07:05 on 10 February, before that day's send time: the
        # missed digest (of the 9th) goes out at once, covering the three days
        back = DAY1 + timedelta(days=2, hours=23)
        assert await delivery.prepare_due(pool, cfg, back) == 1
        assert await delivery.prepare_due(pool, cfg, back + timedelta(minutes=30)) == 0
        await stored(pool, "Election report of the tenth", back + timedelta(minutes=40))
        assert await delivery.prepare_due(pool, cfg, DAY1 + timedelta(days=3)) == 1  # 08:05 on the 10th
        assert (await delivery.send_pending(pool, cfg)).sent == 2
        async with pool.connection() as conn:
            cur = await conn.execute(
                "SELECT d.local_date, array_agg(a.title ORDER BY a.id) AS titles FROM digests d"
                " JOIN digest_items di ON di.digest_id = d.id JOIN articles a ON a.id = di.article_id"
                " GROUP BY d.id ORDER BY d.id"
            )
            return await cur.fetchall()

    assert run(database_url, scenario) == [
        {"local_date": date(2024, 2, 9), "titles": [f"Election report of day {d}" for d in range(3)]},
        {"local_date": date(2024, 2, 10), "titles": ["Election report of the tenth"]},
    ]
