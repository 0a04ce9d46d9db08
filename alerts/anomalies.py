"""Spikes and silences, judged every 5 minutes by `run` (the same hour is judged once).

- A keyword's **spike**: its matches in the hour that just ended reach both NEWSWATCH_SPIKE_FLOOR and
  NEWSWATCH_SPIKE_FACTOR times its baseline (the median of the same hour on each of the 7 days
  before). Once per episode: the hours that follow a spike belong to it until one is not a spike.
- A source's **silence**: an enabled source whose usual gap between articles (the median over 14
  days, from at least 5 gaps) passed NEWSWATCH_SILENCE_GAPS times since its last article, while a
  poll succeeded since (the feed still answers: a failing feed is `status`'s business). Once per
  silence: it ends when an article is stored again.
"""

from __future__ import annotations

import statistics
from datetime import datetime, timedelta
from typing import Any

from psycopg_pool import AsyncConnectionPool

from monitor.config import Settings
from monitor.store import alerts as store

MIN_GAPS = 5


def is_spike(count: int, history: list[int], floor: int, factor: float) -> tuple[bool, float]:
    """Whether `count` is a spike against `history` (the same hour of the days before); and the baseline."""
    baseline = float(statistics.median(history)) if history else 0.0
    return count >= floor and count >= factor * baseline, baseline


async def spikes(pool: AsyncConnectionPool, settings: Settings, now: datetime) -> int:
    hour = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)  # the hour that ended
    fired = 0
    async with pool.connection() as conn:
        rows = await store.hourly_matches(conn, hour - timedelta(days=7), hour + timedelta(hours=1))
        names = await store.keyword_names(conn)
        counts = {(r["name"], r["hour"]): int(r["n"]) for r in rows}
        for name in names:
            n = counts.get((name, hour), 0)
            history = [counts.get((name, hour - timedelta(days=d)), 0) for d in range(1, 8)]
            spike, baseline = is_spike(n, history, settings.spike_floor, settings.spike_factor)
            episode = await store.open_episode(conn, "spike", name)
            if spike and episode is None:
                detail = f"{n} matches from {hour:%Y-%m-%d %H:00} UTC, against a baseline of {baseline:g} for that hour"
                fired += await store.fire(conn, "spike", name, hour, detail) is not None
            elif not spike and episode is not None and episode["at"] < hour:
                await store.end(conn, episode["id"], hour)
    return fired


async def silences(pool: AsyncConnectionPool, settings: Settings, now: datetime) -> int:
    fired = 0
    async with pool.connection() as conn:
        for s in await store.source_gaps(conn, now):
            episode = await store.open_episode(conn, "silence", s["name"])
            if s["gaps"] < MIN_GAPS or not s["median_gap_s"]:
                continue
            usual = timedelta(seconds=float(s["median_gap_s"]))
            quiet = now - s["last_stored"]
            answering = s["last_success_at"] is not None and s["last_success_at"] > s["last_stored"]
            if quiet >= settings.silence_gaps * usual and answering:
                if episode is None:
                    detail = (
                        f"nothing new for {_span(quiet)} (it usually publishes every {_span(usual)});"
                        f" its feed last answered {s['last_success_at']:%Y-%m-%d %H:%M} UTC"
                    )
                    fired += await store.fire(conn, "silence", s["name"], s["last_stored"], detail) is not None
            elif episode is not None and s["last_stored"] > episode["at"]:
                await store.end(conn, episode["id"], s["last_stored"])
    return fired


def _span(d: timedelta) -> str:
    minutes = int(d.total_seconds() // 60)
    return f"{minutes // 60} h {minutes % 60:02d} min" if minutes >= 60 else f"{minutes} min"


async def evaluate(pool: AsyncConnectionPool, settings: Settings, now: datetime) -> dict[str, Any]:
    return {"spikes": await spikes(pool, settings, now), "silences": await silences(pool, settings, now)}
