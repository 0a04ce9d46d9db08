"""Digests more often than daily, and weekly: an hourly subscriber gets one digest an hour with only
that hour's stories; a weekly one only on its day; an asap one at the next tick. The outbox is
driven at explicit instants (a frozen clock), as in test_digest_schedule."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from psycopg_pool import AsyncConnectionPool

from alerts import delivery
from monitor.store import subscribers
from monitor.validate import Invalid
from tests.integration.digest_world import article, keyword, run, settings

START = datetime(2024, 2, 7, 8, 0, tzinfo=UTC)  # a Wednesday
SUBSCRIBED = datetime(2024, 2, 1, tzinfo=UTC)


async def _subscribe(
    pool: AsyncConnectionPool, email: str, every: str, day: str | None = None, since: datetime = SUBSCRIBED
) -> None:
    async with pool.connection() as conn:
        row = await subscribers.add(conn, email, None, time(8, 0), "UTC", every=every, day=day)
        await conn.execute("UPDATE subscribers SET created_at = %s WHERE id = %s", (since, row["id"]))


async def _store(pool: AsyncConnectionPool, title: str, at: datetime) -> None:
    async with pool.connection() as conn:
        await article(
            conn,
            outlet="Trend",
            url=f"https://en.trend.az/{title.replace(' ', '-')}.html",
            title=title,
            text="The election went on.",
            stored_at=at,
            published_at=at,
            keywords=["election"],
        )


async def _digests(pool: AsyncConnectionPool, email: str) -> list[tuple[str, list[str]]]:
    async with pool.connection() as conn:
        cur = await conn.execute(
            "SELECT d.created_at, coalesce(array_agg(a.title ORDER BY a.id) FILTER (WHERE a.id IS NOT NULL), '{}')"
            " AS titles FROM digests d JOIN subscribers s ON s.id = d.subscriber_id AND s.email = %s"
            " LEFT JOIN digest_items di ON di.digest_id = d.id LEFT JOIN articles a ON a.id = di.article_id"
            " GROUP BY d.id ORDER BY d.created_at",
            (email,),
        )
        return [(r["created_at"].astimezone(UTC).strftime("%d %H:%M"), r["titles"]) for r in await cur.fetchall()]


def test_hourly_subscriber_gets_one_digest_an_hour_with_that_hours_stories(database_url: str, tmp_path: Path) -> None:
    cfg = settings(database_url, tmp_path, None)
    stored = {
        "Polls open in Baku": START + timedelta(minutes=10),
        "Turnout at noon": START + timedelta(minutes=40),
        "Observers report queues": START + timedelta(hours=1, minutes=5),
        "Counting begins": START + timedelta(hours=2, minutes=59),
    }

    async def scenario(pool: AsyncConnectionPool) -> tuple[list, list]:
        async with pool.connection() as conn:
            await keyword(conn, "election", "election")
        await _subscribe(pool, "hourly@example.org", "hourly")
        await _subscribe(pool, "asap@example.org", "asap")
        now = START
        while now <= START + timedelta(hours=4):  # the clock frozen at each tick of the outbox
            for title, at in stored.items():
                if now - timedelta(minutes=5) < at <= now:
                    await _store(pool, title, at)
            await delivery.prepare_due(pool, cfg, now)
            await delivery.prepare_due(pool, cfg, now)  # a second worker at the same tick adds nothing
            now += timedelta(minutes=5)
        return await _digests(pool, "hourly@example.org"), await _digests(pool, "asap@example.org")

    hourly, asap = run(database_url, scenario)
    assert hourly == [
        ("07 09:00", ["Polls open in Baku", "Turnout at noon"]),
        ("07 10:00", ["Observers report queues"]),
        ("07 11:00", ["Counting begins"]),
    ]
    # asap: each at the first tick after it was stored, alone
    assert asap == [
        ("07 08:10", ["Polls open in Baku"]),
        ("07 08:40", ["Turnout at noon"]),
        ("07 09:05", ["Observers report queues"]),
        ("07 11:00", ["Counting begins"]),
    ]


def test_weekly_subscriber_gets_a_digest_on_its_day_only(database_url: str, tmp_path: Path) -> None:
    cfg = settings(database_url, tmp_path, None)

    async def scenario(pool: AsyncConnectionPool) -> list:
        async with pool.connection() as conn:
            await keyword(conn, "election", "election")
        now = START - timedelta(hours=8)  # Wednesday 00:00
        await _subscribe(pool, "weekly@example.org", "weekly", "friday", since=now)
        day = 0
        while now <= START + timedelta(days=9):
            if now.hour == 12:
                await _store(pool, f"Report of day {day}", now)
                day += 1
            await delivery.prepare_due(pool, cfg, now)
            now += timedelta(hours=1)
        return await _digests(pool, "weekly@example.org")

    digests = run(database_url, scenario)
    assert digests == [
        ("09 08:00", ["Report of day 0", "Report of day 1"]),  # Friday: Wednesday's and Thursday's
        ("16 08:00", [f"Report of day {d}" for d in range(2, 9)]),  # the next Friday: the week since
    ]


def test_frequency_and_day_are_checked() -> None:
    assert subscribers.checked_every("weekly", "sun") == ("weekly", 6)
    assert subscribers.checked_every("weekly", None) == ("weekly", 0)
    assert subscribers.checked_every("hourly", None) == ("hourly", None)
    for every, day in (("monthly", None), ("daily", "monday"), ("weekly", "someday"), ("weekly", "9")):
        with pytest.raises(Invalid):
            subscribers.checked_every(every, day)
