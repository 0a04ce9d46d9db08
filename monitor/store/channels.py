"""Channels (Apprise URLs) and their outbox: which stories each was told, what is waiting to go.

Each story reaches a channel once: `channel_stories` has one row per (channel, story), written in
the transaction of the message that tells it; the message is sent after that commits, leased like a
digest (monitor.store.digests), so a dead sender's message passes to another once, never a third time.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from psycopg import AsyncConnection, errors

from monitor.errors import Conflict, UsageError
from monitor.store.digests import COMMIT_SLACK
from monitor.store.newness import IS_NEW
from monitor.validate import Invalid
from monitor.validate import name as checked_name

Row = dict[str, Any]
EVERY = ("asap", "hourly", "daily")


async def add(
    conn: AsyncConnection[Any],
    name: str,
    url: str,
    keywords: list[str] | None,
    every: str = "asap",
    updates: bool = False,
    alerts: bool = False,
) -> Row:
    name = checked_name(name, "name")
    if every not in EVERY:
        raise Invalid("every", f"{every!r} is not one of {', '.join(EVERY)}")
    async with conn.transaction():
        try:
            cur = await conn.execute(
                "INSERT INTO channels (name, url, all_keywords, every, updates, alerts)"
                " VALUES (%s, %s, %s, %s, %s, %s) RETURNING *",
                (name, url, keywords is None, every, updates, alerts),
            )
        except errors.UniqueViolation:
            raise Conflict(f"channels: a channel named {name!r} exists already") from None
        row = await cur.fetchone()
        assert row is not None
        for kw in keywords or []:
            cur = await conn.execute(
                "INSERT INTO channel_keywords (channel_id, keyword_id) SELECT %s, id FROM keywords WHERE name = %s"
                " RETURNING keyword_id",
                (row["id"], kw),
            )
            if await cur.fetchone() is None:
                raise Invalid("keywords", f"no keyword named {kw!r}")
    return row


async def list_all(conn: AsyncConnection[Any]) -> list[Row]:
    """Every channel with its `keywords` (None: all), and how its messages fared."""
    cur = await conn.execute(
        """
        SELECT c.*,
               CASE WHEN c.all_keywords THEN NULL
                    ELSE coalesce((SELECT array_agg(k.name ORDER BY k.name) FROM channel_keywords ck
                                     JOIN keywords k ON k.id = ck.keyword_id WHERE ck.channel_id = c.id), '{}')
                    END AS keywords,
               (SELECT count(*) FROM channel_messages m WHERE m.channel_id = c.id AND m.status = 'sent') AS sent,
               (SELECT count(*) FROM channel_messages m WHERE m.channel_id = c.id AND m.status = 'pending') AS pending,
               (SELECT count(*) FROM channel_messages m WHERE m.channel_id = c.id AND m.status = 'failed') AS failed,
               (SELECT m.last_error FROM channel_messages m WHERE m.channel_id = c.id AND m.last_error IS NOT NULL
                 ORDER BY m.id DESC LIMIT 1) AS last_error
          FROM channels c ORDER BY c.name
        """
    )
    return await cur.fetchall()


async def remove(conn: AsyncConnection[Any], name: str) -> None:
    cur = await conn.execute("DELETE FROM channels WHERE name = %s RETURNING id", (name,))
    if await cur.fetchone() is None:
        raise UsageError(f"channels: no channel {name!r} (see `newswatch channels list`)")


async def new_stories(conn: AsyncConnection[Any], channel: Row, now: datetime, new_within: timedelta) -> list[int]:
    """The stories with an article matched by the channel's keywords, stored by `now` since the
    channel was made, news by the age rule, not copies nor seeds, that the channel was not told yet."""
    cur = await conn.execute(
        """
        SELECT DISTINCT coalesce(a.story_id, a.id) AS story,
               min(a.stored_at) OVER (PARTITION BY coalesce(a.story_id, a.id)) AS first
          FROM article_keywords ak
          JOIN articles a ON a.id = ak.article_id
         WHERE (%(all)s OR ak.keyword_id IN (SELECT keyword_id FROM channel_keywords WHERE channel_id = %(cid)s))
           AND a.duplicate_of IS NULL AND NOT a.seed_duplicate AND NOT a.is_seed
           AND a.stored_at <= %(now)s AND a.stored_at > %(since)s::timestamptz - %(slack)s::interval
           AND """
        + IS_NEW
        + """
           AND NOT EXISTS (SELECT 1 FROM channel_stories cs
                            WHERE cs.channel_id = %(cid)s AND cs.story = coalesce(a.story_id, a.id))
         ORDER BY first, story
        """,
        {
            "all": channel["all_keywords"],
            "cid": channel["id"],
            "now": now,
            "since": channel["created_at"],
            "slack": COMMIT_SLACK,
            "new_within": new_within,
        },
    )
    return [r["story"] for r in await cur.fetchall()]


async def told_to_update(conn: AsyncConnection[Any], channel_id: int, now: datetime) -> list[Row]:
    """The stories this channel was told more than an hour ago (or last updated): candidates for an update."""
    cur = await conn.execute(
        "SELECT story, outlets, langs FROM channel_stories WHERE channel_id = %s AND told_at <= %s - interval '1 hour'",
        (channel_id, now),
    )
    return await cur.fetchall()


async def create(
    conn: AsyncConnection[Any],
    channel_id: int,
    kind: str,
    title: str,
    body: str,
    stories: list[tuple[int, int, int]],
    now: datetime,
) -> int | None:
    """Write one message and the (channel, story) rows it tells (story, outlets, langs) in one
    transaction; None when another worker told one of these stories first. An update rewrites
    the rows' counts instead."""
    try:
        async with conn.transaction():
            cur = await conn.execute(
                "INSERT INTO channel_messages (channel_id, kind, title, body, created_at)"
                " VALUES (%s, %s, %s, %s, %s) RETURNING id",
                (channel_id, kind, title, body, now),
            )
            row = await cur.fetchone()
            assert row is not None
            for story, outlets, langs in stories:
                if kind == "update":
                    await conn.execute(
                        "UPDATE channel_stories SET told_at = %s, outlets = %s, langs = %s"
                        " WHERE channel_id = %s AND story = %s",
                        (now, outlets, langs, channel_id, story),
                    )
                else:
                    await conn.execute(
                        "INSERT INTO channel_stories (channel_id, story, message_id, told_at, outlets, langs)"
                        " VALUES (%s, %s, %s, %s, %s, %s)",
                        (channel_id, story, row["id"], now, outlets, langs),
                    )
    except errors.UniqueViolation:
        return None
    return int(row["id"])


