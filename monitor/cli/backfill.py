"""`newswatch backfill`: crawl a source's archive (sitemaps or archive pages) over a date range."""

from __future__ import annotations

import argparse
import asyncio
from datetime import UTC, datetime
from typing import Any

from monitor import config, runtime
from monitor.cli import args as parse
from monitor.cli import output
from monitor.errors import UsageError
from monitor.service import database
from monitor.store import sources


def register(sub: Any) -> None:
    p = sub.add_parser(
        "backfill",
        help="crawl a source's archive (sitemaps or archive pages) for older items, with a progress bar",
        description="Fetch the articles a source published between --since and --until (exclusive). "
        "Works for sitemap and spider:… sources; a feed carries only its latest items.",
    )
    p.add_argument("source", metavar="SOURCE", help="source name (see `newswatch sources list`)")
    p.add_argument("--since", required=True, type=lambda t: parse.moment(t, "--since"), help="from (YYYY-MM-DD)")
    p.add_argument("--until", type=lambda t: parse.moment(t, "--until"), help="until, exclusive (default: now)")
    p.set_defaults(handler=backfill)


def backfill(args: argparse.Namespace) -> int:
    from spiders.crawl import Window, poll

    until = args.until or datetime.now(UTC)
    if until <= args.since:
        raise UsageError("backfill: --until must be after --since")
    settings = config.load()

    async def main() -> Any:
        async with database(settings) as pool:
            async with pool.connection() as conn:
                source = await sources.get(conn, args.source)
            if source["kind"] == "feed":
                raise UsageError(
                    f"backfill: {source['name']} is a feed, and a feed carries only its latest items; "
                    "backfill works for sitemap and spider:… sources "
                    "(add the outlet's sitemap with `newswatch sources add NAME URL --kind sitemap`)"
                )
            with output.progress(f"backfill {source['name']}") as bar:

                def moved(done: int, total: int, stored: int) -> None:  # a site spider walks day by day
                    bar.update(completed=done, total=total, note=f"days, {stored} articles stored")

                # a sitemap has no days to count: the bar counts the articles stored so far
                counting = asyncio.ensure_future(_stored(pool, source["id"], bar, source["kind"] == "sitemap"))
                try:
                    return await poll(pool, settings, [source], Window(args.since, until, moved))
                finally:
                    counting.cancel()

    stats = runtime.run(main)
    for name, st in stats.items():
        old = f", old {st.old}" if st.old else ""  # stored, published too long before: not news
        line = f"{name}: fetched {st.fetched}, new {st.new}{old}, duplicates {st.duplicates}, errors {len(st.errors)}"
        print(line + (f" ({st.errors[0]})" if st.errors else ""))
    return 0


async def _stored(pool: Any, source_id: int, bar: output.Bar, counting: bool) -> None:
    if not (bar.active and counting):
        return
    started = datetime.now(UTC)
    while True:
        async with pool.connection() as conn:
            stored = await sources.stored_since(conn, source_id, started)
        bar.update(completed=stored, note="articles stored")
        await asyncio.sleep(0.5)
