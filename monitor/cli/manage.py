"""Managing what is watched and who is told: sources, keywords, subscribers."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from monitor import config, opml, runtime
from monitor.cli import args as parse
from monitor.cli.output import table
from monitor.errors import UsageError
from monitor.service import database
from monitor.store import keywords, sources, subscribers


def register(sub: Any) -> None:
    p = sub.add_parser("sources", help="manage sources")
    s = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    s.add_parser("list", help="sources with their health").set_defaults(handler=sources_list)
    q = s.add_parser("add", help="add a source")
    q.add_argument("name")
    q.add_argument("url", type=parse.web_url)
    q.add_argument(
        "--kind",
        default="feed",
        help="feed (RSS, Atom, JSON Feed), sitemap (a news sitemap, sitemap index or robots.txt naming one), "
        "or spider:trend (a Trend section listing); default feed",
    )
    q.add_argument("--every", type=parse.every, default=900, help="poll interval: 15m, 1h, … (default 15m)")
    q.add_argument(
        "--lang", help="the source's usual language, an ISO 639-1 code (en, ru, az), used when a page does not tell"
    )
    q.set_defaults(handler=sources_add)
    q = s.add_parser("import", help="add the feeds of an OPML file (sources that exist are left alone)")
    q.add_argument("file", type=Path, metavar="FILE.opml")
    q.set_defaults(handler=sources_import)
    s.add_parser("export", help="write every source as OPML to stdout").set_defaults(handler=sources_export)
    for action, text in (
        ("remove", "remove a source (its articles stay)"),
        ("enable", "poll it again"),
        ("disable", "stop polling it"),
    ):
        q = s.add_parser(action, help=text)
        q.add_argument("name")
        q.set_defaults(handler=sources_change, change=action)

    p = sub.add_parser("keywords", help="manage watched keywords")
    s = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    s.add_parser("list", help="keywords and how many articles each matched").set_defaults(handler=keywords_list)
    q = s.add_parser("add", help='watch a query (words, "phrases", OR, -exclusion, prefix*, title: source: lang:)')
    q.add_argument("query")
    q.add_argument("--name", help="a short name (default: the query itself)")
    q.set_defaults(handler=keywords_add)
    q = s.add_parser("edit", help="give a keyword a new query (its matches are recomputed over the archive)")
    q.add_argument("name")
    q.add_argument("query")
    q.set_defaults(handler=keywords_edit)
    q = s.add_parser(
        "remove",
        help="stop watching a keyword (the articles stay); refused when it is some subscriber's only keyword",
    )
    q.add_argument("name")
    q.add_argument(
        "--force",
        action="store_true",
        help="remove it even if it is some subscribers' only keyword: they then receive every keyword",
    )
    q.set_defaults(handler=keywords_remove)

    p = sub.add_parser("subscribers", help="manage digest recipients")
    s = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    s.add_parser("list", help="subscribers").set_defaults(handler=subscribers_list)
    q = s.add_parser("add", help="add a recipient of the daily digest")
    q.add_argument("email", type=parse.email)
    q.add_argument("--keywords", help="comma-separated keyword names (default: all keywords)")
    q.add_argument("--at", type=parse.clock, default=parse.clock("08:00"), help="local send time (default 08:00)")
    q.add_argument("--tz", type=parse.zone, default="Asia/Baku", help="IANA time zone (default Asia/Baku)")
    q.add_argument("--empty", action="store_true", help="also send a digest on days with nothing new")
    q.add_argument(
        "--lang",
        type=parse.language,
        help="the language they read (ISO 639-1: en, ru, az, …): each story's headline in it when the story has "
        "an article in it (default: the original's headline)",
    )
    q.add_argument(
        "--changes",
        action="store_true",
        help="also tell, once each, of edits and takedowns of articles in stories this subscriber received",
    )
    q.add_argument(
        "--seed-copies",
        action="store_true",
        help="also list, in a short section, the republications of the seeds first seen since the previous digest",
    )
    q.set_defaults(handler=subscribers_add)
    q = s.add_parser("remove", help="remove a recipient")
    q.add_argument("email")
    q.set_defaults(handler=subscribers_remove)


def _with_db(work: Any) -> Any:
    settings = config.load()

    async def main() -> Any:
        async with database(settings) as pool, pool.connection() as conn:
            return await work(conn)

    return runtime.run(main)


def sources_list(args: argparse.Namespace) -> int:
    rows = _with_db(sources.list_all)
    for r in rows:
        r["every"] = f"{r['every_s'] // 60}m"
        r["state"] = "disabled" if not r["enabled"] else ("failing" if r["consecutive_failures"] else "ok")
        r["failures"] = r["consecutive_failures"]
        r["304"] = "" if r["share_304"] is None else f"{r['share_304']:.0%}"
        r["24h"] = r["articles_24h"]
    table(
        rows,
        [
            "name",
            "kind",
            "url",
            "every",
            "state",
            "articles",
            "24h",
            "304",
            "last_success_at",
            "failures",
            "next_poll_at",
            "last_error",
        ],
        widths={"url": 50, "last_error": 50},
    )
    return 0


def sources_import(args: argparse.Namespace) -> int:
    try:
        data = args.file.read_bytes()
    except OSError as exc:
        raise UsageError(f"sources import: cannot read {args.file}: {exc.strerror}") from None
    opml.checked(opml.read(data))  # a file that cannot be imported is refused before the database is touched
    added, present = _with_db(lambda c: opml.load(c, data))
    print(f"imported {args.file}: {added} source(s) added, {present} already present")
    return 0


def sources_export(args: argparse.Namespace) -> int:
    print(opml.write(_with_db(sources.list_all)), end="")
    return 0


def sources_add(args: argparse.Namespace) -> int:
    sources.checked(args.name, args.url, args.kind, args.every, args.lang)  # before the database is touched
    row = _with_db(lambda c: sources.add(c, args.name, args.url, args.kind, args.every, args.lang))
    print(f"added source {row['name']} ({row['url']}), polled every {row['interval_s'] // 60} min")
    return 0


def sources_change(args: argparse.Namespace) -> int:
    if args.change == "remove":
        _with_db(lambda c: sources.remove(c, args.name))
        print(f"removed source {args.name}; its articles stay in the archive")
    else:
        _with_db(lambda c: sources.set_enabled(c, args.name, args.change == "enable"))
        print(f"{args.change}d source {args.name}")
    return 0


def keywords_list(args: argparse.Namespace) -> int:
    table(_with_db(keywords.list_all), ["name", "query", "articles"], widths={"query": 80})
    return 0


def _print_examples(examples: list) -> None:
    for e in examples:
        when = e["published_at"].date().isoformat() if e["published_at"] else "?"
        print(f"  {when}  {e['source']}: {e['title']}")


def keywords_add(args: argparse.Namespace) -> int:
    name = args.name or args.query.strip()
    keywords.checked(args.query)  # a malformed query is refused before the database is touched

    async def work(conn: Any) -> tuple[int, list]:
        count, examples = await keywords.preview(conn, args.query)
        await keywords.add(conn, name, args.query)
        return count, examples

    count, examples = _with_db(work)
    print(f"added keyword {name!r}: it would have matched {count} article(s) of the last 30 days (by publication date)")
    _print_examples(examples)
    return 0


def keywords_edit(args: argparse.Namespace) -> int:
    keywords.checked(args.query)

    async def work(conn: Any) -> tuple[int, list]:
        await keywords.edit(conn, args.name, args.query)
        return await keywords.preview(conn, args.query)

    count, examples = _with_db(work)
    print(
        f"changed keyword {args.name!r}: it would have matched {count} article(s)"
        " of the last 30 days (by publication date)"
    )
    _print_examples(examples)
    return 0


def keywords_remove(args: argparse.Namespace) -> int:
    widened = _with_db(lambda c: keywords.remove(c, args.name, args.force))
    print(f"removed keyword {args.name}; matched articles stay in the archive")
    if widened:
        print(f"it was the only keyword of {', '.join(widened)}: they now receive every keyword")
    return 0


def subscribers_list(args: argparse.Namespace) -> int:
    rows = _with_db(subscribers.list_all)
    for r in rows:
        r["keywords"] = "(all)" if r["keywords"] is None else ", ".join(r["keywords"]) or "(none left)"
        r["at"] = f"{r['send_at'].strftime('%H:%M')} {r['tz']}"
        r["state"] = "active" if r["active"] else f"unsubscribed {r['unsubscribed_at'] or ''}".strip()
        if r["active"] and r["receives_nothing"]:
            r["state"] = "receives nothing: no keyword to match"
    table(rows, ["email", "keywords", "at", "lang", "send_empty", "changes", "state", "last_sent"])
    return 0


def subscribers_add(args: argparse.Namespace) -> int:
    names = [k.strip() for k in args.keywords.split(",") if k.strip()] if args.keywords else None
    row = _with_db(
        lambda c: subscribers.add(
            c, args.email, names, args.at, args.tz, args.empty, args.lang, args.changes, args.seed_copies
        )
    )
    print(
        f"subscribed {row['email']}: daily at {row['send_at'].strftime('%H:%M')} {row['tz']}, "
        f"keywords: {', '.join(names) if names else 'all'}{', also on empty days' if args.empty else ''}"
        f"{', headlines in ' + row['lang'] if row['lang'] else ''}"
        f"{', with edits and takedowns' if args.changes else ''}"
        f"{', with republications of the seeds' if args.seed_copies else ''}"
    )
    return 0


def subscribers_remove(args: argparse.Namespace) -> int:
    _with_db(lambda c: subscribers.remove(c, args.email))
    print(f"removed subscriber {args.email}")
    return 0
