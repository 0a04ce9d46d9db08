"""The pages in headless Chromium (Debian's package, driven by Playwright; never a downloaded
browser), against `newswatch web` serving a real database. Screenshots go to test-output/."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.web.browser import browsing, need_chromium, shot
from tests.web.conftest import Served

need_chromium()


@pytest.fixture
def page(served: Served) -> Iterator[Any]:
    with browsing() as page:
        yield page


def test_search_open_story_and_republications(page: Any, served: Served) -> None:
    page.goto(served.url + "/")
    shot(page, "index")
    page.fill("input[name=q]", '"snap presidential"')
    page.click("button:has-text('Search')")
    results = page.locator("ol.results > li")
    assert results.count() == 1
    assert "Snap election called" in results.first.inner_text()
    assert "3 outlets" in results.first.inner_text()
    assert page.locator("ol.results mark").first.inner_text().lower() == "snap presidential"
    shot(page, "search")

    results.first.locator("h2 a").click()
    assert page.url.endswith(f"/articles/{served.ids['election']}")
    story = page.locator("#story").inner_text()
    assert "Trend" in story and "AZERTAC" in story and "MENAFN" in story
    republications = page.locator("#republications tbody tr")
    assert republications.count() == 1
    assert "MENAFN" in republications.first.inner_text() and "100%" in republications.first.inner_text()
    assert page.locator("#evidence").inner_text().count("ab" * 32) == 1
    at_outlet = page.locator("a", has_text="At the outlet:")
    assert at_outlet.get_attribute("rel") == "noopener noreferrer"
    shot(page, "article")


def test_add_keyword_with_preview_then_remove(page: Any, served: Served) -> None:
    page.goto(served.url + "/keywords")
    page.fill("input[name=query]", "baku")
    page.fill("input[name=name]", "Baku")
    page.click("button:has-text('Preview')")
    assert page.locator("#preview .count").inner_text() == "3"  # copies are not counted
    shot(page, "keywords-preview")
    page.click("button:has-text('Add')")
    assert "added keyword 'Baku': it would have matched 3 article(s)" in page.locator(".notice").inner_text()
    row = page.locator("tbody tr", has_text="Baku")
    assert row.count() == 1
    shot(page, "keywords")
    row.locator("button:has-text('Remove')").click()
    assert page.locator("h1").inner_text() == "Remove the keyword 'Baku'?"  # asked first, on a page of its own
    page.click("button:has-text('Remove Baku')")
    assert "removed keyword 'Baku'" in page.locator(".notice").inner_text()
    assert page.locator("tbody tr", has_text="Baku").count() == 0


def test_a_script_in_a_title_shows_as_text_and_runs_nothing(page: Any, served: Served) -> None:
    page.goto(served.url + "/?q=reader")
    heading = page.locator("ol.results h2").first.inner_text()
    assert heading.startswith('<script>document.title="pwned"</script><img src=x')
    assert page.title() != "pwned"
    page.locator("ol.results h2 a").first.click()
    assert page.locator("h1").inner_text().startswith("<script>")
    assert page.title() != "pwned"
    # its javascript: URL is shown, never linked
    assert page.locator("a[href^='javascript:']").count() == 0
    shot(page, "escaped")


def test_the_other_pages_render(page: Any, served: Served) -> None:
    for path, heading in [("/sources", "Sources"), ("/subscribers", "Subscribers"), ("/digests", "Digests")]:
        page.goto(served.url + path)
        assert page.locator("h1").inner_text() == heading
        shot(page, path.strip("/"))
    page.goto(served.url + "/subscribers")
    page.fill("input[name=email]", "ana@example.org")
    page.select_option("#add-lang", "az")  # a picker of languages by name
    page.click("form.card button:has-text('Add')")
    assert "subscribed ana@example.org" in page.locator(".notice").inner_text()
    assert "headlines in az" in page.locator(".notice").inner_text()
    assert "Azerbaijani" in page.locator("tbody tr", has_text="ana@example.org").inner_text()
    page.click("a:has-text('Preview digest')")
    mail = page.locator("main").inner_text()  # the briefing, block by block, each in its language
    # the story of Trend's report and AZERTAC's, headed by Trend's: it published first
    assert "Snap election called" in mail and "first published by Trend" in mail
    assert page.locator("main section.digest-section h2", has_text="election").count() == 1
    shot(page, "digest-preview")
