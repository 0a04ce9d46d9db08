"""Claims that outlive nobody: a worker holds a source's poll or a digest's send for a lease
(NEWSWATCH_LEASE_S) and renews it while it works, so a live worker keeps its work however long it
takes, and a dead one's work passes to another worker once the lease runs out."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

log = logging.getLogger(__name__)


@asynccontextmanager
async def renewed(renew: Callable[[], Awaitable[None]], lease_s: float) -> AsyncIterator[None]:
    """Run `renew()` every third of the lease while the block runs."""

    async def beat() -> None:
        while True:
            await asyncio.sleep(lease_s / 3)
            try:
                await renew()
            except Exception as exc:  # the database may be gone for a moment; the next beat tries again
                log.warning("could not renew a claim: %s", exc)

    task = asyncio.ensure_future(beat())
    try:
        yield
    finally:
        task.cancel()
