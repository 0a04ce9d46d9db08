"""The web's phrasing of what the domain refuses: each error beside the form field it concerns,
in the words of the page (never a CLI flag or command), and what was typed kept for the form."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import FormData, QueryParams

from monitor.errors import UsageError
from monitor.validate import Invalid

# The domain's name of a value (monitor.validate's `field`) → the form input that holds it
INPUTS = {
    "source name": "name",
    "keyword name": "name",
    "name": "name",
    "url": "url",
    "kind": "kind",
    "interval": "every",
    "every": "every",
    "language": "lang",
    "lang": "lang",
    "email": "email",
    "time zone": "tz",
    "send time": "at",
    "since": "since",
    "until": "until",
    "source": "source",
    "keyword": "keyword",
    "keywords": "keywords",
    "query": "query",
}

# What the pages call each input, to start a message that stands alone
LABELS = {
    "name": "Name",
    "url": "URL",
    "kind": "Kind",
    "every": "Every",
    "lang": "Language",
    "email": "Email",
    "tz": "Time zone",
    "at": "Send time",
    "since": "From",
    "until": "Before",
    "source": "Source",
    "keyword": "Keyword",
    "keywords": "Keywords",
    "query": "Query",
    "q": "Query",
    "file": "OPML file",
}

# The CLI's pointers, which mean nothing in a browser: "(see `newswatch sources list`)"
_CLI_HINT = re.compile(r"\s*\(see `newswatch [^`]*`\)")
# A message's own prefix naming its area or field: "keywords: ", "sources import: ", "--every: "
_PREFIX = re.compile(r"^(?:--[\w-]+|[a-z][a-z ]{0,20}):\s+")


@dataclass
class Problem:
    """Why a form was refused: `message` for the top of the page, `field` (an input's name, or
    None) and `reason` for beside it."""

    message: str
    field: str | None = None
    reason: str = ""
    choices: list[tuple[str, str]] | None = None  # the feeds a page declares, to pick one of


def words(text: str) -> str:
    """A message as the web says it: without the CLI's pointers."""
    return _CLI_HINT.sub("", text).strip()


def problem(exc: UsageError, default_field: str | None = None) -> Problem:
    """The web's phrasing of a refused value. `default_field`: the input an error that names no
    field concerns (a malformed query: the query box)."""
    if isinstance(exc, Invalid):
        name = INPUTS.get(exc.field, exc.field)
        reason = words(exc.reason)
        feeds = getattr(exc, "feeds", None)
        if feeds:
            reason = f"this page declares {len(feeds)} feeds: pick one below"
        return Problem(f"{LABELS.get(name, name.capitalize())}: {reason}", name, reason, feeds)
    text = words(str(exc))
    reason = _PREFIX.sub("", text)
    if default_field is None:
        return Problem(text)
    return Problem(f"{LABELS.get(default_field, default_field)}: {reason}", default_field, reason)


@dataclass
class Typed:
    """What a person typed into a form, to put back into it."""

    values: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, source: FormData | QueryParams | dict[str, Any] | None) -> Typed:
        if source is None:
            return cls()
        return cls({k: v for k, v in source.items() if isinstance(v, str)})

    def get(self, name: str, default: str = "") -> str:
        return self.values.get(name, default)

    def __contains__(self, name: str) -> bool:
        return name in self.values
