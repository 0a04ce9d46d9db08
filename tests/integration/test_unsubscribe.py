"""Unsubscribing through the web app's endpoint, over real HTTP: the link in a received digest
shows a confirmation, the one-click POST (RFC 8058) unsubscribes, and the next digest is not sent."""

from __future__ import annotations

import asyncio
import os
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import uvicorn
from psycopg_pool import AsyncConnectionPool

from alerts import delivery
from monitor import config
from monitor.db import open_pool
from monitor.web.app import create_app
from tests.integration.digest_world import ANALYST, DAY1, Smtp, article, election_watch, run, settings


class WebApp:
    """monitor.web.app served by uvicorn on a free loopback port, in a thread with its own loop."""

    def __init__(self, database_url: str):
        self.database_url = database_url
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.server: uvicorn.Server | None = None
        self.thread = threading.Thread(target=lambda: asyncio.run(self._serve()), daemon=True)

    async def _serve(self) -> None:
        pool = await open_pool(self.database_url)
        try:
            app = create_app(pool, lambda: True, config.load())
            self.server = uvicorn.Server(
                uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off")
            )
            await self.server.serve()
        finally:
            await pool.close()

    def __enter__(self) -> WebApp:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not (self.server and self.server.started):
            assert time.monotonic() < deadline and self.thread.is_alive(), "web app did not start"
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        assert self.server is not None
        self.server.should_exit = True
        self.thread.join(timeout=20)


@pytest.fixture
def smtp() -> Iterator[Smtp]:
    server = Smtp()
    server.start()
    yield server
    server.stop()


def fetch(url: str, data: bytes | None = None, headers: dict[str, str] | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, data=data, headers=headers or {}, method="POST" if data else "GET")
    try:
        with urllib.request.urlopen(request, timeout=10) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def test_unsubscribe_through_the_endpoint_stops_the_next_digest(
    database_url: str, tmp_path: Path, smtp: Smtp, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in [k for k in os.environ if k.startswith("NEWSWATCH_")]:
        monkeypatch.delenv(name)  # the web app reads its settings from the environment

    async def new_article(pool: AsyncConnectionPool, n: int) -> None:
        async with pool.connection() as conn:
            await article(
                conn,
                outlet="Trend",
                url=f"https://en.trend.az/{n}.html",
                title=f"Election report {n}",
                text="The election went on.",
                stored_at=DAY1 + timedelta(days=n, hours=-1),
                keywords=["election"],
            )

    with WebApp(database_url) as web:
        cfg = settings(database_url, tmp_path, smtp.url, base_url=web.url)

        async def day_one(pool: AsyncConnectionPool) -> None:
            await election_watch(pool)
            await new_article(pool, 0)
            await delivery.prepare_due(pool, cfg, DAY1)
            await delivery.send_pending(pool, cfg)

        run(database_url, day_one)
        (msg,) = smtp.messages
        link = msg["List-Unsubscribe"].strip().strip("<>")
        assert link.startswith(f"{web.url}/unsubscribe/")

        status, page = fetch(link)
        assert status == 200 and "Unsubscribe?" in page and ANALYST in page and 'method="post"' in page
        forged = link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB")
        assert fetch(forged)[0] == 404
        assert fetch(forged, b"List-Unsubscribe=One-Click")[0] == 404
        other = link.replace("/unsubscribe/1.", "/unsubscribe/2.")
        assert fetch(other, b"List-Unsubscribe=One-Click")[0] == 404

        async def still_subscribed(pool: AsyncConnectionPool) -> bool:
            async with pool.connection() as conn:
                row = await (await conn.execute("SELECT active FROM subscribers")).fetchone()
            assert row is not None
            return bool(row["active"])

        assert run(database_url, still_subscribed)  # a GET (a link scanner, a preview) changes nothing

        # RFC 8058: what a mail provider sends when the reader presses its unsubscribe button
        status, page = fetch(link, b"List-Unsubscribe=One-Click", {"Content-Type": "application/x-www-form-urlencoded"})
        assert status == 200 and "Unsubscribed" in page
        assert not run(database_url, still_subscribed)
        assert "Already unsubscribed" in fetch(link)[1]

    async def day_two(pool: AsyncConnectionPool) -> tuple[int, delivery.SendResult]:
        await new_article(pool, 1)
        return await delivery.prepare_due(pool, cfg, DAY1 + timedelta(days=1)), await delivery.send_pending(pool, cfg)

    assert run(database_url, day_two) == (0, delivery.SendResult())
    assert len(smtp.messages) == 1
