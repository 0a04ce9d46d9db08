"""One page of article ids, newest first, for a search condition: the plan picked by how many
articles PostgreSQL expects to match.

PostgreSQL answers `WHERE words @@ … ORDER BY published_at DESC … LIMIT 20` in one of two ways:
walk the newest-first index and test each article until the page is full, or read every match
from the word index and sort them. The walk reads about `page × archive / matches` rows, the
sort reads the `matches`; they cost the same near `matches = √(page × archive)` (about 4,500 for
a page of 20 in a million articles). The planner estimates the number of matches well but
prices the walk as if the rows it tests shared pages, and at a million articles it walked
~10,000 articles for a word found in 2,700 of them (615 ms where reading the 2,700 took 30).
So the estimate is asked for first, and below that point the walk is switched off.

The estimate is of the query's words alone, without the filters (dates, source, language): a
filter narrows the walk and the matches alike, so the walk still reads about `page × archive /
matches` of the words alone; and PostgreSQL underestimates filtered matches (a Russian word with
`lang:ru` is taken for two independent conditions: 1,500 expected, 16,500 found).
"""

from __future__ import annotations

import math
from typing import Any

from psycopg import AsyncConnection

# The one order of results (newest first, then id), so pages never overlap or skip an article.
NEWEST = "a.published_at DESC NULLS LAST, a.id DESC"


Sql = tuple[str, list[Any]]  # a condition on articles `a` and its parameters, in order


async def newest_ids(conn: AsyncConnection[Any], where: Sql, text: Sql, limit: int, offset: int = 0) -> list[int]:
    """Ids of the articles `a` for which `where` holds, newest first, `offset` skipped, at most
    `limit`. `text`: the part of `where` that tests the words of the text (no filters), by whose
    estimated matches the plan is chosen. `conn` must be in autocommit mode (the plan setting
    lives in a transaction of its own)."""
    condition, params = where
    sql = f"SELECT a.id FROM articles a WHERE {condition} ORDER BY {NEWEST} LIMIT %s OFFSET %s".encode()
    values = [*params, limit, offset]
    # never a prepared, generic plan: the best plan depends on how rare the searched words are
    if not await few_matches(conn, text, limit + offset):
        cur = await conn.execute(sql, values, prepare=False)
        return [r["id"] for r in await cur.fetchall()]
    async with conn.transaction():
        await conn.execute("SET LOCAL enable_indexscan = off")
        cur = await conn.execute(sql, values, prepare=False)
        return [r["id"] for r in await cur.fetchall()]


async def few_matches(conn: AsyncConnection[Any], query: Sql, end: int) -> bool:
    """Whether reading every match of `query` costs less than walking the archive newest first
    until `end` of them are found."""
    condition, params = query
    cur = await conn.execute(
        f"EXPLAIN (FORMAT JSON) SELECT 1 FROM articles a WHERE {condition}".encode(), params, prepare=False
    )
    matches = (await cur.fetchone())["QUERY PLAN"][0]["Plan"]["Plan Rows"]  # type: ignore[index]
    cur = await conn.execute("SELECT reltuples FROM pg_class WHERE oid = 'articles'::regclass")
    total = (await cur.fetchone())["reltuples"]  # type: ignore[index]
    if total <= 0:  # never analysed: the planner knows as little as we do
        return False
    return bool(matches < math.sqrt(end * total))
