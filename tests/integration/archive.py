"""Putting articles straight into the archive, folded as the pipeline folds them."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

from psycopg import AsyncConnection

from monitor.query.fold import fold
from monitor.query.match import Doc

_n = itertools.count()


async def put(
    conn: AsyncConnection,
    title: str,
    text: str,
    outlet: str = "Trend",
    lang: str | None = "en",
    published_at: datetime | None = datetime(2024, 2, 7, 12, tzinfo=UTC),
    duplicate_of: int | None = None,
) -> int:
    """Store one article the way ingest does (same Doc folding); returns its id."""
    doc = Doc.of(title, text, outlet, lang)
    cur = await conn.execute(
        "INSERT INTO articles (outlet, url, title, text, folded, folded_title, folded_outlet, lang,"
        " published_at, duplicate_of) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id",
        (
            outlet,
            f"https://example.org/{next(_n)}",
            title,
            text,
            doc.folded,
            doc.folded_title,
            fold(outlet),
            lang,
            published_at,
            duplicate_of,
        ),
    )
    row = await cur.fetchone()
    assert row is not None
    return row["id"]
