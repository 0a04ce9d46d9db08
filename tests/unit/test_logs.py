from __future__ import annotations

import json
import logging

from monitor.logs import JsonFormatter, TextFormatter


def record(**extra: object) -> logging.LogRecord:
    rec = logging.LogRecord("spiders.feed", logging.WARNING, __file__, 1, "poll failed: %s", ("HTTP 410",), None)
    for k, v in extra.items():
        setattr(rec, k, v)
    return rec


def test_json_lines_carry_the_source_and_article() -> None:
    line = JsonFormatter().format(record(source="Trend", article="https://en.trend.az/a/1.html"))
    entry = json.loads(line)
    assert entry["message"] == "poll failed: HTTP 410"
    assert entry["level"] == "warning" and entry["logger"] == "spiders.feed"
    assert entry["source"] == "Trend" and entry["article"] == "https://en.trend.az/a/1.html"
    assert entry["time"].endswith("+00:00")


def test_text_lines_show_the_context_too() -> None:
    line = TextFormatter().format(record(source="Trend"))
    assert line.endswith("poll failed: HTTP 410 [source='Trend']")
