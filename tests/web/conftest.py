"""The web tests' fixtures: `served` runs `newswatch web` on a free port over a small archive,
`served_stories` over the stories of tests/stories_world.py, `herald` over the evidence of a polled
and re-checked outlet (an edit, a takedown, a page with script)."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg
import pytest

from monitor.db import open_pool
from tests import stories_world
from tests.conftest import Cli
from tests.e2e.test_run import free_port
from tests.site.server import Site
from tests.web import archive


@dataclass
class Served:
    url: str
    ids: dict[str, int]


@pytest.fixture
def served(cli: Cli, database_url: str) -> Iterator[Served]:
    async def load() -> dict[str, int]:
        pool = await open_pool(database_url, max_size=1)
        try:
            async with pool.connection() as conn:
                ids = await archive.load(conn)
                ids["evil"] = await archive.article(
                    conn,
                    "Evil Outlet",
                    "evil",
                    '<script>document.title="pwned"</script><img src=x onerror="document.title=\'pwned\'">',
                    "An election story whose title tries to run a script in the reader's browser. " * 3,
                    hours_ago=0.5,
                    url="javascript:document.title='pwned'",
                )
            return ids
        finally:
            await pool.close()

    ids = asyncio.run(load())
    with serving(cli, ids) as served:
        yield served


@pytest.fixture
def served_stories(cli: Cli, database_url: str) -> Iterator[Served]:
    """`newswatch web` over tests/stories_world.py: a story carried by three outlets in two
    languages whose original was stored last, a seed's story, and two more."""

    async def load() -> dict[str, int]:
        pool = await open_pool(database_url, max_size=1)
        try:
            async with pool.connection() as conn:
                return await stories_world.load(conn)
        finally:
            await pool.close()

    with serving(cli, asyncio.run(load())) as served:
        yield served


EDITED = "/evidence/ballot-count-5001.html"
GONE = "/evidence/observer-mission-5002.html"
SCRIPTED = "/evidence/mobile-boxes-5006.html"


@dataclass
class Herald:
    url: str
    ids: dict[str, int]


@pytest.fixture
def herald(cli: Cli, site: Site, database_url: str) -> Iterator[Herald]:
    cli("init")
    cli("sources", "add", "Herald", site.url("/evidence/feed.rss"), "--lang", "en")
    cli("sources", "add", "Scripted", site.url("/evidence/scripted.rss"), "--lang", "en")
    cli("poll")
    with psycopg.connect(database_url) as conn:
        by_url = dict(conn.execute("SELECT url, id FROM articles").fetchall())
    ids = {"edited": by_url[site.url(EDITED)], "gone": by_url[site.url(GONE)], "scripted": by_url[site.url(SCRIPTED)]}
    site.edit(EDITED, "/evidence/later/ballot-count-5001.html")
    site.vanish(GONE, 410)
    cli("recheck", str(ids["edited"]), str(ids["gone"]))
    with serving(cli, ids) as served:
        yield Herald(served.url, ids)


@contextmanager
def serving(cli: Cli, ids: dict[str, int]) -> Iterator[Served]:
    """`newswatch web` on a free port, until the block ends."""
    port = free_port()
    log = cli.home / "web.log"
    with (
        log.open("w") as err,
        subprocess.Popen(
            [sys.executable, "-m", "monitor", "web", "--port", str(port)],
            env=cli.env,
            cwd=cli.env["NEWSWATCH_HOME"],
            stdout=subprocess.DEVNULL,
            stderr=err,
        ) as proc,
    ):
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 30
            while True:
                try:
                    with urllib.request.urlopen(url + "/healthz", timeout=2):
                        break
                except OSError:
                    assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
                    time.sleep(0.2)
            yield Served(url, ids)
        finally:
            proc.terminate()
            proc.wait(timeout=15)
