"""Outlet templates: the sentences each outlet's articles hold, and which of them are template text
(monitor.pipeline.templates)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from psycopg import AsyncConnection

from monitor.pipeline import templates
from monitor.pipeline.templates import Template


async def record(conn: AsyncConnection[Any], article_id: int, outlet: str, at: datetime, keys: list[int]) -> None:
    """Remember which sentences (keys) an article of `outlet` published at `at` holds."""
    if keys:
        await conn.execute(
            "INSERT INTO outlet_sentences (outlet, key, article_id, published_at)"
            " SELECT %s, unnest(%s::bigint[]), %s, %s ON CONFLICT DO NOTHING",
            (outlet, keys, article_id, at),
        )


async def counts(
    conn: AsyncConnection[Any], outlets: Iterable[str], keys: Iterable[int], at: datetime
) -> dict[tuple[str, int], int]:
    """How many articles of each outlet published within templates.DAYS of `at` hold each key."""
    outlets, keys = sorted(set(outlets)), sorted(set(keys))
    if not outlets or not keys:
        return {}
    cur = await conn.execute(
        "SELECT outlet, key, count(*) AS n FROM outlet_sentences"
        " WHERE outlet = ANY(%s) AND key = ANY(%s) AND published_at BETWEEN %s AND %s GROUP BY outlet, key",
        (outlets, keys, at - templates.DAYS, at + templates.DAYS),
    )
    return {(r["outlet"], r["key"]): r["n"] for r in await cur.fetchall()}


def learned(found: dict[tuple[str, int], int], outlet: str, extra: Iterable[int] = ()) -> Template:
    """The template of `outlet` among the counted keys; `extra`: keys of an article not stored yet,
    which counts as one more article holding them."""
    plus = set(extra)
    return frozenset(k for (o, k), n in found.items() if o == outlet and n + (k in plus) >= templates.MIN_ARTICLES)


async def holders(conn: AsyncConnection[Any], outlet: str, keys: list[int], at: datetime) -> list[int]:
    """Articles of `outlet` published within templates.DAYS of `at` holding any of these keys."""
    cur = await conn.execute(
        "SELECT DISTINCT article_id FROM outlet_sentences"
        " WHERE outlet = %s AND key = ANY(%s) AND published_at BETWEEN %s AND %s ORDER BY article_id",
        (outlet, keys, at - templates.DAYS, at + templates.DAYS),
    )
    return [r["article_id"] for r in await cur.fetchall()]


async def unrecorded(conn: AsyncConnection[Any], after: int = 0, limit: int = 500) -> list[dict[str, Any]]:
    """Articles with an id above `after` whose sentences were never recorded (stored before
    migration 012), oldest first."""
    cur = await conn.execute(
        "SELECT a.id, a.outlet, a.text, coalesce(a.published_at, a.fetched_at) AS at FROM articles a"
        " WHERE a.id > %s AND NOT EXISTS (SELECT 1 FROM outlet_sentences s WHERE s.article_id = a.id)"
        " ORDER BY a.id LIMIT %s",
        (after, limit),
    )
    return await cur.fetchall()
