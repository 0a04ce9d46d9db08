"""Benchmark of GET /api/articles: 100,000 articles, 20 concurrent clients, a mix of queries, 30 s.

Prints requests per second and p50/p95/p99 latency (target: p95 under 150 ms on a 2-core machine),
overall and per query. Uses its own database on the PostgreSQL server named by
NEWSWATCH_BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/postgres), created and
dropped here, and serves the app with `newswatch web` in a subprocess, as a user would.

    .venv/bin/python bench/web.py            # BENCH_ARTICLES=100000 BENCH_SECONDS=30 BENCH_CLIENTS=20
"""

from __future__ import annotations

import asyncio
import io
import os
import random
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import psycopg
from psycopg.rows import dict_row

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from monitor.db import migrate  # noqa: E402
from monitor.pipeline.dedup import content_hash  # noqa: E402
from monitor.query.fold import fold  # noqa: E402
from monitor.store import keywords  # noqa: E402

ADMIN = os.environ.get("NEWSWATCH_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
ARTICLES = int(os.environ.get("BENCH_ARTICLES", "100000"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "30"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "20"))
WORKERS = int(os.environ.get("BENCH_WORKERS", str(os.cpu_count() or 1)))

OUTLETS = ["Trend", "APA", "AZERTAC", "Report", "Azernews", "OC Media", "JAMnews", "Civil.ge", "MENAFN", "News.az"]
TOPIC = {
    "en": "election president vote observers OSCE polling station turnout ballot Aliyev candidate campaign snap "
    "parliament commission Baku Karabakh opposition result count monitors".split(),
    "az": "seçki seçkilər prezident səsvermə müşahidəçi məntəqə Əliyev namizəd Bakı Qarabağ komissiya nəticə".split(),
    "ru": "выборы президент голосование наблюдатели участок явка бюллетень Алиев кандидат Баку комиссия".split(),
}
FILLER = [f"w{n}" for n in range(3000)]  # a long tail of ordinary words

QUERIES: list[dict[str, str]] = [
    {},
    {"q": "election"},
    {"q": "seçki*"},
    {"q": "выборы"},
    {"q": '"snap election"'},
    {"q": "observers OR monitors"},
    {"q": "aliyev*"},
    {"q": "title:election"},
    {"q": "election -football"},
    {"q": "w17"},
    {"q": "w2999"},
    {"q": "turnout", "lang": "en"},
    {"source": "Trend"},
    {"keyword": "election"},
    {"q": "baku", "since": "7 days ago"},
    {"q": "election", "offset": "100"},
    {"include_duplicates": "1"},
    {"q": "ballot", "source": "APA", "include_duplicates": "1"},
]


def with_db(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/" + name))


def text_of(rng: random.Random, lang: str) -> tuple[str, str]:
    topic = TOPIC[lang]
    title = " ".join(rng.choice(topic).capitalize() if i == 0 else rng.choice(topic + FILLER[:50]) for i in range(7))
    words = [
        rng.choice(topic) if rng.random() < 0.12 else FILLER[int(rng.paretovariate(1.1)) % 3000] for _ in range(140)
    ]
    sentences = [" ".join(words[i : i + 14]).capitalize() + "." for i in range(0, len(words), 14)]
    return title, "\n".join(" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3))


def copy_line(values: list[object]) -> str:
    def cell(v: object) -> str:
        if v is None:
            return "\\N"
        s = v.isoformat() if isinstance(v, datetime) else str(v)
        return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")

    return "\t".join(cell(v) for v in values) + "\n"


def load(url: str) -> None:
    """ARTICLES articles over 90 days, 5% of them verbatim copies, a fifth grouped in stories."""
    rng = random.Random(7)
    now = datetime.now(UTC)
    started = time.monotonic()
    buf = io.StringIO()
    texts: list[tuple[str, str, str]] = []
    for i in range(1, ARTICLES + 1):
        outlet = OUTLETS[i % len(OUTLETS)]
        lang = rng.choices(["en", "az", "ru"], [6, 2, 2])[0]
        duplicate_of = None
        if i > 100 and rng.random() < 0.05:
            duplicate_of = rng.randrange(1, i)
            title, text, lang = texts[duplicate_of - 1]
        else:
            title, text = text_of(rng, lang)
        texts.append((title, text, lang))
        published = now - timedelta(seconds=(ARTICLES - i) * 90 * 86400 / ARTICLES + rng.random() * 600)
        story = (i // 5) if rng.random() < 0.2 else None
        buf.write(
            copy_line(
                [
                    i,
                    outlet,
                    f"https://{outlet.lower().replace(' ', '')}.example/{i}",
                    title,
                    text,
                    fold(title + "\n" + text),
                    fold(title),
                    fold(outlet),
                    lang,
                    published,
                    published,
                    published,
                    content_hash(text),
                    duplicate_of,
                    story,
                    "ab" * 32,
                ]
            )
        )
    with psycopg.connect(url, autocommit=True) as conn:
        with conn.cursor().copy(
            "COPY articles (id, outlet, url, title, text, folded, folded_title, folded_outlet, lang, published_at,"
            " fetched_at, stored_at, content_hash, duplicate_of, story_id, raw_sha256) FROM STDIN"
        ) as copy:
            copy.write(buf.getvalue())
        conn.execute("SELECT setval('articles_id_seq', %s)", (ARTICLES,))
        conn.execute(
            "INSERT INTO sources (name, url) SELECT o, 'https://' || o || '.example/rss' FROM unnest(%s::text[]) o",
            (OUTLETS,),
        )
        conn.execute("VACUUM ANALYZE articles")
        conn.execute("ANALYZE sources")
    print(f"loaded {ARTICLES} articles in {time.monotonic() - started:.1f} s")


async def schema(url: str) -> None:
    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
        await migrate.migrate(conn)


async def add_keywords(url: str) -> None:
    """Watched keywords, each matched against the whole archive as `keywords add` does."""
    async with await psycopg.AsyncConnection.connect(url, autocommit=True, row_factory=dict_row) as conn:
        for name, query in [("election", "election OR seçki* OR выборы"), ("observers", "observers OR müşahidəçi")]:
            await keywords.add(conn, name, query)
        await conn.execute("ANALYZE article_keywords")  # as autovacuum would, soon after


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def get(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str) -> int:
    """One keep-alive HTTP/1.1 GET; returns the status. A minimal client, so the load generator
    leaves the CPU to the server."""
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())  # an allowed host
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = next(
        int(line.split(b":")[1]) for line in head.lower().split(b"\r\n") if line.startswith(b"content-length")
    )
    await reader.readexactly(length)
    return status


async def drive(port: int, paths: list[tuple[int, str]]) -> tuple[dict[int, list[float]], int, float]:
    latencies: dict[int, list[float]] = defaultdict(list)
    failures = 0
    deadline = time.monotonic() + SECONDS

    async def client(n: int) -> None:
        nonlocal failures
        rng = random.Random(n)
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        while time.monotonic() < deadline:
            kind, path = rng.choice(paths)
            t = time.perf_counter()
            status = await get(reader, writer, path)
            latencies[kind].append(time.perf_counter() - t)
            failures += status != 200
        writer.close()

    started = time.monotonic()
    await asyncio.gather(*(client(n) for n in range(CLIENTS)))
    return latencies, failures, time.monotonic() - started


def pct(values: list[float], p: float) -> float:
    return (
        statistics.quantiles(values, n=100, method="inclusive")[p - 1] * 1000 if len(values) > 1 else values[0] * 1000
    )


def main() -> int:
    name = f"nw_bench_web_{os.getpid()}"
    with psycopg.connect(ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = with_db(ADMIN, name)
    server = None
    try:
        asyncio.run(schema(url))
        load(url)
        asyncio.run(add_keywords(url))
        port = free_port()
        env = {**os.environ, "NEWSWATCH_DATABASE_URL": url, "NEWSWATCH_HOME": "/tmp/newswatch-bench"}
        server = subprocess.Popen(
            [sys.executable, "-m", "monitor", "web", "--port", str(port), "--workers", str(WORKERS)], env=env, cwd=ROOT
        )
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).close()
                break
            except OSError:
                time.sleep(0.2)
        since = (datetime.now(UTC) - timedelta(days=7)).date().isoformat()
        paths = [
            (i, "/api/articles?" + urlencode({k: (since if v == "7 days ago" else v) for k, v in q.items()}))
            for i, q in enumerate(QUERIES)
        ]
        asyncio.run(drive_briefly(port, paths))  # warm the caches and the pool
        latencies, failures, elapsed = asyncio.run(drive(port, paths))
        every = [v for vs in latencies.values() for v in vs]
        print(
            f"GET /api/articles, {ARTICLES} articles, {CLIENTS} concurrent clients, {WORKERS} web workers, "
            f"{elapsed:.0f} s, "
            f"{len(QUERIES)} queries"
        )
        print(
            f"  {len(every) / elapsed:.1f} requests/s, p50 {pct(every, 50):.1f} ms, p95 {pct(every, 95):.1f} ms, "
            f"p99 {pct(every, 99):.1f} ms, non-200: {failures}"
        )
        print(
            f"  (load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; other work skews these)"
        )
        for i, q in enumerate(QUERIES):
            vs = latencies.get(i, [])
            if vs:
                print(
                    f"  {' '.join(f'{k}={v}' for k, v in q.items()) or '(latest)':45} n={len(vs):5d}  "
                    f"p50 {pct(vs, 50):7.1f} ms  p95 {pct(vs, 95):7.1f} ms"
                )
        return 0 if failures == 0 else 1
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=15)
        with psycopg.connect(ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def drive_briefly(port: int, paths: list[tuple[int, str]]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    for _, path in paths:
        await get(reader, writer, path)
    writer.close()


if __name__ == "__main__":
    sys.exit(main())
