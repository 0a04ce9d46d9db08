"""The checks of everything a user gives Newswatch, whichever door it comes through (the CLI, the web
forms, the JSON API, an OPML import): one function per kind of value, each returning the value as
it is kept or raising `Invalid`, whose message names the field in words (`interval`, `language`),
never a front end's spelling of it (`--every`). The front ends only phrase these errors.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from monitor.errors import UsageError
from monitor.pipeline.canonical import is_web_url

# The kinds of source this version polls (spiders.crawl has a spider for each; a test checks).
KINDS = ("feed", "sitemap", "spider:trend")

NAME_MAX = 200  # characters of a source's or a keyword's name
URL_MAX = 2000  # characters of a source's URL (what browsers and servers commonly accept)
EMAIL_MAX = 254  # RFC 5321's limit of a forward path
INTERVAL_MIN_S = 60
INTERVAL_MAX_S = 7 * 86400

# ISO 639-1: the two-letter language codes (https://www.loc.gov/standards/iso639-2/php/code_list.php)
ISO_639_1 = frozenset(
    """aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de
    dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie
    ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg
    mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro
    ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty
    ug uk ur uz ve vi vo wa wo xh yi yo za zh zu""".split()
)

# Control, surrogate, private-use and unassigned characters, line and paragraph separators: none
# belongs in a one-line name (a CR/LF in a keyword name became a fake header line of the text digest)
_NOT_TEXT = frozenset({"Cc", "Cs", "Co", "Cn", "Zl", "Zp"})
# Bidirectional overrides and isolates make a name read differently from what it is
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_EMAIL = re.compile(r"^[^@\s<>(),;:\"\[\]]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$")
_EVERY = re.compile(r"^(\d{1,9})\s*([smhd]?)$")


class Invalid(UsageError):
    """A value refused at the door: `field` says which one, the message why."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.reason = message


def _shown(text: str, limit: int = 60) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "…")


def line(text: object, field: str, max_len: int = NAME_MAX) -> str:
    """One line of printable text, 1 to `max_len` characters once trimmed."""
    if not isinstance(text, str):
        raise Invalid(field, "must be text")
    value = text.strip()
    if not value:
        raise Invalid(field, "must not be empty")
    if len(value) > max_len:
        raise Invalid(field, f"at most {max_len} characters, got {len(value)}")
    for ch in value:
        if unicodedata.category(ch) in _NOT_TEXT or ch in _BIDI:
            raise Invalid(field, f"must be one line of printable text (found U+{ord(ch):04X}): {_shown(value)}")
    return value


def name(text: object, field: str = "name") -> str:
    """A source's or a keyword's name: one line of text without '/', so that every route that names
    it (`/api/sources/{name}`) can reach it."""
    value = line(text, field)
    if "/" in value:
        raise Invalid(field, f"must not contain '/': {_shown(value)}")
    return value


def web_url(text: object, field: str = "url") -> str:
    value = line(text, field, URL_MAX)
    if not is_web_url(value):
        raise Invalid(field, f"not an http(s) URL: {_shown(value)}")
    return value


def kind(text: object, field: str = "kind") -> str:
    value = line(text, field, 100)
    if value not in KINDS:
        raise Invalid(field, f"unknown kind {value!r}; known kinds: {', '.join(KINDS)}")
    return value


def interval(value: object, field: str = "interval") -> int:
    """Seconds between polls, from `900`, `15m`, `1h`, `2d` (or a whole number of seconds)."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise Invalid(field, "must be an interval like 15m, 1h or 900")
    if isinstance(value, int):
        seconds = value
    else:
        m = _EVERY.match(value.strip())
        if not m:
            raise Invalid(field, f"not an interval like 15m, 1h or 900: {_shown(value)}")
        seconds = int(m.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[m.group(2)]
    if not INTERVAL_MIN_S <= seconds <= INTERVAL_MAX_S:
        raise Invalid(field, f"between one minute and 7 days, got {value!r}")
    return seconds


def language(text: object, field: str = "language") -> str:
    """An ISO 639-1 code (`en`, `ru`, `az`), in lower case; a language tag with a region (`en-US`,
    as feed readers' OPML files carry) is kept as its language."""
    if not isinstance(text, str):
        raise Invalid(field, "must be a two-letter ISO 639-1 code such as en, ru or az")
    value = re.split(r"[-_]", text.strip().lower(), maxsplit=1)[0]
    if value not in ISO_639_1 or not re.fullmatch(r"[a-z]{2}(?:[-_][a-z0-9]{1,8})*", text.strip().lower()):
        raise Invalid(field, f"not an ISO 639-1 language code (such as en, ru, az): {_shown(text)}")
    return value


def optional_language(text: object, field: str = "language") -> str | None:
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    return language(text, field)


def email(text: object, field: str = "email") -> str:
    value = line(text, field, EMAIL_MAX)
    if not _EMAIL.match(value):
        raise Invalid(field, f"not an email address: {_shown(value)}")
    return value


def zone(text: object, field: str = "time zone") -> str:
    value = line(text, field, 100)
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid(field, f"unknown time zone {_shown(value)} (an IANA name such as Asia/Baku)") from None
    return value


def clock(text: object, field: str = "send time") -> time:
    value = line(text, field, 20)
    try:
        return time.fromisoformat(value)
    except ValueError:
        raise Invalid(field, f"not a time of day like 08:00: {_shown(value)}") from None


def date_range(since: datetime | None, until: datetime | None) -> None:
    """A range whose end comes after its start: an inverted one can match nothing, which is a
    mistake to point out rather than an empty answer."""
    if since is not None and until is not None and until <= since:
        raise Invalid("until", f"must be after the start ({since:%Y-%m-%d %H:%M}), got {until:%Y-%m-%d %H:%M}")


def moment(text: object, field: str) -> datetime | None:
    """A date or a moment (`2024-02-07`, ISO 8601); one without a zone is taken as UTC; empty: None."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    if not isinstance(text, str):
        raise Invalid(field, "must be a date (YYYY-MM-DD or ISO 8601)")
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise Invalid(field, f"not a date (YYYY-MM-DD or ISO 8601): {_shown(text)}") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def keyword_name(given: object, query: str) -> str:
    """The keyword's name: the one given, else the query's first words (at most 40 characters),
    so that a long query does not become a long name in every digest and list."""
    if given is not None and not (isinstance(given, str) and not given.strip()):
        return name(given, "keyword name")
    text = re.sub(r"\b(?:title|source|lang):", " ", re.sub(r"\blang:\S+", " ", query))
    text = re.sub(r"(?:^|\s)-(?:\"[^\"]*\"|\S+)", " ", text)  # what it excludes does not name it
    made = ""
    for word in re.findall(r"[^\W_]+", text):
        if word == "OR":
            continue
        if len(made) + len(word) + 1 > 40:
            break
        made = f"{made} {word}".strip()
    return name(made or query.strip()[:40], "keyword name")


def interval_text(seconds: int) -> str:
    """An interval as `interval` reads it: 900 → "15m", 3600 → "1h", 5400 → "90m", 86400 → "1d"."""
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"
