"""Table-driven checks of the pure parts of ingestion: keys, dates, encodings, languages, feeds,
sitemaps, OPML, Retry-After and the adaptive interval."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from scrapy.http import Response

from monitor import opml
from monitor.errors import UsageError
from monitor.pipeline import language
from monitor.pipeline.canonical import canonicalise, choose_key
from monitor.pipeline.encoding import decode_html
from monitor.pipeline.extract import extract, page_title
from monitor.pipeline.language import detect_language
from monitor.store.sources import adapt_factor
from spiders.entries import entries
from spiders.feedbytes import NotAFeed
from spiders.sitemap import NewsSitemap
from spiders.source import retry_after

T = datetime(2024, 2, 7, 12, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("url", "declared", "key"),
    [
        (
            "https://www.trend.az/azerbaijan/politics/3857924.html",
            None,
            "https://en.trend.az/azerbaijan/politics/3857924.html",
        ),
        (
            "https://en.trend.az/azerbaijan/politics/3857924.html?utm_campaign=x",
            None,
            "https://en.trend.az/azerbaijan/politics/3857924.html",
        ),
        ("https://x.az/a?id=1&fbclid=z", "https://x.az/story/1", "https://x.az/story/1"),  # same site: believed
        ("https://x.az/a", "https://www.x.az/a#comments", "https://www.x.az/a"),
        ("https://x.az/a", "https://evil.example/a", "https://x.az/a"),  # another site: ignored
        ("https://x.az/a", "javascript:alert(1)", "https://x.az/a"),
    ],
)
def test_the_article_key(url: str, declared: str | None, key: str) -> None:
    assert choose_key(url, declared) == key


def test_trend_feed_links_and_pages_get_one_key() -> None:
    assert canonicalise("http://www.trend.az/azerbaijan/3857924.html") == canonicalise(
        "http://en.trend.az/azerbaijan/3857924.html#top"
    )


RU = "<html><head><title>Выборы</title></head><body><p>Центральная избирательная комиссия объявила итоги.</p>"


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (RU.encode("utf-8"), "text/html; charset=utf-8"),
        (RU.encode("cp1251"), "text/html; charset=windows-1251"),
        (RU.encode("cp1251"), "text/html; charset=utf-8"),  # mislabelled
        (RU.encode("cp1251"), "text/html; charset=iso-8859-1"),  # a label that decodes anything, wrongly
        (RU.encode("cp1251"), None),
        (RU.replace("<head>", '<head><meta charset="windows-1251">').encode("cp1251"), "text/html"),
        (RU.encode("utf-8"), "text/html; charset=iso-8859-1"),  # valid UTF-8 wins over a western label
        (b"\xef\xbb\xbf" + RU.encode("utf-8"), "text/html; charset=windows-1251"),  # a BOM wins
    ],
)
def test_page_encodings(body: bytes, content_type: str | None) -> None:
    assert "Центральная избирательная комиссия" in decode_html(body, content_type)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("The Central Election Commission announced the preliminary results of the snap presidential vote.", "en"),
        ("Центральная избирательная комиссия объявила предварительные итоги внеочередных выборов президента.", "ru"),
        ("Mərkəzi Seçki Komissiyası növbədənkənar prezident seçkilərinin ilkin nəticələrini açıqlayıb.", "az"),
        ("Too short", None),
    ],
)
def test_language(text: str, lang: str | None) -> None:
    assert detect_language(text) == lang


def test_extract_strips_control_characters_and_reads_rel_canonical() -> None:
    html = (
        '<html><head><link rel="canonical" href="/story/42"><title>T</title></head><body><article><h1>T</h1>'
        + "<p>Observers\x00 visited\x07 more than seven hundred polling stations across the country.</p>" * 3
        + "</article></body></html>"
    )
    got = extract(html, "https://x.az/a?utm_source=x")
    assert got.canonical == "https://x.az/story/42"
    assert "\x00" not in got.text and "\x07" not in got.text and "Observers visited" in got.text


def test_the_language_walk_scores_as_py3langid_does_to_the_last_bit() -> None:
    # monitor.pipeline.language walks py3langid's automaton over all positions at once: the
    # features, counts and scores must be py3langid's own, on press text in three scripts, on
    # markup and on random bytes and characters (which reach states prose rarely does)
    import random

    import numpy as np
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    theirs, ours = LanguageIdentifier.from_model_file(MODEL_FILE), language.identifier()
    rng = random.Random(16)
    site = Path(__file__).parent.parent / "site"
    texts = [p.read_text(encoding="utf-8")[:3000] for p in sorted(site.rglob("*.html"))]
    texts += [
        "Prezident seçkilərində səsvermə başa çatıb, MSK ilkin nəticələri açıqlayıb.",
        "Явка на выборах президента Азербайджана превысила 67 процентов, сообщил ЦИК.",
        "ELECTION DAY IN AZERBAIJAN",
        "",
        "x",
    ]
    alphabets = [(32, 127), (0x400, 0x4FF), (0xE0, 0x259)]  # ASCII, Cyrillic, Latin with Azerbaijani's letters
    for _ in range(150):
        texts.append("".join(chr(rng.randrange(*rng.choice(alphabets))) for _ in range(rng.randrange(1, 600))))
    data = [ours._encode(t) for t in texts] + [rng.randbytes(rng.randrange(1, 600)) for _ in range(150)]
    for raw in data:
        assert np.array_equal(ours._raw_score(raw), theirs._raw_score(raw)), raw[:80]
    assert [ours.classify(t) for t in texts] == [theirs.classify(t) for t in texts]


_TITLED = [
    '<html><head><meta property="og:title" content="Turnout reaches 67.7 percent"><title>Trend | x</title>'
    "</head><body><h1>Other</h1><p>text</p></body></html>",
    '<html><head><script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle",'
    ' "headline": "CEC: &quot;Aliyev&quot; leads", "author": {"@type": "Person", "name": "Leyla Aliyeva"}}</script>'
    "<title>APA</title></head><body><h1>A</h1><h1>B</h1></body></html>",
    "<html><head><title>Выборы в Азербайджане - Новости</title></head><body><h1>A</h1><h1>B</h1></body></html>",
    "<html><body><h2>Only a subheading</h2><p>text</p></body></html>",
]


@pytest.mark.parametrize(
    "html",
    _TITLED + [p.read_text(encoding="utf-8") for p in sorted((Path(__file__).parent.parent / "site").rglob("*.html"))],
)
def test_the_title_is_the_one_trafilaturas_metadata_pass_finds(html: str) -> None:
    # extraction reads the title alone, not the whole metadata pass (author, date, tags...):
    # what it reads must stay what that pass gives, trafilatura upgrades included
    from trafilatura import load_html
    from trafilatura.metadata import extract_metadata

    assert page_title(load_html(html)) == (extract_metadata(load_html(html)).title or "")


JSON_FEED = {
    "version": "https://jsonfeed.org/version/1.1",
    "title": "t",
    "items": [
        {"id": 7, "url": "https://x.az/7", "title": "Seven", "date_published": "2024-02-07T12:30:00Z"},
        {"id": "8", "external_url": "https://y.az/8", "content_text": "Eight"},
        {"id": "9", "url": "javascript:alert(1)"},
        "junk",
    ],
}


def test_json_feed_entries() -> None:
    found = entries(json.dumps(JSON_FEED).encode(), {})
    assert [(e.link, e.guid, e.title, e.summary, e.published) for e in found] == [
        ("https://x.az/7", "7", "Seven", None, T),
        ("https://y.az/8", "8", None, "Eight", None),
    ]


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"   ", "empty"),
        (b'{"version": "1", "items": []}', "jsonfeed.org"),
        (b"{not json", "invalid JSON"),
        (b"<html><body>hi</body></html>", "not a feed"),
    ],
)
def test_not_feeds(body: bytes, reason: str) -> None:
    with pytest.raises(NotAFeed, match=reason):
        entries(body, {})


def test_a_windows_1251_feed_labelled_utf8_is_read_right() -> None:
    rss = '<?xml version="1.0"?><rss version="2.0"><channel><title>т</title><item><title>Выборы президента</title>'
    rss += "<link>https://x.az/1</link></item></channel></rss>"
    found = entries(rss.encode("cp1251"), {"Content-Type": "application/rss+xml; charset=utf-8"})
    assert [e.title for e in found] == ["Выборы президента"]


def test_news_sitemap_entries_keep_the_news_date_and_title() -> None:
    xml = b"""<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
      xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url><loc>https://x.az/1</loc>
      <news:news><news:publication><news:name>X</news:name></news:publication>
      <news:publication_date>2024-02-07T12:30:00Z</news:publication_date><news:title>One</news:title></news:news>
      </url><url><loc>https://x.az/2</loc><lastmod>2024-02-06</lastmod></url></urlset>"""
    found = list(NewsSitemap(xml))
    assert [(e["loc"], e["news_date"], e["news_title"], e.get("lastmod")) for e in found] == [
        ("https://x.az/1", "2024-02-07T12:30:00Z", "One", None),
        ("https://x.az/2", None, None, "2024-02-06"),
    ]


