"""The query language's cases in English, Russian and Azerbaijani: (query, title, text, matches?).

The same table runs through the in-process matcher (tests/unit/test_query.py) and through
PostgreSQL (tests/integration/test_search.py), so both paths are held to one expectation.
"""

from __future__ import annotations

import itertools

ALIYEV = ["ƏLİYEV", "Əliyev", "əliyev"]

CASES: list[tuple[str, str, str, bool]] = [
    # Azerbaijani capitals: Ə and İ, upper and lower, are one word
    *[(q, "", f"President {t} said", True) for q, t in itertools.product(ALIYEV, ALIYEV)],
    ("Aliyev", "", "Ilham Əliyev's decree", True),  # ə reads as a; a possessive hides nothing
    ("İlham", "", "ilham aliyev", True),
    ("ilham", "", "İLHAM ƏLİYEV", True),
    ("ılham", "", "ILHAM ALIYEV", True),
    # Russian: case, prefixes, ё = е, й is its own letter
    ("выборы", "", "Президентские ВЫБОРЫ прошли", True),
    ("ВЫБОРЫ", "", "выборы прошли", True),
    ("выбор*", "", "Президентские ВЫБОРЫ прошли", True),
    ("выбор*", "", "итоги выборов", True),
    ("выбор*", "", "избирательный выброс", False),
    ("ёлка", "", "новогодняя елка", True),
    ("край", "", "два краи", False),
    # Azerbaijani prefixes across suffixes
    ("seçki*", "", "Seçkilərin nəticələri", True),
    ("seçki*", "", "seçkidə iştirak", True),
    ("secki*", "", "SEÇKİ KOMİSSİYASI", True),
    ("seçki", "", "Seçkilərin nəticələri", False),  # without * a word is whole
    # phrases: across a line break and extra spaces, but in order and adjacent
    ('"snap presidential election"', "", "a snap\npresidential   election was held", True),
    ('"snap presidential election"', "", "a snap and presidential election", False),
    ('"Mərkəzi Seçki Komissiyası"', "", "MƏRKƏZİ\nSEÇKİ KOMİSSİYASI bildirib", True),
    ('"presidential elect*"', "", "presidential elections", True),
    # exclusion looks at title and text alike
    ("observer* -football", "Observers at the football match", "observers watched the football", False),
    ("observer* -football", "Observers arrive", "the football season", False),
    ("observer* -football", "Football", "observers watched", False),
    ("observer* -football", "Observers arrive", "observers watched the count", True),
    # a short word is not found inside a longer one
    ('"Central Election Commission" OR CEC', "", "the CECILIA fund and Cecil", False),
    ('"Central Election Commission" OR CEC', "", "the CEC chairman", True),
    ('"Central Election Commission" OR CEC', "", "the central election\ncommission", True),
    ("CEC", "", "CEC-approved list", True),  # punctuation separates words
    # parentheses and OR
    ("(turnout OR results) election", "", "election results announced", True),
    ("(turnout OR results) election", "", "election day", False),
    ("election (turnout OR (final -preliminary))", "", "final election count", True),
    ("election (turnout OR (final -preliminary))", "", "final preliminary election count", False),
    ("-(football OR basketball) sport", "", "sport news", True),
    ("-(football OR basketball) sport", "", "basketball sport news", False),
    # fields
    ("title:turnout", "Results", "turnout high", False),
    ("title:turnout", "Turnout high", "", True),
    ('title:"snap election" lang:ru', "Snap election", "", False),
    ("lang:en выборы", "", "выборы", True),
    ("source:trend decree", "", "a decree", True),
    ("source:apa decree", "", "a decree", False),
    # what looks like SQL is only words
    ("'; DROP TABLE articles; --", "", "drop table articles", True),
    ("'; DROP TABLE articles; --", "", "the election", False),
    ("100% OR a_b OR back\\slash", "", "they got 100 percent", True),
    ("100% OR a_b OR back\\slash", "", "a 1000 b", False),
]

MALFORMED = ['"unclosed', "OR", "()", "-", "a OR", "(a", "a)", "title:", '""', "!!!", "a OR OR b", "(-)"]
