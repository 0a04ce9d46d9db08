"""Sources checked at the door, against the fixture site: a feed is taken, a sitemap recognised, a
web page gives the feed it declares (or asks which of several), a page with no feed and a URL that
does not answer are refused at once with the reason, and a URL watched already under another name
is refused; the same through the CLI, the web form, the API and an OPML import, whose folders
become categories and come back, with the disabled state, in the export."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import Cli
from tests.site.server import Site
from tests.web.conftest import Served, serving


def listed(cli: Cli) -> dict[str, dict]:
    return {r["name"]: r for r in map(json.loads, cli("sources", "list", "--format", "jsonl").stdout.splitlines())}


def test_a_feed_a_sitemap_and_a_page_declaring_its_feed(cli: Cli, site: Site) -> None:
    out = cli("sources", "add", "Courier", site.url("/feed.rss")).stdout
    assert "added source Courier" in out and "a feed with" in out
    out = cli("sources", "add", "Map", site.url("/sitemap-index.xml")).stdout
    assert "sitemap): a sitemap" in out
    out = cli("sources", "add", "Robots", site.url("/robots.txt")).stdout
    assert "sitemap): a robots.txt naming sitemaps" in out
    sources = listed(cli)
    assert sources["Map"]["kind"] == "sitemap" and sources["Robots"]["kind"] == "sitemap"
    assert sources["Courier"]["kind"] == "feed"
    err = cli("sources", "add", "Map as feed", site.url("/sitemaps/news-late.xml"), "--kind", "spider:trend", expect=2)
    assert "is not an HTML page" in err.stderr


def test_the_page_of_a_watched_feed_the_same_url_twice_a_page_without_a_feed(cli: Cli, site: Site) -> None:
    cli("sources", "add", "Courier", site.url("/feed.rss"))
    err = cli("sources", "add", "Courier again", site.url("/feed.rss"), expect=2).stderr
    assert "is already watched, as the source 'Courier'" in err and len(err.splitlines()) == 1
    # the same URL in another spelling (a tracking parameter) is the same feed
    err = cli("sources", "add", "Courier utm", site.url("/feed.rss?utm_source=x"), expect=2).stderr
    assert "already watched, as the source 'Courier'" in err
    err = cli("sources", "add", "Front page", site.url("/door/one-feed.html"), expect=2).stderr
    assert f"the page's feed {site.url('/feed.rss')} is already watched, as the source 'Courier'" in err
    err = cli("sources", "add", "Wire", site.url("/door/no-feed.html"), expect=2).stderr
    assert "is a web page that declares no feed" in err and len(err.splitlines()) == 1
    err = cli("sources", "add", "Two", site.url("/door/two-feeds.html"), expect=2).stderr
    assert "declares 2 feeds, add one of them: Azeri Observer: politics: " in err
    assert site.url("/dedup/outlet-b.rss") in err and "https://observer.example/all.atom" in err
    err = cli("sources", "add", "Missing", site.url("/door/nothing-here.rss"), expect=2).stderr
    assert "cannot fetch" in err and "HTTP 404" in err
    err = cli("sources", "add", "Closed", "http://127.0.0.1:9/feed.rss", expect=2).stderr
    assert "cannot fetch" in err and "Traceback" not in err
    assert set(listed(cli)) >= {"Courier"} and not {"Wire", "Two", "Missing", "Closed"} & set(listed(cli))
    # what cannot be reached now can still be added on purpose
    assert "not checked" in cli("sources", "add", "Later", "http://127.0.0.1:9/feed.rss", "--no-check").stdout


def test_the_only_feed_of_a_page_is_added(cli: Cli, site: Site) -> None:
    out = cli("sources", "add", "Front page", site.url("/door/one-feed.html")).stdout
    assert f"({site.url('/feed.rss')}, feed): the feed the page declares (a feed with " in out
    assert listed(cli)["Front page"]["url"] == site.url("/feed.rss")


def opml_of(site: Site, extra: str = "") -> str:
    return f"""<?xml version="1.0"?><opml version="2.0"><head/><body>
      <outline text="Azerbaijan">
        <outline text="Politics">
          <outline type="rss" text="Courier" xmlUrl="{site.url("/feed.rss")}"/>
        </outline>
        <outline type="rss" text="Observer" xmlUrl="{site.url("/dedup/outlet-b.rss")}" newswatchEnabled="false"/>
      </outline>
      <outline type="rss" text="Wire" xmlUrl="{site.url("/dedup/copier.rss")}"/>
      {extra}
    </body></opml>"""


def test_opml_keeps_folders_as_categories_and_the_disabled_state(cli: Cli, site: Site, tmp_path: Path) -> None:
    (tmp_path / "feeds.opml").write_text(opml_of(site))
    assert "3 source(s) added" in cli("sources", "import", str(tmp_path / "feeds.opml")).stdout
    sources = listed(cli)
    assert sources["Courier"]["category"] == "Azerbaijan/Politics"
    assert sources["Observer"]["category"] == "Azerbaijan" and sources["Observer"]["enabled"] is False
    assert sources["Wire"]["category"] is None
    exported = cli("sources", "export").stdout
    assert 'newswatchEnabled="false"' in exported
    # exported, then imported into an empty Newswatch: the same folders and states
    assert exported.index('<outline text="Azerbaijan"') < exported.index('<outline text="Politics"')
    assert exported.index('<outline text="Politics"') < exported.index('text="Courier"')


def test_opml_checks_every_outline_and_imports_nothing_when_one_fails(cli: Cli, site: Site, tmp_path: Path) -> None:
    (tmp_path / "script.opml").write_text(opml_of(site, '<outline type="rss" text="Script" xmlUrl="javascript:x"/>'))
    err = cli("sources", "import", str(tmp_path / "script.opml"), expect=2).stderr
    assert "('Script'): url: not an http(s) URL" in err  # named, not skipped unseen
    bad = (
        f'<outline type="rss" text="Page" xmlUrl="{site.url("/door/no-feed.html")}"/>'
        f'<outline type="rss" text="Again" xmlUrl="{site.url("/feed.rss")}"/>'
    )
    (tmp_path / "feeds.opml").write_text(opml_of(site, bad))
    err = cli("sources", "import", str(tmp_path / "feeds.opml"), expect=2).stderr
    assert "nothing imported" in err and len(err.splitlines()) == 1
    assert "('Page'): url:" in err and "declares no feed" in err
    assert "('Again'): url:" in err and "already watched, as the source 'Courier'" in err
    assert not {"Courier", "Page", "Wire"} & set(listed(cli))


@pytest.fixture
def web(cli: Cli) -> Iterator[Served]:
    with serving(cli, {}) as served:
        yield served


def post(url: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_the_api_checks_too(web: Served, site: Site) -> None:
    status, body = post(web.url + "/api/sources", {"name": "Front", "url": site.url("/door/one-feed.html")})
    assert status == 201 and body["source"]["url"] == site.url("/feed.rss") and body["source"]["kind"] == "feed"
    status, body = post(web.url + "/api/sources", {"name": "Again", "url": site.url("/feed.rss")})
    assert status == 400 and "already watched, as the source 'Front'" in body["error"]
    status, body = post(web.url + "/api/sources", {"name": "Wire", "url": site.url("/door/no-feed.html")})
    assert status == 400 and "declares no feed" in body["error"]
    status, body = post(web.url + "/api/sources", {"name": "Map", "url": site.url("/sitemap-index.xml")})
    assert status == 201 and body["source"]["kind"] == "sitemap"


def test_the_web_form_checks_and_asks_which_feed(web: Served, site: Site) -> None:
    from tests.web.browser import browsing, need_chromium

    need_chromium()
    with browsing() as page:
        page.goto(web.url + "/sources")
        page.fill("#add-name", "Observer")
        page.fill("#add-url", site.url("/door/two-feeds.html"))
        page.click("#add-source button:has-text('Add')")
        assert "declares 2 feeds" in page.locator("#add-url-note").inner_text()
        assert page.locator("#add-url").input_value() == site.url("/door/two-feeds.html")
        page.click("#choose-feed button:has-text('Azeri Observer: politics')")
        assert "added source Observer" in page.locator(".notice").inner_text()
        assert page.locator(".source-name", has_text="Observer").count() == 1
        page.fill("#add-name", "Wire")
        page.fill("#add-url", site.url("/door/no-feed.html"))
        page.click("#add-source button:has-text('Add')")
        assert "declares no feed" in page.locator("#add-url-note").inner_text()
        assert page.locator("#add-name").input_value() == "Wire"
