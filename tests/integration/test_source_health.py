"""Source health in the database: back-off that is capped but never gives up, Retry-After, the
adaptive interval within its bounds, the 304 share, and claims that two pollers never share."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import psycopg
from psycopg.rows import dict_row

from monitor.store import sources


def run(database_url: str, work: Any) -> Any:
    async def main() -> Any:
        async with await psycopg.AsyncConnection.connect(database_url, autocommit=True, row_factory=dict_row) as c:
            return await work(c)

    return asyncio.run(main())


async def wait_s(conn: Any, source_id: int) -> float:
    row = await (
        await conn.execute(
            "SELECT extract(epoch FROM next_poll_at - now()) AS s FROM sources WHERE id = %s", (source_id,)
        )
    ).fetchone()
    return float(row["s"])


def test_a_failing_source_backs_off_up_to_the_cap_and_keeps_being_retried(database_url: str) -> None:
    async def work(conn: Any) -> list[float]:
        s = await sources.add(conn, "Flaky", "https://x.az/feed", interval_s=900)
        waits = []
        for _ in range(12):
            await sources.record_failure(conn, s["id"], "HTTP 503")
            waits.append(await wait_s(conn, s["id"]))
        return waits

    waits = run(database_url, work)
    assert 1800 * 0.85 < waits[0] < 1800 * 1.15  # interval × 2, ±10 % jitter
    assert 3600 * 0.85 < waits[1] < 3600 * 1.15
    assert all(w <= sources.MAX_BACKOFF_S * 1.1 for w in waits)  # capped…
    assert waits[-1] > sources.MAX_BACKOFF_S * 0.85  # …and still scheduled at the cap


def test_retry_after_is_honoured_and_capped(database_url: str) -> None:
    async def work(conn: Any) -> tuple[float, float, dict]:
        s = await sources.add(conn, "Busy", "https://x.az/feed", interval_s=60)
        await sources.record_failure(conn, s["id"], "HTTP 429", 5000)
        honoured = await wait_s(conn, s["id"])
        await sources.record_failure(conn, s["id"], "HTTP 429", 10**9)
        capped = await wait_s(conn, s["id"])
        await sources.record_success(conn, s["id"], not_modified=False, seen=4, new=1)
        await sources.keep_validators(conn, s["id"], '"e"', None, None)
        row = next(r for r in await sources.list_all(conn) if r["name"] == "Busy")
        return honoured, capped, row

    honoured, capped, row = run(database_url, work)
    assert 4990 < honoured <= 5000
    assert sources.MAX_BACKOFF_S - 10 < capped <= sources.MAX_BACKOFF_S
    assert row["consecutive_failures"] == 0 and row["last_error"] == "HTTP 429" and row["etag"] == '"e"'


def test_the_adaptive_interval_stays_within_bounds_and_the_304_share_is_kept(database_url: str) -> None:
    async def work(conn: Any) -> tuple[list[int], list[int], Any]:
        s = await sources.add(conn, "Adaptive", "https://x.az/feed", interval_s=1200)
        slower, sooner = [], []
        for _ in range(10):
            await sources.record_success(conn, s["id"], not_modified=True)
            slower.append((await sources.get(conn, "Adaptive"))["current_interval_s"])
        for _ in range(15):
            await sources.record_success(conn, s["id"], not_modified=False, seen=10, new=9)
            sooner.append((await sources.get(conn, "Adaptive"))["current_interval_s"])
        row = next(r for r in await sources.list_all(conn) if r["name"] == "Adaptive")
        return slower, sooner, row

    slower, sooner, row = run(database_url, work)
    assert slower[0] == 1500 and slower == sorted(slower) and slower[-1] == 4800  # up to 4 × 1200
    assert sooner == sorted(sooner, reverse=True) and sooner[-1] == 300  # down to 1200 / 4
    assert row["share_304"] == 0.4 and row["every_s"] == 300


def test_due_sources_are_claimed_once(database_url: str) -> None:
    async def work(conn: Any) -> tuple[list[str], list[str], list[str]]:
        for name in ("A", "B", "C"):
            await sources.add(conn, name, f"https://{name.lower()}.az/feed")
        await conn.execute("UPDATE sources SET next_poll_at = now() + interval '1 hour' WHERE name = 'C'")
        await conn.execute("UPDATE sources SET enabled = false WHERE name = 'B'")
        async with await psycopg.AsyncConnection.connect(database_url, autocommit=True, row_factory=dict_row) as other:
            first = [r["name"] for r in await sources.claim_due(conn, 60)]
            second = [r["name"] for r in await sources.claim_due(other, 60)]
        await conn.execute("UPDATE sources SET enabled = true WHERE name = 'B'")
        third = [r["name"] for r in await sources.claim_due(conn, 60)]
        return first, second, third

    first, second, third = run(database_url, work)
    assert first == ["A"] and second == [] and third == ["B"]


def test_a_claim_runs_out_unless_renewed_and_an_outcome_releases_it(database_url: str) -> None:
    async def work(conn: Any) -> dict[str, Any]:
        a = await sources.add(conn, "A", "https://a.az/feed")
        b = await sources.add(conn, "B", "https://b.az/feed")
        out: dict[str, Any] = {}
        claimed = await sources.claim_due(conn, 0.3)
        out["due_at"] = all(r["due_at"] is not None and r["claimed_until"] > r["due_at"] for r in claimed)
        out["held"] = await sources.claim_due(conn, 0.3)  # both held
        await sources.renew_claims(conn, [a["id"]], 60)  # A's worker is alive, B's is not
        await asyncio.sleep(0.5)
        out["after_lease"] = [r["name"] for r in await sources.claim_due(conn, 60)]  # B: its claim ran out
        await sources.record_success(conn, b["id"], not_modified=False, seen=1, new=1)
        out["b"] = await sources.get(conn, "B")
        await sources.release_claims(conn, [a["id"]])  # a stopping worker gives A back
        out["released"] = [r["name"] for r in await sources.claim_due(conn, 60)]
        return out

    out = run(database_url, work)
    assert out["due_at"] and out["held"] == []
    assert out["after_lease"] == ["B"]
    assert out["b"]["claimed_until"] is None and out["b"]["next_poll_at"] > datetime.now(UTC)  # due again later
    assert out["released"] == ["A"]
