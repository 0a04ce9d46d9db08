"""Opening the service's database: which server, the pool, and a schema check."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from psycopg_pool import AsyncConnectionPool

from monitor import db
from monitor.config import Settings
from monitor.db import migrate


@asynccontextmanager
async def database(settings: Settings, *, upgrade: bool = False) -> AsyncIterator[AsyncConnectionPool]:
    """A connection pool on a current schema; `upgrade=True` migrates first (newswatch init)."""
    url = db.database_url(settings)
    pool = await db.open_pool(url)
    try:
        async with pool.connection() as conn:
            if upgrade:
                await migrate.migrate(conn)
            await migrate.require_current(conn)
        yield pool
    finally:
        await pool.close()
