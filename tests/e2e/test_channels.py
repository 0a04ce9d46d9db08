"""Channels through Apprise, against a real webhook receiver on loopback: three new stories (one
carried by two outlets) reach an asap json:// channel exactly once each, across a worker killed in
the middle of a send and started again; the channel's URL is never shown whole."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from psycopg.rows import dict_row

from tests.conftest import Cli
from tests.site.webhook import Webhook

SECRET = "s3cr3t-t0ken"


@pytest.fixture
def hook() -> Iterator[Webhook]:
    h = Webhook(f"/hook/{SECRET}")
    yield h
    h.close()


def _store(database_url: str) -> dict[str, int]:
    """Three stories as the pipeline leaves them: one of Trend, one of APA and Report, one of JAMnews."""
    now = datetime.now(UTC)
    ids: dict[str, int] = {}
    with psycopg.connect(database_url, row_factory=dict_row, autocommit=True) as conn:
        for key, outlet, lang, title, story_of in (
            ("a", "Trend", "en", "Polls open across Azerbaijan", None),
            ("b1", "APA", "en", "Turnout passes 40 percent, election commission says", None),
            ("b2", "Report", "ru", "Явка превысила 40 процентов", "b1"),
            ("c", "JAMnews", "en", "Observers report queues at the election", None),
        ):
            row = conn.execute(
                "INSERT INTO articles (outlet, url, title, text, lang, stored_at, fetched_at, published_at)"
                " VALUES (%s, %s, %s, 'The election went on.', %s, %s, %s, %s) RETURNING id",
                (outlet, f"https://{outlet.lower()}.example/{key}", title, lang, now, now, now),
            ).fetchone()
            assert row is not None
            ids[key] = row["id"]
            story = ids[story_of] if story_of else row["id"]
            conn.execute("UPDATE articles SET story_id = %s WHERE id = %s", (story, row["id"]))
            conn.execute(
                "INSERT INTO article_keywords (article_id, keyword_id) SELECT %s, id FROM keywords", (row["id"],)
            )
    return ids


def _worker(cli: Cli, log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as err:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            [sys.executable, "-m", "monitor", "-v", "run", "--no-web"],
            env={**cli.env, "NEWSWATCH_POLL_TICK_S": "0.5", "NEWSWATCH_LEASE_S": "2", "NEWSWATCH_RECHECK": "off"},
            cwd=cli.env["NEWSWATCH_HOME"],
            stdout=subprocess.DEVNULL,
            stderr=err,
        )


def _until(done, timeout: float = 60) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_three_stories_reach_an_asap_channel_once_each_across_a_killed_worker(
    cli: Cli, database_url: str, hook: Webhook
) -> None:
    cli("keywords", "add", "election", "--name", "election")
    added = cli("channels", "add", "Newsroom", hook.url, "--every", "asap")
    assert SECRET not in added.stdout + added.stderr
    cli("channels", "add", "Broken", "nosuchservice://x/y", expect=2)  # refused at the door
    ids = _store(database_url)
    hook.stall = 2  # the second story's post hangs unanswered: the worker is killed then
    log = cli.home / "run.log"
    first = _worker(cli, log)
    try:
        assert hook.stalled.wait(60), log.read_text()
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
    hook.release.set()
    assert len(hook.received) == 1
    second = _worker(cli, log)
    try:
        _until(lambda: len(hook.received) >= 3)
        time.sleep(4)  # past two leases: nothing comes twice
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(30)
    stories = [m["message"].split("/stories/")[1].split()[0] for m in hook.received]
    assert sorted(stories) == sorted(str(ids[k]) for k in ("a", "b1", "c"))  # each once, none lost
    two = next(m for m in hook.received if f"/stories/{ids['b1']}" in m["message"])
    assert two["title"] == "Turnout passes 40 percent, election commission says"
    assert "Outlets: APA, Report" in two["message"] and "English and Russian" in two["message"]
    assert "First published by APA" in two["message"] and "https://apa.example/b1" in two["message"]
    with psycopg.connect(database_url, row_factory=dict_row) as conn:
        states = conn.execute("SELECT status, crash_resends FROM channel_messages ORDER BY id").fetchall()
    assert [s["status"] for s in states] == ["sent"] * 3
    assert sum(s["crash_resends"] for s in states) == 1  # the killed send, posted again once
    # the URL holds a secret: never shown whole
    listed = cli("channels", "list").stdout
    assert "Newsroom" in listed and f"127.0.0.1:{hook.port}/…" in listed
    shown = listed + cli("channels", "list", "--format", "jsonl").stdout + cli("status").stdout + log.read_text()
    assert SECRET not in shown


def test_failures_are_retried_and_shown_with_the_reason(cli: Cli, database_url: str, hook: Webhook) -> None:
    cli("keywords", "add", "election", "--name", "election")
    cli("channels", "add", "Gone", f"json://127.0.0.1:{hook.port}/hook/wrong-{SECRET}")  # the receiver says 404
    _store(database_url)
    cli("channels", "send")
    with psycopg.connect(database_url, row_factory=dict_row) as conn:
        rows = conn.execute("SELECT status, attempts, last_error FROM channel_messages").fetchall()
    assert len(rows) == 3 and all(r["status"] == "pending" and r["attempts"] == 1 for r in rows)
    assert all("404" in r["last_error"] for r in rows), rows
    status = cli("status").stdout
    assert "Gone" in status and "404" in status and SECRET not in status
    assert not hook.received
