"""Printing rows as a table, JSON lines or CSV."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Any, TextIO


def jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    return value


def table(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[str],
    out: TextIO = sys.stdout,
    widths: dict[str, int] | None = None,
) -> None:
    widths = widths or {}

    def cell(v: Any, col: str) -> str:
        text = "" if v is None else ", ".join(map(str, v)) if isinstance(v, list) else str(jsonable(v))
        text = " ".join(text.split())
        limit = widths.get(col, 60)
        return text if len(text) <= limit else text[: limit - 1] + "…"

    cells = [[cell(r.get(c), c) for c in columns] for r in rows]
    size = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(columns)]
    out.write("  ".join(c.upper().ljust(size[i]) for i, c in enumerate(columns)).rstrip() + "\n")
    for row in cells:
        out.write("  ".join(v.ljust(size[i]) for i, v in enumerate(row)).rstrip() + "\n")


def jsonl(rows: Sequence[dict[str, Any]], out: TextIO = sys.stdout) -> None:
    for r in rows:
        out.write(json.dumps(jsonable(r), ensure_ascii=False) + "\n")


def csv_rows(rows: Sequence[dict[str, Any]], columns: Sequence[str], out: TextIO = sys.stdout) -> None:
    writer = csv.writer(out)
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
