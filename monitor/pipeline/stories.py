"""Stories: articles about one event, in whatever words, share a story.

An event is told in its lead: who (names), how many and when (numbers), and what (rare words). The
terms of an article are those of its title and first LEAD_WORDS words, so the background paragraphs
some outlets append to every story (Trend's election stories do) do not tie unrelated stories
together. Two articles are the same story when the terms they share weigh at least THRESHOLD of the
lighter one's terms, each term weighted by how rare it is among the articles of the time window
(idf): "Azerbaijan" or "election" tie nothing together in an election watch, "Zhang Ming" does.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Set
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from itertools import repeat

from monitor.pipeline import aliases, translit
from monitor.pipeline.aliases import Aliases
from monitor.query.fold import fold_word_chars

LEAD_WORDS = 90
WINDOW = timedelta(days=3)  # a story older than this is a new story when it comes back
THRESHOLD = 0.4
MIN_TERMS = 3  # an article with fewer terms than this is a story of its own

# A time of day (18:00, left out); a number: digits with groups of three after spaces (90 000, as
# Russian and Azerbaijani write thousands), or separated by , or . (92,12; 6,537; 92.1); a word.
_TOKEN = re.compile(
    r"\d{1,2}:\d{2}|\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?![\d])|\d+(?:[.,]\d+)*|[^\W\d_]+(?:['’-][^\W\d_]+)*"
)
_SENTENCE_END = re.compile(r"[.!?…:]\s*[\"“”«»]?\s*$")
# Capitalised words that name nothing: sentence openers, months and weekdays (dates come as numbers).
_COMMON = set(
    """
    a an the this that these those he she it they we i you his her its their our my your him them
    in on at to of for from by with as and or but not no nor so if then than when while after before
    during since until about over under between among against into onto upon also besides however
    meanwhile moreover according earlier later today yesterday tomorrow there here what which who
    whom whose where why how all any both each every some many most more other such one two three
    is are was were be been has have had will would can could may might must shall should do does did
    mr mrs ms dr president minister chairman head secretary general deputy
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday
    said says told noted added stated stressed emphasized according reports report news agency
    """.split()
)
# Long words that are not rare in news (the rest of 8+ letters are taken as rare enough to count).
_ORDINARY = set(
    """
    according announced described expressed important including information international
    particular political population possible president presidential previous process
    significant statement yesterday themselves throughout together something
    """.split()
)


@lru_cache(maxsize=65536)
def _norm(token: str) -> str:
    """Folded, with a possessive dropped: "Azerbaijan's" and "Azerbaijan" are one name."""
    return fold_word_chars(token).replace("’", "'").removesuffix("'s")


_MULTIPLIERS = {
    "thousand": 1_000, "тыс": 1_000, "тысяч": 1_000, "тысячи": 1_000, "min": 1_000,
    "million": 1_000_000, "млн": 1_000_000, "миллион": 1_000_000, "миллиона": 1_000_000,
    "миллионов": 1_000_000, "milyon": 1_000_000, "billion": 10**9, "млрд": 10**9, "milyard": 10**9,
}  # fmt: skip
_MONTHS = [
    ("january", "январ", "yanvar"), ("february", "феврал", "fevral"), ("march", "март", "mart"),
    ("april", "апрел", "aprel"), ("may", "ма", "may"), ("june", "июн", "iyun"), ("july", "июл", "iyul"),
    ("august", "август", "avqust"), ("september", "сентябр", "sentyabr"), ("october", "октябр", "oktyabr"),
    ("november", "ноябр", "noyabr"), ("december", "декабр", "dekabr"),
]  # fmt: skip


@lru_cache(maxsize=65536)
def month(token: str) -> int | None:
    """The month a word names (February, февраля, fevralın), or None."""
    if not token or token[0].isdigit():
        return None
    low = fold_word_chars(token)
    for n, (en, ru, az) in enumerate(_MONTHS, 1):
        if token[0].isupper() and low == en:
            return n
        if low.startswith(ru) and len(low) <= len(ru) + 2 and (n != 5 or low in ("мая", "май")):
            return n
        if low.startswith(az) and len(low) <= len(az) + 3:
            return n
    return None


def number(token: str, lang: str | None) -> float:
    """The value of a number as `lang` writes it: 92,12 (ru, az) = 92.12 (en); 90 000 = 90,000 (en)."""
    text = re.sub(r"[ \u00a0\u202f]", "", token)
    if lang in ("ru", "az"):
        if re.fullmatch(r"\d{1,3}(\.\d{3})+", text):
            text = text.replace(".", "")
        text = text.replace(",", ".")
    elif re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", text):
        text = text.replace(",", "")
    else:
        text = text.replace(",", ".")
    if text.count(".") > 1:  # a version, a phone number: its digits only
        text = text.replace(".", "")
    return float(text)


def _number_term(value: float) -> str:
    return "#" + (str(int(value)) if value == int(value) else f"{value:.6f}".rstrip("0").rstrip("."))


def kind(term: str) -> str:
    """`number` (#92.12), `date` (@d02-08), `alias` (@cec), `word` (~observ: a rare word, of one
    language) or `name` (a transliteration key)."""
    if term.startswith("#"):
        return "number"
    if term.startswith("@d"):
        return "date"
    if term.startswith("@"):
        return "alias"
    if term.startswith("~"):
        return "word"
    return "name"


def terms(title: str, text: str, lang: str | None = None, table: Aliases | None = None) -> set[str]:
    """Names (capitalised, not at a sentence start), numbers, dates, the entities of the alias table
    and rare words of the title and lead, as keys that meet across scripts (monitor.pipeline.translit):
    Панахова, Pənahovun and Panahov are one term, 92,12 and 92.12 are one, "8 февраля" and
    "February 8" are one. Give `text` without the outlet's template (monitor.pipeline.templates)."""
    table = aliases.default() if table is None else table
    lead = " ".join(text.split()[:LEAD_WORDS])
    found: set[str] = set()
    for part in (title, lead):
        matches = list(_TOKEN.finditer(part))
        tokens = [m.group() for m in matches]
        keys = [translit.key(t, lang) if not t[0].isdigit() else "" for t in tokens]
        named = aliases.find(table, tokens, keys, lang)
        skip = 0
        for i, token in enumerate(tokens):
            if skip:
                skip -= 1
                continue
            if i in named:
                size, entity = named[i]
                found.add("@" + entity)
                skip = size - 1
                continue
            starts = i == 0 or bool(_SENTENCE_END.search(part[matches[i - 1].end() : matches[i].start()]))
            if ":" in token:  # a time of day (18:00): when, not what
                continue
            if token[0].isdigit():
                value = number(token, lang)
                after = tokens[i + 1] if i + 1 < len(tokens) else ""
                before = tokens[i - 1] if i else ""
                if 1 <= value <= 31 and value == int(value) and (month(after) or month(before)):
                    found.add(f"@d{month(after) or month(before):02d}-{int(value):02d}")
                    continue
                multiplier = _MULTIPLIERS.get(fold_word_chars(after).removesuffix("dan").removesuffix("dən"), 1)
                if len(token) > 1 or part is title or multiplier > 1:
                    found.add(_number_term(value * multiplier))
                continue
            norm = _norm(token)
            if month(token) or norm in _COMMON:
                continue
            if token[0].isupper() and (part is title or not starts):
                if keys[i]:
                    found.add(keys[i])
            elif len(token) >= 8 and norm not in _ORDINARY:
                found.add("~" + keys[i])
    return found


