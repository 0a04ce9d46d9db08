"""What the CLI prints: tables for people (rich, fitted to the terminal's width or `COLUMNS`; into
a file or a pipe with no `COLUMNS`, each row on one line, so grep and cut see whole values; with
human times), JSON lines and CSV for scripts (unchanged by any of that), and progress bars on
stderr when it is a terminal."""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any, TextIO

from rich import box
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from monitor import validate


def jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    return value


def moment(value: datetime | None, now: datetime | None = None, never: str = "") -> str:
    """A time as a person reads it: "just now", "12 min ago", "in 3 h" within a day, else the UTC
    minute ("2024-02-06 08:00"); never seconds or microseconds."""
    if value is None:
        return never
    now = now or datetime.now(UTC)
    seconds = (now - value).total_seconds()
    ago, span = seconds >= 0, abs(seconds)
    if span < 60:
        return "just now"
    if span < 3600:
        amount = f"{int(span // 60)} min"
    elif span < 86400:
        amount = f"{int(span // 3600)} h"
    else:
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M")
    return f"{amount} ago" if ago else f"in {amount}"


def yes_no(value: Any) -> str:
    return "yes" if value else "no"


interval = validate.interval_text


@dataclass(frozen=True)
class Col:
    """A table column: `key` in each row, its `header`, and whether its text may wrap onto more
    lines (long text: titles, URLs, errors) or stays on one (ids, names, times)."""

    key: str
    header: str | None = None
    wrap: bool = False
    max_width: int | None = None
    style: str | None = None
    min_width: int | None = None


def _cell(value: Any) -> str | Text:
    if isinstance(value, Text):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, list | tuple):
        return ", ".join(map(str, value))
    if isinstance(value, datetime):
        return moment(value)
    return " ".join(str(jsonable(value)).split())


UNBOUNDED = 100_000  # columns of a table written to a file or a pipe without COLUMNS


def stdout_console(out: TextIO | None = None) -> Console:
    """A console on `out` (stdout): its width is the terminal's, or `COLUMNS`, else 80."""
    return Console(file=out or sys.stdout, highlight=False, soft_wrap=False, emoji=False)


def table(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[str | Col],
    out: TextIO | None = None,
    widths: dict[str, int] | None = None,
    spaced: bool = False,
) -> None:
    """Rows as a table no wider than the console. A plain `str` column stays on one line unless
    `widths` gives it a width, which lets it wrap. `spaced`: a blank line between rows (for rows
    of several lines)."""
    widths = widths or {}
    cols = [c if isinstance(c, Col) else Col(c, wrap=c in widths, max_width=widths.get(c)) for c in columns]
    console = stdout_console(out)
    grid = Table(
        box=box.SIMPLE_HEAD if console.is_terminal else None, pad_edge=False, show_edge=False, leading=int(spaced)
    )
    for c in cols:
        grid.add_column(
            (c.header or c.key).upper(),
            no_wrap=not c.wrap,
            overflow="fold" if c.wrap else "ellipsis",
            max_width=c.max_width,
            min_width=c.min_width,
            style=c.style,
            header_style="bold",
        )
    for r in rows:
        grid.add_row(*(_cell(r.get(c.key)) for c in cols))
    if console.is_terminal:
        console.print(grid)
        return
    # for a file or a pipe: plain text, without the spaces rich pads each line with, as wide as the
    # rows are unless COLUMNS asks for a width
    width = console.width if os.environ.get("COLUMNS", "").strip().isdigit() else UNBOUNDED
    buffer = io.StringIO()
    Console(file=buffer, width=width, color_system=None, highlight=False, emoji=False).print(grid)
    console.file.write("".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines()))


def jsonl(rows: Sequence[dict[str, Any]], out: TextIO | None = None) -> None:
    out = out or sys.stdout
    for r in rows:
        out.write(json.dumps(jsonable(r), ensure_ascii=False) + "\n")


def csv_rows(rows: Sequence[dict[str, Any]], columns: Sequence[str], out: TextIO | None = None) -> None:
    writer = csv.writer(out or sys.stdout)
    writer.writerow(columns)
    for r in rows:
        writer.writerow(
            [
                ""
                if r.get(c) is None
                else "; ".join(map(str, r[c]))
                if isinstance(r.get(c), list)
                else jsonable(r.get(c))
                for c in columns
            ]
        )


class Bar:
    """One long job's progress: `advance()`, `update(completed=…, total=…)`, `say(text)`. A no-op
    when stderr is not a terminal, so pipes and logs stay clean."""

    def __init__(self, progress: Progress | None, task: Any = None):
        self._progress, self._task = progress, task

    @property
    def active(self) -> bool:
        """Whether the bar is drawn (stderr is a terminal)."""
        return self._progress is not None

    def update(self, *, completed: float | None = None, total: float | None = None, note: str | None = None) -> None:
        if self._progress is not None:
            fields: dict[str, Any] = {} if note is None else {"note": note}
            self._progress.update(self._task, completed=completed, total=total, **fields)

    def advance(self, step: float = 1) -> None:
        if self._progress is not None:
            self._progress.advance(self._task, step)

    def say(self, note: str) -> None:
        if self._progress is not None:
            self._progress.update(self._task, note=note)


@contextmanager
def progress(what: str, total: float | None = None, err: TextIO | None = None) -> Iterator[Bar]:
    """A progress bar for `what` on stderr while the block runs (only on a terminal)."""
    err = err or sys.stderr
    if not err.isatty():
        yield Bar(None)
        return
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[note]}"),
        TimeElapsedColumn(),
        console=Console(file=err, highlight=False),
        transient=False,
    )
    with bar:
        yield Bar(bar, bar.add_task(what, total=total, note=""))
