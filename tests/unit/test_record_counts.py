"""The republication record's pure parts (monitor.record): its word counts (diff.changed) are those
of the word diff itself (diff.counts of diff.diff) on texts edited at random the ways copies are
(words cut, added, swapped, whole texts replaced, short common words shared by chance between
changes); what looks wrong in a copy is flagged, never hidden, and the copies come earliest first."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from monitor.evidence import diff
from monitor.record import copy_of, delay_text, record


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


def test_what_looks_wrong_in_a_copy_is_flagged_and_kept_in_order() -> None:
    seed_at = datetime(2024, 2, 5, 10, tzinfo=UTC)
    seed = {"text": "one two three four five six", "published_at": seed_at, "url": "https://courier.example/a"}

    def row(i: int, **kw: object) -> dict:
        base = {"id": i, "outlet": f"O{i}", "url": f"https://o.example/{i}", "final_url": None, "title": "t"}
        base |= {"text": seed["text"], "similarity": 0.95, "date_source": "meta"}
        base |= {"published_at": seed_at + timedelta(hours=i), "first_seen": seed_at + timedelta(hours=i)}
        return base | kw

    copies = record(
        seed,
        [
            row(1, similarity=0.41),  # joined through another copy, not close to the seed itself
            row(2, published_at=None, first_seen=seed_at + timedelta(hours=5)),
            row(3, published_at=seed_at - timedelta(hours=2), first_seen=seed_at - timedelta(hours=1)),
            row(4, date_source="fetched"),
            row(5, url="https://courier.example/a"),
            row(6, similarity=None),
            row(7),
        ],
    )
    assert [c.article_id for c in copies] == [3, 1, 4, 2, 5, 6, 7]  # earliest first: undated by first seen
    flags = {c.article_id: c.flags for c in copies}
    assert flags[1] == ("similarity below 60%: it reproduces another copy more than the seed",)
    assert flags[2] == ("no publication date: the delay counts from when it was first seen",)
    assert {c.article_id: c.delay_s for c in copies}[2] == 5 * 3600
    assert flags[3] == ("dated before the seed", "first seen before the seed was published")
    assert flags[4] == ("its page gives no date: published is when it was fetched",)
    assert flags[5] == ("the seed's own page",)
    assert flags[6] == ("no similarity recorded",)
    assert flags[7] == ()
    assert delay_text(-7200) == "2 h before" and delay_text(90061) == "1 d 1 h after" and delay_text(None) == "unknown"
