"""Connections: which PostgreSQL to use, and the async pool every part of the service shares."""

from __future__ import annotations

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from monitor.config import Settings, mask_url
from monitor.db import embedded
from monitor.errors import DatabaseError

# what an unreachable server raises (a stopped server, a dropped connection, a pool that waited in vain)
DATABASE_DOWN = (psycopg.OperationalError, psycopg.InterfaceError, PoolTimeout)


def unreachable(exc: BaseException) -> bool:
    """Whether `exc`, or what it was raised from, says the database could not be reached."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, DATABASE_DOWN):
            return True
        seen = seen.__cause__
    return False


def database_url(settings: Settings) -> str:
    """The configured server, or the embedded one (started if needed)."""
    if settings.database_url:
        return str(settings.database_url)
    return embedded.start(settings.home_path)


async def check_reachable(url: str) -> None:
    """Fail fast, naming the URL tried, when the server cannot be reached."""
    try:
        conn = await psycopg.AsyncConnection.connect(url, connect_timeout=5)
    except psycopg.Error as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DatabaseError(f"database: could not connect to {mask_url(url)}: {reason}") from exc
    await conn.close()


async def open_pool(url: str, max_size: int = 8) -> AsyncConnectionPool:
    await check_reachable(url)
    pool = AsyncConnectionPool(
        url,
        min_size=1,
        max_size=max_size,
        # prepare_threshold=None: never switch a statement to a server-side generic plan. Search
        # passes its LIKE patterns as parameters, and a generic plan cannot see how rare a word is,
        # so it picked the trigram index for common words: 4x slower (bench/web.py).
        kwargs={"row_factory": dict_row, "autocommit": True, "prepare_threshold": None},
        # a connection is checked as it is handed out, so one broken by a database restart is
        # replaced instead of failing its first query
        check=AsyncConnectionPool.check_connection,
        timeout=10,  # how long a caller waits for a connection before the database counts as gone
        open=False,
    )
    await pool.open(wait=True, timeout=15)
    return pool
