"""Reading stories back for a reader: one row per story (its first publisher, outlets, languages),
and a story's timeline (every article that carried it, the first publisher first).

A story's articles are those with its `story_id`, copies included. Its **first publisher** (the
original) is its earliest-published article that copies nothing: by publication time, then
first-seen time, then id. It is derived here at every read from what the articles say, not kept,
so it follows the pipeline whenever a group is re-pointed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from psycopg import AsyncConnection

from monitor.errors import UsageError

Row = dict[str, Any]


def earliest(a: str) -> str:
    """The order of a story's articles, earliest first, for the table alias `a`: publication time
    (undated last), then first-seen time, then id. The first of them that copies nothing is the
    first publisher."""
    return f"{a}.published_at NULLS LAST, {a}.stored_at, {a}.id"


# A story's articles in timeline order, with `original` on its first publisher and the outlet of
# what each copy reproduces. {story} is the story an article belongs to; {where} narrows the
# articles (e.g. no seeds, for digests).
MEMBERS = """
    SELECT m.*, c.outlet AS copy_of_outlet
      FROM (SELECT a.id, {story} AS story, a.outlet, a.url, a.title, a.lang, a.published_at,
                   a.stored_at, a.duplicate_of, a.similarity, a.seed_duplicate, a.is_seed,
                   a.duplicate_of IS NULL AND row_number() OVER (
                       PARTITION BY {story} ORDER BY a.duplicate_of IS NOT NULL, {order}) = 1 AS original
              FROM articles a
             WHERE {where}) m
      LEFT JOIN articles c ON c.id = m.duplicate_of
     ORDER BY m.story, NOT m.original, {order_m}
"""


async def members(
    conn: AsyncConnection[Any],
    story_ids: Sequence[int],
    *,
    seeds: bool = True,
    stored_until: datetime | None = None,
    unclustered: bool = False,
) -> list[Row]:
    """The articles of these stories, story by story in timeline order: the first publisher first
    (`original` true), then the others earliest first. Each has `copy_of_outlet` (the outlet of
    what it reproduces) when it is a copy. With `seeds=False`, seed articles and their copies are
    left out (and the first publisher is the earliest of the others); with `stored_until`, the
    articles stored after it; with `unclustered`, an article in no story is a story of its own,
    under its own id (as digests group them)."""
    where = "a.story_id = ANY(%(stories)s)"
    story = "a.story_id"
    if unclustered:
        where = f"({where} OR (a.story_id IS NULL AND a.id = ANY(%(stories)s)))"
        story = "coalesce(a.story_id, a.id)"
    if not seeds:
        where += " AND NOT a.is_seed AND NOT a.seed_duplicate"
    if stored_until is not None:
        where += " AND a.stored_at <= %(until)s"
    sql = MEMBERS.format(story=story, order=earliest("a"), order_m=earliest("m"), where=where)
    cur = await conn.execute(sql.encode(), {"stories": list(story_ids), "until": stored_until})
    return await cur.fetchall()


def headline(timeline: Sequence[Row], lang: str | None = None) -> Row:
    """The article whose title heads a story (its timeline as `members` gives it): in `lang` when
    the story has an article in it (the earliest one that copies nothing, else the earliest copy),
    else the first publisher's."""
    if lang is not None:
        in_lang = [m for m in timeline if m["lang"] == lang and m["title"]]
        for m in in_lang:
            if m.get("duplicate_of") is None:
                return m
        if in_lang:
            return in_lang[0]
    return timeline[0]


def in_order(values: Sequence[Any]) -> list[Any]:
    """Each value once, in the order first met."""
    return list(dict.fromkeys(v for v in values if v is not None))


@dataclass(frozen=True)
class Filters:
    """Which stories to list: first published in [since, until), with an article matched by
    `keyword` / in `lang`; a page of `limit` from `offset`."""

    since: datetime | None = None
    until: datetime | None = None
    keyword: str | None = None
    lang: str | None = None
    limit: int = 50
    offset: int = 0


