"""The labelled evaluation set (tests/eval) stored through monitor.store.articles.save into a real
PostgreSQL, one article at a time in arrival order, as polls would: duplicate detection and story
clustering are scored on what the database holds afterwards."""

from __future__ import annotations

import asyncio
import hashlib
from itertools import combinations

import psycopg
import pytest
from psycopg.rows import dict_row

from monitor.pipeline.dedup import content_hash
from monitor.query.fold import fold
from monitor.query.match import Doc
from monitor.store import articles
from tests.eval.corpus import Item, items


async def store_all(url: str, corpus: list[Item]) -> dict[str, dict]:
    async with await psycopg.AsyncConnection.connect(url, autocommit=True, row_factory=dict_row) as conn:
        for item in corpus:
            doc = Doc.of(item.title, item.text, item.outlet, "en")
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
                    lang="en",
                    published_at=item.published_at,
                    fetched_at=item.published_at,
                    content_hash=content_hash(item.text),
                    raw_sha256=hashlib.sha256(item.text.encode()).hexdigest(),
                    is_seed=item.is_seed,
                ),
            )
        cur = await conn.execute("SELECT id, url, duplicate_of, seed_duplicate, similarity, story_id FROM articles")
        rows = await cur.fetchall()
    return {r["url"].rsplit("/", 1)[1]: r for r in rows}


def pairwise(truth: dict[str, str], predicted: dict[str, object]) -> tuple[float, float]:
    """Pairwise precision and recall of a clustering: pairs put together, against pairs that belong together."""
    true_pairs = {(a, b) for a, b in combinations(sorted(truth), 2) if truth[a] == truth[b]}
    found = {(a, b) for a, b in combinations(sorted(predicted), 2) if predicted[a] == predicted[b]}
    precision = len(found & true_pairs) / len(found) if found else 1.0
    recall = len(found & true_pairs) / len(true_pairs) if true_pairs else 1.0
    return precision, recall


@pytest.fixture(scope="module")
def stored(pg_admin_url: str, template_db: str) -> dict[str, dict]:
    from tests.conftest import _with_db

    name = f"nw_eval_{template_db}"
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_db}"')
    try:
        return asyncio.run(store_all(_with_db(pg_admin_url, name), items()))
    finally:
        with psycopg.connect(pg_admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_duplicate_detection_precision_and_recall(stored: dict[str, dict]) -> None:
    corpus = items()
    id_to_key = {r["id"]: key for key, r in stored.items()}
    truth = {i.key: i.copy_of or i.key for i in corpus}
    predicted = {key: id_to_key[r["duplicate_of"]] if r["duplicate_of"] else key for key, r in stored.items()}
    wrong = {k: (predicted[k], truth[k]) for k in truth if predicted[k] != truth[k]}
    precision, recall = pairwise(truth, predicted)
    print(f"\nduplicates: precision {precision:.3f}, recall {recall:.3f} on {len(corpus)} articles")
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


def test_story_clustering_precision_and_recall(stored: dict[str, dict]) -> None:
    truth = {i.key: i.story for i in items()}
    predicted = {key: r["story_id"] for key, r in stored.items()}
    precision, recall = pairwise(truth, predicted)
    print(f"\nstories: pairwise precision {precision:.3f}, recall {recall:.3f}")
    clusters: dict[object, list[str]] = {}
    for key, story in predicted.items():
        clusters.setdefault(story, []).append(key)
    assert precision >= 0.9 and recall >= 0.8, sorted(clusters.values())
