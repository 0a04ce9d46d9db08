"""Channels: new stories pushed through Apprise URLs (json:// webhooks, tgram://, slack://, matrix://,
mailto://, …), each story once per channel.

1. prepare: for each channel that is due (asap: every tick; hourly: the top of the hour; daily:
   08:00 UTC), its new stories are written as one message (asap: one per story) together with the
   (channel, story) rows, in one transaction (monitor.store.channels.create);
2. send: after commit, a pending message is leased, posted through Apprise, marked sent. A failure
   is retried with growing delays, then marked failed with the service's reason (shown in `status`
   and on /digests). A sender that dies mid-send leaves the message in flight: once its lease runs
   out another sender posts it again, once; a second death marks it failed rather than risk a third.

Channel URLs hold secrets (bot tokens, webhook paths, passwords): `mask` is what is ever shown, and
the reasons recorded are scrubbed of the URL's parts. Apprise's own log is kept out of ours.

Test hook: NEWSWATCH_TEST_CRASH_AFTER_SEND, as for digests (alerts.delivery), exits the process
after the service accepted a message and before it is marked sent.
"""

from __future__ import annotations

import asyncio
import logging
import os
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import unquote, urlsplit

from psycopg_pool import AsyncConnectionPool

from alerts.delivery import CRASH_HOOK
from alerts.digest import language_names
from monitor import leases
from monitor.config import Settings
from monitor.store import channels as store
from monitor.store import story_reads
from monitor.validate import Invalid

log = logging.getLogger(__name__)
logging.getLogger("apprise").propagate = False  # its debug lines name the whole URL

RETRY_DELAYS_S = (30, 120, 600, 1800, 3600)
MAX_ATTEMPTS = len(RETRY_DELAYS_S) + 1
DAILY_AT_UTC = 8


def checked_url(url: str) -> str:
    """An Apprise URL that Apprise can use; a usage error (never echoing the URL) otherwise."""
    import apprise

    if not isinstance(url, str) or not url.strip() or apprise.Apprise.instantiate(url.strip()) is None:
        raise Invalid("url", "not an Apprise URL that a notification service accepts (json://host/path, tgram://…)")
    return url.strip()


def _secrets(url: str) -> list[str]:
    parts = urlsplit(url)
    found = [parts.netloc, parts.username or "", parts.password or "", parts.path.strip("/"), parts.query]
    found += [seg for seg in parts.path.split("/") if len(seg) >= 4]
    if parts.hostname and "." not in parts.hostname and parts.hostname != "localhost":
        found.append(parts.hostname)  # tgram://BOTTOKEN/…: the "host" is the secret
    found += [unquote(s) for s in found]
    return sorted({s for s in found if len(s) >= 4}, key=len, reverse=True)


def mask(url: str) -> str:
    """What is shown of a channel URL: its scheme, and its host when that is a host name, nothing else."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if "." not in host and host != "localhost":
        host = host[:2] + "…" if host else ""
    try:
        port = f":{parts.port}" if parts.port and host and "…" not in host else ""
    except ValueError:  # tgram://123456:TOKEN/…: not a port
        port, host = "", host[:2] + "…"
    rest = "/…" if (parts.path.strip("/") or parts.query or parts.username or "…" in host) else ""
    return f"{parts.scheme}://{host}{port}{rest}"


def scrub(text: str, url: str) -> str:
    for secret in _secrets(url):
        text = text.replace(secret, "…")
    return text.replace(url, mask(url))


def _story_block(timeline: list[dict[str, Any]], base_url: str, story: int) -> tuple[str, str, int, int]:
    head = story_reads.headline(timeline)
    first = timeline[0]
    outlets = list(dict.fromkeys(m["outlet"] for m in timeline))
    langs = tuple(dict.fromkeys(m["lang"] for m in timeline if m["lang"]))
    when = first["published_at"].astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if first["published_at"] else ""
    lines = [
        f"First published by {first['outlet']}" + (f", {when}" if when else ""),
        f"Outlets: {', '.join(outlets)}" + (f" · in {language_names(langs)}" if langs else ""),
        f"Story: {base_url.rstrip('/')}/stories/{story}",
        f"Original: {first['url']}",
    ]
    return head["title"] or first["url"], "\n".join(lines), len(outlets), len(langs)


def _due(channel: dict[str, Any], last: datetime | None, now: datetime) -> datetime | None:
    """The cut-off of the channel's next message, or None when it is not due."""
    if channel["every"] == "asap":
        return now
    if channel["every"] == "hourly":
        cut = now.replace(minute=0, second=0, microsecond=0)
    else:
        cut = now.replace(hour=DAILY_AT_UTC, minute=0, second=0, microsecond=0)
        if cut > now:
            cut -= timedelta(days=1)
    return cut if (last is None or last < cut) and cut >= channel["created_at"] else None


