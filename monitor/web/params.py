"""Reading the archive's filters from a query string, the same for the pages and the API.
Anything malformed is a UsageError, which the app answers with a 400."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from starlette.datastructures import QueryParams

from monitor.errors import UsageError
from monitor.query import Node, parse
from monitor.store.articles import Filters

MAX_LIMIT = 200
TRUE = ("1", "true", "yes", "on")
FALSE = ("", "0", "false", "no", "off")


@dataclass(frozen=True)
class Search:
    query: str
    tree: Node | None
    filters: Filters
    limit: int
    offset: int


# What the API accepts, as /openapi.json states it: a day, or an RFC 3339 date and time
DATE_PATTERN = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}"
    r"(?:[Tt ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?(?:[Zz]|[+-][0-9]{2}:[0-9]{2})?)?$"
)
NUMBER_PATTERN = r"^-?[0-9]{1,19}$"


def moment(text: str, name: str) -> datetime | None:
    if not text:
        return None
    try:
        if not re.fullmatch(DATE_PATTERN, text):
            raise ValueError(text)
        value = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{name}: not a date (YYYY-MM-DD or ISO 8601): {text!r}") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def flag(text: str | None, name: str) -> bool:
    if text is None:
        return False
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise UsageError(f"{name}: expected true or false, got {text!r}")


def number(text: str | None, name: str, default: int, low: int, high: int) -> int:
    """A whole number from `low` to `high` written in ASCII digits; absent: `default`. An empty
    value (`limit=`) is refused: it is not the integer the API description promises."""
    if text is None:
        return default
    if not re.fullmatch(NUMBER_PATTERN, text):
        raise UsageError(f"{name}: not a whole number: {text!r}")
    value = int(text)
    if not low <= value <= high:
        raise UsageError(f"{name}: must be between {low} and {high}, got {value}")
    return value


def text(params: QueryParams | dict[str, Any], name: str) -> str | None:
    value = params.get(name)
    return value.strip() or None if isinstance(value, str) else None


def search(params: QueryParams, default_limit: int = 50) -> Search:
    """The search a query string asks for: q, since, until, source, lang, keyword,
    include_duplicates, edited, removed, limit, offset."""
    query = params.get("q", "").strip()
    tree = parse(query)
    limit = number(params.get("limit"), "limit", default_limit, 1, MAX_LIMIT)
    offset = number(params.get("offset"), "offset", 0, 0, 1_000_000)
    filters = Filters(
        since=moment(params.get("since", ""), "since"),
        until=moment(params.get("until", ""), "until"),
        source=text(params, "source"),
        lang=text(params, "lang"),
        keyword=text(params, "keyword"),
        include_duplicates=flag(params.get("include_duplicates"), "include_duplicates"),
        edited=flag(params.get("edited"), "edited"),
        removed=flag(params.get("removed"), "removed"),
        # one more than asked, to know whether a next page exists
        limit=limit + 1,
        offset=offset,
    )
    return Search(query, tree, filters, limit, offset)
