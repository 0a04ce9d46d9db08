"""Placing a new article before it is stored: what it reproduces (if anything) and its story.

Runs inside the save transaction, under fingerprints.lock, so that what it reads is what the insert
that follows is judged against.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from psycopg import AsyncConnection

from monitor.pipeline import dedup
from monitor.pipeline import stories as story_rules
from monitor.pipeline.fingerprint import Signature, shingles
from monitor.store import fingerprints, stories


async def exact(conn: AsyncConnection[Any], content_hash: str | None) -> dedup.Original | None:
    """The root of the earliest article with the same normalised text."""
    if not content_hash:
        return None
    cur = await conn.execute(
        "SELECT root.id, root.is_seed FROM articles a JOIN articles root ON root.id = coalesce(a.duplicate_of, a.id)"
        " WHERE a.content_hash = %s ORDER BY root.is_seed DESC, root.id LIMIT 1",
        (content_hash,),
    )
    row = await cur.fetchone()
    return dedup.Original(row["id"], row["is_seed"], 1.0) if row else None


async def near(conn: AsyncConnection[Any], text: str, sig: Signature) -> dedup.Original | None:
    """The earliest article (a seed first) that `text` reproduces, checked on the real texts."""
    if sig.size == 0:
        return None
    found = dict(await fingerprints.seeds(conn))
    for article_id, theirs in await fingerprints.candidates(conn, sig):
        found.setdefault(article_id, theirs)
    worth = dedup.worth_checking(sig, list(found.items()))
    if not worth:
        return None
    mine = shingles(text)
    matches = []
    for candidate, their_text in await fingerprints.to_check(conn, worth):
        score = dedup.containment(mine, shingles(their_text))
        if score >= dedup.THRESHOLD:
            matches.append((candidate, score))
    return dedup.choose(matches)


async def story_of(conn: AsyncConnection[Any], article_id: int) -> int | None:
    cur = await conn.execute("SELECT story_id FROM articles WHERE id = %s", (article_id,))
    row = await cur.fetchone()
    return row["story_id"] if row else None


async def story_window(conn: AsyncConnection[Any], terms: set[str], at: datetime) -> stories.Window:
    """The stories an article with these terms published at `at` could join (a read: done before
    the save takes its lock, see monitor.store.articles.save)."""
    return await stories.window(conn, terms, at, story_rules.WINDOW)


async def story(conn: AsyncConnection[Any], terms: set[str], at: datetime, seen: stories.Window) -> int:
    """The story of an article with these terms published at `at`: an existing one, or a new one."""
    best = story_rules.best_story(terms, seen.candidates, seen.df, seen.n)
    return best[0] if best else await stories.create(conn, at)
