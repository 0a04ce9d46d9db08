"""The WARC folder: append-only, size- and age-rotated `.warc.gz` files, one writer per file.

Several processes (workers, CLI commands) write into one folder at once, so each process writes
only files it created itself: a new file is created with O_EXCL, held under an exclusive `flock`
for as long as the process writes it, and marked by a `<file>.open` sidecar until it is closed
cleanly. A capture is appended in one write and flushed to disk (fdatasync) before the caller
commits the database row that points at it, so a row never points at bytes that are not there.

A process killed in the middle of a write leaves a torn last record and its sidecar behind. The
next writer in the folder (and `newswatch maintenance`) repairs such files: the sidecar of a file
nobody holds the lock of names a dead writer, and its file is cut back to the end of its last
complete gzip member. Nothing referenced is lost that way: a reference is only committed after its
bytes were complete on disk.

Test hook: with NEWSWATCH_TEST_CRASH_MID_CAPTURE=N set, the process kills itself (SIGKILL) after
writing half of its Nth capture. Only the crash test sets it; it is read here and nowhere else.
"""

from __future__ import annotations

import atexit
import fcntl
import os
import secrets
import signal
import socket
import threading
import time
import zlib
from datetime import UTC, datetime
from pathlib import Path

from monitor.evidence import warc

SUFFIX = ".warc.gz"
OPEN = ".open"  # sidecar: the file is (or was, if its writer died) being written
ROTATE_BYTES = 1 << 30  # 1 GiB, the size WARC tools commonly cut files at
ROTATE_S = 24 * 3600  # and at least daily, so retention can remove a quiet writer's old captures
CRASH_HOOK = "NEWSWATCH_TEST_CRASH_MID_CAPTURE"


class _Open:
    """One file being written: its descriptor, and how much of it is written and on disk."""

    def __init__(self, fd: int, name: str, size: int):
        self.fd, self.name = fd, name
        self.size = self.synced = size  # bytes written whole; bytes flushed to disk
        self.closed = False
        self.syncing = threading.Lock()  # one fdatasync of this file at a time


