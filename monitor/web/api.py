"""The JSON API under /api/ (SPEC.md, "HTTP"). Reads are open; writes pass security.check_write.
Errors are raised (UsageError → 400, NotFound → 404, Refused → 401/403) and answered in one place
(monitor.web.errors) as {"error": …}."""

from __future__ import annotations

import json
from datetime import date, datetime, time
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from monitor import sources_check, validate
from monitor.errors import UsageError
from monitor.query.snippet import plain
from monitor.store import articles, digests, keywords, sources, subscribers
from monitor.web import archive, evidence, params
from monitor.web.errors import NotFound
from monitor.web.security import check_write

# Fields of an article in a list, as `search --format jsonl` has them, without the text
LIST_FIELDS = [
    "id",
    "url",
    "title",
    "source",
    "lang",
    "published_at",
    "date_source",
    "fetched_at",
    "keywords",
    "duplicate_of",
    "seed_duplicate",
    "story_id",
]
PAGE = 20  # articles per page unless `limit` says otherwise

# Sources' columns that are the service's own bookkeeping, not health
HIDDEN_SOURCE_FIELDS = ("etag", "last_modified")


class Reply(JSONResponse):
    """JSON with dates and times as ISO 8601, encoded in one pass (json's C encoder calls
    `isoformat` only for them), since result pages are the API's hot path (bench/web.py)."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, separators=(",", ":"), default=_iso).encode()


def _iso(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    raise TypeError(f"cannot send {type(value).__name__} as JSON")


def reply(body: Any, status: int = 200) -> JSONResponse:
    return Reply(body, status_code=status)


MAX_JSON_DEPTH = 8  # the API's bodies are flat objects, one holding a list of names


def _depth(value: Any) -> int:
    """How deeply `value` nests (iteratively: the point is to refuse what recursion cannot hold)."""
    deepest, todo = 0, [(value, 1)]
    while todo:
        item, level = todo.pop()
        deepest = max(deepest, level)
        if level <= MAX_JSON_DEPTH and isinstance(item, dict | list):
            todo.extend((v, level + 1) for v in (item.values() if isinstance(item, dict) else item))
    return deepest


async def body(request: Request) -> dict[str, Any]:
    """The request's JSON object (its size capped by security.BodyCap); anything else is a
    UsageError saying why: not JSON, nested too deeply, or holding text that is not text (a lone
    surrogate such as \\ud800, which no database or mail can carry)."""
    raw = await request.body()
    try:
        value = json.loads(raw or b"null")
    except RecursionError:
        raise UsageError(f"the request body nests more than {MAX_JSON_DEPTH} levels deep") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"the request body is not JSON: {exc}") from None
    if not isinstance(value, dict):
        raise UsageError("the request body must be a JSON object")
    if _depth(value) > MAX_JSON_DEPTH:
        raise UsageError(f"the request body nests more than {MAX_JSON_DEPTH} levels deep")
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        bad = exc.object[exc.start : exc.end]
        raise UsageError(f"the request body holds a lone surrogate (\\u{ord(bad[0]):04x}), which is not text") from None
    return value


def field(data: dict[str, Any], name: str, required: bool = False) -> str | None:
    """A text field of a request body, as given; None when absent. An empty string is not an
    absent field: the description says each field, when given, holds something."""
    if name not in data:
        if required:
            raise UsageError(f"{name}: required")
        return None
    value = data[name]
    if value is None:
        raise UsageError(f"{name}: must be a string, not null (leave it out instead)")
    if value == "":
        raise UsageError(f"{name}: required" if required else f"{name}: must not be empty (leave it out instead)")
    if not isinstance(value, str):
        raise UsageError(f"{name}: must be a string")
    return value  # as given: monitor.validate checks it exactly as /openapi.json describes it


def pool(request: Request) -> Any:
    return request.app.state.pool


async def list_articles(request: Request) -> Response:
    search = params.search(request.query_params, default_limit=PAGE)
    async with pool(request).connection() as conn:
        found = await archive.find(conn, search)
    items = []
    for r in found.rows:
        item = {k: r[k] for k in LIST_FIELDS}
        item["snippet"] = plain(r["segments"])
        item["outlets"] = r["outlets"]
        items.append(item)
    nxt = None
    if found.more:
        nxt = str(request.url.include_query_params(offset=search.offset + search.limit, limit=search.limit))
    return reply({"articles": items, "limit": search.limit, "offset": search.offset, "next": nxt})


async def get_article(request: Request) -> Response:
    article_id = params.number(request.path_params["id"], "id", 0, 1, 2**63 - 1)
    async with pool(request).connection() as conn:
        row = await archive.article(conn, article_id)
    if row is None:
        raise NotFound(f"no article {article_id}")
    row["versions"] = evidence.api_versions(row["versions"])
    return reply(row)


async def list_keywords(request: Request) -> Response:
    async with pool(request).connection() as conn:
        return reply({"keywords": await keywords.list_all(conn)})


async def preview_keyword(request: Request) -> Response:
    query = params.text(request.query_params, "query")
    if query is None:
        raise UsageError("query: required")
    async with pool(request).connection() as conn:
        count, examples = await keywords.preview(conn, query)
    return reply({"query": query, "matched_30d": count, "examples": examples})


async def add_keyword(request: Request) -> Response:
    check_write(request, request.app.state.settings.web_token)
    data = await body(request)
    query = field(data, "query", required=True)
    assert query is not None
    keywords.checked(query)
    name = validate.keyword_name(field(data, "name"), query)
    async with pool(request).connection() as conn:
        count, _ = await keywords.preview(conn, query)
        row = await keywords.add(conn, name, query)
    return reply({"keyword": row, "matched_30d": count}, 201)


async def remove_keyword(request: Request) -> Response:
    """Refused with 409 (naming them) when it is some subscribers' only keyword; `?force=true`
    removes it all the same and makes them all-keyword subscribers (`now_all_keywords`, present when
    there were some)."""
    check_write(request, request.app.state.settings.web_token)
    name = request.path_params["name"]
    force = params.flag(request.query_params.get("force"), "force")
    async with pool(request).connection() as conn:
        try:
            widened = await keywords.remove(conn, name, force)
        except keywords.OnlyKeyword as exc:
            return reply({"error": str(exc), "subscribers": exc.emails}, 409)
        except UsageError as exc:
            raise NotFound(str(exc)) from None
    return reply({"removed": name, **({"now_all_keywords": widened} if widened else {})})


def source_view(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in HIDDEN_SOURCE_FIELDS}


async def list_sources(request: Request) -> Response:
    async with pool(request).connection() as conn:
        return reply({"sources": [source_view(r) for r in await sources.list_all(conn)]})


async def add_source(request: Request) -> Response:
    check_write(request, request.app.state.settings.web_token)
    data = await body(request)
    name = field(data, "name", required=True)
    url = field(data, "url", required=True)
    every = validate.interval(field(data, "every") or "15m", "every")
    kind = field(data, "kind")
    check = data.get("check", True)
    if not isinstance(check, bool):
        raise UsageError("check: must be true or false")
    name, url, kind_or_feed, every, lang = sources.checked(
        name or "", url or "", kind or "feed", every, field(data, "lang")
    )
    found = None
    async with pool(request).connection() as conn:
        if check:  # fetched once and judged before it is added (monitor.sources_check)
            verdict = await sources_check.check(conn, request.app.state.settings, name, url, kind)
            url, kind_or_feed, found = verdict.url, verdict.kind, verdict.found
        row = await sources.add(conn, name, url, kind_or_feed, every, lang)
    return reply({"source": source_view(row), "found": found}, 201)


async def remove_source(request: Request) -> Response:
    check_write(request, request.app.state.settings.web_token)
    name = request.path_params["name"]
    async with pool(request).connection() as conn:
        try:
            await sources.remove(conn, name)
        except UsageError as exc:
            raise NotFound(str(exc)) from None
    return reply({"removed": name})


async def switch_source(request: Request) -> Response:
    check_write(request, request.app.state.settings.web_token)
    name, action = request.path_params["name"], request.path_params["action"]
    if action not in ("enable", "disable"):
        raise NotFound(f"no action {action!r}: enable or disable")
    async with pool(request).connection() as conn:
        try:
            await sources.set_enabled(conn, name, action == "enable")
        except UsageError as exc:
            raise NotFound(str(exc)) from None
    return reply({"source": name, "enabled": action == "enable"})


async def list_subscribers(request: Request) -> Response:
    async with pool(request).connection() as conn:
        return reply({"subscribers": await subscribers.list_all(conn)})


async def add_subscriber(request: Request) -> Response:
    check_write(request, request.app.state.settings.web_token)
    data = await body(request)
    email = validate.email(field(data, "email", required=True) or "")
    names = data.get("keywords")
    if "keywords" in data and (not isinstance(names, list) or not all(isinstance(n, str) for n in names)):
        raise UsageError("keywords: must be a list of keyword names")
    at = validate.clock(field(data, "at") or "08:00")
    tz = validate.zone(field(data, "tz") or "Asia/Baku")
    changes, seed_copies = data.get("changes", False), data.get("seed_copies", False)
    for name, flag in (("changes", changes), ("seed_copies", seed_copies)):
        if not isinstance(flag, bool):
            raise UsageError(f"{name}: must be true or false")
    async with pool(request).connection() as conn:
        row = await subscribers.add(
            conn,
            email,
            names or None,
            at,
            tz,
            lang=field(data, "lang"),
            changes=changes,
            seed_copies=seed_copies,
            every=field(data, "every") or "daily",
            day=field(data, "day"),
        )
    return reply({"subscriber": row}, 201)


async def remove_subscriber(request: Request) -> Response:
    check_write(request, request.app.state.settings.web_token)
    email = request.path_params["email"]
    async with pool(request).connection() as conn:
        try:
            await subscribers.remove(conn, email)
        except UsageError as exc:
            raise NotFound(str(exc)) from None
    return reply({"removed": email})


async def list_digests(request: Request) -> Response:
    limit = params.number(request.query_params.get("limit"), "limit", 50, 1, params.MAX_LIMIT)
    offset = params.number(request.query_params.get("offset"), "offset", 0, 0, 1_000_000)
    async with pool(request).connection() as conn:
        rows = await digests.recent(conn, limit, offset)
    return reply({"digests": rows, "limit": limit, "offset": offset})


async def status(request: Request) -> Response:
    async with pool(request).connection() as conn:
        return reply(
            {
                "sources": [source_view(r) for r in await sources.list_all(conn)],
                "archive": await articles.totals(conn),
                "outbox": await digests.outbox_state(conn),
                "receiving_nothing": await subscribers.receiving_nothing(conn),
            }
        )


def by_path(routes: list[Route]) -> list[Route]:
    """One route per path, whatever its methods: Starlette answers a method no route of a path
    takes with 405 and an `Allow` header naming the methods of the first route only (GET, where
    POST was allowed too), which is not what /openapi.json says."""
    grouped: dict[str, list[Route]] = {}
    for route in routes:
        grouped.setdefault(route.path, []).append(route)
    merged = []
    for path, same in grouped.items():
        if len(same) == 1:
            merged.append(same[0])
            continue
        handlers = {m: r.endpoint for r in same for m in (r.methods or ())}

        async def dispatch(request: Request, handlers: dict[str, Any] = handlers) -> Response:
            return await handlers[request.method](request)  # type: ignore[no-any-return]

        merged.append(Route(path, dispatch, methods=sorted(handlers)))
    return merged


routes_by_method = [
    Route("/api/articles", list_articles, methods=["GET"]),
    Route("/api/articles/{id}", get_article, methods=["GET"]),
    Route("/api/keywords", list_keywords, methods=["GET"]),
    Route("/api/keywords", add_keyword, methods=["POST"]),
    Route("/api/keywords/preview", preview_keyword, methods=["GET"]),
    Route("/api/keywords/{name}", remove_keyword, methods=["DELETE"]),
    Route("/api/sources", list_sources, methods=["GET"]),
    Route("/api/sources", add_source, methods=["POST"]),
    Route("/api/sources/{name}", remove_source, methods=["DELETE"]),
    Route("/api/sources/{name}/{action}", switch_source, methods=["POST"]),
    Route("/api/subscribers", list_subscribers, methods=["GET"]),
    Route("/api/subscribers", add_subscriber, methods=["POST"]),
    Route("/api/subscribers/{email}", remove_subscriber, methods=["DELETE"]),
    Route("/api/digests", list_digests, methods=["GET"]),
    Route("/api/status", status, methods=["GET"]),
]
routes = by_path(routes_by_method)
