"""`newswatch web --workers 2`: two processes share the port, and SIGTERM stops them all."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import urllib.request

from tests.conftest import Cli
from tests.e2e.test_run import free_port


def test_web_workers_serve_and_stop_on_sigterm(cli: Cli) -> None:
    cli("init")
    port = free_port()
    log = cli.home / "web.log"
    with (
        log.open("w") as err,
        subprocess.Popen(
            [sys.executable, "-m", "monitor", "web", "--port", str(port), "--workers", "2"],
            env=cli.env,
            cwd=cli.env["NEWSWATCH_HOME"],
            stdout=subprocess.DEVNULL,
            stderr=err,
        ) as proc,
    ):
        try:
            answers = []
            deadline = time.monotonic() + 60
            while len(answers) < 10 and time.monotonic() < deadline and proc.poll() is None:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                        answers.append(json.loads(r.read()))
                except OSError:
                    time.sleep(0.2)
            assert answers == [{"ok": True, "database": True, "scheduler": None}] * 10, log.read_text()
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=30) == 0, log.read_text()
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def test_web_on_a_busy_port_is_a_usage_error(cli: Cli) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        result = cli("web", "--port", str(taken.getsockname()[1]), expect=2)
    assert "cannot listen on 127.0.0.1" in result.stderr
