"""What fired: spikes of keywords and silences of sources, and the counts they are judged on."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from psycopg import AsyncConnection

Row = dict[str, Any]


async def hourly_matches(conn: AsyncConnection[Any], since: datetime, until: datetime) -> list[Row]:
    """Matches per keyword and hour (by when the article was stored), copies and seeds left out."""
    cur = await conn.execute(
        """
        SELECT k.name, date_trunc('hour', a.stored_at) AS hour, count(*) AS n
          FROM article_keywords ak JOIN keywords k ON k.id = ak.keyword_id JOIN articles a ON a.id = ak.article_id
         WHERE a.stored_at >= %s AND a.stored_at < %s AND a.duplicate_of IS NULL AND NOT a.is_seed
         GROUP BY 1, 2
        """,
        (since, until),
    )
    return await cur.fetchall()


async def keyword_names(conn: AsyncConnection[Any]) -> list[str]:
    return [r["name"] for r in await (await conn.execute("SELECT name FROM keywords ORDER BY name")).fetchall()]


async def source_gaps(conn: AsyncConnection[Any], now: datetime, days: int = 14) -> list[Row]:
    """Per enabled source: its median gap between stored articles over `days`, how many gaps, its
    last article and its last successful poll."""
    cur = await conn.execute(
        """
        SELECT s.name, s.last_success_at, max(g.stored_at) AS last_stored,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY g.gap) AS median_gap_s, count(g.gap) AS gaps
          FROM sources s
          JOIN (SELECT a.source_id, a.stored_at,
                       extract(epoch FROM a.stored_at - lag(a.stored_at) OVER (PARTITION BY a.source_id
                                                                              ORDER BY a.stored_at)) AS gap
                  FROM articles a
                 WHERE a.stored_at > %(now)s::timestamptz - %(days)s::interval AND a.stored_at <= %(now)s) g
            ON g.source_id = s.id
         WHERE s.enabled
         GROUP BY s.id
        """,
        {"now": now, "days": timedelta(days=days)},
    )
    return await cur.fetchall()


async def open_episode(conn: AsyncConnection[Any], kind: str, subject: str) -> Row | None:
    cur = await conn.execute(
        "SELECT * FROM alerts WHERE kind = %s AND subject = %s AND ended_at IS NULL ORDER BY at DESC LIMIT 1",
        (kind, subject),
    )
    return await cur.fetchone()


async def fire(conn: AsyncConnection[Any], kind: str, subject: str, at: datetime, detail: str) -> int | None:
    """Record an alert and, in the same transaction, a message for each channel that asked for
    alerts; None when this episode was recorded already (by another worker)."""
    async with conn.transaction():
        cur = await conn.execute(
            "INSERT INTO alerts (kind, subject, episode, at, detail) VALUES (%s, %s, %s, %s, %s)"
            " ON CONFLICT (episode) DO NOTHING RETURNING id",
            (kind, subject, f"{kind}:{subject}:{at.isoformat()}", at, detail),
        )
        row = await cur.fetchone()
        if row is None:
            return None
        title = f"{'Spike' if kind == 'spike' else 'Silence'}: {subject}"
        await conn.execute(
            "INSERT INTO channel_messages (channel_id, kind, title, body, created_at)"
            " SELECT id, 'alert', %s, %s, now() FROM channels WHERE alerts",
            (title, detail),
        )
    return int(row["id"])


async def end(conn: AsyncConnection[Any], alert_id: int, at: datetime) -> None:
    await conn.execute("UPDATE alerts SET ended_at = %s WHERE id = %s AND ended_at IS NULL", (at, alert_id))


async def recent(conn: AsyncConnection[Any], limit: int = 200) -> list[Row]:
    cur = await conn.execute(
        "SELECT kind, subject, at, detail, ended_at FROM alerts ORDER BY at DESC, id DESC LIMIT %s", (limit,)
    )
    return await cur.fetchall()


async def open_counts(conn: AsyncConnection[Any]) -> dict[str, int]:
    cur = await conn.execute("SELECT kind, count(*) AS n FROM alerts WHERE ended_at IS NULL GROUP BY kind")
    return {r["kind"]: r["n"] for r in await cur.fetchall()}
