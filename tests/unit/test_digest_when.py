"""When digests are due, across daylight-saving changes, at explicit instants (no clock)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from alerts.when import due_day, last_send_time, trigger


def fire_times(send_at: time, tz: str, start: datetime, n: int) -> list[datetime]:
    t = trigger(send_at, tz)
    times: list[datetime] = []
    previous, now = None, start
    for _ in range(n):
        nxt = t.get_next_fire_time(previous, now)
        assert nxt is not None
        times.append(nxt.astimezone(UTC))
        previous, now = nxt, nxt + timedelta(seconds=1)
    return times


@pytest.mark.parametrize(
    ("start", "expected_utc"),
    [
        # Europe/Berlin springs forward on 31 March 2024: 08:00 is 07:00 UTC before, 06:00 after
        (datetime(2024, 3, 29, 12, tzinfo=UTC), ["2024-03-30T07:00", "2024-03-31T06:00", "2024-04-01T06:00"]),
        # and falls back on 27 October 2024: 06:00 UTC before, 07:00 after
        (datetime(2024, 10, 25, 12, tzinfo=UTC), ["2024-10-26T06:00", "2024-10-27T07:00", "2024-10-28T07:00"]),
    ],
)
def test_the_cron_trigger_keeps_local_time_across_dst(start: datetime, expected_utc: list[str]) -> None:
    got = fire_times(time(8, 0), "Europe/Berlin", start, 3)
    assert [t.strftime("%Y-%m-%dT%H:%M") for t in got] == expected_utc


@pytest.mark.parametrize(
    ("now", "expected_day", "expected_utc"),
    [
        ("2024-03-31T05:59:00+00:00", date(2024, 3, 30), "2024-03-30T07:00"),  # 07:59 CEST: not yet
        ("2024-03-31T06:00:00+00:00", date(2024, 3, 31), "2024-03-31T06:00"),  # 08:00 CEST
        ("2024-10-27T06:59:00+00:00", date(2024, 10, 26), "2024-10-26T06:00"),  # 07:59 CET: not yet
        ("2024-10-27T07:00:00+00:00", date(2024, 10, 27), "2024-10-27T07:00"),  # 08:00 CET
        ("2024-02-07T04:00:00+00:00", date(2024, 2, 7), "2024-02-07T04:00"),  # Baku, no DST
    ],
)
def test_last_send_time_is_local_eight_oclock(now: str, expected_day: date, expected_utc: str) -> None:
    tz = "Asia/Baku" if now.startswith("2024-02") else "Europe/Berlin"
    day, moment = last_send_time(time(8, 0), tz, datetime.fromisoformat(now))
    assert day == expected_day
    assert moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M") == expected_utc


def test_a_send_time_in_the_dst_gap_or_overlap_happens_once_that_day() -> None:
    at = time(2, 30)
    # 31 March: 02:30 does not exist in Berlin; it is taken as 03:30 summer time (01:30 UTC)
    assert last_send_time(at, "Europe/Berlin", datetime(2024, 3, 31, 1, 29, tzinfo=UTC))[0] == date(2024, 3, 30)
    assert last_send_time(at, "Europe/Berlin", datetime(2024, 3, 31, 1, 30, tzinfo=UTC))[0] == date(2024, 3, 31)
    # 27 October: 02:30 happens twice; both instants belong to the same local day, the first counts
    first = last_send_time(at, "Europe/Berlin", datetime(2024, 10, 27, 0, 30, tzinfo=UTC))
    second = last_send_time(at, "Europe/Berlin", datetime(2024, 10, 27, 1, 30, tzinfo=UTC))
    assert first == second and first[0] == date(2024, 10, 27)
    assert first[1].astimezone(UTC) == datetime(2024, 10, 27, 0, 30, tzinfo=UTC)


def test_nothing_is_due_for_a_send_time_before_the_subscription() -> None:
    sub = {"send_at": time(8, 0), "tz": "Asia/Baku", "created_at": datetime(2024, 2, 7, 6, 0, tzinfo=UTC)}
    assert due_day(sub, datetime(2024, 2, 7, 7, 0, tzinfo=UTC)) is None  # subscribed at 10:00 Baku
    assert due_day(sub, datetime(2024, 2, 8, 4, 0, tzinfo=UTC)) == date(2024, 2, 8)
