"""One re-check from response to record: extract the page (in the worker pool), judge it against
the last known version, write the capture of a change or a takedown, then record the outcome.

Nothing is stored for a page that did not change: a 304 answers the conditional GET, and a 200
whose title and text are the same leaves only the time of the check and its validators.
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from psycopg_pool import AsyncConnectionPool

from monitor.evidence import diff, files
from monitor.evidence.judge import Verdict, judge
from monitor.evidence.keeping import Keeping
from monitor.evidence.warc import Exchange
from monitor.pipeline import workers
from monitor.pipeline.encoding import decode_html
from monitor.pipeline.extract import extract
from monitor.store import rechecks


@dataclass(frozen=True)
class Refetch:
    status: int
    final_url: str
    body: bytes  # decoded (after content decoding)
    content_type: str | None
    exchanges: tuple[Exchange, ...]
    fetched_at: datetime


@dataclass(frozen=True)
class Outcome:
    article_id: int
    outcome: str  # unchanged | changed | removed | failed | skipped
    detail: str | None = None


def describe(ops: dict[str, Any]) -> str:
    parts = []
    if ops.get("title"):
        parts.append("title")
    added, removed = diff.counts(ops.get("text") or [])
    if added or removed:
        parts.append(f"{added} word(s) added, {removed} removed")
    return ", ".join(parts) or "text"


async def apply(pool: AsyncConnectionPool, keeping: Keeping, target: dict[str, Any], got: Refetch) -> Outcome:
    """Judge and record the re-fetch of `target` (a row of monitor.store.rechecks)."""
    title = text = None
    if 200 <= got.status < 300:
        html = decode_html(got.body, got.content_type)
        extracted = await workers.run(extract, html, got.final_url)
        title, text = extracted.title or "", extracted.text or ""
    verdict = judge(target["fetch_url"], target["title"], target["text"], got.status, got.final_url, title, text)
    was_removed = target["removed_at"] is not None
    if was_removed and verdict.outcome == "unchanged" and got.status != 304:
        verdict = Verdict("changed", "the page is back")
    ops = None
    if verdict.outcome == "changed":
        assert title is not None and text is not None
        ops = {"title": diff.diff(target["title"], title), "text": diff.diff(target["text"], text)}
        if all(op == "=" for op, _ in ops["title"]):
            ops["title"] = []
    # a takedown found again is not a new version: the first capture of it is the evidence
    new_version = verdict.outcome == "changed" or (verdict.outcome == "removed" and not was_removed)
    capture = None
    if new_version and got.exchanges:
        capture = await asyncio.to_thread(files.write_capture, keeping.folder, got.exchanges)
    last = got.exchanges[-1] if got.exchanges else None
    found = rechecks.Found(
        outcome=verdict.outcome,
        why=verdict.why,
        checked_at=got.fetched_at,
        next_due=keeping.next_due(target["first_seen"], got.fetched_at),
        status=got.status,
        final_url=got.final_url,
        sha256=hashlib.sha256(got.body).hexdigest() if got.status != 304 else None,
        title=title if verdict.outcome == "changed" else None,
        text=text if verdict.outcome == "changed" else None,
        diff=ops,
        capture=capture,
        new_version=new_version,
        etag=last.header("ETag") if last else None,
        last_modified=last.header("Last-Modified") if last else None,
    )
    async with pool.connection() as conn:
        await rechecks.record(conn, target["article_id"], found)
    detail = verdict.why
    if verdict.outcome == "changed" and ops is not None:
        detail = describe(ops) if verdict.why is None else verdict.why
    return Outcome(target["article_id"], verdict.outcome, detail)


async def failed(pool: AsyncConnectionPool, keeping: Keeping, target: dict[str, Any], reason: str) -> Outcome:
    """A re-fetch that got no answer to judge (timeout, DNS, robots.txt, 5xx): tried again later."""
    now = datetime.now(UTC)
    found = rechecks.Found("failed", reason, now, keeping.next_due(target["first_seen"], now))
    async with pool.connection() as conn:
        await rechecks.record(conn, target["article_id"], found)
    return Outcome(target["article_id"], "failed", reason)
