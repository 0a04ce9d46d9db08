"""Publication dates and how they were known: every fixture page of tests/site/www/dates/ against the
date and date_source written beside it (cases.toml), then the rules one by one. The clock is
frozen: every case names its fetch time."""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from monitor.pipeline.dates import Dated, choose_published, date_in_url
from monitor.pipeline.extract import extract
from monitor.pipeline.pagedates import read_date, stated, written
from spiders.entries import entries

DATES = Path(__file__).resolve().parents[1] / "site" / "www" / "dates"
BASE = "http://news.example"
CASES = tomllib.loads((DATES / "cases.toml").read_text(encoding="utf-8"))["case"]
T = datetime(2024, 2, 7, 12, 0, tzinfo=UTC)


def feed_dates() -> dict[str, datetime | None]:
    """Each fixture feed's date per link, as the feed spider reads it (feedparser)."""
    found = {}
    for name in ("feed.rss", "undated.rss"):
        body = (DATES / name).read_bytes().replace(b"{{BASE}}", BASE.encode())
        found.update({e.link: e.published for e in entries(body, {"Content-Type": "application/rss+xml"})})
    return found


@pytest.mark.parametrize("case", CASES, ids=[c["page"] for c in CASES])
def test_each_fixture_page_gets_its_date_and_how_it_was_known(case: dict) -> None:
    url = f"{BASE}/dates/{case['page']}"
    html = (DATES / case["page"]).read_text(encoding="utf-8").replace("{{BASE}}", BASE)
    fetched = datetime.fromisoformat(case["fetched"])
    feeds = feed_dates()
    assert url in feeds, f"{case['page']} is in neither fixture feed"
    assert (feeds[url] is None) == (case["feed"] == "undated.rss")
    page = extract(html, url, fetched)
    at, source = choose_published(page.stated, feeds[url], url, page.written, fetched)
    assert (at, source) == (datetime.fromisoformat(case["expect"]), case["source"]), case["why"]


def test_every_fixture_page_has_a_case() -> None:
    pages = {str(p.relative_to(DATES)) for p in DATES.rglob("*.html")}
    assert pages == {c["page"] for c in CASES}
    assert {c["source"] for c in CASES} == {"page-meta", "feed", "url", "page-text", "fetched"}


def d(*args: int, has_time: bool = True) -> Dated:
    return Dated(datetime(*args, tzinfo=UTC), has_time)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("meta", "feed", "url", "text", "expected"),
    [
        ((d(2024, 2, 7, 9),), T - timedelta(hours=5), "https://x.az/a", None, (d(2024, 2, 7, 9).at, "page-meta")),
        ((d(2024, 2, 7, 9), d(2024, 2, 6, 22)), None, "https://x.az/a", None, (d(2024, 2, 6, 22).at, "page-meta")),
        ((), T - timedelta(hours=1), "https://x.az/2024/01/01/a", None, (T - timedelta(hours=1), "feed")),
        ((), None, "https://x.az/2024/02/05/a", d(2024, 2, 1, 10), (d(2024, 2, 5).at, "url")),  # contradicts the URL
        ((), None, "https://x.az/2024/02/05/a", d(2024, 2, 5, 10), (d(2024, 2, 5, 10).at, "page-text")),  # completes it
        ((), None, "https://x.az/a", d(2024, 2, 6, 10), (d(2024, 2, 6, 10).at, "page-text")),
        ((), T - timedelta(hours=3), "https://x.az/a", d(2024, 2, 1, 10), (T - timedelta(hours=3), "feed")),
        ((), None, "https://x.az/a", d(2024, 1, 1, has_time=False), (T, "fetched")),  # a bare 1 January: a year
        ((), None, "https://x.az/a", d(2024, 1, 1, 10, 30), (d(2024, 1, 1, 10, 30).at, "page-text")),  # with a time
        ((d(2024, 1, 1, has_time=False),), None, "https://x.az/a", None, (T, "fetched")),
        ((), None, "https://x.az/a", d(2013, 2, 6, 10), (T, "fetched")),  # more than ten years before
        ((d(2034, 2, 7),), T - timedelta(hours=2), "https://x.az/a", None, (T - timedelta(hours=2), "feed")),  # future
        ((d(2024, 2, 7, 15),), None, "https://x.az/a", None, (T, "page-meta")),  # hours ahead: a zone slip, cut
        ((), T + timedelta(days=3), "https://x.az/a", None, (T, "fetched")),  # a feed's clock days ahead
        ((), None, "https://x.az/2099/01/02/a", None, (T, "fetched")),
        ((), None, "https://x.az/a", None, (T, "fetched")),
    ],
)
def test_choose_published(
    meta: tuple[Dated, ...], feed: datetime | None, url: str, text: Dated | None, expected: tuple[datetime, str]
) -> None:
    assert choose_published(meta, feed, url, text, T) == expected


