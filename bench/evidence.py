"""Evidence benchmark: what raw captures cost on disk and in CPU, and what re-checks add.

1. Bytes stored per article: WARC records (request + response, gzip per record) of generated pages
   shaped like real outlet pages (a head with meta tags and JSON-LD, inline scripts, a navigation of
   ~150 links, a 500-900 word article in en/ru/az from bench/corpus.py, a sidebar, a footer: 90-160
   KB of HTML), served as is and gzip-encoded by the server (then kept as sent).
2. Capture write cost: CPU ms per article to build the records and append them (target < 1 ms), and
   the wall time with the fdatasync that precedes each article's commit.
3. Export throughput: `evidence export` of those captures (read back, digests checked, copied).
4. Re-check load: real re-checks (spiders.recheck) of N stored articles against a loopback site,
   answered 304, or 200 with the same page (extracted and compared), CPU per re-check in this
   process and the extraction worker; then the load of 500 sources x 50 articles a day re-checked on
   NEWSWATCH_RECHECK's 5 steps (target < 5 % of a core).

    .venv/bin/python bench/evidence.py [--pages 400] [--rechecks 200]

Uses NEWSWATCH_DATABASE_URL (a server where it may create a database) or the embedded server
under .newswatch-bench/.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.corpus import Vocabulary, articles  # noqa: E402
from bench.ingest import database_url, worker_cpu  # noqa: E402
from monitor.evidence import export, files, warc  # noqa: E402

SECTIONS = "politics economy society world sport culture analytics interview region photo video".split()


titles_pool: list[str] = []
words_pool: list[str] = []


def page(n: int, rng: random.Random, a: Any) -> bytes:
    """An outlet's article page: mostly boilerplate around the article, as real pages are."""
    nav = "".join(
        f'<li class="menu-item menu-{s}"><a href="/{s}/{rng.randint(1, 99)}/">{s.title()} {i}</a></li>'
        for i in range(150)
        for s in [rng.choice(SECTIONS)]
    )
    # teasers of other stories: most of a real page's text that is not the article
    teasers = "".join(
        f'<div class="teaser"><a href="/news/{rng.randint(10**6, 10**7)}.html">'
        f'<img src="/img/{rng.randint(1, 10**6)}.jpg"'
        f' alt="" loading="lazy" width="320" height="180"><h4>{t}</h4></a><p>{" ".join(rng.sample(words_pool, 25))}</p>'
        f'<span class="date">{rng.randint(1, 28)}.02.2024 {rng.randint(0, 23):02}:{rng.randint(0, 59):02}</span></div>'
        for t in rng.sample(titles_pool, 40)
    )
    meta = "".join(
        f'<meta property="og:{k}" content="{v}">'
        for k, v in [("title", a.title), ("type", "article"), ("url", f"https://outlet.example/{n}.html")]
    )
    ld = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": a.title,
            "datePublished": a.published_at.isoformat(),
            "author": {"@type": "Person", "name": "Staff"},
            "publisher": {"@type": "Organization", "name": a.outlet},
        },
        ensure_ascii=False,
    )
    # analytics, ads and consent code: the same on every page of an outlet, tens of KB
    script = "".join(
        f"window.dataLayer=window.dataLayer||[];function g{i}(){{dataLayer.push(arguments)}}"
        f"g{i}('config','UA-{1000 + i}');var s{i}=document.createElement('script');s{i}.async=true;"
        f"s{i}.src='https://ads.example/slot/{i}.js?site=outlet&zone={i % 7}';document.head.appendChild(s{i});"
        for i in range(120)
    )
    words = a.text.split()
    paras = "".join(f"<p>{' '.join(words[i : i + 60])}</p>" for i in range(0, len(words), 60))
    side = "".join(
        f'<li><a href="/news/{rng.randint(10**6, 10**7)}.html">{rng.choice(SECTIONS)} {t}</a></li>' for t in range(20)
    )
    return (
        f'<!DOCTYPE html><html lang="{a.lang}"><head><meta charset="utf-8"><title>{a.title}</title>{meta}'
        f'<link rel="stylesheet" href="/static/site.css?v=123"><script type="application/ld+json">{ld}</script>'
        f"<script>{script}</script></head><body><header><nav><ul>{nav}</ul></nav></header>"
        f'<main><article><h1>{a.title}</h1><div class="article-content">{paras}</div></article>'
        f'<aside><h3>Most read</h3><ul>{side}</ul></aside><section class="related">{teasers}</section></main>'
        f"<footer><p>&copy; 2024 {a.outlet}. All rights reserved.</p></footer></body></html>"
    ).encode()


