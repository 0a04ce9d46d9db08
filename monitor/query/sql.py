"""Compile a query tree to a parameterised SQL condition over `articles a`.

The archive answers the same question as monitor.query.match, on the same folded text:
- a word or a prefix, in the text or the title, is looked up in the article's word index
  (`words`, `title_words`: tsvectors of exactly the folded words, migration 004), which GIN
  answers without reading the text;
- a phrase in the text is narrowed by the index of adjacent word pairs (`pairs`, migration 008) to
  the articles holding each of its pairs ('w1 w2' and 'w2 w3' for "w1 w2 w3"), then its needle
  (' w1 w2 w3 ') is checked with LIKE on the folded text, which decides; a phrase in the title is
  narrowed by the title's words, then checked the same way on the folded title;
- `source:` and `lang:` test their needle with LIKE on the short outlet and language columns.
Every value travels as a parameter; a tsquery is built from folded words only (letters and
digits), each quoted as a lexeme, so nothing a user types is ever parsed as SQL or tsquery syntax.
"""

from __future__ import annotations

from dataclasses import dataclass

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


PAIR_CHARS = 100  # a pair keeps this many characters of each word (migration 008)
UNRECORDED = "unrecorded"  # the one lexeme of an article whose text is too long to record its pairs


def pairs_tsquery(term: Term) -> str:
    """The phrase's adjacent pairs as a tsquery: every pair present, the last one as a prefix if the
    phrase ends in one; or an article whose pairs were not recorded."""
    cut = [w[:PAIR_CHARS] for w in term.words]
    lexemes = [f"'{a} {b}'" for a, b in zip(cut, cut[1:], strict=False)]
    if term.prefix:  # a prefix of a word cut at PAIR_CHARS is still a prefix of the cut word
        lexemes[-1] += ":*"
    return f"({' & '.join(lexemes)}) | '{UNRECORDED}'"


@dataclass(frozen=True)
class _Words:
    """A subtree that is one tsquery over one word index (words and prefixes of one field only)."""

    field: str | None
    query: str


Sql = tuple[str, list[str]]  # a condition and its parameters, in order


def _sql(piece: _Words | Sql) -> Sql:
    if isinstance(piece, _Words):
        return f"{_WORDS[piece.field][0]} @@ %s::tsquery", [piece.query]
    return piece


def _term(term: Term) -> _Words | Sql:
    if term.field in _OTHER:
        return f"{_OTHER[term.field]} LIKE %s", [_like(term.needle)]
    if len(term.words) == 1:
        return _Words(term.field, tsquery(term))
    words, folded = _WORDS[term.field]
    if term.field is None:
        return f"(a.pairs @@ %s::tsquery AND {folded} LIKE %s)", [pairs_tsquery(term), _like(term.needle)]
    # the title's whole words narrow; not a prefix at the end, which a word too long for the word
    # index may complete (the needle decides, as in monitor.query.match)
    whole = Term(term.words[:-1]) if term.prefix else term
    return f"({words} @@ %s::tsquery AND {folded} LIKE %s)", [tsquery(whole), _like(term.needle)]


def _walk(n: Node) -> _Words | Sql:
    # Subtrees of words and prefixes on one field become one tsquery ('a' | 'b:*' & !'c'): one
    # index search and one test per row instead of one per word.
    if isinstance(n, Term):
        return _term(n)
    if isinstance(n, Not):
        inner = _walk(n.part)
        if isinstance(inner, _Words):
            return _Words(inner.field, f"!({inner.query})")
        sql, params = inner
        return f"NOT {sql}", params
    if isinstance(n, And | Or):
        parts = [_walk(p) for p in n.parts]
        ts_op, sql_op = ("&", "AND") if isinstance(n, And) else ("|", "OR")
        fields = {p.field for p in parts if isinstance(p, _Words)}
        if len(fields) == 1 and all(isinstance(p, _Words) for p in parts):
            return _Words(fields.pop(), "(" + f" {ts_op} ".join(p.query for p in parts) + ")")  # type: ignore[union-attr]
        pieces = [_sql(p) for p in parts]
        return "(" + f" {sql_op} ".join(sql for sql, _ in pieces) + ")", [v for _, params in pieces for v in params]
    raise TypeError(n)


def compile_sql(node: Node | None) -> tuple[str, list[str]]:
    """(condition, parameters); an empty query is TRUE."""
    if node is None:
        return "TRUE", []
    return _sql(_walk(node))


def compile_title_hit(node: Node | None) -> tuple[str, list[str]] | None:
    """(condition, parameters) true when a searched word is in the title, which ranks an article
    higher; None when the query searches no words (nothing to rank by)."""
    terms = positive_terms(node)
    if not terms:
        return None
    return compile_sql(Or(tuple(Term(t.words, t.prefix, "title") for t in terms)))


def title_hit_implies_match(node: Node | None) -> bool:
    """Whether an article with a searched word in its title matches the query whatever its text: a
    word, a prefix or a phrase, or several joined by OR (the title's folded words begin its folded
    text, so a title hit is a text hit too)."""
    if isinstance(node, Term):
        return node.field in (None, "title")
    if isinstance(node, Or):
        return all(title_hit_implies_match(p) for p in node.parts)
    return False
