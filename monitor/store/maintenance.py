"""Retention and upkeep: purge old raw evidence (response headers, WARC captures), then vacuum and analyse."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from psycopg import AsyncConnection, sql

from monitor.evidence.retention import Retained, retain

# Tables that churn: articles (evidence purged, rows added), matches, the outbox; the duplicates
# index and story terms (insert-only: vacuum keeps their visibility maps current for index-only scans).
TABLES = (
    "articles",
    "article_keywords",
    "digests",
    "digest_items",
    "sources",
    "fingerprints",
    "lsh_bands",
    "story_terms",
    "article_versions",
    "article_checks",
)


async def purge_evidence(conn: AsyncConnection[Any], days: int) -> int:
    """Drop the response headers of articles fetched more than `days` ago; the archive, the final
    URL and the SHA-256 of the raw page stay. Returns how many articles were purged."""
    cur = await conn.execute(
        "UPDATE articles SET fetch_headers = NULL"
        " WHERE fetch_headers IS NOT NULL AND fetched_at < now() - make_interval(days => %s)",
        (days,),
    )
    return cur.rowcount


# one worker at a time runs the upkeep (pg_try_advisory_lock key; any constant of our own)
UPKEEP_LOCK = 7_316_002


async def upkeep(
    conn: AsyncConnection[Any], evidence_days: int, warc_dir: Path | None = None
) -> tuple[int, Retained] | None:
    """Purge (when a retention is set) response headers and the WARC captures in `warc_dir`, then
    vacuum and analyse; returns the articles purged and what retention removed, or None when
    another process is doing it now. `conn` must be in autocommit mode."""
    row = await (await conn.execute("SELECT pg_try_advisory_lock(%s) AS got", (UPKEEP_LOCK,))).fetchone()
    if not (row and row["got"]):
        return None
    try:
        purged = await purge_evidence(conn, evidence_days) if evidence_days else 0
        retained = await retain(conn, warc_dir, evidence_days) if warc_dir is not None else Retained()
        await vacuum_analyze(conn)
    finally:
        await conn.execute("SELECT pg_advisory_unlock(%s)", (UPKEEP_LOCK,))
    return purged, retained


async def vacuum_analyze(conn: AsyncConnection[Any]) -> None:
    """VACUUM (ANALYZE) the churning tables; needs an autocommit connection (no transaction)."""
    for table in TABLES:
        await conn.execute(sql.SQL("VACUUM (ANALYZE) {}").format(sql.Identifier(table)))
