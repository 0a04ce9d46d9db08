"""monitor.validate: the one set of checks behind every door (CLI, web forms, API, OPML import)."""

from __future__ import annotations

from datetime import time

import pytest

from monitor import validate
from monitor.validate import Invalid

OK = [
    (validate.name, "Trend", "Trend"),
    (validate.name, "OC Media", "OC Media"),
    (validate.name, "Əliyev seçki", "Əliyev seçki"),
    (validate.name, "выборы 2024", "выборы 2024"),
    (validate.web_url, "https://en.trend.az/feeds/index.rss", "https://en.trend.az/feeds/index.rss"),
    (validate.kind, "spider:trend", "spider:trend"),
    (validate.interval, "15m", 900),
    (validate.interval, "900", 900),
    (validate.interval, 3600, 3600),
    (validate.interval, "1d", 86400),
    (validate.language, "az", "az"),
    (validate.language, "ru", "ru"),
    (validate.email, "ana@example.org", "ana@example.org"),
    (validate.zone, "Asia/Baku", "Asia/Baku"),
    (validate.clock, "07:30", time(7, 30)),
]


@pytest.mark.parametrize(("check", "given", "kept"), OK)
def test_good_values_are_kept_normalised(check, given, kept) -> None:  # type: ignore[no-untyped-def]
    assert check(given) == kept


BAD = [
    (validate.name, "", "name", "empty"),
    (validate.name, "   ", "name", "empty"),
    (validate.name, " Trend", "name", "must not begin or end with a blank"),
    (validate.name, "Trend\u3000", "name", "must not begin or end with a blank"),
    (validate.name, "a/b", "name", "'/'"),
    (validate.name, "x" * 201, "name", "at most 200"),
    (validate.name, "evil\r\nBcc: victim@example.org", "name", "one line of printable text"),
    (validate.name, "tab\there", "name", "U+0009"),
    (validate.name, "nul\x00", "name", "U+0000"),
    (validate.name, "bidi\u202eevil", "name", "U+202E"),
    (validate.name, "lone \ud800 surrogate", "name", "U+D800"),
    (validate.name, 7, "name", "must be text"),
    (validate.web_url, "javascript:alert(1)", "url", "not an http(s) URL"),
    (validate.web_url, "ftp://example.org/feed", "url", "not an http(s) URL"),
    (validate.web_url, "https://x.az/" + "a" * 2000, "url", "at most 2000"),
    (validate.kind, "spider:nope", "kind", "unknown kind 'spider:nope'"),
    (validate.kind, "bogus", "kind", "known kinds: feed, sitemap, spider:trend"),
    (validate.interval, "30s", "interval", "between one minute and 7 days"),
    (validate.interval, "99d", "interval", "between one minute and 7 days"),
    (validate.interval, "soon", "interval", "not an interval"),
    (validate.interval, True, "interval", "must be an interval"),
    (validate.interval, "9" * 400, "interval", "not an interval"),
    (validate.language, "english", "language", "ISO 639-1"),
    (validate.language, "xx", "language", "ISO 639-1"),
    (validate.language, "e", "language", "ISO 639-1"),
    (validate.language, "en\nBcc", "language", "ISO 639-1"),
    (validate.language, "RU", "language", "ISO 639-1"),  # as /openapi.json states: lower case
    (validate.language, "en-US", "language", "ISO 639-1"),  # a region only in OPML files
    (validate.web_url, "https://", "url", "not an http(s) URL"),
    (validate.web_url, "https://a b.example/", "url", "not an http(s) URL"),
    (validate.clock, "0730", "send time", "not a time of day"),
    (validate.interval, " 15m", "interval", "not an interval"),
    (validate.email, "not an address", "email", "not an email address"),
    (validate.zone, "Mars/Olympus", "time zone", "unknown time zone"),
    (validate.zone, "../../etc/passwd", "time zone", "unknown time zone"),
    (validate.clock, "25:00", "send time", "not a time of day"),
]


@pytest.mark.parametrize(("check", "given", "field", "reason"), BAD)
def test_bad_values_are_refused_naming_the_field(check, given, field, reason) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Invalid) as caught:
        check(given)
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: ") and reason in str(caught.value)


def test_every_kind_has_a_spider() -> None:
    from spiders.crawl import spider_for

    assert all(spider_for(k) is not None for k in validate.KINDS)
    assert spider_for("spider:nope") is None


def test_a_language_tag_of_an_opml_file_is_kept_as_its_language() -> None:
    assert validate.language("en-US", tagged=True) == "en" and validate.language("RU", tagged=True) == "ru"


@pytest.mark.parametrize(
    ("pattern", "good", "bad"),
    [
        (validate.NAME_PATTERN, ["Trend", "OC Media", "Əliyev seçki"], ["", " x", "x ", "a/b", "a\nb", "a\u202eb"]),
        (
            validate.URL_PATTERN,
            ["https://en.trend.az/x?y=1#z", "http://[::1]:8080/"],
            ["ftp://x", "https://", "http://a b"],
        ),
        (validate.EMAIL_PATTERN, ["ana@example.org"], ["ana", "ana@x", "a na@example.org", "ana@example.org "]),
        (validate.CLOCK_PATTERN, ["08:00", "23:59:59"], ["8:00", "24:00", "0800"]),
    ],
)
def test_the_patterns_in_the_api_description_are_the_checks(pattern: str, good: list, bad: list) -> None:
    import re

    assert all(re.fullmatch(pattern, g) for g in good) and not any(re.fullmatch(pattern, b) for b in bad)
