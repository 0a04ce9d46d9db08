"""What the digest tests share: a real SMTP server whose answers a test can change or switch off,
a database with keywords, articles and subscribers written the way the pipeline leaves them, and
the settings a service would use."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from datetime import UTC, datetime, time
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool

from monitor import config
from monitor.config import Settings
from monitor.db import open_pool
from monitor.store import keywords, subscribers

DAY1 = datetime(2024, 2, 7, 4, 5, tzinfo=UTC)  # 08:05 in Baku, just after the default send time
BEFORE = datetime(2024, 2, 6, 12, 0, tzinfo=UTC)  # when the analyst subscribed
ANALYST = "analyst@example.org"


class Smtp:
    """aiosmtpd on loopback. `data_reply` / `rcpt_reply` change what it answers; stop() and start()
    take it down and bring it back on the same port."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.data_reply = "250 OK"
        self.rcpt_reply = "250 OK"
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"smtp://127.0.0.1:{self.port}"
        self.controller: Any = None

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        box = self

        class Handler:
            async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
                if box.rcpt_reply.startswith("250"):
                    envelope.rcpt_tos.append(address)
                return box.rcpt_reply

            async def handle_DATA(self, server, session, envelope):  # noqa: N802
                if box.data_reply.startswith("250"):
                    box.messages.append(message_from_bytes(envelope.content, policy=policy.default))
                return box.data_reply

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()


def settings(database_url: str, home: Path, smtp_url: str | None, **more: str) -> Settings:
    env = {
        "NEWSWATCH_DATABASE_URL": database_url,
        "NEWSWATCH_HOME": str(home),
        "NEWSWATCH_MAIL_FROM": "digest@newswatch.example",
        **({"NEWSWATCH_SMTP_URL": smtp_url} if smtp_url else {}),
        **{f"NEWSWATCH_{k.upper()}": v for k, v in more.items()},
    }
    return config.load(env, cwd=home)


async def keyword(conn: AsyncConnection, name: str, query: str) -> int:
    row = await keywords.add(conn, name, query)
    return int(row["id"])


async def article(
    conn: AsyncConnection,
    *,
    outlet: str,
    url: str,
    title: str,
    text: str,
    stored_at: datetime,
    keywords: list[str],
    published_at: datetime | None = None,
    story_id: int | None = None,
    duplicate_of: int | None = None,
    seed_duplicate: bool = False,
    is_seed: bool = False,
) -> int:
    """Store an article as the pipeline leaves it: deduplicated, clustered and matched."""
    cur = await conn.execute(
        "INSERT INTO articles (outlet, url, title, text, stored_at, fetched_at, published_at, story_id,"
        " duplicate_of, seed_duplicate, is_seed) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id",
        (outlet, url, title, text, stored_at, stored_at, published_at, story_id, duplicate_of, seed_duplicate, is_seed),
    )
    row = await cur.fetchone()
    assert row is not None
    await conn.execute(
        "INSERT INTO article_keywords (article_id, keyword_id) SELECT %s, id FROM keywords WHERE name = ANY(%s)",
        (row["id"], keywords),
    )
    return int(row["id"])


async def subscriber(
    conn: AsyncConnection,
    email: str,
    *,
    created_at: datetime,
    keywords: list[str] | None = None,
    at: str = "08:00",
    tz: str = "Asia/Baku",
    send_empty: bool = False,
    lang: str | None = None,
) -> dict[str, Any]:
    row = await subscribers.add(conn, email, keywords, time.fromisoformat(at), tz, send_empty, lang)
    # subscribed at a chosen moment, so that the days a test walks through are after it
    await conn.execute("UPDATE subscribers SET created_at = %s WHERE id = %s", (created_at, row["id"]))
    return await subscribers.get(conn, email)


@asynccontextmanager
async def pool_for(database_url: str) -> AsyncIterator[AsyncConnectionPool]:
    pool = await open_pool(database_url)
    try:
        yield pool
    finally:
        await pool.close()


def run(database_url: str, scenario: Callable[[AsyncConnectionPool], Coroutine[Any, Any, Any]]) -> Any:
    async def main() -> Any:
        async with pool_for(database_url) as pool:
            return await scenario(pool)

    return asyncio.run(main())


async def election_watch(pool: AsyncConnectionPool) -> None:
    async with pool.connection() as conn:
        await keyword(conn, "election", "election OR seçki")
        await keyword(conn, "observers", "observer*")
        await subscriber(conn, ANALYST, created_at=BEFORE)
