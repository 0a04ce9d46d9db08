"""Parsing the CLI's values (dates, intervals, URLs, emails, time zones) into usage errors."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from monitor.errors import UsageError
from monitor.pipeline.canonical import is_web_url

_EMAIL = re.compile(r"^[^@\s<>(),;:\"\[\]]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$")
_EVERY = re.compile(r"^(\d+)\s*([smhd]?)$")


def moment(text: str, what: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{what}: not a date (YYYY-MM-DD or ISO 8601): {text!r}") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def every(text: str) -> int:
    m = _EVERY.match(text.strip())
    if not m:
        raise UsageError(f"--every: not an interval like 15m, 1h or 900: {text!r}")
    seconds = int(m.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[m.group(2)]
    if seconds < 60:
        raise UsageError(f"--every: at least one minute, got {text!r}")
    return seconds


def web_url(text: str) -> str:
    if not is_web_url(text):
        raise UsageError(f"not an http(s) URL: {text!r}")
    return text.strip()


def email(text: str) -> str:
    if not _EMAIL.match(text.strip()):
        raise UsageError(f"not an email address: {text!r}")
    return text.strip()


def zone(text: str) -> str:
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(f"--tz: unknown time zone {text!r} (an IANA name such as Asia/Baku)") from None
    return text


def clock(text: str) -> time:
    try:
        return time.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--at: not a time of day like 08:00: {text!r}") from None


@cache
def _iso_639_1() -> frozenset[str]:
    """The 184 two-letter codes of ISO 639-1, from the CLDR data that Babel ships."""
    from babel import Locale

    return frozenset(str(code) for code in Locale("en").languages if len(str(code)) == 2)


def language(text: str, what: str = "--lang") -> str:
    """An ISO 639-1 language code (en, ru, az, …), lower-cased."""
    code = text.strip().lower()
    if code not in _iso_639_1():
        raise UsageError(f"{what}: not an ISO 639-1 language code such as en, ru or az: {text!r}")
    return code