async def prepare_due(pool: AsyncConnectionPool, settings: Settings, now: datetime) -> int:
    """Write the messages of every channel that is due; how many were written."""
    written = 0
    async with pool.connection() as conn:
        chans = await store.list_all(conn)
    for chan in chans:
        async with pool.connection() as conn:
            cut = _due(chan, await store.last_of_kind(conn, chan["id"], "stories"), now)
            if cut is None:
                continue
            stories = await store.new_stories(conn, chan, cut, settings.new_within)
            timelines = await _timelines(conn, stories, cut)
            blocks = [(s, *_story_block(timelines[s], settings.base_url, s)) for s in stories if s in timelines]
            if chan["every"] == "asap":
                for story, title, body, n_out, n_lang in blocks:
                    written += (
                        await store.create(conn, chan["id"], "stories", title, body, [(story, n_out, n_lang)], now)
                        is not None
                    )
            elif blocks:
                title = f"{len(blocks)} new stor{'y' if len(blocks) == 1 else 'ies'}: {blocks[0][1]}"
                body = "\n\n".join(f"{t}\n{b}" for _, t, b, _, _ in blocks)
                rows = [(s, o, la) for s, _, _, o, la in blocks]
                written += await store.create(conn, chan["id"], "stories", title[:250], body, rows, cut) is not None
            if chan["updates"]:
                written += await _updates(conn, chan, settings, now)
    return written


async def _timelines(conn: Any, stories: list[int], until: datetime) -> dict[int, list[dict[str, Any]]]:
    found: dict[int, list[dict[str, Any]]] = {}
    for m in await story_reads.members(conn, stories, seeds=False, stored_until=until, unclustered=True):
        found.setdefault(m["story"], []).append(m)
    return found


async def _updates(conn: Any, chan: dict[str, Any], settings: Settings, now: datetime) -> int:
    """A story told more than an hour ago that has since gained an outlet or a language: one update."""
    told = {r["story"]: r for r in await store.told_to_update(conn, chan["id"], now)}
    if not told:
        return 0
    written = 0
    timelines = await _timelines(conn, sorted(told), now)
    for story, timeline in timelines.items():
        title, body, n_out, n_lang = _story_block(timeline, settings.base_url, story)
        if n_out > told[story]["outlets"] or n_lang > told[story]["langs"]:
            new = await store.create(
                conn, chan["id"], "update", f"Update: {title}", body, [(story, n_out, n_lang)], now
            )
            written += new is not None
    return written


def _post(url: str, title: str, body: str) -> str | None:
    """Post through Apprise; None when the service took it, else its reason (scrubbed)."""
    import apprise

    sender = apprise.Apprise()
    if not sender.add(url):
        return "not an Apprise URL a service accepts"
    with apprise.LogCapture(level=logging.INFO) as captured:
        ok = sender.notify(title=title, body=body, body_format=apprise.NotifyFormat.TEXT)
        said = captured.getvalue() if hasattr(captured, "getvalue") else ""
    if ok:
        return None
    reason = " ".join(line.strip() for line in said.splitlines() if line.strip())[-500:] or "the service refused it"
    return scrub(reason, url)


async def send_pending(pool: AsyncConnectionPool, settings: Settings, stopping: asyncio.Event | None = None) -> int:
    """Send every pending channel message no other process is sending; how many were sent."""
    sent = 0
    async with pool.connection() as conn:
        for doubtful in await store.give_up_doubtful(conn):
            log.warning("channel message %s not re-sent a second time after a crash; marked failed", doubtful["id"])
    while not (stopping and stopping.is_set()):
        async with pool.connection() as conn:
            row = await store.claim(conn, settings.lease_s)
        if row is None:
            break
        sent += await _send_one(pool, settings, row)
    return sent


async def _send_one(pool: AsyncConnectionPool, settings: Settings, row: dict[str, Any]) -> int:
    async def renew() -> None:
        async with pool.connection() as conn:
            await store.renew(conn, row["id"], settings.lease_s)

    async with leases.renewed(renew, settings.lease_s):
        reason = await asyncio.to_thread(_post, row["url"], row["title"], row["body"])
    if reason is not None:
        async with pool.connection() as conn:
            if row["attempts"] >= MAX_ATTEMPTS:
                await store.mark_failed(conn, row["id"], f"gave up after {row['attempts']} attempts: {reason}")
                log.warning("channel %s message %s failed: %s", row["channel"], row["id"], reason)
            else:
                delay = RETRY_DELAYS_S[row["attempts"] - 1]
                await store.retry_later(conn, row["id"], reason, delay)
                log.warning("channel %s message %s deferred %ss: %s", row["channel"], row["id"], delay, reason)
        return 0
    if os.environ.get(CRASH_HOOK):
        os._exit(70)  # the crash test: sent, not recorded
    async with pool.connection() as conn:
        await store.mark_sent(conn, row["id"])
    log.info("channel %s message %s sent", row["channel"], row["id"])
    return 1
