"""The seed pages in headless Chromium, over an archive that already holds three copies of the
Caspian Courier's article (tests/site/www/seeds, as in tests/e2e/test_seeds_cli.py): adding it as a
seed from its URL on /seeds, its record on /seeds/{id}, a copy's word diff one click away, a seed
in Russian uploaded as a file, removal; and the JSON API beside them; with a web token, adding and
removing for the signed-in only; the seed pages at a phone's and a laptop's width, checked as every
page is (tests/web/test_pages.py: they fit, axe finds nothing serious). Screenshots:
test-output/seed*.png and test-output/pages/seed*.png."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli
from tests.e2e.test_seeds_cli import SEED_PAGE, TITLE, polled_copies
from tests.site.server import Site
from tests.web.browser import browsing, need_chromium, shot
from tests.web.conftest import Served, serving
from tests.web.test_pages import WIDTHS, check

need_chromium()

RUSSIAN = (
    "date 2024-02-06\n"
    "Миссия наблюдателей СНГ прибыла в Баку\n\n"
    "БАКУ, 6 февраля. Миссия наблюдателей Содружества Независимых Государств прибыла в Баку, чтобы следить за "
    "внеочередными президентскими выборами 7 февраля, сообщил журналистам руководитель миссии Сергей Лебедев. "
    "В состав миссии входят сто двадцать наблюдателей из девяти государств, они посетят избирательные участки "
    "в Баку, Гяндже и Сумгаите, а также в районах вдоль северной границы.\n"
)


@pytest.fixture
def served_copies(cli: Cli, site: Site) -> Iterator[Served]:
    polled_copies(cli, site)
    with serving(cli, {}) as served:
        yield served


@pytest.fixture
def page(served_copies: Served) -> Iterator[Any]:
    with browsing() as page:
        yield page


FETCHING = 30_000  # ms: adding a seed fetches and extracts its page on the server (slow on a loaded machine)


def cells(row: Any) -> list[str]:
    return [" ".join(c.split()) for c in row.locator("td").all_inner_texts()]


def api(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as answer:
        return json.loads(answer.read())


def test_add_a_seed_read_its_record_and_a_copys_diff_then_remove_it(
    page: Any, served_copies: Served, site: Site, tmp_path: Path
) -> None:
    base = served_copies.url
    page.goto(base + "/seeds")
    assert page.locator("#seeds tbody").inner_text().strip() == "No seeds yet."
    form = page.locator("#add-seed")
    form.locator("input[name=url]").fill(site.url(SEED_PAGE))
    form.locator("input[name=outlet]").fill("Caspian Courier")
    form.locator("button[type=submit]").click(timeout=FETCHING)
    notice = page.locator(".notice").inner_text()
    assert notice.startswith("added seed ") and "3 stored article(s) already reproduce it" in notice
    row = page.locator("#seeds tbody tr")
    assert row.count() == 1
    assert cells(row)[:5] == [TITLE, "Caspian Courier", "2024-02-05 10:00 UTC", "en", "3"]
    shot(page, "seeds")

    row.locator("a", has_text=TITLE).click()
    seed_id = int(page.url.rsplit("/", 1)[1])
    assert page.locator("h1").inner_text() == TITLE
    assert "3 copies" in page.locator("#summary").inner_text()
    rows = page.locator("#record tbody tr")
    assert rows.count() == 3
    first, wire, daily = (cells(rows.nth(i)) for i in range(3))
    assert first[:3] == ["2024-02-05 09:00 UTC", "1 h before", "Early Bird"] and "dated before the seed" in first[3]
    assert rows.nth(0).get_attribute("class").split() == ["copy", "flagged"]
    assert wire[:3] == ["2024-02-05 13:30 UTC", "3 h 30 min after", "Regional Wire"]
    assert wire[5:] == ["100%", "+2 / −0 words"]
    assert daily[:3] == ["2024-02-06 08:00 UTC", "22 h after", "Baku Daily"] and daily[5:] == ["95%", "+6 / −25 words"]
    shot(page, "seed-record")

    rows.nth(2).locator("td.changed a").click()
    assert "/copies/" in page.url
    assert page.locator("h1").inner_text() == "Baku Daily: what it changed"
    assert page.locator("#diff ins").all_inner_texts() == ["Follow Baku Daily for more news."]
    [cut] = page.locator("#diff del").all_inner_texts()
    assert cut.startswith("The commission has registered seven candidates") and len(cut.split()) == 25
    assert page.locator(".added-count").inner_text() == "6 words added"
    shot(page, "seed-diff")

    record = api(f"{base}/api/seeds/{seed_id}")
    assert record["outlet"] == "Caspian Courier" and record["url"] == site.url(SEED_PAGE)
    assert [(c["outlet"], c["delay_s"], c["added_words"], c["removed_words"]) for c in record["copies"]] == [
        ("Early Bird", -3600, 0, 0),
        ("Regional Wire", 12600, 2, 0),
        ("Baku Daily", 79200, 6, 25),
    ]
    assert api(f"{base}/api/seeds")["seeds"][0]["copies"] == 3

    # a seed in Russian, from a file
    russian = tmp_path / "sng-missiya.txt"
    russian.write_text(RUSSIAN, encoding="utf-8")
    page.goto(base + "/seeds")
    form = page.locator("#add-seed")
    form.locator("input[name=file]").set_input_files(str(russian))
    form.locator("input[name=outlet]").fill("Report")
    form.locator("button[type=submit]").click(timeout=FETCHING)
    assert page.locator(".notice").inner_text().startswith("added seed ")
    listed = {r["title"]: r for r in api(f"{base}/api/seeds")["seeds"]}
    ru = listed["Миссия наблюдателей СНГ прибыла в Баку"]
    assert ru["lang"] == "ru" and ru["published_at"] == "2024-02-06T00:00:00+00:00" and ru["copies"] == 0

    page.locator(f"button[aria-label='Remove seed {seed_id}']").click()
    assert "Its 3 copies become ordinary articles again" in page.locator("main").inner_text()  # asked first
    page.locator("a:has-text('Cancel, keep it')").click()
    assert seed_id in [r["id"] for r in api(f"{base}/api/seeds")["seeds"]]
    page.locator(f"button[aria-label='Remove seed {seed_id}']").click()
    page.locator(f"button:has-text('Remove seed {seed_id}')").click()
    assert f"removed seed {seed_id}; its 3 copies are ordinary articles again" in page.locator(".notice").inner_text()
    assert [r["id"] for r in api(f"{base}/api/seeds")["seeds"]] == [ru["id"]]
    with pytest.raises(urllib.error.HTTPError) as gone:
        api(f"{base}/api/seeds/{seed_id}")
    assert gone.value.code == 404
    gone.value.close()


def test_a_refused_seed_is_said_on_the_page(page: Any, served_copies: Served, site: Site) -> None:
    page.goto(served_copies.url + "/seeds")
    form = page.locator("#add-seed")
    form.locator("input[name=url]").fill(site.url("/seeds/no-such-page.html"))
    form.locator("button[type=submit]").click(timeout=FETCHING)
    assert "could not be fetched: HTTP 404" in page.locator(".error").inner_text()
    assert page.locator("#seeds tbody").inner_text().strip() == "No seeds yet."


def post(url: str, fields: dict[str, str], token: str | None = None) -> tuple[int, str]:
    """A form POST as a script sends it (no browser headers): (status, body)."""
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, urllib.parse.urlencode(fields).encode(), headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as refused:
        with refused:
            return refused.code, refused.read().decode()


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as answer:
        return answer.read().decode()


TOKEN = "s3cret-seed-token"


def test_with_a_web_token_only_the_signed_in_add_and_remove_seeds(cli: Cli, site: Site) -> None:
    polled_copies(cli, site)
    cli.env["NEWSWATCH_WEB_TOKEN"] = TOKEN
    with serving(cli, {}) as served:
        base = served.url
        adding = {"action": "add", "url": site.url(SEED_PAGE), "outlet": "Caspian Courier"}
        assert 'id="add-seed"' not in get(base + "/seeds")  # signed out: no form to add one
        status, body = post(base + "/seeds", adding)
        assert status == 401 and "web token" in body
        status, _ = post(base + "/seeds", adding, token="not-the-token")
        assert status == 401
        assert api(f"{base}/api/seeds")["seeds"] == [] and site.hits[SEED_PAGE] == 0  # not even fetched

        status, body = post(base + "/seeds", adding, token=TOKEN)
        assert status == 200 and "3 stored article(s) already reproduce it" in body
        [seed] = api(f"{base}/api/seeds")["seeds"]
        listed = get(base + "/seeds")
        assert TITLE in listed and f"Remove seed {seed['id']}" not in listed  # the list, but no Remove

        assert post(base + "/seeds", {"action": "remove", "id": str(seed["id"])})[0] == 401
        assert api(f"{base}/api/seeds/{seed['id']}")["copies"][0]["outlet"] == "Early Bird"  # still there
        status, body = post(base + "/seeds", {"action": "remove", "id": str(seed["id"])}, token=TOKEN)
        assert status == 200 and "Cancel, keep it" in body  # asked first
        assert api(f"{base}/api/seeds")["seeds"] != []
        status, body = post(base + "/seeds", {"action": "remove", "id": str(seed["id"]), "confirm": "yes"}, token=TOKEN)
        assert status == 200 and f"removed seed {seed['id']}" in body
        assert api(f"{base}/api/seeds")["seeds"] == []


@pytest.mark.parametrize("width", WIDTHS)
def test_the_seed_pages_fit_the_window_and_pass_axe(
    cli: Cli, served_copies: Served, site: Site, tmp_path: Path, width: int
) -> None:
    base = served_copies.url
    seed_id = int(cli("seeds", "add", site.url(SEED_PAGE), "--outlet", "Caspian Courier").stdout.splitlines()[0])
    russian = tmp_path / "sng-missiya.txt"
    russian.write_text(RUSSIAN, encoding="utf-8")
    cli("seeds", "add", str(russian), "--outlet", "Report")
    daily = next(c for c in api(f"{base}/api/seeds/{seed_id}")["copies"] if c["outlet"] == "Baku Daily")
    with browsing(width=width, bypass_csp=True) as page:
        for name, path in [
            ("seeds", "/seeds"),
            ("seed", f"/seeds/{seed_id}"),
            ("seed-copy", f"/seeds/{seed_id}/copies/{daily['article_id']}"),
            ("seed-missing", "/seeds/999999"),
        ]:
            response = page.goto(base + path)
            assert response is not None and response.status == (404 if name == "seed-missing" else 200), name
            assert page.locator("h1").count() == 1, name
            check(page, name, width)
