"""Every page in headless Chromium at a phone's width (390 px) and a laptop's (1366 px): nothing
wider than the window, no control out of reach, no serious or critical axe-core violation, text in
its own language marked so; and the round trips a person makes: a refused form or search keeps
what was typed and says why beside the field, a signed-out write keeps its input through sign-in,
Remove asks first, a keyword is edited, the home page tells what is new since the last visit.
Screenshots of every page at both widths go to test-output/pages/."""

from __future__ import annotations

import asyncio
import json
import sys
import time
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest

from alerts import unsubscribe
from monitor import config
from monitor.db import open_pool
from tests.conftest import ROOT, Cli
from tests.e2e.test_seeds_cli import SEED_PAGE, polled_copies
from tests.site.server import Site
from tests.web.browser import SHOTS, browsing, need_chromium
from tests.web.conftest import EDITED, GONE, Served, serving

need_chromium()

AXE = ROOT / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = (390, 1366)
CONTROLS = "a[href], button, input:not([type=hidden]), select, textarea, summary"


def fit(page: Any) -> dict[str, Any]:
    """How the page sits in the window: its scroll width, and the controls that reach outside."""
    return page.evaluate(
        r"""(selector) => {
            const width = window.innerWidth;
            const outside = [];
            for (const el of document.querySelectorAll(selector)) {
                const r = el.getBoundingClientRect();
                if (r.width === 0 && r.height === 0) continue;  // not shown (a closed <details>)
                if (r.right > width + 1 || r.left < -1)
                    outside.push(`${el.tagName.toLowerCase()} "${(el.innerText || el.name || '').slice(0, 40)}"`
                                 + ` ${Math.round(r.left)}..${Math.round(r.right)}`);
            }
            // for the message: the innermost elements that reach past the right edge
            const wide = [...document.querySelectorAll("body *")]
                .filter(el => el.getBoundingClientRect().right > width + 1
                              && ![...el.children].some(c => c.getBoundingClientRect().right > width + 1))
                .slice(0, 5).map(el => `${el.tagName.toLowerCase()}.${el.className} `
                                        + `${Math.round(el.getBoundingClientRect().right)}`);
            // a table squeezed into the window: a cell too narrow for a word of its own, so that the
            // word is broken letter by letter ("S t a t u s")
            const crushed = [];
            for (const cell of document.querySelectorAll("td, th")) {
                const head = cell.closest("thead");  // a stacked table's head: hidden but for screen readers
                if (head && head.getBoundingClientRect().width <= 1) continue;
                const r = cell.getBoundingClientRect();
                const em = parseFloat(getComputedStyle(cell).fontSize);
                const word = (cell.innerText || "").split(/\s+/).find(w => w.length > 3);
                if (r.width > 0 && word && r.width < 2.5 * em)
                    crushed.push(`${cell.tagName.toLowerCase()} "${word.slice(0, 20)}" ${Math.round(r.width)} px`);
            }
            return {width, scroll: document.documentElement.scrollWidth, outside, wide, crushed};
        }""",
        CONTROLS,
    )


def violations(page: Any) -> list[str]:
    """axe-core's serious and critical violations on the page, one line each."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations.filter(v => ["serious", "critical"].includes(v.impact))
                .map(v => `${v.id} (${v.impact}): ${v.help}: `
                          + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", "));
        }"""
    )


def check(page: Any, name: str, width: int) -> None:
    placed = fit(page)
    assert placed["scroll"] <= placed["width"], f"{name} at {width} px is {placed['scroll']} px wide: {placed['wide']}"
    assert placed["outside"] == [], f"{name} at {width} px: controls outside the window: {placed['outside']}"
    assert placed["crushed"] == [], f"{name} at {width} px: table cells too narrow for their words: {placed['crushed']}"
    if AXE.exists():
        assert violations(page) == [], name
    else:
        print(f"axe-core checks skipped: {AXE} is absent (make axe installs it from npm)", file=sys.stderr)
    (SHOTS / "pages").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "pages" / f"{name}-{width}.png"), full_page=True)


