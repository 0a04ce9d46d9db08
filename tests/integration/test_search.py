"""Archive search in PostgreSQL: the language's cases, filters, order, pages, snippets, keywords."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from psycopg.rows import dict_row

from monitor.errors import UsageError
from monitor.query import parse
from monitor.query.snippet import plain
from monitor.store import keywords
from monitor.store.articles import Filters, search
from tests.integration.archive import put
from tests.query_cases import CASES

Work = Callable[[psycopg.AsyncConnection], Awaitable[Any]]


def run(database_url: str, work: Work) -> Any:
    async def main() -> Any:
        async with await psycopg.AsyncConnection.connect(database_url, autocommit=True, row_factory=dict_row) as conn:
            return await work(conn)

    return asyncio.run(main())


def ids(rows: list[dict]) -> list[int]:
    return [r["id"] for r in rows]


ALL = Filters(limit=1000, include_duplicates=True)


def test_the_language_s_cases_in_postgresql(database_url: str) -> None:
    async def work(conn: psycopg.AsyncConnection) -> list[str]:
        wrong = []
        stored = [await put(conn, title, text) for _, title, text, _ in CASES]
        for (query, title, text, expected), article in zip(CASES, stored, strict=True):
            for sort in ("newest", "relevance"):
                found = article in ids(await search(conn, parse(query), Filters(limit=1000, sort=sort)))
                if found is not expected:
                    wrong.append(f"{query!r} on {title!r}/{text!r} ({sort}): expected {expected}")
        return wrong

    assert run(database_url, work) == []


def test_an_sql_injection_attempt_is_a_plain_query_that_finds_nothing(database_url: str) -> None:
    async def work(conn: psycopg.AsyncConnection) -> tuple[list, list, int]:
        await put(conn, "Turnout passes sixty percent", "The CEC said turnout passed 60%.")
        first = await search(conn, parse("x' OR 1=1; DROP TABLE articles; --"), ALL)
        second = await search(conn, parse("admin' OR '1'='1"), ALL)
        left = await (await conn.execute("SELECT count(*) AS n FROM articles")).fetchone()
        return first, second, left["n"]

    first, second, left = run(database_url, work)
    assert first == [] and second == [] and left == 1


def test_newest_first_and_relevance_puts_title_matches_first(database_url: str) -> None:
    day = timedelta(days=1)
    t0 = datetime(2024, 2, 1, tzinfo=UTC)

    async def work(conn: psycopg.AsyncConnection) -> tuple[list[int], list[int], list[int]]:
        old_title = await put(conn, "Observers arrive in Baku", "they will watch", published_at=t0)
        new_text = await put(conn, "Polls open", "observers watched", published_at=t0 + 2 * day)
        undated = await put(conn, "Observers without a date", "", published_at=None)
        newest_title = await put(conn, "OSCE observers report", "", published_at=t0 + day)
        await put(conn, "Unrelated", "football", published_at=t0 + 3 * day)
        newest = ids(await search(conn, parse("observer*"), Filters()))
        ranked = ids(await search(conn, parse("observer*"), Filters(sort="relevance")))
        return newest, ranked, [old_title, new_text, undated, newest_title]

    newest, ranked, (old_title, new_text, undated, newest_title) = run(database_url, work)
    assert newest == [new_text, newest_title, old_title, undated]
    assert ranked == [newest_title, old_title, undated, new_text]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("vote", ["new_title", "old_title", "new_text"]),  # a title hit is the whole answer
        ("vote -football", ["old_title", "new_text"]),  # the newest title hits fail the query
        ("vote turnout", ["old_title", "new_text"]),
        ("vote -turnout", ["new_title"]),  # they pass
    ],
)
def test_relevance_is_exact_when_the_newest_title_hits_fail_the_query(
    database_url: str, query: str, expected: list[str]
) -> None:
    # A page of one article checks the newest few title hits against the query first: here they
    # all fail `-football`, and the older title hit must still come first.
    t0 = datetime(2024, 2, 1, tzinfo=UTC)

    async def work(conn: psycopg.AsyncConnection) -> tuple[list[int], dict[int, str]]:
        names = {await put(conn, "Vote", "turnout was high", published_at=t0): "old_title"}
        for i in range(6):
            names[await put(conn, "Vote today", "then football", published_at=t0 + timedelta(days=2, hours=i))] = (
                "new_title"
            )
        names[await put(conn, "Polls", "a vote and its turnout", published_at=t0 + timedelta(days=1))] = "new_text"
        pages = []
        for offset in range(10):
            pages += ids(await search(conn, parse(query), Filters(limit=1, offset=offset, sort="relevance")))
        return pages, names

    pages, names = run(database_url, work)
    found = [names[i] for i in pages]
    assert [n for i, n in enumerate(found) if n not in found[:i]] == expected
    assert len(pages) == len(set(pages))
    assert found.count("new_title") == (6 if "new_title" in expected else 0)


@pytest.mark.parametrize("sort", ["newest", "relevance"])
def test_pages_cover_every_article_once_even_with_equal_dates(database_url: str, sort: str) -> None:
    same_time = datetime(2024, 2, 7, tzinfo=UTC)

    async def work(conn: psycopg.AsyncConnection) -> tuple[list[int], list[int]]:
        stored = [
            await put(conn, "Election" if i % 3 == 0 else "News", f"election item {i}", published_at=same_time)
            for i in range(8)
        ]
        pages = []
        for offset in range(0, 12, 3):
            pages += ids(await search(conn, parse("election"), Filters(limit=3, offset=offset, sort=sort)))
        return stored, pages

    stored, pages = run(database_url, work)
    assert sorted(pages) == sorted(stored)


def test_the_word_indexes_stay_in_the_row_and_the_texts_leave_it_first(database_url: str) -> None:
    """Migration 010: a newest-first walk tests `words` on every row it passes; out of the row, each
    test costs a TOAST look-up (4.7 pages a row instead of 1)."""

    async def work(conn: psycopg.AsyncConnection) -> dict[str, str]:
        cur = await conn.execute(
            "SELECT attname, attstorage FROM pg_attribute WHERE attrelid = 'articles'::regclass"
            " AND attname IN ('words', 'title_words', 'text', 'folded', 'pairs')"
        )
        return {r["attname"]: r["attstorage"] for r in await cur.fetchall()}

    assert run(database_url, work) == {"words": "m", "title_words": "m", "text": "x", "folded": "x", "pairs": "x"}


def test_a_migrated_database_reads_ahead_in_bitmap_scans(pg_admin_url: str) -> None:
    """Migration 011 sets effective_io_concurrency for the database (a cloned test database does not
    inherit it, so this one is migrated from empty)."""
    from monitor.db import migrate

    name = f"nw_read_ahead_{os.getpid()}"
    url = urlunsplit(urlsplit(pg_admin_url)._replace(path="/" + name))
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        run(url, migrate.migrate)
        with psycopg.connect(url) as conn:
            setting = conn.execute("SHOW effective_io_concurrency").fetchone()
        assert setting == ("200",)
    finally:
        with psycopg.connect(pg_admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_filters_narrow_the_archive(database_url: str) -> None:
    t0 = datetime(2024, 2, 1, tzinfo=UTC)

    async def work(conn: psycopg.AsyncConnection) -> dict[str, list[int]]:
        a = await put(conn, "Vote", "vote count", outlet="Trend", lang="en", published_at=t0)
        b = await put(conn, "Голосование", "vote", outlet="Sputnik", lang="ru", published_at=t0 + timedelta(days=5))
        c = await put(
            conn, "Vote copy", "vote count", outlet="APA", published_at=t0 + timedelta(days=6), duplicate_of=a
        )
        await keywords.add(conn, "counting", '"vote count"')
        q = parse("vote")

        async def found(**kw: Any) -> list[int]:
            return sorted(ids(await search(conn, q, Filters(**kw))))

        return {
            "default": await found(),
            "with duplicates": await found(include_duplicates=True),
            "since": await found(since=t0 + timedelta(days=1)),
            "until": await found(until=t0 + timedelta(days=1)),
            "source": await found(source="Sputnik"),
            "lang": await found(lang="en", include_duplicates=True),
            "keyword": await found(keyword="counting", include_duplicates=True),
            "expected": [a, b, c],
        }

    got = run(database_url, work)
    a, b, c = got["expected"]
    assert got["default"] == [a, b]
    assert got["with duplicates"] == [a, b, c]
    assert got["since"] == [b]
    assert got["until"] == [a]
    assert got["source"] == [b]
    assert got["lang"] == [a, c]
    assert got["keyword"] == [a, c]


def test_every_hit_has_a_snippet_with_the_matched_words_marked(database_url: str) -> None:
    async def work(conn: psycopg.AsyncConnection) -> list[dict]:
        await put(conn, "Seçki", "Mərkəzi Seçki Komissiyası seçkilərin nəticələrini açıqladı.")
        return await search(conn, parse('seçki* OR "mərkəzi seçki"'), Filters())

    (hit,) = run(database_url, work)
    assert plain(hit["snippet"]) == "*Mərkəzi Seçki* Komissiyası *seçkilərin* nəticələrini açıqladı."


def test_an_unknown_sort_is_a_usage_error(database_url: str) -> None:
    with pytest.raises(UsageError, match="unknown sort"):
        run(database_url, lambda conn: search(conn, None, Filters(sort="random")))


def test_a_keyword_matches_the_whole_archive_at_once_and_previews_the_last_30_days(database_url: str) -> None:
    """The preview counts by publication: an article of 2020 stored today (a backfill, a sitemap's
    archive) is not one of the last 30 days'."""

    async def work(conn: psycopg.AsyncConnection) -> dict[str, Any]:
        old = await put(conn, "Əliyev visits Ganja", "", published_at=datetime(2020, 1, 1, tzinfo=UTC))
        now = datetime.now(UTC)
        recent = [await put(conn, f"ƏLİYEV meets envoy {i}", "talks", published_at=now) for i in range(4)]
        await put(conn, "Football", "Qarabağ won")
        count, examples = await keywords.preview(conn, "aliyev")
        await keywords.add(conn, "aliyev", "aliyev")
        matched = await conn.execute(
            "SELECT article_id FROM article_keywords ak JOIN keywords k ON k.id = ak.keyword_id WHERE k.name = %s",
            ("aliyev",),
        )
        return {
            "count": count,
            "examples": len(examples),
            "matched": sorted(r["article_id"] for r in await matched.fetchall()),
            "expected": sorted([old, *recent]),
        }

    got = run(database_url, work)
    assert got["count"] == 4 and got["examples"] == 3
    assert got["matched"] == got["expected"]


