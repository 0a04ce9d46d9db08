"""The reading pages: search (/), one article, the digests, and signing in."""

from __future__ import annotations

import csv
import hmac
import io
import json
from dataclasses import replace
from datetime import UTC, datetime
from email import message_from_bytes, policy
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from monitor.errors import UsageError
from monitor.query.snippet import plain
from monitor.store import articles, digests, home, keywords, names, sources, subscribers
from monitor.store import channels as channel_store
from monitor.web import archive, params, visits
from monitor.web.errors import NotFound
from monitor.web.forms import Typed, problem
from monitor.web.render import render
from monitor.web.security import COOKIE, check_same_site, session_value

SEARCH_PARAMS = ("q", "since", "until", "source", "lang", "keyword", "include_duplicates", "sort", "group")
VIEWS = ("latest", "new", "today")


async def index(request: Request) -> Response:
    """The home page: stories newest first (all, new since the last visit, or today's), or, once
    anything is searched, the articles found. A refused search shows the page again with what
    was typed and the reason beside its field."""
    query = request.query_params
    searching = any(query.get(k) for k in SEARCH_PARAMS) or query.get("view") == "articles"
    visit = visits.Visit.of(request.cookies.get(visits.COOKIE), datetime.now(UTC))
    context: dict[str, Any] = {"form": Typed.of(query), "errors": {}, "searching": searching, "visit": visit}
    status = 200
    async with request.app.state.pool.connection() as conn:
        known = await sources.list_all(conn)
        context["outlets"] = [r["name"] for r in known]
        context["keyword_names"] = [k["name"] for k in await keywords.list_all(conn)]
        context["failing"] = sum(sources.state(r) == "failing" for r in known)
        context["new_count"] = await home.new_stories(conn, visit.previous) if visit.previous else None
        try:
            if searching:
                context.update(await _found(conn, request))
            else:
                context.update(await _stories(conn, request, visit))
        except UsageError as exc:
            trouble = problem(exc, "q")
            where = "q" if trouble.field in (None, "query") else trouble.field
            context.update(error=trouble.message, errors={where: trouble.reason})
            context.update(results=[], groups=[], stories=[], count=None, search=None)
            status = 400
    response = render(request, "index.html", context, status=status)
    visits.remember(response, visit)
    return response


async def _found(conn: Any, request: Request) -> dict[str, Any]:
    search = params.search(request.query_params, default_limit=25)
    found = await archive.find(conn, search)
    total = await home.count(conn, search.tree, search.filters)
    page = {k: v for k, v in request.query_params.items() if k != "offset"}
    prev_offset = max(0, search.offset - search.limit) if search.offset else None
    grouped = request.query_params.get("group") == "story"
    exports = {fmt: f"/export.{fmt}?" + urlencode({k: v for k, v in page.items() if k in SEARCH_PARAMS})
               for fmt in ("csv", "jsonl")}  # fmt: skip
    return {
        "search": search,
        "results": found.rows,
        "groups": archive.by_story(found.rows) if grouped else [],
        "grouped": grouped,
        "count": total,
        "count_cap": home.COUNT_CAP,
        "exports": exports,
        "prev": str(request.url.replace_query_params(**page, offset=prev_offset)) if prev_offset is not None else None,
        "next": str(request.url.replace_query_params(**page, offset=search.offset + search.limit))
        if found.more
        else None,
    }


STORIES_PAGE = 20


async def _stories(conn: Any, request: Request, visit: visits.Visit) -> dict[str, Any]:
    view = request.query_params.get("view") or "latest"
    if view not in VIEWS:
        view = "latest"
    offset = params.number(request.query_params.get("offset"), "offset", 0, 0, 1_000_000)
    now = datetime.now(UTC)
    kwargs: dict[str, Any] = {"limit": STORIES_PAGE + 1, "offset": offset}
    if view == "today":
        kwargs["since"] = now.replace(hour=0, minute=0, second=0, microsecond=0)
    if view == "new" and visit.previous:
        kwargs["seen_since"] = visit.previous
    rows = [] if view == "new" and not visit.previous else await home.stories(conn, **kwargs)
    if view != "new" and visit.previous:
        for r in rows:  # mark what is new to this reader in the other views too
            r["new"] = False
        fresh = {r["id"] for r in await home.stories(conn, seen_since=visit.previous, limit=500)}
        for r in rows:
            r["new"] = r["id"] in fresh
    more = len(rows) > STORIES_PAGE
    base = {"view": view} if view != "latest" else {}
    return {
        "view": view,
        "stories": rows[:STORIES_PAGE],
        "prev": "/?" + urlencode({**base, "offset": max(0, offset - STORIES_PAGE)}) if offset else None,
        "next": "/?" + urlencode({**base, "offset": offset + STORIES_PAGE}) if more else None,
    }


