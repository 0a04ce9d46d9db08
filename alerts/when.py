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
