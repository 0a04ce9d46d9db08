"""Connections: which PostgreSQL to use, and the async pool every part of the service shares."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from monitor.config import Settings, mask_url
from monitor.db import embedded
from monitor.errors import DatabaseError

T = TypeVar("T")

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


# prepare_threshold=None: never switch a statement to a server-side generic plan. Search passes its
# LIKE patterns as parameters, and a generic plan cannot see how rare a word is, so it picked the
# trigram index for common words: 4x slower (bench/web.py).
CONNECTION: dict[str, Any] = {"row_factory": dict_row, "autocommit": True, "prepare_threshold": None}


async def open_pool(url: str, max_size: int = 8) -> AsyncConnectionPool:
    await check_reachable(url)
    pool = AsyncConnectionPool(
        url,
        min_size=1,
        max_size=max_size,
        kwargs=CONNECTION,
        # a connection is checked as it is handed out, so one broken by a database restart is
        # replaced instead of failing its first query
        check=AsyncConnectionPool.check_connection,
        timeout=10,  # how long a caller waits for a connection before the database counts as gone
        open=False,
    )
    await pool.open(wait=True, timeout=15)
    return pool


class _Own:
    """A thread's event loop and its connection, with the URL it was opened for."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.conn: psycopg.AsyncConnection[Any] | None = None
        self.url: str | None = None


_own = threading.local()


def with_own_connection(url: str, work: Callable[[psycopg.AsyncConnection[Any]], Awaitable[T]]) -> T:
    """`work(conn)` on this thread's own connection to `url`, run to its end on this thread's own
    event loop: what an extract process (monitor.pipeline.workers) does to store an article itself,
    so that the poller's event loop only fetches. The connection stays open for the next call; one
    that a restart or a dropped database broke is opened again and `work` done once more (a
    transaction that broke was not committed). An unreachable server raises
    psycopg.OperationalError with the message of what failed: only the message crosses back from a
    process, not the exception it was raised from, and `unreachable` must still see it."""
    own: _Own = getattr(_own, "state", None) or _Own()
    _own.state = own

    async def attempt() -> T:
        if own.conn is None or own.conn.closed or own.url != url:
            if own.conn is not None:
                await own.conn.close()
            own.conn, own.url = None, url
            own.conn = await psycopg.AsyncConnection.connect(url, connect_timeout=10, **CONNECTION)
        return await work(own.conn)

    for last in (False, True):
        try:
            return own.loop.run_until_complete(attempt())
        except Exception as exc:
            broken = own.conn is None or own.conn.broken or own.conn.closed
            if broken and own.conn is not None:
                own.loop.run_until_complete(own.conn.close())
                own.conn = None
            if not unreachable(exc):
                raise
            if last or not broken:
                raise psycopg.OperationalError(str(exc)) from exc
    raise AssertionError("not reached: the last try returns or raises")


def close_own_connection() -> None:
    """Close this thread's connection and loop of `with_own_connection`, if it has them (an extract
    process never needs to: its connection ends with it)."""
    own: _Own | None = getattr(_own, "state", None)
    if own is not None:
        if own.conn is not None:
            own.loop.run_until_complete(own.conn.close())
        own.loop.close()
        _own.state = None
