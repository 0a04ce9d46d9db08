"""Watched keywords, their matches, and what a query would have caught."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from psycopg import AsyncConnection, errors

from monitor import validate
from monitor.errors import Conflict, UsageError
from monitor.query import parse
from monitor.query.parse import Node
from monitor.query.sql import compile_sql

Row = dict[str, Any]
log = logging.getLogger(__name__)


class OnlyKeyword(UsageError):
    """Removing the keyword would leave subscribers for whom it is the only keyword receiving nothing."""

    def __init__(self, name: str, emails: list[str]):
        super().__init__(
            f"keywords: {name!r} is the only keyword of {', '.join(emails)}: without it they would receive nothing."
            " Give them another keyword first, or force the removal (`--force`; API `?force=true`), which makes"
            " them receive every keyword"
        )
        self.emails = emails


def checked(query: str) -> Node:
    """The tree of a keyword query; an empty or malformed one is a usage error."""
    tree = parse(query)
    if tree is None:
        raise UsageError("keywords: the query is empty")
    return tree


async def _match_archive(conn: AsyncConnection[Any], keyword_id: int, tree: Node) -> None:
    condition, params = compile_sql(tree)
    await conn.execute(
        (
            "INSERT INTO article_keywords (article_id, keyword_id) SELECT a.id, %s FROM articles a WHERE " + condition
        ).encode(),
        [keyword_id, *params],
    )


async def add(conn: AsyncConnection[Any], name: str, query: str) -> Row:
    """Save the keyword and match the whole archive at once, so its history is there."""
    name = validate.name(name, "keyword name")
    tree = checked(query)
    try:
        async with conn.transaction():
            cur = await conn.execute("INSERT INTO keywords (name, query) VALUES (%s, %s) RETURNING *", (name, query))
            row = await cur.fetchone()
            assert row is not None
            await conn.execute("DELETE FROM removed_keywords WHERE name = %s", (name,))
            await _match_archive(conn, row["id"], tree)
    except errors.UniqueViolation:
        raise Conflict(f"keywords: a keyword named {name!r} already exists") from None
    return row


async def edit(conn: AsyncConnection[Any], name: str, query: str) -> Row:
    """Give the keyword a new query and match the whole archive again: its history is then what
    the new query would have caught (articles already mailed are not mailed again)."""
    tree = checked(query)
    async with conn.transaction():
        cur = await conn.execute("UPDATE keywords SET query = %s WHERE name = %s RETURNING *", (query, name))
        row = await cur.fetchone()
        if row is None:
            raise UsageError(f"keywords: no keyword named {name!r} (see `newswatch keywords list`)")
        await conn.execute("DELETE FROM article_keywords WHERE keyword_id = %s", (row["id"],))
        await _match_archive(conn, row["id"], tree)
    return row


async def ensure(conn: AsyncConnection[Any], name: str, query: str, replaces: Sequence[str] = ()) -> str:
    """Load a default keyword (`newswatch init`): 'added' when none of that name exists; 'updated'
    when its stored query is one this default had in an earlier version (`replaces`), which missed
    what the new one catches: it gets the new query, matched again over the archive; 'kept' when
    a user changed the query (theirs stays); 'same' when it is already the default's; 'removed'
    when a user removed it (it stays removed)."""
    row = await named(conn, name)
    if row is None:
        gone = await conn.execute("SELECT 1 FROM removed_keywords WHERE name = %s", (name,))
        if await gone.fetchone():
            return "removed"
        await add(conn, name, query)
        return "added"
    stored = " ".join(row["query"].split())
    if stored == " ".join(query.split()):
        return "same"
    if stored in {" ".join(q.split()) for q in replaces}:
        await edit(conn, name, query)
        return "updated"
    return "kept"


async def preview(conn: AsyncConnection[Any], query: str, days: int = 30) -> tuple[int, list[Row]]:
    """How many articles published in the last `days` the query matches, and the three newest of
    them: by publication, so an archive item stored today is not counted as this month's."""
    condition, params = compile_sql(checked(query))
    recent = "a.published_at > now() - make_interval(days => %s) AND a.duplicate_of IS NULL AND "
    cur = await conn.execute(
        ("SELECT count(*) AS n FROM articles a WHERE " + recent + condition).encode(), [days, *params]
    )
    count = (await cur.fetchone() or {"n": 0})["n"]
    cur = await conn.execute(
        (
            "SELECT a.id, a.title, a.outlet AS source, a.published_at FROM articles a WHERE "
            + recent
            + condition
            + " ORDER BY a.published_at DESC NULLS LAST, a.id DESC LIMIT 3"
        ).encode(),
        [days, *params],
    )
    return count, await cur.fetchall()


async def named(conn: AsyncConnection[Any], name: str) -> Row | None:
    return await (await conn.execute("SELECT * FROM keywords WHERE name = %s", (name,))).fetchone()


async def list_all(conn: AsyncConnection[Any]) -> list[Row]:
    cur = await conn.execute(
        "SELECT k.*, (SELECT count(*) FROM article_keywords ak WHERE ak.keyword_id = k.id) AS articles"
        " FROM keywords k ORDER BY k.name"
    )
    return await cur.fetchall()


async def trees(conn: AsyncConnection[Any]) -> list[tuple[int, str, Node]]:
    """(id, name, tree) of every keyword, for matching new articles."""
    rows = await (await conn.execute("SELECT id, name, query FROM keywords ORDER BY id")).fetchall()
    found = []
    for r in rows:
        try:
            found.append((r["id"], r["name"], checked(r["query"])))
        except UsageError as exc:  # saved before a limit it breaks (monitor.query.parse): it alone stops matching
            log.warning("keyword %s is not matched: %s (edit it with `newswatch keywords edit`)", r["name"], exc)
    return found


async def sole_keyword_of(conn: AsyncConnection[Any], keyword_id: int) -> list[str]:
    """The active subscribers whose only keyword this is."""
    cur = await conn.execute(
        """
        SELECT s.email FROM subscribers s
          JOIN subscriber_keywords sk ON sk.subscriber_id = s.id AND sk.keyword_id = %(k)s
         WHERE s.active AND NOT s.all_keywords
           AND NOT EXISTS (SELECT 1 FROM subscriber_keywords o WHERE o.subscriber_id = s.id AND o.keyword_id <> %(k)s)
         ORDER BY s.email
        """,
        {"k": keyword_id},
    )
    return [r["email"] for r in await cur.fetchall()]


async def remove(conn: AsyncConnection[Any], name: str, force: bool = False) -> list[str]:
    """Forget the keyword and its matches; the articles stay. Refused (OnlyKeyword, naming them)
    when it is the only keyword of some subscribers, who would silently receive nothing; with
    `force` they become all-keyword subscribers, and are returned."""
    async with conn.transaction():
        # the row lock makes a subscriber added with this keyword meanwhile wait, then be counted
        cur = await conn.execute("SELECT id FROM keywords WHERE name = %s FOR UPDATE", (name,))
        row = await cur.fetchone()
        if row is None:
            raise UsageError(f"keywords: no keyword named {name!r} (see `newswatch keywords list`)")
        alone = await sole_keyword_of(conn, row["id"])
        if alone and not force:
            raise OnlyKeyword(name, alone)
        await conn.execute("UPDATE subscribers SET all_keywords = true WHERE email = ANY(%s)", (alone,))
        await conn.execute("DELETE FROM keywords WHERE id = %s", (row["id"],))
        await conn.execute(
            "INSERT INTO removed_keywords (name) VALUES (%s) ON CONFLICT (name) DO UPDATE SET removed_at = now()",
            (name,),
        )
    return alone
