"""Archive search at scale: load N generated articles (default 1,000,000) into a dedicated
PostgreSQL database, then print p50/p95 latency of many query shapes, newest first and by
relevance, through the real `monitor.store.articles.search`; and the time to match one new
article against 1,000 keywords in process.

    .venv/bin/python bench/search.py                      # 1M articles (loads once, reused after)
    .venv/bin/python bench/search.py --articles 20000     # a quick run
    .venv/bin/python bench/search.py --reload             # drop and load again
    .venv/bin/python bench/search.py --explain            # also each shape's plan (EXPLAIN ANALYZE)

The database (default `newswatch_bench_<N>`) is created on `--url`'s server and kept, so a second
run measures queries only; `--drop` removes it at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg.rows import dict_row

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus import NAMES, OUTLETS, Vocabulary, articles  # noqa: E402
from monitor.db import migrate  # noqa: E402
from monitor.pipeline.match import match  # noqa: E402
from monitor.query import parse  # noqa: E402
from monitor.query.fold import fold  # noqa: E402
from monitor.query.match import Doc  # noqa: E402
from monitor.query.sql import compile_sql  # noqa: E402
from monitor.store.articles import NEWEST, Filters, _filters, search  # noqa: E402

CHUNK = 5_000
COLUMNS = "outlet, url, title, text, folded, folded_title, folded_outlet, lang, published_at, fetched_at"


def _rows(bounds: tuple[int, int]) -> list[tuple]:
    start, stop = bounds
    vocab = _VOCAB
    out = []
    for i, a in enumerate(articles(stop - start, vocab, seed=start)):
        out.append(
            (
                a.outlet,
                a.url.rsplit("/", 1)[0] + f"/{start + i}",
                a.title,
                a.text,
                fold(a.title + "\n" + a.text),
                fold(a.title),
                fold(a.outlet),
                a.lang,
                a.published_at,
                a.published_at + timedelta(minutes=5),
            )
        )
    return out


_VOCAB: Vocabulary


def _init_worker() -> None:
    global _VOCAB
    _VOCAB = Vocabulary.make()


def _with_db(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/" + name))


def load(admin_url: str, name: str, n: int) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    url = _with_db(admin_url, name)

    async def upgrade() -> None:
        async with await psycopg.AsyncConnection.connect(url, autocommit=True) as c:
            await migrate.migrate(c)

    asyncio.run(upgrade())
    t0 = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        # indexes are built once after the load: much faster than maintaining them row by row
        indexes = conn.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i"
            " LEFT JOIN pg_constraint c ON c.conname = i.indexname"
            " WHERE i.tablename = 'articles' AND c.conname IS NULL"
        ).fetchall()
        for index_name, _ in indexes:
            conn.execute(f'DROP INDEX "{index_name}"')
        chunks = [(s, min(s + CHUNK, n)) for s in range(0, n, CHUNK)]
        done = 0
        with (
            multiprocessing.Pool(2, initializer=_init_worker) as pool,
            conn.cursor().copy(f"COPY articles ({COLUMNS}) FROM STDIN") as copy,
        ):
            for rows in pool.imap(_rows, chunks):
                for row in rows:
                    copy.write_row(row)
                done += len(rows)
                print(f"\rloaded {done:,}/{n:,} ({time.perf_counter() - t0:.0f} s)", end="", file=sys.stderr)
        print(file=sys.stderr)
        t1 = time.perf_counter()
        conn.execute("SET maintenance_work_mem = '1GB'")
        for index_name, definition in indexes:
            t = time.perf_counter()
            conn.execute(definition)
            print(f"index {index_name}: {time.perf_counter() - t:.0f} s", file=sys.stderr)
        conn.execute("VACUUM ANALYZE articles")
        print(f"load: {n:,} articles in {t1 - t0:.0f} s, indexes and analyze {time.perf_counter() - t1:.0f} s")


def shapes(vocab: Vocabulary, newest: datetime) -> list[tuple[str, list[str], Filters]]:
    """(label, queries to rotate through, filters): rare, common, phrase, prefix, OR, exclusion, fields."""
    en, ru, az = (lambda r, lang=lang: vocab.rank(lang, r) for lang in ("en", "ru", "az"))
    tail = -1  # the rarest word of each language's Zipf tail
    month_ago = newest - timedelta(days=30)
    year_ago = (newest - timedelta(days=365), newest - timedelta(days=335))
    none = Filters()
    rare = [en(tail - i) for i in range(0, 40, 2)]
    mid = [en(2000 + 37 * i) for i in range(20)]
    common = [en(i) for i in range(20, 40)]
    return [
        ("rare word", rare, none),
        ("rare word, ru", [ru(tail - i) for i in range(0, 40, 2)], none),
        ("very rare: two rare words", [f"{a} {b}" for a, b in zip(rare, reversed(rare), strict=True)], none),
        ("absent word", [f"zzqx{i}" for i in range(20)], none),
        ("mid-frequency word", mid, none),
        ("common word", common, none),
        ("common word, az", [az(i) for i in range(20, 40)], none),
        ("name", ["Əliyev", "ƏLİYEV", "İlham", "Алиев", "Panahov"], none),
        ("phrase of common words", [f'"{en(i)} {en(i + 1)}"' for i in range(20, 40)], none),
        ("phrase, rare", [f'"{a} {en(30)}"' for a in rare], none),
        ("prefix, common", ["seçki*", "выбор*", "observ*", "elect*", "наблюдат*"], none),
        ("prefix, rare", [w[:5] + "*" for w in rare], none),
        ("OR of two rare", [f"{a} OR {b}" for a, b in zip(rare, reversed(rare), strict=True)], none),
        ("OR, rare or common", [f"{a} OR {b}" for a, b in zip(rare, common, strict=True)], none),
        ("exclusion, common -common", [f"{a} -{b}" for a, b in zip(common, reversed(common), strict=True)], none),
        ("exclusion, rare -common", [f"{a} -{b}" for a, b in zip(rare, common, strict=True)], none),
        ("AND of two mid", [f"{a} {b}" for a, b in zip(mid, common, strict=True)], none),
        ("title: rare", [f"title:{w}" for w in rare], none),
        ("title: common", [f"title:{w}" for w in common], none),
        ("keyword-like OR of 5", ['"presidential election" OR "snap election" OR seçki* OR выбор* OR CEC'], none),
        ("rare, last 30 days", rare, Filters(since=month_ago)),
        ("common, last 30 days", common, Filters(since=month_ago)),
        ("common, a month a year ago", common, Filters(since=year_ago[0], until=year_ago[1])),
        ("rare, one source", rare, Filters(source=OUTLETS[3])),
        ("common, one source", common, Filters(source=OUTLETS[3])),
        ("common, one source, 30 days", common, Filters(source=OUTLETS[3], since=month_ago)),
        ("lang:ru common", [f"lang:ru {ru(i)}" for i in range(20, 40)], none),
        ("no query, one source", [""], Filters(source=OUTLETS[5])),
        ("no query", [""], none),
        ("common, page 5", common, Filters(offset=200)),
    ]


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


async def measure(url: str, vocab: Vocabulary, runs: int) -> dict[str, list[float]]:
    worst: dict[str, list[float]] = {"newest": [], "relevance": []}
    async with await psycopg.AsyncConnection.connect(url, autocommit=True, row_factory=dict_row) as conn:
        newest = (await (await conn.execute("SELECT max(published_at) AS m FROM articles")).fetchone())["m"]
        print(f"\n{'shape':34} {'matches':>8} | {'newest p50':>10} {'p95':>7} | {'ranked p50':>10} {'p95':>7}  (ms)")
        for label, queries, filters in shapes(vocab, newest):
            trees = [parse(q) for q in queries]
            count_sql = "SELECT count(*) AS n FROM (SELECT 1 FROM articles a WHERE {} LIMIT 100000) s"
            cond, params = compile_sql(trees[0])
            n = (await (await conn.execute(count_sql.format(cond).encode(), params)).fetchone())["n"]
            line = f"{label:34} {n if n < 100000 else '100k+':>8}"
            for sort in ("newest", "relevance"):
                f = Filters(**{**filters.__dict__, "sort": sort})
                await search(conn, trees[0], f)  # warm
                times = []
                for i in range(runs):
                    t = time.perf_counter()
                    await search(conn, trees[i % len(trees)], f)
                    times.append((time.perf_counter() - t) * 1000)
                p50, p95 = percentile(times, 50), percentile(times, 95)
                worst[sort].append(p95)
                line += f" | {p50:10.1f} {p95:7.1f}"
            print(line, flush=True)
    return worst


def _nodes(plan: dict) -> list[str]:
    name = plan["Node Type"] + (f" {plan['Index Name']}" if "Index Name" in plan else "")
    return [name] + [n for child in plan.get("Plans", []) for n in _nodes(child)]


async def explain(url: str, vocab: Vocabulary) -> None:
    """Each shape's newest-first page as PostgreSQL runs it: the plan's nodes, pages read, time."""
    async with await psycopg.AsyncConnection.connect(url, autocommit=True, row_factory=dict_row) as conn:
        top = await (await conn.execute("SELECT max(published_at) AS m FROM articles")).fetchone()
        assert top is not None
        newest = top["m"]
        print(f"\n{'shape (first query, newest first)':34} {'pages':>8} {'ms':>7}  plan")
        for label, queries, filters in shapes(vocab, newest):
            condition, params = compile_sql(parse(queries[0]))
            where, args = _filters(filters)
            sql = (
                f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) SELECT a.id FROM articles a"
                f" WHERE {' AND '.join([condition, *where])} ORDER BY {NEWEST} LIMIT %s OFFSET %s"
            )
            row = await (await conn.execute(sql.encode(), [*params, *args, filters.limit, filters.offset])).fetchone()
            assert row is not None
            plan = row["QUERY PLAN"][0]
            pages = plan["Plan"]["Shared Hit Blocks"] + plan["Plan"]["Shared Read Blocks"]
            print(f"{label:34} {pages:8,} {plan['Execution Time']:7.1f}  {' > '.join(_nodes(plan['Plan']))}")


def matching(vocab: Vocabulary, n_keywords: int = 1000, n_docs: int = 300) -> tuple[float, float]:
    """p50 and p95 ms to match one article against `n_keywords` generated keyword queries."""
    rng = random.Random(5)

    def word(lang: str) -> str:
        return vocab.rank(lang, rng.randrange(len(vocab.words[lang])))

    def term() -> str:
        lang = rng.choice(["en", "ru", "az"])
        kind = rng.random()
        if kind < 0.5:
            return word(lang)
        if kind < 0.7:
            return word(lang)[:5] + "*"
        if kind < 0.9:
            return f'"{word(lang)} {word(lang)}"'
        return rng.choice(NAMES)

    queries = []
    for _ in range(n_keywords):
        parts = [term() for _ in range(rng.randint(1, 4))]
        q = " OR ".join(parts) if rng.random() < 0.7 else " ".join(parts)
        if rng.random() < 0.2:
            q = f"({q}) -{word('en')}"
        queries.append(q)
    keywords = [(f"k{i}", parse(q)) for i, q in enumerate(queries)]
    docs = [Doc.of(a.title, a.text, a.outlet, a.lang) for a in articles(n_docs, vocab, seed=99)]
    times, hits = [], 0
    for d in docs:
        t = time.perf_counter()
        hits += len(match(d, keywords))
        times.append((time.perf_counter() - t) * 1000)
    print(f"\nmatching one article against {n_keywords} keywords ({hits / n_docs:.1f} hits per article):")
    return percentile(times, 50), percentile(times, 95)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/postgres", help="an admin connection")
    ap.add_argument("--articles", type=int, default=1_000_000)
    ap.add_argument("--db", help="database name (default newswatch_bench_<N>)")
    ap.add_argument("--reload", action="store_true", help="load again even if the database is there")
    ap.add_argument("--load-only", action="store_true")
    ap.add_argument("--runs", type=int, default=40, help="timed queries per shape and order")
    ap.add_argument("--drop", action="store_true", help="drop the database at the end")
    ap.add_argument("--explain", action="store_true", help="also print each shape's plan, pages read and time")
    args = ap.parse_args()
    name = args.db or f"newswatch_bench_{args.articles}"
    url = _with_db(args.url, name)
    with psycopg.connect(args.url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
    if args.reload or not exists:
        load(args.url, name, args.articles)
    else:

        async def upgrade() -> None:  # a kept database gets new migrations (and their indexes)
            async with await psycopg.AsyncConnection.connect(url, autocommit=True) as c:
                await migrate.migrate(c)

        asyncio.run(upgrade())
    if args.load_only:
        return
    vocab = Vocabulary.make()
    if args.explain:
        asyncio.run(explain(url, vocab))
    worst = asyncio.run(measure(url, vocab, args.runs))
    p50, p95 = matching(vocab)
    print(f"  p50 {p50:.2f} ms, p95 {p95:.2f} ms (target < 5 ms)")
    print(
        f"\nworst p95: newest first {max(worst['newest']):.1f} ms (target < 50), "
        f"ranked {max(worst['relevance']):.1f} ms (target < 150)"
    )
    if args.drop:
        with psycopg.connect(args.url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
