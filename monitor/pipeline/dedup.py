"""Duplicates: exact (the same normalised text) and near (most of one text reproduced in another).

The near test is containment, |A∩B| / min(|A|, |B|) over word shingles: a trimmed copy, an
extended copy, a copy with a new lead or the story inside a longer page all reproduce nearly all of
the smaller text. Two different stories that end with the same background paragraphs (Trend's
election stories do) share only that tail, well under THRESHOLD of either.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from monitor.pipeline.fingerprint import Signature, containment_estimate, shingles
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


def worth_checking(new: Signature, candidates: list[tuple[int, Signature]]) -> list[int]:
    """The ids of the candidates (id, signature) whose estimated containment could reach THRESHOLD, best first."""
    scored = {i: containment_estimate(new, sig) for i, sig in candidates}
    kept = sorted(
        (i for i, score in scored.items() if score >= THRESHOLD - ESTIMATE_MARGIN), key=lambda i: (-scored[i], i)
    )
    return kept[:CHECK_AT_MOST]


@dataclass(frozen=True)
class Candidate:
    """A stored article that may be reproduced, and its root (what it itself reproduces, or itself)."""

    article_id: int
    root_id: int
    root_is_seed: bool


@dataclass(frozen=True)
class Original:
    """What a new article reproduces: the earliest article or seed, and how closely."""

    article_id: int
    is_seed: bool
    similarity: float


def choose(matches: list[tuple[Candidate, float]]) -> Original | None:
    """Among verified matches (candidate, containment ≥ THRESHOLD): a seed first, else the earliest root."""
    if not matches:
        return None
    by_root: dict[int, tuple[bool, float]] = {}
    for c, score in matches:
        seed, best = by_root.get(c.root_id, (c.root_is_seed, 0.0))
        by_root[c.root_id] = (seed, max(best, score))
    root = min(by_root, key=lambda r: (not by_root[r][0], r))  # ids grow with time: the smallest is the earliest
    seed, score = by_root[root]
    return Original(root, seed, round(score, 4))
