"""Snippets: a short passage of the text around the first match, with the matched words marked."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from monitor.query.fold import words
from monitor.query.parse import Node, Term, positive_terms

_WORD = re.compile(r"[^\W_]+")

Segment = tuple[str, bool]  # (text, marked)


@functools.lru_cache(maxsize=100_000)
def _folded(token: str) -> tuple[str, ...]:
    return tuple(words(token))  # the same few thousand words recur: fold each once


def _spans(text: str, terms: Iterable[Term]) -> list[tuple[int, int]]:
    """(start, end) of each passage of `text` that one of the terms matches."""
    tokens: list[tuple[str, int, int]] = [
        (w, m.start(), m.end()) for m in _WORD.finditer(text) for w in _folded(m.group())
    ]
    at: dict[str, list[int]] = {}  # word -> its token positions
    for i, (w, _, _) in enumerate(tokens):
        at.setdefault(w, []).append(i)
    found: set[tuple[int, int]] = set()
    for term in terms:
        first, n = term.words[0], len(term.words)
        if n == 1 and term.prefix:
            starts = [i for w, places in at.items() if w.startswith(first) for i in places]
        else:
            starts = at.get(first, [])
        for i in starts:
            window = [w for w, _, _ in tokens[i : i + n]]
            if len(window) < n or window[1:-1] != list(term.words[1:-1]):
                continue
            last = term.words[-1]
            if n == 1 or (window[-1].startswith(last) if term.prefix else window[-1] == last):
                found.add((tokens[i][1], tokens[i + n - 1][2]))
    return sorted(found)


def snippet(text: str, node: Node | None, width: int = 240) -> list[Segment]:
    """Up to `width` characters of `text` around its first match, as (text, marked) segments."""
    text = " ".join(text.split())
    spans = _spans(text, positive_terms(node))
    if not spans:
        cut = text[:width]
        return [(cut + ("…" if len(text) > width else ""), False)]
    first = spans[0][0]
    start = max(0, first - width // 3)
    if start > 0:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < first else start
    end = min(len(text), start + width)
    segments: list[Segment] = [("…", False)] if start > 0 else []
    pos = start
    for s, e in spans:
        if s < pos or e > end:
            continue
        segments += [(text[pos:s], False), (text[s:e], True)]
        pos = e
    segments.append((text[pos:end] + ("…" if end < len(text) else ""), False))
    return [seg for seg in segments if seg[0]]


def plain(segments: list[Segment], mark: str = "*") -> str:
    """Segments as plain text, marked words between `mark`s."""
    return "".join(f"{mark}{t}{mark}" if marked else t for t, marked in segments)
