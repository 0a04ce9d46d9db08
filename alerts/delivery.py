"""Delivery, exactly once as far as SMTP allows.

1. prepare: the digest and its items are written in one transaction (status pending), the whole
   message with its deterministic Message-ID stored beside them;
2. send: a pending digest is leased and marked in flight, sent as stored, then marked sent.

A crash between 2's send and its mark leaves the digest in flight; once the lease expires another
sender re-sends the same bytes (same Message-ID), once: if that sender dies mid-send too, the digest
is marked failed rather than risk a third copy. Temporary failures (4xx, timeouts, refused
connections) are retried with growing delays, MAX_ATTEMPTS times in all; permanent ones (5xx, a
refused recipient) are marked failed with the server's reason.

Test hook: with the environment variable NEWSWATCH_TEST_CRASH_AFTER_SEND set, the process exits at
once (status 70) after the server accepted a message and before it is marked sent. Only the crash
test sets it; it is read here and nowhere else.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from psycopg_pool import AsyncConnectionPool

from alerts import mailer, unsubscribe, when
from alerts.digest import Digest, assemble, changes, seed_copies
from alerts.render import render
from monitor import leases
from monitor.config import Settings
from monitor.store import digests as store
from monitor.store import seeds as seed_store
from monitor.store import subscribers

log = logging.getLogger(__name__)

RETRY_DELAYS_S = (60, 300, 900, 3600, 3600)  # after attempts 1…5; about 2.5 hours in all
MAX_ATTEMPTS = len(RETRY_DELAYS_S) + 1
CRASH_HOOK = "NEWSWATCH_TEST_CRASH_AFTER_SEND"


@dataclass
class Prepared:
    digest: Digest
    subject: str
    text: str
    html: str
    message_id: str


async def build(
    pool: AsyncConnectionPool,
    settings: Settings,
    subscriber: dict[str, Any],
    now: datetime,
    local_date: date | None = None,
    period_start: datetime | None = None,
) -> Prepared | None:
    """The digest this subscriber would get now, rendered, as the digest of `local_date` (default:
    their today); None when nothing is new (unless they asked for empty digests) or they unsubscribed."""
    if not subscriber["active"]:
        return None
    local_date = local_date or now.astimezone(ZoneInfo(subscriber["tz"])).date()
    async with pool.connection() as conn:
        rows = await store.candidates(conn, subscriber["id"], now, settings.new_within)
        changed = await store.changes_for(conn, subscriber["id"], now) if subscriber.get("changes") else []
        copied = (
            await seed_store.copies_first_seen(conn, subscriber["id"], now) if subscriber.get("seed_copies") else []
        )
        if not rows and not changed and not copied and not subscriber["send_empty"]:
            return None
        carriers = await store.carriers(conn, sorted({r["story"] for r in rows}), now)
        key = await unsubscribe.signing_key(conn, settings)
    digest = assemble(
        subscriber["email"], local_date, subscriber["tz"], rows, carriers, subscriber["lang"], settings.base_url
    )
    digest.changes = changes(changed, subscriber["tz"], settings.base_url, local_date.year)
    seed_copies(digest, copied, settings.base_url)
    digest.unsubscribe_url = unsubscribe.url(settings, unsubscribe.token(key, subscriber["id"], subscriber["email"]))
    subject, text, html = render(digest, settings.templates)
    # the same subscriber, day and articles give the same Message-ID, whoever prepares it
    told = f"{sorted(digest.article_ids)}" + (f":{sorted(digest.version_ids)}" if digest.changes else "")
    told += f":seeds{sorted(digest.seed_copy_ids)}" if digest.seed_copy_ids else ""
    period = f"{local_date}" + (f"@{period_start.astimezone(UTC):%H}" if period_start is not None else "")
    ident = hashlib.sha256(f"{subscriber['id']}:{period}:{told}".encode()).hexdigest()
    return Prepared(
        digest,
        subject,
        text,
        html,
        mailer.message_id(f"digest.{ident[:24]}", mailer.envelope_sender(settings.mail_from)),
    )


async def prepare(
    pool: AsyncConnectionPool,
    settings: Settings,
    subscriber: dict[str, Any],
    now: datetime,
    local_date: date | None = None,
    once_per_day: bool = True,
    period_start: datetime | None = None,
) -> int | None:
    """Write the subscriber's digest of `local_date` (default: their today) into the outbox; None when
    there is nothing to send, or (with `once_per_day`) when that day's digest was already prepared."""
    prepared = await build(pool, settings, subscriber, now, local_date, period_start)
    if prepared is None:
        return None
    message = mailer.build(
        sender=mailer.from_header(settings.mail_from),
        to=subscriber["email"],
        subject=prepared.subject,
        text=prepared.text,
        html=prepared.html,
        message_id=prepared.message_id,
        date_header=mailer.format_datetime(now.astimezone(UTC)),
        unsubscribe_url=prepared.digest.unsubscribe_url,
    )
    async with pool.connection() as conn:
        return await store.create(
            conn,
            subscriber["id"],
            prepared.message_id,
            prepared.digest.local_date,
            prepared.subject,
            message,
            prepared.digest.article_ids,
            created_at=now,
            once_per_day=once_per_day,
            period_start=period_start,
            version_ids=prepared.digest.version_ids,
            seed_copy_ids=prepared.digest.seed_copy_ids,
        )


