"""`newswatch backfill`: crawl a source's archive (sitemaps or archive pages) over a date range."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from typing import Any

from monitor import config, runtime
from monitor.cli import args as parse
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


class Bar:
    """A one-line progress bar on stderr, redrawn in place."""

    def __init__(self, name: str, width: int = 30):
        self.name = name
        self.width = width
        self.drawn = False

    def __call__(self, done: int, total: int, stored: int) -> None:
        filled = self.width * done // total if total else self.width
        bar = "#" * filled + "-" * (self.width - filled)
        sys.stderr.write(f"\rbackfill {self.name} [{bar}] {done}/{total} days, {stored} articles stored")
        sys.stderr.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            sys.stderr.write("\n")


def backfill(args: argparse.Namespace) -> int:
    from spiders.crawl import Window, poll

    until = args.until or datetime.now(UTC)
    if until <= args.since:
        raise UsageError("backfill: --until must be after --since")
    settings = config.load()
    bar = Bar(args.source)

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
            return await poll(pool, settings, [source], Window(args.since, until, bar))

    try:
        stats = runtime.run(main)
    finally:
        bar.close()
    for name, st in stats.items():
        old = f", old {st.old}" if st.old else ""  # stored, published too long before: not news
        line = f"{name}: fetched {st.fetched}, new {st.new}{old}, duplicates {st.duplicates}, errors {len(st.errors)}"
        print(line + (f" ({st.errors[0]})" if st.errors else ""))
    return 0
