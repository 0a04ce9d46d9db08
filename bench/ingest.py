"""Ingestion benchmark: a generated site of 2,000 article pages across 100 outlets, each served on
its own loopback address (one host per outlet, as in real life), polled end to end (fetch, extract,
dedup, match, store) into a database that already holds the same outlets' 2,000 articles of the
month before (polled first, then analysed, as by a service that has been running: --empty measures
a database made a second ago); then idle rounds (best of 5) over the same unchanged feeds, in the
same long-running process (as a worker polls them).

Prints articles per second, CPU milliseconds per article by stage (extract, fingerprint, dedup,
template learning, story terms, keyword matching and the save: in the extract processes, or in
threads of the poller; and fetching on the event loop), the cores busy on average (poller, extract
processes and the database's backends), peak RSS of each process, and for the idle round the body
bytes received and CPU per feed. Targets (2 cores, issue 16): ≥ 120 articles/s at 100 outlets,
≤ 12 ms CPU per article, ≥ 1.7 cores busy, an idle round of 0 body bytes and < 1 ms CPU per feed.

    .venv/bin/python bench/ingest.py [--outlets 100] [--articles 2000] [--host-delay 0] [--empty]

Uses NEWSWATCH_DATABASE_URL (a server where it may create a database) or the embedded server
under .newswatch-bench/.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import multiprocessing
import os
import random
import resource
import sys
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.corpus import Vocabulary, _sentence  # noqa: E402

WORDS = (
    "election commission observers turnout ballot district candidate president parliament vote count "
    "campaign polling station protocol result region capital minister government opposition party "
    "statement press conference report mission international agency official preliminary final "
    "registered voters percent morning evening queue delegation monitoring transparency procedure"
).split()


_VOCABULARY: list[Vocabulary] = []


def sentence(rng: random.Random) -> str:
    """A sentence of the watch's words: bench/corpus.py's English, common words and a Zipf tail,
    now and then a name everyone writes about (Aliyev, Baku, OSCE) or a number."""
    if not _VOCABULARY:
        _VOCABULARY.append(Vocabulary.make(tail=20_000))
    return _sentence(rng, _VOCABULARY[0], "en", rng.randint(12, 24))


# The site tells EVENTS events, each by about five outlets in their own words (and now and then in
# another's: COPIED of the pages republish the same event's article of the next outlet), as real
# coverage does: who, where and how many are the event's own, the rest is the watch's words.
# (Until 2026-12-02 every page was the same 50 words shuffled: all 2,000 pages made a dozen stories,
# every save re-decided them and waited for the same story locks, and every story window was full.)
EVENTS = 400
COPIED = 0.05
SYLLABLES = "ka ra li mo za ba na de vo shi ta gu fa ru le mi so he ja pe".split()


def _name(rng: random.Random, suffixes: tuple[str, ...]) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize() + rng.choice(suffixes)


def event(number: int) -> dict[str, str]:
    rng = random.Random(f"event {number}")
    return {
        "who": f"{_name(rng, ('',))} {_name(rng, ('ov', 'ova', 'li', 'zade', 'yev'))}",
        "where": _name(rng, ("abad", "chay", "kend", "li", "shahar")),
        "how_many": f"{rng.randint(1_000, 99_999):,}",
        "percent": f"{rng.randint(50, 95)}.{rng.randint(0, 9)}",
        "day": str(rng.randint(1, 28)),
    }


# The measured round is February's; January's (other events, a month before) is the archive the
# service already holds when it is measured (see `main`).
MONTHS = {1: "January", 2: "February"}


def story(feed: int, n: int, month: int = 2) -> tuple[str, str]:
    """The title and paragraphs of an outlet's article about its event."""
    rng = random.Random(feed * 100_000 + n + (0 if month == 2 else 50_000))
    e = event(rng.randrange(EVENTS) + (0 if month == 2 else EVENTS))
    title = rng.choice(
        [
            "{who} reports {how_many} ballots counted in {where}",
            "{where}: {how_many} voters, {percent} percent turnout, says {who}",
            "Turnout in {where} reaches {percent} percent, {who} says",
        ]
    ).format(**e)
    lead = (
        f"{e['where']}, {e['day']} {MONTHS[month]}. {e['who']} said that {e['how_many']} ballots had been counted in"
        f" {e['where']} and turnout stood at {e['percent']} percent. " + " ".join(sentence(rng) for _ in range(2))
    )
    paras = [lead] + [" ".join(sentence(rng) for _ in range(4)) for _ in range(5)]
    return title, "\n".join(f"<p>{p}</p>" for p in paras)


