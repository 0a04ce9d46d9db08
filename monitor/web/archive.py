"""Reading the archive for the web: a page of search results, and one article with its story."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from psycopg import AsyncConnection

from monitor.query.snippet import snippet
from monitor.store import articles, coverage, story_reads
from monitor.store import evidence as evidence_store
from monitor.web import evidence
from monitor.web.params import Search

Row = dict[str, Any]


@dataclass
class Results:
    rows: list[Row]  # each with `segments` (the snippet) and `outlets` (how many carried its story)
    more: bool  # whether a next page exists


async def find(conn: AsyncConnection[Any], search: Search) -> Results:
    rows = await articles.search(conn, search.tree, search.filters)
    more = len(rows) > search.limit
    rows = rows[: search.limit]
    counts = await coverage.outlet_counts(conn, [r["id"] for r in rows])
    for r in rows:
        r["segments"] = snippet(r["text"], search.tree)
        r["outlets"] = counts.get(r["id"], 1)
    return Results(rows, more)


async def article(conn: AsyncConnection[Any], article_id: int) -> Row | None:
    """The article with `story` (its story's timeline, see monitor.store.story_reads.members: every
    article that carried it, with outlet, language, times and what each copy reproduces),
    `copies` (its republications), `versions` (monitor.web.evidence), `removed_at`, `edited_at` and
    its next re-check."""
    row = await articles.get(conn, article_id)
    if row is None:
        return None
    timeline = await story_reads.members(conn, [row["story_id"]]) if row["story_id"] is not None else []
    row["story"] = [story_reads.article(m) for m in timeline]
    row["copies"] = await articles.copies(conn, article_id)
    row["versions"] = await evidence.versions(conn, article_id)
    row.update(await evidence_store.state(conn, article_id))
    return row
