"""Fingerprints for near-duplicate detection: MinHash over word shingles, and its LSH band keys.

A text is folded the way search folds it (monitor.query.fold: case, diacritics, punctuation and
line breaks gone), cut into overlapping runs of SHINGLE words, and summarised by NUM_PERM minimum
hashes (rensa's RMinHash: picked over datasketch by bench/dedup.py, several times faster for the
same estimates). The signature is cut into BANDS bands of ROWS values; two texts that agree on
every value of one band are candidates, checked afterwards against their real text.

ROWS = 2 keeps candidates coming for a low Jaccard similarity, on purpose: a trimmed copy, or a
story inside a longer page, shares nearly all of the smaller text (high containment) but only
half of the union or less (low Jaccard). With 32 bands of 2, a pair at Jaccard 0.3 is a candidate
with probability 1 - (1 - 0.3²)³² ≈ 0.95, at 0.5 with ≈ 0.9999.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from rensa import RMinHash

from monitor.query.fold import words

SHINGLE = 5  # words per shingle: long enough that stock phrases ("the central election commission") rarely match alone
NUM_PERM = 64
ROWS = 2  # band_keys packs a band's two 32-bit values into one 64-bit key: changing ROWS changes it too
BANDS = NUM_PERM // ROWS
SEED = 20240207  # fixed: signatures stored by one process are compared by every other, forever
_PACK = struct.Struct(f"<{NUM_PERM}I")
_GOLDEN = 0x9E3779B97F4A7C15  # spreads band numbers over the key space (Fibonacci hashing)
_MASK = (1 << 64) - 1


@dataclass(frozen=True)
class Signature:
    """The MinHash of a text's shingle set, and that set's size (for containment estimates)."""

    minhash: tuple[int, ...]
    size: int

    def to_bytes(self) -> bytes:
        return _PACK.pack(*self.minhash)

    @classmethod
    def from_bytes(cls, data: bytes, size: int) -> Signature:
        return cls(_PACK.unpack(data), size)


def shingles(text: str) -> set[str]:
    """The set of SHINGLE-word runs of the folded text; a shorter text is one shingle of all its words."""
    found = words(text)
    if len(found) <= SHINGLE:
        return {" ".join(found)} if found else set()
    return {" ".join(found[i : i + SHINGLE]) for i in range(len(found) - SHINGLE + 1)}


def fingerprint(text: str) -> Signature:
    """The signature of `text` (an empty text has size 0 and never matches anything)."""
    found = shingles(text)
    m = RMinHash(num_perm=NUM_PERM, seed=SEED)
    m.update(sorted(found))
    return Signature(tuple(m.digest()), len(found))


def band_keys(sig: Signature) -> list[int]:
    """One signed 64-bit key per band (the PostgreSQL bigint the bands table is indexed on)."""
    if sig.size == 0:
        return []
    keys = []
    for band in range(BANDS):
        a, b = sig.minhash[band * ROWS], sig.minhash[band * ROWS + 1]
        key = (((a << 32) | b) ^ (band * _GOLDEN)) & _MASK
        keys.append(key - (1 << 64) if key >= 1 << 63 else key)
    return keys


def jaccard(a: Signature, b: Signature) -> float:
    """Estimated Jaccard similarity of the two shingle sets."""
    if a.size == 0 or b.size == 0:
        return 0.0
    return sum(x == y for x, y in zip(a.minhash, b.minhash, strict=True)) / NUM_PERM


def containment_estimate(a: Signature, b: Signature) -> float:
    """Estimated share of the smaller set found in the larger: |A∩B| / min(|A|, |B|).

    From Jaccard J and the sizes: |A∩B| = J·(|A| + |B|) / (1 + J).
    """
    j = jaccard(a, b)
    if j == 0.0:
        return 0.0
    return min(1.0, j * (a.size + b.size) / (1 + j) / min(a.size, b.size))