def furnish(served: Served, cli: Cli, database_url: str) -> Served:
    """Add to a served archive a subscriber, a sent digest, older articles and an unsubscribe link
    (and the election story's id), so that every page has something to show."""
    cli("subscribers", "add", "ana@example.org", "--lang", "ru", "--tz", "Europe/Berlin")
    cli("digest", "send", "--subscriber", "ana@example.org")
    ids = served.ids
    with psycopg.connect(database_url, autocommit=True) as conn:
        # two stories were stored days ago: older than the reader's last visit below
        conn.execute(
            "UPDATE articles SET stored_at = now() - interval '3 days' WHERE id = ANY(%s)",
            ([ids["football"], ids["russian"]],),
        )
        (digest_id,) = conn.execute("SELECT id FROM digests").fetchone() or (None,)
        (sub_id,) = conn.execute("SELECT id FROM subscribers").fetchone() or (None,)
        (story,) = conn.execute("SELECT story_id FROM articles WHERE id = %s", (ids["election"],)).fetchone() or (None,)
    ids["digest"], ids["subscriber"], ids["election_story"] = digest_id, sub_id, story

    async def link() -> str:
        pool = await open_pool(database_url, max_size=1)
        try:
            async with pool.connection() as conn:
                key = await unsubscribe.signing_key(conn, config.load({"NEWSWATCH_DATABASE_URL": database_url}))
        finally:
            await pool.close()
        return unsubscribe.token(key, sub_id, "ana@example.org")

    ids["unsubscribe"] = asyncio.run(link())  # type: ignore[assignment]
    return served


@pytest.fixture
def world(served: Served, cli: Cli, database_url: str) -> Served:
    """The served archive (with its script-laden title), furnished."""
    return furnish(served, cli, database_url)


def pages(ids: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        ("home", "/"),
        ("home-new", "/?view=new"),
        ("home-today", "/?view=today"),
        ("search", "/?q=election"),
        ("search-grouped", "/?q=election&group=story&include_duplicates=1"),
        ("search-error", "/?q=a%20OR&lang=Russian"),
        ("article", f"/articles/{ids['election']}"),
        ("article-russian", f"/articles/{ids['russian']}"),
        ("story", f"/stories/{ids['election_story']}"),
        ("keywords", "/keywords"),
        ("keywords-preview", "/keywords?query=baku%20OR%20election"),
        ("keywords-edit", "/keywords?edit=election"),
        ("sources", "/sources"),
        ("subscribers", "/subscribers"),
        ("subscribers-edit", "/subscribers?edit=ana%40example.org"),
        ("digests", "/digests"),
        ("digest", f"/digests/{ids['digest']}"),
        ("digest-preview", "/digests/preview?subscriber=ana%40example.org"),
        ("login", "/login"),
        ("not-found", "/nope"),
        ("unsubscribe", f"/unsubscribe/{ids['unsubscribe']}"),
    ]


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_fits_and_passes_axe(world: Served, width: int) -> None:
    with browsing(width=width, bypass_csp=True) as page:
        for name, path in pages(world.ids):
            response = page.goto(world.url + path)
            assert response is not None and response.status in (200, 400, 404), (name, response and response.status)
            assert page.locator("h1").count() == 1, name
            check(page, name, width)
        # the confirmation a Remove asks for is a page too
        page.goto(world.url + "/sources")
        page.click("button[aria-label='Remove Trend']")
        check(page, "confirm-remove", width)


