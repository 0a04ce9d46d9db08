"""What a worker process holds: the modules `newswatch run` and `newswatch poll` import leave
trafilatura, numpy and the language model to the extract processes, which are the only ones that
extract (issue 16: 13 MiB of the poller's peak of 180); the first extraction in a process still loads them."""

from __future__ import annotations

import json
import subprocess
import sys

EXTRACTION_ONLY = ("trafilatura", "numpy", "py3langid")

# what monitor.cli.service imports to run the service (web, scheduler, alerts, polls, re-checks)
SERVICE = (
    "monitor.cli",
    "monitor.cli.service",
    "monitor.cli.web",
    "monitor.web.app",
    "monitor.scheduler",
    "alerts.delivery",
    "spiders.crawl",
    "spiders.recheck",
    "monitor.seeds",
)


def _loaded_after(code: str) -> list[str]:
    script = code + f"\nimport json, sys\nprint(json.dumps([m for m in {EXTRACTION_ONLY!r} if m in sys.modules]))"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True)
    return list(json.loads(done.stdout.strip().splitlines()[-1]))


def test_the_service_process_imports_no_extraction_library() -> None:
    assert _loaded_after("\n".join(f"import {m}" for m in SERVICE)) == []


def test_the_first_extraction_loads_them_where_it_runs() -> None:
    text = "The commission counted the ballots in Baku. " * 8
    page = f"<html><body><article><p>{text}</p></article></body></html>"
    code = (
        "from monitor.pipeline.extract import extract\n"
        f"got = extract({page!r}, 'https://example.org/a')\n"
        "assert 'counted the ballots' in got.text and got.lang == 'en', got\n"
    )
    assert _loaded_after(code) == list(EXTRACTION_ONLY)
