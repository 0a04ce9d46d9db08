"""What a process needs to keep evidence: the WARC folder and the re-check schedule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from monitor.config import Settings


@dataclass(frozen=True)
class Keeping:
    folder: Path  # NEWSWATCH_WARC_DIR, else NEWSWATCH_HOME/warc
    recheck: tuple[int, ...]  # NEWSWATCH_RECHECK: seconds after first seen

    @classmethod
    def of(cls, settings: Settings) -> Keeping:
        return cls(settings.warc_path, tuple(settings.recheck))

    def next_due(self, first_seen: datetime, after: datetime) -> datetime | None:
        """The first step of the schedule later than `after`, or None when the schedule is over.
        Steps that passed while nobody re-checked (the workers were down) are skipped: one
        re-check stands for all of them."""
        for seconds in self.recheck:
            at = first_seen + timedelta(seconds=seconds)
            if at > after:
                return at
        return None
