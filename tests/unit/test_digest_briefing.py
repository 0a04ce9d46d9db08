"""The digest reads like a briefing: a subject naming the top stories and their count, a section
per keyword with each story once (under its first keyword), snippets that do not repeat the
headline, links to the story's page and the evidence, `lang` on each block, and a sender with a
display name."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

import pytest

from alerts.digest import Digest, after_title, assemble
from alerts.mailer import envelope_sender, from_header
from alerts.render import render, subject

BASE = "https://news.example.org"


def row(i: int, story: int, title: str, text: str, keywords: list[str], lang: str = "en", **more: Any) -> dict:
    return {
        "id": i,
        "url": f"https://outlet{i}.example/{i}.html",
        "title": title,
        "text": text,
        "outlet": more.pop("outlet", f"Outlet {i}"),
        "lang": lang,
        "published_at": datetime(2024, 2, 7, i, 0, tzinfo=UTC),
        "stored_at": datetime(2024, 2, 7, i, 30, tzinfo=UTC),
        "story": story,
        "story_id": story,
        "keywords": keywords,
        "queries": keywords,
        **more,
    }


def briefing() -> Digest:
    rows = [
        row(1, 10, "Snap election called", "Snap election called. The president signed the decree on Thursday.",
            ["election"]),
        row(2, 10, "Snap election called for 7 February", "The decree sets the election for 7 February.",
            ["election"], outlet="APA"),
        row(3, 20, "Наблюдатели ОБСЕ прибыли в Баку", "Наблюдатели ОБСЕ прибыли в Баку. Миссия начнёт работу.",
            ["election", "observers"], lang="ru"),
        row(4, 30, "Observers publish their interim report", "The mission's interim report notes long queues.",
            ["observers"]),
    ]  # fmt: skip
    return assemble("analyst@example.org", date(2024, 2, 7), "Asia/Baku", rows, base_url=BASE + "/")


def test_each_story_is_in_one_section_under_its_first_keyword() -> None:
    d = briefing()
    assert d.keyword_counts == [("election", 2), ("observers", 2)]
    sections = [(s.keyword, [story.title for story in s.stories]) for s in d.sections]
    # the Russian story matched both keywords: it is told once, under the first
    assert sections == [
        ("election", ["Snap election called", "Наблюдатели ОБСЕ прибыли в Баку"]),
        ("observers", ["Observers publish their interim report"]),
    ]
    assert sum(len(s.stories) for s in d.sections) == len(d.stories)


def test_the_subject_names_the_top_stories_and_the_count() -> None:
    d = briefing()
    assert subject(d) == (
        "Newswatch digest, Wed 7 Feb 2024: 3 stories: Snap election called; Наблюдатели ОБСЕ прибыли в Баку; and 1 more"
    )
    long = assemble(
        "a@example.org", date(2024, 2, 7), "UTC",
        [row(1, 1, "A headline that goes on and on about the preliminary results of the snap election", "x", ["k"])],
    )  # fmt: skip
    assert (
        subject(long)
        == "Newswatch digest, Wed 7 Feb 2024: 1 story: A headline that goes on and on about the preliminary…"
    )


@pytest.mark.parametrize(
    ("text", "title", "shown"),
    [
        ("Snap election called. The president signed the decree.", "Snap election called", "The president signed"),
        ("SNAP  ELECTION called — the president signed it.", "Snap election called", "the president signed"),
        ("Snap elections are rare in Azerbaijan.", "Snap election", "Snap elections are rare"),  # a longer word
        ("The president called a snap election.", "Snap election called", "The president called"),
        ("Snap election called", "Snap election called", "Snap election called"),  # nothing after it: kept
    ],
)
def test_a_snippet_does_not_repeat_the_headline(text: str, title: str, shown: str) -> None:
    segments = after_title([(text, False)], title)
    assert "".join(t for t, _ in segments).startswith(shown)


def test_marked_words_stay_marked_after_the_headline_is_cut() -> None:
    segments = [("Snap ", False), ("election", True), (" called. The ", False), ("election", True), (" is set.", False)]
    assert after_title(segments, "Snap election called") == [("The ", False), ("election", True), (" is set.", False)]


def test_the_built_in_digest_links_the_story_and_the_evidence_with_lang_per_block() -> None:
    d = briefing()
    title, text, html = render(d)
    assert title == subject(d)
    story = d.sections[0].stories[0]
    assert story.story_url == f"{BASE}/stories/10" and story.evidence_url == f"{BASE}/articles/1#evidence"
    assert f'href="{BASE}/stories/10"' in html and f'href="{BASE}/articles/1#evidence"' in html
    assert re.search(r'<h3 lang="ru"[^>]*>.*Наблюдатели ОБСЕ', html)
    assert re.search(r'<p class="snippet" lang="ru"[^>]*>', html)
    assert re.search(r'<h3 lang="en"[^>]*>.*Snap election called', html)
    # a section heading per keyword, in both parts; the snippet starts after the headline
    assert re.search(r"<h2[^>]*>election", html) and re.search(r"<h2[^>]*>observers", html)
    assert "\nELECTION\n--------\n" in text and "\nOBSERVERS\n---------\n" in text
    assert "The president signed the decree" in text and "Snap election called. The president" not in text
    assert f"The story, every outlet: {BASE}/stories/10" in text
    assert f"Evidence (as fetched): {BASE}/articles/1#evidence" in text
    assert [line for line in text.splitlines() if re.match(r"\d+\. ", line)] == [
        "1. Snap election called",
        "2. Наблюдатели ОБСЕ прибыли в Баку",
        "3. Observers publish their interim report",
    ]


@pytest.mark.parametrize(
    ("setting", "header", "envelope"),
    [
        ("digest@newswatch.example", "Newswatch digest <digest@newswatch.example>", "digest@newswatch.example"),
        ("Election desk <desk@example.org>", "Election desk <desk@example.org>", "desk@example.org"),
    ],
)
def test_the_sender_has_a_display_name(setting: str, header: str, envelope: str) -> None:
    assert from_header(setting) == header and envelope_sender(setting) == envelope
