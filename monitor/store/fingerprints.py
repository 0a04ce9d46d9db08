"""The duplicates index: each article's MinHash signature and its LSH band keys."""

from __future__ import annotations

from typing import Any

from psycopg import AsyncConnection, AsyncCursor

from monitor.pipeline.fingerprint import Signature, band_keys

# Saves and re-decisions hold it until their transaction ends: two processes storing two copies
# of one story at the same moment would otherwise each find nothing and both keep theirs as the
# original. Held shared by the saves of ordinary articles that change nothing but their own rows
# (they serialise on narrower locks, `lock_article`), exclusively by everything else.
SAVE_LOCK = 0x64757073  # "dups"
# the two-key advisory lock spaces (apart from the one-key space of SAVE_LOCK and the band keys)
OUTLET_SPACE = 0x6F75746C  # "outl": one outlet's saves (its sentence counts, so its template)
STORY_SPACE = 0x73746F72  # "stor": one story's members (assignment, re-clustering)
GROUP_SPACE = 0x67727570  # "grup": one group of copies, by the id of its root (its original when read)


async def lock(conn: AsyncConnection[Any]) -> None:
    """Serialise dedup-and-insert across processes until the current transaction ends."""
    await conn.execute("SELECT pg_advisory_xact_lock(%s)", (SAVE_LOCK,))


def _int4(value: int) -> int:
    return (value & 0xFFFFFFFF) - (1 << 32 if value & 0x80000000 else 0)


async def lock_article(conn: AsyncConnection[Any], outlet: str, sig: Signature) -> None:
    """The locks of an ordinary save, until the transaction ends, always in this order (so two
    saves never wait for each other in a circle): SAVE_LOCK shared, then the outlet's, then the
    article's LSH bands in ascending order. Two articles that share no band cannot be copies of each
    other (an exact copy has the same bands), so their saves go on at once; two that share one take
    turns, and the second sees the first. A seed's save takes SAVE_LOCK exclusively (`lock`): every
    article is compared with every seed, whatever its bands."""
    import hashlib

    digest = int.from_bytes(hashlib.blake2b(outlet.encode(), digest_size=4).digest(), "little")
    keys = sorted(set(band_keys(sig))) if sig.size else []
    # one statement, one round trip: the locks are taken row by row in the order of the sorted rows
    await conn.execute(
        """
        SELECT count(CASE WHEN n = 1 THEN pg_advisory_xact_lock_shared(%(save)s)::text
                          WHEN n = 2 THEN pg_advisory_xact_lock(%(space)s, %(outlet)s)::text
                          ELSE pg_advisory_xact_lock(k)::text END)
          FROM (SELECT k, n FROM unnest(%(keys)s::bigint[]) WITH ORDINALITY AS t (k, n) ORDER BY n) AS ordered
        """,
        {"save": SAVE_LOCK, "space": OUTLET_SPACE, "outlet": _int4(digest), "keys": [0, 0, *keys]},
    )


async def lock_stories(conn: AsyncConnection[Any], story_ids: list[int]) -> None:
    """After `lock_article`: the stories a save adds to or re-clusters, in ascending order."""
    ids = sorted(set(story_ids))
    if ids:
        await conn.execute(
            "SELECT count(pg_advisory_xact_lock(%s, s)) FROM (SELECT s FROM unnest(%s::int[]) AS s ORDER BY s) AS t",
            (STORY_SPACE, [_int4(i) for i in ids]),
        )


async def lock_groups(conn: AsyncConnection[Any], roots: list[int]) -> None:
    """After `lock_stories`, and last: the groups of copies a save joins or re-points, by the ids of
    their roots, in ascending order. A save holding them waits for no other lock, so whoever waits
    for one never waits in a circle."""
    ids = sorted(set(roots))
    if ids:
        await conn.execute(
            "SELECT count(pg_advisory_xact_lock(%s, g)) FROM (SELECT g FROM unnest(%s::int[]) AS g ORDER BY g) AS t",
            (GROUP_SPACE, [_int4(i) for i in ids]),
        )


async def add(conn: AsyncConnection[Any], article_id: int, sig: Signature) -> None:
    """Index `article_id` under its signature (an empty text is not indexed)."""
    if sig.size == 0:
        return
    await conn.execute(
        "INSERT INTO fingerprints (article_id, minhash, shingles) VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
        (article_id, sig.to_bytes(), sig.size),
    )
    await conn.execute(
        "INSERT INTO lsh_bands (key, article_id) SELECT unnest(%s::bigint[]), %s ON CONFLICT DO NOTHING",
        (band_keys(sig), article_id),
    )


async def unindexed(conn: AsyncConnection[Any], after: int = 0, limit: int = 500) -> list[tuple[int, str]]:
    """(id, text) of articles with an id above `after` and no fingerprint (stored before the
    duplicates index existed), oldest first."""
    cur = await conn.execute(
        "SELECT a.id, a.text FROM articles a WHERE NOT EXISTS (SELECT 1 FROM fingerprints f WHERE f.article_id = a.id)"
        " AND a.id > %s ORDER BY a.id LIMIT %s",
        (after, limit),
    )
    return [(r["id"], r["text"]) for r in await cur.fetchall()]


async def candidates(conn: AsyncConnection[Any], sig: Signature, limit: int = 200) -> list[tuple[int, Signature]]:
    """(article_id, signature) of stored articles sharing at least one band with `sig`, most shared first."""
    return await signatures(await ask_candidates(conn, sig, limit))


async def ask_candidates(conn: AsyncConnection[Any], sig: Signature, limit: int = 200) -> AsyncCursor[Any] | None:
    """`candidates`, asked without waiting for the answer (`signatures` reads it): in a pipeline it
    goes to the server with the next statement whose result is read."""
    keys = band_keys(sig)
    if not keys:
        return None
    return await conn.execute(
        """
        SELECT f.article_id, f.minhash, f.shingles
          FROM (SELECT article_id, count(*) AS bands FROM lsh_bands WHERE key = ANY(%s)
                 GROUP BY article_id ORDER BY count(*) DESC, article_id LIMIT %s) hit
          JOIN fingerprints f ON f.article_id = hit.article_id
         ORDER BY hit.bands DESC, f.article_id
        """,
        (keys, limit),
    )


async def seeds(conn: AsyncConnection[Any]) -> list[tuple[int, Signature]]:
    """Every indexed seed article: always compared, whatever LSH says (a seed must never come back as new)."""
    return await signatures(await ask_seeds(conn))


async def ask_seeds(conn: AsyncConnection[Any]) -> AsyncCursor[Any]:
    """`seeds`, asked without waiting for the answer (as `ask_candidates`)."""
    return await conn.execute(
        "SELECT f.article_id, f.minhash, f.shingles FROM fingerprints f JOIN articles a ON a.id = f.article_id"
        " WHERE a.is_seed ORDER BY a.id"
    )


async def signatures(asked: AsyncCursor[Any] | None) -> list[tuple[int, Signature]]:
    """The (article_id, signature) rows of an asked lookup (none for a lookup not asked)."""
    if asked is None:
        return []
    return [(r["article_id"], Signature.from_bytes(r["minhash"], r["shingles"])) for r in await asked.fetchall()]
