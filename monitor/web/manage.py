"""The managing pages: keywords, sources, subscribers. Each is one URL: GET shows it, a form POST
with an `action` field changes something and shows the page again with what happened, or with
what was typed and the reason beside the field it concerns (monitor.web.forms). A removal asks
first, on a page of its own (no script needed); a write by someone not signed in goes to the
sign-in page, which keeps what they typed and brings them back."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from monitor import opml, sources_check, validate
from monitor.errors import UsageError
from monitor.query import parse
from monitor.query.snippet import snippet
from monitor.store import keywords, sources, subscribers
from monitor.validate import interval_text
from monitor.web import choices, feeds, params
from monitor.web.forms import Problem, Typed, problem
from monitor.web.render import render
from monitor.web.security import Refused, check_write

Action = Callable[[Any, FormData], Awaitable[str]]


class Confirm(Exception):  # noqa: N818 (not an error: a question to ask first)
    """Raised by an action that must be confirmed: the page asking it, whose button sends the same
    form again with `confirm=yes`."""

    def __init__(self, question: str, detail: str, button: str, fields: dict[str, str], back: str):
        super().__init__(question)
        self.question, self.detail, self.button, self.fields, self.back = question, detail, button, fields, back


@dataclass
class Outcome:
    notice: str | None = None
    problem: Problem | None = None
    typed: Typed = field(default_factory=Typed)
    action: str | None = None
    page: Response | None = None  # shown instead of the page: a confirmation, or the sign-in

    @property
    def errors(self) -> dict[str, str]:
        p = self.problem
        return {p.field: p.reason} if p and p.field else {}


async def handle(request: Request, actions: dict[str, Action], fields: dict[str, str] | None = None) -> Outcome:
    """Run the form's action. A refused value is kept as the outcome's problem, phrased for the
    page (`fields`: the input that an action's unnamed errors concern)."""
    if request.method != "POST":
        return Outcome(typed=Typed.of(request.query_params))
    form = await request.form()
    try:
        typed = Typed.of(form)
        action_name = typed.get("action")
        try:
            check_write(request, request.app.state.settings.web_token)
        except Refused as exc:
            if exc.status != 401:
                raise
            return Outcome(typed=typed, action=action_name, page=sign_in(request, typed, str(exc)))
        action = actions.get(action_name)
        if action is None:
            return Outcome(problem=Problem(f"unknown action {action_name!r}"), typed=typed)
        try:
            async with request.app.state.pool.connection() as conn:
                notice = await action(conn, form)
            return Outcome(notice=notice, action=action_name)
        except Confirm as ask:
            page = render(request, "confirm.html", {"ask": ask})
            return Outcome(typed=typed, action=action_name, page=page)
        except UsageError as exc:
            return Outcome(problem=problem(exc, (fields or {}).get(action_name)), typed=typed, action=action_name)
    finally:
        await form.close()  # uploads are spooled to temporary files


def sign_in(request: Request, typed: Typed, reason: str) -> Response:
    """The sign-in page for a write that needs it, carrying what was typed (never a file, never a
    token) back to the page it came from."""
    kept = {k: v for k, v in typed.values.items() if k not in ("token", "confirm")}
    return render(request, "login.html", {"next": request.url.path, "kept": kept, "reason": reason}, status=401)


def value(form: FormData, name: str) -> str:
    v = form.get(name, "")
    return v.strip() if isinstance(v, str) else ""


def confirmed(form: FormData) -> bool:
    return value(form, "confirm") == "yes"


def editing_again(request: Request, outcome: Outcome) -> bool:
    """Whether the page shows an edit form again: the edit was refused, or it comes back from the
    sign-in with what was typed."""
    if request.method == "GET":
        return outcome.typed.get("action") == "edit"
    return outcome.problem is not None and outcome.action == "edit"


def page(request: Request, template: str, outcome: Outcome, context: dict[str, Any]) -> Response:
    if outcome.page is not None:
        return outcome.page
    return render(
        request,
        template,
        {
            "notice": outcome.notice,
            "error": outcome.problem.message if outcome.problem else None,
            "errors": outcome.errors,
            "choices": outcome.problem.choices if outcome.problem else None,
            "typed": outcome.typed if outcome.problem or request.method == "GET" else Typed(),
            "failed": outcome.action if outcome.problem else None,
            **context,
        },
        status=400 if outcome.problem else 200,
    )


# keywords


async def keyword_add(conn: Any, form: FormData) -> str:
    query = value(form, "query")
    keywords.checked(query)
    name = validate.keyword_name(value(form, "name") or None, query)
    count, _ = await keywords.preview(conn, query)
    await keywords.add(conn, name, query)
    return f"added keyword {name!r}: it would have matched {count} article(s) of the last 30 days (by publication date)"


async def keyword_edit(conn: Any, form: FormData) -> str:
    name, query = value(form, "name"), value(form, "query")
    await keywords.edit(conn, name, query)
    count, _ = await keywords.preview(conn, query)
    return f"changed keyword {name!r}: it would have matched {count} article(s) published in the last 30 days"


async def keyword_remove(conn: Any, form: FormData) -> str:
    name = value(form, "name")
    if not confirmed(form):
        await keywords.get(conn, name)  # an unknown one is said at once, not after a confirmation
        raise Confirm(
            f"Remove the keyword {name!r}?",
            "It stops being watched and leaves the digests; the articles it matched stay in the archive.",
            f"Remove {name}",
            {"action": "remove", "name": name},
            "/keywords",
        )
    widened = await keywords.remove(conn, name, force=value(form, "force") == "yes")
    told = f"; it was the only keyword of {', '.join(widened)}: they now receive every keyword" if widened else ""
    return f"removed keyword {name!r}; matched articles stay in the archive{told}"


async def keyword_page(request: Request) -> Response:
    outcome = await handle(
        request,
        {"add": keyword_add, "edit": keyword_edit, "remove": keyword_remove},
        {"add": "query", "edit": "query", "remove": "name"},
    )
    query = params.text(request.query_params, "query") if request.method == "GET" else None
    editing = params.text(request.query_params, "edit") if request.method == "GET" else None
    if editing_again(request, outcome):
        editing = outcome.typed.get("name")
    preview = None
    refused = None  # a removal refused because it was someone's only keyword: offer to force it
    async with request.app.state.pool.connection() as conn:
        if outcome.problem and outcome.action == "remove":
            row = await keywords.named(conn, outcome.typed.get("name"))
            if row is not None and await keywords.sole_keyword_of(conn, row["id"]):
                refused = row["name"]
        if query:
            try:
                preview = await keyword_preview(conn, query)
            except UsageError as exc:
                outcome.problem = problem(exc, "query")
        rows = await keywords.list_all(conn)
        keys = await feeds.feed_keys(conn, request.app.state.settings, [k["name"] for k in rows])
    edited = next((k for k in rows if k["name"] == editing), None)
    return page(
        request,
        "keywords.html",
        outcome,
        {"keywords": rows, "preview": preview, "edited": edited, "refused": refused, "feed_keys": keys},
    )


PREVIEW_EXAMPLES = 10


async def keyword_preview(conn: Any, query: str) -> dict[str, Any]:
    """What a query would have matched in the last 30 days: the count, the newest examples with
    their snippets, and the search that shows them all."""
    tree = parse(query)
    count, examples = await keywords.preview(conn, query, examples=PREVIEW_EXAMPLES)
    for e in examples:
        e["segments"] = snippet(e.get("text") or "", tree)
    return {"query": query, "count": count, "examples": examples}


# sources


async def source_add(conn: Any, form: FormData, settings: Any = None) -> str:
    """Add a source once its URL is fetched and judged (monitor.sources_check), unless the form
    says to skip that; a page of several feeds asks which (sources_check.Choose)."""
    kind = value(form, "kind") or None
    name, url, kind_or_feed, every, lang = sources.checked(
        value(form, "name"), value(form, "url"), kind or "feed", value(form, "every") or "15m", value(form, "lang")
    )
    found = "not checked"
    if settings is not None and value(form, "nocheck") != "1":
        verdict = await sources_check.check(conn, settings, name, url, kind)
        url, kind_or_feed, found = verdict.url, verdict.kind, verdict.found
    row = await sources.add(conn, name, url, kind_or_feed, every, lang)
    return f"added source {row['name']} ({row['url']}): {found}; polled every {interval_text(row['interval_s'])}"


async def source_switch(conn: Any, form: FormData) -> str:
    on = value(form, "action") == "enable"
    await sources.set_enabled(conn, value(form, "name"), on)
    return f"{'enabled' if on else 'disabled'} source {value(form, 'name')}"


async def source_remove(conn: Any, form: FormData) -> str:
    name = value(form, "name")
    if not confirmed(form):
        await sources.get(conn, name)
        raise Confirm(
            f"Remove the source {name!r}?",
            "It is no longer polled and leaves this list; its articles stay in the archive. "
            "To stop polling it for a while, disable it instead.",
            f"Remove {name}",
            {"action": "remove", "name": name},
            "/sources",
        )
    await sources.remove(conn, name)
    return f"removed source {name}; its articles stay in the archive"


async def source_import(conn: Any, form: FormData, settings: Any = None) -> str:
    upload = form.get("file")
    if upload is None or isinstance(upload, str) or not upload.filename:
        raise validate.Invalid("file", "choose an OPML file to import")
    check = settings if value(form, "nocheck") != "1" else None
    added, skipped = await opml.load(conn, await upload.read(), check)
    return f"imported {added} source(s) from {upload.filename}; {skipped} already known or not feeds"


async def source_page(request: Request) -> Response:
    outcome = await handle(
        request,
        {
            "add": partial(source_add, settings=request.app.state.settings),
            "enable": source_switch,
            "disable": source_switch,
            "remove": source_remove,
            "import": partial(source_import, settings=request.app.state.settings),
        },
        {"add": "url", "import": "file"},
    )
    async with request.app.state.pool.connection() as conn:
        rows = await sources.list_all(conn)
    for r in rows:
        r["state"] = sources.state(r)
    # what needs a look comes first: failing sources, the longest failing first
    rows.sort(key=lambda r: (r["state"] != "failing", -r["consecutive_failures"], r["name"].lower()))
    counts = {state: sum(r["state"] == state for r in rows) for state in ("failing", "new", "disabled")}
    shown = params.text(request.query_params, "state") or ""
    if shown not in counts:
        shown = ""
    return page(
        request,
        "sources.html",
        outcome,
        {
            "sources": [r for r in rows if r["state"] == shown] if shown else rows,
            "failing": counts["failing"],
            "counts": {"all": len(rows), **counts},
            "shown_state": shown,
            "kinds": [("", "Detect: a feed, a sitemap, or a page that declares its feed"), *choices.KINDS],
            "kind_names": dict(choices.KINDS),
            "languages": choices.languages(),
        },
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


def _subscriber_fields(form: FormData) -> dict[str, Any]:
    names = [k.strip() for k in value(form, "keywords").split(",") if k.strip()] or None
    return {
        "email": validate.email(value(form, "email")),
        "keywords": names,
        "send_at": validate.clock(value(form, "at") or "08:00"),
        "tz": validate.zone(value(form, "tz") or "Asia/Baku"),
        "send_empty": value(form, "empty") in ("1", "on", "yes"),
        "lang": validate.optional_language(value(form, "lang").lower()),  # as a person types it: RU is ru
        "every": value(form, "every") or "daily",
        # the day picker is always posted; it means something for a weekly digest only
        "day": (value(form, "day") or None) if value(form, "every") == "weekly" else None,
    }


def _told(row: dict[str, Any], names: list[str] | None) -> str:
    headlines = f", headlines in {row['lang']}" if row["lang"] else ""
    empty = ", also on empty days" if row["send_empty"] else ""
    return f"{subscribers.schedule(row)}, keywords: {', '.join(names or ['all'])}{empty}{headlines}"


async def subscriber_add(conn: Any, form: FormData) -> str:
    f = _subscriber_fields(form)
    row = await subscribers.add(
        conn,
        f["email"],
        f["keywords"],
        f["send_at"],
        f["tz"],
        f["send_empty"],
        f["lang"],
        every=f["every"],
        day=f["day"],
    )
    return f"subscribed {f['email']}: {_told(row, f['keywords'])}"


async def subscriber_edit(conn: Any, form: FormData) -> str:
    f = _subscriber_fields(form)
    row = await subscribers.update(
        conn, f["email"], f["keywords"], f["send_at"], f["tz"], f["send_empty"], f["lang"], f["every"], f["day"]
    )
    return f"changed {f['email']}: {_told(row, f['keywords'])}"


async def subscriber_remove(conn: Any, form: FormData) -> str:
    email = value(form, "email")
    if not confirmed(form):
        await subscribers.get(conn, email)
        raise Confirm(
            f"Remove the subscriber {email}?",
            "They receive no more digests; what was sent to them stays in the digest log.",
            f"Remove {email}",
            {"action": "remove", "email": email},
            "/subscribers",
        )
    await subscribers.remove(conn, email)
    return f"removed subscriber {email}"


async def subscriber_page(request: Request) -> Response:
    outcome = await handle(
        request,
        {"add": subscriber_add, "edit": subscriber_edit, "remove": subscriber_remove},
        {"add": "email", "edit": "email", "remove": "email"},
    )
    editing = params.text(request.query_params, "edit") if request.method == "GET" else None
    if editing_again(request, outcome):
        editing = outcome.typed.get("email")
    async with request.app.state.pool.connection() as conn:
        rows = await subscribers.list_all(conn)
        names = [k["name"] for k in await keywords.list_all(conn)]
    edited = next((s for s in rows if s["email"] == editing), None)
    return page(
        request,
        "subscribers.html",
        outcome,
        {
            "subscribers": rows,
            "keyword_names": names,
            "edited": edited,
            "zones": [(z, z) for z in choices.zones()],
            "languages": choices.languages(),
            "language_names": dict(choices.languages()),
            "how_often": [
                ("asap", "As soon as something is new"),
                ("hourly", "Hourly"),
                ("daily", "Daily"),
                ("weekly", "Weekly"),
            ],
            "days": [(name, name.capitalize()) for name in subscribers.DAYS],
            "schedule": subscribers.schedule,
        },
    )


routes = [
    Route("/keywords", keyword_page, methods=["GET", "POST"]),
    Route("/sources", source_page, methods=["GET", "POST"]),
    Route("/sources/export.opml", source_export, methods=["GET"]),
    Route("/subscribers", subscriber_page, methods=["GET", "POST"]),
]
