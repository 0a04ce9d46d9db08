"""The unsubscribe endpoint behind every digest's links: GET /unsubscribe/{token} shows a
confirmation with a button, POST unsubscribes. The POST is also the RFC 8058 one-click target of the
List-Unsubscribe-Post header, which mail providers call without cookies or a form of ours, so the
signed token is the whole authorisation (no web token, no CSRF field).
https://www.rfc-editor.org/rfc/rfc8058"""

from __future__ import annotations

from typing import Any

from psycopg_pool import AsyncConnectionPool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from alerts import unsubscribe
from monitor import config
from monitor.store import subscribers
from monitor.web.render import render


def _page(
    request: Request, title: str, body: str, email: str | None = None, ask: bool = False, status: int = 200
) -> Response:
    """The reader's page, in the site's style (a plain page looked like phishing): what this is,
    for which address, and the one button."""
    return render(
        request, "unsubscribe.html", {"heading": title, "body": body, "email": email, "ask": ask}, status=status
    )


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

    def invalid(request: Request) -> Response:
        return _page(
            request,
            "Link not valid",
            "This unsubscribe link is not valid, or its address was removed. Nothing was changed.",
            status=404,
        )

    async def confirm(request: Request) -> Response:
        row = await subscriber(request)
        if row is None:
            return invalid(request)
        if not row["active"]:
            return _page(request, "Already unsubscribed", "This address no longer receives the digest.", row["email"])
        return _page(
            request,
            "Unsubscribe?",
            "Stop sending the daily Newswatch digest to this address? Nothing else is needed: no account, "
            "no password. The digests already sent stay in your mailbox.",
            row["email"],
            ask=True,
        )

    async def unsubscribe_now(request: Request) -> Response:
        row = await subscriber(request)
        if row is None:
            return invalid(request)
        async with pool.connection() as conn:
            await subscribers.unsubscribe(conn, row["id"])
        return _page(request, "Unsubscribed", "This address will receive no more Newswatch digests.", row["email"])

    return [
        Route("/unsubscribe/{token}", confirm, methods=["GET"]),
        Route("/unsubscribe/{token}", unsubscribe_now, methods=["POST"]),
    ]
