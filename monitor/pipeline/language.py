"""The language of a text: py3langid's model and scores, with its walk over the text's bytes done
by numpy.

py3langid counts its byte n-gram features by walking an Aho-Corasick automaton one byte at a time
in Python: most of its CPU, and a fifth of an article's extraction (bench/ingest.py, issue 16).
In such an automaton the state after a byte is the longest suffix of the text read so far that
is a node of its trie, so it depends only on the last DEPTH bytes (the longest node's length):
walked from the start state over those bytes alone, every position's state comes out the same,
and all positions are walked at once, one byte back per step. The features, their counts and
the order they are summed in are py3langid's own, so its scores are the same to the last bit
(tests/unit/test_understanding.py compares them with py3langid's walk).
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
from py3langid.langid import MODEL_FILE, RAW_FLOOR, LanguageIdentifier

MIN_LANG_TEXT = 20
LANG_TEXT = 2000  # characters read: enough to tell a language, and the cost stays bounded


class Identifier(LanguageIdentifier):
    """py3langid's LanguageIdentifier with its byte walk (`_raw_score`) on numpy arrays."""

    __slots__ = ("_depth", "_next", "_out", "_rows")

    def _tables(self) -> None:
        # the transitions (10 million, 39 MB) are viewed where py3langid keeps them, not copied
        self._next = np.frombuffer(self.tk_nextmove, dtype=np.dtype(self.tk_nextmove.typecode))
        self._rows = np.asarray(self._rowbase, dtype=np.intp)
        self._out = np.asarray(self.tk_output, dtype=np.intp)
        self._depth = _depth(self._next, self._rows)

    def _raw_score(self, text: bytes) -> Any:
        data = np.frombuffer(text, dtype=np.uint8).astype(np.intp)
        n = len(data)
        state = np.zeros(n, dtype=self._next.dtype)
        for back in range(min(self._depth, n) - 1, -1, -1):  # position i reads byte i - back
            state[back:] = self._next[self._rows[state[back:]] + data[: n - back]]
        found = self._out[state]
        found = found[found >= 0]
        if not len(found):
            return np.full(len(self.nb_classes), RAW_FLOOR, dtype=np.float32)
        # py3langid sums its features in the order they first occur (a Counter's): so here too
        features, first, counts = np.unique(found, return_index=True, return_counts=True)
        order = np.argsort(first, kind="stable")
        return np.log1p(counts[order].astype(np.float32)) @ self.nb_ptc[features[order]] + self.nb_pc


def _depth(nextmove: Any, rows: Any) -> int:
    """The length of the automaton's longest trie node: how many steps from the start state the
    farthest state is (breadth first over all 256 bytes, a few thousand states at a time, so that
    no step holds more than a few MB)."""
    seen = np.zeros(len(rows), dtype=bool)
    seen[0] = True
    frontier, depth, every_byte = np.array([0], dtype=np.intp), 0, np.arange(256, dtype=np.intp)
    while True:
        parts = [
            np.unique(nextmove[(rows[frontier[i : i + 2048]][:, None] + every_byte).ravel()])
            for i in range(0, len(frontier), 2048)
        ]
        reached = np.unique(np.concatenate(parts))
        reached = reached[~seen[reached]]
        if not len(reached):
            return depth
        seen[reached] = True
        frontier, depth = reached.astype(np.intp), depth + 1


_lock = threading.Lock()
_identifier: Identifier | None = None


def identifier() -> Identifier:
    """The model (about 100 MB), loaded once. py3langid loads it lazily without a lock, so pages
    extracted in several threads at once would each load their own copy."""
    global _identifier
    with _lock:
        if _identifier is None:
            loaded = Identifier.from_model_file(MODEL_FILE, norm_probs=False)
            loaded._tables()
            _identifier = loaded
    return _identifier


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language (offline, py3langid), None when too short to tell."""
    if len(text.strip()) < MIN_LANG_TEXT:
        return None
    lang, _score = identifier().classify(text[:LANG_TEXT])
    return str(lang)
