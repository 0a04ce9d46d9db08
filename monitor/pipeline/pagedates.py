"""The dates a page gives for itself: the moments its markup states (`stated`) and the date line
written under its title (`written`), in English, Russian and Azerbaijani. monitor.pipeline.dates
decides which to believe.

trafilatura's date (htmldate) is not used: it gives a day without the time, and on pages without
markup it takes dates from anywhere in the text: a copyright line (as 1 January), a list of other
articles, a date mentioned in the story (see tests/site/www/dates/).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from itertools import islice
from typing import Any

from lxml import html as lxml_html
from lxml.etree import ParserError

from monitor.pipeline.dates import AHEAD, Dated

# <meta> names and properties that state the publication moment (not the last change)
META_NAMES = {
    "article:published_time",
    "og:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "dc.date.issued",
    "dcterms.issued",
    "sailthru.date",
    "parsely-pub-date",
}
ARTICLE_TYPES = re.compile(r"(Article|Posting|Report|WebPage)$")

# Month names as the press writes them: English, Russian (nominative and genitive), Azerbaijani
MONTHS: dict[str, int] = {}
for _n, _names in enumerate(
    (
        "january jan январь января янв yanvar yan",
        "february feb февраль февраля фев fevral fev",
        "march mar март марта мар mart",
        "april apr апрель апреля апр aprel",
        "may май мая",
        "june jun июнь июня июн iyun iyn",
        "july jul июль июля июл iyul iyl",
        "august aug август августа авг avqust avq",
        "september sep sept сентябрь сентября сен сент sentyabr",
        "october oct октябрь октября окт oktyabr okt",
        "november nov ноябрь ноября ноя noyabr noy",
        "december dec декабрь декабря дек dekabr dek",
    ),
    1,
):
    MONTHS.update(dict.fromkeys(_names.split(), _n))

_MONTH = r"(?P<month>[^\W\d_]{3,9})\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th|-?(?:ci|cü|cu|cı))?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_CLOCK = r"(?P<hour>[0-2]?\d)[:.](?P<minute>[0-5]\d)(?:\s*(?P<ampm>[ap]\.?m\.?))?"
_GAP = r"[\s,|/•·–—-]*(?:(?:at|в|saat)\s+)?"
_CLOCK_FIRST = (
    r"(?:"
    + _CLOCK.replace("?P<hour>", "?P<hour0>").replace("?P<minute>", "?P<minute0>").replace("?P<ampm>", "?P<ampm0>")
    + r"[\s,|/•·–—-]+)?"
)
WRITTEN = [
    # 03 января 2024, 11:15 · 8 Fevral, 2024 | 10:05 · 6 February 2024 · 3 Jan. 17:55 (no year)
    re.compile(
        _CLOCK_FIRST + rf"\b{_DAY}\s+{_MONTH}(?:[\s,]+{_YEAR}(?:\s*(?:г\.|года|il))?)?(?:{_GAP}{_CLOCK})?(?!\w)",
        re.I,
    ),
    # February 7, 2024, 14:20 · Feb. 7 2024 at 2:20 pm
    re.compile(_CLOCK_FIRST + rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}(?:{_GAP}{_CLOCK})?(?!\w)", re.I),
    # 07.02.2024 / 14:35 · 2024-02-07 14:35
    re.compile(
        _CLOCK_FIRST + r"(?<![\d.])(?P<day>[0-3]?\d)\.(?P<month>[01]?\d)\.(?P<year>(?:19|20)\d\d)(?![\d.]\d)"
        rf"(?:{_GAP}{_CLOCK})?",
    ),
    re.compile(r"(?<!\d)(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)(?:[T\s]+" + _CLOCK + r")?(?!\d)"),
]

# Parts of a page whose dates are never the article's: navigation, other articles, the footer
NOT_THE_ARTICLE = re.compile(
    r"(^|[\s_-])(aside|nav|menu|footer|sidebar|side|widget|related|latest|popular|most|more|also|other|recommend"
    r"|teaser|lenta|feed|tags|comments?|copyright|breadcrumbs?|son|read-?next|bottom)([\s_-]|$)",
    re.I,
)
DATEISH = re.compile(r"date|time|publish|posted|byline|dateline|meta|info|tarix|data|дата|vaxt", re.I)
COPYRIGHT = re.compile(r"©|\(c\)|copyright|all rights|права защищены|hüquqlar", re.I)
UPDATED = re.compile(r"updated|modified|обновлен|изменен|yenilən", re.I)  # the last change, not the publication
SKIPPED_TAGS = {"script", "style", "noscript", "aside", "nav", "footer", "form", "iframe", "select", "button"}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6", "title"}  # a headline may name a day; it is not a date line
BYLINE_MAX = 120  # characters: a date line, not a paragraph of the story
TEASER_LINK = 20  # characters: a link this long next to a date is another article's headline
MAX_LINES = 200  # short blocks with digits read after the headline: a date line is among the first


def _tree(page: str) -> Any:
    try:
        return lxml_html.fromstring(page)
    except (ParserError, ValueError):
        return None


def _moment(value: str) -> Dated | None:
    """An ISO 8601 date or moment; a moment without an offset is taken as UTC."""
    value = value.strip()
    if not re.match(r"\d{4}-\d\d-\d\d", value):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except (ValueError, OverflowError):
        return None
    has_time = len(value) > 10
    return Dated(parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC), has_time)


def _json_dates(node: Any, depth: int = 0) -> Iterator[str]:
    """`datePublished` of the page's own objects: top level and @graph, not the articles it lists."""
    if isinstance(node, list) and depth == 0:
        for item in node:
            yield from _json_dates(item, depth)
    elif isinstance(node, dict):
        kind = node.get("@type")
        kinds = kind if isinstance(kind, list) else [kind]
        if depth == 0 or any(isinstance(k, str) and ARTICLE_TYPES.search(k) for k in kinds):
            if isinstance(node.get("datePublished"), str):
                yield node["datePublished"]
        if depth == 0 and isinstance(node.get("@graph"), list):
            for item in node["@graph"]:
                yield from _json_dates(item, 1)


