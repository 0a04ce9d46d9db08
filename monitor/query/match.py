"""Evaluate a query tree against one document in process (new articles, keyword previews).

A term matches when its needle is a substring of the folded text (monitor.query.fold), exactly
as PostgreSQL tests it. Every new article is tested against every keyword, so the common terms
are answered from the document's set of words instead of scanning the text: a single word is in
the text exactly when it is one of its words, a single prefix exactly when it begins one of
them, and a phrase can only be in the text when all its words are (then the text is scanned).
The archive answers the same way (monitor.query.sql), by index first: words from the word index,
a phrase narrowed by the index of adjacent word pairs, then its text scanned.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from monitor.query.fold import fold
from monitor.query.parse import MAX_WORD_BYTES, And, Node, Not, Or, Term


class _Words:
    """The words of one folded text, and every prefix of them, for set look-ups."""

    __slots__ = ("folded", "words", "_prefixes")

    def __init__(self, folded: str):
        self.folded = folded
        # as the archive's word index does (migration 004): a "word" over 2047 bytes is left out
        self.words = frozenset(w for w in folded.split() if len(w) <= 511 or len(w.encode()) <= MAX_WORD_BYTES)
        self._prefixes: set[str] | None = None

    def prefixes(self) -> set[str]:
        if self._prefixes is None:
            self._prefixes = {w[:i] for w in self.words for i in range(1, len(w) + 1)}
        return self._prefixes

    def has(self, term: Term) -> bool:
        words = term.words
        if len(words) == 1:
            return words[0] in self.prefixes() if term.prefix else words[0] in self.words
        # a phrase is its needle in the text (a word over 2047 bytes may complete its prefix, as in
        # the archive); its whole words first, as a quicker refusal
        for w in words[:-1] if term.prefix else words:
            if w not in self.words:
                return False
        return term.needle in self.folded


@dataclass(frozen=True)
class Doc:
    """A document in folded form (see monitor.query.fold)."""

    folded: str  # title and text
    folded_title: str
    folded_outlet: str
    lang: str | None
    _text: _Words = field(init=False, repr=False, compare=False)
    _title: _Words = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_text", _Words(self.folded))
        object.__setattr__(self, "_title", _Words(self.folded_title))

    @classmethod
    def of(cls, title: str, text: str, outlet: str, lang: str | None) -> Doc:
        return cls(fold(title + "\n" + text), fold(title), fold(outlet), lang)


def _term(term: Term, doc: Doc) -> bool:
    if term.field is None:
        return doc._text.has(term)
    if term.field == "title":
        return doc._title.has(term)
    if term.field == "source":
        return term.needle in doc.folded_outlet
    return term.needle in f" {doc.lang or ''} "


def evaluate(node: Node | None, doc: Doc) -> bool:
    """Whether `doc` matches the tree (an empty query, None, matches everything)."""
    if node is None:
        return True
    # Exact types, most frequent first, and plain loops rather than any()/all(): this runs for
    # every keyword of every new article.
    kind = type(node)
    if kind is Term:
        return doc._text.has(node) if node.field is None else _term(node, doc)  # type: ignore[union-attr,arg-type]
    if kind is Or:
        for part in node.parts:  # type: ignore[union-attr]
            if evaluate(part, doc):
                return True
        return False
    if kind is And:
        for part in node.parts:  # type: ignore[union-attr]
            if not evaluate(part, doc):
                return False
        return True
    if kind is Not:
        return not evaluate(node.part, doc)  # type: ignore[union-attr]
    raise TypeError(node)
