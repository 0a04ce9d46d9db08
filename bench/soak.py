"""Soak benchmark: two `newswatch run --no-web` workers keep 500 feeds of 20 items each polled
every minute for 10 minutes, against one PostgreSQL.

Each feed is an outlet on a loopback address of its own (127.0.x.y, so per-host politeness works
as in real life). Every minute two new items appear at the top of each feed (1,000 new article
pages a minute to fetch, extract, deduplicate, match and store) and the oldest two drop off. The
archive starts warm: the first 18 items of every feed are already stored, as after a service that
has been running, so the first poll finds two new items like every later one and the adaptive
interval stays at the minute.

Prints polls done versus due, the scheduling delay (how long after a source fell due its poll
started: largest, p50, p95), the workers' CPU as a share of the machine, and their resident
memory (worker and extract processes) two minutes in (once every process has started and every
source has been polled) and at the end. Targets: no backlog (every due
poll done within its interval), CPU under half the machine, memory growth under 10 %.

    .venv/bin/python bench/soak.py [--feeds 500] [--items 20] [--minutes 10] [--workers 2]

Uses NEWSWATCH_DATABASE_URL (a server where it may create a database) or the embedded server
under .newswatch-bench/.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.corpus import LANGS, Vocabulary, _sentence  # noqa: E402
from bench.ingest import database_url, worker_cpu  # noqa: E402

NEW_PER_MINUTE = 2
WARM = 18  # items of each feed already in the archive when the soak starts


def host(feed_no: int) -> str:
    return f"127.0.{1 + feed_no // 250}.{2 + feed_no % 250}"


_vocab: Vocabulary | None = None


def page(feed_no: int, n: int) -> bytes:
    """An article in English, Russian or Azerbaijani with the word frequencies of a real archive
    (bench/corpus.py), so that duplicate and story lookups cost what they cost in real life."""
    global _vocab
    _vocab = _vocab or Vocabulary.make()
    rng = random.Random(feed_no * 1_000_003 + n)
    langs, weights = zip(*LANGS, strict=True)
    lang = rng.choices(langs, weights)[0]
    title = _sentence(rng, _vocab, lang, rng.randint(6, 12)).rstrip(".!?")
    paras = "".join(
        "<p>" + " ".join(_sentence(rng, _vocab, lang, rng.randint(8, 24)) for _ in range(4)) + "</p>"
        for _ in range(rng.randint(2, 5))
    )
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title></head>'
        f"<body><nav><a href='/'>Home</a></nav><article><h1>{title}</h1>{paras}</article>"
        f"<footer>Outlet {feed_no}</footer></body></html>"
    ).encode()


def top(started: Any, items: int) -> int:
    """The newest item number of every feed now: two more each minute since the soak started."""
    return items - 1 + NEW_PER_MINUTE * int((time.time() - started.value) // 60)


def feed(base: str, feed_no: int, newest: int, items: int, started: float) -> bytes:
    """The feed's newest `items` items, each dated when it appeared."""
    entries = "".join(
        f"<item><title>Item {n}</title><link>{base}/a/{n}.html</link><guid>{feed_no}-{n}</guid>"
        f"<pubDate>{formatdate(started + 30 * (n - items), usegmt=True)}</pubDate></item>"
        for n in range(newest, newest - items, -1)
    )
    channel = f"<channel><title>Outlet {feed_no}</title>{entries}</channel>"
    return f'<?xml version="1.0"?><rss version="2.0">{channel}</rss>'.encode()


