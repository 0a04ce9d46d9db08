"""The digest outbox: what is due, what was sent to whom, and with which Message-ID."""

from __future__ import annotations

from datetime import date
from typing import Any

from psycopg import AsyncConnection, errors

Row = dict[str, Any]

LEASE = "5 minutes"


async def candidates(conn: AsyncConnection, subscriber_id: int) -> list[Row]:
    """Articles for the subscriber's next digest: stored since their previous digest (or in the day
    before they subscribed), matching their keywords, not duplicates or seed copies, never sent."""
    cur = await conn.execute(
        """
        SELECT a.id, a.url, a.title, a.text, a.outlet, a.lang, a.published_at, a.stored_at,
               coalesce(a.story_id, a.id) AS story,
               array_agg(DISTINCT k.name ORDER BY k.name) AS keywords,
               array_agg(DISTINCT k.query) AS queries
          FROM subscribers s
          JOIN article_keywords ak ON true
          JOIN keywords k ON k.id = ak.keyword_id
          JOIN articles a ON a.id = ak.article_id
         WHERE s.id = %(sid)s
           AND (s.all_keywords OR EXISTS (SELECT 1 FROM subscriber_keywords sk
                                           WHERE sk.subscriber_id = s.id AND sk.keyword_id = k.id))
           AND a.duplicate_of IS NULL AND NOT a.seed_duplicate AND NOT a.is_seed
           AND a.stored_at > coalesce((SELECT max(d.created_at) FROM digests d WHERE d.subscriber_id = s.id),
                                      s.created_at - interval '1 day')
           AND NOT EXISTS (SELECT 1 FROM digest_items di WHERE di.subscriber_id = s.id AND di.article_id = a.id)
         GROUP BY a.id
         ORDER BY a.published_at DESC NULLS LAST, a.id DESC
        """,
        {"sid": subscriber_id},
    )
    return await cur.fetchall()


async def create(
    conn: AsyncConnection,
    subscriber_id: int,
    message_id: str,
    local_date: date,
    subject: str,
    message: bytes,
    article_ids: list[int],
) -> int | None:
    """Write the digest and its items in one transaction; None if another process already took
    these articles for this subscriber (or this Message-ID exists)."""
    try:
        async with conn.transaction():
            cur = await conn.execute(
                "INSERT INTO digests (subscriber_id, message_id, local_date, subject, message)"
                " VALUES (%s, %s, %s, %s, %s) RETURNING id",
                (subscriber_id, message_id, local_date, subject, message),
            )
            row = await cur.fetchone()
            assert row is not None
            await conn.execute(
                "INSERT INTO digest_items (digest_id, subscriber_id, article_id) SELECT %s, %s, unnest(%s::bigint[])",
                (row["id"], subscriber_id, article_ids),
            )
    except errors.UniqueViolation:
        return None
    return int(row["id"])


async def claim(conn: AsyncConnection, subscriber_id: int | None = None) -> Row | None:
    """Lease one pending digest (of one subscriber, or any) for sending."""
    cur = await conn.execute(
        f"""
        UPDATE digests d SET attempts = attempts + 1, claimed_until = now() + interval '{LEASE}'
         WHERE d.id = (SELECT id FROM digests
                        WHERE status = 'pending' AND (claimed_until IS NULL OR claimed_until < now())
                          AND (%(sid)s::bigint IS NULL OR subscriber_id = %(sid)s)
                        ORDER BY created_at, id
                        FOR UPDATE SKIP LOCKED LIMIT 1)
        RETURNING d.*, (SELECT email FROM subscribers s WHERE s.id = d.subscriber_id) AS email
        """,
        {"sid": subscriber_id},
    )
    return await cur.fetchone()


async def mark_sent(conn: AsyncConnection, digest_id: int) -> None:
    await conn.execute(
        "UPDATE digests SET status = 'sent', sent_at = now(), claimed_until = NULL, last_error = NULL WHERE id = %s",
        (digest_id,),
    )


async def mark_failed(conn: AsyncConnection, digest_id: int, reason: str) -> None:
    await conn.execute(
        "UPDATE digests SET status = 'failed', last_error = %s, claimed_until = NULL WHERE id = %s",
        (reason[:1000], digest_id),
    )


async def retry_later(conn: AsyncConnection, digest_id: int, reason: str, delay_s: float) -> None:
    await conn.execute(
        "UPDATE digests SET last_error = %s, claimed_until = now() + make_interval(secs => %s) WHERE id = %s",
        (reason[:1000], delay_s, digest_id),
    )


async def outbox_state(conn: AsyncConnection) -> Row:
    cur = await conn.execute(
        "SELECT count(*) FILTER (WHERE status = 'pending') AS pending,"
        " count(*) FILTER (WHERE status = 'sent') AS sent,"
        " count(*) FILTER (WHERE status = 'failed') AS failed FROM digests"
    )
    row = await cur.fetchone()
    assert row is not None
    return row


async def exists_for_day(conn: AsyncConnection, subscriber_id: int, local_date: date) -> bool:
    cur = await conn.execute(
        "SELECT 1 FROM digests WHERE subscriber_id = %s AND local_date = %s AND status <> 'failed'",
        (subscriber_id, local_date),
    )
    return await cur.fetchone() is not None


async def recent(conn: AsyncConnection, limit: int = 100, offset: int = 0) -> list[Row]:
    """Digests newest first, for the web: to whom, status, attempts, last error, how many articles."""
    cur = await conn.execute(
        """
        SELECT d.id, s.email, d.subject, d.local_date, d.status, d.attempts, d.last_error,
               d.created_at, d.sent_at, d.message_id,
               (SELECT count(*) FROM digest_items di WHERE di.digest_id = d.id) AS articles
          FROM digests d JOIN subscribers s ON s.id = d.subscriber_id
         ORDER BY d.created_at DESC, d.id DESC
         LIMIT %s OFFSET %s
        """,
        (limit, offset),
    )
    return await cur.fetchall()


async def message(conn: AsyncConnection, digest_id: int) -> Row | None:
    """One digest with its whole stored message (bytes), or None."""
    cur = await conn.execute(
        "SELECT d.*, s.email FROM digests d JOIN subscribers s ON s.id = d.subscriber_id WHERE d.id = %s",
        (digest_id,),
    )
    return await cur.fetchone()
