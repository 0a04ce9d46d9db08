"""`newswatch`: one command, a subcommand per task. Exit 0 on success, 1 on a runtime failure,
2 on a usage error, always with a one-line message on stderr."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from monitor import __version__, logs
from monitor.cli import archive, backfill, channels, evidence, manage, seeds, service, show, stories, upkeep, web
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
    show.register(sub)
    seeds.register(sub)
    backfill.register(sub)
    evidence.register(sub)
    evidence.register_recheck(sub)
    upkeep.register(sub)
    web.register(sub)
    channels.register(sub)
    channels.register_alerts(sub)
    return parser


def _closed_pipe() -> int:
    """The reader went away (`newswatch search | head`): that is not a failure. Whatever is still
    buffered goes nowhere, so Python's own flush at exit says nothing either."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        logs.configure(args.verbose, args.log_format)
        status = int(args.handler(args) or 0)
        sys.stdout.flush()  # here, so that a closed pipe is seen while we can still say nothing
        return status
    except NewswatchError as exc:
        print(f"newswatch: {exc}", file=sys.stderr)
        return exc.exit_status
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return _closed_pipe()
    except Exception as exc:  # a bug or an unforeseen failure: still one line, the traceback with -v
        if "-v" in (argv or sys.argv) or "--verbose" in (argv or sys.argv):
            raise
        print(f"newswatch: unexpected error: {type(exc).__name__}: {exc} (run with -v for details)", file=sys.stderr)
        return 1
