"""Whether the names a reader filters by exist: a search for an outlet or a keyword that Newswatch
has never heard of is a mistake to point out (a typo, a wrong case), not an empty answer."""

from __future__ import annotations

from typing import Any

from psycopg import AsyncConnection

from monitor.validate import Invalid


async def check(conn: AsyncConnection[Any], *, source: str | None = None, keyword: str | None = None) -> None:
    """Raise validate.Invalid (field `source` or `keyword`) for a name nothing carries: a source is
    known by its sources row or by the outlet of a stored article (seeds, outlets met as copies)."""
    if source is not None:
        cur = await conn.execute(
            "SELECT EXISTS (SELECT 1 FROM sources WHERE name = %(n)s)"
            " OR EXISTS (SELECT 1 FROM articles WHERE outlet = %(n)s) AS known",
            {"n": source},
        )
        row = await cur.fetchone()
        if not (row and row["known"]):
            raise Invalid("source", f"no source or outlet named {source!r}")
    if keyword is not None:
        cur = await conn.execute("SELECT 1 FROM keywords WHERE name = %s", (keyword,))
        if await cur.fetchone() is None:
            raise Invalid("keyword", f"no keyword named {keyword!r}")
