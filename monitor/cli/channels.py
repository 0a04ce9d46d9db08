"""`newswatch channels`: push notifications of new stories through Apprise URLs."""

from __future__ import annotations

import argparse
from typing import Any

from monitor.cli.manage import _with_db
from monitor.cli.output import Col, jsonl, table
from monitor.store import channels


def register(sub: Any) -> None:
    p = sub.add_parser("channels", help="push new stories to webhooks, Telegram, Slack, Matrix… (Apprise URLs)")
    s = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    q = s.add_parser("list", help="channels, their URLs masked")
    q.add_argument("--format", choices=["table", "jsonl"], default="table")
    q.set_defaults(handler=channels_list)
    q = s.add_parser("add", help="add a channel")
    q.add_argument("name")
    q.add_argument("url", metavar="APPRISE_URL", help="json://host:port/path, tgram://token/chat, slack://…, …")
    q.add_argument("--keywords", help="comma-separated keyword names (default: all keywords)")
    q.add_argument("--every", choices=channels.EVERY, default="asap", help="asap (default), hourly, daily (08:00 UTC)")
    q.add_argument(
        "--updates", action="store_true", help="also tell of a new outlet or language of a story told, at most hourly"
    )
    q.add_argument("--alerts", action="store_true", help="also send spikes of keywords and silences of sources")
    q.set_defaults(handler=channels_add)
    q = s.add_parser("send", help="write the messages due now and send every pending one (what `run` does)")
    q.set_defaults(handler=channels_send)
    q = s.add_parser("remove", help="remove a channel")
    q.add_argument("name")
    q.set_defaults(handler=channels_remove)


def shown(row: dict[str, Any]) -> dict[str, Any]:
    """A channel as it may be shown: the URL masked (alerts.channels.mask), never whole."""
    from alerts.channels import mask

    out = {k: v for k, v in row.items() if k not in ("url", "id", "all_keywords")}
    out["url"] = mask(row["url"])
    return out


def channels_list(args: argparse.Namespace) -> int:
    rows = [shown(r) for r in _with_db(channels.list_all)]
    if args.format == "jsonl":
        jsonl(rows)
        return 0
    for r in rows:
        r["keywords"] = ", ".join(r["keywords"]) if r["keywords"] is not None else "all"
        r["also"] = ", ".join(k for k in ("updates", "alerts") if r[k])
        r["state"] = f"{r['sent']} sent, {r['pending']} pending, {r['failed']} failed"
    table(
        rows,
        [
            Col("name", wrap=True),
            Col("url", wrap=True),
            Col("keywords", wrap=True),
            Col("every"),
            Col("also"),
            Col("state"),
            Col("last_error", "last error", wrap=True),
        ],
    )
    return 0


def channels_add(args: argparse.Namespace) -> int:
    from alerts.channels import checked_url, mask

    url = checked_url(args.url)
    names = [k.strip() for k in args.keywords.split(",") if k.strip()] if args.keywords else None
    row = _with_db(lambda c: channels.add(c, args.name, url, names, args.every, args.updates, args.alerts))
    print(
        f"added channel {row['name']} ({mask(url)}): {row['every']}, keywords: {', '.join(names) if names else 'all'}"
    )
    return 0


def channels_remove(args: argparse.Namespace) -> int:
    _with_db(lambda c: channels.remove(c, args.name))
    print(f"removed channel {args.name}")
    return 0


def channels_send(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from alerts import channels as sender
    from monitor import config, runtime
    from monitor.service import database

    settings = config.load()

    async def main() -> tuple[int, int]:
        async with database(settings) as pool:
            written = await sender.prepare_due(pool, settings, datetime.now(UTC))
            return written, await sender.send_pending(pool, settings)

    written, sent = runtime.run(main)
    print(f"channels: {written} messages written, {sent} sent")
    return 0


def register_alerts(sub: Any) -> None:
    p = sub.add_parser("alerts", help="what fired: spikes of keywords, silences of sources")
    p.add_argument("--format", choices=["table", "jsonl"], default="table")
    p.add_argument("--check", action="store_true", help="judge the last hour and the sources now, first")
    p.set_defaults(handler=alerts_list)


def alerts_list(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from alerts import anomalies
    from monitor import config, runtime
    from monitor.service import database
    from monitor.store import alerts as alert_store

    settings = config.load()

    async def main() -> list[dict[str, Any]]:
        async with database(settings) as pool:
            if args.check:
                await anomalies.evaluate(pool, settings, datetime.now(UTC))
            async with pool.connection() as conn:
                return await alert_store.recent(conn)

    rows = runtime.run(main)
    if args.format == "jsonl":
        jsonl([{k: r[k] for k in ("kind", "subject", "at", "detail", "ended_at")} for r in rows])
        return 0
    table(rows, [Col("kind"), Col("subject", wrap=True), Col("at"), Col("detail", wrap=True), Col("ended_at", "ended")])
    return 0