@pytest.mark.parametrize(
    ("text", "fetched", "expected"),
    [
        ("03 января 2024, 11:15", T, datetime(2024, 1, 3, 11, 15)),
        ("8 Fevral, 2024 | 10:05", T, datetime(2024, 2, 8, 10, 5)),
        ("14:35, 07 fevral 2024", T, datetime(2024, 2, 7, 14, 35)),
        ("7 февраля 2024 г. в 18:40", T, datetime(2024, 2, 7, 18, 40)),
        ("İyul 2024", T, None),  # a month and a year: no day
        ("5 İyun 2023, 09:00", T, datetime(2023, 6, 5, 9, 0)),
        ("February 7, 2024 at 2:20 pm", T, datetime(2024, 2, 7, 14, 20)),
        ("Feb. 6 2024", T, datetime(2024, 2, 6)),
        ("07.02.2024 / 14:35", T, datetime(2024, 2, 7, 14, 35)),
        ("2024-02-06 21:05", T, datetime(2024, 2, 6, 21, 5)),
        ("3 Jan. 17:55", T, datetime(2024, 1, 3, 17, 55)),  # no year: the one closest before the fetch
        ("3 Jan. 17:55", datetime(2024, 1, 2, tzinfo=UTC), datetime(2023, 1, 3, 17, 55)),
        ("31 Dec 23:10", datetime(2024, 1, 1, 1, 0, tzinfo=UTC), datetime(2023, 12, 31, 23, 10)),
        ("7 Feb 09:00", datetime(2024, 2, 7, 6, 0, tzinfo=UTC), datetime(2024, 2, 7, 9, 0)),  # a zone ahead
        ("Maryland 2024", T, None),
        ("32 января 2024", T, None),
        ("Views: 1208", T, None),
    ],
)
def test_read_date(text: str, fetched: datetime, expected: datetime | None) -> None:
    found = read_date(text, fetched)
    assert (found.at.replace(tzinfo=None) if found else None) == expected


def test_a_date_in_the_masthead_before_the_headline_is_todays_not_the_articles() -> None:
    page = (
        "<html><body><header><div class='today-date'>Wednesday, 7 February 2024</div></header>"
        "<main><h1>Turnout figures</h1><div class='date'>6 February 2024, 20:15</div><p>Text.</p></main></body></html>"
    )
    assert written(page, T) == d(2024, 2, 6, 20, 15)
    assert written(page.replace("<div class='date'>6 February 2024, 20:15</div>", ""), T) is None


def test_a_json_ld_list_of_other_articles_states_nothing_about_this_one() -> None:
    page = """<html><head><script type="application/ld+json">{"@type": "ItemList", "itemListElement": [
        {"@type": "NewsArticle", "datePublished": "2023-05-01T10:00:00Z"}]}</script>
        <script type="application/ld+json">{"@graph": [{"@type": "WebSite"},
        {"@type": "NewsArticle", "datePublished": "2024-02-06T10:00:00+04:00"}]}</script>
        <script type="application/ld+json">{not json</script></head><body></body></html>"""
    assert [x.at.isoformat() for x in stated(page)] == ["2024-02-06T10:00:00+04:00"]


@pytest.mark.parametrize(
    ("url", "day"),
    [
        ("https://apa.az/2024/02/07/slug-1.html", datetime(2024, 2, 7, tzinfo=UTC)),
        ("https://x.az/news/2024-02-06/slug", datetime(2024, 2, 6, tzinfo=UTC)),
        ("https://x.az/20240205/slug.html", datetime(2024, 2, 5, tzinfo=UTC)),
        ("https://x.az/2024/13/45/slug", None),
        ("https://en.trend.az/azerbaijan/politics/3857924.html", None),
        ("https://x.az/a?date=2024/02/07/", None),  # a query is not the path
    ],
)
def test_date_in_url(url: str, day: datetime | None) -> None:
    assert date_in_url(url) == day
