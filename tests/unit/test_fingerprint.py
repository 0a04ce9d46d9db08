# ruff: noqa: E501  (prose in three languages, one sentence a line)
"""Normalisation, fingerprints, containment and story terms: pure functions, table-driven."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from monitor.pipeline import dedup, fingerprint, stories
from tests.eval.corpus import SEED_TEXT, in_boilerplate, menafn, trimmed

SENTENCES = " ".join(f"Sentence number {w} tells the reader something new about topic {w}." for w in "abcdefghij")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Azerbaijan's CEC said", "AZERBAIJAN’S   cec\nsaid"),  # case, apostrophes, line breaks
        ("Əliyev İlham seçki", "aliyev ilham secki"),  # diacritics fold the way search folds them
        ("more than 90,000 observers", "more than 90 000 observers"),
    ],
)
def test_spelling_and_layout_do_not_change_the_shingles(a: str, b: str) -> None:
    assert fingerprint.shingles(a) == fingerprint.shingles(b)


def test_shingles_are_runs_of_five_words() -> None:
    assert fingerprint.shingles("one two three four five six") == {"one two three four five", "two three four five six"}
    assert fingerprint.shingles("just three words") == {"just three words"}
    assert fingerprint.shingles("  ") == set()


def test_a_signature_is_the_same_in_every_process_and_survives_bytes() -> None:
    sig = fingerprint.fingerprint(SEED_TEXT)
    assert len(sig.minhash) == fingerprint.NUM_PERM and sig.size == len(fingerprint.shingles(SEED_TEXT))
    assert fingerprint.fingerprint(SEED_TEXT) == sig
    assert fingerprint.Signature.from_bytes(sig.to_bytes(), sig.size) == sig
    assert sig.minhash[:3] == (108997574, 74333177, 208652568)  # fixed seed: stored signatures stay comparable


def test_band_keys_are_signed_64_bit_and_shared_by_copies() -> None:
    keys = fingerprint.band_keys(fingerprint.fingerprint(SEED_TEXT))
    assert len(keys) == fingerprint.BANDS and all(-(2**63) <= k < 2**63 for k in keys)
    copy = fingerprint.band_keys(fingerprint.fingerprint(menafn(SEED_TEXT)))
    assert len(set(keys) & set(copy)) >= fingerprint.BANDS // 2
    other = fingerprint.band_keys(fingerprint.fingerprint(SENTENCES))
    assert not set(keys) & set(other)
    assert fingerprint.band_keys(fingerprint.fingerprint("")) == []


@pytest.mark.parametrize(
    ("copy", "expected"),
    [
        (menafn(SEED_TEXT), True),
        (trimmed(SEED_TEXT, 4), True),
        (in_boilerplate(SEED_TEXT), True),
        (SENTENCES, False),
        (trimmed(SEED_TEXT, 1), True),  # the lead alone, word for word, is still the seed
        (SEED_TEXT.split("\n\n")[0][:60], False),  # a phrase is a quote, not a copy
        ("Azerbaijan has registered seven candidates to run in the extraordinary presidential election.", False),
    ],
)
def test_containment_decides_duplicates(copy: str, expected: bool) -> None:
    assert dedup.is_duplicate(SEED_TEXT, copy)[0] is expected


def test_estimates_follow_the_exact_containment() -> None:
    a, b = fingerprint.fingerprint(SEED_TEXT), fingerprint.fingerprint(trimmed(SEED_TEXT, 5))
    other = fingerprint.fingerprint(SENTENCES)
    assert fingerprint.containment_estimate(a, b) > 0.7
    assert fingerprint.containment_estimate(a, other) < 0.2
    assert sorted(dedup.worth_checking(a, [(1, other), (2, b), (3, a)])) == [2, 3]


def _member(article_id: int, hour: int, seed: bool = False, seen: int | None = None) -> dedup.Member:
    at = datetime(2024, 2, 6, hour, tzinfo=UTC)
    return dedup.Member(article_id, seed, at, datetime(2024, 2, 6, seen if seen is not None else hour, tzinfo=UTC))


def test_the_original_is_the_earliest_published_whatever_the_order_stored() -> None:
    copy, original, other = _member(1, 12), _member(2, 9, seen=13), _member(3, 10)
    scores = {(1, 2): 0.9, (3, 1): 0.7, (2, 3): 0.65}
    assert dedup.arrange([copy, original, other], scores) == {
        2: None,
        1: dedup.Original(2, False, 0.9),
        3: dedup.Original(2, False, 0.65),  # the similarity to the original named, not the best one
    }
    assert dedup.arrange([other, copy, original], scores) == dedup.arrange([original, other, copy], scores)


def test_ties_on_publication_go_to_the_first_seen_then_the_smallest_id() -> None:
    a, b, c = _member(7, 9, seen=11), _member(5, 9, seen=10), _member(4, 9, seen=11)
    arranged = dedup.arrange([a, b, c], {(7, 5): 0.9, (7, 4): 0.9, (5, 4): 0.9})
    assert arranged[5] is None and arranged[4] == arranged[7] == dedup.Original(5, False, 0.9)
    assert dedup.arrange([a, c], {(7, 4): 0.9})[4] is None


def test_a_seed_is_the_original_even_of_an_earlier_article_and_unrelated_members_stay_apart() -> None:
    earlier, seed, unrelated = _member(1, 6), _member(2, 9, seed=True), _member(3, 7)
    arranged = dedup.arrange([earlier, seed, unrelated], {(1, 2): 0.8, (3, 2): 0.3, (1, 3): 0.2})
    assert arranged == {2: None, 1: dedup.Original(2, True, 0.8), 3: None}


def test_a_copy_of_a_copy_names_the_original_of_what_it_reproduces() -> None:
    root, copy, copy_of_copy = _member(1, 8), _member(2, 9), _member(3, 10)
    arranged = dedup.arrange([root, copy, copy_of_copy], {(1, 2): 0.7, (2, 3): 0.95, (1, 3): 0.55})
    assert arranged[3] == dedup.Original(1, False, 0.55)


def test_story_terms_are_names_numbers_dates_aliases_and_rare_words_of_the_lead() -> None:
    found = stories.terms(
        "Panahov meets Zhang Ming",
        "BAKU, February 6. The chairman Mazahir Panahov said that 26 polling stations and 90,000 observers were ready.",
        "en",
    )
    assert {"panakov", "@zhang-ming", "@mazahir-panahov", "#26", "#90000", "@d02-06", "~obsarvars"} <= found
    assert not {"the", "~the", "february", "kabruari"} & found
    late = stories.terms("", " ".join(["word"] * stories.LEAD_WORDS) + " Lebedev")
    assert "labadav" not in late  # past the lead: background, not the event


@pytest.mark.parametrize(
    ("title", "text", "lang"),
    [
        ("", "BAKU, 6 февраля. Глава ЦИК Мазахир Панахов сказал, что за выборами следят более 90 000 наблюдателей, а явка 76,73%.", "ru"),
        ("", "Bakı, 6 fevral. MSK sədri Məzahir Pənahovun sözlərinə görə, seçkiləri 90 mindən çox müşahidəçi izləyəcək, fəallıq 76,73 faiz.", "az"),
        ("", "BAKU, February 6. CEC Chairman Mazahir Panahov said more than 90 thousand observers would watch, with turnout at 76.73 percent.", "en"),
    ],
)  # fmt: skip
def test_names_numbers_dates_and_acronyms_meet_across_scripts(title: str, text: str, lang: str) -> None:
    assert {"@cec", "@mazahir-panahov", "#90000", "#76.73", "@d02-06"} <= stories.terms(title, text, lang)


def test_an_acronym_matches_only_in_capitals_and_times_of_day_are_no_numbers() -> None:
    found = stories.terms("", "В том числе в Ханкенди голосование началось в 08:00, сообщил ЦИКа представитель.", "ru")
    assert "@cis" not in found and "@cec" in found and "#8" not in found and "#0" not in found


def test_articles_in_two_languages_compare_only_what_is_written_alike() -> None:
    en = {"@cec", "#312", "labadav", "~observers", "~headquarters"}
    ru = {"@cec", "#312", "labadav", "~nabludatal", "~stabkvartir"}
    assert stories.similarity(en, ru, {}, 1.0, same_language=False) == 1.0
    assert stories.similarity(en, ru, {}, 1.0, same_language=True) == pytest.approx(0.6)


def test_names_alone_never_tie_a_short_item_to_a_story() -> None:
    short = {"@pace", "holm", "lars", "bak", "~delegation"}
    meeting = {"@pace", "holm", "lars", "bak", "~delegation", "panakov", "#6537", "#23"}
    assert stories.similarity(short, meeting, {}, 1.0) == 0.0
    assert stories.similarity(short | {"#23"}, meeting, {}, 1.0) == 1.0


def test_the_same_articles_give_the_same_stories_in_any_order() -> None:
    from datetime import timedelta

    day = datetime(2024, 2, 8, tzinfo=UTC)
    told = [
        stories.Told(1, day, frozenset({"#14", "kanj", "kulav", "~complaints"}), "en"),
        stories.Told(2, day + timedelta(days=1), frozenset({"#14", "kanj", "kulav", "~recount"}), "en"),
        stories.Told(3, day + timedelta(days=2), frozenset({"#14", "kanj", "~recount", "~confirmed"}), "en"),
        stories.Told(4, day + timedelta(days=9), frozenset({"#14", "kanj", "kulav", "~recount"}), "en"),
    ]
    assert stories.cluster(told, {}, 10) == [[1, 2, 3], [4]]  # a week later: another event
    assert stories.cluster(told[::-1], {}, 10) == stories.cluster(told, {}, 10)


def test_common_terms_weigh_less_than_rare_ones() -> None:
    a = {"azerbaijan", "election", "commission", "zhang", "#1"}
    b = {"azerbaijan", "election", "commission", "lebedev", "#1"}
    c = {"azerbaijan", "zhang", "ming", "panahov", "#1"}
    df = {
        "azerbaijan": 50,
        "election": 50,
        "commission": 40,
        "zhang": 1,
        "ming": 1,
        "panahov": 2,
        "lebedev": 1,
        "#1": 50,
    }
    assert stories.best_story(a, [(1, b, "en")], df, 60) is None
    assert stories.best_story(a, [(1, b, "en"), (2, c, "en")], df, 60, "en") == (2, pytest.approx(0.78, abs=0.01))
