"""Process-wide Prometheus instruments that the pipeline feeds and /metrics reads. Counts that the
database already holds (polls, errors, articles, digests) are read from it at scrape time instead
(monitor.web.metrics), so they are right across several `newswatch run` processes."""

from __future__ import annotations

from prometheus_client import Histogram

FETCH_SECONDS = Histogram(
    "newswatch_fetch_seconds",
    "Time to download one page or feed, in seconds",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
EXTRACT_SECONDS = Histogram(
    "newswatch_extract_seconds",
    "Time to extract the text of one article page, in seconds",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
)
