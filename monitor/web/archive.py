"""Reading the archive for the web: a page of search results, and one article with its story."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from psycopg import AsyncConnection

from monitor.query.snippet import snippet
from monitor.store import article_reads, articles, coverage, names
from monitor.store import evidence as evidence_store
from monitor.web import evidence
from monitor.web.params import Search

Row = dict[str, Any]


@dataclass
class Results:
    rows: list[Row]  # each with `segments` (the snippet) and `outlets` (how many carried its story)
    more: bool  # whether a next page exists


async def find(conn: AsyncConnection[Any], search: Search) -> Results:
    await names.check(conn, source=search.filters.source, keyword=search.filters.keyword)
    rows = await articles.search(conn, search.tree, search.filters)
    more = len(rows) > search.limit
    rows = rows[: search.limit]
    counts = await coverage.outlet_counts(conn, [r["id"] for r in rows])
    for r in rows:
        r["segments"] = snippet(r["text"], search.tree)
        r["outlets"] = counts.get(r["id"], 1)
    return Results(rows, more)


async def article(conn: AsyncConnection[Any], article_id: int) -> Row | None:
    """The article with its story's timeline and its republications (monitor.store.article_reads),
    `versions` (monitor.web.evidence), `removed_at`, `edited_at` and its next re-check."""
    row = await article_reads.article(conn, article_id)
    if row is None:
        return None
    row["versions"] = await evidence.versions(conn, article_id)
    row.update(await evidence_store.state(conn, article_id))
    return row


def by_story(rows: list[Row]) -> list[list[Row]]:
    """A page of results grouped by story, in the order each story first appears; an article in
    no story is a group of its own."""
    groups: dict[object, list[Row]] = {}
    for r in rows:
        groups.setdefault(r["story_id"] if r["story_id"] is not None else ("article", r["id"]), []).append(r)
    return list(groups.values())
