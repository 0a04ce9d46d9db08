"""Evaluate a query tree against one document in process (new articles, keyword previews)."""

from __future__ import annotations

from dataclasses import dataclass

from monitor.query.fold import fold
from monitor.query.parse import And, Node, Not, Or, Term


@dataclass(frozen=True)
class Doc:
    """A document in folded form (see monitor.query.fold)."""

    folded: str  # title and text
    folded_title: str
    folded_outlet: str
    lang: str | None

    @classmethod
    def of(cls, title: str, text: str, outlet: str, lang: str | None) -> Doc:
        return cls(fold(title + "\n" + text), fold(title), fold(outlet), lang)


def _haystack(field: str | None, doc: Doc) -> str:
    if field is None:
        return doc.folded
    if field == "title":
        return doc.folded_title
    if field == "source":
        return doc.folded_outlet
    return f" {doc.lang or ''} "


def evaluate(node: Node | None, doc: Doc) -> bool:
    """Whether `doc` matches the tree (an empty query, None, matches everything)."""
    if node is None:
        return True
    kind = type(node)  # exact types, tested in order of frequency: this runs for every keyword of every article
    if kind is Term:
        return node.needle in _haystack(node.field, doc)  # type: ignore[union-attr]
    if kind is Or:
        return any(evaluate(p, doc) for p in node.parts)  # type: ignore[union-attr]
    if kind is And:
        return all(evaluate(p, doc) for p in node.parts)  # type: ignore[union-attr]
    if kind is Not:
        return not evaluate(node.part, doc)  # type: ignore[union-attr]
    raise TypeError(node)
