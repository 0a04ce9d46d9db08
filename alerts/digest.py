"""Assembling a digest: the subscriber's new articles grouped into stories."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from monitor.pipeline import canonical
from monitor.query import parse
from monitor.query.parse import Node, Or
from monitor.query.snippet import Segment, snippet


@dataclass
class Outlet:
    name: str
    url: str | None  # None when the link is not http(s): shown, never linked


@dataclass
class Story:
    title: str
    url: str | None  # the headline's article, when its link is http(s)
    snippet: list[Segment]
    first_seen: datetime  # in the subscriber's zone
    seen: str  # first_seen as the built-in templates show it ("7 Feb 05:05 +04")
    keywords: list[str]
    outlets: list[Outlet] = field(default_factory=list)
    article_ids: list[int] = field(default_factory=list)


@dataclass
class Change:
    """An edit or a takedown of an article in a story the subscriber received (`--changes`)."""

    kind: str  # "edited" or "removed"
    title: str
    outlet: str
    url: str | None  # the article's page at the outlet, when http(s)
    page: str  # its page on Newswatch, with the versions and the diff
    seen: str  # when the re-check found it, as the templates show times
    detail: str  # what changed, or why it counts as taken down
    version_id: int


@dataclass
class Digest:
    email: str
    local_date: date
    tz: str
    stories: list[Story]
    keyword_counts: list[tuple[str, int]]
    unsubscribe_url: str = ""
    changes: list[Change] = field(default_factory=list)

    @property
    def article_ids(self) -> list[int]:
        return [i for s in self.stories for i in s.article_ids]

    @property
    def version_ids(self) -> list[int]:
        return [c.version_id for c in self.changes]


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _seen(local: datetime) -> str:
    """As the built-in templates show it ("7 Feb 05:05 +04"), in English whatever the locale: what
    strftime("%-d %b %H:%M %Z") gives, at a third of its cost (it was a tenth of assembling)."""
    return f"{local.day} {_MONTHS[local.month - 1]} {local.hour:02}:{local.minute:02} {local.tzname()}"


@lru_cache(maxsize=16384)
def _link(url: str) -> str | None:
    """The URL when it is http(s), for a link; None (shown, never linked) otherwise."""
    return url if canonical.is_web_url(url) else None


@lru_cache(maxsize=512)
def _tree(queries: tuple[str, ...]) -> Node | None:
    trees = [t for t in (parse(q) for q in queries) if t is not None]
    return Or(tuple(trees)) if trees else None


# One run prepares the digests of every subscriber, and those who watch the same keywords get the
# same articles: each snippet is worked out once (the text is folded word by word, the costliest step).
@lru_cache(maxsize=4096)
def _snippet(article_id: int, text: str, queries: tuple[str, ...]) -> list[Segment]:
    return snippet(text, _tree(queries))


def assemble(
    email: str,
    local_date: date,
    tz: str,
    rows: list[dict[str, Any]],
    carriers: Sequence[dict[str, Any]] = (),
) -> Digest:
    """Group candidate rows (monitor.store.digests.candidates) by story, with every outlet that
    carried each story (monitor.store.digests.carriers); the most widely carried stories first, then
    the most recent. Counts per keyword are counts of stories."""
    zone = ZoneInfo(tz)
    by_story: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        by_story.setdefault(row["story"], []).append(row)
    carried: dict[int, list[dict[str, Any]]] = {}
    for row in carriers:
        carried.setdefault(row["story"], []).append(row)
    stories = []
    counts: Counter[str] = Counter()
    for key, members in by_story.items():
        # the best headline: the longest, earliest one (wire copies often trim the title)
        lead = max(members, key=lambda r: (len(r["title"] or ""), -r["id"]))
        keywords = sorted({k for r in members for k in r["keywords"]})
        counts.update(keywords)
        queries = tuple(sorted({q for r in members for q in r["queries"]}))
        everyone = sorted([*members, *carried.get(key, ())], key=lambda r: (r["stored_at"], r["id"]))
        first_by_outlet: dict[str, dict[str, Any]] = {}  # in the order they carried it
        for r in everyone:
            first_by_outlet.setdefault(r["outlet"], r)
        outlets = [Outlet(name, _link(r["url"])) for name, r in first_by_outlet.items()]
        first_seen = min(r["published_at"] or r["stored_at"] for r in everyone)
        stories.append(
            Story(
                title=lead["title"] or lead["url"],
                url=_link(lead["url"]),
                snippet=_snippet(lead["id"], lead["text"], queries),
                first_seen=(local := first_seen.astimezone(zone)),
                seen=_seen(local),
                keywords=keywords,
                outlets=outlets,
                article_ids=sorted(r["id"] for r in members),
            )
        )
    stories.sort(key=lambda s: (len(s.outlets), s.first_seen), reverse=True)
    return Digest(email, local_date, tz, stories, sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def changes(rows: Sequence[dict[str, Any]], tz: str, base_url: str) -> list[Change]:
    """The changes of monitor.store.evidence.changes_for, as the digest tells them."""
    from monitor.evidence.diff import counts

    zone = ZoneInfo(tz)
    told = []
    for r in rows:
        if r["removed"]:
            detail = f"taken down: {r['why']}"
        else:
            ops = r["diff"] or {}
            added, removed = counts(ops.get("text") or [])
            parts = (["new title"] if ops.get("title") else []) + (
                [f"{added} word(s) added, {removed} removed"] if added or removed else []
            )
            detail = "edited: " + (", ".join(parts) or (r["why"] or "text changed"))
        told.append(
            Change(
                kind="removed" if r["removed"] else "edited",
                title=r["title"] or r["url"],
                outlet=r["outlet"],
                url=_link(r["url"]),
                page=f"{base_url.rstrip('/')}/articles/{r['article_id']}",
                seen=_seen(r["stored_at"].astimezone(zone)),
                detail=detail,
                version_id=r["version_id"],
            )
        )
    return told
