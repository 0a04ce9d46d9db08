"""Compile a query tree to a parameterised SQL condition over `articles a`.

The archive answers the same question as monitor.query.match, on the same folded text:
- a word or a prefix, in the text or the title, is looked up in the article's word index
  (`words`, `title_words`: tsvectors of exactly the folded words, migration 004), which GIN
  answers without reading the text;
- a phrase is narrowed the same way to the articles holding all its words, then its needle
  (' w1 w2 ') is checked with LIKE on the folded text, for order and adjacency;
- `source:` and `lang:` test their needle with LIKE on the short outlet and language columns.
Every value travels as a parameter; a tsquery is built from folded words only (letters and
digits), each quoted as a lexeme, so nothing a user types is ever parsed as SQL or tsquery syntax.
"""

from __future__ import annotations

from monitor.query.parse import And, Node, Not, Or, Term, positive_terms

_WORDS = {None: ("a.words", "a.folded"), "title": ("a.title_words", "a.folded_title")}
_OTHER = {"source": "a.folded_outlet", "lang": "(' ' || coalesce(a.lang, '') || ' ')"}


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def tsquery(term: Term) -> str:
    """The term's words as a tsquery: every word present, the last one as a prefix if it is one."""
    lexemes = [f"'{w}'" for w in term.words]  # folded words hold no quote or backslash
    if term.prefix:
        lexemes[-1] += ":*"
    return " & ".join(lexemes)


def _term(term: Term, params: list[str]) -> str:
    if term.field in _OTHER:
        params.append(_like(term.needle))
        return f"{_OTHER[term.field]} LIKE %s"
    words, folded = _WORDS[term.field]
    params.append(tsquery(term))
    if len(term.words) == 1:
        return f"{words} @@ %s::tsquery"
    params.append(_like(term.needle))
    return f"({words} @@ %s::tsquery AND {folded} LIKE %s)"


def compile_sql(node: Node | None) -> tuple[str, list[str]]:
    """(condition, parameters); an empty query is TRUE."""
    params: list[str] = []

    def walk(n: Node) -> str:
        if isinstance(n, Term):
            return _term(n, params)
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
    params: list[str] = []
    return "(" + " OR ".join(_term(Term(t.words, t.prefix, "title"), params) for t in terms) + ")", params
