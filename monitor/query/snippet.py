"""Snippets: a short passage of the text around the first match, with the matched words marked."""

from __future__ import annotations

import re
from collections import deque
from functools import lru_cache

from monitor.query.fold import words
from monitor.query.parse import And, Node, Not, Or, Term

_WORD = re.compile(r"[^\W_]+")

Segment = tuple[str, bool]  # (text, marked)


def positive_terms(node: Node | None) -> list[Term]:
    """The terms of a tree that say what to find (not the excluded ones), text fields only."""
    if node is None:
        return []
    if isinstance(node, Term):
        return [node] if node.field in (None, "title") else []
    if isinstance(node, And | Or):
        return [t for p in node.parts for t in positive_terms(p)]
    if isinstance(node, Not):
        return []
    raise TypeError(node)


@lru_cache(maxsize=65536)
def _folded(token: str) -> tuple[str, ...]:
    # Folding goes character by character; a page of results folds the same few thousand words
    # over and over (bench/web.py: this cache makes snippets about 5x cheaper)
    return tuple(words(token))


def _spans(text: str, terms: list[Term], horizon: int) -> list[tuple[int, int]]:
    """(start, end) of every match of `terms` in `text`, up to `horizon` characters past the
    first one (a snippet never shows more)."""
    if not terms:
        return []
    longest = max(len(t.words) for t in terms)
    recent: deque[tuple[str, int, int]] = deque(maxlen=longest)
    found: list[tuple[int, int]] = []
    stop = len(text)
    for m in _WORD.finditer(text):
        if m.start() > stop:
            break
        for w in _folded(m.group()):
            recent.append((w, m.start(), m.end()))
            for term in terms:
                n, last = len(term.words), term.words[-1]
                # the cheap test first: most words are not the term's last word
                if not (w.startswith(last) if term.prefix else w == last) or len(recent) < n:
                    continue
                window = list(recent)[-n:]
                if all(window[j][0] == term.words[j] for j in range(n - 1)):
                    found.append((window[0][1], window[-1][2]))
                    stop = min(stop, window[0][1] + horizon)
    return sorted(set(found))


def snippet(text: str, node: Node | None, width: int = 240) -> list[Segment]:
    """Up to `width` characters of `text` around its first match, as (text, marked) segments."""
    text = " ".join(text.split())
    spans = _spans(text, positive_terms(node), width)
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
