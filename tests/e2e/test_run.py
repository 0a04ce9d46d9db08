"""`newswatch run` serves /healthz on the service's event loop and stops cleanly on SIGTERM."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
import urllib.request

from tests.conftest import Cli


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_run_serves_healthz_and_stops_on_sigterm(cli: Cli) -> None:
    port = free_port()
    log = cli.home / "run.log"
    with (
        log.open("w") as err,
        subprocess.Popen(
            [sys.executable, "-m", "monitor", "run", "--port", str(port)],
            env=cli.env,
            cwd=cli.env["NEWSWATCH_HOME"],
            stdout=subprocess.DEVNULL,
            stderr=err,
        ) as proc,
    ):
        watch(proc, port, log)


def watch(proc: subprocess.Popen, port: int, log) -> None:  # type: ignore[type-arg, no-untyped-def]
    try:
        body = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    body = json.loads(r.read())
                break
            except OSError:
                time.sleep(0.3)
        assert body == {"ok": True, "database": True, "scheduler": True}, log.read_text()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_run_once_polls_and_exits(cli: Cli, site) -> None:  # type: ignore[no-untyped-def]
    cli("init")
    cli("sources", "add", "Courier", site.url("/feed.rss"), "--no-check")  # the hits counted are the run's
    for name in ("Trend", "APA", "AZERTAC", "Report", "Azernews", "OC Media", "JAMnews", "Civil.ge"):
        cli("sources", "disable", name)  # unreachable from here; keep the run short
    cli("run", "--once")
    assert site.hits["/feed.rss"] == 1
    out = cli("search", "--source", "Courier", "--format", "jsonl").stdout
    assert len(out.splitlines()) == 3
