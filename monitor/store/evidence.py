"""Evidence in the database: the versions of each article (each pointing at its WARC capture) and
the state of its re-checks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from psycopg import AsyncConnection
from psycopg.types.json import Jsonb

from monitor.evidence.warc import Capture

Row = dict[str, Any]


@dataclass(frozen=True)
class FirstFetch:
    """What the fetch that stored an article leaves as evidence, saved in the article's transaction."""

    capture: Capture | None  # None when no exchange was captured
    status: int
    recheck_at: datetime | None  # the first re-check, None when re-checks are off
    etag: str | None = None
    last_modified: str | None = None


async def first_version(
    conn: AsyncConnection[Any],
    article_id: int,
    fetched_at: datetime,
    final_url: str | None,
    sha256: str | None,
    first: FirstFetch,
) -> None:
    """Version 1 of a new article, with its capture, and its re-check schedule (called inside the
    article's own transaction, after the capture's bytes are on disk)."""
    c = first.capture
    await conn.execute(
        "INSERT INTO article_versions (article_id, n, fetched_at, status, final_url, sha256,"
        " warc_file, warc_offset, warc_length, payload_digest) VALUES (%s, 1, %s, %s, %s, %s, %s, %s, %s, %s)",
        (
            article_id,
            fetched_at,
            first.status,
            final_url,
            sha256,
            c.file if c else None,
            c.offset if c else None,
            c.length if c else None,
            c.payload_digest if c else None,
        ),
    )
    await conn.execute(
        "INSERT INTO article_checks (article_id, due_at, etag, last_modified) VALUES (%s, %s, %s, %s)",
        (article_id, first.recheck_at, first.etag, first.last_modified),
    )


VERSION_FIELDS = """
    v.n, v.fetched_at, v.stored_at, v.status, v.final_url, v.sha256, v.changed, v.removed, v.why,
    v.diff, v.warc_file, v.warc_offset, v.warc_length, v.payload_digest
"""


async def versions(conn: AsyncConnection[Any], article_id: int) -> list[Row]:
    """Every version of an article, first to last. An article stored before evidence was kept
    (or a seed) has no version rows: its first version is made of the article's own fetch."""
    cur = await conn.execute(
        f"SELECT {VERSION_FIELDS}, coalesce(v.title, a.title) AS title, coalesce(v.text, a.text) AS text"
        " FROM article_versions v JOIN articles a ON a.id = v.article_id WHERE v.article_id = %s ORDER BY v.n",
        (article_id,),
    )
    rows = await cur.fetchall()
    if rows:
        return _carry_text(rows)
    cur = await conn.execute(
        "SELECT 1 AS n, fetched_at, stored_at, 200 AS status, final_url, raw_sha256 AS sha256, false AS changed,"
        " false AS removed, NULL AS why, NULL::jsonb AS diff, NULL AS warc_file, NULL::bigint AS warc_offset,"
        " NULL::bigint AS warc_length, NULL AS payload_digest, title, text"
        " FROM articles WHERE id = %s AND NOT is_seed",
        (article_id,),
    )
    return await cur.fetchall()


def _carry_text(rows: list[Row]) -> list[Row]:
    """A takedown version holds no text of its own: it shows the text it took down."""
    for before, row in zip(rows, rows[1:], strict=False):
        if row["removed"]:
            row["title"], row["text"] = before["title"], before["text"]
    return rows


async def state(conn: AsyncConnection[Any], article_id: int) -> Row:
    """The article's re-check state: removed_at, edited_at, next re-check, last outcome."""
    cur = await conn.execute(
        "SELECT removed_at, edited_at, due_at AS next_recheck_at, checked_at AS last_checked_at, last_outcome"
        " FROM article_checks WHERE article_id = %s",
        (article_id,),
    )
    row = await cur.fetchone()
    return row or {
        "removed_at": None,
        "edited_at": None,
        "next_recheck_at": None,
        "last_checked_at": None,
        "last_outcome": None,
    }