def _in_other_part(el: Any) -> bool:
    for up in el.iterancestors():
        if up.tag in SKIPPED_TAGS or NOT_THE_ARTICLE.search(f"{up.get('class', '')} {up.get('id', '')}"):
            return True
    return False


def read(page: str, fetched_at: datetime) -> tuple[tuple[Dated, ...], Dated | None]:
    """(stated, written) of the page, parsed once."""
    tree = _tree(page)
    if tree is None:
        return (), None
    return stated(tree), written(tree, fetched_at)


def stated(tree: Any) -> tuple[Dated, ...]:
    """Every publication moment the page's markup states about itself (the page as HTML, or parsed)."""
    if isinstance(tree, str):
        tree = _tree(tree)
        if tree is None:
            return ()
    found: list[str] = []
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() == "application/ld+json" and script.text:
            try:
                found.extend(_json_dates(json.loads(script.text)))
            except (ValueError, RecursionError):
                continue
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        if key in META_NAMES and meta.get("content"):
            found.append(meta.get("content"))
    for el in tree.xpath('//*[@itemprop="datePublished"][not(self::meta)]'):
        found.append(el.get("datetime") or el.get("content") or "")
    # a time[datetime] in the article's header (or marked pubdate), not in a list of other articles
    for el in tree.xpath("//article//header//time[@datetime] | //time[@pubdate][@datetime]"):
        if not _in_other_part(el):
            found.append(el.get("datetime"))
    return tuple(d for d in (_moment(v) for v in found if v) if d is not None)


def _month(token: str) -> int | None:
    if token.isdigit():
        number = int(token)
        return number if 1 <= number <= 12 else None
    return MONTHS.get(token.replace("İ", "i").replace("ı", "i").lower())


