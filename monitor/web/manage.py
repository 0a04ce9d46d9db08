"""The managing pages: keywords, sources, subscribers. Each is one URL: GET shows it, a form POST
with an `action` field changes something and shows the page again with what happened (or why not)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from monitor import opml, validate
from monitor.errors import UsageError
from monitor.store import keywords, sources, subscribers
from monitor.web import params
from monitor.web.render import render
from monitor.web.security import check_write

Action = Callable[[Any, FormData], Awaitable[str]]


async def handle(request: Request, actions: dict[str, Action]) -> tuple[str | None, str | None, FormData | None]:
    """Run the form's action: (notice, error, form). A usage error is shown on the page, not raised."""
    if request.method != "POST":
        return None, None, None
    check_write(request, request.app.state.settings.web_token)
    form = await request.form()
    action = actions.get(str(form.get("action", "")))
    try:
        if action is None:
            return None, f"unknown action {form.get('action')!r}", form
        async with request.app.state.pool.connection() as conn:
            return await action(conn, form), None, form
    except UsageError as exc:
        return None, str(exc), form
    finally:
        await form.close()  # uploads are spooled to temporary files


def value(form: FormData, name: str) -> str:
    v = form.get(name, "")
    return v.strip() if isinstance(v, str) else ""


# keywords


async def keyword_add(conn: Any, form: FormData) -> str:
    query = value(form, "query")
    name = value(form, "name") or query
    count, _ = await keywords.preview(conn, query)
    await keywords.add(conn, name, query)
    return f"added keyword {name!r}: it would have matched {count} article(s) of the last 30 days (by publication date)"


async def keyword_remove(conn: Any, form: FormData) -> str:
    name = value(form, "name")
    widened = await keywords.remove(conn, name, force=value(form, "force") == "yes")
    told = f"; it was the only keyword of {', '.join(widened)}: they now receive every keyword" if widened else ""
    return f"removed keyword {name!r}; matched articles stay in the archive{told}"


async def keyword_page(request: Request) -> Response:
    notice, error, form = await handle(request, {"add": keyword_add, "remove": keyword_remove})
    query = params.text(request.query_params, "query")
    preview = None
    refused = None  # a removal refused because it was someone's only keyword: offer to force it
    async with request.app.state.pool.connection() as conn:
        if error and form is not None and form.get("action") == "remove":
            row = await keywords.named(conn, value(form, "name"))
            if row is not None and await keywords.sole_keyword_of(conn, row["id"]):
                refused = row["name"]
        if query and request.method == "GET":
            try:
                count, examples = await keywords.preview(conn, query)
                preview = {"count": count, "examples": examples}
            except UsageError as exc:
                error = str(exc)
        rows = await keywords.list_all(conn)
    failed_add = error is not None and form is not None and form.get("action") == "add"
    return render(
        request,
        "keywords.html",
        {
            "keywords": rows,
            "notice": notice,
            "error": error,
            "preview": preview,
            "refused": refused,
            "query": query or (value(form, "query") if failed_add and form else ""),
            "name": params.text(request.query_params, "name") or (value(form, "name") if failed_add and form else ""),
        },
        status=400 if error else 200,
    )


# sources


async def source_add(conn: Any, form: FormData) -> str:
    every = validate.interval(value(form, "every") or "15m")
    kind = value(form, "kind") or "feed"
    lang = value(form, "lang").lower() or None  # a code typed in any case (RU is ru)
    row = await sources.add(conn, value(form, "name"), value(form, "url"), kind, every, lang)
    return f"added source {row['name']}, polled every {row['interval_s'] // 60} min"


async def source_switch(conn: Any, form: FormData) -> str:
    on = value(form, "action") == "enable"
    await sources.set_enabled(conn, value(form, "name"), on)
    return f"{'enabled' if on else 'disabled'} source {value(form, 'name')}"


async def source_remove(conn: Any, form: FormData) -> str:
    await sources.remove(conn, value(form, "name"))
    return f"removed source {value(form, 'name')}; its articles stay in the archive"


async def source_import(conn: Any, form: FormData) -> str:
    upload = form.get("file")
    if upload is None or isinstance(upload, str):
        raise UsageError("import: choose an OPML file")
    added, skipped = await opml.load(conn, await upload.read())
    return f"imported {added} source(s) from {upload.filename}; {skipped} already known or not feeds"


async def source_page(request: Request) -> Response:
    notice, error, _ = await handle(
        request,
        {
            "add": source_add,
            "enable": source_switch,
            "disable": source_switch,
            "remove": source_remove,
            "import": source_import,
        },
    )
    async with request.app.state.pool.connection() as conn:
        rows = await sources.list_all(conn)
    return render(
        request, "sources.html", {"sources": rows, "notice": notice, "error": error}, status=400 if error else 200
    )


async def source_export(request: Request) -> Response:
    async with request.app.state.pool.connection() as conn:
        rows = await sources.list_all(conn)
    return Response(
        opml.write(rows).encode(),
        media_type="text/x-opml; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="newswatch-sources.opml"'},
    )


# subscribers


async def subscriber_add(conn: Any, form: FormData) -> str:
    email = validate.email(value(form, "email"))
    names = [k.strip() for k in value(form, "keywords").split(",") if k.strip()] or None
    at = validate.clock(value(form, "at") or "08:00")
    tz = validate.zone(value(form, "tz") or "Asia/Baku")
    row = await subscribers.add(conn, email, names, at, tz, lang=value(form, "lang").lower() or None)
    headlines = f", headlines in {row['lang']}" if row["lang"] else ""
    keywords_told = ", ".join(names or ["all"])
    return f"subscribed {email}: daily at {at.strftime('%H:%M')} {tz}, keywords: {keywords_told}{headlines}"


async def subscriber_remove(conn: Any, form: FormData) -> str:
    await subscribers.remove(conn, value(form, "email"))
    return f"removed subscriber {value(form, 'email')}"


async def subscriber_page(request: Request) -> Response:
    notice, error, _ = await handle(request, {"add": subscriber_add, "remove": subscriber_remove})
    async with request.app.state.pool.connection() as conn:
        rows = await subscribers.list_all(conn)
        names = [k["name"] for k in await keywords.list_all(conn)]
    return render(
        request,
        "subscribers.html",
        {"subscribers": rows, "keyword_names": names, "notice": notice, "error": error},
        status=400 if error else 200,
    )


routes = [
    Route("/keywords", keyword_page, methods=["GET", "POST"]),
    Route("/sources", source_page, methods=["GET", "POST"]),
    Route("/sources/export.opml", source_export, methods=["GET"]),
    Route("/subscribers", subscriber_page, methods=["GET", "POST"]),
]
