"""What the survival tests share: `newswatch run --no-web` workers as real processes, and made-up
feeds whose article pages each carry a text of their own (so none is taken for a copy of another)."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg

from tests.conftest import Cli
from tests.site.server import Site

# the schedule at test speed: due sources looked for every second, claims of a dead worker run out in 3 s
FAST = {"NEWSWATCH_POLL_TICK_S": "1", "NEWSWATCH_LEASE_S": "3"}

WORDS = [
    f"{a}{b}"
    for a in ("bar", "del", "kor", "mun", "sal", "tep", "vin", "zor", "hal", "qan")
    for b in ("an", "ek", "ir", "on", "ul", "ay", "ez", "ip", "oz", "um")
]


def text(seed: str, words: int = 120) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def publish(site: Site, feed: str, items: int) -> list[str]:
    """Serve an RSS feed at /sv/FEED.rss with `items` items, each page with its own text; returns
    the pages' paths."""
    paths = [f"/sv/{feed}/{i}.html" for i in range(items)]
    entries = "".join(
        f"<item><title>{feed} story {i}</title><link>{site.url(p)}</link><guid>{feed}-{i}</guid>"
        f"<pubDate>Wed, 07 Feb 2024 12:{i % 60:02d}:00 GMT</pubDate></item>"
        for i, p in enumerate(paths)
    )
    rss = f'<?xml version="1.0"?><rss version="2.0"><channel><title>{feed}</title>{entries}</channel></rss>'
    site.overrides[f"/sv/{feed}.rss"] = (200, {"Content-Type": "application/rss+xml"}, rss.encode())
    for i, p in enumerate(paths):
        body = " ".join(f"<p>{text(f'{feed}-{i}-{n}')}</p>" for n in range(3))
        html = (
            f"<html><head><title>{feed} story {i}</title></head><body><article>"
            f"<h1>{feed} story {i}</h1>{body}</article></body></html>"
        )
        site.overrides[p] = (200, {"Content-Type": "text/html; charset=utf-8"}, html.encode())
    return paths


def add_feeds(cli: Cli, site: Site, names: list[str]) -> None:
    """The sources, in one OPML import; the real outlets of the built-in watch are disabled (no internet here)."""
    body = "".join(f'<outline text="{n}" xmlUrl="{site.url(f"/sv/{n}.rss")}" language="en"/>' for n in names)
    opml = cli.home / "feeds.opml"
    opml.write_text(f'<?xml version="1.0"?><opml version="2.0"><head/><body>{body}</body></opml>', encoding="utf-8")
    cli("init")
    with psycopg.connect(cli.env["NEWSWATCH_DATABASE_URL"], autocommit=True) as conn:
        conn.execute("UPDATE sources SET enabled = false")
    cli("sources", "import", str(opml), "--no-check")  # the hits counted are the polls


def stored(database_url: str, source: str) -> dict[str, int]:
    """url → id of what is stored from `source`."""
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT a.url, a.id FROM articles a JOIN sources s ON s.id = a.source_id WHERE s.name = %s", (source,)
        ).fetchall()
    return dict(rows)


def articles_and_urls(database_url: str) -> tuple[int, int]:
    """How many articles (not seeds) are stored, and under how many distinct URLs: equal when none
    was stored twice."""
    with psycopg.connect(database_url) as conn:
        row = conn.execute("SELECT count(*), count(DISTINCT url) FROM articles WHERE NOT is_seed").fetchone()
    assert row is not None
    return row[0], row[1]


def wait_for(what: Callable[[], Any], timeout: float, message: Callable[[], str] = lambda: "") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = what()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout} s waiting; {message()}")


def a_due_subscriber(cli: Cli, database_url: str) -> None:
    """A subscriber whose send time (00:00 UTC) passed today while no service ran, and an article
    for them; the real outlets of the built-in watch disabled."""
    from tests.e2e.test_digest_cli import ANALYST, an_election_article

    cli("init")
    an_election_article(database_url)
    cli("subscribers", "add", ANALYST, "--at", "00:00", "--tz", "UTC")
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("UPDATE sources SET enabled = false")  # nothing may touch the internet
        conn.execute("UPDATE subscribers SET created_at = now() - interval '2 days'")  # subscribed before today


class Worker:
    """`newswatch --log-format json run --no-web` in a process of its own, its log in a file."""

    def __init__(self, cli: Cli, name: str, **env: str):
        self.log = cli.home / f"{name}.log"
        self.file = self.log.open("w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "monitor", "--log-format", "json", "run", "--no-web"],
            env={**cli.env, **FAST, **env},
            cwd=cli.home,
            stdout=subprocess.DEVNULL,
            stderr=self.file,
            start_new_session=True,  # its own process group: a kill reaches its extract worker too
        )

    def lines(self) -> list[dict[str, Any]]:
        found = []
        for line in Path(self.log).read_text(encoding="utf-8").splitlines():
            try:
                found.append(json.loads(line))
            except ValueError:
                found.append({"message": line})
        return found

    def polled(self) -> list[str]:
        """The sources this worker polled, one entry per poll."""
        return [e["source"] for e in self.lines() if str(e.get("message", "")).startswith("poll ")]

    def alive(self) -> bool:
        return self.proc.poll() is None

    def group(self) -> list[int]:
        """The processes of the worker's process group: itself and its extract process."""
        found = []
        for entry in Path("/proc").iterdir():
            try:
                if (
                    entry.name.isdigit()
                    and int((entry / "stat").read_text().rsplit(")", 1)[1].split()[2]) == self.proc.pid
                ):
                    found.append(int(entry.name))
            except (OSError, IndexError):
                continue
        return found

    def kill(self) -> None:
        """SIGKILL to the worker (a crash, the OOM killer); its extract process must not outlive it."""
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        self.file.close()
        wait_for(lambda: not self.group(), 10, lambda: f"left behind: {self.group()}")

    def terminate(self, timeout: float = 30) -> tuple[int, float]:
        """SIGTERM; returns the exit status and how long stopping took."""
        started = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        try:
            status = self.proc.wait(timeout=timeout)
        finally:
            self.file.close()
        return status, time.monotonic() - started

    def __enter__(self) -> Worker:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.alive():
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self.file.close()  # else a failed test's open log fails the next test with a ResourceWarning
