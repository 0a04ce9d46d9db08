"""Retention of raw captures (NEWSWATCH_EVIDENCE_DAYS): the captures of fetches older than that go,
with their references; nothing referenced and newer is touched.

WARC files are append-only, so a file is removed whole: when every capture it holds is old, its
references are cleared and it is deleted; when it also holds newer captures, those are first
copied byte for byte into a new file and their references moved there, in one transaction, and
only then is the old file deleted. A crash in between leaves at worst a file nobody references
(removed on a later run once it is old), never a reference to bytes that are gone. Files a live
writer holds are left for a later run (writers rotate daily, so none stays in use for long).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from psycopg import AsyncConnection

from monitor.evidence import files
from monitor.store import evidence


@dataclass
class Retained:
    captures: int = 0  # captures removed
    files: int = 0  # files deleted
    freed: int = 0  # bytes
    repaired: int = 0  # files of dead writers cut back to their last whole record


def _copy(folder: Path, rows: list[dict[str, Any]]) -> dict[int, tuple[str, int]]:
    """The spans of `rows` appended to a new file of the folder; version id → (file, offset)."""
    writer = files.WarcFiles(folder)
    moved = {}
    try:
        for r in rows:
            with (folder / r["warc_file"]).open("rb") as f:
                f.seek(r["warc_offset"])
                data = f.read(r["warc_length"])
            if len(data) != r["warc_length"]:
                raise OSError(f"evidence: {r['warc_file']} ends before the capture at offset {r['warc_offset']}")
            moved[r["id"]] = writer.append(data)
    finally:
        writer.close()
    return moved


async def retain(conn: AsyncConnection[Any], folder: Path, days: int) -> Retained:
    """Repair the files of dead writers, then (with `days`) remove the captures older than that."""
    done = Retained()
    if not folder.is_dir():
        return done
    done.repaired = len(await asyncio.to_thread(files.recover, folder))
    if not days:
        return done
    by_file: dict[str, list[dict[str, Any]]] = {}
    for row in await evidence.captures_in_files_with_old(conn, days):
        by_file.setdefault(row["warc_file"], []).append(row)
    for name, rows in sorted(by_file.items()):
        path = folder / name
        if not path.is_file() or files.in_use(folder, name):
            continue
        keep = [r for r in rows if not r["old"]]
        old = [r["id"] for r in rows if r["old"]]
        moved = await asyncio.to_thread(_copy, folder, keep) if keep else {}
        async with conn.transaction():
            await evidence.drop_captures(conn, name, old)
            await evidence.move_captures(conn, name, moved)
        size = path.stat().st_size
        path.unlink()
        done.captures += len(old)
        done.files += 1
        done.freed += size - sum(r["warc_length"] for r in keep)
    # files that no reference points at (records of saves that lost a race, a crash's leftovers)
    referenced = await evidence.referenced_files(conn)
    horizon = time.time() - days * 86400
    for path in sorted(folder.glob("*" + files.SUFFIX)):
        if path.name in referenced or files.in_use(folder, path.name) or path.stat().st_mtime >= horizon:
            continue
        done.freed += path.stat().st_size
        done.files += 1
        path.unlink()
    return done
