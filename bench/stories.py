"""Benchmark of the story reads (monitor/store/story_reads.py) over a generated archive: a page of
`newswatch stories` / `GET /api/stories` (first page, a deep page, by language, by keyword), one
story's timeline, and the timelines a digest of 50 stories reads. Prints the median and p95 of each.

Stories are as press coverage makes them: most of one article, some of two to eight from several
outlets in en/ru/az, a fifth of the articles copies of another member. Uses its own database on
the PostgreSQL server named by NEWSWATCH_BENCH_DATABASE_URL (default
postgresql://postgres@127.0.0.1:5432/postgres), created and dropped here.

    .venv/bin/python bench/stories.py [--articles 100000] [--repeat 30]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg.rows import dict_row

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from monitor.db import migrate  # noqa: E402
from monitor.store import story_reads  # noqa: E402

ADMIN = os.environ.get("NEWSWATCH_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
OUTLETS = ["Trend", "APA", "AZERTAC", "Report", "Azernews", "OC Media", "JAMnews", "Civil.ge", "MENAFN", "News.az"]
LANGS = ["en", "en", "en", "ru", "az"]


def with_db(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/" + name))


async def load(conn: psycopg.AsyncConnection[Any], n: int) -> int:
    """`n` articles in stories; returns how many stories."""
    rng = random.Random(12)
    start = datetime(2023, 1, 1, tzinfo=UTC)
    await conn.execute("INSERT INTO keywords (name, query) VALUES ('election', 'election')")
    article_id, story_id = 0, 0
    async with conn.cursor() as cur:
        async with cur.copy(
            "COPY articles (id, outlet, url, title, lang, published_at, fetched_at, stored_at, story_id,"
            " duplicate_of, similarity) FROM STDIN"
        ) as copy:
            while article_id < n:
                story_id += 1
                size = 1 if rng.random() < 0.6 else rng.randint(2, 8)
                at = start + timedelta(minutes=story_id * 7)
                members: list[int] = []
                for _ in range(min(size, n - article_id)):
                    article_id += 1
                    published = at + timedelta(minutes=rng.randint(0, 600))
                    copy_of = rng.choice(members) if members and rng.random() < 0.2 else None
                    await copy.write_row(
                        (
                            article_id,
                            rng.choice(OUTLETS),
                            f"https://example.org/{article_id}",
                            f"Story {story_id}: election news {article_id}",
                            rng.choice(LANGS),
                            published,
                            published,
                            published + timedelta(minutes=rng.randint(1, 300)),  # fetched in any order
                            story_id,
                            copy_of,
                            0.9 if copy_of else None,
                        )
                    )
                    if copy_of is None:
                        members.append(article_id)
        await cur.execute("INSERT INTO article_keywords SELECT id, 1 FROM articles WHERE id % 3 = 0")
    await conn.execute("SELECT setval('articles_id_seq', %s)", (article_id,))
    await conn.execute("ANALYZE articles")
    await conn.execute("ANALYZE article_keywords")
    return story_id


async def timed(repeat: int, work: Callable[[], Awaitable[Any]]) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        await work()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))]


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    name = f"nw_bench_stories_{os.getpid()}"
    with psycopg.connect(ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        url = with_db(ADMIN, name)
        async with await psycopg.AsyncConnection.connect(url, autocommit=True, row_factory=dict_row) as conn:
            await migrate.migrate(conn)
            started = time.perf_counter()
            stories = await load(conn, args.articles)
            print(
                f"archive: {args.articles} articles in {stories} stories"
                f" (loaded in {time.perf_counter() - started:.0f} s)"
            )
            F = story_reads.Filters
            some = [r["story_id"] for r in await (await conn.execute(
                "SELECT story_id FROM articles GROUP BY story_id HAVING count(*) > 2 ORDER BY story_id DESC LIMIT 50"
            )).fetchall()]  # fmt: skip
            cases: list[tuple[str, Callable[[], Awaitable[Any]]]] = [
                ("stories, first page (50)", lambda: story_reads.listing(conn, F(limit=50))),
                ("stories, page at offset 2000", lambda: story_reads.listing(conn, F(limit=50, offset=2000))),
                ("stories --lang ru", lambda: story_reads.listing(conn, F(lang="ru", limit=50))),
                ("stories --keyword election", lambda: story_reads.listing(conn, F(keyword="election", limit=50))),
                (
                    "stories --since (a month)",
                    lambda: story_reads.listing(
                        conn,
                        F(since=datetime(2023, 6, 1, tzinfo=UTC), until=datetime(2023, 7, 1, tzinfo=UTC), limit=50),
                    ),
                ),  # noqa: E501
                ("one story's timeline", lambda: story_reads.story(conn, some[0])),
                (
                    "timelines of a 50-story digest",
                    lambda: story_reads.members(conn, some, seeds=False, unclustered=True),
                ),  # noqa: E501
            ]
            for label, work in cases:
                p50, p95 = await timed(args.repeat, work)
                print(f"{label:34} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms")
    finally:
        with psycopg.connect(ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
