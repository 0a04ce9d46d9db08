"""Rendering a digest with Jinja2: an HTML part built for mail clients (CSS inlined with css-inline)
and a plain-text part for terminals.

Templates run in Jinja's SandboxedEnvironment with autoescape on for HTML, the built-in ones as well
as a user's (NEWSWATCH_TEMPLATES, a folder whose digest.html / digest.txt replace the built-in ones):
one way to render, and a user template cannot reach Python internals.
"""

from __future__ import annotations

from functools import cache

import css_inline
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, TemplateError, select_autoescape
from jinja2.sandbox import SandboxedEnvironment

from alerts.digest import Digest
from monitor.errors import NewswatchError

# Mail clients drop <style> blocks (Gmail in some views, many webmail): every rule is moved into
# style="" attributes. @media rules cannot be inlined and stay in <style> for the clients that read it.
# Nothing is fetched: a user template's <link rel=stylesheet> must not make us (or the reader) go online.
_INLINER = css_inline.CSSInliner(keep_at_rules=True, load_remote_stylesheets=False)


@cache
def environment(user_folder: str | None = None) -> SandboxedEnvironment:
    loaders = [FileSystemLoader(user_folder)] if user_folder else []
    return SandboxedEnvironment(
        loader=ChoiceLoader([*loaders, PackageLoader("alerts", "templates")]),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def subject(digest: Digest) -> str:
    n = len(digest.stories)
    day = digest.local_date.strftime("%a %-d %b %Y")
    if n == 0:
        return f"Newswatch digest, {day}: nothing new"
    return f"Newswatch digest, {day}: {n} {'story' if n == 1 else 'stories'}"


def render(digest: Digest, user_folder: str | None = None) -> tuple[str, str, str]:
    """(subject, text, html) of the digest."""
    env = environment(user_folder)
    title = subject(digest)
    context = {"digest": digest, "subject": title}
    try:
        text = env.get_template("digest.txt").render(context)
        html = _INLINER.inline(env.get_template("digest.html").render(context))
    except TemplateError as exc:  # a user's template: say which setting to look at
        where = f" (NEWSWATCH_TEMPLATES={user_folder})" if user_folder else ""
        raise NewswatchError(f"digest template{where}: {type(exc).__name__}: {exc}") from exc
    return title, text, html
