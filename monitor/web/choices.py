"""The lists the forms offer to pick from, so that a person picks a value the checks accept
instead of typing one: kinds of source, ISO 639-1 languages by name, IANA time zones."""

from __future__ import annotations

from functools import cache
from zoneinfo import available_timezones

from babel import Locale

from monitor import validate

# Each kind of source (monitor.validate.KINDS) with what a person would call it
KINDS = [
    ("feed", "Feed (RSS, Atom, JSON Feed)"),
    ("sitemap", "News sitemap (or a robots.txt naming one)"),
    ("spider:trend", "Trend section listing"),
]
assert [k for k, _ in KINDS] == list(validate.KINDS), "a kind of source without a label in the form"


@cache
def languages() -> list[tuple[str, str]]:
    """(code, English name) of every ISO 639-1 language, by name; the watch's own three first."""
    names = Locale("en").languages
    every = sorted(((c, names.get(c, c)) for c in validate.ISO_639_1), key=lambda cn: cn[1].lower())
    first = [cn for code in ("en", "ru", "az") for cn in every if cn[0] == code]
    return first + [cn for cn in every if cn not in first]


@cache
def zones() -> list[str]:
    """Every IANA zone name (Region/City), sorted; UTC first."""
    named = sorted(z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/")))
    return ["UTC", *named]
