"""The schedule of `newswatch run`, as APScheduler jobs on the service's event loop.

Sources: every NEWSWATCH_POLL_TICK_S the due ones are claimed in the database, a batch at a time
(so several workers sharing it split the work and never poll one source twice at once), and
polled; claims are renewed while the poll runs and run out if the worker dies. When each source is
due again is decided by its poll's outcome in monitor.store.sources: the adaptive interval with
jitter, or the back-off of a failing source. Re-checks of articles (NEWSWATCH_RECHECK) are claimed
the same way on the same tick, one re-check crawl at a time beside the poll batches. Digests: one
cron job per subscriber, reconciled with the database every minute so that subscribers added
through the CLI or the web are picked up.

The database going away does not stop the service: every job catches it, logs it once per try,
and the jobs back off (2 s doubling to 5 min) until it answers again. `stop()` lets running jobs
finish or abandon their work cleanly: a crawl finishes the requests in flight, claims of sources
not polled are given back, a digest being sent is sent and recorded.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from psycopg_pool import AsyncConnectionPool

from alerts import delivery, when
from monitor import leases
from monitor.config import Settings
from monitor.db import DATABASE_DOWN
from monitor.store import maintenance, rechecks, sources, subscribers
from spiders.crawl import poll
from spiders.recheck import recheck

log = logging.getLogger(__name__)

RECONCILE_S = 60
BATCH = 25  # sources claimed at a time: small enough that idle workers get a share of a backlog
RECHECK_BATCH = 50  # articles claimed at a time for re-checks
# Batches a worker polls at once. A batch lasts as long as its slowest host's queue (up to a feed's
# 200 new pages at the host delay): polls that waited on each other left sources due every minute
# unpolled while one outlet drained. Each batch is its own crawl; all take the process's per-host turns (spiders.hosts).
MAX_BATCHES = 4


class Outage:
    """The database is unreachable: jobs skip their runs until the back-off has passed."""

    def __init__(self) -> None:
        self.failures = 0
        self.until = 0.0

    def blocked(self) -> bool:
        return time.monotonic() < self.until

    def failed(self, job: str, exc: BaseException) -> None:
        # one round of retries doubles the wait once: jobs that were already running when the
        # database went (polls, re-checks, channels, alerts) each fail too, and counted one by one
        # they pushed the wait to minutes before the first retry
        now = time.monotonic()
        if now >= self.until:
            self.failures += 1
        wait = min(300, 2**self.failures)
        self.until = max(self.until, now + wait)
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        log.warning("%s: database unreachable (%s); trying again in %d s", job, reason, wait)

    def ok(self) -> None:
        if self.failures:
            log.warning("database reachable again")
        self.failures = 0
        self.until = 0.0


class Schedule:
    def __init__(self, pool: AsyncConnectionPool, settings: Settings):
        self.pool = pool
        self.settings = settings
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self.last_tick: datetime | None = None
        self.stopping = asyncio.Event()
        self.outage = Outage()
        self.running: set[asyncio.Task[Any]] = set()
        self.batches: set[asyncio.Future[None]] = set()  # polls in progress (poll_due)

    def start(self) -> None:
        tick = self.settings.poll_tick_s
        jobs: list[tuple[str, Callable[[], Awaitable[None]], float, timedelta]] = [
            ("reconcile", self.reconcile, RECONCILE_S, timedelta(0)),
            ("poll", self.poll_due, tick, timedelta(seconds=tick)),
            # also the catch-up on start and the retries of deferred sends
            ("outbox", self.send_due_digests, 60, timedelta(0)),
        ]
        # channels on the polls' tick too: an asap channel hears of a story a tick after it is stored
        jobs.append(("channels", self.send_channels, tick, timedelta(0)))
        jobs.append(("alerts", self.judge_alerts, 300, timedelta(seconds=5)))  # spikes and silences, every 5 min
        if self.settings.recheck:  # on the polls' tick: a due re-check waits as long as a due poll
            jobs.append(("recheck", self.recheck_due, tick, timedelta(seconds=tick)))
        self.scheduler.add_job(
            self._guarded("maintenance", self.maintenance),
            CronTrigger(hour=3, minute=30, timezone=UTC),  # a quiet hour for the press of UTC+4
            id="maintenance",
            max_instances=1,
            coalesce=True,
        )
        for job_id, func, every, first in jobs:
            self.scheduler.add_job(
                self._guarded(job_id, func),
                IntervalTrigger(seconds=every),
                id=job_id,
                next_run_time=datetime.now(UTC) + first,
                max_instances=1,
                coalesce=True,
            )
        self.scheduler.start()

    async def stop(self, grace_s: float = 20) -> None:
        """No new runs; running jobs wind down (a crawl finishes its requests in flight) for up to
        `grace_s`, then whatever is left is cancelled: every write is a transaction, so nothing is
        half-written, and claims left behind run out for another worker."""
        self.stopping.set()
        self.scheduler.pause()
        if self.running:
            done, pending = await asyncio.wait(set(self.running), timeout=grace_s)
            if pending:
                log.warning("stopping: %d job(s) still running after %.0f s, abandoned", len(pending), grace_s)
                for task in pending:
                    task.cancel()
                await asyncio.wait(pending, timeout=3)  # their clean-up (claims given back) runs now
        self.scheduler.shutdown(wait=False)

    @property
    def alive(self) -> bool:
        return bool(self.scheduler.running) and not self.stopping.is_set()

    def _guarded(self, job: str, func: Callable[[], Awaitable[None]]) -> Callable[[], Awaitable[None]]:
        async def run() -> None:
            if self.stopping.is_set() or self.outage.blocked():
                return
            task = asyncio.current_task()
            assert task is not None
            self.running.add(task)
            try:
                await func()
            except DATABASE_DOWN as exc:
                self.outage.failed(job, exc)
            else:
                self.outage.ok()
            finally:
                self.running.discard(task)

        run.__name__ = job
        return run

    async def reconcile(self) -> None:
        self.last_tick = datetime.now(UTC)
        async with self.pool.connection() as conn:
            subs = await subscribers.list_all(conn, active_only=True)
        wanted: dict[str, Any] = {}
        for sub in subs:
            at = sub["send_at"]
            wanted[f"digest:{sub['id']}:{at}:{sub['tz']}"] = when.trigger(at, sub["tz"])
        for job in self.scheduler.get_jobs():
            if job.id.startswith("digest:") and job.id not in wanted:
                job.remove()
        for job_id, trigger in wanted.items():
            if self.scheduler.get_job(job_id) is None:
                self.scheduler.add_job(
                    self._guarded("digests", self.send_due_digests),
                    trigger,
                    id=job_id,
                    max_instances=1,
                    coalesce=True,
                    misfire_grace_time=None,
                )

    async def poll_due(self) -> None:
        """Claim due sources a batch at a time and poll them, up to MAX_BATCHES at once, until none
        is due or the service stops. The next batch is claimed when one finishes (a backlog drains
        batch after batch, other workers taking their share) or at the next tick: a batch still
        draining one slow host does not hold back the sources that fell due since."""
        while not self.stopping.is_set() and len(self.batches) < MAX_BATCHES:
            async with self.pool.connection() as conn:
                due = await sources.claim_due(conn, self.settings.lease_s, BATCH)
            if not due:
                return
            batch = asyncio.ensure_future(self._guarded("poll batch", functools.partial(self._poll, due))())
            self.batches.add(batch)
            batch.add_done_callback(self.batches.discard)
            done, _ = await asyncio.wait(
                set(self.batches), timeout=self.settings.poll_tick_s, return_when=asyncio.FIRST_COMPLETED
            )
            if not done:
                return  # the next tick looks again, beside the batches still running

    async def _poll(self, due: list[dict[str, Any]]) -> None:
        ids = [s["id"] for s in due]
        started = datetime.now(UTC)

        async def renew() -> None:
            async with self.pool.connection() as conn:
                await sources.renew_claims(conn, ids, self.settings.lease_s)

        try:
            async with leases.renewed(renew, self.settings.lease_s):
                stats = await poll(self.pool, self.settings, due, stopping=self.stopping)
        finally:
            if self.stopping.is_set():  # give back what this worker did not get to
                async with self.pool.connection() as conn:
                    await sources.release_claims(conn, ids)
        if self.stopping.is_set():
            log.warning("poll of %d source(s) cut short by the stop; their claims given back", len(due))
            return
        async with self.pool.connection() as conn:
            for source in await sources.unfinished(conn, ids):
                # the crawl ended without recording an outcome (a bug, or a page that broke the
                # spider): fail the poll, so the source backs off instead of being claimed again
                await sources.record_failure(conn, source["id"], "the poll ended without an outcome (see the log)")
        for source in due:
            st = stats[source["name"]]
            delay = (started - source["due_at"]).total_seconds()
            log.info(
                "poll %s: fetched %d, new %d, duplicates %d, errors %d (started %.1f s after it was due)",
                source["name"],
                st.fetched,
                st.new,
                st.duplicates,
                len(st.errors),
                delay,
                extra={"source": source["name"], "due_delay_s": round(delay, 3)},
            )

    async def recheck_due(self) -> None:
        """Claim the articles whose re-check is due, a batch at a time, and fetch them again: one
        re-check crawl at a time, beside the poll batches (all take the same per-host turns:
        spiders.hosts)."""
        while not self.stopping.is_set():
            async with self.pool.connection() as conn:
                due = await rechecks.claim_due(conn, self.settings.lease_s, RECHECK_BATCH)
            if not due:
                return
            ids = [t["article_id"] for t in due]

            async def renew(ids: list[int] = ids) -> None:
                async with self.pool.connection() as conn:
                    await rechecks.renew(conn, ids, self.settings.lease_s)

            try:
                async with leases.renewed(renew, self.settings.lease_s):
                    outcomes = await recheck(self.pool, self.settings, due)
            finally:
                if self.stopping.is_set():
                    async with self.pool.connection() as conn:
                        await rechecks.release(conn, ids)
            found = [o for o in outcomes.values() if o.outcome in ("changed", "removed")]
            for o in found:
                log.info("recheck %s: %s (%s)", o.article_id, o.outcome, o.detail, extra={"article": o.article_id})
            log.info("rechecked %d article(s): %d changed or removed", len(due), len(found))

    async def maintenance(self) -> None:
        """The daily upkeep (`newswatch maintenance` by hand): evidence past NEWSWATCH_EVIDENCE_DAYS
        dropped, then vacuum and analyse; one worker does it while the others skip it."""
        async with self.pool.connection() as conn:
            done = await maintenance.upkeep(conn, self.settings.evidence_days, self.settings.warc_path)
        if done is not None:
            purged, retained = done
            log.info(
                "maintenance: evidence purged from %d article(s), %d raw capture(s) removed (%d file(s) deleted);"
                " tables vacuumed and analysed",
                purged,
                retained.captures,
                retained.files,
            )

    async def send_channels(self) -> None:
        """Write the due messages of every channel (alerts.channels), then send what is pending."""
        from alerts import channels

        await channels.prepare_due(self.pool, self.settings, datetime.now(UTC))
        await channels.send_pending(self.pool, self.settings, stopping=self.stopping)

    async def judge_alerts(self) -> None:
        """Spikes of keywords and silences of sources (alerts.anomalies); each hour is judged once."""
        from alerts import anomalies

        await anomalies.evaluate(self.pool, self.settings, datetime.now(UTC))

    async def send_due_digests(self) -> None:
        """Prepare and send every digest due by now: run by each subscriber's cron trigger at their
        local send time, and every minute, so that one missed while the service was down (or while
        this worker's trigger was not yet set) goes out once when it is back, and deferred sends are
        retried when their back-off ends."""
        await delivery.prepare_due(self.pool, self.settings, datetime.now(UTC))
        await delivery.send_pending(self.pool, self.settings, stopping=self.stopping)
