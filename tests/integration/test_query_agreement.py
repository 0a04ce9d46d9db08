"""Property: for any documents and any query, the in-process matcher (new articles) and PostgreSQL
(archive search, both orders) find the same articles."""

from __future__ import annotations

import asyncio
import re

import psycopg
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from psycopg.rows import dict_row

from monitor.query import QueryError, parse
from monitor.query.match import Doc, evaluate
from monitor.store.articles import Filters, search
from tests.integration.archive import put

# Spellings that folding must bring together (or keep apart), in the three languages.
WORDS = [
    "Əliyev", "ƏLİYEV", "aliyev", "Aliyev's", "İlham", "ILHAM", "ılham", "ilham",
    "выборы", "ВЫБОРЫ", "выбор", "выборов", "ёлка", "елка", "край", "краи",
    "seçki", "Seçkilərin", "SEÇKİ", "secki", "seçkidə", "CEC", "Cecilia", "CEC-approved",
    "observer", "observers", "football", "vote", "votes", "2024", "naïve", "naive", "%", "_", "a_b",
]  # fmt: skip
SEPARATORS = [" ", "  ", "\n", ", ", ". ", " - ", "\t", "'", " (", ") ", "; "]
OUTLETS = ["Trend", "APA", "Report News"]
LANGS = ["en", "ru", "az", None]

word = st.sampled_from(WORDS)


@st.composite
def texts(draw: st.DrawFn, words: st.SearchStrategy[str], max_words: int) -> str:
    ws = draw(st.lists(words, max_size=max_words))
    return "".join(w + draw(st.sampled_from(SEPARATORS)) for w in ws)


def documents(words: st.SearchStrategy[str]) -> st.SearchStrategy[tuple[str, str, str, str | None]]:
    return st.tuples(texts(words, 4), texts(words, 12), st.sampled_from(OUTLETS), st.sampled_from(LANGS))


@st.composite
def prefixes(draw: st.DrawFn) -> str:
    w = draw(word)
    return w[: draw(st.integers(1, len(w)))] + "*"


@st.composite
def phrases(draw: st.DrawFn) -> str:
    ws = draw(st.lists(word, min_size=1, max_size=3))
    if draw(st.booleans()):  # "snap elect*": the last word a prefix
        ws[-1] = ws[-1][: draw(st.integers(1, len(ws[-1])))] + "*"
    return '"' + draw(st.sampled_from([" ", "\n", "  "])).join(ws) + '"'


terms = st.one_of(
    word,
    prefixes(),
    phrases(),
    st.builds("title:{}".format, st.one_of(word, phrases())),
    st.builds("source:{}".format, st.sampled_from(["trend", "apa", '"report news"', "report*"])),
    st.builds("lang:{}".format, st.sampled_from(["en", "ru", "az"])),
)


def _combine(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.lists(inner, min_size=2, max_size=3).map(" ".join),  # all must match
        st.lists(inner, min_size=2, max_size=3).map(lambda qs: "(" + " OR ".join(qs) + ")"),
        inner.map(lambda q: "-" + q if q.startswith("(") else f"-({q})"),
    )


queries = st.recursive(terms, _combine, max_leaves=6)


def _agree(database_url: str, docs: list[tuple[str, str, str, str | None]], query: str) -> None:
    try:
        tree = parse(query)
    except QueryError:  # e.g. a term of punctuation only ("-(%)"): refused before either path runs
        return
    expected_docs = [evaluate(tree, Doc.of(title, text, outlet, lang)) for title, text, outlet, lang in docs]

    async def main() -> None:
        async with await psycopg.AsyncConnection.connect(database_url, autocommit=True, row_factory=dict_row) as conn:
            await conn.execute("DELETE FROM articles")
            ids = [await put(conn, *d) for d in docs]
            expected = {i for i, hit in zip(ids, expected_docs, strict=True) if hit}
            for sort in ("newest", "relevance"):
                rows = await search(conn, tree, Filters(limit=100, sort=sort))
                assert {r["id"] for r in rows} == expected, (query, sort)

    asyncio.run(main())


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=queries, data=st.data())
def test_the_matcher_and_postgresql_agree(database_url: str, query: str, data: st.DataObject) -> None:
    # Documents made mostly of the query's own words (in any order), so that phrases, prefixes
    # and exclusions meet near misses as well as hits.
    own = [w for w in re.findall(r'[^\s"()*]+', query) if w != "OR" and ":" not in w]
    words = st.one_of(st.sampled_from(own), word) if own else word
    docs = data.draw(st.lists(documents(words), min_size=1, max_size=6), label="docs")
    _agree(database_url, docs, query)
