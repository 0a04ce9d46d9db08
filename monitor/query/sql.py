"""Compile a query tree to a parameterised SQL condition over `articles a`.

Same needles as monitor.query.match, tested with LIKE on the same folded columns, so the archive
search and the watcher of new articles give the same answer. The trigram indexes on the folded
columns serve these LIKE patterns.
"""

from __future__ import annotations

from monitor.query.parse import And, Node, Not, Or, Term, positive_terms

_COLUMN = {
    None: "a.folded",
    "title": "a.folded_title",
    "source": "a.folded_outlet",
    "lang": "(' ' || coalesce(a.lang, '') || ' ')",
}


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def compile_sql(node: Node | None) -> tuple[str, list[str]]:
    """(condition, parameters); an empty query is TRUE."""
    params: list[str] = []

    def walk(n: Node) -> str:
        if isinstance(n, Term):
            params.append(_like(n.needle))
            return f"{_COLUMN[n.field]} LIKE %s"
        if isinstance(n, And):
            return "(" + " AND ".join(walk(p) for p in n.parts) + ")"
        if isinstance(n, Or):
            return "(" + " OR ".join(walk(p) for p in n.parts) + ")"
        if isinstance(n, Not):
            return f"NOT {walk(n.part)}"
        raise TypeError(n)

    if node is None:
        return "TRUE", params
    return walk(node), params


def compile_title_hit(node: Node | None) -> tuple[str, list[str]] | None:
    """(condition, parameters) true when a searched word is in the title, which ranks an article
    higher; None when the query searches no words (nothing to rank by)."""
    terms = positive_terms(node)
    if not terms:
        return None
    return "(" + " OR ".join("a.folded_title LIKE %s" for _ in terms) + ")", [_like(t.needle) for t in terms]