PRIOR = 30  # imagined articles without the term: while the window holds few articles, no term looks common


def idf(df: Mapping[str, int], n: int) -> Mapping[str, float]:
    """Term weights from document frequencies among `n` articles (smoothed inverse document frequency)."""
    return {t: math.log((n + PRIOR) / (d + 1)) for t, d in df.items()}


def comparable(a: set[str], b: set[str], same_language: bool) -> tuple[set[str], set[str]]:
    """What two articles compare: all their terms in one language; across languages only what is
    written alike in every language (names, numbers, dates, aliases), not their rare words."""
    if same_language:
        return a, b
    return {t for t in a if not t.startswith("~")}, {t for t in b if not t.startswith("~")}


class _Weighed:
    """An article's terms with their total weight, all of them and those written alike in every
    language: computed once, compared with many."""

    __slots__ = ("every", "neutral", "w_every", "w_neutral")

    def __init__(self, terms: Set[str], weights: Mapping[str, float], default: float):
        get = weights.get
        self.every = terms
        self.neutral = {t for t in terms if t[0] != "~"}
        self.w_every = sum(get(t, default) for t in self.every)
        self.w_neutral = sum(get(t, default) for t in self.neutral)


def _score(a: _Weighed, b: _Weighed, same_language: bool, weights: Mapping[str, float], default: float) -> float:
    if same_language:
        mine, theirs, w_mine, w_theirs = a.every, b.every, a.w_every, b.w_every
    else:
        mine, theirs, w_mine, w_theirs = a.neutral, b.neutral, a.w_neutral, b.w_neutral
    if len(mine) < MIN_TERMS or len(theirs) < MIN_TERMS:
        return 0.0
    shared = mine & theirs
    if not shared:
        return 0.0
    # a number (#) or date (@d…) shared, or two rare words (~): else names alone
    if not any(t[0] == "#" or t[:2] == "@d" for t in shared) and sum(t[0] == "~" for t in shared) < 2:
        return 0.0
    get = weights.get
    return sum(get(t, default) for t in shared) / min(w_mine, w_theirs)


def similarity(
    a: Set[str], b: Set[str], weights: Mapping[str, float], default: float, same_language: bool = True
) -> float:
    """Weight of the shared terms over the weight of the lighter article's terms; 0 when they share
    names alone, or names and one rare word (a three-sentence "mission arrives" item and the meeting
    of the next day share the mission, its head and "delegation", never a number or a date of the
    event). Across languages only names, numbers, dates and aliases are compared (`comparable`)."""
    return _score(_Weighed(a, weights, default), _Weighed(b, weights, default), same_language, weights, default)


