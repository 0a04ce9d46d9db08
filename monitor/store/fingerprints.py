"""The duplicates index: each article's MinHash signature and its LSH band keys."""

from __future__ import annotations

from psycopg import AsyncConnection

from monitor.pipeline.dedup import Candidate
from monitor.pipeline.fingerprint import Signature, band_keys

# Held for the whole of a save: two processes storing two copies of one story at the same moment
# would otherwise each find nothing and both keep theirs as the original.
SAVE_LOCK = 0x64757073  # "dups"


async def lock(conn: AsyncConnection) -> None:
    """Serialise dedup-and-insert across processes until the current transaction ends."""
    await conn.execute("SELECT pg_advisory_xact_lock(%s)", (SAVE_LOCK,))


async def add(conn: AsyncConnection, article_id: int, sig: Signature) -> None:
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


async def candidates(conn: AsyncConnection, sig: Signature, limit: int = 200) -> list[Candidate]:
    """Stored articles sharing at least one band with `sig`, most shared bands first, with their roots."""
    keys = band_keys(sig)
    if not keys:
        return []
    cur = await conn.execute(
        """
        SELECT f.article_id, f.minhash, f.shingles, coalesce(a.duplicate_of, a.id) AS root_id,
               coalesce(root.is_seed, false) AS root_is_seed
          FROM (SELECT article_id, count(*) AS bands FROM lsh_bands WHERE key = ANY(%s)
                 GROUP BY article_id ORDER BY count(*) DESC, article_id LIMIT %s) hit
          JOIN fingerprints f ON f.article_id = hit.article_id
          JOIN articles a ON a.id = hit.article_id
          JOIN articles root ON root.id = coalesce(a.duplicate_of, a.id)
         ORDER BY hit.bands DESC, f.article_id
        """,
        (keys, limit),
    )
    return [
        Candidate(r["article_id"], r["root_id"], r["root_is_seed"], Signature.from_bytes(r["minhash"], r["shingles"]))
        for r in await cur.fetchall()
    ]


async def seeds(conn: AsyncConnection) -> list[Candidate]:
    """Every indexed seed article: always compared, whatever LSH says (a seed must never come back as new)."""
    cur = await conn.execute(
        "SELECT f.article_id, f.minhash, f.shingles FROM fingerprints f JOIN articles a ON a.id = f.article_id"
        " WHERE a.is_seed ORDER BY a.id"
    )
    return [
        Candidate(r["article_id"], r["article_id"], True, Signature.from_bytes(r["minhash"], r["shingles"]))
        for r in await cur.fetchall()
    ]


async def texts(conn: AsyncConnection, ids: list[int]) -> dict[int, str]:
    """The text of these articles, for the exact check of candidates."""
    cur = await conn.execute("SELECT id, text FROM articles WHERE id = ANY(%s)", (ids,))
    return {r["id"]: r["text"] for r in await cur.fetchall()}
