"""The record's word counts (monitor.evidence.diff.changed) are those of the word diff itself
(diff.counts of diff.diff), on texts edited at random the ways copies are: words cut, added,
swapped, whole texts replaced, common short words shared by chance between changes."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from monitor.evidence import diff
from monitor.record import copy_of


def edited(rng: random.Random, vocabulary: list[str]) -> tuple[str, str]:
    old = [rng.choice(vocabulary) for _ in range(rng.randint(0, 40))]
    new = list(old)
    for _ in range(rng.randint(0, 8)):
        k = rng.random()
        if k < 0.4 and new:
            del new[rng.randrange(len(new))]
        elif k < 0.8:
            new.insert(rng.randint(0, len(new)), rng.choice(vocabulary))
        elif new:
            new[rng.randrange(len(new))] = rng.choice(vocabulary)
    if rng.random() < 0.1:
        new = [rng.choice(vocabulary) for _ in range(rng.randint(0, 40))]
    return " ".join(old), "\n".join(new)


def test_the_counts_are_the_diffs_on_random_edits() -> None:
    rng = random.Random(14)
    vocabulary = "a b c d e f g h the more news of".split()
    for _ in range(3000):
        old, new = edited(rng, vocabulary)
        expected = diff.counts(diff.diff(old, new))
        assert diff.changed(old, new) == expected, (old, new)
        assert diff.changed(old.split(), new) == expected


def test_a_cut_paragraph_and_a_sign_off_sharing_a_word_count_as_one_cut_and_one_addition() -> None:
    seed = "one two three four five six seven eight nine ten. Read more of the story tomorrow."
    copy = "one two three four five six seven eight nine ten. Follow us for more news."
    # the shared "more" (a run of one word) between the two changes is folded into both
    assert diff.diff(seed, copy) == [
        ["=", 10],
        ["-", "Read more of the story tomorrow."],
        ["+", "Follow us for more news."],
    ]
    assert diff.changed(seed, copy) == (5, 6)
    row = {"id": 2, "outlet": "O", "url": "https://o.example/2", "title": "t", "text": copy, "similarity": 0.9}
    at = datetime(2024, 2, 5, 10, tzinfo=UTC)
    made = copy_of({"text": seed, "published_at": at, "url": None}, {**row, "published_at": at, "first_seen": at})
    assert (made.added_words, made.removed_words, made.delay_s) == (5, 6, 0)
