"""Rendering the pages: one Jinja2 environment, autoescaped everywhere, with the few filters the
templates need to show untrusted article data safely."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader
from starlette.requests import Request
from starlette.responses import HTMLResponse

from monitor.pipeline.canonical import is_web_url
from monitor.validate import interval_text
from monitor.web.security import signed_in


def web_link(url: Any) -> str | None:
    """The URL when it is http(s), else None: only such links are ever rendered."""
    return url.strip() if isinstance(url, str) and is_web_url(url) else None


def when(value: Any) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M %Z").strip()
    return "" if value is None else str(value)


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in (text or "").split("\n") if p.strip()]


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("monitor.web", "templates"),
        autoescape=True,  # every template, whatever its name: all article data is untrusted
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(web_link=web_link, when=when, paragraphs=paragraphs, every=interval_text, pair=lambda v: (v, v))
    return env


def render(request: Request, template: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    settings = request.app.state.settings
    page = (
        environment()
        .get_template(template)
        .render(
            request=request,
            path=request.url.path,
            token_set=settings.web_token is not None,
            can_write=signed_in(request, settings.web_token),
            **context,
        )
    )
    return HTMLResponse(page, status_code=status)