async def captures(conn: AsyncConnection[Any], article_ids: list[int]) -> tuple[list[Row], list[int]]:
    """The captures of these articles, in the order asked and version by version; and the ids
    that are no article. A version whose capture retention removed has `warc_file` NULL."""
    cur = await conn.execute(
        "SELECT a.id AS article_id, a.url, v.n, v.fetched_at, v.warc_file, v.warc_offset, v.warc_length,"
        " v.payload_digest FROM unnest(%s::bigint[]) WITH ORDINALITY AS asked (id, k)"
        " JOIN articles a ON a.id = asked.id LEFT JOIN article_versions v ON v.article_id = a.id"
        " ORDER BY asked.k, v.n",
        (article_ids,),
    )
    rows = await cur.fetchall()
    found = {r["article_id"] for r in rows}
    return rows, [i for i in article_ids if i not in found]


def capture_of(row: Row) -> Capture | None:
    if row.get("warc_file") is None:
        return None
    return Capture(row["warc_file"], row["warc_offset"], row["warc_length"], row["payload_digest"])


async def add_version(
    conn: AsyncConnection[Any],
    article_id: int,
    *,
    fetched_at: datetime,
    status: int,
    final_url: str | None,
    sha256: str | None,
    changed: bool,
    removed: bool,
    why: str | None,
    title: str | None,
    text: str | None,
    diff: Any,
    capture: Capture | None,
) -> int:
    """A version found by a re-check (inside the re-check's transaction); returns its id. The
    article's first version is written first when it has none (stored before evidence was kept)."""
    await conn.execute(
        "INSERT INTO article_versions (article_id, n, fetched_at, stored_at, status, final_url, sha256)"
        " SELECT id, 1, fetched_at, stored_at, 200, final_url, raw_sha256 FROM articles"
        " WHERE id = %s AND NOT EXISTS (SELECT 1 FROM article_versions WHERE article_id = %s)",
        (article_id, article_id),
    )
    cur = await conn.execute(
        """
        INSERT INTO article_versions (article_id, n, fetched_at, status, final_url, sha256, changed, removed, why,
                                      title, text, diff, warc_file, warc_offset, warc_length, payload_digest)
        SELECT %s, max(n) + 1, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s
          FROM article_versions WHERE article_id = %s
        RETURNING id
        """,
        (
            article_id,
            fetched_at,
            status,
            final_url,
            sha256,
            changed,
            removed,
            why,
            title,
            text,
            Jsonb(diff) if diff is not None else None,
            capture.file if capture else None,
            capture.offset if capture else None,
            capture.length if capture else None,
            capture.payload_digest if capture else None,
            article_id,
        ),
    )
    row = await cur.fetchone()
    assert row is not None
    return int(row["id"])


async def captures_in_files_with_old(conn: AsyncConnection[Any], days: int) -> list[Row]:
    """Every capture in the WARC files that hold at least one capture fetched more than `days`
    ago, each marked `old` or not."""
    cur = await conn.execute(
        """
        SELECT v.id, v.warc_file, v.warc_offset, v.warc_length,
               v.fetched_at < now() - make_interval(days => %(days)s) AS old
          FROM article_versions v
         WHERE v.warc_file IN (SELECT DISTINCT warc_file FROM article_versions
                                WHERE warc_file IS NOT NULL AND fetched_at < now() - make_interval(days => %(days)s))
         ORDER BY v.warc_file, v.warc_offset
        """,
        {"days": days},
    )
    return await cur.fetchall()


async def drop_captures(conn: AsyncConnection[Any], name: str, version_ids: list[int]) -> None:
    """These versions lose their capture (retention); what the version says of the fetch stays."""
    await conn.execute(
        "UPDATE article_versions SET warc_file = NULL, warc_offset = NULL, warc_length = NULL"
        " WHERE warc_file = %s AND id = ANY(%s)",
        (name, version_ids),
    )


async def move_captures(conn: AsyncConnection[Any], name: str, moved: dict[int, tuple[str, int]]) -> None:
    """Point these versions at the copies of their captures (same bytes, another file and offset)."""
    for version_id, (file, offset) in moved.items():
        await conn.execute(
            "UPDATE article_versions SET warc_file = %s, warc_offset = %s WHERE id = %s AND warc_file = %s",
            (file, offset, version_id, name),
        )


async def referenced_files(conn: AsyncConnection[Any]) -> set[str]:
    cur = await conn.execute("SELECT DISTINCT warc_file FROM article_versions WHERE warc_file IS NOT NULL")
    return {r["warc_file"] for r in await cur.fetchall()}
