"""Digest recipients."""

from __future__ import annotations

from datetime import time
from typing import Any

from psycopg import AsyncConnection, errors

from monitor.errors import UsageError

Row = dict[str, Any]


async def add(conn: AsyncConnection, email: str, keywords: list[str] | None, send_at: time, tz: str) -> Row:
    async with conn.transaction():
        try:
            cur = await conn.execute(
                "INSERT INTO subscribers (email, all_keywords, send_at, tz) VALUES (%s, %s, %s, %s) RETURNING *",
                (email, keywords is None, send_at, tz),
            )
        except errors.UniqueViolation:
            raise UsageError(f"subscribers: {email} is already subscribed") from None
        row = await cur.fetchone()
        assert row is not None
        for name in keywords or []:
            cur = await conn.execute(
                "INSERT INTO subscriber_keywords (subscriber_id, keyword_id)"
                " SELECT %s, id FROM keywords WHERE name = %s RETURNING keyword_id",
                (row["id"], name),
            )
            if await cur.fetchone() is None:
                raise UsageError(f"subscribers: no keyword named {name!r} (see `newswatch keywords list`)")
    return row


async def get(conn: AsyncConnection, email: str) -> Row:
    row = await (await conn.execute("SELECT * FROM subscribers WHERE email = %s", (email,))).fetchone()
    if row is None:
        raise UsageError(f"subscribers: no subscriber {email!r} (see `newswatch subscribers list`)")
    return row


async def list_all(conn: AsyncConnection, active_only: bool = False) -> list[Row]:
    cur = await conn.execute(
        """
        SELECT s.*,
               CASE WHEN s.all_keywords THEN NULL
                    ELSE (SELECT array_agg(k.name ORDER BY k.name) FROM subscriber_keywords sk
                            JOIN keywords k ON k.id = sk.keyword_id WHERE sk.subscriber_id = s.id) END AS keywords,
               (SELECT max(d.sent_at) FROM digests d WHERE d.subscriber_id = s.id AND d.status = 'sent') AS last_sent
          FROM subscribers s
         WHERE s.active OR NOT %s
         ORDER BY s.email
        """,
        (active_only,),
    )
    return await cur.fetchall()


async def remove(conn: AsyncConnection, email: str) -> None:
    cur = await conn.execute("DELETE FROM subscribers WHERE email = %s RETURNING id", (email,))
    if await cur.fetchone() is None:
        raise UsageError(f"subscribers: no subscriber {email!r} (see `newswatch subscribers list`)")