@pytest.fixture
def later(cli: Cli, site: Site, database_url: str) -> Iterator[Served]:
    """The pages other issues added: a seed with three stored copies (its record, a copy's word
    diff), and an outlet's article edited and another taken down (versions, the evidence)."""
    polled_copies(cli, site)
    seed = int(cli("seeds", "add", site.url(SEED_PAGE), "--outlet", "Caspian Courier").stdout.splitlines()[0])
    cli("sources", "add", "Herald", site.url("/evidence/feed.rss"), "--lang", "en")
    cli("poll", "Herald")
    with psycopg.connect(database_url) as conn:
        by_url = dict(conn.execute("SELECT url, id FROM articles").fetchall())
        (copy,) = conn.execute("SELECT min(id) FROM articles WHERE duplicate_of = %s", (seed,)).fetchone()
    ids = {"seed": seed, "copy": copy, "edited": by_url[site.url(EDITED)], "gone": by_url[site.url(GONE)]}
    site.edit(EDITED, "/evidence/later/ballot-count-5001.html")
    site.vanish(GONE, 410)
    cli("recheck", str(ids["edited"]), str(ids["gone"]))
    with serving(cli, ids) as served:
        yield served


def later_pages(ids: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        ("seeds", "/seeds"),
        ("seed", f"/seeds/{ids['seed']}"),
        ("seed-copy", f"/seeds/{ids['seed']}/copies/{ids['copy']}"),
        ("article-edited", f"/articles/{ids['edited']}"),
        ("article-removed", f"/articles/{ids['gone']}"),
        ("version", f"/articles/{ids['edited']}/versions/1"),
    ]


@pytest.mark.parametrize("width", WIDTHS)
def test_the_seed_and_evidence_pages_fit_and_pass_axe(later: Served, width: int) -> None:
    with browsing(width=width, bypass_csp=True) as page:
        for name, path in later_pages(later.ids):
            response = page.goto(later.url + path)
            assert response is not None and response.status == 200, (name, response and response.status)
            assert page.locator("h1").count() == 1, name
            check(page, name, width)


def test_text_is_marked_with_its_language(world: Served) -> None:
    with browsing() as page:
        page.goto(world.url + "/?q=выборы")
        assert page.locator("ol.results [lang=ru]", has_text="Выборы в Азербайджане").count() >= 1
        assert "внеочередные" in page.locator("ol.results p.snippet[lang=ru]").first.inner_text()
        page.goto(world.url + f"/articles/{world.ids['russian']}")
        assert page.locator("article[lang=ru] h1").inner_text() == "Выборы в Азербайджане"
        page.goto(world.url + "/?view=latest")
        assert page.locator("ol.stories h2[lang=ru]", has_text="Выборы").count() == 1
        assert page.locator("html").get_attribute("lang") == "en"


def test_a_refused_search_keeps_what_was_typed_and_says_why_beside_the_field(world: Served) -> None:
    with browsing() as page:
        page.goto(world.url + "/")
        page.fill("#search-q", "election OR")
        page.click("button:has-text('Search')")
        assert page.locator("#search-q").input_value() == "election OR"  # the box is there, with the query
        assert "OR needs something on both sides" in page.locator("#search-q-note").inner_text()
        assert page.locator("#search-q").get_attribute("aria-invalid") == "true"
        page.goto(world.url + "/?q=election&lang=Russian")
        assert page.locator("#search-lang").input_value() == "Russian"
        assert "not an ISO 639-1 language code" in page.locator("#search-lang-note").inner_text()
        page.goto(world.url + "/?source=Nope")
        assert "no source or outlet named 'Nope'" in page.locator("#search-source-note").inner_text()
        page.goto(world.url + "/?since=2024-02-08&until=2024-02-01")
        assert "must be after the start" in page.locator("#search-until-note").inner_text()
        assert "--" not in page.locator("main").inner_text()  # no CLI flag anywhere