@pytest.mark.parametrize(
    ("status", "header", "seconds"),
    [
        (429, "120", 120.0),
        (503, "0", 0.0),
        (429, "soon", None),
        (200, "120", None),
        (429, None, None),
    ],
)
def test_retry_after(status: int, header: str | None, seconds: float | None) -> None:
    headers = {"Retry-After": header} if header is not None else {}
    assert retry_after(Response("https://x.az/feed", status=status, headers=headers)) == seconds


def test_retry_after_as_an_http_date() -> None:
    when = (datetime.now(UTC) + timedelta(hours=1)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    wait = retry_after(Response("https://x.az/feed", status=429, headers={"Retry-After": when}))
    assert wait is not None and 3500 < wait <= 3600


@pytest.mark.parametrize(
    ("seen", "new", "not_modified", "factor"),
    [
        (0, 0, True, 1.25),  # 304: later
        (0, 0, False, 1.0),  # nothing to judge by
        (20, 0, False, 1.25),  # nothing new: later
        (20, 1, False, 1.25),  # almost nothing new: later
        (20, 5, False, 1.0),
        (20, 10, False, 0.75),  # half new or more: sooner (items may be slipping past)
        (20, 20, False, 0.75),
    ],
)
def test_adaptive_interval(seen: int, new: int, not_modified: bool, factor: float) -> None:
    assert adapt_factor(seen, new, not_modified) == factor


def test_opml_round_trip_and_nested_folders() -> None:
    rows = [
        {
            "name": "Trend & co",
            "url": "https://en.trend.az/feeds/index.rss",
            "kind": "feed",
            "interval_s": 900,
            "lang": "en",
        },
        {"name": "APA", "url": "https://apa.az/robots.txt", "kind": "sitemap", "interval_s": 1800, "lang": None},
    ]
    back = opml.read(opml.write(rows).encode())
    assert back == [
        opml.Outline("Trend & co", "https://en.trend.az/feeds/index.rss", "feed", "en", 900),
        opml.Outline("APA", "https://apa.az/robots.txt", "sitemap", None, 1800),
    ]
    nested = b'<opml version="1.0"><body><outline text="News"><outline text="A" xmlUrl="http://a.az/rss"/>'
    nested += b'<outline text="bad" xmlUrl="javascript:x"/></outline></body></opml>'
    # the folder is the category; a javascript: outline is read, for the checks to refuse it by name
    assert opml.read(nested) == [
        opml.Outline("A", "http://a.az/rss", category="News"),
        opml.Outline("bad", "javascript:x", category="News"),
    ]
    with pytest.raises(UsageError, match=r"outline 2 \('bad'\): url: not an http\(s\) URL"):
        opml.checked(opml.read(nested))


@pytest.mark.parametrize(
    "data",
    [
        b"<html><body>no</body></html>",
        b"not xml at all",
        b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<opml><body><outline text="&b;&b;&b;" xmlUrl="http://a.az/&b;"/></body></opml>',
    ],
)
def test_opml_refuses_what_is_not_opml_and_never_expands_entities(data: bytes) -> None:
    try:
        found = opml.read(data)
    except UsageError as exc:
        assert "not an OPML file" in str(exc) or "declares entities" in str(exc)
        return
    assert all("aaaa" not in o.name and "aaaa" not in o.url for o in found)
