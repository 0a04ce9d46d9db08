"""Stories: clusters of articles about one event, and the terms each article was matched on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from psycopg import AsyncConnection


@dataclass
class Window:
    """The articles of a time window that share a term with a new one, and term frequencies there."""

    candidates: list[tuple[int, set[str]]]  # (story_id, terms)
    df: dict[str, int]
    n: int  # articles in the window


async def window(
    conn: AsyncConnection[Any], terms: set[str], at: datetime, span: timedelta, limit: int = 500
) -> Window:
    """Articles of stories begun within `span` of `at` sharing a term with `terms`, and how common each
    term is among the articles published within `span` of `at`."""
    wanted = sorted(t for t in terms if t)
    if not wanted:
        return Window([], {}, 0)
    # a story spans at most `span` from its first article: a late copy of an old story does not
    # carry it forward to the next event with the same names
    cur = await conn.execute(
        """
        SELECT t.story_id, t.terms FROM story_terms t JOIN stories s ON s.id = t.story_id
         WHERE t.published_at BETWEEN %(from)s AND %(to)s AND t.term_vec @@ %(any)s::tsquery
           AND s.first_seen BETWEEN %(from)s AND %(to)s
         ORDER BY t.published_at DESC LIMIT %(limit)s
        """,
        {"from": at - span, "to": at + span, "any": any_of(wanted), "limit": limit},
    )
    candidates = [(r["story_id"], set(r["terms"])) for r in await cur.fetchall()]
    cur = await conn.execute(
        "SELECT count(*) AS n FROM story_terms WHERE published_at BETWEEN %s AND %s", (at - span, at + span)
    )
    row = await cur.fetchone()
    n = row["n"] if row else 0
    df: dict[str, int] = {}
    for _, theirs in candidates:
        for t in theirs & terms:
            df[t] = df.get(t, 0) + 1
    return Window(candidates, df, n)


async def create(conn: AsyncConnection[Any], first_seen: datetime) -> int:
    cur = await conn.execute(
        "INSERT INTO stories (first_seen, last_seen) VALUES (%s, %s) RETURNING id", (first_seen, first_seen)
    )
    row = await cur.fetchone()
    assert row is not None
    return int(row["id"])


async def add(
    conn: AsyncConnection[Any],
    article_id: int,
    story_id: int,
    published_at: datetime,
    terms: set[str],
    lang: str | None = None,
) -> None:
    """Record the article in its story; the story's last_seen moves forward."""
    await conn.execute(
        "INSERT INTO story_terms (article_id, story_id, published_at, terms, lang) VALUES (%s, %s, %s, %s, %s)"
        " ON CONFLICT DO NOTHING",
        (article_id, story_id, published_at, sorted(terms), lang),
    )
    await conn.execute(
        "UPDATE stories SET last_seen = greatest(last_seen, %s), first_seen = least(first_seen, %s) WHERE id = %s",
        (published_at, published_at, story_id),
    )


async def outlets(conn: AsyncConnection[Any], story_id: int) -> list[str]:
    """The outlets that carried a story, first to publish first."""
    cur = await conn.execute(
        "SELECT outlet FROM articles WHERE story_id = %s GROUP BY outlet ORDER BY min(published_at), outlet",
        (story_id,),
    )
    return [r["outlet"] for r in await cur.fetchall()]


def any_of(terms: list[str]) -> str:
    """A tsquery matching a tsvector that holds any of `terms` (at least one), each taken verbatim
    (quoted: no parsing, no stemming), for `story_terms.term_vec`."""
    return " | ".join("'" + t.replace("\\", "\\\\").replace("'", "''") + "'" for t in terms)
