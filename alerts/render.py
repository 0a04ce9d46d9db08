"""Rendering a digest with Jinja2: an HTML part for mail clients and a plain-text part."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, select_autoescape

from alerts.digest import Digest


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("alerts", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def subject(digest: Digest) -> str:
    n = len(digest.stories)
    return f"Newswatch digest {digest.local_date.isoformat()}: {n} {'story' if n == 1 else 'stories'}"


def render(digest: Digest) -> tuple[str, str, str]:
    """(subject, text, html)."""
    env = environment()
    context = {"digest": digest, "subject": subject(digest)}
    text = env.get_template("digest.txt").render(context)
    html = env.get_template("digest.html").render(context)
    return context["subject"], text, html
