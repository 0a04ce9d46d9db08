"""The labelled evaluation set (tests/eval) stored through monitor.store.articles.save into a real
PostgreSQL, one article at a time in arrival order, as polls would: duplicate detection and story
clustering are scored on what the database holds afterwards, then again for five shuffled arrival
orders, which must give the same stories and the same originals."""

from __future__ import annotations

import asyncio
import hashlib
import random
from collections.abc import Iterator
from itertools import combinations

import psycopg
import pytest
from psycopg.rows import dict_row

from monitor.pipeline.dedup import content_hash
from monitor.query.fold import fold
from monitor.query.match import Doc
from monitor.store import articles
from tests.eval.corpus import Item, held_out, items


async def store_all(url: str, corpus: list[Item]) -> dict[str, dict]:
    async with await psycopg.AsyncConnection.connect(url, autocommit=True, row_factory=dict_row) as conn:
        for item in corpus:
            doc = Doc.of(item.title, item.text, item.outlet, item.lang)
            await articles.save(
                conn,
                articles.NewArticle(
                    source_id=None,
                    outlet=item.outlet,
                    url=f"https://example.org/{item.key}",
                    guid=None,
                    title=item.title,
                    text=item.text,
                    folded=doc.folded,
                    folded_title=doc.folded_title,
                    folded_outlet=fold(item.outlet),
                    lang=item.lang,
                    published_at=item.published_at,
                    fetched_at=item.seen,
                    content_hash=content_hash(item.text),
                    raw_sha256=hashlib.sha256(item.text.encode()).hexdigest(),
                    is_seed=item.is_seed,
                ),
            )
        cur = await conn.execute("SELECT id, url, duplicate_of, seed_duplicate, similarity, story_id FROM articles")
        rows = await cur.fetchall()
    return {r["url"].rsplit("/", 1)[1]: r for r in rows}


def pairwise(truth: dict[str, str], predicted: dict[str, object], keep: object = None) -> tuple[float, float, int]:
    """Pairwise precision and recall of a clustering (pairs put together, against pairs that belong
    together), over the pairs `keep(a, b)` accepts (all by default), and how many true pairs that is."""
    pairs = [(a, b) for a, b in combinations(sorted(truth), 2) if keep is None or keep(a, b)]  # type: ignore[operator]
    true_pairs = {(a, b) for a, b in pairs if truth[a] == truth[b]}
    found = {(a, b) for a, b in pairs if predicted[a] == predicted[b]}
    precision = len(found & true_pairs) / len(found) if found else 1.0
    recall = len(found & true_pairs) / len(true_pairs) if true_pairs else 1.0
    return precision, recall, len(true_pairs)


def f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def _stored_in_fresh_db(pg_admin_url: str, template_db: str, corpus: list[Item], tag: str) -> dict[str, dict]:
    from tests.conftest import _with_db

    name = f"nw_eval_{tag}_{template_db}"
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_db}"')
    try:
        return asyncio.run(store_all(_with_db(pg_admin_url, name), corpus))
    finally:
        with psycopg.connect(pg_admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def stored(pg_admin_url: str, template_db: str) -> Iterator[dict[str, dict]]:
    yield _stored_in_fresh_db(pg_admin_url, template_db, items(), "arrival")


def originals_of(rows: dict[str, dict]) -> dict[str, str]:
    """Each article's original by key (itself when it is one)."""
    by_id = {r["id"]: key for key, r in rows.items()}
    return {key: by_id[r["duplicate_of"]] if r["duplicate_of"] else key for key, r in rows.items()}


def partition(rows: dict[str, dict]) -> set[frozenset[str]]:
    """The stories as sets of keys (story ids differ from one database to the next)."""
    groups: dict[object, set[str]] = {}
    for key, r in rows.items():
        groups.setdefault(r["story_id"], set()).add(key)
    return {frozenset(g) for g in groups.values()}


def test_duplicate_detection_precision_and_recall(stored: dict[str, dict]) -> None:
    """Pairs (copy, the original it names), seed copies included: each copy must name the earliest
    published article it reproduces, whatever the order in which they arrived."""
    corpus = items()
    truth = {i.key: i.copy_of or i.key for i in corpus}
    predicted = originals_of(stored)
    wrong = {k: (predicted[k], truth[k]) for k in truth if predicted[k] != truth[k]}
    precision, recall, pairs = pairwise(truth, predicted)
    langs = sorted({i.lang for i in corpus})
    print(
        f"\nduplicates: precision {precision:.3f}, recall {recall:.3f} on {len(corpus)} articles"
        f" ({sum(i.copy_of is not None for i in corpus)} copies, {pairs} copy pairs, languages {', '.join(langs)})"
    )
    assert precision >= 0.95 and recall >= 0.95, wrong


def test_every_seed_republication_is_a_seed_duplicate(stored: dict[str, dict]) -> None:
    seed_id = stored["trend-sco-election-2024-02-06"]["id"]
    copies = {k for k, r in stored.items() if r["seed_duplicate"]}
    assert copies == {"seed-menafn", "seed-trimmed", "seed-boilerplate", "seed-new-lead"}
    assert all(stored[k]["duplicate_of"] == seed_id and stored[k]["similarity"] >= 0.6 for k in copies)


def test_two_stories_sharing_only_the_background_tail_stay_apart(stored: dict[str, dict]) -> None:
    assert stored["cec-accreditation"]["duplicate_of"] is None
    assert stored["cis-mission"]["duplicate_of"] is None
    assert stored["cis-menafn"]["duplicate_of"] == stored["cis-mission"]["id"]
    assert stored["cec-accreditation"]["story_id"] != stored["cis-mission"]["story_id"]


def test_story_clustering_f1_same_language_and_across_languages(stored: dict[str, dict]) -> None:
    corpus = items()
    truth = {i.key: i.story for i in corpus}
    lang = {i.key: i.lang for i in corpus}
    predicted = {key: r["story_id"] for key, r in stored.items()}
    kept = held_out()
    scores = {}
    for name, keep in {
        "same-language": lambda a, b: lang[a] == lang[b],
        "cross-language": lambda a, b: lang[a] != lang[b],
        "held-out (any language)": lambda a, b: a in kept or b in kept,
    }.items():
        precision, recall, pairs = pairwise(truth, predicted, keep)
        scores[name] = f1(precision, recall)
        print(
            f"\nstories, {name} pairs: precision {precision:.3f}, recall {recall:.3f}, F1 {scores[name]:.3f}"
            f" ({pairs} true pairs)"
        )
    groups = sorted(sorted(g) for g in partition(stored))
    print("\n".join(", ".join(g) for g in groups))
    assert scores["same-language"] >= 0.9, groups
    assert scores["cross-language"] >= 0.9, groups


def test_five_shuffled_arrival_orders_give_the_same_stories_and_originals(
    stored: dict[str, dict], pg_admin_url: str, template_db: str
) -> None:
    """The seed stays first (init loads it before any poll); everything else arrives in another order."""
    corpus = items()
    expected = (partition(stored), originals_of(stored))
    for n in range(5):
        rest = corpus[1:]
        random.Random(n).shuffle(rest)
        rows = _stored_in_fresh_db(pg_admin_url, template_db, [corpus[0], *rest], f"shuffle{n}")
        got = (partition(rows), originals_of(rows))
        assert got[1] == expected[1], {k: (v, expected[1][k]) for k, v in got[1].items() if v != expected[1][k]}
        assert got[0] == expected[0], (got[0] - expected[0], expected[0] - got[0])