def test_a_refused_form_keeps_what_was_typed_and_says_why_beside_the_field(world: Served) -> None:
    with browsing() as page:
        page.goto(world.url + "/sources")
        page.fill("#add-name", "APA")
        page.fill("#add-url", "https://apa.az/rss")
        page.fill("#add-every", "5s")
        page.select_option("#add-lang", "az")
        page.click("#add-source button:has-text('Add')")
        assert page.locator("#add-name").input_value() == "APA" and page.locator("#add-lang").input_value() == "az"
        assert "between one minute and 7 days" in page.locator("#add-every-note").inner_text()
        assert "--every" not in page.content()
        page.click("#opml-import button:has-text('Import')")  # no file chosen
        assert "choose an OPML file" in page.locator("#import-file-note").inner_text()
        assert "Document is empty" not in page.content()

        page.goto(world.url + "/subscribers")
        page.fill("#add-email", "bob@example.org")
        page.fill("#add-keywords", "election, nonexistent")
        page.select_option("#add-tz", "Asia/Tbilisi")
        page.click("#add button:has-text('Add')")
        assert "no keyword named 'nonexistent'" in page.locator("#add-keywords-note").inner_text()
        assert page.locator("#add-email").input_value() == "bob@example.org"
        assert page.locator("#add-tz").input_value() == "Asia/Tbilisi"


def test_remove_asks_first_and_cancel_keeps_the_source(world: Served) -> None:
    with browsing() as page:
        page.goto(world.url + "/sources")
        page.click("button[aria-label='Remove Trend']")
        assert page.locator("h1").inner_text() == "Remove the source 'Trend'?"
        page.click("a:has-text('Cancel')")
        assert page.url.endswith("/sources") and page.locator(".source-name", has_text="Trend").count() == 1
        page.click("button[aria-label='Remove Trend']")
        page.click("button:has-text('Remove Trend')")
        assert "removed source Trend" in page.locator(".notice").inner_text()
        assert page.locator(".source-name", has_text="Trend").count() == 0


def test_a_keyword_is_edited_and_previewed_in_full(world: Served) -> None:
    with browsing() as page:
        page.goto(world.url + "/keywords")
        page.click("a[aria-label='Edit election']")
        assert page.locator("#edit-query").input_value() == "election OR выборы"
        page.fill("#edit-query", "observers OR baku")
        page.click("#edit-form button:has-text('Preview')")
        assert page.locator("#edit-query").input_value() == "observers OR baku"  # still editing
        preview = page.locator("#preview")
        assert preview.locator(".count").inner_text() == "3"
        assert preview.locator("p.snippet mark").count() >= 1  # snippets, matched words marked
        assert preview.locator("a:has-text('See all')").get_attribute("href") == "/?q=observers%20OR%20baku"
        page.click("#edit-form button:has-text('Save')")
        assert "changed keyword 'election'" in page.locator(".notice").inner_text()
        assert "observers OR baku" in page.locator("tbody tr", has_text="election").inner_text()
        # an unnamed keyword is named by its first words, not its whole query
        page.fill("#add-query", 'seçki* OR "snap presidential election" -football')
        page.click("#add-form button:has-text('Add')")
        assert "added keyword 'seçki snap presidential election'" in page.locator(".notice").inner_text()


def test_the_home_page_tells_what_is_new_since_the_last_visit(world: Served) -> None:
    ids = world.ids
    with browsing() as page:
        page.goto(world.url + "/")
        stories = page.locator("ol.stories > li")
        assert stories.count() == 4  # the election story (3 articles, a copy among them), and three more
        election = stories.filter(has_text="Snap election called")
        assert "first published by Trend" in election.inner_text()
        assert "3 articles in 3 outlets: Trend, MENAFN, AZERTAC" in " ".join(election.inner_text().split())
        assert election.locator("a.kw", has_text="election").count() == 1
        election.locator("h2 a").click()
        assert page.locator("h1").inner_text() == "Snap election called"  # the story page, one click away

        page.goto(world.url + "/?view=new")
        assert "first visit" in page.locator("main").inner_text()
        # the reader's last visit ended a day ago: only what was stored since is new
        day_ago = int(time.time()) - 86400
        page.context.add_cookies([{"name": "newswatch_seen", "value": f"0.{day_ago}", "url": world.url}])
        page.goto(world.url + "/?view=new")
        shown = page.locator("ol.stories > li h2").all_inner_texts()
        assert any("Snap election called" in s for s in shown) and not any("Qarabag" in s for s in shown)
        assert "New since your last visit (2)" in page.locator("nav.tabs").inner_text()
        page.goto(world.url + "/?view=new")  # a reload is the same visit: still new
        assert page.locator("ol.stories > li").count() == 2
        page.goto(world.url + "/")
        assert page.locator("ol.stories > li.new").count() == 2
        assert page.locator("ol.stories > li", has_text="Qarabag").locator(".badge.new").count() == 0
        # today: the stories first published since midnight UTC (the world's are 1 to 5 h old, so
        # how many depends on the hour the test runs: none just after midnight)
        midnight = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        with urllib.request.urlopen(world.url + "/api/stories?limit=100", timeout=10) as answer:
            listed = json.loads(answer.read())["stories"]
        today = [s for s in listed if s["first_published"] and datetime.fromisoformat(s["first_published"]) >= midnight]
        page.goto(world.url + "/?view=today")
        assert page.locator("ol.stories > li").count() == len(today)
        if not today:
            assert "No story first published today (UTC) yet." in page.locator("main").inner_text()
    assert ids["football"]


