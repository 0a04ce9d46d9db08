"""Word-level differences between two versions of an article (difflib), kept compactly: runs the
versions share are word counts, only the words removed or added are written out."""

from __future__ import annotations

from difflib import SequenceMatcher
from typing import Any

Op = list[Any]  # ["=", n words] | ["-", "removed words"] | ["+", "added words"]
RUN = 3  # words in a row that count as text kept (fewer are common words met by chance)


def words(text: str) -> list[str]:
    return text.split()


def diff(old: str, new: str) -> list[Op]:
    """The edit script from `old` to `new`, word by word."""
    a, b = words(old), words(new)
    ops: list[Op] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            ops.append(["=", i2 - i1])
            continue
        if tag in ("replace", "delete"):
            ops.append(["-", " ".join(a[i1:i2])])
        if tag in ("replace", "insert"):
            ops.append(["+", " ".join(b[j1:j2])])
    return ops


def segments(old: str, ops: list[Op]) -> list[tuple[str, str]]:
    """(op, text) pieces to show: shared text (from `old`), removed and added words."""
    a = words(old)
    at = 0
    out: list[tuple[str, str]] = []
    for op, value in ops:
        if op == "=":
            out.append(("=", " ".join(a[at : at + value])))
            at += value
        else:
            out.append((op, value))
            if op == "-":
                at += len(words(value))
    return out


def changes(ops: list[Op]) -> list[dict[str, str]]:
    """Only what changed, for the API: [{"op": "-"|"+", "words": …}]."""
    return [{"op": op, "words": value} for op, value in ops if op != "="]


def counts(ops: list[Op]) -> tuple[int, int]:
    """(words added, words removed)."""
    added = sum(len(words(v)) for op, v in ops if op == "+")
    removed = sum(len(words(v)) for op, v in ops if op == "-")
    return added, removed


def overlap(old: str, new: str) -> tuple[float, float]:
    """How much of `old` the new text keeps, and how much of `new` comes from `old`, counting
    only runs of RUN words or more (shares of each text's words)."""
    a, b = words(old), words(new)
    if not a or not b:
        return 0.0, 0.0
    least = min(RUN, len(a), len(b))
    shared = sum(m.size for m in SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks() if m.size >= least)
    return shared / len(a), shared / len(b)


def trimmed(pieces: list[tuple[str, str]], context: int = 12) -> list[tuple[str, str]]:
    """The pieces with long shared runs cut to `context` words around each change, for showing."""
    out: list[tuple[str, str]] = []
    for i, (op, text) in enumerate(pieces):
        w = words(text)
        if op != "=" or len(w) <= 2 * context + 1:
            out.append((op, text))
            continue
        head = " ".join(w[:context]) if i > 0 else ""
        tail = " ".join(w[-context:]) if i < len(pieces) - 1 else ""
        out.append(("=", f"{head} … {tail}".strip()))
    return out
