"""What fired, shown in `newswatch alerts`, /alerts, /api/alerts and /metrics."""

from __future__ import annotations

import json
import urllib.request

import psycopg

from tests.conftest import Cli
from tests.web.conftest import serving


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.read().decode()


def test_alerts_are_shown_in_the_cli_the_page_the_api_and_the_metrics(cli: Cli, database_url: str) -> None:
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO alerts (kind, subject, episode, at, detail) VALUES"
            " ('spike', 'election', 'spike:election:1', '2024-02-07 14:00Z', '30 matches against a baseline of 2'),"
            " ('silence', 'Trend', 'silence:Trend:1', '2024-02-07 12:00Z', 'nothing new for 3 h 00 min')"
        )
        conn.execute("UPDATE alerts SET ended_at = '2024-02-07 15:00Z' WHERE kind = 'spike'")
    rows = [json.loads(line) for line in cli("alerts", "--format", "jsonl").stdout.splitlines()]
    assert [(r["kind"], r["subject"]) for r in rows] == [("spike", "election"), ("silence", "Trend")]
    assert rows[0]["detail"] == "30 matches against a baseline of 2"
    with serving(cli, {}) as served:
        page = _get(served.url + "/alerts")
        assert "30 matches against a baseline of 2" in page and "Trend" in page
        assert len(json.loads(_get(served.url + "/api/alerts"))["alerts"]) == 2
        metrics = _get(served.url + "/metrics")
        assert 'newswatch_alerts_open{kind="silence"} 1.0' in metrics
        assert 'newswatch_alerts_open{kind="spike"} 0.0' in metrics
        assert 'newswatch_alerts_total{kind="spike"} 1.0' in metrics
