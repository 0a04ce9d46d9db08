"""Exact duplicates: the same text, however it was spaced or cased, has the same content hash."""

from __future__ import annotations

import hashlib

from monitor.query.fold import words


def content_hash(text: str) -> str | None:
    """SHA-256 of the folded words of `text`; None for a text too short to identify anything."""
    found = words(text)
    if len(found) < 20:
        return None
    return hashlib.sha256(" ".join(found).encode()).hexdigest()
