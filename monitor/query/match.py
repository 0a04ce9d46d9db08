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


def needle(term: Term) -> str:
    """The substring a term looks for in a folded text: ' w1 w2 ' (or ' w1 w2' for a prefix)."""
    return " " + " ".join(term.words) + ("" if term.prefix else " ")


def evaluate(node: Node | None, doc: Doc) -> bool:
    if node is None:
        return True
    if isinstance(node, Term):
        haystack = {
            None: doc.folded,
            "title": doc.folded_title,
            "source": doc.folded_outlet,
            "lang": f" {doc.lang or ''} ",
        }[node.field]
        return needle(node) in haystack
    if isinstance(node, And):
        return all(evaluate(p, doc) for p in node.parts)
    if isinstance(node, Or):
        return any(evaluate(p, doc) for p in node.parts)
    if isinstance(node, Not):
        return not evaluate(node.part, doc)
    raise TypeError(node)
