"""Seeds in the web: `GET /api/seeds`, `GET /api/seeds/{id}` (the seed and its `copies`, the
republication record of monitor.record), the page `/seeds` (the list; adding from a URL or a file
and removing, for who may write) and `/seeds/{id}` (the record as a timeline), with each copy's
word diff a page of its own, `/seeds/{id}/copies/{article_id}` (the pages run no script)."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from monitor import record
from monitor import seeds as watch
from monitor.errors import UsageError
from monitor.evidence import diff
from monitor.seed_draft import from_bytes
from monitor.store import seeds
from monitor.web import params
from monitor.web.api import reply
from monitor.web.errors import NotFound
from monitor.web.manage import Confirm, confirmed
from monitor.web.render import render
from monitor.web.security import check_write

LIST_FIELDS = ("id", "title", "outlet", "published_at", "lang", "url", "copies")


def seed_id(request: Request, name: str = "id") -> int:
    return params.number(request.path_params[name], name, 0, 1, 2**63 - 1)


async def _record(request: Request) -> tuple[dict[str, Any], list[dict[str, Any]], list[record.Copy]]:
    """The seed, its copies as stored and as the record shows them."""
    sid = seed_id(request)
    async with request.app.state.pool.connection() as conn:
        seed = await seeds.get(conn, sid)
        if seed is None:
            raise NotFound(f"no seed {sid}")
        rows = await seeds.copies(conn, sid)
    return seed, rows, record.record(seed, rows)


async def list_seeds(request: Request) -> Response:
    async with request.app.state.pool.connection() as conn:
        rows = await seeds.listing(conn)
    return reply({"seeds": [{k: r[k] for k in LIST_FIELDS} for r in rows]})


async def get_seed(request: Request) -> Response:
    seed, _, copies = await _record(request)
    return reply({**{k: seed[k] for k in LIST_FIELDS}, "copies": [c.row() for c in copies]})


def _field(form: Any, name: str) -> str | None:
    value = form.get(name)
    return value.strip() or None if isinstance(value, str) else None


async def _add(request: Request, form: Any) -> str:
    options = watch.Options(
        title=_field(form, "title"),
        outlet=_field(form, "outlet"),
        published=params.moment(_field(form, "published") or "", "published"),
        lang=_field(form, "lang"),
    ).checked()
    pool, settings = request.app.state.pool, request.app.state.settings
    upload, url = form.get("file"), _field(form, "url")
    if isinstance(upload, UploadFile) and upload.filename:
        draft = from_bytes(upload.filename, await upload.read(), options)
        added = await watch.add(pool, settings, draft)
    elif url:
        if "://" not in url:  # a path on this server's disk is no web page
            raise UsageError(f"url: not an http(s) URL: {url!r}")
        added = await watch.add_from(pool, settings, url, options)
    else:
        raise UsageError("seeds: give the page's URL or choose a file")
    return f"added seed {added.id}: {added.copies} stored article(s) already reproduce it"


async def _ask_removal(conn: Any, seed_id: int) -> Confirm:
    seed = await seeds.get(conn, seed_id)
    if seed is None:
        raise UsageError(f"seeds: no seed {seed_id} (see `newswatch seeds list`)")
    return Confirm(
        f"Remove the seed {seed['title']!r}?",
        f"Its {seed['copies']} copies become ordinary articles again: no longer held back as republications of"
        " something already read.",
        f"Remove seed {seed_id}",
        {"action": "remove", "id": str(seed_id)},
        "/seeds",
    )


async def seeds_page(request: Request) -> Response:
    notice = error = None
    if request.method == "POST":
        check_write(request, request.app.state.settings.web_token)
        async with request.form() as form:
            try:
                if form.get("action") == "remove":
                    sid = params.number(_field(form, "id"), "id", 0, 1, 2**63 - 1)
                    async with request.app.state.pool.connection() as conn:
                        if not confirmed(form):  # asked first, as every removal of the web is
                            return render(request, "confirm.html", {"ask": await _ask_removal(conn, sid)})
                        freed = await seeds.remove(conn, sid)
                    notice = f"removed seed {sid}; its {len(freed)} copies are ordinary articles again"
                elif form.get("action") == "add":
                    notice = await _add(request, form)
                else:
                    error = f"unknown action {form.get('action')!r}"
            except UsageError as exc:
                error = str(exc)
    async with request.app.state.pool.connection() as conn:
        rows = await seeds.listing(conn)
    return render(request, "seeds.html", {"seeds": rows, "notice": notice, "error": error}, 400 if error else 200)


async def seed_page(request: Request) -> Response:
    seed, _, copies = await _record(request)
    return render(request, "seed.html", {"seed": seed, "copies": copies, "delay": record.delay_text})


async def copy_page(request: Request) -> Response:
    seed, rows, copies = await _record(request)
    wanted = seed_id(request, "article_id")
    found = next((c for c in copies if c.article_id == wanted), None)
    if found is None:
        raise NotFound(f"article {wanted} is no copy of seed {seed['id']}")
    text = next(r["text"] for r in rows if r["id"] == wanted)
    ops = diff.trimmed(diff.segments(seed["text"], diff.diff(seed["text"], text)))
    return render(request, "seed_copy.html", {"seed": seed, "c": found, "ops": ops, "delay": record.delay_text})


routes = [
    Route("/api/seeds", list_seeds, methods=["GET"]),
    Route("/api/seeds/{id}", get_seed, methods=["GET"]),
    Route("/seeds", seeds_page, methods=["GET", "POST"]),
    Route("/seeds/{id}", seed_page, methods=["GET"]),
    Route("/seeds/{id}/copies/{article_id}", copy_page, methods=["GET"]),
]
