"""Snippets: the matched words marked, in the reader's own spelling."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.query import parse
from monitor.query.fold import words
from monitor.query.parse import Term
from monitor.query.snippet import _spans, _spans_by_token, plain, snippet


@pytest.mark.parametrize(
    ("query", "text", "expected"),
    [
        ("ƏLİYEV", "President Əliyev's decree", "President *Əliyev*'s decree"),
        ("seçki*", "Seçkilərin nəticələri, seçkidə", "*Seçkilərin* nəticələri, *seçkidə*"),
        ('"snap presidential"', "a snap\npresidential  vote", "a *snap presidential* vote"),
        ("выбор* -football", "ВЫБОРЫ прошли", "*ВЫБОРЫ* прошли"),
        ("CEC", "the CECILIA fund", "the CECILIA fund"),
        ("strasse", "Die Straße ist lang", "Die *Straße* ist lang"),  # ß folds to ss: the slow path
    ],
)
def test_snippet_marks_the_matched_words(query: str, text: str, expected: str) -> None:
    assert plain(snippet(text, parse(query))) == expected


def test_a_long_text_is_cut_around_the_first_match() -> None:
    text = "filler " * 100 + "the CEC chairman spoke " + "filler " * 100
    out = plain(snippet(text, parse("CEC")))
    assert out.startswith("…") and out.endswith("…") and "*CEC*" in out and len(out) < 260


# Characters that fold one for one and characters that do not (ß, ligatures, a lone combining
# mark, Hangul jamo that compose, the dotted capital I), between word and non-word characters.
ALPHABET = "aAbəƏiİIıйЙёЁeé\u0301ßﬁŉ\u1100\u1161ç1 _-'\n.ʼ"


@given(text=st.text(alphabet=ALPHABET, max_size=40), data=st.data())
def test_the_fast_path_finds_what_the_token_by_token_path_finds(text: str, data: st.DataObject) -> None:
    # a term cut from the text itself (so that it is often found), or from anywhere
    start = data.draw(st.integers(0, len(text)))
    source = data.draw(st.one_of(st.just(text[start : start + 12]), st.text(alphabet=ALPHABET, max_size=8)))
    found = words(source)
    terms = [Term(tuple(found), data.draw(st.booleans()))] if found else []
    assert _spans(text, terms) == _spans_by_token(text, terms)
