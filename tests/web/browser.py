"""Headless Chromium for the page tests: Debian's package driven by Playwright (never a downloaded
browser). Screenshots go to test-output/."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT

CHROMIUM = "/usr/bin/chromium"
SHOTS = ROOT / "test-output"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def need_chromium() -> None:
    """Skip the calling test module, saying why, where Debian's chromium is absent."""
    if not Path(CHROMIUM).exists():
        print(f"browser tests skipped: {CHROMIUM} is absent (apt-get install chromium)", file=sys.stderr)
        pytest.skip(f"{CHROMIUM} is absent (apt-get install chromium)", allow_module_level=True)


@contextmanager
def browsing(width: int = 1280, height: int = 900, bypass_csp: bool = False) -> Iterator[Any]:
    """A page of a fresh browser; no script error or dialog may happen on it. `bypass_csp`: let
    the test inject a script (axe-core) into pages whose policy allows none."""
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(
            viewport={"width": width, "height": height}, java_script_enabled=True, bypass_csp=bypass_csp
        )
        page = context.new_page()
        page.set_default_timeout(5000)
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("dialog", lambda d: errors.append(f"dialog: {d.message}"))
        yield page
        browser.close()
        assert errors == []


def shot(page: Any, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
