"""The WARC folder: records as warcio reads them, one writer per file, torn tails cut back."""

from __future__ import annotations

import gzip
import io
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from monitor.evidence import files, warc

AT = datetime(2024, 2, 7, 12, 30, 0, 123456, tzinfo=UTC)


def exchange(path: str, status: int = 200, body: bytes = b"<html><p>Turnout passed sixty percent.</p></html>"):
    return warc.Exchange(
        url=f"https://outlet.example/{path}",
        method="GET",
        request_headers=(("User-Agent", "Newswatch/test"), ("Accept-Encoding", "gzip")),
        status=status,
        protocol="HTTP/1.1",
        response_headers=(("Content-Type", "text/html; charset=utf-8"), ("ETag", '"abc"')),
        body=body,
        ip="192.0.2.7",
        at=AT,
    )


def test_records_of_a_redirected_fetch_read_back_with_warcio() -> None:
    served = gzip.compress(b"<html>the page, gzip-encoded as the server sent it</html>")
    hop = replace(exchange("old"), status=301, body=b"", response_headers=(("Location", "/new"),))
    page = replace(exchange("new"), body=served, response_headers=(("Content-Encoding", "gzip"),))
    data, digest = warc.records([hop, page])
    recs = list(ArchiveIterator(io.BytesIO(data), check_digests=True))
    kinds = [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI")) for r in recs]
    assert kinds == [
        ("response", "https://outlet.example/old"),
        ("request", "https://outlet.example/old"),
        ("response", "https://outlet.example/new"),
        ("request", "https://outlet.example/new"),
    ]
    assert recs[0].rec_headers.protocol == "WARC/1.1"
    assert recs[0].rec_headers.get_header("WARC-Date") == "2024-02-07T12:30:00.123456Z"
    assert recs[0].rec_headers.get_header("WARC-IP-Address") == "192.0.2.7"
    assert recs[1].rec_headers.get_header("WARC-Concurrent-To") == recs[0].rec_headers.get_header("WARC-Record-ID")
    assert recs[1].http_headers.get_header("Host") == "outlet.example"
    assert recs[1].http_headers.protocol == "GET"
    assert digest == recs[2].rec_headers.get_header("WARC-Payload-Digest") and digest.startswith("sha256:")
    final = warc.final_response(data)
    assert final.status == 200 and final.payload == served  # as sent: still gzip-encoded
    assert ("Content-Encoding", "gzip") in final.headers


def test_appends_are_readable_at_their_offsets_and_the_file_is_closed_cleanly(tmp_path: Path) -> None:
    w = files.WarcFiles(tmp_path)
    caps = []
    for n in range(3):
        data, digest = warc.records([exchange(f"a{n}")])
        name, offset = w.append(data)
        caps.append(warc.Capture(name, offset, len(data), digest))
    assert len({c.file for c in caps}) == 1
    assert files.in_use(tmp_path, caps[0].file)
    for n, c in enumerate(caps):
        assert warc.final_response(files.read(tmp_path, c)).uri == f"https://outlet.example/a{n}"
    w.close()
    assert not files.in_use(tmp_path, caps[0].file)
    assert [p.name for p in tmp_path.iterdir()] == [caps[0].file]  # no sidecar left
    with (tmp_path / caps[0].file).open("rb") as f:
        kinds = [r.rec_type for r in ArchiveIterator(f)]
    assert kinds == ["warcinfo"] + ["response", "request"] * 3


def test_files_rotate_by_size(tmp_path: Path) -> None:
    w = files.WarcFiles(tmp_path, rotate_bytes=2000)
    names = [w.append(warc.records([exchange(f"b{n}")])[0])[0] for n in range(4)]
    w.close()
    assert len(set(names)) > 1
    assert all(p.stat().st_size <= 2000 for p in tmp_path.glob("*.warc.gz"))


def test_writers_at_once_share_flushes_and_none_returns_before_its_bytes_are_on_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Eight threads append at once to a disk whose flush takes 5 ms: a capture comes back only once
    an fdatasync begun after its bytes were written has ended, and writers waiting together share one."""
    import os
    import threading
    import time

    flushed: dict[int, int] = {}  # inode -> bytes of the file on disk
    flushes = []
    real = os.fdatasync

    def slow(fd: int) -> None:
        size = os.fstat(fd).st_size
        time.sleep(0.005)
        real(fd)
        ino = os.fstat(fd).st_ino
        flushed[ino] = max(flushed.get(ino, 0), size)
        flushes.append(ino)

    monkeypatch.setattr(files.os, "fdatasync", slow)
    w = files.WarcFiles(tmp_path, rotate_bytes=40_000)
    late: list[str] = []
    caps: list[warc.Capture] = []

    def write(t: int) -> None:
        for n in range(25):
            data, digest = warc.records([exchange(f"t{t}-{n}")])
            name, offset = w.append(data)
            if flushed.get((tmp_path / name).stat().st_ino, 0) < offset + len(data):
                late.append(f"t{t}-{n}")
            caps.append(warc.Capture(name, offset, len(data), digest))

    threads = [threading.Thread(target=write, args=(t,)) for t in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    w.close()
    assert late == []
    assert len({c.file for c in caps}) > 1  # files rotated meanwhile
    assert len(flushes) < len(caps) * 0.6  # shared
    for c in caps:
        assert warc.final_response(files.read(tmp_path, c)).uri.startswith("https://outlet.example/t")


@pytest.mark.parametrize("keep", [1, 10, 0.25, 0.5, 0.9])
def test_a_torn_last_capture_is_cut_back_to_the_last_whole_record(tmp_path: Path, keep: float) -> None:
    w = files.WarcFiles(tmp_path)
    whole, _ = warc.records([exchange("whole")])
    torn, _ = warc.records([exchange("torn", body=b"x" * 5000)])
    name, _ = w.append(whole)
    w.close()
    path = tmp_path / name
    good = path.stat().st_size
    cut = int(keep) if keep >= 1 else int(len(torn) * keep)
    with path.open("ab") as f:  # what a writer killed mid-write leaves: part of a record, and its sidecar
        f.write(torn[:cut])
    (tmp_path / (name + files.OPEN)).touch()
    assert files.recover(tmp_path) in ([name], [])
    assert not (tmp_path / (name + files.OPEN)).exists()
    size = path.stat().st_size
    assert good <= size < good + len(torn)
    with path.open("rb") as f:
        assert [r.rec_type for r in ArchiveIterator(f)][0] == "warcinfo"  # reads to the end: no torn member


def test_a_live_writers_file_is_never_cut(tmp_path: Path) -> None:
    w = files.WarcFiles(tmp_path)
    name, _ = w.append(warc.records([exchange("live")])[0])
    size = (tmp_path / name).stat().st_size
    assert files.recover(tmp_path) == []
    assert (tmp_path / (name + files.OPEN)).exists() and (tmp_path / name).stat().st_size == size
    w.close()


def test_a_short_file_is_an_error_that_names_it(tmp_path: Path) -> None:
    with pytest.raises(OSError, match="ends before the capture"):
        (tmp_path / "f.warc.gz").write_bytes(b"abc")
        files.read(tmp_path, warc.Capture("f.warc.gz", 0, 10, "sha256:x"))


def _write_many(folder: str, tag: str, n: int, results: Any) -> None:
    out = []
    for i in range(n):
        data, _ = warc.records([exchange(f"{tag}/{i}")])
        name, offset = files.writer(Path(folder)).append(data)
        out.append((name, offset, len(data)))
    results.put((tag, out))  # and the process exits as a command does: its file is closed at exit


def test_processes_writing_one_folder_at_once_each_keep_a_file_of_their_own(tmp_path: Path) -> None:
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    results = ctx.Queue()
    procs = [ctx.Process(target=_write_many, args=(str(tmp_path), tag, 40, results)) for tag in ("p1", "p2")]
    for p in procs:
        p.start()
    got = dict(results.get(timeout=60) for _ in procs)
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    done = [got["p1"], got["p2"]]
    assert len({name for name, _, _ in done[0]}) == 1 and len({name for name, _, _ in done[1]}) == 1
    assert done[0][0][0] != done[1][0][0]
    for tag, spans in zip(("p1", "p2"), done, strict=True):
        for i, (name, offset, length) in enumerate(spans):
            capture = warc.Capture(name, offset, length, "")
            assert warc.final_response(files.read(tmp_path, capture)).uri == f"https://outlet.example/{tag}/{i}"
    for path in tmp_path.glob("*.warc.gz"):
        with path.open("rb") as f:
            assert [r.rec_type for r in ArchiveIterator(f)] == ["warcinfo"] + ["response", "request"] * 40
    assert not list(tmp_path.glob("*.open"))  # each closed its file cleanly on exit
