"""Seeds: the articles the user has read already. A seed is an article row (`is_seed`, URL
`seed:<key>`, the page it came from in `final_url`); stored articles that reproduce it are its copies
(`duplicate_of`, `seed_duplicate`), never told as new.

Adding a seed looks back: one transaction stores it through the same save and duplicate decision as
any article (monitor.store.articles.save, under the save lock), then finds every stored article
that reproduces it through the duplicates index (monitor.store.originals.decide_all) and makes them
its copies, so no digest written after it tells them. Removing a seed makes its copies ordinary
articles again, each decided anew as if it had just arrived (they may be copies of one another).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from psycopg import AsyncConnection

from monitor.errors import UsageError
from monitor.pipeline import templates as template_rules
from monitor.pipeline.fingerprint import fingerprint
from monitor.store import articles, fingerprints, groups, originals, stories
from monitor.store.digests import COMMIT_SLACK

Row = dict[str, Any]
URL_PREFIX = "seed:"

_SEED = """
    SELECT a.id, a.title, a.outlet, a.published_at, a.lang, a.final_url AS url, a.guid AS key, a.text,
           a.stored_at AS added_at, a.story_id,
           (SELECT count(*) FROM articles c WHERE c.duplicate_of = a.id) AS copies
      FROM articles a
"""


@dataclass(frozen=True)
class Added:
    id: int
    copies: int  # stored articles that reproduce it, found when it was added
    withdrawn: list[Row]  # digests written but not sent that held one of them: (id, subscriber_id, local_date)


async def add(conn: AsyncConnection[Any], seed: articles.NewArticle) -> Added:
    """Store `seed` (an is_seed NewArticle whose guid is its key) and make every stored article that
    reproduces it its copy, in one transaction; a UsageError, with nothing stored, when a seed of that
    key exists or the text reproduces a seed (or a seed reproduces it)."""
    key = seed.guid or seed.url.removeprefix(URL_PREFIX)
    async with conn.transaction():
        saved = await articles.save(conn, seed)
        if saved is None:
            known = await by_key(conn, key)
            raise UsageError(f"seeds: already a seed: {key} (id {known['id'] if known else '?'})")
        seed_id, original = saved
        if original is not None:
            raise UsageError(f"seeds: this text reproduces seed {original}; nothing stored")
        newcomer = originals.Newcomer(
            seed.outlet,
            seed.text,
            seed.published_at,
            seed.fetched_at,
            True,
            seed.content_hash,
            seed.signature or fingerprint(seed.text),
            template_rules.keys(seed.text),
            recorded=True,
        )
        decision = await originals.decide_all(conn, newcomer, seed_id)
        await groups.apply(conn, decision.changes, decision.group)
        cur = await conn.execute("SELECT id FROM articles WHERE is_seed AND duplicate_of = %s", (seed_id,))
        if reproduced := [r["id"] for r in await cur.fetchall()]:
            raise UsageError(f"seeds: seed {reproduced[0]} reproduces this text; nothing stored")
        demoted = {r["story_id"] for r in decision.group if r["duplicate_of"] is None and r["story_id"] is not None}
        if demoted:  # originals that became copies gave up their story terms: their stories are decided again
            await stories.recluster(conn, sorted(demoted))
        cur = await conn.execute("SELECT id FROM articles WHERE duplicate_of = %s", (seed_id,))
        copies = [r["id"] for r in await cur.fetchall()]
        withdrawn = await withdraw(conn, copies, seed_id)
        await conn.execute("DELETE FROM removed_seeds WHERE key = %s", (key,))
        await conn.execute("DELETE FROM freed_copies WHERE article_id = ANY(%s)", (copies,))
    return Added(seed_id, len(copies), withdrawn)


async def withdraw(conn: AsyncConnection[Any], article_ids: list[int], seed_id: int) -> list[Row]:
    """Cancel the digests written but not sent (nor being sent) that hold one of these articles, and
    give their other articles back: the caller prepares them again without the copies."""
    if not article_ids:
        return []
    cur = await conn.execute(
        """
        UPDATE digests SET status = 'cancelled', claimed_until = NULL,
               last_error = 'withdrawn before it was sent: it told a republication of seed ' || %s::text
         WHERE status = 'pending' AND NOT in_flight
           AND id IN (SELECT digest_id FROM digest_items WHERE article_id = ANY(%s))
        RETURNING id, subscriber_id, local_date
        """,
        (seed_id, article_ids),
    )
    rows = await cur.fetchall()
    ids = [r["id"] for r in rows]
    if ids:
        await conn.execute("DELETE FROM digest_items WHERE digest_id = ANY(%s)", (ids,))
        await conn.execute("DELETE FROM seed_copy_notices WHERE digest_id = ANY(%s)", (ids,))
    return rows


async def remove(conn: AsyncConnection[Any], seed_id: int) -> list[int]:
    """Remove a seed: its copies become ordinary articles, each decided again against the archive,
    earliest published first (copies of one another form a group of their own, the earliest its
    original); its key is remembered so that `init` does not load it again. Returns the freed copies."""
    async with conn.transaction():
        await fingerprints.lock(conn)  # decisions of saves and of this re-decision take turns
        seed = await get(conn, seed_id)
        if seed is None:
            raise UsageError(f"seeds: no seed {seed_id} (see `newswatch seeds list`)")
        cur = await conn.execute(
            (
                originals._MEMBER
                + " WHERE a.duplicate_of = %s ORDER BY coalesce(a.published_at, a.fetched_at), a.fetched_at, a.id"
            ).encode(),
            (seed_id,),
        )
        copies = await cur.fetchall()
        await originals.repoint(conn, {r["id"]: None for r in copies})
        await conn.execute("DELETE FROM articles WHERE id = %s", (seed_id,))
        await conn.execute(
            "INSERT INTO removed_seeds (key) VALUES (%s) ON CONFLICT (key) DO UPDATE SET removed_at = now()",
            (seed["key"],),
        )
        for r in copies:
            await groups.redecide(conn, r["id"])
            cur = await conn.execute("SELECT duplicate_of FROM articles WHERE id = %s", (r["id"],))
            now = await cur.fetchone()
            if now is not None and now["duplicate_of"] is None:  # an original: its story terms back
                await groups.apply(conn, {r["id"]: None}, [r])
        freed = [r["id"] for r in copies]
        await conn.execute(
            "INSERT INTO freed_copies (article_id) SELECT unnest(%s::bigint[])"
            " ON CONFLICT (article_id) DO UPDATE SET freed_at = now()",
            (freed,),
        )
        touched = sorted({r["story_id"] for r in copies if r["story_id"] is not None})
        if touched:
            await stories.recluster(conn, touched)
            await stories.drop_empty(conn, touched)
        if seed["story_id"] is not None:
            await stories.drop_empty(conn, [seed["story_id"]])
    return freed


async def listing(conn: AsyncConnection[Any]) -> list[Row]:
    """Every seed, earliest published first, with how many stored articles reproduce it."""
    cur = await conn.execute((_SEED + " WHERE a.is_seed ORDER BY a.published_at, a.id").encode())
    return await cur.fetchall()


async def get(conn: AsyncConnection[Any], seed_id: int) -> Row | None:
    cur = await conn.execute((_SEED + " WHERE a.is_seed AND a.id = %s").encode(), (seed_id,))
    return await cur.fetchone()


async def by_key(conn: AsyncConnection[Any], key: str) -> Row | None:
    cur = await conn.execute((_SEED + " WHERE a.is_seed AND a.url = %s").encode(), (URL_PREFIX + key,))
    return await cur.fetchone()


async def copies(conn: AsyncConnection[Any], seed_id: int) -> list[Row]:
    """The stored articles that reproduce the seed, with what the record needs (monitor.record)."""
    cur = await conn.execute(
        "SELECT id, outlet, url, final_url, title, text, lang, published_at, date_source,"
        " stored_at AS first_seen, similarity"
        " FROM articles WHERE duplicate_of = %s"
        " ORDER BY coalesce(published_at, stored_at), stored_at, id",
        (seed_id,),
    )
    return await cur.fetchall()


async def removed_keys(conn: AsyncConnection[Any]) -> set[str]:
    """Keys of the seeds a user removed (monitor.seeds does not load them again)."""
    cur = await conn.execute("SELECT key FROM removed_seeds")
    return {r["key"] for r in await cur.fetchall()}


async def copies_first_seen(conn: AsyncConnection[Any], subscriber_id: int, now: datetime) -> list[Row]:
    """Copies of seeds first seen since the subscriber's previous digest (or in the day before they
    subscribed) and up to `now`, not told to them yet, first seen first: the "republications of
    your seeds" section of their digest (`subscribers add --seed-copies`)."""
    cur = await conn.execute(
        """
        SELECT c.id, c.outlet, c.url, c.title, c.published_at, c.stored_at AS first_seen, c.similarity,
               s.id AS seed_id, s.title AS seed_title, s.published_at AS seed_published_at
          FROM subscribers sub
          JOIN articles c ON c.seed_duplicate
          JOIN articles s ON s.id = c.duplicate_of AND s.is_seed
         WHERE sub.id = %(sid)s AND c.stored_at <= %(now)s
           AND c.stored_at > coalesce((SELECT max(d.created_at) FROM digests d
                                        WHERE d.subscriber_id = sub.id AND d.status IN ('pending', 'sent'))
                                      - %(slack)s::interval,
                                      sub.created_at - interval '1 day')
           AND NOT EXISTS (SELECT 1 FROM seed_copy_notices n WHERE n.subscriber_id = sub.id AND n.article_id = c.id)
         ORDER BY c.stored_at, c.id
        """,
        {"sid": subscriber_id, "now": now, "slack": COMMIT_SLACK},
    )
    return await cur.fetchall()
