from __future__ import annotations

import pytest

from monitor.pipeline.canonical import canonicalise, is_web_url
from spiders.feedbytes import NotAFeed, screen

CANONICAL = [
    (
        "HTTPS://En.Trend.AZ:443/azerbaijan/politics/3857924.html#top",
        "https://en.trend.az/azerbaijan/politics/3857924.html",
    ),
    ("https://x.az/a?utm_source=rss&utm_medium=feed&id=7", "https://x.az/a?id=7"),
    ("https://x.az/a?fbclid=abc&gclid=def", "https://x.az/a"),
    ("http://x.az", "http://x.az/"),
    ("http://x.az:8080/a", "http://x.az:8080/a"),
]


@pytest.mark.parametrize(("url", "expected"), CANONICAL)
def test_canonical_urls(url: str, expected: str) -> None:
    assert canonicalise(url) == expected


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://a.az/x", True),
        ("http://a.az", True),
        ("javascript:alert(1)", False),
        ("ftp://a.az/x", False),
        ("data:text/html,hi", False),
        ("/relative", False),
        ("", False),
    ],
)
def test_only_http_links_are_followed(url: str, ok: bool) -> None:
    assert is_web_url(url) is ok


RSS = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "empty"),
        (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]><rss version="2.0"></rss>', "entities"),
        (b'<?xml version="1.0"?><!ENTITY x SYSTEM "file:///etc/passwd"><rss></rss>', "entities"),
        (b"<!DOCTYPE html><html><body>Not a feed</body></html>", "not a feed"),
    ],
)
def test_screen_refuses_what_feedparser_must_not_see(body: bytes, reason: str) -> None:
    with pytest.raises(NotAFeed, match=reason):
        screen(body)


def test_screen_passes_a_feed() -> None:
    screen(RSS)
    screen(b'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title></feed>')
