"""The reading pages: search (/), one article, the digests, and signing in."""

from __future__ import annotations

import hmac
from datetime import UTC, datetime
from email import message_from_bytes, policy

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from monitor.store import digests, keywords, sources, subscribers
from monitor.web import archive, params
from monitor.web.errors import NotFound
from monitor.web.render import render
from monitor.web.security import COOKIE, check_same_site, session_value


async def index(request: Request) -> Response:
    search = params.search(request.query_params, default_limit=25)
    async with request.app.state.pool.connection() as conn:
        found = await archive.find(conn, search)
        outlets = [r["name"] for r in await sources.list_all(conn)]
        names = [k["name"] for k in await keywords.list_all(conn)]
    page = {k: v for k, v in request.query_params.items() if k != "offset"}
    prev_offset = max(0, search.offset - search.limit) if search.offset else None
    return render(
        request,
        "index.html",
        {
            "search": search,
            "form": request.query_params,
            "results": found.rows,
            "outlets": outlets,
            "keyword_names": names,
            "prev": str(request.url.replace_query_params(**page, offset=prev_offset))
            if prev_offset is not None
            else None,
            "next": str(request.url.replace_query_params(**page, offset=search.offset + search.limit))
            if found.more
            else None,
        },
    )


async def article(request: Request) -> Response:
    article_id = params.number(request.path_params["id"], "id", 0, 1, 2**63 - 1)
    async with request.app.state.pool.connection() as conn:
        row = await archive.article(conn, article_id)
    if row is None:
        raise NotFound(f"no article {article_id}")
    return render(request, "article.html", {"a": row})


async def digest_list(request: Request) -> Response:
    async with request.app.state.pool.connection() as conn:
        rows = await digests.recent(conn, 100)
        subs = await subscribers.list_all(conn)
    return render(request, "digests.html", {"digests": rows, "subscribers": subs})


def text_part(raw: bytes) -> str:
    """The plain-text part of a stored digest message."""
    msg = message_from_bytes(raw, policy=policy.default)
    part = msg.get_body(preferencelist=("plain",))
    return str(part.get_content()) if part is not None else ""  # type: ignore[attr-defined]


async def digest_show(request: Request) -> Response:
    digest_id = params.number(request.path_params["id"], "id", 0, 1, 2**63 - 1)
    async with request.app.state.pool.connection() as conn:
        row = await digests.message(conn, digest_id)
    if row is None:
        raise NotFound(f"no digest {digest_id}")
    return render(request, "digest.html", {"d": row, "text": text_part(bytes(row["message"]))})


async def digest_preview(request: Request) -> Response:
    """What the subscriber's digest would hold if it were sent now (nothing is sent or recorded)."""
    from alerts import delivery

    email = params.text(request.query_params, "subscriber") or ""
    async with request.app.state.pool.connection() as conn:
        sub = await subscribers.get(conn, email)
    prepared = await delivery.build(request.app.state.pool, request.app.state.settings, sub, datetime.now(UTC))
    return render(request, "digest.html", {"preview_for": email, "prepared": prepared})


async def login(request: Request) -> Response:
    token = request.app.state.settings.web_token
    if request.method == "GET":
        return render(request, "login.html", {})
    check_same_site(request)
    async with request.form() as form:
        given = str(form.get("token", ""))
    if token is None or not hmac.compare_digest(given.encode(), token.encode()):
        return render(request, "login.html", {"failed": True}, status=401)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(
        COOKIE,
        session_value(token),
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        max_age=30 * 86400,
    )
    return response


async def logout(request: Request) -> Response:
    check_same_site(request)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(COOKIE, httponly=True, samesite="strict")
    return response


routes = [
    Route("/", index, methods=["GET"]),
    Route("/articles/{id}", article, methods=["GET"]),
    Route("/digests", digest_list, methods=["GET"]),
    Route("/digests/preview", digest_preview, methods=["GET"]),
    Route("/digests/{id}", digest_show, methods=["GET"]),
    Route("/login", login, methods=["GET", "POST"]),
    Route("/logout", logout, methods=["POST"]),
]
