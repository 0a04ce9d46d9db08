"""/metrics in Prometheus text format: the pipeline's latency histograms (monitor.metrics) and the
counts the database holds, read at scrape time."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.requests import Request
from starlette.responses import Response

import monitor.metrics  # noqa: F401  (registers the histograms in REGISTRY)
from monitor.store import articles, digests, sources
from monitor.web.alerts import metrics_text as alert_metrics

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class Snapshot(Collector):
    """The database's counts, as read for one scrape."""

    def __init__(self, source_rows: list[dict[str, Any]], totals: dict[str, Any], outbox: dict[str, Any]):
        self.source_rows, self.totals, self.outbox = source_rows, totals, outbox

    def collect(self) -> Iterator[Metric]:
        polls = CounterMetricFamily("newswatch_source_polls", "Polls of each source", labels=["source"])
        unchanged = CounterMetricFamily(
            "newswatch_source_not_modified", "Polls answered 304 Not Modified", labels=["source"]
        )
        failing = GaugeMetricFamily(
            "newswatch_source_consecutive_failures", "Failed polls in a row (0: healthy)", labels=["source"]
        )
        last_ok = GaugeMetricFamily(
            "newswatch_source_last_success_timestamp_seconds", "Time of the last good poll", labels=["source"]
        )
        items = GaugeMetricFamily("newswatch_source_articles_24h", "Articles stored in 24 h", labels=["source"])
        for s in self.source_rows:
            polls.add_metric([s["name"]], s["polls"])
            unchanged.add_metric([s["name"]], s["not_modified"])
            failing.add_metric([s["name"]], s["consecutive_failures"])
            if s["last_success_at"] is not None:
                last_ok.add_metric([s["name"]], s["last_success_at"].timestamp())
            items.add_metric([s["name"]], s["articles_24h"])
        yield from (polls, unchanged, failing, last_ok, items)
        stored = GaugeMetricFamily("newswatch_articles", "Articles in the archive", labels=["kind"])
        stored.add_metric(["all"], self.totals["articles"])
        stored.add_metric(["duplicate"], self.totals["duplicates"])
        stored.add_metric(["seed"], self.totals["seeds"])
        yield stored
        mails = GaugeMetricFamily("newswatch_digests", "Digests in the outbox, by status", labels=["status"])
        for status in ("pending", "sent", "failed"):
            mails.add_metric([status], self.outbox[status])
        yield mails


async def metrics(request: Request) -> Response:
    async with request.app.state.pool.connection() as conn:
        snapshot = Snapshot(await sources.list_all(conn), await articles.totals(conn), await digests.outbox_state(conn))
        fired = await alert_metrics(conn)  # spikes and silences (monitor.web.alerts)
    registry = CollectorRegistry(auto_describe=False)
    registry.register(snapshot)
    return Response(generate_latest(REGISTRY) + generate_latest(registry) + fired, media_type=CONTENT_TYPE)