def test_search_results_count_sort_group_and_export(world: Served) -> None:
    with browsing() as page:
        page.goto(world.url + "/?q=election")
        assert page.locator(".count").inner_text().startswith("3 articles found")  # the copy hidden
        page.goto(world.url + "/?q=election&include_duplicates=1")
        assert page.locator(".count").inner_text().startswith("4 articles found")
        page.goto(world.url + "/?q=election&include_duplicates=1&group=story")
        groups = page.locator("ol.results.grouped > li")
        assert groups.count() == 2  # the election story's three articles in one group, and the script title
        assert groups.filter(has_text="Observers arrive in Baku").locator("ul.also li").count() == 2
        page.goto(world.url + "/?q=election")
        page.select_option("#search-sort", "relevance")
        page.click("button:has-text('Search')")
        assert "sort=relevance" in page.url
        href = page.locator(".exports a", has_text="CSV").get_attribute("href")
        assert href.startswith("/export.csv?") and "q=election" in href and "sort=relevance" in href
        with page.expect_download() as wait:
            page.click(".exports a:has-text('JSON lines')")
        lines = Path(wait.value.path()).read_text(encoding="utf-8").splitlines()
        assert len(lines) == 3 and '"title": "Observers arrive in Baku"' in "".join(lines)


@pytest.fixture
def token_served(cli: Cli, served: Served) -> Iterator[Served]:
    """The same archive served by a second process that needs the web token for writes."""
    cli.env["NEWSWATCH_WEB_TOKEN"] = "s3cret-token"
    with serving(cli, served.ids) as s:
        yield s


def test_a_signed_out_write_keeps_its_input_through_sign_in(token_served: Served) -> None:
    with browsing() as page:
        page.goto(token_served.url + "/keywords")
        page.fill("#add-query", "qarabag OR football")
        page.fill("#add-name", "Football")
        page.click("#add-form button:has-text('Add')")
        assert page.locator("h1").inner_text() == "Sign in"
        assert "What you typed is kept" in page.locator(".notice").inner_text()
        page.fill("#login-token", "s3cret-token")
        page.click("button:has-text('Sign in')")
        assert page.url.startswith(token_served.url + "/keywords?")  # back where it came from
        assert page.locator("#add-query").input_value() == "qarabag OR football"
        assert page.locator("#add-name").input_value() == "Football"
        page.click("#add-form button:has-text('Add')")
        assert "added keyword 'Football'" in page.locator(".notice").inner_text()


