"""Duplicates: exact (the same normalised text) and near (most of one text reproduced in another).

The near test is containment, |A∩B| / min(|A|, |B|) over word shingles: a trimmed copy, an
extended copy, a copy with a new lead or the story inside a longer page all reproduce nearly all of
the smaller text. What the two outlets repeat in many of their own articles (their template text,
monitor.pipeline.templates: Trend's three background paragraphs) is left out first: two different
Trend articles about one meeting, sharing a quote and that tail, are not copies; a copy by another
outlet still reproduces the rest.

Among articles that reproduce one another the original is the earliest published (`arrange`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from monitor.pipeline import templates
from monitor.pipeline.fingerprint import Signature, containment_estimate, shingles
from monitor.pipeline.templates import Template
from monitor.query.fold import words

THRESHOLD = 0.6  # containment from which one text reproduces another (tuned on tests/dedup_eval)
# shingles (about as many words): below this, two texts share a sentence, never a story. It also keeps
# a text of a line or two (a feed summary standing in for a page) from passing as a copy of the
# article, or seed, that happens to contain that line.
MIN_SHARED = 20
ESTIMATE_MARGIN = 0.2  # MinHash estimates are rough (64 values): check the real text from THRESHOLD - margin
CHECK_AT_MOST = 20  # candidates whose real text is compared, best estimates first


def content_hash(text: str) -> str | None:
    """SHA-256 of the folded words of `text`; None for a text too short to identify anything."""
    found = words(text)
    if len(found) < 20:
        return None
    return hashlib.sha256(" ".join(found).encode()).hexdigest()


def containment(a: set[str], b: set[str]) -> float:
    """The share of the smaller shingle set found in the larger; 0 when they share too little."""
    if not a or not b:
        return 0.0
    shared = len(a & b)
    if shared < MIN_SHARED:
        return 0.0
    return shared / min(len(a), len(b))


def is_duplicate(a: str, b: str) -> tuple[bool, float]:
    """Whether one text reproduces the other, and their containment."""
    score = containment(shingles(a), shingles(b))
    return score >= THRESHOLD, score


def worth_checking(
    new: Signature, candidates: list[tuple[int, Signature]], at_most: int | None = CHECK_AT_MOST
) -> list[int]:
    """The ids of the candidates (id, signature) whose estimated containment could reach THRESHOLD,
    best first; `at_most` None: all of them (a seed's look-back, monitor.store.originals.decide_all)."""
    scored = {i: containment_estimate(new, sig) for i, sig in candidates}
    kept = sorted(
        (i for i, score in scored.items() if score >= THRESHOLD - ESTIMATE_MARGIN), key=lambda i: (-scored[i], i)
    )
    return kept[:at_most]


def discounted(text: str, template: Template) -> set[str]:
    """The shingles of `text` once the template sentences (of both outlets compared) are left out:
    what the containment test compares (monitor.pipeline.templates)."""
    return shingles(templates.strip(text, template))


@dataclass(frozen=True)
class Member:
    """An article of a group of copies, as the original is chosen among them."""

    article_id: int
    is_seed: bool
    published_at: datetime | None
    fetched_at: datetime

    def order(self) -> tuple[bool, datetime, datetime, int]:
        """Seeds first (see `arrange`), then the earliest published, first seen, smallest id."""
        return (not self.is_seed, self.published_at or self.fetched_at, self.fetched_at, self.article_id)


@dataclass(frozen=True)
class Original:
    """What an article reproduces: the earliest article or seed, and how closely."""

    article_id: int
    is_seed: bool
    similarity: float


def arrange(members: list[Member], score: Mapping[tuple[int, int], float]) -> dict[int, Original | None]:
    """Each member's original (None for an original) in a group of articles that reproduce one
    another. `score[(a, b)]` (either order) is the verified containment of a pair; pairs below
    THRESHOLD or missing do not reproduce each other.

    The original is the earliest published member (first seen, then id, breaking ties), whatever
    the order in which they were stored; each other member names the original of the earliest
    member it reproduces, with its similarity to that original. A seed comes before every
    ordinary article, also one published before it: a seed is what the user has read already, so
    anything reproducing it is a seed copy, never told as new, and the seed's republication record
    shows the earlier one with a negative delay rather than losing it.
    """

    def pair(a: int, b: int) -> float:
        return score.get((a, b), score.get((b, a), 0.0))

    ordered = sorted(members, key=Member.order)
    root: dict[int, Member] = {}
    out: dict[int, Original | None] = {}
    for n, m in enumerate(ordered):
        earlier = next((e for e in ordered[:n] if pair(m.article_id, e.article_id) >= THRESHOLD), None)
        if earlier is None:
            root[m.article_id] = m
            out[m.article_id] = None
            continue
        r = root[earlier.article_id]
        root[m.article_id] = r
        out[m.article_id] = Original(r.article_id, r.is_seed, round(pair(m.article_id, r.article_id), 4))
    return out
