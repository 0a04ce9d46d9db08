"""Alerts benchmark: 500 sources polled every minute, 50 asap channels (json:// webhooks).

1. Latency from an item appearing in a feed to its webhook arriving. Each source is polled once a
   minute at a phase of its own; an item that appears waits for its source's next poll (that wait is
   computed, not measured: the poll itself and ingest are what bench/soak.py measures), is stored
   then, and from there the real channel loop takes over, as `newswatch run` runs it: every
   NEWSWATCH_POLL_TICK_S (15 s) alerts.channels.prepare_due then send_pending, each message posted
   by Apprise to a real webhook receiver on loopback, which notes when it arrived.
   Target: p95 under 2 minutes.
2. CPU of the alert evaluation (alerts.anomalies.evaluate: spikes of every keyword, silences of
   every source) over a generated week of the same 500 sources, per call and per hour of data
   (`run` judges every 5 minutes: 12 calls an hour), this process's CPU plus the database's time
   (wall time of the queries). Target: under 1 % of a core.

    .venv/bin/python bench/alerts.py [--sources 500] [--channels 50] [--minutes 5] [--per-source-hour 6]

Uses NEWSWATCH_DATABASE_URL (a server where it may create a database) or the embedded server
under .newswatch-bench/.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.ingest import database_url  # noqa: E402

arrived: dict[tuple[str, str], float] = {}
lock = threading.Lock()


class Hook(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
        story = body["message"].split("/stories/")[1].split()[0]
        with lock:
            arrived.setdefault((self.path, story), time.time())
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(p * len(values)))]


async def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sources", type=int, default=500)
    ap.add_argument("--channels", type=int, default=50)
    ap.add_argument("--minutes", type=float, default=5)
    ap.add_argument("--per-source-hour", type=float, default=6, help="new items per source per hour")
    args = ap.parse_args()

    url = database_url()
    os.environ.update(NEWSWATCH_DATABASE_URL=url, NEWSWATCH_HOME=str(ROOT / ".newswatch-bench"))
    from alerts import anomalies, channels
    from monitor import config
    from monitor.db import migrate, open_pool
    from monitor.store import channels as channel_store
    from monitor.store import keywords

    settings = config.load()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    pool = await open_pool(url, max_size=4)
    async with pool.connection() as conn:
        await migrate.migrate(conn)
        await keywords.add(conn, "election", "election")
        ids = []
        for s in range(args.sources):
            row = await (
                await conn.execute(
                    "INSERT INTO sources (name, url, last_success_at) VALUES (%s, %s, now()) RETURNING id",
                    (f"outlet {s}", f"https://outlet{s}.example/feed"),
                )
            ).fetchone()
            ids.append(row["id"])
        for c in range(args.channels):
            await channel_store.add(conn, f"desk {c}", f"json://127.0.0.1:{port}/hook/{c}", None)
    # 1. latency
    rng = random.Random(7)
    phase = {s: rng.uniform(0, 60) for s in ids}
    start = time.time()
    end = start + args.minutes * 60
    rate = args.sources * args.per_source_hour / 3600  # items a second, all sources
    appear: list[tuple[float, int]] = []
    t = start
    while t < end - 60:
        t += rng.expovariate(rate)
        appear.append((t, rng.choice(ids)))
    stored_at: dict[int, float] = {}  # article id -> when the item appeared in its feed
    pending = sorted((t + ((phase[s] - (t - start)) % 60), t, s) for t, s in appear)  # stored at the next poll
    tick = settings.poll_tick_s
    next_tick = start
    cpu_loop = 0.0
    i = 0
    while time.time() < end + 120 and (
        i < len(pending) or time.time() < end or len(arrived) < len(stored_at) * args.channels
    ):
        now = time.time()
        async with pool.connection() as conn:
            while i < len(pending) and pending[i][0] <= now:
                _, appeared, s = pending[i]
                at = datetime.fromtimestamp(pending[i][0], UTC)
                row = await (
                    await conn.execute(
                        "INSERT INTO articles (source_id, outlet, url, title, text, stored_at, fetched_at,"
                        " published_at) VALUES (%s, %s, %s, 'Election news', 'x', %s, %s, %s) RETURNING id",
                        (s, f"outlet {s}", f"https://outlet{s}.example/{i}", at, at, at),
                    )
                ).fetchone()
                await conn.execute(
                    "INSERT INTO article_keywords (article_id, keyword_id) SELECT %s, id FROM keywords", (row["id"],)
                )
                stored_at[row["id"]] = appeared
                i += 1
        if now >= next_tick:
            c0 = time.process_time()
            await channels.prepare_due(pool, settings, datetime.now(UTC))
            await channels.send_pending(pool, settings)
            cpu_loop += time.process_time() - c0
            next_tick += tick
        await asyncio.sleep(0.2)
    lat = [arrived[k] - stored_at[int(k[1])] for k in arrived if int(k[1]) in stored_at]
    expected = len(stored_at) * args.channels
    print(f"items {len(stored_at)} over {args.minutes:g} min from {args.sources} sources, {args.channels} channels")
    print(f"webhooks arrived {len(lat)} of {expected}")
    if lat:
        print(
            f"item-to-webhook latency: p50 {statistics.median(lat):.1f} s, p95 {pct(lat, 0.95):.1f} s, "
            f"max {max(lat):.1f} s (poll tick {tick:g} s)"
        )
    print(f"channel loop CPU (this process): {cpu_loop:.1f} s over {time.time() - start:.0f} s")
    # 2. alert evaluation over a generated week
    async with pool.connection() as conn:
        await conn.execute(
            """
            WITH a AS (
              INSERT INTO articles (source_id, outlet, url, title, text, stored_at, fetched_at, published_at)
              SELECT s.id, s.name, 'https://week.example/' || s.id || '/' || n, 'Election news', 'x',
                     now() - make_interval(secs => n * 3600.0 / %(per)s + s.id %% 600), now(), now()
                FROM sources s, generate_series(1, (7 * 24 * %(per)s)::int) n
              RETURNING id)
            INSERT INTO article_keywords (article_id, keyword_id) SELECT a.id, k.id FROM a, keywords k
            """,
            {"per": args.per_source_hour},
        )
        await conn.execute("ANALYZE")
        count = (await (await conn.execute("SELECT count(*) AS n FROM articles")).fetchone())["n"]
    runs = []
    for _ in range(5):
        w0, c0 = time.perf_counter(), time.process_time()
        await anomalies.evaluate(pool, settings, datetime.now(UTC))
        runs.append((time.perf_counter() - w0, time.process_time() - c0))
    wall = statistics.median(r[0] for r in runs)
    cpu = statistics.median(r[1] for r in runs)
    print(
        f"alert evaluation over {count} articles: {wall * 1000:.0f} ms a call (this process's CPU "
        f"{cpu * 1000:.0f} ms); judged every 5 min: {wall * 12:.1f} s an hour = {wall * 12 / 36:.2f} % of a core"
    )
    await pool.close()
    server.shutdown()


if __name__ == "__main__":
    asyncio.run(main())
