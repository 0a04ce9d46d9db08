"""Sources and their health."""

from __future__ import annotations

from typing import Any

from psycopg import AsyncConnection, errors

from monitor import validate
from monitor.errors import Conflict, UsageError

Row = dict[str, Any]

# A failing source waits interval × 2^failures, never longer than this, and is retried forever at
# that cap. A server's Retry-After is honoured up to the same cap.
MAX_BACKOFF_S = 6 * 3600


def state(row: Row) -> str:
    """A source's state in one word, the same in the CLI and the web: `disabled`, `failing` (its
    last poll failed), `ok` (its last poll worked), or `new` (never polled yet)."""
    if not row["enabled"]:
        return "disabled"
    if row["consecutive_failures"]:
        return "failing"
    return "ok" if row["last_success_at"] else "new"


def checked(
    name: str, url: str, kind: str = "feed", interval_s: int | str = 900, lang: str | None = None
) -> tuple[str, str, str, int, str | None]:
    """A source's fields as they are kept, or validate.Invalid naming the one that is wrong: every
    way in (CLI, web, API, OPML, seeds) passes here, so a poll never meets a source it cannot handle."""
    return (
        validate.name(name, "source name"),
        validate.web_url(url),
        validate.kind(kind),
        validate.interval(interval_s),
        validate.optional_language(lang),
    )


async def add(
    conn: AsyncConnection[Any], name: str, url: str, kind: str = "feed", interval_s: int = 900, lang: str | None = None
) -> Row:
    name, url, kind, interval_s, lang = checked(name, url, kind, interval_s, lang)
    try:
        cur = await conn.execute(
            "INSERT INTO sources (name, url, kind, interval_s, lang) VALUES (%s, %s, %s, %s, %s) RETURNING *",
            (name, url, kind, interval_s, lang),
        )
    except errors.UniqueViolation:
        raise Conflict(f"sources: a source named {name!r} already exists") from None
    row = await cur.fetchone()
    assert row is not None
    return row


async def ensure(
    conn: AsyncConnection[Any],
    name: str,
    url: str,
    kind: str = "feed",
    interval_s: int = 900,
    lang: str | None = None,
    *,
    category: str | None = None,
    enabled: bool = True,
) -> bool:
    """Add the source unless one of that name exists; True when added (for idempotent seeding).
    `category`: its folder (an OPML import's); `enabled`: whether it is polled."""
    if kind != "seed":  # the seed articles' own source, made by monitor.seeds, is never polled
        name, url, kind, interval_s, lang = checked(name, url, kind, interval_s, lang)
    cur = await conn.execute(
        "INSERT INTO sources (name, url, kind, interval_s, lang, category, enabled) VALUES (%s, %s, %s, %s, %s, %s, %s)"
        " ON CONFLICT (name) DO NOTHING RETURNING id",
        (name, url, kind, interval_s, lang, category, enabled),
    )
    return await cur.fetchone() is not None


async def exists(conn: AsyncConnection[Any], name: str) -> bool:
    return await (await conn.execute("SELECT 1 FROM sources WHERE name = %s", (name,))).fetchone() is not None


async def get(conn: AsyncConnection[Any], name: str) -> Row:
    row = await (await conn.execute("SELECT * FROM sources WHERE name = %s", (name,))).fetchone()
    if row is None:
        raise UsageError(f"sources: no source named {name!r} (see `newswatch sources list`)")
    return row


async def list_all(conn: AsyncConnection[Any]) -> list[Row]:
    cur = await conn.execute(
        """
        SELECT s.*,
               (SELECT count(*) FROM articles a WHERE a.source_id = s.id) AS articles,
               (SELECT count(*) FROM articles a
                 WHERE a.source_id = s.id AND a.stored_at > now() - interval '24 hours') AS articles_24h,
               round(s.not_modified::numeric / nullif(s.polls, 0), 2)::float AS share_304,
               coalesce(s.current_interval_s, s.interval_s) AS every_s
          FROM sources s
         WHERE s.kind <> 'seed'
         ORDER BY s.name
        """
    )
    return await cur.fetchall()


