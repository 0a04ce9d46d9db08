"""`newswatch web`: the web UI and API alone, without polls or digests (e.g. a second front end)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from monitor import config, runtime
from monitor.service import database


def register(sub: Any) -> None:
    p = sub.add_parser("web", help="serve the web UI and JSON API alone (no polls, no digests)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.set_defaults(handler=web)


def web(args: argparse.Namespace) -> int:
    settings = config.load()
    return runtime.run(lambda: serve(settings, args.host, args.port))


async def serve(settings: config.Settings, host: str, port: int) -> int:
    import uvicorn

    from monitor.web.app import create_app

    async with database(settings) as pool:
        app = create_app(pool, None, settings)
        server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="off"))
        print(f"newswatch: serving http://{host}:{port}/", file=sys.stderr, flush=True)
        await server.serve()
    return 0
