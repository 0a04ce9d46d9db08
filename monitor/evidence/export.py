"""`evidence export`: the captures of some articles, every version, in one WARC/1.1 file.

Each capture is copied byte for byte from the WARC folder (its records are gzip members, so the
file is a valid `.warc.gz` whatever was around them), after its records were read back and their
digests checked: an export never hands on evidence that does not match what was recorded.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from monitor.evidence import files, warc
from monitor.store.evidence import capture_of


class DamagedCapture(Exception):
    pass


@dataclass
class Exported:
    captures: int = 0
    bytes: int = 0
    articles: set[int] = field(default_factory=set)
    without: list[tuple[int, int | None]] = field(default_factory=list)  # (article, version) with no capture


def checked(folder: Path, row: dict[str, Any]) -> bytes:
    """The bytes of a version's capture, once its records read back with matching digests."""
    capture = capture_of(row)
    assert capture is not None
    data = files.read(folder, capture)
    try:
        final = warc.final_response(data)
    except Exception as exc:
        raise DamagedCapture(
            f"evidence: the capture of article {row['article_id']} version {row['n']} in {capture.file}"
            f" at {capture.offset} does not read back: {exc}"
        ) from None
    if final.payload_digest != capture.payload_digest:
        raise DamagedCapture(
            f"evidence: the capture of article {row['article_id']} version {row['n']} in {capture.file}"
            f" holds {final.payload_digest}, not the {capture.payload_digest} recorded"
        )
    return data


def export(folder: Path, rows: list[dict[str, Any]], target: Path) -> Exported:
    """Write the captures of `rows` (monitor.store.evidence.captures) to `target`, atomically."""
    done = Exported()
    target = target.resolve()
    fd, temp = tempfile.mkstemp(prefix=".export-", suffix=files.SUFFIX, dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(warc.warcinfo(target.name))
            for row in rows:
                if capture_of(row) is None:
                    done.without.append((row["article_id"], row["n"]))
                    continue
                data = checked(folder, row)
                out.write(data)
                done.captures += 1
                done.bytes += len(data)
                done.articles.add(row["article_id"])
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return done
