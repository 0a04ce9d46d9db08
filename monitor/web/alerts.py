"""What fired, in the web: the page /alerts, `GET /api/alerts`, and the alerts' lines of /metrics
(`newswatch_alerts_open{kind}`: spikes and silences not over; `newswatch_alerts_total{kind}`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from monitor.store import alerts
from monitor.web.api import reply
from monitor.web.render import render


class _Alerts(Collector):
    def __init__(self, open_counts: dict[str, int], total: dict[str, int]):
        self.open_counts, self.total = open_counts, total

    def collect(self) -> Iterator[Metric]:
        now = GaugeMetricFamily("newswatch_alerts_open", "Spikes and silences not over yet", labels=["kind"])
        ever = GaugeMetricFamily("newswatch_alerts_total", "Spikes and silences recorded", labels=["kind"])
        for kind in ("spike", "silence"):
            now.add_metric([kind], self.open_counts.get(kind, 0))
            ever.add_metric([kind], self.total.get(kind, 0))
        yield now
        yield ever


async def metrics_text(conn: Any) -> bytes:
    rows = await alerts.recent(conn, 100_000)
    total: dict[str, int] = {}
    for r in rows:
        total[r["kind"]] = total.get(r["kind"], 0) + 1
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Alerts(await alerts.open_counts(conn), total))
    return generate_latest(registry)


async def alert_page(request: Request) -> Response:
    async with request.app.state.pool.connection() as conn:
        rows = await alerts.recent(conn)
    return render(request, "alerts.html", {"alerts": rows})


async def list_alerts(request: Request) -> Response:
    async with request.app.state.pool.connection() as conn:
        return reply({"alerts": await alerts.recent(conn)})


routes = [
    Route("/alerts", alert_page, methods=["GET"]),
    Route("/api/alerts", list_alerts, methods=["GET"]),
]
