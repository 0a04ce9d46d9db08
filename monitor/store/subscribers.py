"""Digest recipients."""

from __future__ import annotations

from datetime import time
from typing import Any, LiteralString

from psycopg import AsyncConnection, errors

from monitor.errors import Conflict, UsageError
from monitor.validate import Invalid
from monitor.validate import email as checked_email
from monitor.validate import language as checked_language
from monitor.validate import zone as checked_zone

Row = dict[str, Any]

EVERY = ("asap", "hourly", "daily", "weekly")
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def checked_every(every: str, day: int | str | None) -> tuple[str, int | None]:
    """How often (`asap`, `hourly`, `daily`, `weekly`) and, for weekly, on which day (0 Monday … 6
    Sunday, or its English name or first three letters; default Monday)."""
    if every not in EVERY:
        raise Invalid("every", f"{every!r} is not one of {', '.join(EVERY)}")
    if every != "weekly":
        if day is not None:
            raise Invalid("day", "a day of the week is for weekly digests only")
        return every, None
    if day is None:
        return every, 0
    if isinstance(day, str) and not day.isdigit():
        found = [i for i, name in enumerate(DAYS) if len(day) >= 3 and name.startswith(day.lower())]
        if not found:
            raise Invalid("day", f"{day!r} is not a day of the week")
        return every, found[0]
    if not 0 <= int(day) <= 6:
        raise Invalid("day", f"{day!r} is not a day of the week (0 Monday … 6 Sunday)")
    return every, int(day)


def schedule(row: Row) -> str:
    """When a subscriber's digests go out, in words: every front end says it so."""
    at = f"at {row['send_at'].strftime('%H:%M')} {row['tz']}"
    return {
        "asap": "as soon as something is new",
        "hourly": "hourly",
        "daily": f"daily {at}",
        "weekly": f"weekly on {DAYS[row['send_day'] or 0].capitalize()} {at}",
    }[row["every"]]


async def add(
    conn: AsyncConnection[Any],
    email: str,
    keywords: list[str] | None,
    send_at: time,
    tz: str,
    send_empty: bool = False,
    lang: str | None = None,
    changes: bool = False,
    seed_copies: bool = False,
    every: str = "daily",
    day: int | str | None = None,
) -> Row:
    """Subscribe `email` to the digest of `keywords` (None: all keywords), with headlines in `lang`
    where a story has them (None: the original's), with `changes` also the edits and takedowns of
    articles in stories they received, with `seed_copies` the republications of seeds first seen since
    their previous digest; a malformed address, an unknown zone, language
    or keyword is a usage error, whether it came from the CLI or the API."""
    email, tz = checked_email(email), checked_zone(tz)
    lang = checked_language(lang) if lang is not None else None
    every, day = checked_every(every, day)
    async with conn.transaction():
        try:
            cur = await conn.execute(
                "INSERT INTO subscribers (email, all_keywords, send_at, tz, send_empty, lang, changes, seed_copies,"
                " every, send_day) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING *",
                (email, keywords is None, send_at, tz, send_empty, lang, changes, seed_copies, every, day),
            )
        except errors.UniqueViolation:
            raise Conflict(f"subscribers: {email} is already subscribed (or unsubscribed: remove it first)") from None
        row = await cur.fetchone()
        assert row is not None
        for name in keywords or []:
            cur = await conn.execute(
                "INSERT INTO subscriber_keywords (subscriber_id, keyword_id)"
                " SELECT %s, id FROM keywords WHERE name = %s RETURNING keyword_id",
                (row["id"], name),
            )
            if await cur.fetchone() is None:
                raise Invalid("keywords", f"no keyword named {name!r}")
    return row


