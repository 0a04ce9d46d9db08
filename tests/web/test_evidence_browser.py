"""The raw capture of a page that carries script, in headless Chromium: following its link saves a
file, and nothing of the outlet's script runs on our origin (its beacons never reach the site)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.site.server import Site
from tests.web.browser import ARGS, CHROMIUM, SHOTS, need_chromium
from tests.web.conftest import SCRIPTED, Herald

need_chromium()


def beacons(site: Site) -> list[str]:
    return [path for path in site.hits if path.startswith("/beacon/")]


def test_the_raw_download_cannot_run_script(herald: Herald, site: Site, tmp_path: Path) -> None:
    from playwright.sync_api import Error, sync_playwright

    article = herald.ids["scripted"]
    raw = f"{herald.url}/articles/{article}/versions/1/raw"
    assert b"new Image().src" in site.body(SCRIPTED)  # the page does carry script
    SHOTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            context = browser.new_context(accept_downloads=True, java_script_enabled=True)
            page = context.new_page()
            page.set_default_timeout(10000)
            errors: list[Any] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(f"{herald.url}/articles/{article}")
            title = page.title()
            with page.expect_download() as got:
                page.click("table.versions a:has-text('raw page')")
            download = got.value
            saved = tmp_path / download.suggested_filename
            download.save_as(saved)
            assert saved.name == f"newswatch-article-{article}-v1.html"
            assert saved.read_bytes() == site.body(SCRIPTED)  # the outlet's page, byte for byte
            assert page.url == f"{herald.url}/articles/{article}" and page.title() == title  # still our page
            page.screenshot(path=str(SHOTS / "evidence-article.png"), full_page=True)

            # typed into the address bar: a download too, never a rendered page
            with pytest.raises(Error, match="Download is starting"):
                page.goto(raw)
            # and in a frame of our own page? our pages forbid framing and the download is sandboxed
            page.goto(f"{herald.url}/articles/{article}/versions/1")
            assert "mobile ballot boxes" in page.inner_text("article")
            assert page.title() != "pwned"
            page.wait_for_timeout(500)  # time for any beacon to be sent
            assert errors == []
            # the edited and the taken-down article, as a reader sees them
            page.goto(f"{herald.url}/articles/{herald.ids['edited']}")
            assert page.locator("#evidence del").count() >= 3 and page.locator("#evidence ins").count() >= 2
            page.screenshot(path=str(SHOTS / "evidence-edited.png"), full_page=True)
            page.goto(f"{herald.url}/articles/{herald.ids['gone']}")
            assert "Taken down" in page.inner_text(".takedown")
            page.screenshot(path=str(SHOTS / "evidence-removed.png"), full_page=True)
        finally:
            browser.close()
    assert beacons(site) == []
