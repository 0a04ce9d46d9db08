"""The unsubscribe endpoint behind every digest's links: GET /unsubscribe/{token} shows a
confirmation with a button, POST unsubscribes. The POST is also the RFC 8058 one-click target of the
List-Unsubscribe-Post header, which mail providers call without cookies or a form of ours, so the
signed token is the whole authorisation (no web token, no CSRF field).
https://www.rfc-editor.org/rfc/rfc8058"""

from __future__ import annotations

from html import escape
from typing import Any

from psycopg_pool import AsyncConnectionPool
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from alerts import unsubscribe
from monitor import config
from monitor.store import subscribers

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Newswatch: {title}</title></head>
<body style="font-family:Arial,Helvetica,sans-serif;max-width:600px;margin:40px auto;padding:0 16px;color:#222">
<h1 style="font-size:20px">{title}</h1>{body}</body></html>"""


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(PAGE.format(title=escape(title), body=body), status_code=status)


def routes(pool: AsyncConnectionPool, settings: config.Settings | None = None) -> list[Route]:
    """The endpoint's routes, for monitor.web.app's route list."""
    settings = settings or config.load()

    async def subscriber(request: Request) -> dict[str, Any] | None:
        """The subscriber whose valid token is in the URL, or None."""
        token = request.path_params["token"]
        sid = unsubscribe.subscriber_id(token)
        if sid is None:
            return None
        async with pool.connection() as conn:
            row = await subscribers.by_id(conn, sid)
            if row is None:
                return None
            key = await unsubscribe.signing_key(conn, settings)
        return row if unsubscribe.verify(key, token, row["id"], row["email"]) else None

    def invalid() -> HTMLResponse:
        return _page("Link not valid", "<p>This unsubscribe link is not valid, or its address was removed.</p>", 404)

    async def confirm(request: Request) -> HTMLResponse:
        row = await subscriber(request)
        if row is None:
            return invalid()
        email = escape(row["email"])
        if not row["active"]:
            return _page("Already unsubscribed", f"<p>{email} no longer receives the Newswatch digest.</p>")
        return _page(
            "Unsubscribe?",
            f"<p>Stop sending the daily Newswatch digest to <b>{email}</b>?</p>"
            '<form method="post"><button type="submit" name="List-Unsubscribe" value="One-Click"'
            ' style="font-size:16px;padding:8px 16px">Unsubscribe</button></form>',
        )

    async def unsubscribe_now(request: Request) -> HTMLResponse:
        row = await subscriber(request)
        if row is None:
            return invalid()
        async with pool.connection() as conn:
            await subscribers.unsubscribe(conn, row["id"])
        return _page("Unsubscribed", f"<p>{escape(row['email'])} will receive no more Newswatch digests.</p>")

    return [
        Route("/unsubscribe/{token}", confirm, methods=["GET"]),
        Route("/unsubscribe/{token}", unsubscribe_now, methods=["POST"]),
    ]
