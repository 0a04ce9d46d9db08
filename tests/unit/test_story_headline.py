"""Which article heads a story, and how its outlets and languages read: pure functions."""

from __future__ import annotations

import pytest

from alerts.digest import Outlet, language_names, outlets_of
from monitor.store.story_reads import headline, in_order


def member(
    id: int, outlet: str, lang: str | None, title: str = "t", copy_of: int | None = None, **more: object
) -> dict:
    return {
        "id": id,
        "outlet": outlet,
        "lang": lang,
        "title": title,
        "duplicate_of": copy_of,
        "url": f"https://{outlet}.example/{id}",
        **more,
    }


# a timeline as story_reads.members gives it: the first publisher first
TIMELINE = [
    member(1, "trend", "en", "Original", original=True),
    member(2, "menafn", "ru", "Russian copy", copy_of=1, copy_of_outlet="trend"),
    member(3, "report", "ru", "Russian report"),
    member(4, "apa", "az", ""),  # no title: never a headline
    member(5, "trend", "ru", "Trend in Russian"),
]


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (None, 1),  # no language asked: the original's
        ("en", 1),
        ("ru", 3),  # the earliest that copies nothing, before an earlier copy
        ("az", 1),  # its only article in az has no title
        ("de", 1),  # none in that language: the original's
    ],
)
def test_the_headline_in_the_readers_language_else_the_originals(lang: str | None, expected: int) -> None:
    assert headline(TIMELINE, lang)["id"] == expected


def test_a_copy_heads_the_story_when_it_is_the_only_article_in_the_language() -> None:
    assert headline(TIMELINE[:2], "ru")["id"] == 2


def test_outlets_once_each_in_timeline_order_with_their_languages_and_what_they_are() -> None:
    assert outlets_of(TIMELINE) == [
        Outlet("trend", "https://trend.example/1", ["en", "ru"], original=True),
        Outlet("menafn", "https://menafn.example/2", ["ru"], copy_of="trend"),
        Outlet("report", "https://report.example/3", ["ru"]),
        Outlet("apa", "https://apa.example/4", ["az"]),
    ]
    assert [o.note for o in outlets_of(TIMELINE)] == ["en, ru, original", "ru, copy of trend", "ru", "az"]
    assert in_order([m["lang"] for m in TIMELINE]) == ["en", "ru", "az"]


@pytest.mark.parametrize(
    ("codes", "words"),
    [
        ((), ""),
        (("en",), "English"),
        (("en", "ru"), "English and Russian"),
        (("az", "ru", "en"), "Azerbaijani, Russian and English"),
        (("en", "zz"), "English and zz"),  # a code Babel does not know stays a code
    ],
)
def test_languages_in_words(codes: tuple[str, ...], words: str) -> None:
    assert language_names(codes) == words
