"""The re-check schedule: NEWSWATCH_RECHECK parsed, and when the next re-check falls due."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from monitor import config
from monitor.errors import UsageError
from monitor.evidence.keeping import Keeping

SEEN = datetime(2024, 2, 7, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw", "spans"),
    [
        ("1h,6h,24h,3d,7d", (3600, 21600, 86400, 259200, 604800)),
        ("30m, 2h", (1800, 7200)),
        ("off", ()),
        ("", ()),
    ],
)
def test_schedules(raw: str, spans: tuple[int, ...]) -> None:
    assert config.load({"NEWSWATCH_RECHECK": raw}).recheck == spans


@pytest.mark.parametrize("raw", ["6h,1h", "1h,1h", "1x", "h", "0h", "-1h", "1.5h"])
def test_bad_schedules_are_usage_errors(raw: str) -> None:
    with pytest.raises(UsageError, match="NEWSWATCH_RECHECK"):
        config.load({"NEWSWATCH_RECHECK": raw})


def test_the_default_is_shown_as_it_is_written() -> None:
    shown = {v: s for v, s, _ in config.load({}).shown()}
    assert shown["NEWSWATCH_RECHECK"] == "1h,6h,24h,3d,7d"


@pytest.mark.parametrize(
    ("after", "due"),
    [
        (timedelta(0), timedelta(hours=1)),  # stored: the first step
        (timedelta(hours=1, seconds=5), timedelta(hours=6)),  # checked on time: the next one
        (timedelta(days=2), timedelta(days=3)),  # the workers were down: the steps passed are skipped
        (timedelta(days=7), None),  # the last step done: no more
    ],
)
def test_next_due(after: timedelta, due: timedelta | None) -> None:
    keeping = Keeping(Path("/tmp"), (3600, 21600, 86400, 259200, 604800))
    assert keeping.next_due(SEEN, SEEN + after) == (SEEN + due if due is not None else None)
    assert Keeping(Path("/tmp"), ()).next_due(SEEN, SEEN) is None  # re-checks off
