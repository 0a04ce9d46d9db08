"""Delivery, exactly once as far as SMTP allows.

1. prepare: the digest and its items are written in one transaction (status pending), the whole
   message with its deterministic Message-ID stored beside them;
2. send: a pending digest is leased, sent as stored, then marked sent.
A crash between 2's send and its mark re-sends the same bytes (same Message-ID) once the lease
expires: at most one extra copy. Temporary failures wait and retry; permanent ones are marked failed.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.policy import SMTP
from zoneinfo import ZoneInfo

from psycopg_pool import AsyncConnectionPool

from alerts import mailer
from alerts.digest import Digest, assemble
from alerts.render import render
from monitor.config import Settings
from monitor.store import digests as store

log = logging.getLogger(__name__)

RETRY_DELAYS_S = (60, 300, 900, 3600)


@dataclass
class Prepared:
    digest: Digest
    subject: str
    text: str
    html: str
    message_id: str


async def build(pool: AsyncConnectionPool, settings: Settings, subscriber: dict, now: datetime) -> Prepared | None:
    """The digest this subscriber would get now, rendered; None when nothing is new."""
    local_date: date = now.astimezone(ZoneInfo(subscriber["tz"])).date()
    async with pool.connection() as conn:
        rows = await store.candidates(conn, subscriber["id"])
    if not rows:
        return None
    digest = assemble(subscriber["email"], local_date, rows)
    subject, text, html = render(digest)
    key = hashlib.sha256(f"{subscriber['id']}:{sorted(digest.article_ids)}".encode()).hexdigest()[:24]
    return Prepared(digest, subject, text, html, mailer.message_id(f"digest.{key}", settings.mail_from))


async def prepare(
    pool: AsyncConnectionPool, settings: Settings, subscriber: dict, now: datetime, force: bool = False
) -> int | None:
    """Write the subscriber's digest into the outbox; None when there is nothing new, or (unless
    `force`) when they already have today's."""
    if not force:
        local_date = now.astimezone(ZoneInfo(subscriber["tz"])).date()
        async with pool.connection() as conn:
            if await store.exists_for_day(conn, subscriber["id"], local_date):
                return None
    prepared = await build(pool, settings, subscriber, now)
    if prepared is None:
        return None
    msg = mailer.build(
        sender=settings.mail_from,
        to=subscriber["email"],
        subject=prepared.subject,
        text=prepared.text,
        html=prepared.html,
        message_id=prepared.message_id,
        date_header=mailer.format_datetime(now.astimezone(UTC)),
    )
    async with pool.connection() as conn:
        return await store.create(
            conn,
            subscriber["id"],
            prepared.message_id,
            prepared.digest.local_date,
            prepared.subject,
            msg.as_bytes(policy=SMTP),  # CRLF line ends: smtplib sends bytes as they are
            prepared.digest.article_ids,
        )


@dataclass
class SendResult:
    sent: int = 0
    failed: int = 0
    deferred: int = 0


async def send_pending(pool: AsyncConnectionPool, settings: Settings, subscriber_id: int | None = None) -> SendResult:
    """Send every pending digest (of one subscriber, or all) that no other process is sending."""
    result = SendResult()
    while True:
        async with pool.connection() as conn:
            row = await store.claim(conn, subscriber_id)
        if row is None:
            return result
        name = f"{row['local_date']}-{row['email']}-{row['id']}".replace("/", "_")
        try:
            where = await asyncio.to_thread(
                mailer.deliver, bytes(row["message"]), settings.mail_from, row["email"], settings, name
            )
        except mailer.PermanentFailure as exc:
            async with pool.connection() as conn:
                await store.mark_failed(conn, row["id"], str(exc))
            log.warning("digest %s to %s failed: %s", row["id"], row["email"], exc)
            result.failed += 1
            continue
        except mailer.TemporaryFailure as exc:
            delay = RETRY_DELAYS_S[min(row["attempts"], len(RETRY_DELAYS_S)) - 1]
            async with pool.connection() as conn:
                await store.retry_later(conn, row["id"], str(exc), delay)
            log.warning("digest %s to %s deferred %ss: %s", row["id"], row["email"], delay, exc)
            result.deferred += 1
            continue
        async with pool.connection() as conn:
            await store.mark_sent(conn, row["id"])
        log.info("digest %s sent to %s via %s", row["id"], row["email"], where)
        result.sent += 1
