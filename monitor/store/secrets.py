"""Secrets generated once and kept in the database, so every worker on it agrees on them."""

from __future__ import annotations

import secrets
from typing import Any

from psycopg import AsyncConnection


async def get_or_create(conn: AsyncConnection[Any], name: str) -> str:
    """The secret called `name`, generated (256 random bits) the first time anyone asks."""
    await conn.execute(
        "INSERT INTO app_secrets (name, value) VALUES (%s, %s) ON CONFLICT (name) DO NOTHING",
        (name, secrets.token_urlsafe(32)),
    )
    row = await (await conn.execute("SELECT value FROM app_secrets WHERE name = %s", (name,))).fetchone()
    assert row is not None
    return str(row["value"])
