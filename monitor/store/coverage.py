"""Who carried an article: how many outlets its story's members and their copies make."""

from __future__ import annotations

from typing import Any

from psycopg import AsyncConnection

Row = dict[str, Any]


async def outlet_counts(conn: AsyncConnection[Any], ids: list[int]) -> dict[int, int]:
    """For each article id, how many distinct outlets carried it: itself, its copies, its story's
    members and their copies (a UNION of four indexed look-ups: an OR across columns would scan)."""
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
