"""`newswatch stories`: the archive as stories, newest first, each with its first publisher."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from monitor import config, runtime
from monitor.cli import args as parse
from monitor.cli.output import Col, jsonl, table
from monitor.errors import UsageError
from monitor.service import database
from monitor.store import story_reads


def register(sub: Any) -> None:
    p = sub.add_parser(
        "stories", help="stories newest first: headline, first publisher, every outlet and language that carried it"
    )
    p.add_argument(
        "--since", type=lambda t: parse.moment(t, "--since"), help="first published on or after (YYYY-MM-DD)"
    )
    p.add_argument("--until", type=lambda t: parse.moment(t, "--until"), help="first published before (YYYY-MM-DD)")
    p.add_argument("--keyword", help="only stories with an article matched by this watched keyword")
    p.add_argument(
        "--lang",
        type=parse.language,
        help="only stories with an article in this language (ISO 639-1), headed by that article's title",
    )
    p.add_argument("--limit", type=int, default=50, help="at most N stories (default 50)")
    p.add_argument("--format", choices=["table", "jsonl"], default="table")
    p.set_defaults(handler=stories)


def stories(args: argparse.Namespace) -> int:
    if args.limit < 1:
        raise UsageError("--limit: must be at least 1")
    filters = story_reads.Filters(
        since=args.since, until=args.until, keyword=args.keyword, lang=args.lang, limit=args.limit
    )
    settings = config.load()

    async def main() -> list[dict]:
        async with database(settings) as pool, pool.connection() as conn:
            return await story_reads.listing(conn, filters)

    rows = runtime.run(main)
    if args.format == "jsonl":
        jsonl(rows)
        return 0
    for r in rows:
        r["original"] = r["original"]["outlet"] if r["original"] else ""
    table(
        rows,
        [
            Col("id"),
            Col("first_published", "first published"),
            Col("original", wrap=True, max_width=20),
            Col("outlets", wrap=True, max_width=30),
            Col("langs", wrap=True),
            Col("articles"),
            Col("headline", wrap=True),
        ],
    )
    if not rows:
        print("(no stories match)", file=sys.stderr)
    return 0
