"""Retention and upkeep: purge old raw evidence, then vacuum and analyse."""

from __future__ import annotations

from typing import Any

from psycopg import AsyncConnection, sql

# Tables that churn: articles (evidence purged, rows added), matches, the outbox.
TABLES = ("articles", "article_keywords", "digests", "digest_items", "sources")


async def purge_evidence(conn: AsyncConnection[Any], days: int) -> int:
    """Drop the response headers of articles fetched more than `days` ago; the archive, the final
    URL and the SHA-256 of the raw page stay. Returns how many articles were purged."""
    cur = await conn.execute(
        "UPDATE articles SET fetch_headers = NULL"
        " WHERE fetch_headers IS NOT NULL AND fetched_at < now() - make_interval(days => %s)",
        (days,),
    )
    return cur.rowcount


async def vacuum_analyze(conn: AsyncConnection[Any]) -> None:
    """VACUUM (ANALYZE) the churning tables; needs an autocommit connection (no transaction)."""
    for table in TABLES:
        await conn.execute(sql.SQL("VACUUM (ANALYZE) {}").format(sql.Identifier(table)))
