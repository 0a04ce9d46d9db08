"""Stories: clusters of articles about one event, and the terms each article was matched on."""

from __future__ import annotations

from collections import Counter
from collections.abc import Set
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import chain
from typing import Any

from psycopg import AsyncConnection
from psycopg.rows import tuple_row

from monitor.pipeline import stories as story_rules


@dataclass
class Window:
    """The articles of a time window that share a term with a new one, and term frequencies there."""

    candidates: list[tuple[int, Set[str], str | None]]  # (story_id, terms, lang)
    df: dict[str, int]
    n: int  # articles in the window
    ids: list[int] = field(default_factory=list)  # the article of each candidate

    @property
    def rows(self) -> dict[int, tuple[int, Set[str]]]:
        """article_id -> (story_id, terms) of the candidates (only a recluster reads them)."""
        return {
            article_id: (story_id, terms)
            for article_id, (story_id, terms, _) in zip(self.ids, self.candidates, strict=True)
        }


async def window(
    conn: AsyncConnection[Any], terms: set[str], at: datetime, span: timedelta, limit: int = 500
) -> Window:
    """Articles of stories begun within `span` of `at` sharing a term with `terms`, and how common each
    term is among the articles published within `span` of `at`."""
    wanted = sorted(t for t in terms if t)
    if not wanted:
        return Window([], {}, 0)
    # a story spans at most `span` from its first article: a late copy of an old story does not
    # carry it forward to the next event with the same names. Only ids and the row's version are
    # read here: a window is hundreds of rows, and turning their term arrays into sets took most of
    # a save's CPU on the event loop (bench/ingest.py, issue 16); the terms come from _TERMS.
    cur = conn.cursor(row_factory=tuple_row)
    await cur.execute(
        """
        SELECT c.n, t.article_id, t.story_id, t.version
          FROM (SELECT count(*) AS n FROM story_terms WHERE published_at BETWEEN %(from)s AND %(to)s) AS c
          LEFT JOIN (SELECT t.article_id, t.story_id, t.xmin::text::bigint AS version, t.published_at
                       FROM story_terms t JOIN stories s ON s.id = t.story_id
                      WHERE t.published_at BETWEEN %(from)s AND %(to)s AND t.term_vec @@ %(any)s::tsquery
                        AND s.first_seen BETWEEN %(from)s AND %(to)s
                      ORDER BY t.published_at DESC LIMIT %(limit)s) AS t ON true
         ORDER BY t.published_at DESC
        """,
        {"from": at - span, "to": at + span, "any": any_of(wanted), "limit": limit},
        # planned for its own terms and days every time, never prepared: its best plan depends on
        # them (a seq scan of a few days, or the term index across a long archive), and a save's
        # statements are prepared (monitor.store.articles.save). Prepared, PostgreSQL sometimes kept
        # a generic plan made while the table was small: 11 ms a save instead of 1.5, a run in four
        # (pg_stat_statements over bench/ingest.py, issue 16)
        prepare=False,
    )
    rows = await cur.fetchall()  # one row at least: the count
    n = rows[0][0]
    held = await _terms(conn, [(r[1], r[3]) for r in rows if r[1] is not None])
    ids: list[int] = []
    candidates: list[tuple[int, Set[str], str | None]] = []
    for _, article_id, story_id, _ in rows:
        found = held.get(article_id)
        if found is not None:  # not deleted meanwhile
            ids.append(article_id)
            candidates.append((story_id, *found))
    df = dict(Counter(chain.from_iterable(map(terms.intersection, (theirs for _, theirs, _ in candidates)))))
    return Window(candidates, df, n, ids)


# (article id, version of its story_terms row) -> (terms, lang). A row's terms change only when
# its outlet's template is learned again (monitor.store.groups), and any change of the row, in
# any process, gives it a new version (its xmin), so what is kept here is never stale; a moved
# story is read again once. Bounded: the oldest half goes when it is full. A window is the 500
# latest articles sharing a term, so the latest 5,000 read are what saves ask for again. Each set
# is made from a set, not from the row's list: grown from a list, its table is resized four times
# over as it fills (2.1 KB for 30 terms against 1.2). At its bound this holds ~13 MiB in each
# extract process; with 50,000 entries made from lists it held ~176 MiB, which bench/ingest.py's
# 2,000 articles never reached and a worker does within days (issue 16: a worker and its two
# extract processes stay under 600 MB).
_TERMS: dict[tuple[int, int], tuple[frozenset[str], str | None]] = {}
TERMS_KEPT = 5_000


