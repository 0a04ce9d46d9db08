"""Sources and their health."""

from __future__ import annotations

from typing import Any

from psycopg import AsyncConnection, errors

from monitor.errors import UsageError

Row = dict[str, Any]

# A failing source waits interval × 2^failures, never longer than this, and is retried forever.
MAX_BACKOFF_S = 6 * 3600


async def add(
    conn: AsyncConnection, name: str, url: str, kind: str = "feed", interval_s: int = 900, lang: str | None = None
) -> Row:
    try:
        cur = await conn.execute(
            "INSERT INTO sources (name, url, kind, interval_s, lang) VALUES (%s, %s, %s, %s, %s) RETURNING *",
            (name, url, kind, interval_s, lang),
        )
    except errors.UniqueViolation:
        raise UsageError(f"sources: a source named {name!r} already exists") from None
    row = await cur.fetchone()
    assert row is not None
    return row


async def ensure(
    conn: AsyncConnection, name: str, url: str, kind: str = "feed", interval_s: int = 900, lang: str | None = None
) -> bool:
    """Add the source unless one of that name exists; True when added (for idempotent seeding)."""
    cur = await conn.execute(
        "INSERT INTO sources (name, url, kind, interval_s, lang) VALUES (%s, %s, %s, %s, %s)"
        " ON CONFLICT (name) DO NOTHING RETURNING id",
        (name, url, kind, interval_s, lang),
    )
    return await cur.fetchone() is not None


async def get(conn: AsyncConnection, name: str) -> Row:
    row = await (await conn.execute("SELECT * FROM sources WHERE name = %s", (name,))).fetchone()
    if row is None:
        raise UsageError(f"sources: no source named {name!r} (see `newswatch sources list`)")
    return row


async def list_all(conn: AsyncConnection) -> list[Row]:
    cur = await conn.execute(
        """
        SELECT s.*,
               (SELECT count(*) FROM articles a WHERE a.source_id = s.id) AS articles,
               (SELECT count(*) FROM articles a
                 WHERE a.source_id = s.id AND a.stored_at > now() - interval '24 hours') AS articles_24h
          FROM sources s
         WHERE s.kind <> 'seed'
         ORDER BY s.name
        """
    )
    return await cur.fetchall()


async def enabled(conn: AsyncConnection, names: list[str] | None = None) -> list[Row]:
    if names:
        rows = [await get(conn, n) for n in names]
        return rows
    cur = await conn.execute("SELECT * FROM sources WHERE enabled AND kind <> 'seed' ORDER BY name")
    return await cur.fetchall()


async def remove(conn: AsyncConnection, name: str) -> None:
    await get(conn, name)
    await conn.execute("DELETE FROM sources WHERE name = %s", (name,))


async def set_enabled(conn: AsyncConnection, name: str, on: bool) -> None:
    await get(conn, name)
    await conn.execute("UPDATE sources SET enabled = %s, next_poll_at = now() WHERE name = %s", (on, name))


async def record_success(
    conn: AsyncConnection, source_id: int, *, etag: str | None, last_modified: str | None, not_modified: bool
) -> None:
    await conn.execute(
        """
        UPDATE sources
           SET last_polled_at = now(), last_success_at = now(), consecutive_failures = 0,
               polls = polls + 1, not_modified = not_modified + %s::int,
               etag = coalesce(%s, etag), last_modified = coalesce(%s, last_modified),
               next_poll_at = now() + make_interval(secs => interval_s)
         WHERE id = %s
        """,
        (not_modified, etag, last_modified, source_id),
    )


async def record_failure(conn: AsyncConnection, source_id: int, reason: str) -> None:
    await conn.execute(
        """
        UPDATE sources
           SET last_polled_at = now(), last_error = %s, last_error_at = now(),
               consecutive_failures = consecutive_failures + 1, polls = polls + 1,
               next_poll_at = now() + make_interval(
                   secs => least(%s, interval_s * power(2, least(consecutive_failures + 1, 20))))
         WHERE id = %s
        """,
        (reason[:1000], MAX_BACKOFF_S, source_id),
    )