def test_editing_a_keyword_rematches_and_removing_it_keeps_the_articles(database_url: str) -> None:
    async def work(conn: psycopg.AsyncConnection) -> dict[str, Any]:
        observers = await put(conn, "Observers arrive", "")
        cec = await put(conn, "CEC chairman", "")
        await keywords.add(conn, "watch", "observer*")

        async def matched() -> list[int]:
            rows = await search(conn, None, Filters(keyword="watch"))
            return ids(rows)

        before = await matched()
        await keywords.edit(conn, "watch", "CEC")
        after = await matched()
        await keywords.remove(conn, "watch")
        left = await keywords.list_all(conn)
        articles = (await (await conn.execute("SELECT count(*) AS n FROM articles")).fetchone())["n"]
        return {"before": before, "after": after, "left": left, "articles": articles, "ids": (observers, cec)}

    got = run(database_url, work)
    observers, cec = got["ids"]
    assert got["before"] == [observers] and got["after"] == [cec]
    assert got["left"] == [] and got["articles"] == 2


def test_editing_an_unknown_keyword_or_with_a_bad_query_is_a_usage_error(database_url: str) -> None:
    with pytest.raises(UsageError, match="no keyword named"):
        run(database_url, lambda conn: keywords.edit(conn, "nothing", "a"))
    run(database_url, lambda conn: keywords.add(conn, "k", "a"))
    with pytest.raises(UsageError, match="unclosed quote"):
        run(database_url, lambda conn: keywords.edit(conn, "k", '"a'))
