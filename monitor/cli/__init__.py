"""`newswatch`: one command, a subcommand per task. Exit 0 on success, 1 on a runtime failure,
2 on a usage error, always with a one-line message on stderr."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn

from monitor import __version__, logs
from monitor.cli import archive, backfill, evidence, manage, seeds, service, stories, upkeep, web
from monitor.errors import NewswatchError, UsageError


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message} (see --help)")


def build_parser() -> Parser:
    parser = Parser(prog="newswatch", description="Watch what the press publishes about a topic.")
    parser.add_argument("--version", action="version", version=f"newswatch {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens, to stderr")
    parser.add_argument(
        "--log-format", choices=["text", "json"], default="text", help="log lines as text or one JSON object each"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=Parser)
    service.register(sub)
    manage.register(sub)
    archive.register(sub)
    stories.register(sub)
    seeds.register(sub)
    backfill.register(sub)
    evidence.register(sub)
    evidence.register_recheck(sub)
    upkeep.register(sub)
    web.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        logs.configure(args.verbose, args.log_format)
        return int(args.handler(args) or 0)
    except NewswatchError as exc:
        print(f"newswatch: {exc}", file=sys.stderr)
        return exc.exit_status
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug or an unforeseen failure: still one line, the traceback with -v
        if "-v" in (argv or sys.argv) or "--verbose" in (argv or sys.argv):
            raise
        print(f"newswatch: unexpected error: {type(exc).__name__}: {exc} (run with -v for details)", file=sys.stderr)
        return 1
