"""Commands that run the service: init, run, poll, digest, config."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import socket
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from monitor import config, runtime, seeds
from monitor.cli import output
from monitor.cli.args import email
from monitor.errors import UsageError
from monitor.service import database
from monitor.store import sources, subscribers


def register(sub: Any) -> None:
    p = sub.add_parser(
        "init", help="create or upgrade the schema and load the seeds, sources and keywords of the watch (idempotent)"
    )
    p.set_defaults(handler=init)

    p = sub.add_parser("run", help="the service: scheduled polls, daily digests and the web UI")
    p.add_argument("--once", action="store_true", help="poll every enabled source once, process everything, exit")
    p.add_argument("--no-web", action="store_true", help="run without the web server (a worker)")
    p.add_argument("--host", default="127.0.0.1", help="web server address (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="web server port (default 8000)")
    p.add_argument(
        "--log-format",
        choices=["text", "json"],
        default=argparse.SUPPRESS,
        help="log lines as text or one JSON object each (also accepted before `run`)",
    )
    p.set_defaults(handler=run)

    p = sub.add_parser("poll", help="poll now: every enabled source, or the named ones")
    p.add_argument("sources", nargs="*", metavar="SOURCE", help="source names (default: all enabled)")
    p.set_defaults(handler=poll)

    p = sub.add_parser("digest", help="preview or send digests")
    dsub = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    q = dsub.add_parser("preview", help="render the digest that would be sent now, without sending")
    q.add_argument("--subscriber", type=email, metavar="EMAIL", help="whose digest (default: the first subscriber)")
    q.add_argument("--html", type=Path, metavar="FILE", help="also write the HTML part to FILE")
    q.set_defaults(handler=digest_preview)
    q = dsub.add_parser("send", help="send the digests that are due now (or one subscriber's, now)")
    q.add_argument("--subscriber", type=email, metavar="EMAIL", help="send this subscriber's digest now")
    q.set_defaults(handler=digest_send)

    p = sub.add_parser("config", help="the effective settings, secrets masked")
    p.set_defaults(handler=show_config)


def init(args: argparse.Namespace) -> int:
    settings = config.load()

    watch = seeds.folder(settings)
    seeds.read(watch)  # a malformed file is refused before the database is touched

    async def main() -> seeds.Loaded:
        async with database(settings, upgrade=True) as pool:
            async with pool.connection() as conn:
                loaded = await seeds.load(conn, watch)
            await seeds.rewrite(pool, settings, loaded.withdrawn)
            return loaded

    loaded = runtime.run(main)
    print(
        f"schema current; seeds loaded: {loaded.articles} articles, {loaded.sources} sources, "
        f"{loaded.keywords} keywords added"
        + (f"; {loaded.copies} stored article(s) found reproducing the new seeds" if loaded.copies else "")
    )
    if loaded.updated:
        print(f"default keywords given this version's query (and matched again): {', '.join(loaded.updated)}")
    if loaded.kept:
        print(
            f"default keywords you changed, left as you wrote them: {', '.join(loaded.kept)} "
            "(the watch's keywords.toml has this version's query; `newswatch keywords edit NAME QUERY` to take it)"
        )
    return 0


def poll(args: argparse.Namespace) -> int:
    settings = config.load()
    from spiders.crawl import poll as poll_sources

    async def main() -> dict:
        async with database(settings) as pool:
            async with pool.connection() as conn:
                chosen = await sources.enabled(conn, args.sources)
            with output.progress("poll", total=len(chosen)) as bar:
                watching = asyncio.ensure_future(_answered(pool, [s["id"] for s in chosen], bar))
                try:
                    return await poll_sources(pool, settings, chosen)
                finally:
                    watching.cancel()

    stats = runtime.run(main)
    for name, st in stats.items():
        old = f", old {st.old}" if st.old else ""  # stored, published too long before: not news
        line = f"{name}: fetched {st.fetched}, new {st.new}{old}, duplicates {st.duplicates}, errors {len(st.errors)}"
        if st.errors:
            line += f" ({st.errors[0]})"
        print(line)
    return 0


async def _answered(pool: Any, source_ids: list[int], bar: output.Bar) -> None:
    """Move the poll's bar as its sources record their outcome (only drawn on a terminal)."""
    if not bar.active:
        return
    started = datetime.now(UTC)
    while True:
        async with pool.connection() as conn:
            bar.update(completed=await sources.polled_since(conn, source_ids, started))
        await asyncio.sleep(0.5)