def pages(n: int) -> list[tuple[bytes, Any]]:
    rng = random.Random(5)
    vocab = Vocabulary.make(tail=20_000)
    out = []
    generated = articles(3 * n, vocab)
    for other in articles(400, vocab, seed=3):
        titles_pool.append(other.title)
        words_pool.extend(other.text.split()[:40])
    for i in range(n):
        # real articles run 500-900 words; the corpus' are shorter: three make one
        a, b, c = next(generated), next(generated), next(generated)
        a.text = " ".join([a.text, b.text, c.text]) if b.lang == a.lang == c.lang else a.text + " " + a.text
        out.append((page(i, rng, a), a))
    return out


def exchange(url: str, body: bytes, encoded: bool) -> warc.Exchange:
    headers: tuple[tuple[str, str], ...] = (
        ("Server", "nginx"),
        ("Date", "Wed, 07 Feb 2024 12:30:00 GMT"),
        ("Content-Type", "text/html; charset=UTF-8"),
        ("Cache-Control", "max-age=60"),
        ("ETag", '"5f2a-61b9"'),
        ("Last-Modified", "Wed, 07 Feb 2024 12:29:00 GMT"),
        ("Set-Cookie", "PHPSESSID=8c1f0e2d; path=/; HttpOnly"),
        ("X-Cache", "MISS"),
    )
    if encoded:
        headers += (("Content-Encoding", "gzip"), ("Vary", "Accept-Encoding"))
    request = (
        ("User-Agent", "Newswatch/0.1.0 (+https://github.com/newswatch/newswatch)"),
        ("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
        ("Accept-Language", "en"),
        ("Accept-Encoding", "gzip, deflate, br, zstd"),
    )
    return warc.Exchange(url, "GET", request, 200, "HTTP/1.1", headers, body, "192.0.2.10", datetime.now(UTC))


def storage_and_writes(docs: list[tuple[bytes, Any]], folder: Path) -> list[dict[str, Any]]:
    sizes = [len(b) for b, _ in docs]
    print(
        f"pages: {len(docs)}, HTML {statistics.median(sizes) / 1024:.0f} KB median "
        f"({min(sizes) / 1024:.0f}-{max(sizes) / 1024:.0f} KB)"
    )
    rows = []
    for encoded in (False, True):
        writer = files.WarcFiles(folder / ("gz" if encoded else "plain"))
        bodies = [gzip.compress(b, 6) if encoded else b for b, _ in docs]  # nginx's default level
        stored, cpu_ms, wall_ms = [], [], []
        for i, body in enumerate(bodies):
            x = exchange(f"https://outlet.example/news/{i}.html", body, encoded)
            w, c = time.perf_counter(), time.process_time()
            data, digest = warc.records((x,))
            name, offset = writer.append(data)
            cpu_ms.append(1000 * (time.process_time() - c))
            wall_ms.append(1000 * (time.perf_counter() - w))
            stored.append(len(data))
            if encoded:
                rows.append(
                    {
                        "article_id": i,
                        "n": 1,
                        "warc_file": name,
                        "warc_offset": offset,
                        "warc_length": len(data),
                        "payload_digest": digest,
                    }
                )
        writer.close()
        label = "served gzip-encoded, kept as sent" if encoded else "served as is (identity)"
        print(
            f"WARC bytes per article, {label}: {statistics.mean(stored) / 1024:.1f} KB mean, "
            f"{statistics.median(stored) / 1024:.1f} KB median"
        )
        print(
            f"  capture write: {statistics.mean(cpu_ms):.2f} ms CPU per article (median "
            f"{statistics.median(cpu_ms):.2f}; target < 1 ms); {statistics.median(wall_ms):.2f} ms wall "
            f"median with fdatasync (p95 {sorted(wall_ms)[int(len(wall_ms) * 0.95)]:.2f})"
        )
    return rows


def exporting(folder: Path, rows: list[dict[str, Any]]) -> None:
    target = folder / "export.warc.gz"
    best = None
    for _ in range(3):
        w = time.perf_counter()
        done = export.export(folder / "gz", rows, target)
        took = time.perf_counter() - w
        best = took if best is None else min(best, took)
    assert best is not None
    print(
        f"export: {done.captures} captures, {done.bytes / 1048576:.1f} MiB in {best:.2f} s: "
        f"{done.captures / best:.0f} captures/s, {done.bytes / 1048576 / best:.1f} MiB/s (digests checked)"
    )


class Site:
    """N article pages on loopback, with an ETag; `mode` 304 answers a matching If-None-Match."""

    def __init__(self, docs: list[tuple[bytes, Any]]):
        site = self
        self.mode = "304"
        self.requests = 0
        feed = "".join(
            f"<item><title>t{i}</title><link>{{base}}/a/{i}.html</link><guid>g{i}</guid></item>"
            for i in range(len(docs))
        )

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                site.requests += 1
                if self.path == "/robots.txt":
                    return self.reply(200, b"User-agent: *\n", None)
                if self.path == "/feed.rss":
                    body = f'<?xml version="1.0"?><rss version="2.0"><channel>{feed}</channel></rss>'
                    return self.reply(200, body.replace("{base}", site.base).encode(), None)
                n = int(self.path.split("/")[-1].split(".")[0])
                etag = f'"a{n}"'
                if site.mode == "304" and self.headers.get("If-None-Match") == etag:
                    return self.reply(304, b"", etag)
                self.reply(200, docs[n][0], etag if site.mode == "304" else None)

            def reply(self, status: int, body: bytes, etag: str | None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                if etag:
                    self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def rechecking(docs: list[tuple[bytes, Any]], home: Path) -> dict[str, float]:
    url = database_url()
    os.environ.update(
        NEWSWATCH_DATABASE_URL=url,
        NEWSWATCH_ALLOW_PRIVATE_NETWORKS="true",
        NEWSWATCH_HOST_DELAY_S="0",
        NEWSWATCH_HOME=str(home),
    )
    site = Site(docs)
    from monitor import config, runtime
    from monitor.pipeline import ingest, workers
    from monitor.service import database
    from monitor.store import rechecks, sources
    from spiders.crawl import poll
    from spiders.recheck import recheck

    settings = config.load()

    def workers_cpu() -> float:
        return sum(worker_cpu(pid) for pid in workers._pool._processes) if workers._pool else 0.0

    async def main() -> dict[str, float]:
        async with database(settings, upgrade=True) as pool:
            async with pool.connection() as conn:
                src = await sources.add(conn, "Outlet", site.base + "/feed.rss", lang="en")
            warm = (
                "<html><body><article><p>" + "The commission counted the ballots. " * 5 + "</p></article></body></html>"
            )
            await workers.run(ingest.extract, warm, "http://warm.example/")
            await poll(pool, settings, [src])
            cost = {}
            for mode in ("304", "200"):
                site.mode = mode
                async with pool.connection() as conn:
                    await conn.execute("UPDATE article_checks SET due_at = now(), claimed_until = NULL")
                    due = await rechecks.claim_due(conn, 600, 100_000)
                before_requests, before_workers = site.requests, workers_cpu()
                w, c = time.perf_counter(), time.process_time()
                outcomes = await recheck(pool, settings, due)
                wall, cpu = time.perf_counter() - w, time.process_time() - c
                extract = workers_cpu() - before_workers
                kinds = sorted({o.outcome for o in outcomes.values()})
                n = len(due)
                cost[mode] = (cpu + extract) / n
                print(
                    f"re-check answered {mode}: {n} articles, outcomes {kinds}, {site.requests - before_requests}"
                    f" requests; {1000 * cpu / n:.2f} ms CPU per re-check in the worker"
                    f" + {1000 * extract / n:.2f} ms extracting; {n / wall:.0f} re-checks/s"
                )
            return cost

    return runtime.run(main)


def load(cost: dict[str, float], page_kb: float) -> None:
    per_day = 500 * 50
    steps = len(config_steps())
    checks_h = per_day * steps / 24
    print(f"\nload of 500 sources x 50 articles a day ({per_day:,} articles/day), {steps} re-checks each:")
    print(f"  {checks_h:,.0f} requests/hour ({checks_h / 3600:.2f}/s), spread over the outlets' hosts")
    for mode, label in (("304", "every page answers 304"), ("200", "no page supports conditional GET (200, same)")):
        share = checks_h / 3600 * cost[mode]
        print(f"  CPU if {label}: {100 * share:.2f} % of a core (target < 5 %)")
    year_gb = per_day * 365 * page_kb / 1024 / 1024
    print(
        f"  disk for a year of first captures at {page_kb:.0f} KB each: {year_gb:,.0f} GiB"
        " (plus one capture per edit or takedown found)"
    )


def config_steps() -> tuple[int, ...]:
    from monitor import config

    return tuple(config.load({}).recheck)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=400)
    ap.add_argument("--rechecks", type=int, default=200)
    args = ap.parse_args()
    print(f"load average: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    docs = pages(args.pages)
    with tempfile.TemporaryDirectory(prefix="nw-bench-evidence-") as tmp:
        folder = Path(tmp)
        rows = storage_and_writes(docs, folder)
        exporting(folder, rows)
        gz_kb = statistics.mean(r["warc_length"] for r in rows) / 1024
        cost = rechecking(docs[: args.rechecks], folder / "home")
    load(cost, gz_kb)


if __name__ == "__main__":
    main()
