"""Who carried an article: the members of its story, and how many outlets that makes."""

from __future__ import annotations

from typing import Any

from psycopg import AsyncConnection

Row = dict[str, Any]


async def outlet_counts(conn: AsyncConnection, ids: list[int]) -> dict[int, int]:
    """For each article id, how many distinct outlets carried it: its story's members when it
    has a story, else itself and its copies."""
    if not ids:
        return {}
    cur = await conn.execute(
        """
        SELECT a.id,
               (SELECT count(DISTINCT b.outlet) FROM articles b
                 WHERE b.id = a.id OR b.duplicate_of = a.id
                    OR (a.story_id IS NOT NULL AND b.story_id = a.story_id)) AS outlets
          FROM articles a
         WHERE a.id = ANY(%s)
        """,
        (ids,),
    )
    return {r["id"]: r["outlets"] for r in await cur.fetchall()}


async def story_members(conn: AsyncConnection, article: Row) -> list[Row]:
    """Every article of `article`'s story (or, without a story, it and its copies), first seen first."""
    cur = await conn.execute(
        """
        SELECT b.id, b.outlet, b.url, b.title, b.published_at, b.stored_at AS first_seen,
               b.duplicate_of, b.similarity
          FROM articles b
         WHERE b.id = %(id)s OR b.duplicate_of = %(id)s
            OR (%(story)s::bigint IS NOT NULL AND b.story_id = %(story)s)
         ORDER BY b.published_at NULLS LAST, b.id
        """,
        {"id": article["id"], "story": article.get("story_id")},
    )
    return await cur.fetchall()
