"""The web app (Starlette): the pages, the JSON API, /healthz, /metrics and /openapi.json. Served
inside `newswatch run` on the service's loop, or alone by `newswatch web`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from psycopg_pool import AsyncConnectionPool
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from monitor.config import Settings
from monitor.web import alerts, api, channels, errors, evidence, feeds, manage, pages, seeds, stories, unsubscribe
from monitor.web.metrics import metrics
from monitor.web.openapi import openapi
from monitor.web.security import BodyCap, SecurityHeaders

STATIC = Path(__file__).resolve().parent / "static"


def create_app(pool: AsyncConnectionPool, scheduler_alive: Callable[[], bool] | None, settings: Settings) -> Starlette:
    """The app on `pool`. `scheduler_alive` is None when no scheduler runs in this process (`newswatch web`)."""

    async def healthz(request: Request) -> JSONResponse:
        checks: dict[str, object] = {"database": False, "scheduler": scheduler_alive() if scheduler_alive else None}
        try:
            async with pool.connection(timeout=5) as conn:
                await conn.execute("SELECT 1")
            checks["database"] = True
        except Exception as exc:  # report, never raise: this is what monitoring reads
            checks["database_error"] = str(exc)
        ok = checks["database"] is True and checks["scheduler"] is not False
        return JSONResponse({"ok": ok, **checks}, status_code=200 if ok else 503)

    routes: list[BaseRoute] = [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/metrics", metrics, methods=["GET"]),
        Route("/openapi.json", openapi, methods=["GET"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
        *api.routes,
        *stories.routes,
        *seeds.routes,
        *pages.routes,
        *evidence.routes,
        *manage.routes,
        *channels.routes,
        *feeds.routes,
        *alerts.routes,
        *unsubscribe.routes(pool),
    ]
    app = Starlette(
        routes=routes,
        # a Host outside NEWSWATCH_ALLOWED_HOSTS is refused for every request: a rebinding name
        # (evil.example resolving to 127.0.0.1) reaches no page, and so no write, of a loopback app
        middleware=[
            Middleware(SecurityHeaders),
            Middleware(TrustedHostMiddleware, allowed_hosts=list(settings.trusted_hosts), www_redirect=False),
            Middleware(BodyCap),
        ],
        exception_handlers=errors.handlers,  # type: ignore[arg-type]
    )
    app.state.pool = pool
    app.state.settings = settings
    return app
