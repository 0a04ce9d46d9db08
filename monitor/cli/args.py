"""Parsing the CLI's values into usage errors: dates here; everything a user gives any front end
(intervals, URLs, emails, time zones, send times) is checked by monitor.validate."""

from __future__ import annotations

from datetime import UTC, datetime

from monitor import validate
from monitor.errors import UsageError

every = validate.interval
web_url = validate.web_url
email = validate.email
zone = validate.zone
clock = validate.clock


def language(text: str) -> str:
    """An ISO 639-1 code as typed (`RU` is `ru`: the API and OPML keep the codes in lower case)."""
    return validate.language(text.lower())


def moment(text: str, what: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{what}: not a date (YYYY-MM-DD or ISO 8601): {text!r}") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)