def _year_before(month: int, day: int, moment: time, fetched_at: datetime) -> date | None:
    """For a date written without its year: the year that puts it closest before the fetch."""
    for year in range(fetched_at.year, fetched_at.year - 8, -1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue  # 29 February
        if datetime.combine(candidate, moment, UTC) <= fetched_at + AHEAD:
            return candidate
    return None


def read_date(text: str, fetched_at: datetime) -> Dated | None:
    """The first date written in `text` (a date line), in any of the three languages."""
    for pattern in WRITTEN:
        for m in pattern.finditer(text):
            found = _from_match(m, fetched_at)
            if found is not None:
                return found
    return None


def _from_match(m: re.Match[str], fetched_at: datetime) -> Dated | None:
    parts = m.groupdict()
    month = _month(parts["month"])
    if month is None:
        return None
    hour, minute, ampm = parts.get("hour"), parts.get("minute"), parts.get("ampm")
    if hour is None and parts.get("hour0") is not None:
        hour, minute, ampm = parts["hour0"], parts["minute0"], parts.get("ampm0")
    clock = time()
    if hour is not None and minute is not None:
        h = int(hour) % 12 + (12 if ampm and ampm.lower().startswith("p") else 0) if ampm else int(hour)
        if h > 23:
            return None
        clock = time(h, int(minute))
    day, year = int(parts["day"]), parts.get("year")
    try:
        when = date(int(year), month, day) if year else _year_before(month, day, clock, fetched_at)
    except ValueError:
        return None
    if when is None:
        return None
    return Dated(datetime.combine(when, clock, UTC), has_time=hour is not None)


def _lines(tree: Any) -> Iterator[tuple[Any, str]]:
    """(element, its text) for the short blocks of the page from its headline's block on (a date in
    the masthead before it is today's, not the article's) that are not headings, navigation, lists
    of other articles, footers or copyright lines."""
    elements = [el for el in tree.iter() if isinstance(el.tag, str)]
    h1 = next((el for el in elements if el.tag == "h1"), None)
    start = elements.index(h1.getparent()) if h1 is not None and h1.getparent() is not None else 0
    for el in elements[start:]:
        if el.tag in SKIPPED_TAGS or el.tag in HEADINGS or el.tag in ("html", "body", "head"):
            continue
        own = " ".join(t.strip() for t in el.xpath("text()") if t.strip())
        if not own or not re.search(r"\d", own):
            continue
        text = _short_text(el)
        if text is None or COPYRIGHT.search(text) or UPDATED.search(text):
            continue
        if _in_other_part(el) or _teaser(el):
            continue
        yield el, text


def _short_text(el: Any) -> str | None:
    """The element's text with its spaces squeezed, or None past BYLINE_MAX characters (read no
    further: an element holding the whole page would otherwise be read once per element in it)."""
    parts, size = [], 0
    for piece in el.itertext():
        parts.append(piece)
        size += len(piece)
        if size > 4 * BYLINE_MAX:
            return None
    text = " ".join("".join(parts).split())
    return text if len(text) <= BYLINE_MAX else None


def _teaser(el: Any) -> bool:
    """A date beside a headline linking elsewhere: an item of a list of other articles."""
    block = el.getparent() if el.tag in ("span", "time", "em", "small", "b", "i") else el
    return block is not None and any(
        len(a.text_content().strip()) >= TEASER_LINK for a in block.iter("a") if a.get("href")
    )


def written(tree: Any, fetched_at: datetime) -> Dated | None:
    """The date line of the page (as HTML, or parsed): a short block near the title with a date, preferring one marked
    as a date (class or id such as `date`, `byline`, `meta`); never a date inside a paragraph of the
    story, a list of other articles, a footer or a copyright line."""
    if isinstance(tree, str):
        tree = _tree(tree)
        if tree is None:
            return None
    marked: Dated | None = None
    plain: Dated | None = None
    for el, text in islice(_lines(tree), MAX_LINES):
        found = read_date(text, fetched_at)
        if found is None:
            continue
        if any(DATEISH.search(f"{e.get('class', '')} {e.get('id', '')}") for e in (el, *list(el.iterancestors())[:2])):
            marked = marked or found
            break
        if plain is None and _is_date_line(text):
            plain = found
    return marked or plain


def _is_date_line(text: str) -> bool:
    """Mostly a date: what is left once dates, times and separators are removed is a few words."""
    rest = text
    for pattern in WRITTEN:
        rest = pattern.sub(" ", rest)
    return len(rest.split()) <= 3