def article(feed: int, n: int, month: int = 2) -> bytes:
    rng = random.Random(feed * 100_000 + n + (0 if month == 2 else 50_000))
    copied = random.Random(f"copy {feed} {n}" + ("" if month == 2 else f" {month}")).random() < COPIED
    title, paras = story((feed + 1) % 100 if copied else feed, n, month)
    nav = " ".join(f'<a href="/section/{w}/">{w}</a>' for w in WORDS[:25])
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title} | Outlet {feed}</title>
<meta property="article:published_time" content="2024-0{month}-0{1 + n % 8}T1{n % 10}:00:00+04:00"></head>
<body><header><nav>{nav}</nav></header><main><article><h1>{title}</h1>
<div class="article-content">{paras}</div></article>
<aside><h3>Most read</h3><ul>{"".join(f"<li><a href='/x/{i}'>{sentence(rng)}</a></li>" for i in range(5))}</ul></aside>
</main><footer>Outlet {feed}. All rights reserved.</footer></body></html>""".encode()


def page_path(n: int, month: int = 2) -> str:
    return f"/a/{n}.html" if month == 2 else f"/a/{MONTHS[month].lower()}-{n}.html"


def feed(base: str, feed_no: int, per_feed: int, month: int = 2) -> bytes:
    day = 1707300000 - (2 - month) * 31 * 86400
    items = "".join(
        f"<item><title>Item {n}</title><link>{base}{page_path(n, month)}?utm_source=rss</link>"
        f"<guid>{feed_no}-{month}-{n}</guid><pubDate>{formatdate(day + n * 60, usegmt=True)}</pubDate></item>"
        for n in range(per_feed)
    )
    channel = f"<channel><title>Outlet {feed_no}</title>{items}</channel>"
    return f'<?xml version="1.0"?><rss version="2.0">{channel}</rss>'.encode()


class Outlet:
    """One outlet on its own loopback address: a feed with ETag, article pages, a robots.txt. The
    feed lists the articles of `month` (1 or 2: January's, then February's)."""

    def __init__(self, feed_no: int, per_feed: int, sent: Any, body_sent: Any, month: Any):
        outlet = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                path = self.path.split("?", 1)[0]
                if path == "/robots.txt":
                    return self.reply(200, "text/plain", b"User-agent: *\nDisallow: /private/\n")
                if path == "/feed.rss":
                    if self.headers.get("If-None-Match") == outlet.etag():
                        return self.reply(304, None, b"")
                    return self.reply(200, "application/rss+xml", outlet.feeds[month.value])
                if path.startswith("/a/"):
                    page = outlet.pages.get(path)
                    if page is None:
                        return self.reply(404, "text/plain", b"no")
                    return self.reply(200, "text/html; charset=utf-8", page)
                self.reply(404, "text/plain", b"no")

            def reply(self, status: int, ctype: str | None, body: bytes) -> None:
                self.send_response(status)
                if ctype:
                    self.send_header("Content-Type", ctype)
                self.send_header("ETag", outlet.etag())
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                with body_sent.get_lock():
                    body_sent.value += len(body)
                fields = (("Content-Type", ctype or ""), ("ETag", outlet.etag()))
                head = 17 + sum(len(k) + len(v) + 4 for k, v in fields)
                with sent.get_lock():
                    sent.value += head + 40 + len(body)

        self.server = ThreadingHTTPServer((f"127.0.0.{feed_no + 2}", 0), Handler)
        self.base = f"http://127.0.0.{feed_no + 2}:{self.server.server_address[1]}"
        self.feeds = {m: feed(self.base, feed_no, per_feed, m) for m in MONTHS}
        # made before the clock starts: making a page costs a few ms of Python, and the site (one
        # process) making them as they were asked for was what a run waited for, not the poller
        self.pages = {page_path(n, m): article(feed_no, n, m) for m in MONTHS for n in range(per_feed)}
        self.etag = lambda: f'"feed-{feed_no}-{month.value}"'
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def serve(feeds: int, per_feed: int, sent: Any, body_sent: Any, bases: Any, month: Any) -> None:
    """The outlets, in a process of their own so that serving never competes with the poller."""
    outlets = [Outlet(i, per_feed, sent, body_sent, month) for i in range(feeds)]
    bases.send([o.base for o in outlets])
    threading.Event().wait()


def worker_cpu(pid: int) -> float:
    """User + system CPU seconds of a process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def worker_rss(pid: int) -> float:
    """Peak RSS (VmHWM) of a process in MiB, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def backends(database: str) -> dict[int, float]:
    """CPU seconds of each PostgreSQL backend serving `database` (its process title names it)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            title = (entry / "cmdline").read_bytes().decode(errors="replace")
            if title.startswith("postgres:") and f" {database} " in title:
                found[int(entry.name)] = worker_cpu(int(entry.name))
        except OSError:
            continue
    return found