async def enabled(conn: AsyncConnection[Any], names: list[str] | None = None) -> list[Row]:
    if names:
        rows = [await get(conn, n) for n in names]
        return rows
    cur = await conn.execute("SELECT * FROM sources WHERE enabled AND kind <> 'seed' ORDER BY name")
    return await cur.fetchall()


async def remove(conn: AsyncConnection[Any], name: str) -> None:
    await get(conn, name)
    await conn.execute("DELETE FROM sources WHERE name = %s", (name,))


async def set_enabled(conn: AsyncConnection[Any], name: str, on: bool) -> None:
    await get(conn, name)
    await conn.execute("UPDATE sources SET enabled = %s, next_poll_at = now() WHERE name = %s", (on, name))


def adapt_factor(seen: int, new: int, not_modified: bool, backlog: int = 0) -> float:
    """How the adaptive interval moves after a successful poll: sooner when most items were new
    (items are being missed between polls) or some were left for the next poll, later when nothing
    or almost nothing was new."""
    if backlog:
        return 0.75
    if not_modified or new * 10 < seen:
        return 1.25
    if seen == 0:
        return 1.0  # nothing to judge by (an empty feed, a sitemap index whose children bring the items)
    if new * 2 >= seen:
        return 0.75
    return 1.0


# The adaptive interval stays within [interval_s / 4, interval_s * 4] (and at least a minute); each
# next poll is spread by ±10 % so that sources added together do not stay in lockstep.
_NEXT_POLL = """
    WITH s AS (
        SELECT id,
               greatest(greatest(60, interval_s / 4),
                        least(interval_s * 4, coalesce(current_interval_s, interval_s) * %(factor)s))::int AS every
          FROM sources WHERE id = ANY(%(ids)s)
    )
"""


_SUCCESS = (
    _NEXT_POLL
    + """
        UPDATE sources
           SET last_polled_at = now(), last_success_at = now(), consecutive_failures = 0,
               polls = polls + 1, not_modified = not_modified + %(nm)s::int,
               claimed_until = NULL,
               items_seen = %(seen)s, items_new = %(new)s, backlog = %(backlog)s,
               current_interval_s = s.every,
               next_poll_at = now() + make_interval(secs => s.every * (0.9 + random() * 0.2))
          FROM s
         WHERE sources.id = s.id
        """
)


async def record_success(
    conn: AsyncConnection[Any],
    source_id: int,
    *,
    not_modified: bool,
    seen: int = 0,
    new: int = 0,
    backlog: int = 0,
) -> None:
    """A poll that worked: health reset, the claim released, the adaptive interval moved. The
    validators (ETag, Last-Modified, body hash) wait for keep_validators. `backlog`: new items left
    for the next polls by the per-poll cap."""
    await conn.execute(
        _SUCCESS,
        {
            "ids": [source_id],
            "factor": adapt_factor(seen, new, not_modified, backlog),
            "backlog": backlog if not not_modified else 0,
            "nm": not_modified,
            "seen": seen,
            "new": new,
        },
    )


async def record_unchanged(conn: AsyncConnection[Any], source_ids: list[int]) -> None:
    """Polls that found their document unchanged (a 304, or the same body): what record_success
    does with not_modified=True, for all of them in one statement (an idle round of 100 feeds
    made 100 round trips, each on a connection checked as the pool handed it out)."""
    if not source_ids:
        return
    await conn.execute(
        _SUCCESS,
        {
            "ids": source_ids,
            "factor": adapt_factor(0, 0, True),
            "backlog": 0,
            "nm": True,
            "seen": 0,
            "new": 0,
        },
    )


async def record_failure(
    conn: AsyncConnection[Any], source_id: int, reason: str, retry_after_s: float | None = None
) -> None:
    """A poll that failed: the reason kept, the next poll backed off exponentially (capped, never
    given up), and never sooner than the server's Retry-After (itself capped)."""
    await conn.execute(
        """
        UPDATE sources
           SET last_polled_at = now(), last_error = %(reason)s, last_error_at = now(), claimed_until = NULL,
               consecutive_failures = consecutive_failures + 1, polls = polls + 1,
               next_poll_at = now() + make_interval(secs => greatest(
                   least(%(cap)s, coalesce(current_interval_s, interval_s)
                                  * power(2, least(consecutive_failures + 1, 20))) * (0.9 + random() * 0.2),
                   least(%(cap)s, coalesce(%(retry)s, 0))))
         WHERE id = %(id)s
        """,
        {"reason": reason[:1000], "cap": MAX_BACKOFF_S, "retry": retry_after_s, "id": source_id},
    )


