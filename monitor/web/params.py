"""Reading the archive's filters from a query string, the same for the pages and the API.
Anything malformed is a UsageError, which the app answers with a 400."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from starlette.datastructures import QueryParams

from monitor import validate
from monitor.errors import UsageError
from monitor.query import Node, parse
from monitor.store.articles import SORTS, Filters

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


def moment(text: str, name: str) -> datetime | None:
    return validate.moment(text, name)


def flag(text: str | None, name: str) -> bool:
    value = (text or "").strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise UsageError(f"{name}: expected true or false, got {text!r}")


def number(text: str | None, name: str, default: int, low: int, high: int) -> int:
    if text is None or text == "":
        return default
    try:
        value = int(text)
    except ValueError:
        raise UsageError(f"{name}: not a whole number: {text!r}") from None
    if not low <= value <= high:
        raise UsageError(f"{name}: must be between {low} and {high}, got {value}")
    return value


def text(params: QueryParams | dict[str, Any], name: str) -> str | None:
    value = params.get(name)
    return value.strip() or None if isinstance(value, str) else None


def sort(text: str | None) -> str:
    value = (text or "newest").strip() or "newest"
    if value not in SORTS:
        raise validate.Invalid("sort", f"one of: {', '.join(SORTS)}, got {text!r}")
    return value


def search(params: QueryParams, default_limit: int = 50) -> Search:
    """The search a query string asks for: q, since, until, source, lang, keyword,
    include_duplicates, limit, offset."""
    query = params.get("q", "").strip()
    tree = parse(query)
    limit = number(params.get("limit"), "limit", default_limit, 1, MAX_LIMIT)
    offset = number(params.get("offset"), "offset", 0, 0, 1_000_000)
    since, until = moment(params.get("since", ""), "since"), moment(params.get("until", ""), "until")
    validate.date_range(since, until)
    filters = Filters(
        since=since,
        until=until,
        source=text(params, "source"),
        lang=validate.optional_language(text(params, "lang"), "lang"),
        keyword=text(params, "keyword"),
        include_duplicates=flag(params.get("include_duplicates"), "include_duplicates"),
        sort=sort(params.get("sort")),
        # one more than asked, to know whether a next page exists
        limit=limit + 1,
        offset=offset,
    )
    return Search(query, tree, filters, limit, offset)
