"""Screenshots of every page at a phone's width (390 px) and a laptop's (1366 px), into
docs/screenshots/NAME-WIDTH.png, over the fixture archive of the page tests (tests/web/archive.py,
furnished as tests/web/test_pages.py does, without its script-laden title) and the seeds and
evidence of the fixture site. Not a test (pytest collects it only when named):

    make screenshots    # = .venv/bin/python -m pytest tests/web/screenshots.py -p no:cacheprovider

Each page is checked as the page tests check it (nothing past the window) before it is shot, and
saved as a 64-colour PNG (Pillow) so that the committed set stays small."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from monitor.db import open_pool
from tests.conftest import ROOT, Cli
from tests.web import archive
from tests.web.browser import browsing, need_chromium
from tests.web.conftest import Served, serving
from tests.web.test_pages import WIDTHS, fit, furnish, later, later_pages, pages  # noqa: F401 (later: a fixture)

need_chromium()

OUT = ROOT / "docs" / "screenshots"
TALLEST = 2400  # px: a longer page is shot down to here (its top is what a screenshot is for)


@pytest.fixture
def plain(cli: Cli, database_url: str) -> Iterator[Served]:
    """The page tests' archive without the title that tries to run a script, furnished."""

    async def load() -> dict[str, int]:
        pool = await open_pool(database_url, max_size=1)
        try:
            async with pool.connection() as conn:
                return await archive.load(conn)
        finally:
            await pool.close()

    ids = asyncio.run(load())
    # /sources as a person meets it on a bad day: a failing outlet first, with its reason
    cli("sources", "add", "Caspian Wire", "https://caspian-wire.example/rss", "--lang", "en", "--no-check")
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(
            "UPDATE sources SET consecutive_failures = 3, last_error = 'HTTP 503 Service Unavailable', "
            "last_error_at = now() - interval '10 minutes' WHERE name = 'Caspian Wire'"
        )
    with serving(cli, ids) as served:
        yield furnish(served, cli, database_url)


def save(page: Any, name: str, width: int) -> Path:
    from PIL import Image

    placed = fit(page)
    assert placed["scroll"] <= placed["width"], f"{name} at {width} px is {placed['scroll']} px wide"
    height = min(TALLEST, page.evaluate("document.documentElement.scrollHeight"))
    png = page.screenshot(full_page=True, clip={"x": 0, "y": 0, "width": width, "height": height})
    image = Image.open(io.BytesIO(png)).convert("RGB")
    small = image.quantize(colors=64, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}-{width}.png"
    small.save(path, optimize=True)
    return path


def shoot(served: Served, chosen: list[tuple[str, str]], confirm: bool = False) -> list[Path]:
    saved = []
    for width in WIDTHS:
        with browsing(width=width, height=800) as page:
            for name, path in chosen:
                page.goto(served.url + path)
                saved.append(save(page, name, width))
            if confirm:  # the page a Remove asks on
                page.goto(served.url + "/sources")
                page.click("button[aria-label='Remove Trend']")
                saved.append(save(page, "confirm-remove", width))
    return saved


def test_shoot_the_pages(plain: Served) -> None:
    saved = shoot(plain, pages(plain.ids), confirm=True)
    assert len(saved) == 2 * (len(pages(plain.ids)) + 1)


def test_shoot_the_seed_and_evidence_pages(later: Served) -> None:  # noqa: F811
    saved = shoot(later, later_pages(later.ids))
    assert len(saved) == 2 * len(later_pages(later.ids))
