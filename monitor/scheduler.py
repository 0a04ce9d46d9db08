"""The schedule of `newswatch run`, as APScheduler jobs on the service's event loop.

Sources: every few seconds the due ones are claimed in the database (so several processes sharing
it never poll one source twice at once) and polled together. When each is due again is decided by
its poll's outcome in monitor.store.sources: the adaptive interval with jitter, or the back-off of a
failing source. Digests: one cron job per subscriber, reconciled with the database every minute so
that subscribers added through the CLI or the web are picked up."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger
from psycopg_pool import AsyncConnectionPool

from alerts import delivery, when
from monitor.config import Settings
from monitor.store import sources, subscribers
from spiders.crawl import poll

log = logging.getLogger(__name__)

RECONCILE_S = 60
POLL_TICK_S = 15


class Schedule:
    def __init__(self, pool: AsyncConnectionPool, settings: Settings):
        self.pool = pool
        self.settings = settings
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self.last_tick: datetime | None = None

    def start(self) -> None:
        self.scheduler.add_job(
            self.reconcile,
            IntervalTrigger(seconds=RECONCILE_S),
            id="reconcile",
            next_run_time=datetime.now(UTC),
            max_instances=1,
            coalesce=True,
        )
        self.scheduler.add_job(
            self.poll_due,
            IntervalTrigger(seconds=POLL_TICK_S),
            id="poll",
            next_run_time=datetime.now(UTC) + timedelta(seconds=POLL_TICK_S),
            max_instances=1,
            coalesce=True,
        )
        self.scheduler.add_job(
            self.send_due_digests,  # also the catch-up on start and retries of deferred sends
            IntervalTrigger(seconds=60),
            id="outbox",
            next_run_time=datetime.now(UTC),
            max_instances=1,
            coalesce=True,
        )
        self.scheduler.start()

    def shutdown(self) -> None:
        self.scheduler.shutdown(wait=False)

    @property
    def alive(self) -> bool:
        return bool(self.scheduler.running)

    async def reconcile(self) -> None:
        self.last_tick = datetime.now(UTC)
        async with self.pool.connection() as conn:
            subs = await subscribers.list_all(conn, active_only=True)
        wanted: dict[str, tuple[Any, Any, tuple]] = {}
        for sub in subs:
            at = sub["send_at"]
            wanted[f"digest:{sub['id']}:{at}:{sub['tz']}"] = (self.send_due_digests, when.trigger(at, sub["tz"]), ())
        for job in self.scheduler.get_jobs():
            if job.id.startswith("digest:") and job.id not in wanted:
                job.remove()
        for job_id, (func, trigger, args) in wanted.items():
            if self.scheduler.get_job(job_id) is None:
                self.scheduler.add_job(
                    func, trigger, args=args, id=job_id, max_instances=1, coalesce=True, misfire_grace_time=None
                )

    async def poll_due(self) -> None:
        """Poll the sources that are due (their next poll time passed), claimed first."""
        async with self.pool.connection() as conn:
            due = await sources.claim_due(conn)
        if not due:
            return
        stats = await poll(self.pool, self.settings, due)
        for name, st in stats.items():
            log.info(
                "poll %s: fetched %d, new %d, duplicates %d, errors %d",
                name,
                st.fetched,
                st.new,
                st.duplicates,
                len(st.errors),
            )

    async def send_due_digests(self) -> None:
        """Prepare and send every digest due by now: run by each subscriber's cron trigger at their
        local send time, and every minute, so that one missed while the service was down (or while
        this worker's trigger was not yet set) goes out once when it is back, and deferred sends are
        retried when their back-off ends."""
        await delivery.prepare_due(self.pool, self.settings, datetime.now(UTC))
        await delivery.send_pending(self.pool, self.settings)
