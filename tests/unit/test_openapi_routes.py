"""The OpenAPI description names every operation of the JSON API, and nothing the API does not
serve: /api/channels and /api/alerts were served for a while without being described."""

from __future__ import annotations

from pathlib import Path

from starlette.routing import Route

from monitor import config
from monitor.web.app import create_app
from monitor.web.openapi import DOCUMENT


def test_every_api_operation_is_described_and_every_description_is_served(tmp_path: Path) -> None:
    app = create_app(None, None, config.load({"NEWSWATCH_HOME": str(tmp_path)}, cwd=tmp_path))  # type: ignore[arg-type]
    served = {
        (route.path, method.lower())
        for route in app.routes
        if isinstance(route, Route) and route.path.startswith("/api/")
        for method in route.methods or ()
        if method != "HEAD"
    }
    described = {(path, method) for path, operations in DOCUMENT["paths"].items() for method in operations}
    assert served - described == set(), "served but not in /openapi.json"
    assert described - served == set(), "in /openapi.json but not served"
