"""The checks of everything a user gives Newswatch, whichever door it comes through (the CLI, the web
forms, the JSON API, an OPML import): one function per kind of value, each returning the value as
it is kept or raising `Invalid`, whose message names the field in words (`interval`, `language`),
never a front end's spelling of it (`--every`). The front ends only phrase these errors.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import time
from zoneinfo import ZoneInfo, available_timezones

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

# What a one-line name may not hold: control characters (a CR/LF in a keyword name became a fake
# header line of the text digest), line and paragraph separators, bidirectional overrides and
# isolates (they make a name read differently from what it is). Written as regular-expression
# classes, so that monitor.web.openapi states the very same rules as patterns.
NOT_TEXT = "\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"  # the characters themselves
SPACES = " \xa0\u1680\u2000-\u200a\u202f\u205f\u3000"  # the other blanks are in NOT_TEXT


def line_pattern(also_not: str = "") -> str:
    """One or more characters, none of NOT_TEXT (nor `also_not`), not beginning or ending with a blank."""
    inner, edge = f"[^{NOT_TEXT}{also_not}]", f"[^{NOT_TEXT}{SPACES}{also_not}]"
    return f"^{edge}(?:{inner}*{edge})?$"


NAME_PATTERN = line_pattern("/")  # names are part of the API's URLs (/api/sources/{name})
TEXT_PATTERN = line_pattern()
URL_PATTERN = (
    f"^https?://(?:[^/?#@:\\[\\]{NOT_TEXT}{SPACES}]+@)?(?:[^/?#@:\\[\\]{NOT_TEXT}{SPACES}]+|\\[[0-9A-Fa-f:.]+\\])"
    f"(?::[0-9]{{1,5}})?(?:[/?#][^{NOT_TEXT}{SPACES}]*)?$"
)
EMAIL_PATTERN = f'^[^@<>(),;:"\\[\\]{NOT_TEXT}{SPACES}]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9-]+)+$'
CLOCK_PATTERN = r"^(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9])?$"
EVERY_PATTERN = r"^[0-9]{1,9} ?[smhd]?$"
_EMAIL = re.compile(EMAIL_PATTERN)
ZONES = frozenset(available_timezones()) | {"UTC"}
_EVERY = re.compile(r"^([0-9]{1,9}) ?([smhd]?)$")


class Invalid(UsageError):
    """A value refused at the door: `field` says which one, the message why."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.reason = message


def _shown(text: str, limit: int = 60) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "…")


def line(text: object, field: str, max_len: int = NAME_MAX, pattern: str = TEXT_PATTERN) -> str:
    """One line of printable text, 1 to `max_len` characters, not beginning or ending with a blank."""
    if not isinstance(text, str):
        raise Invalid(field, "must be text")
    if not text.strip():
        raise Invalid(field, "must not be empty")
    if len(text) > max_len:
        raise Invalid(field, f"at most {max_len} characters, got {len(text)}")
    for ch in text:
        if re.match(f"[{NOT_TEXT}]", ch) or unicodedata.category(ch) == "Cs":
            raise Invalid(field, f"must be one line of printable text (found U+{ord(ch):04X}): {_shown(text)}")
    if not re.fullmatch(pattern, text):
        if "/" in text and pattern == NAME_PATTERN:
            raise Invalid(field, f"must not contain '/': {_shown(text)}")
        raise Invalid(field, f"must not begin or end with a blank: {_shown(text)}")
    return text


def name(text: object, field: str = "name") -> str:
    """A source's or a keyword's name: one line of text without '/', so that every route that names
    it (`/api/sources/{name}`) can reach it."""
    return line(text, field, NAME_MAX, NAME_PATTERN)


def web_url(text: object, field: str = "url") -> str:
    value = line(text, field, URL_MAX)
    if not re.fullmatch(URL_PATTERN, value) or not is_web_url(value):
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
        m = _EVERY.match(value)
        if not m:
            raise Invalid(field, f"not an interval like 15m, 1h or 900: {_shown(value)}")
        seconds = int(m.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[m.group(2)]
    if not INTERVAL_MIN_S <= seconds <= INTERVAL_MAX_S:
        raise Invalid(field, f"between one minute and 7 days, got {value!r}")
    return seconds


def language(text: object, field: str = "language", tagged: bool = False) -> str:
    """An ISO 639-1 code (`en`, `ru`, `az`). `tagged`: a language tag with a region (`en-US`, as
    feed readers' OPML files carry) is kept as its language."""
    value = text.strip().lower() if isinstance(text, str) and tagged else text
    if isinstance(value, str) and tagged:
        value = re.split(r"[-_]", value, maxsplit=1)[0]
    if not isinstance(value, str) or value not in ISO_639_1:
        shown = _shown(text) if isinstance(text, str) else type(text).__name__
        raise Invalid(field, f"not an ISO 639-1 language code (such as en, ru, az): {shown}")
    return value


def optional_language(text: object, field: str = "language", tagged: bool = False) -> str | None:
    if text is None or text == "":
        return None
    return language(text, field, tagged)


def email(text: object, field: str = "email") -> str:
    value = line(text, field, EMAIL_MAX)
    if not _EMAIL.match(value):
        raise Invalid(field, f"not an email address: {_shown(value)}")
    return value


def zone(text: object, field: str = "time zone") -> str:
    """An IANA time zone this machine knows (one of ZONES)."""
    if not isinstance(text, str) or text not in ZONES:
        shown = _shown(text) if isinstance(text, str) else type(text).__name__
        raise Invalid(field, f"unknown time zone {shown} (an IANA name such as Asia/Baku)")
    ZoneInfo(text)  # known, so loadable
    return text


def clock(text: object, field: str = "send time") -> time:
    value = line(text, field, 20)
    if not re.fullmatch(CLOCK_PATTERN, value):
        raise Invalid(field, f"not a time of day like 08:00: {_shown(value)}")
    return time.fromisoformat(value)