# One row per story: its first publisher. Walked newest first along the articles' newest-first
# index, so a page costs the stories on it (each checked by its own few articles), not the archive.
FIRST_PUBLISHERS = """
    SELECT a.story_id FROM articles a
     WHERE a.story_id IS NOT NULL AND a.duplicate_of IS NULL
       AND a.id = (SELECT b.id FROM articles b WHERE b.story_id = a.story_id AND b.duplicate_of IS NULL
                    ORDER BY {order} LIMIT 1)
       {where}
     ORDER BY a.published_at DESC NULLS LAST, a.id DESC
     LIMIT %(limit)s OFFSET %(offset)s
"""


async def keyword_id(conn: AsyncConnection[Any], name: str) -> int:
    cur = await conn.execute("SELECT id FROM keywords WHERE name = %s", (name,))
    row = await cur.fetchone()
    if row is None:
        raise UsageError(f"stories: no keyword named {name!r} (see `newswatch keywords list`)")
    return int(row["id"])


async def listing(conn: AsyncConnection[Any], f: Filters) -> list[Row]:
    """A page of stories, newest first (by their first publication): each with `id`, `headline`,
    `first_published`, `original` ({article_id, outlet, url}), `outlets`, `langs` (each in the order
    they carried it, the first publisher's first) and `articles` (how many, copies included). With
    `f.lang`, the headline is in that language (see `headline`). An unknown keyword is a usage
    error."""
    where: list[str] = []
    args: dict[str, Any] = {"limit": f.limit, "offset": f.offset}
    if f.since is not None:
        where.append("a.published_at >= %(since)s")
        args["since"] = f.since
    if f.until is not None:
        where.append("a.published_at < %(until)s")
        args["until"] = f.until
    if f.keyword is not None:
        where.append(
            "EXISTS (SELECT 1 FROM articles k JOIN article_keywords ak ON ak.article_id = k.id"
            " WHERE k.story_id = a.story_id AND ak.keyword_id = %(keyword)s)"
        )
        args["keyword"] = await keyword_id(conn, f.keyword)
    if f.lang is not None:
        where.append("EXISTS (SELECT 1 FROM articles l WHERE l.story_id = a.story_id AND l.lang = %(lang)s)")
        args["lang"] = f.lang
    sql = FIRST_PUBLISHERS.format(order=earliest("b"), where="".join(f" AND {w}" for w in where))
    async with conn.transaction():
        # The planner cannot tell how many articles pass the first-publisher test, so it prices a
        # filtered page past jit_above_cost, and compiling took ~20 ms of a 1 ms query (bench/stories.py)
        await conn.execute("SET LOCAL jit = off")
        cur = await conn.execute(sql.encode(), args, prepare=False)
        ids = [r["story_id"] for r in await cur.fetchall()]
    by_story: dict[int, list[Row]] = {i: [] for i in ids}
    for m in await members(conn, ids):
        by_story[m["story"]].append(m)
    return [summary(i, timeline, f.lang) for i, timeline in by_story.items() if timeline]


def summary(story_id: int, timeline: Sequence[Row], lang: str | None = None) -> Row:
    """What a listing shows of a story, from its timeline (as `members` gives it). `original` is
    None only for a story whose every article is a copy (of another story's article)."""
    first, head = timeline[0], headline(timeline, lang)
    original = {"article_id": first["id"], "outlet": first["outlet"], "url": first["url"]}
    return {
        "id": story_id,
        "headline": head["title"] or head["url"],
        "first_published": first["published_at"] if first["original"] else None,
        "original": original if first["original"] else None,
        "outlets": in_order([m["outlet"] for m in timeline]),
        "langs": in_order([m["lang"] for m in timeline]),
        "articles": len(timeline),
    }


async def story(conn: AsyncConnection[Any], story_id: int) -> Row | None:
    """One story: its summary, with `articles` its timeline (each article's `id`, `outlet`, `url`,
    `title`, `lang`, `published_at`, `first_seen`, `duplicate_of` with `copy_of_outlet`,
    `similarity` to what it copies, `seed_duplicate`, `is_seed`, `original`); None if it has none."""
    timeline = await members(conn, [story_id])
    if not timeline:
        return None
    return {**summary(story_id, timeline), "articles": [article(m) for m in timeline]}


def article(m: Row) -> Row:
    """An article of a timeline as readers get it (`stored_at` is when Newswatch first saw it)."""
    out = {k: v for k, v in m.items() if k not in ("story", "stored_at")}
    out["first_seen"] = m["stored_at"]
    return out
