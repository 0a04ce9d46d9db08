"""One article as a reader sees it: its row, its story's timeline and its republications (the
article page, `GET /api/articles/{id}` and `newswatch show` read it here)."""

from __future__ import annotations

from typing import Any

from psycopg import AsyncConnection

from monitor.store import articles, story_reads

Row = dict[str, Any]


async def article(conn: AsyncConnection[Any], article_id: int) -> Row | None:
    """The article with `story` (its story's timeline, see monitor.store.story_reads.members: every
    article that carried it, with outlet, language, times and what each copy reproduces) and
    `copies` (its republications); None when there is no such article."""
    row = await articles.get(conn, article_id)
    if row is None:
        return None
    timeline = await story_reads.members(conn, [row["story_id"]]) if row["story_id"] is not None else []
    row["story"] = [story_reads.article(m) for m in timeline]
    row["copies"] = await articles.copies(conn, article_id)
    return row
