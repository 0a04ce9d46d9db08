"""An extract process stores what it understood on its own connection (monitor.db.with_own_connection,
issue 16): kept from one article to the next, opened again when a restart or a dropped database broke
it, and an unreachable server still told as unreachable once only its message crosses back."""

from __future__ import annotations

import pickle
import threading
from typing import Any

import psycopg

from monitor.db import close_own_connection, unreachable, with_own_connection


async def backend(conn: psycopg.AsyncConnection[Any]) -> int:
    row = await (await conn.execute("SELECT pg_backend_pid() AS pid")).fetchone()
    return int(row["pid"])


def in_a_thread(fn: Any) -> Any:
    """Run `fn` in a new thread (its own connection and loop, as an extract process's)."""
    out: list[Any] = []

    def run() -> None:
        try:
            out.append(fn())
        finally:
            close_own_connection()

    t = threading.Thread(target=run)
    t.start()
    t.join()
    return out[0]


def test_the_connection_is_kept_and_opened_again_when_broken(database_url: str) -> None:
    def run() -> tuple[int, int, int, list[int]]:
        first = with_own_connection(database_url, backend)
        again = with_own_connection(database_url, backend)
        with psycopg.connect(database_url, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (first,))
        calls: list[int] = []

        async def counted(conn: psycopg.AsyncConnection[Any]) -> int:
            calls.append(1)
            return await backend(conn)

        after = with_own_connection(database_url, counted)
        return first, again, after, calls

    first, again, after, calls = in_a_thread(run)
    assert again == first  # one connection for every article of the process
    assert after != first  # the terminated one was replaced ...
    assert len(calls) == 2  # ... and the work done once more on the new one


def test_another_database_gets_its_own_connection(database_url: str, pg_admin_url: str) -> None:
    def run() -> tuple[str, str]:
        async def name(conn: psycopg.AsyncConnection[Any]) -> str:
            row = await (await conn.execute("SELECT current_database() AS db")).fetchone()
            return str(row["db"])

        return with_own_connection(database_url, name), with_own_connection(pg_admin_url, name)

    here, there = in_a_thread(run)
    assert here != there


def test_an_unreachable_server_is_told_as_unreachable_across_processes() -> None:
    def run() -> BaseException:
        try:
            with_own_connection("postgresql://nobody@127.0.0.1:9/none?connect_timeout=2", backend)
        except Exception as exc:  # noqa: BLE001 - the test looks at what is raised
            return exc
        raise AssertionError("no error")

    raised = in_a_thread(run)
    crossed = pickle.loads(pickle.dumps(raised))  # what a process pool hands back: no __cause__
    assert unreachable(crossed)
    assert "127.0.0.1" in str(crossed)


def test_an_error_of_the_work_is_raised_as_it_is(database_url: str) -> None:
    async def wrong(conn: psycopg.AsyncConnection[Any]) -> None:
        await conn.execute("SELECT * FROM no_such_table")

    def run() -> BaseException:
        try:
            with_own_connection(database_url, wrong)
        except Exception as exc:  # noqa: BLE001
            return exc
        raise AssertionError("no error")

    raised = in_a_thread(run)
    assert isinstance(raised, psycopg.errors.UndefinedTable)
    assert not unreachable(raised)
    assert in_a_thread(lambda: with_own_connection(database_url, backend))  # and the next call works
