"""Assembling a digest: the subscriber's new articles grouped into stories."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from monitor.pipeline.canonical import is_web_url
from monitor.query import parse
from monitor.query.parse import Or
from monitor.query.snippet import Segment, snippet


@dataclass
class Outlet:
    name: str
    url: str | None  # None when the link is not http(s): shown, never linked


@dataclass
class Story:
    title: str
    snippet: list[Segment]
    first_seen: datetime
    keywords: list[str]
    outlets: list[Outlet] = field(default_factory=list)
    article_ids: list[int] = field(default_factory=list)


@dataclass
class Digest:
    email: str
    local_date: date
    stories: list[Story]
    keyword_counts: list[tuple[str, int]]

    @property
    def article_ids(self) -> list[int]:
        return [i for s in self.stories for i in s.article_ids]


def assemble(email: str, local_date: date, rows: list[dict[str, Any]]) -> Digest:
    """Group candidate rows (monitor.store.digests.candidates) by story; the most widely carried
    stories first, then the most recent."""
    by_story: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        by_story.setdefault(row["story"], []).append(row)
    stories = []
    counts: Counter[str] = Counter()
    for members in by_story.values():
        members.sort(key=lambda r: r["stored_at"])
        lead = max(members, key=lambda r: (len(r["title"] or ""), -r["id"]))
        keywords = sorted({k for r in members for k in r["keywords"]})
        counts.update(keywords)
        trees = [parse(q) for q in sorted({q for r in members for q in r["queries"]})]
        tree = Or(tuple(t for t in trees if t is not None)) if trees else None
        outlets: list[Outlet] = []
        for r in members:
            if all(o.name != r["outlet"] for o in outlets):
                outlets.append(Outlet(r["outlet"], r["url"] if is_web_url(r["url"]) else None))
        stories.append(
            Story(
                title=lead["title"] or lead["url"],
                snippet=snippet(lead["text"], tree),
                first_seen=members[0]["published_at"] or members[0]["stored_at"],
                keywords=keywords,
                outlets=outlets,
                article_ids=[r["id"] for r in members],
            )
        )
    stories.sort(key=lambda s: (len(s.outlets), s.first_seen), reverse=True)
    return Digest(email, local_date, stories, sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
