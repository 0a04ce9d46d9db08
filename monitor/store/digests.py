"""The digest outbox: what is due, what was sent to whom, and with which Message-ID."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, LiteralString

from psycopg import AsyncConnection, errors

from monitor.store import story_reads
from monitor.store.newness import IS_NEW

Row = dict[str, Any]


# An article stored in a transaction that began just before the previous digest was written may
# commit after it, with a stored_at a little earlier: look back this far so it is not skipped.
# digest_items keeps what was already included from coming back.
COMMIT_SLACK = "10 minutes"


# Since when a subscriber's next digest looks: their previous digest, or the day before they subscribed
_SINCE: LiteralString = """coalesce((SELECT max(d.created_at) FROM digests d
                                    WHERE d.subscriber_id = s.id AND d.status IN ('pending', 'sent'))
                                  - %(slack)s::interval,
                                  s.created_at - interval '1 day')"""
# What brings an article into that window: stored since then and news by the age rule; or a copy set
# free since then by the removal of its seed (monitor.store.seeds.remove), news by the age rule counted
# from when it was freed: it was held back, not seen. (Two queries, not an OR: the first keeps its plan.)
_STORED: LiteralString = "AND " + IS_NEW + " AND a.stored_at > " + _SINCE
_FREED: LiteralString = (
    "AND EXISTS (SELECT 1 FROM freed_copies f WHERE f.article_id = a.id AND f.freed_at <= %(now)s AND f.freed_at > "
    + _SINCE
    + " AND (a.published_at IS NULL OR a.published_at >= f.freed_at - %(new_within)s::interval))"
)


async def candidates(conn: AsyncConnection[Any], subscriber_id: int, now: datetime, new_within: timedelta) -> list[Row]:
    """Articles for the subscriber's next digest: stored up to `now` since their previous digest (or
    in the day before they subscribed), or freed since then from a removed seed, matching their
    keywords, not duplicates or seed copies, never put in one of their digests before, nor of a
    story one of their digests told already, and news (monitor.store.newness: published within
    `new_within` of being first seen, or of being freed)."""
    args = {"sid": subscriber_id, "now": now, "slack": COMMIT_SLACK, "new_within": new_within}
    rows: dict[int, Row] = {}
    for window in (_STORED, _FREED):
        cur = await conn.execute(
            (
                """
        SELECT a.id, a.url, a.title, a.text, a.outlet, a.lang, a.published_at, a.stored_at,
               coalesce(a.story_id, a.id) AS story,
               a.story_id,
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
           AND a.stored_at <= %(now)s
           """
                + window
                + """
           AND NOT EXISTS (SELECT 1 FROM digest_items di WHERE di.subscriber_id = s.id AND di.article_id = a.id)
         GROUP BY a.id
         ORDER BY a.published_at DESC NULLS LAST, a.id DESC
        """
            ),
            args,
        )
        for r in await cur.fetchall():
            rows.setdefault(r["id"], r)
    found = sorted(rows.values(), key=_newest_first)
    # a story is told once: not again when another article of it arrives (README, "The daily digest")
    told = await told_stories(conn, subscriber_id, [r["story_id"] for r in found if r["story_id"] is not None])
    return [r for r in found if r["story_id"] not in told]


def _newest_first(r: Row) -> tuple[bool, float, int]:
    published = r["published_at"]
    return (published is None, -published.timestamp() if published else 0.0, -r["id"])


async def changes_for(conn: AsyncConnection[Any], subscriber_id: int, now: datetime) -> list[Row]:
    """Edits and takedowns found up to `now` of articles in stories the subscriber received, after
    they received them, not told to them yet (for a subscriber with `changes`)."""
    cur = await conn.execute(
        """
        SELECT v.id AS version_id, v.article_id, v.stored_at, v.removed, v.why, v.diff,
               coalesce(v.title, a.title) AS title, a.url, a.outlet
          FROM article_versions v
          JOIN articles a ON a.id = v.article_id
         WHERE v.n > 1 AND (v.changed OR v.removed) AND v.stored_at <= %(now)s
           AND EXISTS (SELECT 1 FROM digest_items di
                         JOIN digests d ON d.id = di.digest_id AND d.status IN ('pending', 'sent')
                         JOIN articles told ON told.id = di.article_id
                        WHERE di.subscriber_id = %(sid)s AND d.created_at < v.stored_at
                          AND coalesce(told.story_id, told.id) = coalesce(a.story_id, a.id))
           AND NOT EXISTS (SELECT 1 FROM change_notices cn
                            WHERE cn.subscriber_id = %(sid)s AND cn.version_id = v.id)
         ORDER BY v.stored_at, v.id
        """,
        {"sid": subscriber_id, "now": now},
    )
    return await cur.fetchall()


async def told_stories(conn: AsyncConnection[Any], subscriber_id: int, stories: list[int]) -> set[int]:
    """Which of these stories one of the subscriber's digests told already: an article of it is
    among their digest items. (A query of its own, from the few stories of the new articles: as a
    NOT EXISTS in candidates() the planner joined every article to every item ever sent to them.)"""
    if not stories:
        return set()
    cur = await conn.execute(
        "SELECT DISTINCT t.story_id FROM articles t JOIN digest_items dt ON dt.article_id = t.id"
        " WHERE t.story_id = ANY(%s) AND dt.subscriber_id = %s",
        (sorted(set(stories)), subscriber_id),
    )
    return {r["story_id"] for r in await cur.fetchall()}


async def carriers(conn: AsyncConnection[Any], stories: list[int], now: datetime) -> list[Row]:
    """The timeline of each of these stories (monitor.store.story_reads.members) as stored by `now`:
    every article that carried it, copies included, the first publisher first; seeds and their
    copies left out, as digests leave them out. An article in no story is a story of its own."""
    return await story_reads.members(conn, stories, seeds=False, stored_until=now, unclustered=True)


async def create(
    conn: AsyncConnection[Any],
    subscriber_id: int,
    message_id: str,
    local_date: date,
    subject: str,
    message: bytes,
    article_ids: list[int],
    created_at: datetime,
    once_per_day: bool,
    period_start: datetime | None = None,
    version_ids: list[int] | None = None,
    seed_copy_ids: list[int] | None = None,
) -> int | None:
    """Write the digest and its items (articles, and the edits and takedowns it tells of) in one
    transaction; None if another process got there first (these articles or changes already taken
    for this subscriber, this Message-ID exists, or with `once_per_day` a digest of that local
    date exists)."""
    try:
        async with conn.transaction():
            # the subscriber's row lock makes two workers preparing the same digest take turns
            await conn.execute("SELECT 1 FROM subscribers WHERE id = %s FOR UPDATE", (subscriber_id,))
            if period_start is not None:  # an hourly digest: once per hour
                if await exists_for_period(conn, subscriber_id, period_start):
                    return None
            elif once_per_day and await exists_for_day(conn, subscriber_id, local_date):
                return None
            cur = await conn.execute(
                "INSERT INTO digests (subscriber_id, message_id, local_date, subject, message, created_at,"
                " period_start) VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING id",
                (subscriber_id, message_id, local_date, subject, message, created_at, period_start),
            )
            row = await cur.fetchone()
            assert row is not None
            await conn.execute(
                "INSERT INTO digest_items (digest_id, subscriber_id, article_id) SELECT %s, %s, unnest(%s::bigint[])",
                (row["id"], subscriber_id, article_ids),
            )
            if version_ids:
                await conn.execute(
                    "INSERT INTO change_notices (subscriber_id, version_id, digest_id)"
                    " SELECT %s, unnest(%s::bigint[]), %s",
                    (subscriber_id, version_ids, row["id"]),
                )
            if seed_copy_ids:  # the seed copies its short section told (monitor.store.seeds.copies_first_seen)
                await conn.execute(
                    "INSERT INTO seed_copy_notices (subscriber_id, article_id, digest_id)"
                    " SELECT %s, unnest(%s::bigint[]), %s",
                    (subscriber_id, seed_copy_ids, row["id"]),
                )
    except errors.UniqueViolation:
        return None
    return int(row["id"])


async def give_up_doubtful(conn: AsyncConnection[Any]) -> list[Row]:
    """Fail the digests whose sender died mid-send a second time: the one re-send the outbox allows
    was spent, and a third copy would be worse than none."""
    cur = await conn.execute(
        """
        UPDATE digests SET status = 'failed', in_flight = false, claimed_until = NULL,
               last_error = 'not sent again: the sender stopped twice in the middle of sending it,'
                            ' so it may have arrived already'
         WHERE status = 'pending' AND in_flight AND crash_resends >= 1 AND claimed_until < now()
        RETURNING id
        """
    )
    return await cur.fetchall()


async def claim(conn: AsyncConnection[Any], lease_s: float, subscriber_id: int | None = None) -> Row | None:
    """Lease one pending digest of an active subscriber (one subscriber's, or any) for sending. A
    digest left in flight by a dead sender comes back once its lease expires, counted as a re-send."""
    cur = await conn.execute(
        """
        UPDATE digests d SET attempts = attempts + 1, claimed_until = now() + make_interval(secs => %(lease)s),
               crash_resends = crash_resends + in_flight::int, in_flight = true
         WHERE d.id = (SELECT dd.id FROM digests dd JOIN subscribers s ON s.id = dd.subscriber_id AND s.active
                        WHERE dd.status = 'pending' AND (dd.claimed_until IS NULL OR dd.claimed_until < now())
                          AND NOT (dd.in_flight AND dd.crash_resends >= 1)
                          AND (%(sid)s::bigint IS NULL OR dd.subscriber_id = %(sid)s)
                        ORDER BY dd.created_at, dd.id
                        FOR UPDATE OF dd SKIP LOCKED LIMIT 1)
        RETURNING d.*, (SELECT email FROM subscribers s WHERE s.id = d.subscriber_id) AS email
        """,
        {"sid": subscriber_id, "lease": lease_s},
    )
    return await cur.fetchone()


async def renew(conn: AsyncConnection[Any], digest_id: int, lease_s: float) -> None:
    """The sender is alive and still sending: keep the digest's lease."""
    await conn.execute(
        "UPDATE digests SET claimed_until = now() + make_interval(secs => %s) WHERE id = %s AND in_flight",
        (lease_s, digest_id),
    )


async def mark_sent(conn: AsyncConnection[Any], digest_id: int) -> None:
    await conn.execute(
        "UPDATE digests SET status = 'sent', sent_at = now(), claimed_until = NULL, in_flight = false,"
        " last_error = NULL WHERE id = %s",
        (digest_id,),
    )


async def mark_failed(conn: AsyncConnection[Any], digest_id: int, reason: str) -> None:
    """Record the failure, and free its articles and changes for the subscriber's next digest: they
    never got them."""
    async with conn.transaction():
        await conn.execute(
            "UPDATE digests SET status = 'failed', last_error = %s, claimed_until = NULL, in_flight = false"
            " WHERE id = %s",
            (reason[:1000], digest_id),
        )
        await conn.execute("DELETE FROM digest_items WHERE digest_id = %s", (digest_id,))
        await conn.execute("DELETE FROM change_notices WHERE digest_id = %s", (digest_id,))
        await conn.execute("DELETE FROM seed_copy_notices WHERE digest_id = %s", (digest_id,))


async def retry_later(conn: AsyncConnection[Any], digest_id: int, reason: str, delay_s: float) -> None:
    """The send surely did not happen (the server said so, or never answered): try again after `delay_s`."""
    await conn.execute(
        "UPDATE digests SET last_error = %s, in_flight = false, claimed_until = now() + make_interval(secs => %s)"
        " WHERE id = %s",
        (reason[:1000], delay_s, digest_id),
    )


async def outbox_state(conn: AsyncConnection[Any]) -> Row:
    cur = await conn.execute(
        "SELECT count(*) FILTER (WHERE status = 'pending') AS pending,"
        " count(*) FILTER (WHERE status = 'sent') AS sent,"
        " count(*) FILTER (WHERE status = 'failed') AS failed FROM digests"
    )
    row = await cur.fetchone()
    assert row is not None
    return row


async def failures(conn: AsyncConnection[Any], limit: int = 20) -> list[Row]:
    """The most recent failed digests, with the server's reason."""
    cur = await conn.execute(
        """
        SELECT d.id, s.email, d.local_date, d.attempts, d.last_error, d.created_at
          FROM digests d JOIN subscribers s ON s.id = d.subscriber_id
         WHERE d.status = 'failed'
         ORDER BY d.created_at DESC, d.id DESC
         LIMIT %s
        """,
        (limit,),
    )
    return await cur.fetchall()


async def exists_for_day(conn: AsyncConnection[Any], subscriber_id: int, local_date: date) -> bool:
    """Whether that local day's digest was already prepared (whatever became of it)."""
    cur = await conn.execute(
        "SELECT 1 FROM digests WHERE subscriber_id = %s AND local_date = %s",
        (subscriber_id, local_date),
    )
    return await cur.fetchone() is not None


async def exists_for_period(conn: AsyncConnection[Any], subscriber_id: int, period_start: datetime) -> bool:
    """Whether the digest of that hour (an hourly subscriber's) was already prepared."""
    cur = await conn.execute(
        "SELECT 1 FROM digests WHERE subscriber_id = %s AND period_start = %s",
        (subscriber_id, period_start),
    )
    return await cur.fetchone() is not None


async def recent(conn: AsyncConnection[Any], limit: int = 100, offset: int = 0) -> list[Row]:
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


async def message(conn: AsyncConnection[Any], digest_id: int) -> Row | None:
    """One digest with its whole stored message (bytes), or None."""
    cur = await conn.execute(
        "SELECT d.*, s.email FROM digests d JOIN subscribers s ON s.id = d.subscriber_id WHERE d.id = %s",
        (digest_id,),
    )
    return await cur.fetchone()
