"""The query language: folding, parsing, and the in-process matcher, table-driven."""

from __future__ import annotations

import pytest

from monitor.query import QueryError, fold, parse
from monitor.query.match import Doc, evaluate

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


MATCHES = [
    ("ƏLİYEV", "President Əliyev said", True),
    ("Aliyev", "Ilham Aliyev's decree", True),
    ("İlham", "ilham aliyev", True),
    ("выбор*", "Президентские ВЫБОРЫ прошли", True),
    ("seçki*", "Seçkilərin nəticələri", True),
    ("seçki*", "seçkidə iştirak", True),
    ('"snap presidential election"', "a snap\npresidential   election was held", True),
    ('"Central Election Commission" OR CEC', "the CECILIA fund", False),
    ('"Central Election Commission" OR CEC', "the CEC chairman", True),
    ("observer* -football", "observers watched the football match", False),
    ("observer* -football", "observers watched the count", True),
    ("(turnout OR results) election", "election results announced", True),
    ("(turnout OR results) election", "election day", False),
    ("title:turnout", "turnout high", False),
    ("lang:ru выборы", "выборы", False),
    ("source:trend decree", "a decree", True),
    ("'; DROP TABLE articles; --", "drop table articles", True),
]


@pytest.mark.parametrize(("query", "text", "expected"), MATCHES)
def test_matching(query: str, text: str, expected: bool) -> None:
    assert evaluate(parse(query), doc(text)) is expected


@pytest.mark.parametrize("query", ['"unclosed', "OR", "()", "-", "a OR", "(a", "a)", "title:", '""', "!!!"])
def test_malformed_queries_are_usage_errors_with_a_position(query: str) -> None:
    with pytest.raises(QueryError) as err:
        parse(query)
    assert "position" in str(err.value)
    assert err.value.exit_status == 2


def test_an_empty_query_matches_everything() -> None:
    assert parse("   ") is None
    assert evaluate(None, doc("anything"))
