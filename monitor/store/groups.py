"""Writing a re-pointed group of copies, with what follows for stories: a member that becomes a copy
gives up its story terms (a copy adds none: it would make its story's words look common) and takes
its original's story; a member that becomes an original again gets its terms back.

Also the learning-order rule: when an outlet's template grows (a sentence reaches
templates.MIN_ARTICLES articles with the one just stored), the groups of that outlet's articles
holding it are decided again, since copies were judged before the template was known.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from psycopg import AsyncConnection

from monitor.pipeline import dedup
from monitor.pipeline import templates as template_rules
from monitor.pipeline.fingerprint import fingerprint
from monitor.pipeline.stories import terms as story_terms
from monitor.store import originals, stories
from monitor.store import templates as outlet_templates


async def template_of(conn: AsyncConnection[Any], outlet: str, text: str, at: datetime) -> template_rules.Template:
    """The learned template of `outlet` among the sentences of a stored `text`."""
    keys = template_rules.keys(text)
    return outlet_templates.learned(await outlet_templates.counts(conn, [outlet], keys, at), outlet)


async def apply(
    conn: AsyncConnection[Any],
    changes: dict[int, dedup.Original | None],
    group: list[dict[str, Any]],
    new_id: int | None = None,
    new_story: int | None = None,
) -> None:
    """Write `changes` (member id -> its original, None for an original; originals.NEW stands for
    `new_id`) for the stored members `group`, and move stories along."""
    if not changes:
        return
    resolved: dict[int, dedup.Original | None] = {}
    for aid, o in changes.items():
        if o is not None and o.article_id == originals.NEW:
            if new_id is None:
                continue
            o = dedup.Original(new_id, o.is_seed, o.similarity)
        resolved[aid] = o
    await originals.repoint(conn, resolved)
    rows = {r["id"]: r for r in group}
    story_of = {r["id"]: r["story_id"] for r in group}
    if new_id is not None and new_story is not None:
        story_of[new_id] = new_story
    for aid, original in sorted(resolved.items()):
        row = rows[aid]
        if original is not None:
            if row["duplicate_of"] is None:  # an original until now
                await conn.execute("DELETE FROM story_terms WHERE article_id = %s", (aid,))
            target = story_of.get(original.article_id)
            if target is not None and target != row["story_id"]:
                await conn.execute("UPDATE articles SET story_id = %s WHERE id = %s", (target, aid))
        elif row["duplicate_of"] is not None:  # a copy until now: an original again
            at = row["published_at"] or row["fetched_at"]
            template = await template_of(conn, row["outlet"], row["text"], at)
            terms = story_terms(row["title"], template_rules.strip(row["text"], template), row["lang"])
            story_id = row["story_id"] if row["story_id"] is not None else await stories.create(conn, at)
            if row["story_id"] is None:
                await conn.execute("UPDATE articles SET story_id = %s WHERE id = %s", (story_id, aid))
            await stories.add(conn, aid, story_id, at, terms, row["lang"])


async def relearn(conn: AsyncConnection[Any], outlet: str, keys: list[int], at: datetime, exclude: int) -> set[int]:
    """The sentences `keys` of `outlet` just became template text: decide again the groups of the
    outlet's articles that hold them, and refresh their story terms. Returns their stories."""
    holders = [h for h in await outlet_templates.holders(conn, outlet, keys, at) if h != exclude]
    if not holders:
        return set()
    cur = await conn.execute(
        "SELECT id, duplicate_of, title, text, lang, outlet, published_at, fetched_at FROM articles WHERE id = ANY(%s)",
        (holders,),
    )
    rows = await cur.fetchall()
    freed = []
    for root in sorted({r["duplicate_of"] or r["id"] for r in rows}):
        changes, group = await originals.regroup(conn, [root], at)
        await apply(conn, changes, group)
        freed += [aid for aid, o in changes.items() if o is None]
    for aid in sorted(freed):  # no longer a copy of its group: maybe of an article outside it
        await redecide(conn, aid)
    for r in rows:  # the lead of an original may have been the template
        if r["duplicate_of"] is None:
            when = r["published_at"] or r["fetched_at"]
            template = await template_of(conn, r["outlet"], r["text"], when)
            terms = story_terms(r["title"], template_rules.strip(r["text"], template), r["lang"])
            await conn.execute("UPDATE story_terms SET terms = %s WHERE article_id = %s", (sorted(terms), r["id"]))
    cur = await conn.execute(
        "SELECT DISTINCT story_id FROM articles WHERE id = ANY(%s) AND story_id IS NOT NULL", (holders,)
    )
    return {r["story_id"] for r in await cur.fetchall()}


async def redecide(conn: AsyncConnection[Any], article_id: int) -> None:
    """Decide again what a stored original reproduces, against the whole archive, as if it had just
    arrived: a copy of another article, or the earliest of another group (re-pointed to it)."""
    cur = await conn.execute((originals._MEMBER + " WHERE a.id = %s").encode(), (article_id,))
    row = await cur.fetchone()
    if row is None or row["duplicate_of"] is not None:
        return
    text = row["text"]
    newcomer = originals.Newcomer(
        row["outlet"],
        text,
        row["published_at"],
        row["fetched_at"],
        row["is_seed"],
        row["content_hash"],
        fingerprint(text),
        template_rules.keys(text),
        recorded=True,
    )
    decision = await originals.decide(conn, newcomer, itself=article_id)
    if decision.original is not None:
        await apply(conn, {article_id: decision.original}, [row, *decision.group])
    else:
        await apply(conn, decision.changes, decision.group, article_id, row["story_id"])
