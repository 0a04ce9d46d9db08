"""`newswatch show ID`: one article as the article page shows it: what it says, its story, its
copies and the evidence of its fetch."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from typing import Any

from monitor import config, runtime
from monitor.cli.output import Col, jsonable, moment, stdout_console, table
from monitor.errors import UsageError
from monitor.service import database
from monitor.store import article_reads


def register(sub: Any) -> None:
    p = sub.add_parser("show", help="one article: its text, story, copies and evidence")
    p.add_argument("id", type=_article_id, metavar="ID", help="the article's id (as `search` shows it)")
    p.add_argument("--format", choices=["text", "json"], default="text", help="text for people, json for scripts")
    p.set_defaults(handler=show)


def _article_id(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) < 2**63:
        raise UsageError(f"show: not an article id: {text!r} (a whole number, as `newswatch search` shows)")
    return int(text)


def show(args: argparse.Namespace) -> int:
    settings = config.load()

    async def main() -> dict[str, Any] | None:
        async with database(settings) as pool, pool.connection() as conn:
            return await article_reads.article(conn, args.id)

    a = runtime.run(main)
    if a is None:
        raise UsageError(f"show: no article {args.id} (see `newswatch search`)")
    if args.format == "json":
        a.pop("folded", None)
        print(json.dumps(jsonable(a), ensure_ascii=False, indent=2))
        return 0
    width = min(stdout_console().width, 100)
    out = sys.stdout
    out.write(f"{a['title'] or '(untitled)'}\n")
    facts = [
        f"#{a['id']} · {a['source']}",
        f"published {moment(a['published_at'], never='?')}",
        f"fetched {moment(a['fetched_at'])}",
    ]
    if a["lang"]:
        facts.append(f"language {a['lang']}")
    out.write(" · ".join(facts) + "\n")
    out.write(f"{a['url']}\n")
    if a["duplicate_of"]:
        what = "seed copy" if a["seed_duplicate"] else "copy"
        similar = f" ({a['similarity']:.0%})" if a["similarity"] is not None else ""
        out.write(f"{what} of #{a['duplicate_of']}{similar}\n")
    if a["keywords"]:
        out.write(f"keywords: {', '.join(a['keywords'])}\n")
    out.write("\n")
    for paragraph in (a["text"] or "").split("\n"):
        if paragraph.strip():
            out.write(textwrap.fill(paragraph.strip(), width) + "\n\n")

    if a["story"]:
        outlets = len({m["outlet"] for m in a["story"]})
        out.write(f"Story #{a['story_id']}: {outlets} outlet{'s' if outlets != 1 else ''}\n")
        for m in a["story"]:
            m["role"] = (
                "original"
                if m["original"]
                else f"copy of #{m['duplicate_of']}"
                if m["duplicate_of"]
                else "seed"
                if m["is_seed"]
                else "own report"
            )
            m["here"] = "◀" if m["id"] == a["id"] else ""
        table(
            a["story"],
            [
                Col("id"),
                Col("outlet"),
                Col("lang"),
                Col("published_at", "published"),
                Col("role"),
                Col("title", wrap=True),
                Col("here", ""),
            ],
        )
        out.write("\n")
    if a["copies"]:
        out.write(f"Republications ({len(a['copies'])})\n")
        for c in a["copies"]:
            c["similarity"] = "" if c["similarity"] is None else f"{c['similarity']:.0%}"
        table(
            a["copies"],
            [Col("id"), Col("outlet"), Col("first_seen", "first seen"), Col("similarity"), Col("url", wrap=True)],
        )
        out.write("\n")
    out.write("Evidence\n")
    out.write(f"  fetched at  {a['fetched_at']:%Y-%m-%d %H:%M:%S %Z}\n" if a["fetched_at"] else "")
    out.write(f"  final URL   {a['final_url'] or ''}\n")
    out.write(f"  SHA-256     {a['raw_sha256'] or ''}\n")
    headers = a.get("fetch_headers") or {}
    out.write(f"  headers     {len(headers)} kept (--format json shows them)\n")
    return 0
