"""The story page and the story's timeline on the article page, in headless Chromium, over the
stories of tests/stories_world.py. Screenshots: test-output/story*.png, article-timeline.png."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests import stories_world
from tests.web.browser import browsing, need_chromium, shot
from tests.web.conftest import Served

need_chromium()


@pytest.fixture
def page(served_stories: Served) -> Iterator[Any]:
    with browsing() as page:
        yield page


def cells(row: Any) -> list[str]:
    return [" ".join(c.split()) for c in row.locator("td").all_inner_texts()]


def test_the_home_page_badge_opens_the_story_with_its_first_publisher_first(page: Any, served_stories: Served) -> None:
    ids = served_stories.ids
    page.goto(served_stories.url + "/?view=articles")  # the articles, not the stories the home page shows
    report = page.locator("ol.results > li", has_text=stories_world.MISSION_RU)
    badge = report.locator("a.badge", has_text="3 outlets")
    assert badge.get_attribute("href") == f"/stories/{ids['mission']}"
    badge.click()
    assert page.url.endswith(f"/stories/{ids['mission']}")

    assert page.locator("h1").inner_text() == stories_world.MISSION_EN
    summary = " ".join(page.locator("#summary").inner_text().split())
    assert "first published by Trend 2024-02-06 08:00 UTC" in summary
    assert "3 outlets · en, ru · 3 articles" in summary
    rows = page.locator("#timeline tbody tr")
    assert rows.count() == 3
    # Trend was fetched last but published first: it leads, as the original
    assert cells(rows.nth(0))[:4] == ["Trend original", "en", "2024-02-06 08:00 UTC", "2024-02-06 20:00 UTC"]
    assert cells(rows.nth(0))[5:] == ["", ""]
    apa = cells(rows.nth(1))
    assert apa[:3] == ["APA", "en", "2024-02-06 09:30 UTC"]
    assert apa[5:] == [f"copy of Trend #{ids['original']}", "96%"]
    report_row = cells(rows.nth(2))
    assert report_row[:3] == ["Report", "ru", "2024-02-06 11:00 UTC"] and report_row[5:] == ["own report", ""]
    assert rows.nth(2).locator("a").first.inner_text() == stories_world.MISSION_RU
    shot(page, "story")

    rows.nth(1).locator("td.copy-of a").click()
    assert page.url.endswith(f"/articles/{ids['original']}")


def test_the_article_page_shows_the_story_timeline(page: Any, served_stories: Served) -> None:
    ids = served_stories.ids
    page.goto(served_stories.url + f"/articles/{ids['copy']}")
    story = page.locator("#story")
    assert " ".join(story.locator("h2").inner_text().split()) == f"Story #{ids['mission']}: 3 outlets"
    assert story.locator("h2 a").get_attribute("href") == f"/stories/{ids['mission']}"
    rows = story.locator("tbody tr")
    assert [cells(rows.nth(i))[:2] for i in range(rows.count())] == [
        ["Trend original", "en"],
        ["APA", "en"],
        ["Report", "ru"],
    ]
    assert rows.nth(1).get_attribute("class").split() == ["current"]  # the article whose page this is
    assert cells(rows.nth(1))[5] == f"copy of Trend #{ids['original']}"
    shot(page, "article-timeline")


def test_a_seed_story_marks_the_seed_and_its_copy(page: Any, served_stories: Served) -> None:
    ids = served_stories.ids
    page.goto(served_stories.url + f"/stories/{ids['seed_story']}")
    rows = page.locator("#timeline tbody tr")
    assert cells(rows.nth(0))[0] == "Trend original seed"
    assert cells(rows.nth(1))[0] == "Azernews" and cells(rows.nth(1))[5:] == [
        f"seed copy of Trend #{ids['seed']}",
        "97%",
    ]
    shot(page, "story-seed")
