"""Phrases through the index of adjacent word pairs (migration 008), held to the in-process matcher:
the pairs only narrow, the folded text decides."""

from __future__ import annotations

import asyncio
from typing import Any

import psycopg
import pytest
from psycopg.rows import dict_row

from monitor.query import parse
from monitor.query.match import Doc, evaluate
from monitor.query.sql import compile_sql
from monitor.store.articles import Filters, search
from tests.integration.archive import put

LONG = "x" * 150  # a word longer than the 100 characters a pair keeps of it
HUGE = "k" * 2100  # a word longer than PostgreSQL's 2047 bytes for a lexeme: not in the word index

# (query, title, text, matches?)
CASES = [
    ('"snap presidential election"', "", "a snap\npresidential\n\nelection was held", True),  # line breaks
    ('"snap presidential election"', "Snap", "presidential election", True),  # from the title into the text
    ('"snap presidential election"', "", "snap, presidential; election", True),  # punctuation separates only
    # every pair is there, but not as one run of words
    ('"snap presidential election"', "", "snap presidential vote, presidential election", False),
    ('"snap presidential election"', "", "election presidential snap", False),  # wrong order
    ('"snap presidential election"', "", "snap and presidential election", False),  # not adjacent
    ('"election commission"', "", "the election commissioner", False),  # the last word is whole
    ('"election commission"', "", "re-election commission", True),
    ('"the the"', "", "said the the count", True),  # a repeated word
    ('"the the"', "", "the count the", False),
    # a one-word phrase is the word itself, neither a prefix nor a pair
    ('"election"', "", "the election day", True),
    ('"elect"', "", "the election day", False),
    ('"elect*"', "", "the election day", True),
    # a prefix at the end of a phrase; a word with * inside a phrase is cut there
    ('"snap elect*"', "", "snap\nelections called", True),
    ('"snap elect*"', "", "snap vote, elections called", False),
    ('"snap presidential elect*"', "", "snap presidential electorate", True),
    ('"snap presidential elect*"', "", "snap presidential vote electorate", False),
    # words longer than a pair keeps: the cut narrows, the text decides
    (f'"{LONG} vote"', "", f"a {LONG} vote", True),
    (f'"{LONG} vote"', "", f"a {LONG}y vote", False),
    (f'"vote {LONG[:120]}*"', "", f"vote {LONG}", True),
    # a word too long for the word index is not found alone, but it can complete a phrase's prefix
    ("k*", "", f"vote {HUGE}", False),
    ('"vote k*"', "", f"vote {HUGE}", True),
    ('title:"vote k*"', f"vote {HUGE}", "", True),
    (f'"vote {HUGE[:120]}"', "", f"vote {HUGE}", False),  # the pair's cut word, but not the whole word
    # within a title
    ('title:"snap election"', "Snap\nelection", "", True),
    ('title:"snap election"', "Snap poll", "snap election", False),
    # excluded phrases
    ('vote -"snap election"', "", "vote in a snap election", False),
    ('vote -"snap election"', "", "vote on snap, then election", True),
]


def run(database_url: str, work: Any) -> Any:
    async def main() -> Any:
        async with await psycopg.AsyncConnection.connect(database_url, autocommit=True, row_factory=dict_row) as conn:
            return await work(conn)

    return asyncio.run(main())


@pytest.mark.parametrize(("query", "title", "text", "expected"), CASES)
def test_a_phrase_matches_the_same_in_process_and_in_postgresql(
    database_url: str, query: str, title: str, text: str, expected: bool
) -> None:
    tree = parse(query)

    async def work(conn: psycopg.AsyncConnection) -> dict[str, bool]:
        article = await put(conn, title, text)
        return {
            sort: article in [r["id"] for r in await search(conn, tree, Filters(sort=sort))]
            for sort in ("newest", "relevance")
        }

    assert evaluate(tree, Doc.of(title, text, "Trend", "en")) is expected
    assert run(database_url, work) == {"newest": expected, "relevance": expected}


def test_an_article_too_long_for_its_pairs_is_still_found_by_its_text(database_url: str) -> None:
    filler = "lorem ipsum dolor " * 30_000  # over 500,000 bytes folded
    tree = parse('"snap presidential election"')

    async def work(conn: psycopg.AsyncConnection) -> tuple[str, list[int], list[int]]:
        hit = await put(conn, "", filler + "a snap presidential election")
        miss = await put(conn, "", filler + "a snap vote, presidential election")
        pairs = await (await conn.execute("SELECT pairs::text AS p FROM articles WHERE id = %s", (hit,))).fetchone()
        found = [r["id"] for r in await search(conn, tree, Filters())]
        return pairs["p"], found, [hit, miss]

    pairs, found, (hit, miss) = run(database_url, work)
    assert pairs == "'unrecorded'"
    assert found == [hit]


def test_the_pairs_are_kept_for_new_articles_and_searched_by_their_index(database_url: str) -> None:
    async def work(conn: psycopg.AsyncConnection) -> tuple[list[str], str]:
        article = await put(conn, "Snap election", "Called today.")
        sql = "SELECT tsvector_to_array(pairs) AS p FROM articles WHERE id = %s"
        row = await (await conn.execute(sql, (article,))).fetchone()
        await conn.execute("SET enable_seqscan = off")  # a table of one row would be read whole
        condition, params = compile_sql(parse('"snap election called"'))
        plan = await conn.execute(f"EXPLAIN SELECT id FROM articles a WHERE {condition}".encode(), params)
        return row["p"], "\n".join(r["QUERY PLAN"] for r in await plan.fetchall())

    pairs, plan = run(database_url, work)
    assert sorted(pairs) == ["called today", "election called", "snap election"]
    assert "articles_pairs" in plan
