"""Evidence commands: `evidence export` (captures as one WARC file) and `recheck`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from monitor import config, runtime
from monitor.cli import output
from monitor.errors import NewswatchError, UsageError
from monitor.evidence.export import DamagedCapture, export
from monitor.service import database
from monitor.store import evidence


def register(sub: Any) -> None:
    p = sub.add_parser("evidence", help="the raw captures of articles (WARC)")
    s = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    q = s.add_parser(
        "export",
        help="write every capture of these articles, every version, into one WARC/1.1 file (gzip per record)",
    )
    q.add_argument("ids", nargs="+", type=_article_id, metavar="ID", help="article ids (see `newswatch search`)")
    q.add_argument("--warc", type=Path, required=True, metavar="FILE", help="the WARC file to write (FILE.warc.gz)")
    q.set_defaults(handler=evidence_export)


def _article_id(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not an article id: {text!r}")
    return int(text)


def evidence_export(args: argparse.Namespace) -> int:
    settings = config.load()
    if not args.warc.resolve().parent.is_dir():
        raise UsageError(f"evidence export: no folder {args.warc.resolve().parent} to write {args.warc.name} in")

    async def main() -> list[dict]:
        async with database(settings) as pool, pool.connection() as conn:
            rows, unknown = await evidence.captures(conn, list(dict.fromkeys(args.ids)))
            if unknown:
                raise UsageError(f"evidence export: no article {unknown[0]} (see `newswatch search`)")
            return rows

    rows = runtime.run(main)
    try:
        done = export(settings.warc_path, rows, args.warc)
    except (OSError, DamagedCapture) as exc:
        raise NewswatchError(str(exc)) from None
    for article_id, n in done.without:
        why = "stored before evidence was kept" if n is None else f"version {n}: removed by retention or never kept"
        print(f"article {article_id}: no capture ({why})", file=sys.stderr)
    if not done.captures:
        args.warc.unlink(missing_ok=True)
        raise NewswatchError("evidence export: none of these articles has a capture; nothing written")
    print(
        f"exported {done.captures} capture(s) of {len(done.articles)} article(s) to {args.warc}"
        f" ({done.bytes / 1024:.0f} KiB)"
    )
    return 0


def register_recheck(sub: Any) -> None:
    p = sub.add_parser(
        "recheck",
        help="fetch again now the articles whose re-check is due (or the ones named): unchanged, changed or removed",
    )
    p.add_argument("ids", nargs="*", type=_article_id, metavar="ID", help="article ids (default: every due one)")
    p.set_defaults(handler=recheck)


async def _recheck_batches(pool: Any, settings: config.Settings, ids: list[int], bar: output.Bar) -> list[Any]:
    """Claim (the named, or batch by batch the due), re-check, and hold the claims while at it;
    `bar` counts the articles answered out of those claimed so far."""
    from monitor import leases
    from monitor.evidence.rechecks import Outcome
    from monitor.store import rechecks
    from spiders.recheck import recheck as run_recheck

    outcomes: list[Any] = []
    while True:
        async with pool.connection() as conn:
            if ids:
                targets, busy = await rechecks.claim_named(conn, ids, settings.lease_s)
                outcomes += [Outcome(i, "skipped", "another worker is re-checking it") for i in busy]
            else:
                targets = await rechecks.claim_due(conn, settings.lease_s, BATCH)
        if not targets:
            return outcomes
        claimed = [t["article_id"] for t in targets]

        async def renew(claimed: list[int] = claimed) -> None:
            async with pool.connection() as conn:
                await rechecks.renew(conn, claimed, settings.lease_s)

        before = len(outcomes)
        bar.update(completed=before, total=before + len(targets))

        def heard(answered: int, before: int = before) -> None:
            bar.update(completed=before + answered)

        async with leases.renewed(renew, settings.lease_s):
            done = await run_recheck(pool, settings, targets, heard)
        outcomes += [done[i] for i in claimed]
        if ids:
            return outcomes


BATCH = 50  # articles claimed at a time: a share of the backlog for each worker


def recheck(args: argparse.Namespace) -> int:
    settings = config.load()

    async def main() -> list[Any]:
        async with database(settings) as pool:
            with output.progress("recheck") as bar:
                return await _recheck_batches(pool, settings, list(dict.fromkeys(args.ids)), bar)

    outcomes = runtime.run(main)
    for o in sorted(outcomes, key=lambda o: o.article_id):
        print(f"{o.article_id}: {o.outcome}" + (f" ({o.detail})" if o.detail else ""))
    if not outcomes and not args.ids:
        print("no re-check is due", file=sys.stderr)
    return 0