def serve(feeds: int, items: int, started: Any) -> None:
    """Every outlet on its own address, in a process of its own so serving never competes with the
    workers for their CPU figures. The soak starts (`started` is set) once all of them listen."""

    def outlet(feed_no: int) -> None:
        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                if self.path == "/feed.rss":
                    newest = top(started, items)
                    etag = f'"{feed_no}-{newest}"'
                    if self.headers.get("If-None-Match") == etag:
                        return self.reply(304, {"ETag": etag}, b"")
                    body = feed(f"http://{self.headers['Host']}", feed_no, newest, items, started.value)
                    return self.reply(200, {"Content-Type": "application/rss+xml", "ETag": etag}, body)
                if self.path.startswith("/a/"):
                    return self.reply(
                        200, {"Content-Type": "text/html; charset=utf-8"}, page(feed_no, int(self.path[3:-5]))
                    )
                self.reply(404, {"Content-Type": "text/plain"}, b"no")

            def reply(self, status: int, headers: dict[str, str], body: bytes) -> None:
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        server = ThreadingHTTPServer((host(feed_no), PORT), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()

    page(0, 0)  # the vocabulary, made before the clock starts
    for i in range(feeds):
        outlet(i)
    started.value = time.time()
    threading.Event().wait()


PORT = 18080


def group_pids(leader: int) -> list[int]:
    """The processes of a worker's process group: the worker and its extract process."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == leader:  # field 5 of /proc/PID/stat: the process group
                found.append(int(entry.name))
    return found


def cpu_s(pid: int) -> float:
    try:
        return worker_cpu(pid)
    except OSError:  # the process ended between listing and reading
        return 0.0


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def setup(url: str, feeds: int, items: int, env: dict[str, str]) -> None:
    import psycopg

    subprocess.run([sys.executable, "-m", "monitor", "init"], env=env, check=True, capture_output=True)
    opml = Path(env["NEWSWATCH_HOME"]) / "soak.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head/><body>'
        + "".join(
            f'<outline text="Outlet {i}" xmlUrl="http://{host(i)}:{PORT}/feed.rss" newswatchEvery="60" language="en"/>'
            for i in range(feeds)
        )
        + "</body></opml>",
        encoding="utf-8",
    )
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("UPDATE sources SET enabled = false")  # the real outlets of the built-in watch: no internet here
    subprocess.run(
        [sys.executable, "-m", "monitor", "sources", "import", str(opml)], env=env, check=True, capture_output=True
    )
    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute("SELECT id, name FROM sources WHERE name LIKE 'Outlet %'").fetchall()
        with (
            conn.cursor() as cur,
            cur.copy("COPY articles (source_id, outlet, url, guid, title, text) FROM STDIN") as copy,
        ):
            for source_id, name in rows:
                i = int(name.split()[1])
                for n in range(WARM):
                    copy.write_row(
                        (source_id, name, f"http://{host(i)}:{PORT}/a/{n}.html", f"{i}-{n}", f"Item {n}", "")
                    )
        conn.execute("UPDATE sources SET next_poll_at = now() WHERE name LIKE 'Outlet %'")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--feeds", type=int, default=500)
    ap.add_argument("--items", type=int, default=20)
    ap.add_argument("--minutes", type=float, default=10)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()

    url = database_url()
    home = ROOT / ".newswatch-bench" / "soak"
    home.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "NEWSWATCH_DATABASE_URL": url,
        "NEWSWATCH_ALLOW_PRIVATE_NETWORKS": "true",
        "NEWSWATCH_HOME": str(home),
        "PYTHONPATH": str(ROOT),
    }
    setup(url, args.feeds, args.items, env)

    shared_start = multiprocessing.Value("d", 0.0)
    server = multiprocessing.Process(target=serve, args=(args.feeds, args.items, shared_start), daemon=True)
    server.start()
    while not shared_start.value:
        time.sleep(0.1)
    started = shared_start.value

    logs = [home / f"worker{i}.log" for i in range(args.workers)]
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "monitor", "--log-format", "json", "run", "--no-web"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log.open("w"),
            start_new_session=True,
        )
        for log in logs
    ]
    print(
        f"soak: {args.feeds} feeds x {args.items} items, {NEW_PER_MINUTE} new per feed a minute, "
        f"{args.workers} workers, {args.minutes:g} min",
        flush=True,
    )

    def sample() -> tuple[float, float]:
        pids = [p for w in workers for p in group_pids(w.pid)]
        return sum(cpu_s(p) for p in pids), sum(rss_mb(p) for p in pids)

    end = started + args.minutes * 60
    rss_first = cpu_first = t_first = None
    rss_samples = []
    while time.time() < end:
        time.sleep(10)
        cpu, rss = sample()
        rss_samples.append(rss)
        if t_first is None and time.time() - started >= 120:
            t_first, cpu_first, rss_first = time.time(), cpu, rss
        print(f"  {time.time() - started:5.0f} s: workers' CPU {cpu:7.1f} s, RSS {rss:6.0f} MB", flush=True)
    cpu_end, rss_end = sample()
    t_end = time.time()

    import psycopg

    with psycopg.connect(url) as conn:
        overdue = conn.execute(
            "SELECT count(*) FILTER (WHERE next_poll_at <= now()),"
            " count(*) FILTER (WHERE next_poll_at <= now() - interval '60 seconds')"
            " FROM sources WHERE enabled AND name LIKE 'Outlet %'"
        ).fetchone()
        stored = conn.execute(
            "SELECT count(*) FROM articles WHERE stored_at >= to_timestamp(%s)", (started,)
        ).fetchone()[0]
        failures = conn.execute("SELECT count(*) FROM sources WHERE consecutive_failures > 0").fetchone()[0]

    stop_started = time.monotonic()
    for w in workers:
        w.send_signal(signal.SIGTERM)
    codes = [w.wait(timeout=60) for w in workers]
    stop_s = time.monotonic() - stop_started
    server.terminate()

    delays = []
    by_worker = []
    for log in logs:
        polls = 0
        for line in log.read_text(encoding="utf-8").splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if "due_delay_s" in entry:
                delays.append(float(entry["due_delay_s"]))
                polls += 1
        by_worker.append(polls)
    done = len(delays)
    due, late = overdue
    ncpu = os.cpu_count() or 1
    cpu_share = (cpu_end - cpu_first) / (t_end - t_first) / ncpu if t_first else float("nan")
    growth = (rss_end - rss_first) / rss_first if rss_first else float("nan")
    delays.sort()
    print()
    print(
        f"polls done {done} (by worker: {', '.join(map(str, by_worker))}), due {done + due}; "
        f"due but not started at the end: {due}, of which over a minute late: {late}"
    )
    print(
        f"scheduling delay: max {max(delays):.1f} s, p50 {statistics.median(delays):.1f} s, "
        f"p95 {delays[int(0.95 * (done - 1))]:.1f} s (target: every poll within its 60 s interval)"
    )
    print(f"articles stored by the polls: {stored}; sources failing at the end: {failures}")
    print(
        f"workers' CPU after the first two minutes: {cpu_share:.0%} of {ncpu} cores "
        f"({cpu_end - cpu_first:.0f} s in {t_end - t_first:.0f} s; target < 50 %)"
    )
    print(
        f"workers' RSS: {rss_first:.0f} MB two minutes in, {rss_end:.0f} MB at the end ({growth:+.1%}), "
        f"peak {max(rss_samples):.0f} MB (target growth < 10 %)"
    )
    print(f"SIGTERM: both stopped in {stop_s:.1f} s, exit codes {codes}")


if __name__ == "__main__":
    main()