async def update(
    conn: AsyncConnection[Any],
    email: str,
    keywords: list[str] | None,
    send_at: time,
    tz: str,
    send_empty: bool = False,
    lang: str | None = None,
    every: str | None = None,
    day: int | str | None = None,
) -> Row:
    """Change what `email` is sent and when, by the same checks as `add` (`every` None: as often as
    before); the digests already sent stay as they were."""
    tz = checked_zone(tz)
    lang = checked_language(lang) if lang is not None else None
    every, day = checked_every(every, day) if every is not None else (None, None)
    async with conn.transaction():
        cur = await conn.execute(
            "UPDATE subscribers SET all_keywords = %s, send_at = %s, tz = %s, send_empty = %s, lang = %s,"
            " send_day = CASE WHEN %s::text IS NULL THEN send_day ELSE %s END, every = coalesce(%s, every)"
            " WHERE email = %s RETURNING *",
            (keywords is None, send_at, tz, send_empty, lang, every, day, every, email),
        )
        row = await cur.fetchone()
        if row is None:
            raise UsageError(f"subscribers: no subscriber {email!r} (see `newswatch subscribers list`)")
        await conn.execute("DELETE FROM subscriber_keywords WHERE subscriber_id = %s", (row["id"],))
        for name in keywords or []:
            cur = await conn.execute(
                "INSERT INTO subscriber_keywords (subscriber_id, keyword_id)"
                " SELECT %s, id FROM keywords WHERE name = %s RETURNING keyword_id",
                (row["id"], name),
            )
            if await cur.fetchone() is None:
                raise Invalid("keywords", f"no keyword named {name!r}")
    return row


async def get(conn: AsyncConnection[Any], email: str) -> Row:
    row = await (await conn.execute("SELECT * FROM subscribers WHERE email = %s", (email,))).fetchone()
    if row is None:
        raise UsageError(f"subscribers: no subscriber {email!r} (see `newswatch subscribers list`)")
    return row


async def by_id(conn: AsyncConnection[Any], subscriber_id: int) -> Row | None:
    return await (await conn.execute("SELECT * FROM subscribers WHERE id = %s", (subscriber_id,))).fetchone()


# A subscriber who can receive nothing: chosen keywords of which none is left (removed before
# removals were refused), or every keyword when there is none.
RECEIVES_NOTHING: LiteralString = """
    CASE WHEN s.all_keywords THEN NOT EXISTS (SELECT 1 FROM keywords)
         ELSE NOT EXISTS (SELECT 1 FROM subscriber_keywords sk WHERE sk.subscriber_id = s.id) END"""


async def list_all(conn: AsyncConnection[Any], active_only: bool = False) -> list[Row]:
    """Every subscriber with `keywords` (None: all keywords; a list, maybe empty, of names) and
    `receives_nothing`: no keyword left to match anything for them."""
    cur = await conn.execute(
        """
        SELECT s.*,
               CASE WHEN s.all_keywords THEN NULL
                    ELSE coalesce((SELECT array_agg(k.name ORDER BY k.name) FROM subscriber_keywords sk
                                     JOIN keywords k ON k.id = sk.keyword_id WHERE sk.subscriber_id = s.id), '{}')
                    END AS keywords,
               """
        + RECEIVES_NOTHING
        + """ AS receives_nothing,
               (SELECT max(d.sent_at) FROM digests d WHERE d.subscriber_id = s.id AND d.status = 'sent') AS last_sent
          FROM subscribers s
         WHERE s.active OR NOT %s
         ORDER BY s.email
        """,
        (active_only,),
    )
    return await cur.fetchall()


async def receiving_nothing(conn: AsyncConnection[Any]) -> list[Row]:
    """The active subscribers who can receive nothing, and why, for `status`."""
    return [
        {"email": r["email"], "why": "no keyword left" if r["keywords"] is not None else "no keywords exist"}
        for r in await list_all(conn, active_only=True)
        if r["receives_nothing"]
    ]


async def remove(conn: AsyncConnection[Any], email: str) -> None:
    cur = await conn.execute("DELETE FROM subscribers WHERE email = %s RETURNING id", (email,))
    if await cur.fetchone() is None:
        raise UsageError(f"subscribers: no subscriber {email!r} (see `newswatch subscribers list`)")


async def unsubscribe(conn: AsyncConnection[Any], subscriber_id: int) -> bool:
    """Stop this subscriber's digests, including any not sent yet; False when they were already
    unsubscribed (a second click, or a mail provider's one-click POST after the reader's)."""
    async with conn.transaction():
        cur = await conn.execute(
            "UPDATE subscribers SET active = false, unsubscribed_at = now() WHERE id = %s AND active RETURNING id",
            (subscriber_id,),
        )
        changed = await cur.fetchone() is not None
        await conn.execute(
            "UPDATE digests SET status = 'cancelled', last_error = 'unsubscribed', claimed_until = NULL"
            " WHERE subscriber_id = %s AND status = 'pending'",
            (subscriber_id,),
        )
    return changed
