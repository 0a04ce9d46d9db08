"""Routes. For now: /healthz (database reachable, scheduler alive). The UI and API come later."""

from __future__ import annotations

from collections.abc import Callable

from psycopg_pool import AsyncConnectionPool
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from monitor.web import unsubscribe


def create_app(pool: AsyncConnectionPool, scheduler_alive: Callable[[], bool]) -> Starlette:
    async def healthz(request: Request) -> JSONResponse:
        checks = {"database": False, "scheduler": scheduler_alive()}
        try:
            async with pool.connection(timeout=5) as conn:
                await conn.execute("SELECT 1")
            checks["database"] = True
        except Exception as exc:  # report, never raise: this is what monitoring reads
            checks["database_error"] = str(exc)  # type: ignore[assignment]
        ok = checks["database"] is True and checks["scheduler"] is True
        return JSONResponse({"ok": ok, **checks}, status_code=200 if ok else 503)

    return Starlette(routes=[Route("/healthz", healthz), *unsubscribe.routes(pool)])
