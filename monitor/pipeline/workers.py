"""CPU-heavy stages (HTML extraction) in a process pool, so that a crawl never stalls the event
loop that also serves the web UI, and extraction uses the second core instead of fighting the
loop for the GIL (see ../../DESIGN.md, "Process model").

`NEWSWATCH_EXTRACT_WORKERS` processes (default auto: one per core; each holds trafilatura, the
~100 MB language model and one database connection); 0 runs the stage in a thread of this process
instead. Each call understands one article and stores it (monitor.pipeline.ingest.store).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")

_pool: ProcessPoolExecutor | None = None


def _workers() -> int:
    from monitor import config

    wanted = config.load().extract_workers
    return config.cores() if wanted == "auto" else int(wanted)


def _executor() -> ProcessPoolExecutor | None:
    global _pool
    if _pool is None and _workers() > 0:
        # spawn, not fork: the parent runs an event loop and threads that must not be copied
        _pool = ProcessPoolExecutor(
            _workers(),
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(os.getpid(),),
        )
    return _pool


def _start_worker(parent: int) -> None:
    """A worker ignores SIGINT and SIGTERM (sent to the whole process group by Ctrl-C or systemd):
    the service stops it after finishing the work in hand. If the service (`parent`) dies without
    stopping it (SIGKILL, a crash), the worker notices that its parent is gone and exits, instead of
    holding its ~200 MB, and the service's stdout and stderr, for ever: it would otherwise wait on
    its task queue, which never tells it. The parent's pid is handed over, not read here: a service
    killed while a worker was still starting (a spawn takes a second or two) left the worker
    reading the pid of init as its parent's, and waiting for it to die
    (tests/e2e/test_evidence_durability.py hung on the dead poll's output, which it held open)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


async def run(fn: Callable[..., T], *args: Any) -> T:
    """`fn(*args)` in the worker pool (or a thread when workers are off); `fn` must be importable."""
    pool = _executor()
    if pool is None:
        return await asyncio.to_thread(fn, *args)
    return await asyncio.get_running_loop().run_in_executor(pool, fn, *args)
