"""One event loop for everything: Twisted's asyncio reactor drives the asyncio loop, so Scrapy,
APScheduler, psycopg and uvicorn all run on it (see ../DESIGN.md, "Process model")."""

from __future__ import annotations

import asyncio
import signal
import threading
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

T = TypeVar("T")


def run(main: Callable[[], Awaitable[T]]) -> T:
    """Run `main()` to completion on the asyncio reactor and return its result (or raise)."""
    from scrapy.utils.reactor import install_reactor

    install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")
    from twisted.internet import defer
    from twisted.internet import reactor as _reactor

    reactor: Any = _reactor  # the installed AsyncioSelectorReactor; twisted's interfaces don't type it

    outcome: dict[str, Any] = {}

    def start() -> None:
        task = asyncio.ensure_future(main())

        def done(result: Any) -> None:
            outcome["result"] = result
            reactor.stop()

        def failed(failure: Any) -> None:
            outcome["error"] = failure.value
            reactor.stop()

        defer.Deferred.fromFuture(task).addCallbacks(done, failed)

    def terminated(signum: int, frame: Any) -> None:
        # SIGTERM would kill Python without its exit handlers, and the embedded PostgreSQL is
        # stopped by one of them (monitor.db.embedded): stop the reactor (and its threads) and
        # leave as for Ctrl-C. `run` and `web` handle SIGTERM themselves while they serve.
        outcome.setdefault("error", KeyboardInterrupt())
        reactor.callFromThread(reactor.stop)

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, terminated)
    reactor.callWhenRunning(start)
    reactor.run(installSignalHandlers=False)
    if "result" in outcome:  # done, even if a SIGTERM came as it finished (uvicorn re-raises it)
        return outcome["result"]  # type: ignore[no-any-return]
    raise outcome["error"]
