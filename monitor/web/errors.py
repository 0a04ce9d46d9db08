"""The one place that turns an exception into an answer: JSON {"error": …} under /api/ (and for
machine endpoints), an error page elsewhere."""

from __future__ import annotations

import logging

import psycopg
from psycopg_pool import PoolTimeout
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from monitor.errors import Conflict, NewswatchError, UsageError
from monitor.web.security import Refused

log = logging.getLogger(__name__)


class NotFound(HTTPException):
    def __init__(self, message: str):
        super().__init__(404, message)


def wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api/") or path in ("/openapi.json", "/metrics", "/healthz")


def answer(request: Request, status: int, message: str) -> Response:
    if wants_json(request):
        return JSONResponse({"error": message}, status_code=status)
    from monitor.web.render import render

    return render(request, "error.html", {"status": status, "message": message}, status=status)


async def on_http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    message = exc.detail if exc.status_code != 404 or isinstance(exc, NotFound) else f"no page {request.url.path}"
    response = answer(request, exc.status_code, str(message))
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def on_refused(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Refused)
    return answer(request, exc.status, str(exc))


async def on_usage(request: Request, exc: Exception) -> Response:
    return answer(request, 409 if isinstance(exc, Conflict) else 400, str(exc))


async def on_bad_value(request: Request, exc: Exception) -> Response:
    """A value PostgreSQL cannot hold (a NUL character, a number out of range): the client's fault."""
    return answer(request, 400, f"invalid value: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}")


async def on_failure(request: Request, exc: Exception) -> Response:
    """A runtime failure (the database went away, …): said plainly, with a 503."""
    log.warning("web: %s %s: %s", request.method, request.url.path, exc)
    return answer(request, 503, str(exc))


async def on_bug(request: Request, exc: Exception) -> Response:
    log.exception("web: %s %s failed", request.method, request.url.path)
    return answer(request, 500, f"internal error: {type(exc).__name__}")


handlers = {
    HTTPException: on_http,
    Refused: on_refused,
    UsageError: on_usage,
    NewswatchError: on_failure,
    psycopg.DataError: on_bad_value,
    psycopg.OperationalError: on_failure,
    PoolTimeout: on_failure,
    Exception: on_bug,
}
