"""Search by relevance, first group: the newest articles matching a query with a searched word in
their title (monitor.store.articles.search puts them before the others).

Asked in one (`title hit AND query ORDER BY newest LIMIT n`), PostgreSQL takes a title word and
the same word in the text as independent, expects few rows, and either reads the text's word
index (100,000+ entries for a common word) to intersect with the titles', or walks the date index
through thousands of articles whose titles lack the word: 0.2 to 0.8 s at a million articles. So:

1. The title hits are picked alone, newest first, and within a recent window first (the last 30
   days, then four times as long, and so on, then all): the title index and the date index then
   each narrow the other, and only articles with the word in their title are read. A window that
   holds enough of them holds the newest ones, so the answer is exact.
2. When a title hit is not always a match (`vote -football`, `vote turnout`), the query is checked
   on those candidates, a few per article of the page. When enough candidates fail it, the query
   is the narrower part (a common word in titles, a rare one in texts) and is asked in one after
   all, which PostgreSQL then plans well.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from psycopg import AsyncConnection

Sql = tuple[str, list[Any]]  # a condition and its parameters, in order

NEWEST = "a.published_at DESC NULLS LAST, a.id DESC"  # as monitor.store.articles
SPANS = (timedelta(days=30), timedelta(days=120), timedelta(days=480))  # then no window
CANDIDATES = 4  # candidates checked per article of the page, when a title hit may not match


async def title_hits(
    conn: AsyncConnection[Any],
    hit: Sql,
    query: Sql,
    filters: Sql,
    dates: tuple[datetime | None, datetime | None],
    end: int,
    implied: bool,
) -> list[int]:
    """The ids of the `end` newest articles matching `query` and `filters` for which `hit` holds,
    newest first; `dates`: the filters' (since, until); `implied`: every article for which `hit`
    holds matches `query`."""
    (hit_sql, hit_params), (condition, params), (where, args) = hit, query, filters
    batch = end if implied else CANDIDATES * end
    ids: list[int] = []
    for start in await _windows(conn, *dates):
        window, bound = ([], []) if start is None else (["a.published_at >= %s"], [start])
        pick = f"SELECT a.id FROM articles a WHERE {' AND '.join([hit_sql, where, *window])} ORDER BY {NEWEST} LIMIT %s"
        cur = await conn.execute(pick.encode(), [*hit_params, *args, *bound, batch], prepare=False)
        candidates = [r["id"] for r in await cur.fetchall()]
        ids = candidates if implied else await _check(conn, candidates, (condition, params), end)
        if len(ids) == end:
            return ids
        if len(candidates) == batch:  # enough title hits, too few of them match
            break
    else:
        return ids  # every title hit was seen
    sql = f"SELECT a.id FROM articles a WHERE {hit_sql} AND {condition} AND {where} ORDER BY {NEWEST} LIMIT %s"
    cur = await conn.execute(sql.encode(), [*hit_params, *params, *args, end], prepare=False)
    return [r["id"] for r in await cur.fetchall()]


async def _windows(conn: AsyncConnection[Any], since: datetime | None, until: datetime | None) -> list[datetime | None]:
    """Where each window begins, counted back from the newest publication time searched (not after
    `until`, nor now), then None: no window. One that begins before `since` is the whole search."""
    cur = await conn.execute(
        "SELECT max(published_at) AS newest FROM articles WHERE published_at <= least(%s, now())", [until]
    )
    row = await cur.fetchone()
    newest = row["newest"] if row else None
    starts = [newest - span for span in SPANS] if newest is not None else []
    return [start for start in starts if since is None or start > since] + [None]


async def _check(conn: AsyncConnection[Any], candidates: list[int], query: Sql, end: int) -> list[int]:
    condition, params = query
    sql = f"SELECT a.id FROM articles a WHERE a.id = ANY(%s) AND {condition} ORDER BY {NEWEST} LIMIT %s"
    cur = await conn.execute(sql.encode(), [candidates, *params, end], prepare=False)
    return [r["id"] for r in await cur.fetchall()]