def run(args: argparse.Namespace) -> int:
    from monitor import logs
    from monitor.cli.web import listen

    # the service says what it does, unlike one-shot commands; the libraries' tracebacks only with -v
    logs.configure(True, args.log_format, details=args.verbose)
    settings = config.load()
    # the port is taken before anything starts: a busy one is a one-line error (exit 2), not a
    # service that said "serving" and then died with uvicorn's own exit status
    sock = None if args.once or args.no_web else listen(args.host, args.port)
    return runtime.run(lambda: serve(settings, args, sock))


async def serve(settings: config.Settings, args: argparse.Namespace, sock: socket.socket | None = None) -> int:
    from alerts import delivery
    from monitor.cli.web import server as web_server
    from monitor.scheduler import Schedule
    from monitor.web.app import create_app
    from spiders.crawl import poll as poll_sources

    async with database(settings, upgrade=True) as pool:
        async with pool.connection() as conn:
            loaded = await seeds.load(conn, seeds.folder(settings))
        await seeds.rewrite(pool, settings, loaded.withdrawn)
        if args.once:
            async with pool.connection() as conn:
                chosen = await sources.enabled(conn)
            await poll_sources(pool, settings, chosen)
            await delivery.send_pending(pool, settings)
            return 0
        schedule = Schedule(pool, settings)
        schedule.start()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        server = None
        tasks = []
        if sock is not None:
            app = create_app(pool, lambda: schedule.alive, settings)
            server = web_server(app)  # the service handles SIGTERM/SIGINT itself, for everything on the loop
            tasks.append(asyncio.ensure_future(server.serve(sockets=[sock])))
            print(f"newswatch: serving http://{args.host}:{args.port}/", file=sys.stderr, flush=True)
        await stop.wait()
        logging.getLogger(__name__).warning("stopping: finishing the work in hand (at most 20 s)")
        if server is not None:
            server.should_exit = True
        await schedule.stop(grace_s=20)
        await asyncio.gather(*tasks, return_exceptions=True)
    return 0


def _subscriber_rows(emails: str | None) -> Any:
    async def rows(conn: Any) -> list[dict]:
        if emails:
            return [await subscribers.get(conn, emails)]
        return await subscribers.list_all(conn, active_only=True)

    return rows


def digest_preview(args: argparse.Namespace) -> int:
    settings = config.load()
    from alerts import delivery

    async def main() -> Any:
        async with database(settings) as pool:
            async with pool.connection() as conn:
                subs = await _subscriber_rows(args.subscriber)(conn)
            if not subs:
                return None
            return await delivery.build(pool, settings, subs[0], datetime.now(UTC))

    prepared = runtime.run(main)
    if prepared is None:
        print("nothing new for this subscriber", file=sys.stderr)
        return 0
    print(prepared.text)
    if args.html:
        args.html.write_text(prepared.html, encoding="utf-8")
    return 0


def digest_send(args: argparse.Namespace) -> int:
    settings = config.load()
    from alerts import delivery

    async def main() -> Any:
        now = datetime.now(UTC)
        async with database(settings) as pool:
            if not args.subscriber:
                await delivery.prepare_due(pool, settings, now)
                return await delivery.send_pending(pool, settings)
            async with pool.connection() as conn:
                sub = await subscribers.get(conn, args.subscriber)
            if not sub["active"]:
                raise UsageError(f"digest: {args.subscriber} has unsubscribed")
            await delivery.prepare(pool, settings, sub, now, once_per_day=False)
            return await delivery.send_pending(pool, settings, sub["id"])

    result = runtime.run(main)
    print(f"digests: {result.sent} sent, {result.deferred} deferred, {result.failed} failed")
    return 1 if result.failed else 0


def show_config(args: argparse.Namespace) -> int:
    settings = config.load()
    from monitor.cli.output import table

    table(
        [{"variable": v, "value": s, "from": o} for v, s, o in settings.shown()],
        ["variable", "value", "from"],
        widths={"value": 100},
    )
    return 0