def test_sources_put_the_failing_first_with_their_reason_and_filter_by_state(
    world: Served, cli: Cli, database_url: str
) -> None:
    for name in ("Alpha", "Broken", "Wobbly", "Quiet"):
        cli("sources", "add", name, f"https://{name.lower()}.example/rss", "--no-check")
    cli("sources", "disable", "Quiet")
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("UPDATE sources SET last_success_at = now() WHERE name IN ('Alpha', 'Trend')")
        for name, failures, error in (("Wobbly", 1, "timed out after 10 s"), ("Broken", 4, "HTTP 503")):
            conn.execute(
                "UPDATE sources SET consecutive_failures = %s, last_error = %s, last_error_at = now() WHERE name = %s",
                (failures, error, name),
            )
    with browsing(width=390) as page:
        page.goto(world.url + "/sources")
        names = page.locator(".source-name").all_inner_texts()
        assert names == ["Broken", "Wobbly", "Alpha", "Quiet", "Trend"]  # the longest failing first, then by name
        assert "2 sources are failing" in page.locator("p.error").inner_text()
        broken = page.locator("li.source", has_text="Broken")
        assert "Failing 4 times in a row" in broken.locator(".reason").inner_text()
        assert "HTTP 503" in broken.locator(".reason").inner_text()
        assert page.locator("li.source", has_text="Alpha").locator(".reason").count() == 0
        internals = broken.locator("details.internals")  # the internal figures: behind a toggle
        assert not internals.locator("dt", has_text="Interval now").is_visible()
        internals.locator("summary").click()
        assert internals.locator("dt", has_text="Interval now").is_visible()
        page.click("nav.tabs a:has-text('Failing (2)')")
        assert page.locator(".source-name").all_inner_texts() == ["Broken", "Wobbly"]
        page.click("nav.tabs a:has-text('Disabled (1)')")
        assert page.locator(".source-name").all_inner_texts() == ["Quiet"]
        assert page.locator("button[aria-label='Enable Quiet']").count() == 1


def test_a_subscriber_is_edited_with_the_zone_and_language_pickers(world: Served, database_url: str) -> None:
    with browsing(width=390) as page:
        page.goto(world.url + "/subscribers")
        page.click("a[aria-label='Edit ana@example.org']")
        assert page.locator("#edit-tz").input_value() == "Europe/Berlin"
        assert page.locator("#edit-lang").input_value() == "ru"
        page.select_option("#edit-tz", "Asia/Baku")
        page.select_option("#edit-lang", "az")
        page.fill("#edit-at", "07:30")
        page.fill("#edit-keywords", "nonexistent")
        page.check("#edit-empty")
        page.click("#edit button:has-text('Save')")
        # refused: still editing, with what was typed
        assert "no keyword named 'nonexistent'" in page.locator("#edit-keywords-note").inner_text()
        assert page.locator("#edit-tz").input_value() == "Asia/Baku"
        assert page.locator("#edit-lang").input_value() == "az"
        assert page.locator("#edit-empty").is_checked()
        page.fill("#edit-keywords", "election")
        page.click("#edit button:has-text('Save')")
        assert "ana@example.org" in page.locator(".notice").inner_text()
        row = " ".join(page.locator("tbody tr", has_text="ana@example.org").inner_text().split())
        assert "07:30 Asia/Baku, also empty days" in row and "election" in row
    with psycopg.connect(database_url) as conn:
        stored = conn.execute("SELECT tz, lang, send_empty, send_at::text FROM subscribers").fetchall()
    assert stored == [("Asia/Baku", "az", True, "07:30:00")]


def test_a_sitemap_source_is_added_from_the_form(world: Served, site: Site, cli: Cli) -> None:
    with browsing(width=390) as page:
        page.goto(world.url + "/sources")
        page.fill("#add-name", "ApaMap")
        page.fill("#add-url", site.url("/robots.txt"))
        page.select_option("#add-kind", "sitemap")
        page.click("#add-source button:has-text('Add')")
        assert "added source ApaMap" in page.locator(".notice").inner_text()
        assert "News sitemap" in page.locator("li.source", has_text="ApaMap").locator(".meta").inner_text()
    listed = cli("sources", "list", "--format", "jsonl").stdout
    assert any('"name": "ApaMap"' in line and '"kind": "sitemap"' in line for line in listed.splitlines())
