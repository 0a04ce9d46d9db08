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
from collections.abc import Mapping
from datetime import timedelta

from monitor.query.fold import fold_word_chars

LEAD_WORDS = 90
WINDOW = timedelta(days=3)  # a story older than this is a new story when it comes back
THRESHOLD = 0.4
MIN_TERMS = 3  # an article with fewer terms than this is a story of its own

_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:['’-][^\W\d_]+)*")
_SENTENCE_END = re.compile(r"[.!?:\"“”]$")
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


def _norm(token: str) -> str:
    """Folded, with a possessive dropped: "Azerbaijan's" and "Azerbaijan" are one name."""
    return fold_word_chars(token).replace("’", "'").removesuffix("'s")


def terms(title: str, text: str, lang: str | None = None) -> set[str]:
    """Names (capitalised, not at a sentence start), numbers and rare words of the title and lead."""
    lead = " ".join(text.split()[:LEAD_WORDS])
    found: set[str] = set()
    for part in (title, lead):
        previous = "."
        for token in _TOKEN.findall(part):
            key = _norm(token)
            if token[0].isdigit():
                number = token.replace(",", "").rstrip(".")
                if len(number) > 1 or part is title:
                    found.add("#" + number)
            elif token[0].isupper() and key not in _COMMON and (part is title or not _SENTENCE_END.search(previous)):
                found.add(key)
            elif len(token) >= 8 and key not in _ORDINARY and key not in _COMMON:
                found.add(key)
            previous = token
    return found


PRIOR = 10  # imagined articles without the term: while the window holds few articles, no term looks common


def idf(df: Mapping[str, int], n: int) -> Mapping[str, float]:
    """Term weights from document frequencies among `n` articles (smoothed inverse document frequency)."""
    return {t: math.log((n + PRIOR) / (d + 1)) for t, d in df.items()}


def similarity(a: set[str], b: set[str], weights: Mapping[str, float], default: float) -> float:
    """Weight of the shared terms over the weight of the lighter article's terms."""
    if len(a) < MIN_TERMS or len(b) < MIN_TERMS:
        return 0.0
    w = lambda t: weights.get(t, default)  # noqa: E731
    shared = sum(w(t) for t in a & b)
    return shared / min(sum(w(t) for t in a), sum(w(t) for t in b))


def best_story(
    mine: set[str], candidates: list[tuple[int, set[str]]], df: Mapping[str, int], n: int
) -> tuple[int, float] | None:
    """The story (id, score) of the candidate (story_id, terms) most like `mine`, if it reaches THRESHOLD."""
    weights = idf(df, n)
    default = math.log(n + PRIOR)  # a term no other article has
    best: tuple[int, float] | None = None
    for story_id, theirs in candidates:
        score = similarity(mine, theirs, weights, default)
        if score >= THRESHOLD and (best is None or score > best[1]):
            best = (story_id, score)
    return best