async def _terms(
    conn: AsyncConnection[Any], wanted: list[tuple[int, int]]
) -> dict[int, tuple[frozenset[str], str | None]]:
    """The terms and language of these (article id, version) rows, read from the database only for
    the versions not kept. A row changed or deleted since its version was read is given as it is
    now, or left out."""
    held: dict[int, tuple[frozenset[str], str | None]] = {}
    missing: list[int] = []
    for article_id, version in wanted:
        kept = _TERMS.get((article_id, version))
        if kept is None:
            missing.append(article_id)
        else:
            held[article_id] = kept
    if missing:
        cur = conn.cursor(row_factory=tuple_row)
        await cur.execute(
            "SELECT article_id, xmin::text::bigint, terms, lang FROM story_terms WHERE article_id = ANY(%s)",
            (missing,),
        )
        if len(_TERMS) + len(missing) > TERMS_KEPT:
            for key in list(_TERMS)[: len(_TERMS) // 2]:
                del _TERMS[key]
        for article_id, version, terms, lang in await cur.fetchall():
            held[article_id] = _TERMS[(article_id, version)] = (frozenset(set(terms)), lang)
    return held


async def create(conn: AsyncConnection[Any], first_seen: datetime, story_id: int | None = None) -> int:
    """A new story; `story_id`: its id, drawn from the sequence already (nothing is read back)."""
    if story_id is not None:
        await conn.execute(
            "INSERT INTO stories (id, first_seen, last_seen) VALUES (%s, %s, %s)", (story_id, first_seen, first_seen)
        )
        return story_id
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


# Originals re-decided at once, the nearest in time to the new article: the cost of a save stays
# bounded (cluster compares each pair) when a story grows long; the rest keep their story.
MEMBERS_AT_MOST = 20


async def members(
    conn: AsyncConnection[Any], story_ids: list[int], around: datetime | None = None
) -> list[dict[str, Any]]:
    """The originals (story terms) of these stories, at most MEMBERS_AT_MOST: the nearest in time
    to `around`, else the earliest."""
    order = "published_at" if around is None else "abs(extract(epoch FROM published_at - %(around)s))"
    cur = await conn.execute(
        "SELECT article_id, story_id, published_at, terms, lang FROM story_terms WHERE story_id = ANY(%(ids)s)"
        f" ORDER BY {order}, article_id LIMIT %(limit)s".encode(),
        {"ids": story_ids, "around": around, "limit": MEMBERS_AT_MOST},
    )
    return await cur.fetchall()


async def move(conn: AsyncConnection[Any], article_ids: list[int], story_id: int) -> None:
    """Put these originals, and their copies, in `story_id`."""
    await conn.execute("UPDATE story_terms SET story_id = %s WHERE article_id = ANY(%s)", (story_id, article_ids))
    await conn.execute(
        "UPDATE articles SET story_id = %s"
        " WHERE (id = ANY(%s) OR duplicate_of = ANY(%s)) AND story_id IS DISTINCT FROM %s",
        (story_id, article_ids, article_ids, story_id),
    )
    await conn.execute(
        "UPDATE stories s SET first_seen = least(s.first_seen, t.first), last_seen = greatest(s.last_seen, t.last)"
        " FROM (SELECT min(published_at) AS first, max(published_at) AS last FROM story_terms"
        "       WHERE story_id = %s) t WHERE s.id = %s",
        (story_id, story_id),
    )


async def drop_empty(conn: AsyncConnection[Any], story_ids: list[int]) -> None:
    """Delete the stories of these that no article is in any more."""
    await conn.execute(
        "DELETE FROM stories s WHERE s.id = ANY(%s) AND NOT EXISTS (SELECT 1 FROM articles a WHERE a.story_id = s.id)"
        " AND NOT EXISTS (SELECT 1 FROM story_terms t WHERE t.story_id = s.id)",
        (story_ids,),
    )


async def recluster(
    conn: AsyncConnection[Any], story_ids: list[int], seen: Window | None = None, around: datetime | None = None
) -> None:
    """Decide again the stories of the originals of these stories, from that set alone
    (monitor.pipeline.stories.cluster), so that what a new article touches ends the same whatever
    order its articles arrived in. Each resulting story keeps the id most of its members had.
    `seen`: the window the new article was judged in (term frequencies are counted there); none:
    the window of these stories' first article."""
    rows = await members(conn, sorted(set(story_ids)), around)
    if len(rows) < 2:
        return
    every = frozenset().union(*(r["terms"] for r in rows))
    if seen is None:
        seen = await window(conn, set(every), min(r["published_at"] for r in rows), story_rules.WINDOW)
    held = dict(seen.rows)
    held.update({r["article_id"]: (r["story_id"], set(r["terms"])) for r in rows})
    # a term's frequency counts the stories that hold it, not their articles: a story told by
    # ten articles must not make its own names look common, and its next article look foreign.
    # Only the terms of the articles decided are weighed (cluster compares nothing else).
    holding: dict[int, set[str]] = {}
    for story_id, terms in held.values():
        holding.setdefault(story_id, set()).update(every.intersection(terms))
    df = dict(Counter(chain.from_iterable(holding.values())))
    told = [story_rules.Told(r["article_id"], r["published_at"], frozenset(r["terms"]), r["lang"]) for r in rows]
    current = {r["article_id"]: r["story_id"] for r in rows}
    first = {r["article_id"]: r["published_at"] for r in rows}
    taken: set[int] = set()
    moved = False
    stories_seen = len({story_id for story_id, _ in held.values()})
    for found in story_rules.cluster(told, df, max(seen.n, stories_seen)):
        counts = Counter(current[a] for a in found)
        ranked = sorted(counts, key=lambda sid: (-counts[sid], sid))
        choice = next((sid for sid in ranked if sid not in taken), None)
        if choice is None:
            choice = await create(conn, min(first[a] for a in found))
        taken.add(choice)
        moving = [a for a in found if current[a] != choice]
        if moving:
            await move(conn, moving, choice)
            moved = True
    if moved:
        await drop_empty(conn, sorted(set(current.values())))
