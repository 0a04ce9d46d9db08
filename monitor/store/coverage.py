"""Who carried an article: the members of its story with their copies, and how many outlets that makes."""

from __future__ import annotations

from typing import Any

from psycopg import AsyncConnection

Row = dict[str, Any]

# The articles that carried article %(id)s of story %(story)s: itself, its copies, the story's
# members and their copies. A UNION of four indexed look-ups (an OR across columns would scan).
CARRIERS = """
    SELECT b.* FROM articles b WHERE b.id = %(id)s
    UNION
    SELECT b.* FROM articles b WHERE b.duplicate_of = %(id)s
    UNION
    SELECT b.* FROM articles b WHERE b.story_id = %(story)s
    UNION
    SELECT b.* FROM articles s JOIN articles b ON b.duplicate_of = s.id WHERE s.story_id = %(story)s
"""


async def outlet_counts(conn: AsyncConnection[Any], ids: list[int]) -> dict[int, int]:
    """For each article id, how many distinct outlets carried it (see CARRIERS)."""
    if not ids:
        return {}
    cur = await conn.execute(
        """
        SELECT a.id,
               (SELECT count(DISTINCT c.outlet) FROM (
                    SELECT b.outlet FROM articles b WHERE b.id = a.id
                    UNION ALL SELECT b.outlet FROM articles b WHERE b.duplicate_of = a.id
                    UNION ALL SELECT b.outlet FROM articles b WHERE b.story_id = a.story_id
                    UNION ALL SELECT b.outlet FROM articles s JOIN articles b ON b.duplicate_of = s.id
                               WHERE s.story_id = a.story_id) c) AS outlets
          FROM articles a
         WHERE a.id = ANY(%s)
        """,
        (ids,),
    )
    return {r["id"]: r["outlets"] for r in await cur.fetchall()}


async def story_members(conn: AsyncConnection[Any], article: Row) -> list[Row]:
    """Every article that carried `article`'s story (see CARRIERS), earliest published first."""
    cur = await conn.execute(
        "SELECT c.id, c.outlet, c.url, c.title, c.published_at, c.stored_at AS first_seen, c.duplicate_of,"
        " c.similarity FROM (" + CARRIERS + ") c ORDER BY c.published_at NULLS LAST, c.id",
        {"id": article["id"], "story": article.get("story_id")},
    )
    return await cur.fetchall()
