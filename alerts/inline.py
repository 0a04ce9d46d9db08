"""CSS inlined into the digest's HTML with css-inline: into a built-in template's source once, when
it is loaded, so a message needs none; into each rendered message from a user's template.

Mail clients drop <style> blocks (Gmail in some views, many webmail): every rule is moved into
style="" attributes. @media rules cannot be inlined and stay in <style> for the clients that read it.
Nothing is fetched: a user template's <link rel=stylesheet> must not make us (or the reader) go online.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import css_inline
from jinja2 import Environment, FileSystemLoader

INLINER = css_inline.CSSInliner(keep_at_rules=True, load_remote_stylesheets=False)

BUILT_IN = Path(__file__).parent / "templates"

_JINJA = re.compile(r"\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}", re.S)
_HIDDEN = re.compile(r"<!--\ue000(\d+)-->|\ue000(\d+)\ue001")


def inline_template(source: str) -> str:
    """A Jinja HTML template with its <style> rules inlined, as INLINER would inline what it renders.

    The HTML parser must not see the Jinja tags: each is hidden behind a marker while the CSS is
    inlined, then put back as it was. A statement ({% %}) becomes a comment, since it may stand
    between table rows, where the parser would move text out of the table; an expression ({{ }})
    becomes two private-use characters around its number, since it stands in text, an attribute
    or a <title>, where a comment would not be one. A tag the parser moved out of order is refused.

    This matches inlining each message only for a whole document whose statements stand inside
    the body's elements (the parser adds <tbody> and moves whitespace around the <head> and <body>
    once, not per loop) and whose selectors do not depend on what Jinja repeats or leaves out (no
    :nth-child, no sibling combinators). The built-in template is: tests/unit/test_digest_render.py
    compares the documents. A user's template is not promised to be, so its messages are inlined.
    """
    tags: list[str] = []

    def hide(match: re.Match[str]) -> str:
        tags.append(match.group())
        n = len(tags) - 1
        return f"\ue000{n}\ue001" if match.group().startswith("{{") else f"<!--\ue000{n}-->"

    inlined = INLINER.inline(_JINJA.sub(hide, source))
    found = [int(m.group(1) or m.group(2)) for m in _HIDDEN.finditer(inlined)]
    if found != list(range(len(tags))):  # the parser moved or dropped one: refuse, never guess
        raise ValueError("inline: the template's Jinja tags did not survive HTML parsing in place")
    return _HIDDEN.sub(lambda m: tags[int(m.group(1) or m.group(2))], inlined)


class InlinedLoader(FileSystemLoader):
    """The built-in templates, the HTML ones with their CSS already inlined."""

    def __init__(self) -> None:
        super().__init__(BUILT_IN)

    def get_source(self, environment: Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        if template.endswith(".html"):
            if not environment.keep_trailing_newline:  # Jinja drops it: the parser must not keep it
                source = source.removesuffix("\n")
            source = inline_template(source)
        return source, filename, uptodate


def inlined_at_load(filename: str | None) -> bool:
    """Whether the template at `filename` came from InlinedLoader (else its output needs INLINER)."""
    return filename is not None and Path(filename).parent == BUILT_IN
