"""Re-checks in the database: which articles are due, claimed like source polls (FOR UPDATE SKIP
LOCKED and a lease renewed while the worker fetches), and what each re-check found."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from psycopg import AsyncConnection

from monitor.errors import UsageError
from monitor.evidence.warc import Capture
from monitor.store import evidence

Row = dict[str, Any]

# What a re-check needs of an article: where to fetch it, its last known title and text (the
# latest version that has text: a takedown has none), its validators and state.
TARGETS = """
    SELECT a.id AS article_id, a.url, coalesce(a.final_url, a.url) AS fetch_url, a.fetched_at AS first_seen,
           coalesce(lv.title, a.title) AS title, coalesce(lv.text, a.text) AS text,
           c.etag, c.last_modified, c.removed_at
      FROM articles a
      JOIN article_checks c ON c.article_id = a.id
      LEFT JOIN LATERAL (SELECT v.title, v.text FROM article_versions v
                          WHERE v.article_id = a.id AND v.text IS NOT NULL ORDER BY v.n DESC LIMIT 1) lv ON true
     WHERE a.id = ANY(%s)
     ORDER BY a.id
"""


async def _targets(conn: AsyncConnection[Any], ids: list[int]) -> list[Row]:
    if not ids:
        return []
    cur = await conn.execute(TARGETS, (ids,))
    return await cur.fetchall()


async def claim_due(conn: AsyncConnection[Any], lease_s: float, limit: int) -> list[Row]:
    """Claim up to `limit` articles whose re-check is due and that no live worker holds."""
    cur = await conn.execute(
        """
        WITH due AS (
            SELECT article_id FROM article_checks
             WHERE due_at <= now() AND (claimed_until IS NULL OR claimed_until < now())
             ORDER BY due_at LIMIT %s FOR UPDATE SKIP LOCKED
        )
        UPDATE article_checks c SET claimed_until = now() + make_interval(secs => %s)
          FROM due WHERE c.article_id = due.article_id
        RETURNING c.article_id
        """,
        (limit, lease_s),
    )
    return await _targets(conn, [r["article_id"] for r in await cur.fetchall()])


async def claim_named(conn: AsyncConnection[Any], ids: list[int], lease_s: float) -> tuple[list[Row], list[int]]:
    """Claim these articles now, due or not; returns the claimed and the ids another worker holds.
    An unknown id or a seed article is a usage error."""
    cur = await conn.execute("SELECT id, is_seed FROM articles WHERE id = ANY(%s)", (ids,))
    found = {r["id"]: r["is_seed"] for r in await cur.fetchall()}
    for i in ids:
        if i not in found:
            raise UsageError(f"recheck: no article {i} (see `newswatch search`)")
        if found[i]:
            raise UsageError(f"recheck: article {i} is a seed article: it has no page of an outlet to fetch again")
    async with conn.transaction():
        # an article stored before evidence was kept has no schedule yet
        await conn.execute(
            "INSERT INTO article_checks (article_id, due_at) SELECT unnest(%s::bigint[]), NULL ON CONFLICT DO NOTHING",
            (ids,),
        )
        cur = await conn.execute(
            "UPDATE article_checks SET claimed_until = now() + make_interval(secs => %s)"
            " WHERE article_id = ANY(%s) AND (claimed_until IS NULL OR claimed_until < now()) RETURNING article_id",
            (lease_s, ids),
        )
        claimed = [r["article_id"] for r in await cur.fetchall()]
    return await _targets(conn, claimed), [i for i in ids if i not in claimed]


async def renew(conn: AsyncConnection[Any], ids: list[int], lease_s: float) -> None:
    await conn.execute(
        "UPDATE article_checks SET claimed_until = now() + make_interval(secs => %s)"
        " WHERE article_id = ANY(%s) AND claimed_until IS NOT NULL",
        (lease_s, ids),
    )


async def release(conn: AsyncConnection[Any], ids: list[int]) -> None:
    """Give back the claims of articles a stopping worker did not re-check."""
    await conn.execute("UPDATE article_checks SET claimed_until = NULL WHERE article_id = ANY(%s)", (ids,))


@dataclass(frozen=True)
class Found:
    """What one re-check found, for `record`."""

    outcome: str  # unchanged | changed | removed | failed
    why: str | None
    checked_at: datetime
    next_due: datetime | None  # from the schedule, for an outcome that is not a failure
    status: int | None = None
    final_url: str | None = None
    sha256: str | None = None
    title: str | None = None  # changed: the new title and text
    text: str | None = None
    diff: Any = None
    capture: Capture | None = None
    new_version: bool = False  # a change, or a takedown seen for the first time
    etag: str | None = None
    last_modified: str | None = None


RETRY_FAILED = "1 hour"  # a failed re-check is tried again after this, up to FAILURES times per step
FAILURES = 3


async def record(conn: AsyncConnection[Any], article_id: int, f: Found) -> int | None:
    """Record a re-check in one transaction: a new version for a change or a takedown (its capture
    already on disk), the article's state, its next re-check, its claim released. Returns the new
    version's id, if any."""
    async with conn.transaction():
        version_id = None
        if f.new_version:
            version_id = await evidence.add_version(
                conn,
                article_id,
                fetched_at=f.checked_at,
                status=f.status or 0,
                final_url=f.final_url,
                sha256=f.sha256,
                changed=f.outcome == "changed",
                removed=f.outcome == "removed",
                why=f.why,
                title=f.title,
                text=f.text,
                diff=f.diff,
                capture=f.capture,
            )
        if f.outcome == "failed":
            await conn.execute(
                """
                UPDATE article_checks
                   SET claimed_until = NULL, checked_at = %(at)s, last_outcome = %(what)s,
                       failures = failures + 1,
                       due_at = CASE WHEN failures + 1 < %(most)s AND due_at IS NOT NULL
                                     THEN greatest(due_at, %(at)s + %(retry)s::interval) ELSE %(next)s END
                 WHERE article_id = %(id)s
                """,
                {
                    "at": f.checked_at,
                    "what": f"failed: {f.why}",
                    "most": FAILURES,
                    "retry": RETRY_FAILED,
                    "next": f.next_due,
                    "id": article_id,
                },
            )
            return None
        await conn.execute(
            """
            UPDATE article_checks
               SET claimed_until = NULL, checked_at = %(at)s, last_outcome = %(outcome)s, failures = 0,
                   done = done + 1,
                   -- a takedown ends the schedule (`newswatch recheck ID` still looks again)
                   due_at = CASE WHEN %(outcome)s = 'removed' THEN NULL ELSE %(next)s END,
                   edited_at = CASE WHEN %(outcome)s = 'changed' THEN %(at)s ELSE edited_at END,
                   removed_at = CASE WHEN %(outcome)s = 'removed' THEN coalesce(removed_at, %(at)s)
                                     WHEN %(outcome)s = 'changed' THEN NULL ELSE removed_at END,
                   etag = CASE WHEN %(status)s::int = 304 THEN etag ELSE %(etag)s END,
                   last_modified = CASE WHEN %(status)s::int = 304 THEN last_modified ELSE %(lm)s END
             WHERE article_id = %(id)s
            """,
            {
                "at": f.checked_at,
                "outcome": f.outcome,
                "next": f.next_due,
                "status": f.status,
                "etag": f.etag,
                "lm": f.last_modified,
                "id": article_id,
            },
        )
        return version_id
