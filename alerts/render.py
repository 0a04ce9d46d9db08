"""Rendering a digest with Jinja2: an HTML part built for mail clients (CSS inlined with css-inline,
see alerts.inline) and a plain-text part for terminals.

Autoescape is on for HTML. A user's templates (NEWSWATCH_TEMPLATES, a folder whose digest.html /
digest.txt replace the built-in ones) run in Jinja's SandboxedEnvironment, so a template cannot
reach Python internals.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, TemplateError, select_autoescape
from jinja2.sandbox import SandboxedEnvironment

from alerts.digest import Digest
from alerts.inline import BUILT_IN, INLINER, InlinedLoader, inlined_at_load
from monitor.errors import NewswatchError
from monitor.query.snippet import plain


def wrap(text: str, width: int = 70, indent: str = "") -> str:
    """`text` in lines of at most `width` characters (a longer word gets a line of its own), every
    line after the first starting with `indent`: for the plain-text part. Jinja's wordwrap (textwrap)
    took half the time of rendering a digest; this finds each line's last space with str.rfind."""
    if not text.isprintable() or "  " in text or text[:1] == " " or text[-1:] == " ":
        # single-spaced: any other whitespace is unprintable (a snippet already is; splitting costs)
        text = " ".join(text.split())
    lines: list[str] = []
    start, end = 0, len(text)
    while end - start > width:
        cut = text.rfind(" ", start, start + width + 1)  # the longest run that fits, then a space
        if cut < 0:  # a longer word: alone on its line
            cut = text.find(" ", start)
            if cut < 0:
                break
        lines.append(text[start:cut])
        start = cut + 1
    if start < end:
        lines.append(text[start:])
    return ("\n" + indent).join(lines)


@cache
def environment(user_folder: str | None = None) -> Environment:
    """The built-in templates alone run in a plain environment (the sandbox's checks on every
    attribute cost a third of the rendering time); with a user's folder, everything is sandboxed."""
    if user_folder and Path(user_folder).resolve() == BUILT_IN.resolve():
        user_folder = None  # the built-in folder itself: the built-in templates, inlined at load
    loaders = [FileSystemLoader(user_folder)] if user_folder else []
    kind = SandboxedEnvironment if user_folder else Environment
    env = kind(
        loader=ChoiceLoader([*loaders, InlinedLoader()]),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(wrap=wrap, plain=plain)
    return env


SUBJECT_HEADLINES = 2  # the top stories a subject names
SUBJECT_HEADLINE_CHARS = 60


def heading(digest: Digest) -> str:
    """The digest's title inside the message: the day and the number of stories."""
    n = len(digest.stories)
    day = digest.local_date.strftime("%a %-d %b %Y")
    changed = f"{len(digest.changes)} changed since you were told" if digest.changes else ""
    copies = len(digest.seed_copy_ids)
    if copies:
        told = f"{copies} republication{'s' if copies != 1 else ''} of your seeds"
        changed = f"{changed}, {told}" if changed else told
    if n == 0:
        return f"Newswatch digest, {day}: {changed or 'nothing new'}"
    return f"Newswatch digest, {day}: {n} {'story' if n == 1 else 'stories'}" + (f", {changed}" if changed else "")


def subject(digest: Digest) -> str:
    """The heading and the top stories by headline, so the inbox line is the briefing's first
    line: "Newswatch digest, Wed 7 Feb 2024: 3 stories: Snap election called; Observers arrive in
    Baku; and 1 more"."""
    n = len(digest.stories)
    if n == 0:
        return heading(digest)

    def short(title: str) -> str:
        title = " ".join(title.split())
        if len(title) <= SUBJECT_HEADLINE_CHARS:
            return title
        return title[:SUBJECT_HEADLINE_CHARS].rsplit(" ", 1)[0].rstrip(",.;:") + "…"

    in_order = [story for section in digest.sections for story in section.stories]  # as the reader meets them
    named = [short(s.title) for s in in_order[:SUBJECT_HEADLINES]]
    more = f"; and {n - len(named)} more" if n > len(named) else ""
    return f"{heading(digest)}: {'; '.join(named)}{more}"


def render(digest: Digest, user_folder: str | None = None) -> tuple[str, str, str]:
    """(subject, text, html) of the digest."""
    env = environment(user_folder)
    title = subject(digest)
    context = {"digest": digest, "subject": title, "heading": heading(digest)}
    try:
        text = env.get_template("digest.txt").render(context)
        template = env.get_template("digest.html")
        html = template.render(context)
        if not inlined_at_load(template.filename):  # a user's template: its selectors may depend on
            html = INLINER.inline(html)  # what Jinja repeated, so its output is inlined as it is
    except TemplateError as exc:  # a user's template: say which setting to look at
        where = f" (NEWSWATCH_TEMPLATES={user_folder})" if user_folder else ""
        raise NewswatchError(f"digest template{where}: {type(exc).__name__}: {exc}") from exc
    return title, text, html
