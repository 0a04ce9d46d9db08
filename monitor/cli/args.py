"""Parsing the CLI's values into usage errors: dates here; everything a user gives any front end
(intervals, URLs, emails, time zones, send times) is checked by monitor.validate."""

from __future__ import annotations

from datetime import datetime

from monitor import validate

every = validate.interval
web_url = validate.web_url
email = validate.email
zone = validate.zone
clock = validate.clock


def language(text: str) -> str:
    """A language code as a person types it (`RU` is `ru`); the JSON API takes the code exactly."""
    return validate.language(text.strip().lower())


def moment(text: str, what: str) -> datetime:
    value = validate.moment(text, what.lstrip("-"))
    if value is None:
        raise validate.Invalid(what.lstrip("-"), "must not be empty")
    return value