async def export(request: Request) -> Response:
    """The current search's articles (every page, up to EXPORT_MAX) as CSV or JSON lines, the
    fields of `newswatch search --format jsonl` but the text."""
    fmt = request.path_params["fmt"]
    if fmt not in ("csv", "jsonl"):
        raise NotFound(f"no export as {fmt!r}: csv or jsonl")
    search = params.search(request.query_params, default_limit=params.MAX_LIMIT)
    rows: list[dict[str, Any]] = []
    async with request.app.state.pool.connection() as conn:
        await names.check(conn, source=search.filters.source, keyword=search.filters.keyword)
        offset = 0
        while len(rows) < EXPORT_MAX:
            page = await articles.search(conn, search.tree, replace(search.filters, limit=500, offset=offset))
            rows += page
            if len(page) < 500:
                break
            offset += 500
    rows = rows[:EXPORT_MAX]
    for r in rows:
        r["snippet"] = plain(r["snippet"])
    out = io.StringIO()
    if fmt == "csv":
        writer = csv.writer(out)
        writer.writerow(EXPORT_FIELDS)
        for r in rows:
            writer.writerow([cell(r[k]) for k in EXPORT_FIELDS])
        media = "text/csv; charset=utf-8"
    else:
        for r in rows:
            out.write(json.dumps({k: jsonable(r[k]) for k in EXPORT_FIELDS}, ensure_ascii=False) + "\n")
        media = "application/x-ndjson; charset=utf-8"
    return Response(
        out.getvalue().encode(),
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="newswatch-search.{fmt}"'},
    )


def cell(value: Any) -> Any:
    if isinstance(value, list):
        return "; ".join(map(str, value))
    return "" if value is None else jsonable(value)


def jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return value


EXPORT_MAX = 10_000
EXPORT_FIELDS = [
    "id", "url", "title", "source", "lang", "published_at", "fetched_at", "keywords", "duplicate_of",
    "seed_duplicate", "story_id", "similarity", "snippet",
]  # fmt: skip


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
        failing = await channel_store.failures(conn)  # channels' messages failed or deferred, with why
    return render(request, "digests.html", {"digests": rows, "subscribers": subs, "channel_failures": failing})


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


KEPT = "kept."  # the sign-in form's prefix of what a refused write had typed


def back_to(path: str | None) -> str:
    """A path of this app to return to after signing in; anything else (another site, `//host`)
    is the home page."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return "/"
    return path


async def login(request: Request) -> Response:
    token = request.app.state.settings.web_token
    if request.method == "GET":
        return render(request, "login.html", {"next": back_to(request.query_params.get("next"))})
    check_same_site(request)
    async with request.form() as form:
        given = str(form.get("token", ""))
        target = back_to(str(form.get("next", "")))
        kept = {k[len(KEPT) :]: str(v) for k, v in form.items() if k.startswith(KEPT) and isinstance(v, str)}
    if token is None or not hmac.compare_digest(given.encode(), token.encode()):
        return render(request, "login.html", {"failed": True, "next": target, "kept": kept}, status=401)
    # back to the page the write came from, its form filled with what was typed: sent again by the
    # person, never replayed by us (a write is a deliberate click, signed in)
    kept.pop("action", None)
    response = RedirectResponse(target + ("?" + urlencode(kept) if kept else ""), status_code=303)
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
    Route("/export.{fmt:str}", export, methods=["GET"]),
    Route("/articles/{id}", article, methods=["GET"]),
    Route("/digests", digest_list, methods=["GET"]),
    Route("/digests/preview", digest_preview, methods=["GET"]),
    Route("/digests/{id}", digest_show, methods=["GET"]),
    Route("/login", login, methods=["GET", "POST"]),
    Route("/logout", logout, methods=["POST"]),
]
