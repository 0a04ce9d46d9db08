"""An extract process ends when the service that started it is gone, even if the service was
killed before the process had finished starting (monitor.pipeline.workers._start_worker)."""

from __future__ import annotations

import multiprocessing
import os
import time

from monitor.pipeline import workers

SPAWN = multiprocessing.get_context("spawn")


def _started_then_idle(parent: int) -> None:
    workers._start_worker(parent)
    time.sleep(60)  # as a worker waiting on its task queue


def _gone_pid() -> int:
    ended = SPAWN.Process(target=time.sleep, args=(0,))
    ended.start()
    ended.join()
    assert ended.pid is not None
    return ended.pid


def test_a_worker_whose_service_died_before_it_started_exits() -> None:
    worker = SPAWN.Process(target=_started_then_idle, args=(_gone_pid(),))
    worker.start()
    worker.join(timeout=15)
    assert worker.exitcode == 0  # it exited by itself, within a second or two


def test_a_worker_whose_service_lives_keeps_waiting_for_work() -> None:
    worker = SPAWN.Process(target=_started_then_idle, args=(os.getpid(),))
    worker.start()
    try:
        worker.join(timeout=4)
        assert worker.is_alive()
    finally:
        worker.kill()  # it ignores SIGTERM, as a worker does
        worker.join()