class WarcFiles:
    """The file this process appends to in one WARC folder (thread-safe)."""

    def __init__(self, folder: Path, rotate_bytes: int = ROTATE_BYTES, rotate_s: float = ROTATE_S):
        self.folder = folder
        self.rotate_bytes = rotate_bytes
        self.rotate_s = rotate_s
        self._lock = threading.Lock()
        self._file: _Open | None = None
        self._opened = 0.0
        self._captures = 0

    def append(self, data: bytes) -> tuple[str, int]:
        """Write `data` (whole gzip members) at the end of the current file and flush it to disk;
        returns (file name, offset) once its bytes are on disk.

        The flush is shared: writers that wrote while another's fdatasync ran are covered by the
        next one, together. Each capture waiting for its own fdatasync under the write lock made
        captures the one queue of a busy poll (bench/ingest.py: 9 ms each with PostgreSQL
        flushing on the same disk)."""
        with self._lock:
            if self._file is None or self._full(len(data)):
                self._rotate()
            f = self._file
            assert f is not None
            offset = f.size
            self._captures += 1
            _maybe_crash(f.fd, data, self._captures)
            _write_all(f.fd, data)
            f.size += len(data)
            end = f.size
        with f.syncing:
            if f.synced < end and not f.closed:  # else a flush since (or the close) covered it
                written = f.size  # every byte up to here is written whole (sizes move after a write)
                os.fdatasync(f.fd)
                f.synced = written
        return f.name, offset

    def _full(self, more: int) -> bool:
        assert self._file is not None
        return self._file.size + more > self.rotate_bytes or time.monotonic() - self._opened > self.rotate_s

    def _rotate(self) -> None:
        self._close()
        self.folder.mkdir(parents=True, exist_ok=True)
        recover(self.folder)  # a writer that died here before us left a torn record: cut it first
        stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
        name = f"newswatch-{stamp}-{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(3)}{SUFFIX}"
        fd = os.open(self.folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND, 0o644)
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # before the sidecar: see recover()
        (self.folder / (name + OPEN)).touch()
        head = warc.warcinfo(name)
        _write_all(fd, head)
        os.fdatasync(fd)
        _sync_folder(self.folder)
        self._file, self._opened = _Open(fd, name, len(head)), time.monotonic()

    def _close(self) -> None:
        f = self._file
        if f is None:
            return
        with f.syncing:  # what its writers wrote is on disk before it closes: their flush is this one
            os.fdatasync(f.fd)
            f.synced, f.closed = f.size, True
            # the sidecar goes first, while the lock is held: no one may take the file for a dead one's
            (self.folder / (f.name + OPEN)).unlink(missing_ok=True)
            os.close(f.fd)
        self._file = None

    def close(self) -> None:
        with self._lock:
            self._close()


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _sync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _maybe_crash(fd: int, data: bytes, nth: int) -> None:
    wanted = os.environ.get(CRASH_HOOK)
    if wanted and int(wanted) == nth:
        _write_all(fd, data[: len(data) // 2])
        os.fdatasync(fd)
        os.kill(os.getpid(), signal.SIGKILL)


def complete_length(path: Path) -> int:
    """How many leading bytes of the file are whole gzip members (a torn last one excluded)."""
    good = 0
    with path.open("rb") as f:
        member = zlib.decompressobj(31)
        fed = 0  # bytes of the current member read so far
        while chunk := f.read(1 << 20):
            data = chunk
            while data:
                try:
                    member.decompress(data)  # output dropped; a member is one record, at most a capped body
                except zlib.error:
                    return good
                if member.eof:
                    rest = member.unused_data
                    good += fed + len(data) - len(rest)
                    fed, data = 0, rest
                    member = zlib.decompressobj(31)
                else:
                    fed += len(data)
                    data = b""
    return good


def recover(folder: Path) -> list[str]:
    """Repair the files of writers that died: cut each back to its last complete record and drop
    its sidecar. Files whose writer is alive (it holds the lock) are left alone. Returns the names
    of the files that were cut."""
    cut = []
    for sidecar in sorted(folder.glob("*" + SUFFIX + OPEN)):
        path = sidecar.with_name(sidecar.name.removesuffix(OPEN))
        try:
            fd = os.open(path, os.O_RDWR)
        except FileNotFoundError:
            sidecar.unlink(missing_ok=True)
            continue
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # its writer is alive
            if not sidecar.exists():
                continue  # closed cleanly between our glob and our lock
            good = complete_length(path)
            if good < os.fstat(fd).st_size:
                os.ftruncate(fd, good)
                os.fsync(fd)
                cut.append(path.name)
            sidecar.unlink(missing_ok=True)
        finally:
            os.close(fd)
    return cut


def in_use(folder: Path, name: str) -> bool:
    """Whether a live writer holds this file (it is being appended to)."""
    path = folder / name
    if not (folder / (name + OPEN)).exists():
        return False
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # closing drops a lock we took
    return False


def read(folder: Path, capture: warc.Capture) -> bytes:
    """The bytes of a capture's records; an error that names the file when they are not all there."""
    path = folder / capture.file
    try:
        with path.open("rb") as f:
            f.seek(capture.offset)
            data = f.read(capture.length)
    except OSError as exc:
        raise OSError(f"evidence: cannot read {path}: {exc.strerror or exc}") from None
    if len(data) != capture.length:
        raise OSError(f"evidence: {path} ends before the capture at offset {capture.offset} ({capture.length} bytes)")
    return data


_writers: dict[Path, WarcFiles] = {}
_writers_lock = threading.Lock()


def writer(folder: Path) -> WarcFiles:
    """This process's writer for `folder` (one per folder, shared by every crawl of the process)."""
    folder = folder.resolve()
    with _writers_lock:
        if folder not in _writers:
            _writers[folder] = WarcFiles(folder)
        return _writers[folder]


def write_capture(folder: Path, exchanges: tuple[warc.Exchange, ...]) -> warc.Capture:
    """Build the records of one fetch and append them, durably; where they lie."""
    data, digest = warc.records(exchanges)
    name, offset = writer(folder).append(data)
    return warc.Capture(name, offset, len(data), digest)


@atexit.register
def _close_all() -> None:
    with _writers_lock:
        for w in _writers.values():
            w.close()