def scores(
    mine: set[str], candidates: list[tuple[int, Set[str], str | None]], df: Mapping[str, int], n: int, lang: str | None
) -> list[tuple[int, float]]:
    """(story_id, similarity) of each candidate (story_id, terms, lang) to `mine`."""
    weights = idf(df, n)
    get = weights.get
    default = math.log(n + PRIOR)  # a term no other article has
    me = _Weighed(mine, weights, default)
    # counted among `mine` alone (monitor.store.stories.window counts only the terms it shares)
    only_mine = weights.keys() <= mine
    found = []
    # _score's tests, with a candidate's weight summed only for the few that pass them (most of a
    # window's 500 candidates share a name or one rare word, no more), and the test of what makes two
    # articles one story (a number or a date; two rare words, in one language) made on `mine`'s terms
    # of that kind: the same figures, for a fraction of the CPU of a save on the event loop
    # (bench/ingest.py, issue 16)
    strong = {t for t in mine if t[0] == "#" or t[:2] == "@d"}
    rare = {t for t in mine if t[0] == "~"}
    for story_id, theirs, their_lang in candidates:
        same_language = lang == their_lang
        if strong.isdisjoint(theirs) and (not same_language or len(rare & theirs) < 2):
            found.append((story_id, 0.0))  # names alone, or names and one rare word
            continue
        if same_language:
            ours, w_ours = me.every, me.w_every
        else:
            ours, w_ours, theirs = me.neutral, me.w_neutral, {t for t in theirs if t[0] != "~"}
        if len(ours) < MIN_TERMS or len(theirs) < MIN_TERMS:
            found.append((story_id, 0.0))
            continue
        shared = ours & theirs
        w_shared = sum(map(get, shared, repeat(default)))
        # every term of theirs that is not shared weighs `default` when only shared terms are counted
        w_theirs = (
            w_shared + (len(theirs) - len(shared)) * default if only_mine else sum(get(t, default) for t in theirs)
        )
        found.append((story_id, w_shared / min(w_ours, w_theirs)))
    return found


def best_story(
    mine: set[str],
    candidates: list[tuple[int, Set[str], str | None]],
    df: Mapping[str, int],
    n: int,
    lang: str | None = None,
    scored: list[tuple[int, float]] | None = None,
) -> tuple[int, float] | None:
    """The story (id, score) of the candidate (story_id, terms, lang) most like `mine`, if it reaches
    THRESHOLD. `scored`: the candidates scored already (`scores`)."""
    best: tuple[int, float] | None = None
    for story_id, score in scored if scored is not None else scores(mine, candidates, df, n, lang):
        if score >= THRESHOLD and (best is None or score > best[1]):
            best = (story_id, score)
    return best


NEAR = THRESHOLD / 2  # stories this like a new article are decided again with it (monitor.store.stories.recluster)


def near(
    mine: set[str],
    candidates: list[tuple[int, Set[str], str | None]],
    df: Mapping[str, int],
    n: int,
    lang: str | None = None,
    scored: list[tuple[int, float]] | None = None,
) -> set[int]:
    """The stories of the candidates (story_id, terms, lang) at least NEAR like `mine`: those a new
    article could join, or tie to another, and so must be decided again with it. A story that only
    shares a common word with it is left alone (re-deciding every story of the window that says
    "Azerbaijan" would cost a save hundreds of comparisons)."""
    found = scored if scored is not None else scores(mine, candidates, df, n, lang)
    return {story_id for story_id, score in found if score >= NEAR}


@dataclass(frozen=True)
class Told:
    """An original article as the story rules see it."""

    article_id: int
    published_at: datetime
    terms: frozenset[str]
    lang: str | None


def cluster(articles: list[Told], df: Mapping[str, int], n: int) -> list[list[int]]:
    """The stories of these articles (ids, earliest first), decided from the set alone, so that the
    same articles give the same stories whatever order they arrived in: in order of publication
    (then id), each article joins the story of the earlier article most like it (at least
    THRESHOLD, published within WINDOW), else starts one. Terms are weighted by their document
    frequencies `df` among `n` articles of the window."""
    ordered = sorted(articles, key=lambda a: (a.published_at, a.article_id))
    weights = idf(df, n)
    default = math.log(n + PRIOR)
    weighed = [_Weighed(a.terms, weights, default) for a in ordered]
    story_of: dict[int, int] = {}
    stories: list[list[int]] = []
    for i, a in enumerate(ordered):
        best: tuple[float, int] | None = None
        for j, e in enumerate(ordered[:i]):
            if a.published_at - e.published_at > WINDOW:
                continue
            score = _score(weighed[i], weighed[j], a.lang == e.lang, weights, default)
            if score >= THRESHOLD and (best is None or score > best[0]):
                best = (score, story_of[e.article_id])
        if best is None:
            story_of[a.article_id] = len(stories)
            stories.append([a.article_id])
        else:
            story_of[a.article_id] = best[1]
            stories[best[1]].append(a.article_id)
    return stories
