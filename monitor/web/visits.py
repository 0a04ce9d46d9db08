""" "New since your last visit", without an account: a cookie holding when the reader's previous
visit ended and when the current one was last seen. Views less than VISIT_GAP apart are one visit,
so reloading the page keeps what is new marked as new; the next visit starts from the last view."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from starlette.responses import Response

COOKIE = "newswatch_seen"
VISIT_GAP = timedelta(minutes=30)
KEEP_S = 365 * 86400


@dataclass(frozen=True)
class Visit:
    previous: datetime | None  # the end of the previous visit: what came after it is new
    now: datetime

    @classmethod
    def of(cls, cookie: str | None, now: datetime) -> Visit:
        """The visit a request is part of, from its cookie ("<previous>.<last seen>", Unix seconds;
        anything else is a first visit)."""
        previous = last = None
        try:
            first, _, second = (cookie or "").partition(".")
            previous = datetime.fromtimestamp(int(first), UTC) if first and first != "0" else None
            last = datetime.fromtimestamp(int(second), UTC) if second else None
        except (ValueError, OverflowError, OSError):
            previous = last = None
        if last is not None and last <= now and now - last > VISIT_GAP:
            previous = last  # a new visit: everything after the last view of the previous one is new
        return cls(previous, now)


def remember(response: Response, visit: Visit) -> None:
    value = f"{int(visit.previous.timestamp()) if visit.previous else 0}.{int(visit.now.timestamp())}"
    response.set_cookie(COOKIE, value, max_age=KEEP_S, httponly=True, samesite="lax")
