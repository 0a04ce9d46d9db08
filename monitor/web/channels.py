"""Channels in the web: the page /channels (list, add, remove; URLs masked) and the API
`GET /api/channels`, `POST /api/channels`, `DELETE /api/channels/{name}`. A channel's URL holds
secrets: it goes in, and only its mask (alerts.channels.mask) ever comes out."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from alerts.channels import checked_url, mask
from monitor.errors import UsageError
from monitor.store import channels
from monitor.web.api import body, field, reply
from monitor.web.errors import NotFound
from monitor.web.manage import Confirm, confirmed, handle, page, value
from monitor.web.security import check_write


def shown(row: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in row.items() if k not in ("url", "all_keywords")}
    out["url"] = mask(row["url"])
    return out


def _names(text: str) -> list[str] | None:
    return [k.strip() for k in text.split(",") if k.strip()] or None


async def channel_add(conn: Any, form: FormData) -> str:
    url = checked_url(value(form, "url"))
    yes = ("1", "on", "yes")
    row = await channels.add(
        conn,
        value(form, "name"),
        url,
        _names(value(form, "keywords")),
        value(form, "every") or "asap",
        value(form, "updates") in yes,
        value(form, "alerts") in yes,
    )
    return f"added channel {row['name']} ({mask(url)})"


async def channel_remove(conn: Any, form: FormData) -> str:
    name = value(form, "name")
    if not confirmed(form):
        raise Confirm(
            f"Remove the channel {name}?",
            "It receives no more messages; the record of what it was sent goes with it.",
            f"Remove {name}",
            {"action": "remove", "name": name},
            "/channels",
        )
    await channels.remove(conn, name)
    return f"removed channel {name}"


async def channel_page(request: Request) -> Response:
    outcome = await handle(request, {"add": channel_add, "remove": channel_remove}, {"add": "url", "remove": "name"})
    async with request.app.state.pool.connection() as conn:
        rows = [shown(r) for r in await channels.list_all(conn)]
        failing = await channels.failures(conn)
    return page(request, "channels.html", outcome, {"channels": rows, "failing": failing, "every": channels.EVERY})


async def list_channels(request: Request) -> Response:
    async with request.app.state.pool.connection() as conn:
        return reply({"channels": [shown(r) for r in await channels.list_all(conn)]})


async def add_channel(request: Request) -> Response:
    check_write(request, request.app.state.settings.web_token)
    data = await body(request)
    names = data.get("keywords")
    if "keywords" in data and (not isinstance(names, list) or not all(isinstance(n, str) for n in names)):
        raise UsageError("keywords: must be a list of keyword names")
    flags = {k: data.get(k, False) for k in ("updates", "alerts")}
    for k, flag in flags.items():
        if not isinstance(flag, bool):
            raise UsageError(f"{k}: must be true or false")
    url = checked_url(field(data, "url", required=True) or "")
    async with request.app.state.pool.connection() as conn:
        row = await channels.add(
            conn, field(data, "name", required=True) or "", url, names or None, field(data, "every") or "asap", **flags
        )
    return reply({"channel": shown(row)}, 201)


async def remove_channel(request: Request) -> Response:
    """As the other removals of the API: `{"removed": name}`, or 404 for a channel that is not there."""
    check_write(request, request.app.state.settings.web_token)
    name = request.path_params["name"]
    async with request.app.state.pool.connection() as conn:
        try:
            await channels.remove(conn, name)
        except UsageError as exc:
            raise NotFound(str(exc)) from None
    return reply({"removed": name})


routes = [
    Route("/channels", channel_page, methods=["GET", "POST"]),
    Route("/api/channels", list_channels, methods=["GET"]),
    Route("/api/channels", add_channel, methods=["POST"]),
    Route("/api/channels/{name}", remove_channel, methods=["DELETE"]),
]
