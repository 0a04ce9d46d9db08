"""Delivery through a real SMTP server on loopback that goes down, refuses, and comes back: one
message in the end, failures recorded with the server's reason, and retries that stop."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from psycopg_pool import AsyncConnectionPool

from alerts import delivery
from monitor.store import digests
from tests.integration.digest_world import (
    BEFORE,
    DAY1,
    Smtp,
    article,
    election_watch,
    pool_for,
    run,
    settings,
    subscriber,
)


@pytest.fixture
def smtp() -> Iterator[Smtp]:
    server = Smtp()
    server.start()
    yield server
    if server.controller.server is not None:
        server.stop()


async def one_new_article(pool: AsyncConnectionPool) -> None:
    await election_watch(pool)
    async with pool.connection() as conn:
        await article(
            conn,
            outlet="Trend",
            url="https://en.trend.az/azerbaijan/politics/1001.html",
            title="Turnout passes sixty percent",
            text="Turnout in the election passed sixty percent by noon.",
            stored_at=DAY1 - timedelta(hours=2),
            keywords=["election"],
        )


async def the_digest(pool: AsyncConnectionPool) -> dict:
    async with pool.connection() as conn:
        row = await (
            await conn.execute(
                "SELECT status, attempts, last_error, in_flight, claimed_until - now() AS wait FROM digests"
            )
        ).fetchone()
    assert row is not None
    return row


async def back_off_over(pool: AsyncConnectionPool) -> None:
    """What waiting out the retry delay does, without waiting."""
    async with pool.connection() as conn:
        await conn.execute("UPDATE digests SET claimed_until = now() - interval '1 second' WHERE status = 'pending'")


def test_smtp_down_at_send_time_then_up_sends_one_message(database_url: str, tmp_path: Path, smtp: Smtp) -> None:
    cfg = settings(database_url, tmp_path, smtp.url)
    smtp.stop()

    async def scenario(pool: AsyncConnectionPool) -> None:
        await one_new_article(pool)
        assert await delivery.prepare_due(pool, cfg, DAY1) == 1
        assert await delivery.send_pending(pool, cfg) == delivery.SendResult(deferred=1)
        row = await the_digest(pool)
        assert row["status"] == "pending" and row["attempts"] == 1 and not row["in_flight"]
        assert "refused" in row["last_error"].lower()
        assert timedelta(seconds=50) < row["wait"] <= timedelta(seconds=60)  # first retry in a minute

        smtp.start()
        assert await delivery.send_pending(pool, cfg) == delivery.SendResult()  # still backing off
        assert await delivery.prepare_due(pool, cfg, DAY1 + timedelta(minutes=1)) == 0  # today's exists
        await back_off_over(pool)
        assert await delivery.send_pending(pool, cfg) == delivery.SendResult(sent=1)
        assert await delivery.send_pending(pool, cfg) == delivery.SendResult()
        row = await the_digest(pool)
        assert row["status"] == "sent" and row["attempts"] == 2 and row["last_error"] is None

    run(database_url, scenario)
    assert len(smtp.messages) == 1


@pytest.mark.parametrize(
    ("where", "reply"),
    [("data", "554 5.7.1 Message rejected as spam"), ("rcpt", "550 5.1.1 <analyst@example.org>: no such user")],
)
def test_a_5xx_is_failed_with_the_reason_and_not_retried(
    database_url: str, tmp_path: Path, smtp: Smtp, where: str, reply: str
) -> None:
    cfg = settings(database_url, tmp_path, smtp.url)
    setattr(smtp, f"{where}_reply", reply)

    async def scenario(pool: AsyncConnectionPool) -> None:
        await one_new_article(pool)
        await delivery.prepare_due(pool, cfg, DAY1)
        assert await delivery.send_pending(pool, cfg) == delivery.SendResult(failed=1)
        await back_off_over(pool)
        assert await delivery.send_pending(pool, cfg) == delivery.SendResult()
        row = await the_digest(pool)
        assert row["status"] == "failed" and row["attempts"] == 1
        async with pool.connection() as conn:
            (failure,) = await digests.failures(conn)
            # its articles were never received: they go in the next digest
            assert await digests.candidates(conn, 1, DAY1 + timedelta(days=1), timedelta(days=3))
        assert failure["email"] == "analyst@example.org"
        assert reply in failure["last_error"]

    run(database_url, scenario)
    assert smtp.messages == []


def test_temporary_failures_are_retried_with_growing_delays_then_given_up(
    database_url: str, tmp_path: Path, smtp: Smtp
) -> None:
    cfg = settings(database_url, tmp_path, smtp.url)
    smtp.data_reply = "451 4.3.0 Try again later"

    async def scenario(pool: AsyncConnectionPool) -> None:
        await one_new_article(pool)
        await delivery.prepare_due(pool, cfg, DAY1)
        waits = []
        for _ in range(delivery.MAX_ATTEMPTS - 1):
            assert await delivery.send_pending(pool, cfg) == delivery.SendResult(deferred=1)
            waits.append(round((await the_digest(pool))["wait"].total_seconds() / 60))
            await back_off_over(pool)
        assert waits == [1, 5, 15, 60, 60]  # minutes
        assert await delivery.send_pending(pool, cfg) == delivery.SendResult(failed=1)
        row = await the_digest(pool)
        assert row["status"] == "failed" and row["attempts"] == delivery.MAX_ATTEMPTS
        assert row["last_error"].startswith(f"gave up after {delivery.MAX_ATTEMPTS} attempts: smtp: 451")
        await back_off_over(pool)
        assert await delivery.send_pending(pool, cfg) == delivery.SendResult()

    run(database_url, scenario)
    assert smtp.messages == []


def test_two_workers_at_once_prepare_and_send_each_digest_once(database_url: str, tmp_path: Path, smtp: Smtp) -> None:
    cfg = settings(database_url, tmp_path, smtp.url)
    readers = [f"reader{n}@example.org" for n in range(6)]

    async def scenario(pool: AsyncConnectionPool) -> None:
        await one_new_article(pool)
        async with pool.connection() as conn:
            for email in readers:
                await subscriber(conn, email, created_at=BEFORE)
        async with pool_for(database_url) as other:  # a second worker: its own connections
            prepared = await asyncio.gather(
                delivery.prepare_due(pool, cfg, DAY1), delivery.prepare_due(other, cfg, DAY1)
            )
            assert sum(prepared) == 1 + len(readers)
            sent = await asyncio.gather(delivery.send_pending(pool, cfg), delivery.send_pending(other, cfg))
            assert sum(r.sent for r in sent) == 1 + len(readers)

    run(database_url, scenario)
    assert sorted(m["To"] for m in smtp.messages) == sorted(["analyst@example.org", *readers])
