"""`scores` (a new article against a window's candidates, on every save) gives what `similarity`
gives pair by pair: it only skips summing the weights of candidates that fail the cheap tests."""

from __future__ import annotations

import math
import random

from monitor.pipeline import stories

TERMS = (
    [f"~word{i}" for i in range(30)]
    + [f"#{i}" for i in range(10)]
    + [f"@d02-{i:02d}" for i in range(5)]
    + [f"name{i}" for i in range(30)]
)


def test_scores_agree_with_similarity_pair_by_pair() -> None:
    rng = random.Random(16)
    passed = 0
    for _ in range(300):
        mine = set(rng.sample(TERMS, rng.randint(0, 12)))
        lang = rng.choice(["en", "ru", None])
        candidates = [
            (i, set(rng.sample(TERMS, rng.randint(0, 12))), rng.choice(["en", "ru", None])) for i in range(30)
        ]
        df = {t: rng.randint(1, 20) for t in TERMS if rng.random() < 0.7}
        n = rng.randint(20, 200)
        weights, default = stories.idf(df, n), math.log(n + stories.PRIOR)
        expected = [
            (sid, stories.similarity(mine, theirs, weights, default, lang == their_lang))
            for sid, theirs, their_lang in candidates
        ]
        got = stories.scores(mine, candidates, df, n, lang)
        assert [s for s, _ in got] == [s for s, _ in expected]
        assert all(math.isclose(a, b, abs_tol=1e-12) for (_, a), (_, b) in zip(got, expected, strict=True))
        passed += sum(score > 0 for _, score in expected)
    assert passed > 100  # the windows drawn do hold candidates that pass the tests
