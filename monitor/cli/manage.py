"""Managing what is watched and who is told: sources, keywords, subscribers."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from rich.text import Text

from monitor import config, opml, runtime, sources_check, validate
from monitor.cli import args as parse
from monitor.cli import output
from monitor.cli.output import Col, interval, jsonl, table
from monitor.errors import UsageError
from monitor.service import database
from monitor.store import keywords, sources, subscribers


def register(sub: Any) -> None:
    p = sub.add_parser("sources", help="manage sources")
    s = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    q = s.add_parser("list", help="sources with their health, failing ones first")
    q.add_argument("--format", choices=["table", "jsonl"], default="table")
    q.set_defaults(handler=sources_list)
    q = s.add_parser("add", help="add a source")
    q.add_argument("name")
    q.add_argument("url", type=parse.web_url)
    q.add_argument(
        "--kind",
        help="feed (RSS, Atom, JSON Feed), sitemap (a news sitemap, sitemap index or robots.txt naming one), "
        "or spider:trend (a Trend section listing); default: what the URL turns out to be (a web page "
        "that declares one feed gives that feed)",
    )
    q.add_argument("--every", type=parse.every, default=900, help="poll interval: 15m, 1h, … (default 15m)")
    q.add_argument(
        "--lang",
        type=parse.language,
        help="the source's usual language, an ISO 639-1 code (en, ru, az), used when a page does not tell",
    )
    q.add_argument(
        "--no-check", action="store_true", help="add it without fetching it now (the first poll tells what it is)"
    )
    q.set_defaults(handler=sources_add)
    q = s.add_parser("import", help="add the feeds of an OPML file (sources that exist are left alone)")
    q.add_argument("file", type=Path, metavar="FILE.opml")
    q.add_argument("--no-check", action="store_true", help="add them without fetching each once first")
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
    q.add_argument("--name", help="a short name (default: the query's first words)")
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
    q.add_argument(
        "--every",
        choices=subscribers.EVERY,
        default="daily",
        help="how often: asap (as soon as something is new), hourly, daily (default, at --at), "
        "weekly (at --at on --day)",
    )
    q.add_argument("--day", help="weekly: the day of the week (monday … sunday, or mon; default monday)")
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
        r["state"] = sources.state(r)
    rows.sort(key=lambda r: (r["state"] != "failing", r["name"]))  # what needs a look comes first
    if args.format == "jsonl":
        jsonl(rows)
        return 0
    for r in rows:
        r["source"] = Text(r["name"], style="bold")
        r["source"].append(
            f"\n{r['kind']} {r['url']}" + (f" · in {r['category']}" if r["category"] else ""), style="dim"
        )
        if r["last_error"]:
            r["source"].append(f"\nlast error: {r['last_error']}", style="red")
        if r["state"] == "failing":
            r["state"] = f"failing ×{r['consecutive_failures']}"
        r["every"] = interval(r["interval_s"])  # the interval set; the adapted one is in --format jsonl
    table(
        rows,
        [
            Col("source", wrap=True, min_width=24),
            Col("state"),
            Col("every"),
            Col("articles_24h", "24h"),
            Col("last_success_at", "last success"),
            Col("next_poll_at", "next poll"),
        ],
        spaced=True,
    )
    return 0


def sources_import(args: argparse.Namespace) -> int:
    try:
        data = args.file.read_bytes()
    except OSError as exc:
        raise UsageError(f"sources import: cannot read {args.file}: {exc.strerror}") from None
    opml.checked(opml.read(data))  # a file that cannot be imported is refused before the database is touched
    settings = None if args.no_check else config.load()

    async def work(conn: Any) -> tuple[int, int]:
        with output.progress("checking feeds") as bar:
            return await opml.load(conn, data, settings, lambda done, total: bar.update(completed=done, total=total))

    added, present = _with_db(work)
    print(f"imported {args.file}: {added} source(s) added, {present} already present")
    return 0


def sources_export(args: argparse.Namespace) -> int:
    print(opml.write(_with_db(sources.list_all)), end="")
    return 0


def sources_add(args: argparse.Namespace) -> int:
    # the fields are checked before anything is fetched or the database touched
    name, url, kind, every, lang = sources.checked(args.name, args.url, args.kind or "feed", args.every, args.lang)
    settings = config.load()

    async def work(conn: Any) -> tuple[dict, str]:
        found = "not checked (--no-check)"
        if not args.no_check:
            verdict = await sources_check.check(conn, settings, name, url, args.kind)
            url_added, kind_added, found = verdict.url, verdict.kind, verdict.found
        else:
            url_added, kind_added = url, kind
        return await sources.add(conn, name, url_added, kind_added, every, lang), found

    row, found = _with_db(work)
    print(
        f"added source {row['name']} ({row['url']}, {row['kind']}): {found}; "
        f"polled every {validate.interval_text(row['interval_s'])}"
    )
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
    table(_with_db(keywords.list_all), [Col("name", wrap=True), Col("query", wrap=True), Col("articles")])
    return 0


def _print_examples(examples: list) -> None:
    for e in examples:
        when = e["published_at"].date().isoformat() if e["published_at"] else "?"
        print(f"  {when}  {e['source']}: {e['title']}")


def keywords_add(args: argparse.Namespace) -> int:
    keywords.checked(args.query)  # a malformed query is refused before the database is touched
    name = validate.keyword_name(args.name, args.query)

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
        if r.get("every") in ("asap", "hourly"):
            r["at"] = r["every"]
        elif r.get("every") == "weekly":
            r["at"] = f"{subscribers.DAYS[r['send_day'] or 0][:3]} {r['at']}"
        r["state"] = ("active" if r["active"] else "unsubscribed") + (", empty days too" if r["send_empty"] else "")
        r["state"] += ", edits and takedowns too" if r.get("changes") else ""
        if r["active"] and r["receives_nothing"]:
            r["state"] = "receives nothing: no keyword to match"
    table(
        rows,
        [
            Col("email", wrap=True, min_width=20),
            Col("keywords", wrap=True),
            Col("at"),
            Col("lang"),
            Col("state", wrap=True),
            Col("last_sent", "last sent", wrap=True),
        ],
    )
    return 0


def subscribers_add(args: argparse.Namespace) -> int:
    names = [k.strip() for k in args.keywords.split(",") if k.strip()] if args.keywords else None
    row = _with_db(
        lambda c: subscribers.add(
            c,
            args.email,
            names,
            args.at,
            args.tz,
            args.empty,
            args.lang,
            args.changes,
            args.seed_copies,
            args.every,
            args.day,
        )
    )
    when = subscribers.schedule(row)
    print(
        f"subscribed {row['email']}: {when}, "
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
