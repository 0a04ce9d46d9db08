"""Reading the archive: search and status."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from rich.text import Text

from monitor import config, runtime, validate
from monitor.cli import args as parse
from monitor.cli.output import Col, csv_rows, jsonable, jsonl, table
from monitor.errors import UsageError
from monitor.query import parse as parse_query
from monitor.query.snippet import plain
from monitor.service import database
from monitor.store import articles, digests, names, sources, subscribers
from monitor.store import channels as channel_store

JSON_FIELDS = [
    "id",
    "url",
    "title",
    "source",
    "lang",
    "published_at",
    "date_source",
    "fetched_at",
    "keywords",
    "duplicate_of",
    "seed_duplicate",
    "story_id",
    "similarity",
    "snippet",
    "text",
]


def register(sub: Any) -> None:
    p = sub.add_parser("search", help="query the archive, newest first or by relevance")
    p.add_argument("query", nargs="?", default="", help="a query in the keyword language; empty: everything")
    p.add_argument("--since", type=lambda t: parse.moment(t, "--since"), help="published on or after (YYYY-MM-DD)")
    p.add_argument("--until", type=lambda t: parse.moment(t, "--until"), help="published before (YYYY-MM-DD)")
    p.add_argument("--source", help="only this source (outlet name)")
    p.add_argument("--lang", type=parse.language, help="only this language, an ISO 639-1 code (en, ru, az, …)")
    p.add_argument("--keyword", help="only articles matched by this watched keyword")
    p.add_argument("--include-duplicates", action="store_true", help="also show copies of other articles and seeds")
    p.add_argument("--edited", action="store_true", help="only articles a re-check found edited (see `recheck`)")
    p.add_argument("--removed", action="store_true", help="only articles a re-check found taken down")
    p.add_argument("--sort", choices=articles.SORTS, default="newest", help="newest first (default), or relevance")
    p.add_argument("--limit", type=int, default=50, help="at most N results (default 50)")
    p.add_argument("--offset", type=int, default=0, help="skip the first N results (the next page)")
    p.add_argument("--format", choices=["table", "jsonl", "csv"], default="table")
    p.set_defaults(handler=search)

    p = sub.add_parser("status", help="source health, archive totals and outbox state")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(handler=status)


def search(args: argparse.Namespace) -> int:
    tree = parse_query(args.query)
    if args.limit < 1:
        raise UsageError("--limit: must be at least 1")
    if args.offset < 0:
        raise UsageError("--offset: must be 0 or more")
    validate.date_range(args.since, args.until)
    filters = articles.Filters(
        since=args.since,
        until=args.until,
        source=args.source,
        lang=args.lang,
        keyword=args.keyword,
        include_duplicates=args.include_duplicates,
        limit=args.limit,
        offset=args.offset,
        sort=args.sort,
        edited=args.edited,
        removed=args.removed,
    )
    settings = config.load()

    async def main() -> list[dict]:
        async with database(settings) as pool, pool.connection() as conn:
            await names.check(conn, source=args.source, keyword=args.keyword)
            return await articles.search(conn, tree, filters)

    rows = runtime.run(main)
    if args.format == "table":
        for r in rows:
            r["article"] = _article_cell(r)
        table(
            rows,
            [Col("id"), Col("published_at", "published"), Col("source", wrap=True, max_width=16), Col("lang"),
             Col("article", wrap=True)],
            spaced=True,
        )  # fmt: skip
        if not rows:
            print("(no articles match)", file=sys.stderr)
        return 0
    for r in rows:
        r["snippet"] = plain(r["snippet"])
    if args.format == "jsonl":
        jsonl([{k: r[k] for k in JSON_FIELDS} for r in rows])
    else:
        csv_rows(rows, JSON_FIELDS)
    return 0


def _article_cell(r: dict[str, Any]) -> Text:
    """Title, URL, what it copies (if it does) and the snippet, one under the other."""
    cell = Text(r["title"] or "(untitled)", style="bold")
    cell.append("\n" + r["url"], style="cyan")
    if r["duplicate_of"]:
        similar = f" ({r['similarity']:.0%})" if r["similarity"] is not None else ""
        copy = "seed copy of " if r["seed_duplicate"] else "copy of "
        cell.append(f"\n{copy}{r['duplicate_of']}{similar}", style="yellow")
    if r["snippet"]:
        cell.append("\n")
        for text, marked in r["snippet"]:
            cell.append(" ".join(text.split("\n")), style="reverse" if marked else "dim")
    return cell


def status(args: argparse.Namespace) -> int:
    settings = config.load()

    async def main() -> dict:
        async with database(settings) as pool, pool.connection() as conn:
            return {
                "sources": await sources.list_all(conn),
                "archive": await articles.totals(conn),
                "outbox": await digests.outbox_state(conn),
                "failed_digests": await digests.failures(conn),
                "receiving_nothing": await subscribers.receiving_nothing(conn),
                "channel_failures": await channel_store.failures(conn),
            }

    state = runtime.run(main)
    if args.format == "json":
        print(json.dumps(jsonable(state), ensure_ascii=False, indent=2))
        return 0
    for r in state["sources"]:
        r["state"] = sources.state(r)
        r["source"] = r["name"]
    table(
        state["sources"],
        [
            Col("source", wrap=True, max_width=24),
            Col("state"),
            Col("last_success_at", "last success"),
            Col("consecutive_failures", "failures"),
            Col("next_poll_at", "next poll"),
            Col("articles_24h", "24h"),
            Col("backlog"),
            Col("last_error", "last error", wrap=True),
        ],
    )
    a, o = state["archive"], state["outbox"]
    print(
        f"\narchive: {a['articles']} articles ({a['duplicates']} duplicates, {a['seeds']} seeds), "
        f"{a['last_24h']} in the last 24 h"
    )
    print(f"outbox: {o['pending']} pending, {o['sent']} sent, {o['failed']} failed")
    if state["failed_digests"]:
        print("\nfailed digests (most recent first):")
        table(
            state["failed_digests"],
            [
                Col("email", wrap=True),
                Col("local_date", "day"),
                Col("attempts"),
                Col("last_error", "reason", wrap=True),
            ],
        )
    if state["channel_failures"]:
        print("\nchannel messages failed or waiting for a retry (most recent first):")
        table(
            state["channel_failures"],
            [Col("channel"), Col("status"), Col("attempts"), Col("last_error", "reason", wrap=True)],
        )
    if state["receiving_nothing"]:
        print("\nsubscribers who receive nothing (give them keywords: `newswatch subscribers`):")
        for s in state["receiving_nothing"]:
            print(f"  {s['email']}: {s['why']}")
    return 0
