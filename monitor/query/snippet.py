"""Snippets: a short passage of the text around the first match, with the matched words marked."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from monitor.query.fold import fold_word_chars, words
from monitor.query.parse import Node, Term, positive_terms

_WORD = re.compile(r"[^\W_]+")

Segment = tuple[str, bool]  # (text, marked)


@functools.lru_cache(maxsize=100_000)
def _folded(token: str) -> tuple[str, ...]:
    return tuple(words(token))  # the same few thousand words recur: fold each once


@functools.lru_cache(maxsize=10_000)
def _one_to_one(char: str) -> bool:
    """Whether folding turns `char` into exactly one character, a letter or digit just when it was one."""
    folded = fold_word_chars(char)
    return len(folded) == 1 and bool(_WORD.fullmatch(char)) == bool(_WORD.fullmatch(folded))


def _aligned(text: str) -> str | None:
    """The folded characters of `text` when they line up one for one with it (nearly always), else None."""
    if not all(_one_to_one(c) for c in set(text)):
        return None
    folded = fold_word_chars(text)
    return folded if len(folded) == len(text) else None  # nothing composed or split across characters


@functools.lru_cache(maxsize=10_000)
def _pattern(term: Term) -> re.Pattern[str]:
    """The term in folded characters: whole words, separated by anything that is not a word."""
    parts = [re.escape(w) for w in term.words]
    if term.prefix:
        parts[-1] += r"[^\W_]*"
    # a lookahead, so that overlapping matches ("a a" in "a a a") are all found, as token by token
    return re.compile(r"(?<![^\W_])(?=(" + r"[\W_]+".join(parts) + r")(?![^\W_]))")


def _spans_by_token(text: str, terms: Iterable[Term]) -> list[tuple[int, int]]:
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


def _spans(text: str, terms: list[Term]) -> list[tuple[int, int]]:
    """(start, end) of each passage of `text` that one of the terms matches: searched in the folded
    characters when they line up with the text's (fast), else token by token."""
    if not terms:
        return []
    folded = _aligned(text)
    if folded is None:
        return _spans_by_token(text, terms)
    return sorted({m.span(1) for term in terms for m in _pattern(term).finditer(folded)})


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
