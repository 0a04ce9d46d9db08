"""Stories for readers: `GET /api/stories` (a page of stories, newest first), `GET /api/stories/{id}`
(one story with its timeline) and the page `/stories/{id}`. What they show is read by
monitor.store.story_reads: each story credited to its first publisher."""

from __future__ import annotations

from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from monitor import validate as check
from monitor.store import story_reads
from monitor.web import params
from monitor.web.api import reply
from monitor.web.errors import NotFound
from monitor.web.render import render

PAGE = 20  # stories per page unless `limit` says otherwise


def filters(query: QueryParams) -> story_reads.Filters:
    """since, until, keyword, lang, limit, offset; one more than `limit`, to know whether a next
    page exists."""
    lang = params.text(query, "lang")
    return story_reads.Filters(
        since=params.moment(query.get("since", ""), "since"),
        until=params.moment(query.get("until", ""), "until"),
        keyword=params.text(query, "keyword"),
        lang=check.language(lang, "lang") if lang else None,
        limit=params.number(query.get("limit"), "limit", PAGE, 1, params.MAX_LIMIT) + 1,
        offset=params.number(query.get("offset"), "offset", 0, 0, 1_000_000),
    )


async def list_stories(request: Request) -> Response:
    f = filters(request.query_params)
    limit = f.limit - 1
    async with request.app.state.pool.connection() as conn:
        rows = await story_reads.listing(conn, f)
    nxt = None
    if len(rows) > limit:
        nxt = str(request.url.include_query_params(offset=f.offset + limit, limit=limit))
    return reply({"stories": rows[:limit], "limit": limit, "offset": f.offset, "next": nxt})


def story_id(request: Request) -> int:
    return params.number(request.path_params["id"], "id", 0, 1, 2**63 - 1)


async def get_story(request: Request) -> Response:
    sid = story_id(request)
    async with request.app.state.pool.connection() as conn:
        row = await story_reads.story(conn, sid)
    if row is None:
        raise NotFound(f"no story {sid}")
    return reply(row)


async def story_page(request: Request) -> Response:
    sid = story_id(request)
    async with request.app.state.pool.connection() as conn:
        row = await story_reads.story(conn, sid)
    if row is None:
        raise NotFound(f"no story {sid}")
    return render(request, "story.html", {"s": row})


routes = [
    Route("/api/stories", list_stories, methods=["GET"]),
    Route("/api/stories/{id}", get_story, methods=["GET"]),
    Route("/stories/{id}", story_page, methods=["GET"]),
]