async def prepare_due(pool: AsyncConnectionPool, settings: Settings, now: datetime) -> int:
    """Prepare every digest that is due by `now` and not yet prepared: today's at its time, and the
    one a service that was down at send time missed (once, covering everything since the previous)."""
    async with pool.connection() as conn:
        subs = await subscribers.list_all(conn, active_only=True)
    prepared = 0
    for sub in subs:
        due = when.due_period(sub, now)
        if due is None:
            continue
        day, hour = due
        if sub.get("every") == "asap":  # whatever is new, at each tick; the Message-ID keeps it once
            prepared += await prepare(pool, settings, sub, now, day, once_per_day=False) is not None
            continue
        async with pool.connection() as conn:
            if hour is not None and await store.exists_for_period(conn, sub["id"], hour):
                continue
            if hour is None and await store.exists_for_day(conn, sub["id"], day):
                continue
        if hour is not None:  # the top of the hour: the digest of the hour that ended, as of then
            prepared += await prepare(pool, settings, sub, hour, day, period_start=hour) is not None
            continue
        # back before today's send time after missing yesterday's: that is yesterday's digest, and
        # today's still goes out at its time
        prepared += await prepare(pool, settings, sub, now, day) is not None
    return prepared


@dataclass
class SendResult:
    sent: int = 0
    failed: int = 0
    deferred: int = 0


async def send_pending(
    pool: AsyncConnectionPool,
    settings: Settings,
    subscriber_id: int | None = None,
    stopping: asyncio.Event | None = None,
) -> SendResult:
    """Send every pending digest (of one subscriber, or all) that no other process is sending;
    when `stopping` is set, finish the send in progress and leave the rest pending."""
    result = SendResult()
    async with pool.connection() as conn:
        for doubtful in await store.give_up_doubtful(conn):
            log.warning("digest %s not re-sent a second time after a crash; marked failed", doubtful["id"])
            result.failed += 1
    while not (stopping and stopping.is_set()):
        async with pool.connection() as conn:
            claimed = await store.claim(conn, settings.lease_s, subscriber_id)
        if claimed is None:
            break
        outcome = await _send_one(pool, settings, claimed)
        setattr(result, outcome, getattr(result, outcome) + 1)
    return result


async def _send_one(pool: AsyncConnectionPool, settings: Settings, row: dict[str, Any]) -> str:
    name = f"{row['local_date']}-{row['email']}-{row['id']}".replace("/", "_")

    async def renew() -> None:
        async with pool.connection() as conn:
            await store.renew(conn, row["id"], settings.lease_s)

    try:
        async with leases.renewed(renew, settings.lease_s):
            where = await asyncio.to_thread(
                mailer.deliver,
                bytes(row["message"]),
                mailer.envelope_sender(settings.mail_from),
                row["email"],
                settings,
                name,
            )
    except mailer.PermanentFailure as exc:
        async with pool.connection() as conn:
            await store.mark_failed(conn, row["id"], str(exc))
        log.warning("digest %s to %s failed: %s", row["id"], row["email"], exc)
        return "failed"
    except mailer.TemporaryFailure as exc:
        if row["attempts"] >= MAX_ATTEMPTS:
            async with pool.connection() as conn:
                await store.mark_failed(conn, row["id"], f"gave up after {row['attempts']} attempts: {exc}")
            log.warning("digest %s to %s failed after %s attempts: %s", row["id"], row["email"], row["attempts"], exc)
            return "failed"
        delay = RETRY_DELAYS_S[row["attempts"] - 1]
        async with pool.connection() as conn:
            await store.retry_later(conn, row["id"], str(exc), delay)
        log.warning("digest %s to %s deferred %ss: %s", row["id"], row["email"], delay, exc)
        return "deferred"
    if os.environ.get(CRASH_HOOK):
        os._exit(70)  # the crash test: sent, not recorded
    async with pool.connection() as conn:
        await store.mark_sent(conn, row["id"])
    log.info("digest %s sent to %s via %s", row["id"], row["email"], where)
    return "sent"