async def give_up_doubtful(conn: AsyncConnection[Any]) -> list[Row]:
    """A message whose sender died mid-send a second time: not sent a third time."""
    cur = await conn.execute(
        """
        UPDATE channel_messages SET status = 'failed', in_flight = false, claimed_until = NULL,
               last_error = 'not sent again: the sender stopped twice in the middle of sending it'
         WHERE status = 'pending' AND in_flight AND crash_resends >= 1 AND claimed_until < now()
        RETURNING id
        """
    )
    return await cur.fetchall()


async def claim(conn: AsyncConnection[Any], lease_s: float) -> Row | None:
    """Lease one pending message for sending; one left in flight by a dead sender comes back once
    its lease expires, counted as a re-send."""
    cur = await conn.execute(
        """
        UPDATE channel_messages m SET attempts = attempts + 1,
               claimed_until = now() + make_interval(secs => %(lease)s),
               crash_resends = crash_resends + in_flight::int, in_flight = true
         WHERE m.id = (SELECT mm.id FROM channel_messages mm
                        WHERE mm.status = 'pending' AND (mm.claimed_until IS NULL OR mm.claimed_until < now())
                          AND NOT (mm.in_flight AND mm.crash_resends >= 1)
                        ORDER BY mm.created_at, mm.id
                        FOR UPDATE SKIP LOCKED LIMIT 1)
        RETURNING m.*, (SELECT c.url FROM channels c WHERE c.id = m.channel_id) AS url,
                  (SELECT c.name FROM channels c WHERE c.id = m.channel_id) AS channel
        """,
        {"lease": lease_s},
    )
    return await cur.fetchone()


async def renew(conn: AsyncConnection[Any], message_id: int, lease_s: float) -> None:
    await conn.execute(
        "UPDATE channel_messages SET claimed_until = now() + make_interval(secs => %s) WHERE id = %s AND in_flight",
        (lease_s, message_id),
    )


async def mark_sent(conn: AsyncConnection[Any], message_id: int) -> None:
    await conn.execute(
        "UPDATE channel_messages SET status = 'sent', sent_at = now(), claimed_until = NULL, in_flight = false,"
        " last_error = NULL WHERE id = %s",
        (message_id,),
    )


async def mark_failed(conn: AsyncConnection[Any], message_id: int, reason: str) -> None:
    await conn.execute(
        "UPDATE channel_messages SET status = 'failed', last_error = %s, claimed_until = NULL, in_flight = false"
        " WHERE id = %s",
        (reason[:1000], message_id),
    )


async def retry_later(conn: AsyncConnection[Any], message_id: int, reason: str, delay_s: float) -> None:
    await conn.execute(
        "UPDATE channel_messages SET last_error = %s, in_flight = false,"
        " claimed_until = now() + make_interval(secs => %s) WHERE id = %s",
        (reason[:1000], delay_s, message_id),
    )


async def failures(conn: AsyncConnection[Any], limit: int = 20) -> list[Row]:
    """The most recent messages that failed or wait for a retry, with the service's reason."""
    cur = await conn.execute(
        """
        SELECT m.id, c.name AS channel, m.kind, m.title, m.status, m.attempts, m.last_error, m.created_at
          FROM channel_messages m JOIN channels c ON c.id = m.channel_id
         WHERE m.last_error IS NOT NULL AND m.status <> 'sent'
         ORDER BY m.created_at DESC, m.id DESC LIMIT %s
        """,
        (limit,),
    )
    return await cur.fetchall()


async def last_of_kind(conn: AsyncConnection[Any], channel_id: int, kind: str) -> datetime | None:
    cur = await conn.execute(
        "SELECT max(created_at) AS at FROM channel_messages WHERE channel_id = %s AND kind = %s", (channel_id, kind)
    )
    row = await cur.fetchone()
    return row["at"] if row else None
