"""Benchmark of near-duplicate detection: fingerprint throughput, and lookup latency at 1M signatures.

    .venv/bin/python bench/dedup.py [--url postgresql://postgres@127.0.0.1:5432/postgres] [--signatures 1000000]

1. Throughput, one core: documents per second through monitor.pipeline.fingerprint.fingerprint
   (fold, 5-word shingles, MinHash), on article-like texts built from the evaluation set's
   paragraphs; and the MinHash step alone, rensa's RMinHash against datasketch's
   MinHash.update_batch on the same shingle sets.
2. Lookup: a dedicated database on the server at --url (created, migrated, dropped at the end)
   gets N signatures with their LSH bands by COPY: 1,000 real articles and N - 1,000 random
   signatures. Then 1,000 copies of the real ones (MENAFN-style, or trimmed) are looked up:
   the band lookup alone (monitor.store.fingerprints.candidates) and the whole near-duplicate
   decision with its exact text check and template discount (monitor.store.originals.decide),
   p50 and p95, in a first
   (cold) and a second (warm) pass.
3. Seeds (issue 14): the archive is loaded in stages (--seed-at, default 100,000 and 1,000,000);
   at each, a seed whose text 20 stored articles reproduce is added through
   monitor.store.seeds.add (the save, and the look-back over the whole archive through the LSH
   index, in one transaction), then removed (its copies decided again), twice. The random
   signatures never share a band with it, so the figure is the index path's cost at that size, plus
   the copies' groups. Target: under 2 s at 1M.
4. The republication record: a seed with 500 copies (about 400 words each, each trimmed or
   extended its own way), GET /seeds/{id} through the app in process (the query, the word diffs of
   monitor.evidence.diff, the template), and GET /api/seeds/{id}. Target: under 200 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import numpy as np
import psycopg
from psycopg.rows import dict_row

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from monitor.db import migrate  # noqa: E402
from monitor.pipeline import fingerprint as fp  # noqa: E402
from monitor.pipeline import stories  # noqa: E402
from monitor.pipeline import templates as tpl  # noqa: E402
from monitor.store import fingerprints, originals  # noqa: E402
from tests.eval.corpus import SEED_TEXT, menafn, paragraphs, trimmed  # noqa: E402
from tests.eval.originals import ORIGINALS  # noqa: E402

REAL = 1000


def documents(n: int, rng: random.Random) -> list[str]:
    """Article-like texts (8–14 paragraphs, about 400 words) of the evaluation set's paragraphs, one
    word in four swapped for another word of the set: the same topic and vocabulary, but (as in a
    real archive) different stories rarely share a run of five words."""
    pool = [p for _, _, _, text in ORIGINALS for p in paragraphs(text)] + paragraphs(SEED_TEXT)
    vocabulary = sorted({w for p in pool for w in p.split()})
    docs = []
    for i in range(n):
        paras = []
        for p in rng.sample(pool, rng.randint(8, 14)):
            paras.append(" ".join(rng.choice(vocabulary) if rng.random() < 0.25 else w for w in p.split()))
        docs.append(f"BAKU, February {i % 28 + 1}. Report {i}.\n\n" + "\n\n".join(paras))
    return docs


def throughput(docs: list[str]) -> None:
    from datasketch import MinHash
    from rensa import RMinHash

    # CPU time of this process: documents per second per core, whatever else the machine runs
    start = time.process_time()
    for d in docs:
        fp.fingerprint(d)
    full = len(docs) / (time.process_time() - start)
    sets = [sorted(fp.shingles(d)) for d in docs]
    words = statistics.mean(len(d.split()) for d in docs)
    start = time.process_time()
    for s in sets:
        m = RMinHash(num_perm=fp.NUM_PERM, seed=fp.SEED)
        m.update(s)
        m.digest()
    rensa_rate = len(sets) / (time.process_time() - start)
    start = time.process_time()
    for s in sets:
        d = MinHash(num_perm=fp.NUM_PERM, seed=1)
        d.update_batch([x.encode() for x in s])
        d.digest()
    datasketch_rate = len(sets) / (time.process_time() - start)
    start = time.process_time()
    for d in docs:
        tpl.strip(d, frozenset(tpl.keys(d)[-3:]))
    template_ms = 1000 * (time.process_time() - start) / len(docs)
    start = time.process_time()
    for d in docs:
        stories.terms("A title of eight words for the story", d, "en")
    terms_ms = 1000 * (time.process_time() - start) / len(docs)
    print(f"documents: {len(docs)}, {words:.0f} words on average; CPU time of one core")
    print(f"template sentences (keys + strip, templates.py): {template_ms:.3f} ms per document")
    print(f"story terms (stories.terms): {terms_ms:.3f} ms per document")
    print(f"fingerprint() (fold + shingles + rensa MinHash): {full:,.0f} docs/s")
    print(f"MinHash only, {fp.NUM_PERM} permutations: rensa RMinHash {rensa_rate:,.0f} docs/s,")
    print(f"                          datasketch update_batch {datasketch_rate:,.0f} docs/s")


def pgcopy_binary(columns: list[tuple[str, np.ndarray]], rows: int) -> bytes:
    """PostgreSQL binary COPY data for fixed-width columns (int8/int4 arrays, or uint8[rows, k] for bytea)."""
    fields: list[tuple[str, str] | tuple[str, str, tuple[int]]] = [("n", ">i2")]
    for name, arr in columns:
        width = arr.shape[1] if arr.ndim == 2 else arr.dtype.itemsize
        fields.append((name + "_len", ">i4"))
        if arr.ndim == 2:
            fields.append((name, "u1", (width,)))
        else:
            fields.append((name, ">" + arr.dtype.str[1:]))
    out = np.zeros(rows, dtype=fields)
    out["n"] = len(columns)
    for name, arr in columns:
        out[name + "_len"] = arr.shape[1] if arr.ndim == 2 else arr.dtype.itemsize
        out[name] = arr
    return out.tobytes()


HEADER = b"PGCOPY\n\xff\r\n\x00" + b"\x00\x00\x00\x00" + b"\x00\x00\x00\x00"
TRAILER = b"\xff\xff"


def band_keys_np(minhash: np.ndarray) -> np.ndarray:
    """monitor.pipeline.fingerprint.band_keys for many signatures at once (checked against it below)."""
    a = minhash[:, 0::2].astype(np.uint64)
    b = minhash[:, 1::2].astype(np.uint64)
    bands = np.arange(fp.BANDS, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    return (((a << np.uint64(32)) | b) ^ bands).view(np.int64)


def load(conn: psycopg.Connection, n: int, real: list[str], rng: np.random.Generator, first: int = 1) -> None:
    """Articles `first` to `n`: the `real` texts first (when `first` is 1), random signatures after."""
    conn.execute("SET session_replication_role = replica")  # bulk load: the rows are consistent, skip FK triggers
    conn.execute("SET maintenance_work_mem = '1GB'")
    conn.execute("ALTER TABLE lsh_bands DROP CONSTRAINT lsh_bands_pkey")
    conn.execute("DROP INDEX lsh_bands_article")
    real = real if first == 1 else []
    with conn.cursor().copy("COPY articles (id, outlet, url, text) FROM STDIN") as copy:
        for i, text in enumerate(real, 1):
            copy.write_row((i, "bench", f"https://bench.example/{i}", text))
    with conn.cursor().copy("COPY articles (id, outlet, url, text) FROM STDIN") as copy:
        chunk = 100_000
        for start in range(first + len(real), n + 1, chunk):
            ids = range(start, min(start + chunk, n + 1))
            copy.write("".join(f"{i}\tbench\thttps://bench.example/{i}\t\n" for i in ids))
    sigs = [fp.fingerprint(t) for t in real]
    chunk = 250_000
    for start in range(first - 1, n, chunk):
        rows = min(chunk, n - start)
        ids = np.arange(start + 1, start + rows + 1, dtype=np.int64)
        minhash = rng.integers(0, 2**32, size=(rows, fp.NUM_PERM), dtype=np.uint64)
        sizes = rng.integers(150, 700, size=rows, dtype=np.int32)
        if start == 0:
            for i, sig in enumerate(sigs):
                minhash[i] = sig.minhash
                sizes[i] = sig.size
            assert band_keys_np(minhash[:1]).tolist()[0] == fp.band_keys(sigs[0])
        packed = np.frombuffer(minhash.astype("<u4").tobytes(), dtype=np.uint8).reshape(rows, fp.NUM_PERM * 4)
        with conn.cursor().copy("COPY fingerprints (article_id, minhash, shingles) FROM STDIN (FORMAT binary)") as c:
            c.write(HEADER + pgcopy_binary([("id", ids), ("m", packed), ("s", sizes)], rows) + TRAILER)
        keys = band_keys_np(minhash).reshape(-1)
        owners = np.repeat(ids, fp.BANDS)
        with conn.cursor().copy("COPY lsh_bands (key, article_id) FROM STDIN (FORMAT binary)") as c:
            c.write(HEADER + pgcopy_binary([("k", keys), ("a", owners)], rows * fp.BANDS) + TRAILER)
        print(f"  loaded {start + rows:,} signatures", flush=True)
    conn.execute("SELECT setval('articles_id_seq', %s)", (n,))
    conn.execute("SET session_replication_role = origin")
    started = time.perf_counter()
    conn.execute("ALTER TABLE lsh_bands ADD PRIMARY KEY (key, article_id)")
    conn.execute("CREATE INDEX lsh_bands_article ON lsh_bands (article_id)")
    conn.execute("VACUUM ANALYZE lsh_bands")
    conn.execute("VACUUM ANALYZE fingerprints")
    conn.execute("VACUUM ANALYZE articles")
    print(f"  indexes and vacuum: {time.perf_counter() - started:.0f} s")


async def lookups(url: str, real: list[str], rng: random.Random) -> None:
    queries = []
    for i, text in enumerate(real):
        copy = menafn(text) if i % 2 else trimmed(text, 4)
        queries.append((i + 1, copy, fp.fingerprint(copy)))
    later = datetime.now(UTC) + timedelta(days=1)  # the stored articles were published first
    async with await psycopg.AsyncConnection.connect(url, autocommit=True, row_factory=dict_row) as conn:
        for run in ("first pass (cold cache)", "second pass (warm cache, as in a running service)"):
            band, whole = [], []
            hits = {"MENAFN copies": 0, "trimmed to 4 paragraphs": 0}
            for want, text, sig in queries:
                t0 = time.perf_counter()
                await fingerprints.candidates(conn, sig)
                t1 = time.perf_counter()
                newcomer = originals.Newcomer("copier", text, later, later, False, None, sig, tpl.keys(text))
                found = (await originals.decide(conn, newcomer)).original
                t2 = time.perf_counter()
                band.append((t1 - t0) * 1000)
                whole.append((t2 - t1) * 1000)
                kind = "MENAFN copies" if want % 2 == 0 else "trimmed to 4 paragraphs"
                hits[kind] += found is not None and found.article_id == want
            found_text = ", ".join(f"{kind}: {n} of {len(queries) // 2}" for kind, n in hits.items())
            print(f"lookups, {run}: {len(queries)} copies of stored articles; found their original: {found_text}")
            print(f"  band lookup (fingerprints.candidates): p50 {pct(band, 50):.2f} ms, p95 {pct(band, 95):.2f} ms")
            print(f"  whole decision (originals.decide): p50 {pct(whole, 50):.2f} ms, p95 {pct(whole, 95):.2f} ms")


SEED_COPIES = 20  # stored articles that reproduce the seed of the look-back benchmark


def seed_copies(text: str) -> list[str]:
    """Republications of `text`, each its own: MENAFN-style, or trimmed, each with a line of its own."""
    return [(menafn(text) if i % 2 else trimmed(text, 5)) + f"\n\nFiled by desk {i}." for i in range(SEED_COPIES)]


def seed_draft(text: str, key: str, published: datetime) -> Any:
    from monitor.seed_draft import Draft

    return Draft(key=key, title="The seed", text=text, outlet="Seed Outlet", published_at=published, lang="en")


async def seed_lookback(url: str, text: str, size: int) -> None:
    """Add and remove a seed reproduced by SEED_COPIES stored articles, twice; time each."""
    from monitor import seeds as watch
    from monitor.store import seeds

    async with await psycopg.AsyncConnection.connect(url, autocommit=True, row_factory=dict_row) as conn:
        source = await watch.seed_source(conn)
        for run in ("first", "second"):
            draft = seed_draft(text, f"bench-{size}-{run}", datetime(2024, 2, 5, tzinfo=UTC))
            t0 = time.perf_counter()
            added = await seeds.add(conn, draft.article(source))
            t1 = time.perf_counter()
            freed = await seeds.remove(conn, added.id)
            t2 = time.perf_counter()
            print(
                f"seed look-back at {size:,} articles ({run}): add {(t1 - t0) * 1000:.0f} ms"
                f" ({added.copies} copies found), remove {(t2 - t1) * 1000:.0f} ms ({len(freed)} re-decided)"
            )


async def record_render(url: str, rng: random.Random) -> None:
    """A seed with 500 copies: GET /seeds/{id} and /api/seeds/{id} in process, 20 times each."""
    import httpx

    from monitor import config
    from monitor import seeds as watch
    from monitor.db import open_pool
    from monitor.store import seeds
    from monitor.web.app import create_app

    text = documents(1, rng)[0]
    pool = await open_pool(url, max_size=2)
    try:
        async with pool.connection() as conn:
            draft = seed_draft(text, "bench-record", datetime(2024, 2, 5, tzinfo=UTC))
            added = await seeds.add(conn, draft.article(await watch.seed_source(conn)))
            words = text.split()
            async with conn.cursor() as cur:
                rows = []
                for i in range(500):
                    cut = rng.randint(0, len(words) // 4)
                    body = " ".join(["(Desk", f"{i})", *words[cut:], *rng.sample(words, rng.randint(0, 30))])
                    at = datetime(2024, 2, 5, tzinfo=UTC) + timedelta(minutes=rng.randint(-60, 60 * 72))
                    rows.append(
                        (
                            f"Outlet {i % 60}",
                            f"https://copies.example/{i}",
                            f"Copy {i}",
                            body,
                            at,
                            at,
                            added.id,
                            round(rng.uniform(0.6, 1.0), 4),
                        )
                    )
                await cur.executemany(
                    "INSERT INTO articles (outlet, url, title, text, published_at, fetched_at, duplicate_of,"
                    " seed_duplicate, similarity) VALUES (%s, %s, %s, %s, %s, %s, %s, true, %s)",
                    rows,
                )
        settings = config.load({"NEWSWATCH_DATABASE_URL": url})
        app = create_app(pool, None, settings)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1") as client:
            for path in (f"/seeds/{added.id}", f"/api/seeds/{added.id}"):
                times, cpu = [], []
                for _ in range(20):
                    t0, c0 = time.perf_counter(), time.process_time()
                    answer = await client.get(path)
                    times.append((time.perf_counter() - t0) * 1000)
                    cpu.append((time.process_time() - c0) * 1000)
                    assert answer.status_code == 200, answer.text[:200]
                # CPU time of this process (the app runs in it; the database's share is not counted)
                # beside the wall time: on a shared machine the wall time is mostly waiting for a core
                print(
                    f"record of 500 copies, GET {path.replace(str(added.id), '{id}')}: first {times[0]:.0f} ms,"
                    f" then p50 {statistics.median(times[1:]):.0f} ms, max {max(times[1:]):.0f} ms"
                    f" (CPU p50 {statistics.median(cpu[1:]):.0f} ms; {len(answer.content) // 1024} KiB)"
                )
    finally:
        await pool.close()


def pct(xs: list[float], q: int) -> float:
    return statistics.quantiles(xs, n=100)[q - 1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--url", default="postgresql://postgres@127.0.0.1:5432/postgres", help="server for the bench database"
    )
    ap.add_argument("--signatures", type=int, default=1_000_000)
    ap.add_argument("--docs", type=int, default=3000, help="documents for the throughput figures")
    ap.add_argument("--keep", action="store_true", help="keep the bench database (nw_bench_dedup) afterwards")
    ap.add_argument(
        "--seed-at",
        default="100000,1000000",
        help="archive sizes at which a seed's look-back is timed (comma-separated)",
    )
    args = ap.parse_args()
    rng = random.Random(7)
    throughput(documents(args.docs, rng))
    real = documents(REAL, rng)
    seed_text = real[0]
    real += seed_copies(seed_text)
    stages = sorted({int(n) for n in args.seed_at.split(",") if n and int(n) < args.signatures} | {args.signatures})
    name = "nw_bench_dedup"
    bench_url = urlunsplit(urlsplit(args.url)._replace(path="/" + name))
    with psycopg.connect(args.url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:

        async def schema() -> None:
            async with await psycopg.AsyncConnection.connect(bench_url, autocommit=True) as c:
                await migrate.migrate(c)

        asyncio.run(schema())
        loaded, generator = 0, np.random.default_rng(7)
        for size in stages:
            started = time.perf_counter()
            with psycopg.connect(bench_url, autocommit=True) as conn:
                load(conn, size, real, generator, first=loaded + 1)
            loaded = size
            print(
                f"loaded {size:,} signatures ({size * fp.BANDS:,} band rows) in {time.perf_counter() - started:.0f} s"
            )
            if str(size) in args.seed_at.split(","):
                asyncio.run(seed_lookback(bench_url, seed_text, size))
        asyncio.run(lookups(bench_url, real[:REAL], rng))
        asyncio.run(record_render(bench_url, rng))
    finally:
        if not args.keep:
            with psycopg.connect(args.url, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
