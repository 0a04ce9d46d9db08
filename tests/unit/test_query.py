"""The query language: folding, parsing, and the in-process matcher, table-driven."""

from __future__ import annotations

import pytest

from monitor.query import QueryError, fold, parse
from monitor.query.match import Doc, evaluate
from monitor.query.sql import title_hit_implies_match
from tests.query_cases import CASES, MALFORMED

FOLDING = [
    ("ƏLİYEV", "Əliyev"),
    ("Əliyev", "əliyev"),
    ("İlham", "ilham"),
    ("ILHAM", "ılham"),
    ("ВЫБОРЫ", "выборы"),
    ("ёлка", "елка"),
    ("Seçki", "secki"),
]


@pytest.mark.parametrize(("a", "b"), FOLDING)
def test_folding_makes_a_reader_s_spellings_equal(a: str, b: str) -> None:
    assert fold(a) == fold(b)


def test_folding_keeps_russian_short_i() -> None:
    assert fold("край") != fold("краи")


def test_folded_text_is_words_between_single_spaces() -> None:
    assert fold("Aliyev's  CEC,\nchairman") == " aliyev s cec chairman "


def doc(text: str, title: str = "", outlet: str = "Trend", lang: str | None = "en") -> Doc:
    return Doc.of(title, text, outlet, lang)


@pytest.mark.parametrize(("query", "title", "text", "expected"), CASES)
def test_matching(query: str, title: str, text: str, expected: bool) -> None:
    assert evaluate(parse(query), doc(text, title)) is expected


@pytest.mark.parametrize("query", MALFORMED)
def test_malformed_queries_are_usage_errors_with_a_position(query: str) -> None:
    with pytest.raises(QueryError) as err:
        parse(query)
    assert "position" in str(err.value)
    assert err.value.exit_status == 2


@pytest.mark.parametrize(
    ("query", "position"),
    [('a "unclosed', 3), ("a OR", 3), ("a (b", 5), ("a ()", 4), ("(x -)", 5)],
)
def test_the_error_points_at_where_the_query_went_wrong(query: str, position: int) -> None:
    with pytest.raises(QueryError) as err:
        parse(query)
    assert f"at position {position}:" in str(err.value)


def test_the_dotted_capital_i_leaves_no_combining_dot() -> None:
    assert "İ".lower() != "i"  # what Python alone would do: i + U+0307
    assert fold("İlham") == " ilham "
    assert fold("I\u0307lham") == " ilham "  # the same letter, decomposed


def test_an_empty_query_matches_everything() -> None:
    assert parse("   ") is None
    assert evaluate(None, doc("anything"))


@pytest.mark.parametrize(
    ("query", "implied"),
    [
        ("vote", True),
        ("elect*", True),
        ('"snap election"', True),
        ("title:vote", True),
        ('vote OR "snap election" OR (elect* OR title:poll)', True),
        ("vote turnout", False),  # the title may hold one of them only
        ("vote -football", False),
        ("vote OR (turnout -football)", False),
        ("source:trend vote", False),
        ("lang:en", False),
    ],
)
def test_a_title_hit_implies_a_match_only_for_words_and_phrases_joined_by_or(query: str, implied: bool) -> None:
    assert title_hit_implies_match(parse(query)) is implied
