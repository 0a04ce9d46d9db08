"""The republication record of a seed: for each stored article that reproduces it, earliest first,
who published it, when (the delay after the seed), how closely, and what it added or cut.

Pure: the rows come from monitor.store.seeds. What looks wrong is flagged, never hidden: a copy
dated before the seed (the seed is what the user read, so it stays the original: see
monitor.pipeline.dedup.arrange), one first seen before the seed was published, one whose date is
only when it was fetched, one linked through another copy with a similarity below the copy
threshold.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from monitor.evidence import diff
from monitor.pipeline.dedup import THRESHOLD

FIELDS = (
    "article_id",
    "outlet",
    "url",
    "published_at",
    "first_seen",
    "delay_s",
    "similarity",
    "added_words",
    "removed_words",
    "flags",
)


@dataclass(frozen=True)
class Copy:
    article_id: int
    outlet: str
    url: str
    title: str
    published_at: datetime | None
    first_seen: datetime
    delay_s: int | None  # seconds after the seed's publication (negative: dated before it)
    similarity: float | None
    added_words: int
    removed_words: int
    flags: tuple[str, ...] = field(default=())

    def row(self) -> dict[str, Any]:
        """The exported fields (SPEC: `seeds show --format jsonl|csv`), flags last."""
        return {k: list(getattr(self, k)) if k == "flags" else getattr(self, k) for k in FIELDS}


def flags(seed: dict[str, Any], copy: dict[str, Any], delay_s: int | None) -> tuple[str, ...]:
    """What a reader should doubt about this copy's place in the record."""
    found = []
    if copy["published_at"] is None:
        found.append("no publication date: the delay counts from when it was first seen")
    elif delay_s is not None and delay_s < 0:
        found.append("dated before the seed")
    if seed["published_at"] is not None and copy["first_seen"] < seed["published_at"]:
        found.append("first seen before the seed was published")
    if copy.get("date_source") == "fetched":
        found.append("its page gives no date: published is when it was fetched")
    similarity = copy["similarity"]
    if similarity is None:
        found.append("no similarity recorded")
    elif similarity < THRESHOLD:
        found.append(f"similarity below {THRESHOLD:.0%}: it reproduces another copy more than the seed")
    if seed.get("url") and seed["url"] in (copy["url"], copy.get("final_url")):
        found.append("the seed's own page")
    return tuple(found)


def copy_of(seed: dict[str, Any], row: dict[str, Any], seed_words: list[str] | None = None) -> Copy:
    """One copy of `seed` (rows of monitor.store.seeds.get and .copies) as the record shows it;
    `seed_words`: the seed's text split already (a record splits it once for all its copies)."""
    when = row["published_at"] or row["first_seen"]
    delay = int((when - seed["published_at"]).total_seconds()) if seed["published_at"] is not None else None
    added, removed = diff.changed(seed_words if seed_words is not None else seed["text"], row["text"])
    similarity = None if row["similarity"] is None else round(float(row["similarity"]), 4)
    return Copy(
        article_id=row["id"],
        outlet=row["outlet"],
        url=row["url"],
        title=row["title"],
        published_at=row["published_at"],
        first_seen=row["first_seen"],
        delay_s=delay,
        similarity=similarity,
        added_words=added,
        removed_words=removed,
        flags=flags(seed, {**row, "similarity": similarity}, delay),
    )


def record(seed: dict[str, Any], rows: list[dict[str, Any]]) -> list[Copy]:
    """The copies, earliest published first (first seen, then id, breaking ties)."""
    seed_words = diff.words(seed["text"])
    copies = [copy_of(seed, r, seed_words) for r in rows]
    return sorted(copies, key=lambda c: (c.published_at or c.first_seen, c.first_seen, c.article_id))


def delay_text(seconds: int | None) -> str:
    """`3 h 20 min after`, `2 d 4 h before`, for people."""
    if seconds is None:
        return "unknown"
    span, word = abs(seconds), "after" if seconds >= 0 else "before"
    days, rest = divmod(span, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        text = f"{days} d {hours} h" if hours else f"{days} d"
    elif hours:
        text = f"{hours} h {minutes} min" if minutes else f"{hours} h"
    else:
        text = f"{minutes} min" if minutes else f"{span} s"
    return f"{text} {word}"
