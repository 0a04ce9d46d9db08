"""What the home page reads: stories newest first (all, today's, or those with news since a
reader's last visit), each with what a reader scans for (headline, first publisher, outlets,
languages, keywords, how many articles), and how many results a search has."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from psycopg import AsyncConnection

from monitor.query.parse import Node
from monitor.query.sql import compile_sql
from monitor.store import articles, story_reads

Row = dict[str, Any]

COUNT_CAP = 10_000  # a search's count stops here ("10,000+"): counting a million matches costs a scan


# Stories that gained an article (not a copy, not a seed) since a moment, newest first by their
# first publication (the story's earliest article, as the listing orders them).
STORIES_SINCE = """
    SELECT a.story_id, min(a.published_at) AS first_published
      FROM articles a
     WHERE a.story_id IN (SELECT n.story_id FROM articles n
                           WHERE n.stored_at > %(since)s AND n.story_id IS NOT NULL
                             AND n.duplicate_of IS NULL AND NOT n.is_seed)
     GROUP BY a.story_id
     ORDER BY first_published DESC NULLS LAST, a.story_id DESC
     LIMIT %(limit)s OFFSET %(offset)s
"""


async def stories(
    conn: AsyncConnection[Any],
    *,
    since: datetime | None = None,
    seen_since: datetime | None = None,
    limit: int = 20,
    offset: int = 0,
) -> list[Row]:
    """A page of stories newest first (story_reads.listing's rows), each also with `keywords`,
    `headline_lang`, `headline_id` and `new` (an article of it stored after `seen_since`). With
    `since`: first published since then; with `seen_since`: only the stories with news since then."""
    if seen_since is not None:
        cur = await conn.execute(STORIES_SINCE, {"since": seen_since, "limit": limit, "offset": offset})
        ids = [r["story_id"] for r in await cur.fetchall()]
    else:
        listed = await story_reads.listing(conn, story_reads.Filters(since=since, limit=limit, offset=offset))
        ids = [r["id"] for r in listed]
    if not ids:
        return []
    by_story: dict[int, list[Row]] = {i: [] for i in ids}
    for m in await story_reads.members(conn, ids):
        by_story[m["story"]].append(m)
    words = await keywords_of(conn, ids)
    rows = []
    for story_id, timeline in by_story.items():
        if not timeline:
            continue
        row = story_reads.summary(story_id, timeline)
        head = story_reads.headline(timeline)
        row["headline_lang"], row["headline_id"] = head["lang"], head["id"]
        row["keywords"] = words.get(story_id, [])
        row["new"] = seen_since is not None and any(
            m["stored_at"] > seen_since and m["duplicate_of"] is None and not m["is_seed"] for m in timeline
        )
        rows.append(row)
    return rows


async def keywords_of(conn: AsyncConnection[Any], story_ids: Sequence[int]) -> dict[int, list[str]]:
    """The names of the keywords that matched an article of each story, by name."""
    cur = await conn.execute(
        "SELECT a.story_id, array_agg(DISTINCT k.name ORDER BY k.name) AS names"
        "  FROM articles a JOIN article_keywords ak ON ak.article_id = a.id JOIN keywords k ON k.id = ak.keyword_id"
        " WHERE a.story_id = ANY(%s) GROUP BY a.story_id",
        (list(story_ids),),
    )
    return {r["story_id"]: r["names"] for r in await cur.fetchall()}


async def new_stories(conn: AsyncConnection[Any], seen_since: datetime) -> int:
    """How many stories gained an article (not a copy, not a seed) since `seen_since`."""
    cur = await conn.execute(
        "SELECT count(DISTINCT story_id) AS n FROM articles"
        " WHERE stored_at > %s AND story_id IS NOT NULL AND duplicate_of IS NULL AND NOT is_seed",
        (seen_since,),
    )
    row = await cur.fetchone()
    return int(row["n"]) if row else 0


async def count(conn: AsyncConnection[Any], tree: Node | None, f: articles.Filters) -> int:
    """How many articles the search finds, up to COUNT_CAP + 1 (more than the cap: "10,000+")."""
    where, args = articles.filter_clauses(f)
    if tree is not None:
        condition, params = compile_sql(tree)
        where.append(condition)
        args.extend(params)
    sql = "SELECT count(*) AS n FROM (SELECT 1 FROM articles a"
    sql += (" WHERE " + " AND ".join(where)) if where else ""
    sql += " LIMIT %s) found"
    cur = await conn.execute(sql.encode(), [*args, COUNT_CAP + 1])
    row = await cur.fetchone()
    return int(row["n"]) if row else 0