def database_url() -> str:
    import psycopg

    admin = os.environ.get("NEWSWATCH_DATABASE_URL")
    if not admin:
        from monitor.db import embedded

        admin = embedded.start(ROOT / ".newswatch-bench")
    name = f"nw_bench_{os.getpid()}"
    with psycopg.connect(admin, autocommit=True) as conn:
        # a run's database is dropped when it ends; those of runs that died (their pid is gone) here
        for (old,) in conn.execute(r"SELECT datname FROM pg_database WHERE datname ~ '^nw_bench_\d+$'").fetchall():
            if not Path(f"/proc/{old.rsplit('_', 1)[1]}").exists():
                conn.execute(f'DROP DATABASE IF EXISTS "{old}" WITH (FORCE)')
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    atexit.register(_drop, admin, name)
    return urlunsplit(urlsplit(admin)._replace(path="/" + name))


def _drop(admin: str, name: str) -> None:
    """The run's database goes with it: 2,000 articles with their indexes are ~80 MB, and every
    run made a new one (38 runs had left 3 GB)."""
    import psycopg

    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--outlets", type=int, default=100, help="outlets, each with its feed and host (default 100)")
    ap.add_argument("--articles", type=int, default=2000, help="articles in all, shared by the outlets (default 2000)")
    ap.add_argument("--host-delay", default="0", help="NEWSWATCH_HOST_DELAY_S for the run (default 0)")
    ap.add_argument(
        "--empty",
        action="store_true",
        help="measure on an empty archive (a database made a second ago) instead of one holding a month before",
    )
    args = ap.parse_args()
    args.feeds = args.outlets
    args.per_feed = max(args.articles // args.outlets, 1)

    url = database_url()
    db_name = urlsplit(url).path.lstrip("/")
    os.environ.update(
        NEWSWATCH_DATABASE_URL=url,
        NEWSWATCH_ALLOW_PRIVATE_NETWORKS="true",
        NEWSWATCH_HOST_DELAY_S=args.host_delay,
        NEWSWATCH_HOME=str(ROOT / ".newswatch-bench"),
    )
    sent = multiprocessing.Value("q", 0)
    body_sent = multiprocessing.Value("q", 0)
    month = multiprocessing.Value("i", 2 if args.empty else 1)
    receiver, sender = multiprocessing.Pipe(duplex=False)
    server = multiprocessing.Process(
        target=serve, args=(args.feeds, args.per_feed, sent, body_sent, sender, month), daemon=True
    )
    server.start()
    bases = receiver.recv()

    import spiders.crawl as _crawl
    from monitor import config, runtime, seeds
    from monitor.pipeline import ingest, workers
    from monitor.service import database
    from monitor.store import sources

    poll = _crawl.poll

    def workers_cpu() -> float:
        return sum(worker_cpu(pid) for pid in workers._pool._processes) if workers._pool else 0.0

    from monitor.pipeline import understand
    from monitor.store import articles as article_store

    settings = config.load()
    site: dict[str, float] = {}

    async def rounds() -> dict[str, Any]:
        async with database(settings, upgrade=True) as pool:
            async with pool.connection() as conn:
                await seeds.load(conn)
                await conn.execute("UPDATE sources SET enabled = false")
                chosen = [
                    await sources.add(conn, f"Outlet {i}", base + "/feed.rss", lang="en")
                    for i, base in enumerate(bases)
                ]
            # start the extraction workers (imports, language model) before the clock starts
            warm = (
                "<html><body><article><p>" + "The commission counted the ballots. " * 5 + "</p></article></body></html>"
            )
            for _ in range(max(workers._workers(), 1) * 2):  # every extract process started and warm
                await asyncio.gather(*(workers.run(ingest.extract, warm, "http://warm.example/") for _ in range(4)))
            if not args.empty:
                # The archive a running service holds: January's articles of the same outlets, stored
                # by a poll, then the statistics autovacuum gathers within its first minute. On a
                # database made a second ago, the save's prepared statements (and PostgreSQL's
                # foreign-key checks) were planned for empty tables, walked whole tables as they
                # grew, and kept those plans to the end: a run's PostgreSQL cost per article was 5.6
                # to 11.7 ms from one run to the next, and 5.2-5.5 with autovacuum analysing every
                # second (issue 16).
                await poll(pool, settings, chosen)
                async with pool.connection() as conn:
                    await conn.execute("ANALYZE")
                    chosen = [await sources.get(conn, s["name"]) for s in chosen]
                    cur = await conn.execute("SELECT count(*) AS n FROM articles WHERE NOT is_seed")
                    archived = await cur.fetchone()
                site["archived"] = archived["n"] if archived else 0
                month.value = 2
            understand.SPENT.clear()
            before, db_before, site["before"] = workers_cpu(), backends(db_name), worker_cpu(server.pid)
            wall, cpu = time.perf_counter(), time.process_time()
            stats = await poll(pool, settings, chosen)
            full = (time.perf_counter() - wall, time.process_time() - cpu, stats)
            site["cpu"] = worker_cpu(server.pid) - site["before"]
            extract_cpu = workers_cpu() - before
            db_after = backends(db_name)
            db_cpu = sum(t - db_before.get(p, 0.0) for p, t in db_after.items())
            spent = dict(understand.SPENT)
            idle = []
            # one feed, then all, five times (the least CPU of each: this machine is shared); the
            # difference is the cost of one more unchanged feed, the rest is a round's fixed cost
            for some in [chosen[:1], chosen] * 5:
                async with pool.connection() as conn:
                    some = [await sources.get(conn, s["name"]) for s in some]
                sent.value = 0
                body_sent.value = 0
                wall, cpu = time.perf_counter(), time.process_time()
                stats = await poll(pool, settings, some)
                idle.append((time.perf_counter() - wall, time.process_time() - cpu, stats, sent.value, body_sent.value))
            async with pool.connection() as conn:
                row = await (await conn.execute("SELECT count(*) AS n FROM articles WHERE NOT is_seed")).fetchone()
            return {
                "stored": row["n"] - site.get("archived", 0),
                "full": full,
                "idle": idle,
                "workers": extract_cpu,
                "db": db_cpu,
                "spent": spent,
            }

    result = runtime.run(rounds)
    wall, cpu, stats = result["full"]
    # `old`: stored, but dated long before first seen (the generated pages are dated February 2024)
    new = sum(s.new + s.old + s.duplicates for s in stats.values())
    errors = sum(len(s.errors) for s in stats.values())
    held = "an empty archive" if args.empty else f"an archive of {site['archived']} (January's)"
    print(
        f"full round: {result['stored']} articles stored ({new} new, {errors} errors) from {args.feeds} feeds,"
        f" on {held}"
    )
    print(f"  end to end: {new / wall:.1f} articles/s ({wall:.1f} s wall, {cpu:.1f} s CPU in this process)")
    pids = list(workers._pool._processes) if workers._pool else []
    asked = os.environ.get("NEWSWATCH_EXTRACT_WORKERS", "default")
    print(f"  extract processes: {len(pids)} (NEWSWATCH_EXTRACT_WORKERS={asked})")
    spent = result["spent"]  # CPU by stage, timed where each ran (monitor.pipeline.ingest.store)
    per = 1000 / max(new, 1)
    where = "the extract processes" if pids else "threads of the poller"
    for name in ("extract", "fingerprint", "dedup", "templates", "stories", "match", "store"):
        print(f"  CPU per article, {name:11}: {per * spent.get(name, 0.0):6.2f} ms")
    loop = max(cpu - (0.0 if pids else sum(spent.values())), 0.0)
    print(f"  (those in {where}); fetch and evidence on the event loop: {per * loop:.2f} ms (Scrapy, feeds, WARC)")
    ours = cpu + (result["workers"] if pids else 0.0)
    print(
        f"  CPU per article in all: {per * ours:.2f} ms (poller {per * cpu:.2f} + extract processes"
        f" {per * (result['workers'] if pids else 0.0):.2f}); PostgreSQL backends {per * result['db']:.2f} ms more"
    )
    print(
        f"  cores busy on average: {(ours + result['db']) / wall:.2f}"
        f" (poller {cpu / wall:.2f}, extract processes {(result['workers'] if pids else 0.0) / wall:.2f},"
        f" PostgreSQL {result['db'] / wall:.2f})"
    )
    print(
        f"  the generated site's own server (not Newswatch): {site['cpu'] / wall:.2f} cores,"
        f" {per * site['cpu']:.2f} ms per article"
    )
    redone = sum(article_store.EXCLUSIVE.values())
    print(f"  saves redone under the exclusive lock: {redone} {dict(article_store.EXCLUSIVE) if redone else ''}")
    idle = result["idle"]
    cpu_one = min(r[1] for r in idle[0::2])
    wall, cpu_all, stats, received, body = min(idle[1::2], key=lambda r: r[1])
    idle_new = sum(s.new for s in stats.values())
    per_feed = (cpu_all - cpu_one) / max(args.feeds - 1, 1)
    print(f"idle rounds (best of 5) over {args.feeds} unchanged feeds, same process: {idle_new} new, {wall:.2f} s wall")
    print(f"  body bytes received: {body}; bytes in all: {received} ({received / args.feeds:.0f} per feed: a 304)")
    print(
        f"  CPU per unchanged feed: {1000 * per_feed:.2f} ms"
        f" (plus a round's fixed cost: {1000 * (cpu_one - per_feed):.0f} ms)"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worker_peaks = [worker_rss(pid) for pid in pids]
    print(
        f"peak RSS: {peak:.0f} MiB in the poller, extract processes: "
        f"{', '.join(f'{r:.0f}' for r in worker_peaks) or 'none'} MiB; in all {peak + sum(worker_peaks):.0f} MiB"
    )
    server.terminate()


if __name__ == "__main__":
    main()
