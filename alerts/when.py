"""When a subscriber's digest is due: a cron trigger in their own time zone, and the catch-up rule
for a service that was down at send time. Pure functions of explicit times, so they can be tested
across daylight-saving changes without a clock."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger


def trigger(send_at: time, tz: str) -> CronTrigger:
    """Fires daily at `send_at` wall-clock time in `tz` (08:00 stays 08:00 local across DST)."""
    return CronTrigger(hour=send_at.hour, minute=send_at.minute, timezone=ZoneInfo(tz))


def last_send_time(send_at: time, tz: str, now: datetime) -> tuple[date, datetime]:
    """The most recent scheduled send at or before `now`: (its local date, the instant).

    A send time that does not exist on a spring-forward day is taken with the offset from before
    the change (02:30 becomes 03:30 summer time); one that occurs twice on a fall-back day is the
    first of the two (fold=0). Either way each local day has exactly one send time.
    """
    zone = ZoneInfo(tz)
    today = now.astimezone(zone).date()
    for day in (today, today - timedelta(days=1)):
        moment = datetime.combine(day, send_at, tzinfo=zone)
        if moment <= now:
            return day, moment
    raise AssertionError("unreachable: yesterday's send time is always in the past")


def due_day(subscriber: dict[str, Any], now: datetime) -> date | None:
    """The local date whose digest should exist by `now`, or None when the subscriber's latest send
    time came before they subscribed. Whether it was already prepared is the outbox's to say."""
    day, moment = last_send_time(subscriber["send_at"], subscriber["tz"], now)
    return day if moment >= subscriber["created_at"] else None


def last_weekly_send(send_at: time, tz: str, weekday: int, now: datetime) -> tuple[date, datetime]:
    """The most recent weekly send (on `weekday`, 0 Monday, at `send_at` local) at or before `now`."""
    zone = ZoneInfo(tz)
    today = now.astimezone(zone).date()
    for back in range(8):
        day = today - timedelta(days=back)
        if day.weekday() != weekday:
            continue
        moment = datetime.combine(day, send_at, tzinfo=zone)
        if moment <= now:
            return day, moment
    raise AssertionError("unreachable: a week back always holds that weekday's send time")


def hour_start(tz: str, now: datetime) -> datetime:
    """The start of the local hour holding `now` (an hourly digest is the digest of that hour)."""
    local = now.astimezone(ZoneInfo(tz))
    return local.replace(minute=0, second=0, microsecond=0)


def due_period(subscriber: dict[str, Any], now: datetime) -> tuple[date, datetime | None] | None:
    """What digest of this subscriber should exist by `now`, by their frequency: (its local date, the
    top of the hour for hourly ones, else None: the digest of that instant covers the hour before);
    None when their latest send time came before they subscribed. An `asap` subscriber is due at
    every tick: (today, None)."""
    every = subscriber.get("every", "daily")
    if every == "asap":
        return now.astimezone(ZoneInfo(subscriber["tz"])).date(), None
    if every == "hourly":
        start = hour_start(subscriber["tz"], now)
        return (start.date(), start) if start >= subscriber["created_at"] else None
    if every == "weekly":
        day, moment = last_weekly_send(subscriber["send_at"], subscriber["tz"], subscriber["send_day"] or 0, now)
        return (day, None) if moment >= subscriber["created_at"] else None
    day_only = due_day(subscriber, now)
    return (day_only, None) if day_only is not None else None
