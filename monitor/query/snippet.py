"""Snippets: a short passage of the text around the first match, with the matched words marked."""

from __future__ import annotations

import re
from collections.abc import Iterable

from monitor.query.fold import words
from monitor.query.parse import Node, Term, positive_terms

_WORD = re.compile(r"[^\W_]+")

Segment = tuple[str, bool]  # (text, marked)


def _spans(text: str, terms: Iterable[Term]) -> list[tuple[int, int]]:
    tokens: list[tuple[str, int, int]] = []
    for m in _WORD.finditer(text):
        for w in words(m.group()):
            tokens.append((w, m.start(), m.end()))
    found: list[tuple[int, int]] = []
    for term in terms:
        n = len(term.words)
        for i in range(len(tokens) - n + 1):
            window = tokens[i : i + n]
            head_ok = all(window[j][0] == term.words[j] for j in range(n - 1))
            last = window[-1][0]
            last_ok = last.startswith(term.words[-1]) if term.prefix else last == term.words[-1]
            if head_ok and last_ok:
                found.append((window[0][1], window[-1][2]))
    return sorted(set(found))


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
