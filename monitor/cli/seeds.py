"""`newswatch seeds`: the seed articles (what the user has read already) and their republication
records: list, add (from a URL or a file), show (the record), remove."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from monitor import config, record, runtime
from monitor import seeds as watch
from monitor.cli import args as parse
from monitor.cli.output import csv_rows, jsonl, table
from monitor.errors import UsageError
from monitor.service import database
from monitor.store import seeds

LIST_FIELDS = ["id", "title", "outlet", "published_at", "lang", "url", "copies"]


def register(sub: Any) -> None:
    p = sub.add_parser("seeds", help="seed articles (read already: their copies are never news) and who copied them")
    s = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    q = s.add_parser("list", help="every seed, with how many stored articles reproduce it")
    q.add_argument("--format", choices=["table", "jsonl"], default="table")
    q.set_defaults(handler=seeds_list)
    q = s.add_parser(
        "add",
        help="add a seed from a web page (fetched like any article) or a file (plain text or HTML); stored "
        "articles that reproduce it become its copies at once",
    )
    q.add_argument("source", metavar="URL|FILE")
    q.add_argument("--title", help="its title (default: the page's; a text file's first line)")
    q.add_argument("--outlet", help="who published it (default: the source with the page's host, else the host)")
    q.add_argument(
        "--published",
        type=lambda t: parse.moment(t, "--published"),
        help="when it was published, YYYY-MM-DD or ISO 8601 (default: the page's date, a file's `date` line)",
    )
    q.add_argument("--lang", type=parse.language, help="its language, ISO 639-1 (default: detected)")
    q.set_defaults(handler=seeds_add)
    q = s.add_parser("show", help="the republication record: every copy, earliest first, with what it changed")
    q.add_argument("id", type=int)
    q.add_argument("--format", choices=["table", "jsonl", "csv"], default="table")
    q.set_defaults(handler=seeds_show)
    q = s.add_parser("remove", help="remove a seed: its copies become ordinary articles again")
    q.add_argument("id", type=int)
    q.set_defaults(handler=seeds_remove)


def _with_pool(work: Any) -> Any:
    settings = config.load()

    async def main() -> Any:
        async with database(settings) as pool:
            return await work(pool, settings)

    return runtime.run(main)


def seeds_list(args: argparse.Namespace) -> int:
    async def work(pool: Any, settings: Any) -> list[dict]:
        async with pool.connection() as conn:
            return await seeds.listing(conn)

    rows = [{k: r[k] for k in LIST_FIELDS} for r in _with_pool(work)]
    if args.format == "jsonl":
        jsonl(rows)
        return 0
    for r in rows:
        r["published_at"] = r["published_at"].strftime("%Y-%m-%d %H:%M") if r["published_at"] else ""
    table(rows, ["id", "published_at", "outlet", "lang", "copies", "title", "url"], widths={"title": 60})
    if not rows:
        print("(no seeds)", file=sys.stderr)
    return 0


def seeds_add(args: argparse.Namespace) -> int:
    options = watch.Options(args.title, args.outlet, args.published, args.lang).checked()

    async def work(pool: Any, settings: Any) -> seeds.Added:
        return await watch.add_from(pool, settings, args.source, options)

    added = _with_pool(work)
    print(added.id)
    print(f"{added.copies} stored article(s) already reproduce it: `newswatch seeds show {added.id}`")
    return 0


def seeds_show(args: argparse.Namespace) -> int:
    async def work(pool: Any, settings: Any) -> tuple[dict, list[record.Copy]]:
        async with pool.connection() as conn:
            seed = await seeds.get(conn, args.id)
            if seed is None:
                raise UsageError(f"seeds: no seed {args.id} (see `newswatch seeds list`)")
            return seed, record.record(seed, await seeds.copies(conn, args.id))

    seed, copies = _with_pool(work)
    rows = [c.row() for c in copies]
    if args.format == "jsonl":
        jsonl(rows)
        return 0
    if args.format == "csv":
        csv_rows(rows, list(record.FIELDS))
        return 0
    when = seed["published_at"].strftime("%Y-%m-%d %H:%M") if seed["published_at"] else "?"
    print(f"seed {seed['id']}: {seed['title']} ({seed['outlet']}, {when}): {len(rows)} copies")
    for r in rows:
        r["published_at"] = r["published_at"].strftime("%Y-%m-%d %H:%M") if r["published_at"] else ""
        r["delay"] = record.delay_text(r["delay_s"])
        r["similarity"] = "" if r["similarity"] is None else f"{r['similarity']:.0%}"
        r["+words"], r["-words"] = r["added_words"], r["removed_words"]
        r["flags"] = "; ".join(r["flags"])
    table(
        rows,
        ["article_id", "published_at", "delay", "outlet", "similarity", "+words", "-words", "url", "flags"],
        widths={"url": 60, "flags": 60},
    )
    return 0


def seeds_remove(args: argparse.Namespace) -> int:
    async def work(pool: Any, settings: Any) -> list[int]:
        async with pool.connection() as conn:
            return await seeds.remove(conn, args.id)

    freed = _with_pool(work)
    print(f"removed seed {args.id}; its {len(freed)} copies are ordinary articles again (each decided anew)")
    return 0
