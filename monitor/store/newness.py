"""What is new: the one rule of every "what is new for this recipient" query (digests; the poll's
"new" count; channels and feeds use it too).

An article is news only if it was published within NEWSWATCH_NEW_WITHIN of being first seen
(stored). Older ones, a backfill, a sitemap's archive, a page of 2020 that resurfaces, are stored,
matched and searchable, but never told as new. An article without a publication date counts as
published when it was first seen.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import LiteralString

# For queries over `articles a` with the named parameter %(new_within)s (a timedelta)
IS_NEW: LiteralString = "(a.published_at IS NULL OR a.published_at >= a.stored_at - %(new_within)s::interval)"


def is_new(published_at: datetime | None, first_seen: datetime, within: timedelta) -> bool:
    """The same rule in Python, for an article about to be stored (its fetch is when it is first seen)."""
    return published_at is None or published_at >= first_seen - within
