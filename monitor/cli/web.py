"""`newswatch web`: the web UI and API alone, without polls or digests (e.g. a second front end).

With `--workers N`, N processes share one listening socket, each with its own event loop and
connection pool: Python runs one request's code at a time per process, so this is how the web
uses more than one core."""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import sys
import traceback
from typing import Any

from monitor import config, db, runtime
from monitor.errors import NewswatchError, UsageError
from monitor.service import database


def register(sub: Any) -> None:
    p = sub.add_parser("web", help="serve the web UI and JSON API alone (no polls, no digests)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--workers", type=int, default=1, help="processes serving requests (default 1; up to one per core)")
    p.set_defaults(handler=web)


def web(args: argparse.Namespace) -> int:
    settings = config.load()
    if args.workers < 1:
        raise UsageError("--workers: at least 1")
    sock = listen(args.host, args.port)
    print(f"newswatch: serving http://{args.host}:{args.port}/", file=sys.stderr, flush=True)
    if args.workers == 1:
        return runtime.run(lambda: serve(settings, sock))
    db.database_url(settings)  # start the embedded server (if it is the one) before the workers join it
    children = []
    for _ in range(args.workers):
        pid = os.fork()
        if pid == 0:  # a worker: its own reactor, loop and pool
            status = 1
            try:
                status = runtime.run(lambda: serve(settings, sock))
            except NewswatchError as exc:  # said once per worker, as `main` would
                print(f"newswatch: {exc}", file=sys.stderr, flush=True)
                status = exc.exit_status
            except KeyboardInterrupt:  # SIGTERM or Ctrl-C before it began to serve: a clean stop
                status = 0
            except BaseException:  # said, not lost in os._exit
                traceback.print_exc()
            finally:
                os._exit(status)
        children.append(pid)

    stopping = []

    def forward(signum: int, frame: Any) -> None:
        stopping.append(signum)
        for pid in children:
            os.kill(pid, signum)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    codes = [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in children]
    # uvicorn shuts down gracefully, then re-raises the signal it was stopped by: that is a clean stop
    return max(0 if stopping and code < 0 else code for code in codes)


def listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        raise UsageError(f"web: cannot listen on {host}:{port}: {exc.strerror}") from None
    sock.listen(2048)
    return sock


def server(app: Any) -> Any:
    """A uvicorn server for `app` that leaves SIGTERM and SIGINT to the process: uvicorn's own
    handling re-raises the signal once it is done, which ended the process before its exit
    handlers ran (the embedded PostgreSQL's among them)."""
    import uvicorn

    class Server(uvicorn.Server):
        @contextlib.contextmanager
        def capture_signals(self):  # type: ignore[no-untyped-def, override]
            yield

    return Server(uvicorn.Config(app, log_level="warning", lifespan="off"))


async def serve(settings: config.Settings, sock: socket.socket) -> int:
    import asyncio

    from monitor.web.app import create_app

    async with database(settings) as pool:
        web = server(create_app(pool, None, settings))
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, lambda: setattr(web, "should_exit", True))
        await web.serve(sockets=[sock])
    return 0
