"""The query language of keywords and search, parsed into one tree.

    query   := either ("OR" either)*          a OR b
    either  := unary+                         terms side by side must all match
    unary   := "-" unary | primary            -excluded
    primary := "(" query ")" | field? value   title:"snap election", lang:ru
    value   := word | word* | "phrase" | "phrase ending in a prefix*"

Words and phrases are folded (monitor.query.fold) when parsed, so the tree holds exactly what
will be looked for. A malformed query raises QueryError, which says where it went wrong.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from monitor.errors import UsageError
from monitor.query.fold import words

FIELDS = ("title", "source", "lang")
MAX_WORD_BYTES = 2047  # PostgreSQL's limit for a word in its index (a lexeme); longer ones are not searchable
# A query is read, matched and compiled by recursive functions: 400 nested parentheses or ~1,000
# leading '-' raised RecursionError. Real queries nest a few levels and fit in a few lines.
MAX_QUERY_CHARS = 2000
MAX_DEPTH = 32  # parentheses and exclusions inside one another


class QueryError(UsageError):
    def __init__(self, message: str, query: str, position: int):
        super().__init__(f"query: {message} at position {position + 1}: {query!r}")
        self.position = position


@dataclass(frozen=True)
class Term:
    """A word, a prefix (`prefix=True`: the last word may continue) or a phrase of several words."""

    words: tuple[str, ...]
    prefix: bool = False
    field: str | None = None  # None: title and text; "title"; "source"; "lang"

    # What the term looks for in a folded text (see monitor.query.fold): ' w1 w2 ', or ' w1 w2' for a
    # prefix, whose last word may continue. Computed once: matching tests it for every new article.
    needle: str = dataclasses.field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "needle", " " + " ".join(self.words) + ("" if self.prefix else " "))


@dataclass(frozen=True)
class And:
    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    part: Node


Node = Term | And | Or | Not

_TOKEN = re.compile(r'\s*(?:(?P<open>\()|(?P<close>\))|(?P<phrase>"[^"]*"?)|(?P<minus>-)(?=\S)|(?P<word>[^\s()"]+))')


@dataclass(frozen=True)
class _Tok:
    kind: str
    text: str
    pos: int


def _tokens(query: str) -> list[_Tok]:
    toks, pos = [], 0
    while pos < len(query):
        m = _TOKEN.match(query, pos)
        if not m or m.end() == pos:
            if query[pos:].strip() == "":
                break
            raise QueryError("a lone '-' excludes nothing", query, pos + len(query[pos:]) - len(query[pos:].lstrip()))
        kind = m.lastgroup or ""
        toks.append(_Tok(kind, m.group(kind), m.start(kind)))
        pos = m.end()
    return toks


class _Parser:
    def __init__(self, query: str):
        self.query = query
        self.toks = _tokens(query)
        self.i = 0
        self.depth = 0

    def fail(self, message: str, tok: _Tok | None = None) -> QueryError:
        pos = tok.pos if tok else len(self.query)
        return QueryError(message, self.query, pos)

    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> _Tok:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def is_or(self, tok: _Tok | None) -> bool:
        return tok is not None and tok.kind == "word" and tok.text == "OR"

    def query_(self) -> Node:
        parts = [self.either()]
        while self.is_or(self.peek()):
            tok = self.take()
            if self.peek() is None or self.peek().kind == "close" or self.is_or(self.peek()):  # type: ignore[union-attr]
                raise self.fail("OR needs something on both sides", tok)
            parts.append(self.either())
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def either(self) -> Node:
        parts: list[Node] = []
        first = self.peek()
        while (tok := self.peek()) is not None and tok.kind != "close" and not self.is_or(tok):
            part = self.unary()
            if part is not None:  # punctuation alone ("--", ";") says nothing and is skipped
                parts.append(part)
        if not parts:
            tok = self.peek()
            if self.is_or(tok):
                raise self.fail("OR needs something on both sides", tok)
            if first is not None and first is not tok:
                raise self.fail("nothing to look for: no letters or digits", first)
            raise self.fail('expected a word, a "phrase" or (', tok)
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def unary(self) -> Node | None:
        tok = self.take()
        if tok.kind in ("minus", "open"):
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise self.fail(f"nested more than {MAX_DEPTH} deep (parentheses and '-' inside one another)", tok)
            try:
                return self.nested(tok)
            finally:
                self.depth -= 1
        return self.plain(tok)

    def nested(self, tok: _Tok) -> Node | None:
        if tok.kind == "minus":
            if self.peek() is None:
                raise self.fail("'-' must be followed by what to exclude", tok)
            excluded = self.unary()
            return Not(excluded) if excluded is not None else None
        if tok.kind == "open":
            if (nxt := self.peek()) is not None and nxt.kind == "close":
                raise self.fail("empty parentheses", nxt)
            inner = self.query_()
            close = self.peek()
            if close is None or close.kind != "close":
                raise self.fail("missing ')'", close)
            self.take()
            return inner
        raise AssertionError(tok)

    def plain(self, tok: _Tok) -> Node | None:
        if tok.kind == "phrase":
            return self.term(tok, None)
        if tok.kind == "word":
            field, sep, rest = tok.text.partition(":")
            if sep and field in FIELDS:
                if rest:
                    return self.term(_Tok("word", rest, tok.pos + len(field) + 1), field)
                value = self.peek()
                if value is None or value.kind not in ("phrase", "word") or value.pos != tok.pos + len(tok.text):
                    raise self.fail(f'{field}: needs a word or a "phrase" right after it', tok)
                return self.term(self.take(), field)
            return self.term(tok, None)
        raise self.fail("unexpected ')'", tok)

    def check_length(self, found: list[str], tok: _Tok) -> None:
        if any(len(w.encode()) > MAX_WORD_BYTES for w in found):
            raise self.fail(f"a word longer than {MAX_WORD_BYTES} bytes cannot be searched", tok)

    def term(self, tok: _Tok, field: str | None) -> Term | None:
        text = tok.text
        if tok.kind == "phrase":
            if len(text) < 2 or not text.endswith('"'):
                raise self.fail("unclosed quote", tok)
            found = words(text[1:-1])
            if not found:
                raise self.fail("empty phrase", tok)
            self.check_length(found, tok)
            return Term(tuple(found), text[1:-1].rstrip().endswith("*"), field)  # "snap elect*"
        prefix = text.endswith("*")
        found = words(text.rstrip("*"))
        self.check_length(found, tok)
        if not found:
            if field:
                raise self.fail(f"{field}: needs a word with letters or digits", tok)
            return None
        return Term(tuple(found), prefix, field)


def parse(query: str) -> Node | None:
    """The tree of `query`, or None for an empty query (which matches everything in a search)."""
    if not query.strip():
        return None
    if len(query) > MAX_QUERY_CHARS:
        raise QueryError(f"longer than {MAX_QUERY_CHARS} characters ({len(query)})", query[:40] + "…", MAX_QUERY_CHARS)
    parser = _Parser(query)
    tree = parser.query_()
    if (tok := parser.peek()) is not None:
        raise parser.fail("unexpected ')'", tok)
    return tree


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
