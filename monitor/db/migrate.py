"""Forward-only numbered migrations (`migrations/NNN_name.sql`), one transaction each.

They run under a session advisory lock, so two processes starting at once never migrate twice;
the applied ones are recorded in `schema_migrations`. `require_current` refuses to run a service
on a schema older (or newer) than this code.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

from psycopg import AsyncConnection

from monitor.errors import DatabaseError

LOCK_KEY = 0x6E657773  # "news": an arbitrary constant shared by every Newswatch process


def available() -> list[tuple[int, str, str]]:
    """(version, name, sql) of every migration shipped with this code, in order."""
    folder = resources.files("monitor.db") / "migrations"
    found = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            number, _, rest = entry.name.partition("_")
            found.append((int(number), rest.removesuffix(".sql"), entry.read_text(encoding="utf-8")))
    return sorted(found)


async def applied(conn: AsyncConnection[Any]) -> set[int]:
    exists = await (await conn.execute("SELECT to_regclass('schema_migrations') IS NOT NULL AS ok")).fetchone()
    if not exists or not _first(exists):
        return set()
    rows = await (await conn.execute("SELECT version FROM schema_migrations")).fetchall()
    return {_first(r) for r in rows}


async def migrate(conn: AsyncConnection[Any]) -> list[int]:
    """Apply what is missing; returns the versions applied now. `conn` must be in autocommit mode."""
    done: list[int] = []
    await conn.execute("SELECT pg_advisory_lock(%s)", (LOCK_KEY,))
    try:
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        have = await applied(conn)
        for version, name, sql in available():
            if version in have:
                continue
            async with conn.transaction():
                await conn.execute(sql.encode())  # bytes: a script of several statements, no parameters
                await conn.execute("INSERT INTO schema_migrations (version, name) VALUES (%s, %s)", (version, name))
            done.append(version)
    finally:
        await conn.execute("SELECT pg_advisory_unlock(%s)", (LOCK_KEY,))
    return done


async def require_current(conn: AsyncConnection[Any]) -> None:
    have = await applied(conn)
    want = {v for v, _, _ in available()}
    if have - want:
        raise DatabaseError(
            f"database: schema version {max(have)} is newer than this Newswatch knows ({max(want)}); upgrade Newswatch"
        )
    if want - have:
        raise DatabaseError("database: the schema is out of date; run `newswatch init` to upgrade it")


def _first(row: object) -> int:
    if isinstance(row, dict):
        return next(iter(row.values()))
    return row[0]  # type: ignore[index]