async def claim_due(conn: AsyncConnection[Any], lease_s: float, limit: int = 25) -> list[Row]:
    """Claim up to `limit` enabled sources whose next poll is due and that no live worker holds,
    for `lease_s` seconds; each row also carries `due_at`, when its poll fell due. Recording the
    poll's outcome releases the claim; a worker that dies leaves it to run out."""
    cur = await conn.execute(
        """
        WITH due AS (
            SELECT id, next_poll_at FROM sources
             WHERE enabled AND kind <> 'seed' AND next_poll_at <= now()
               AND (claimed_until IS NULL OR claimed_until < now())
             ORDER BY next_poll_at LIMIT %s FOR UPDATE SKIP LOCKED
        )
        UPDATE sources SET claimed_until = now() + make_interval(secs => %s)
          FROM due WHERE sources.id = due.id
        RETURNING sources.*, due.next_poll_at AS due_at
        """,
        (limit, lease_s),
    )
    return await cur.fetchall()


async def renew_claims(conn: AsyncConnection[Any], source_ids: list[int], lease_s: float) -> None:
    """A live worker keeps its claims on the sources it has not finished polling."""
    await conn.execute(
        "UPDATE sources SET claimed_until = now() + make_interval(secs => %s)"
        " WHERE id = ANY(%s) AND claimed_until IS NOT NULL",
        (lease_s, source_ids),
    )


async def release_claims(conn: AsyncConnection[Any], source_ids: list[int]) -> None:
    """Give back the claims of sources a stopping worker did not poll: another worker takes them now."""
    await conn.execute("UPDATE sources SET claimed_until = NULL WHERE id = ANY(%s)", (source_ids,))


async def unfinished(conn: AsyncConnection[Any], source_ids: list[int]) -> list[Row]:
    """Which of these sources are still claimed: their poll recorded no outcome."""
    cur = await conn.execute(
        "SELECT id, name FROM sources WHERE id = ANY(%s) AND claimed_until IS NOT NULL", (source_ids,)
    )
    return await cur.fetchall()


async def keep_validators(
    conn: AsyncConnection[Any], source_id: int, etag: str | None, last_modified: str | None, body_sha256: str | None
) -> None:
    """Remember what makes the next poll of an unchanged document free (ETag, Last-Modified, body
    hash). Kept only once every new item of the poll is stored: a poll cut short (a crash, the
    database gone) must not make the next poll skip the items it never stored."""
    await conn.execute(
        "UPDATE sources SET etag = coalesce(%s, etag), last_modified = coalesce(%s, last_modified),"
        " body_sha256 = coalesce(%s, body_sha256) WHERE id = %s",
        (etag, last_modified, body_sha256, source_id),
    )


async def known_urls(conn: AsyncConnection[Any], source_id: int) -> set[str]:
    """Every canonical URL stored from this source (sitemaps and site spiders skip them)."""
    cur = await conn.execute("SELECT url FROM articles WHERE source_id = %s", (source_id,))
    return {r["url"] for r in await cur.fetchall()}


async def polled_since(conn: AsyncConnection[Any], source_ids: list[int], since: Any) -> int:
    """How many of these sources have recorded a poll's outcome since `since` (a poll's progress)."""
    cur = await conn.execute(
        "SELECT count(*) AS n FROM sources WHERE id = ANY(%s) AND last_polled_at >= %s", (source_ids, since)
    )
    row = await cur.fetchone()
    return int(row["n"]) if row else 0


async def stored_since(conn: AsyncConnection[Any], source_id: int, since: Any) -> int:
    """How many articles of this source were stored since `since` (a backfill's progress)."""
    cur = await conn.execute(
        "SELECT count(*) AS n FROM articles WHERE source_id = %s AND stored_at >= %s", (source_id, since)
    )
    row = await cur.fetchone()
    return int(row["n"]) if row else 0
