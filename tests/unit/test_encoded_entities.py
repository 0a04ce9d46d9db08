"""The entity screen reads a feed (and an OPML file) as its parser will: decoded by its byte order
mark or declared encoding. A UTF-16 or UTF-32 document that declares entities is refused; an
ordinary UTF-16 feed is read like any other."""

from __future__ import annotations

import pytest

from monitor import opml
from monitor.errors import UsageError
from spiders.entries import entries
from spiders.feedbytes import NotAFeed

# ASCII "<rss>" inside a comment fooled the byte screen into taking the document for a feed
BLOWUP = (
    '<?xml version="1.0" encoding="{enc}"?><!-- <rss> -->'
    '<!DOCTYPE rss [<!ENTITY a "{a}"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    '<rss version="2.0"><channel><title>&b;&b;&b;&b;&b;&b;&b;&b;</title>'
    "<item><title>x</title><link>https://x.az/1</link></item></channel></rss>"
)
PLAIN = (
    '<?xml version="1.0" encoding="{enc}"?><rss version="2.0"><channel><title>Report</title>'
    "<item><title>Seçkilər: ilkin nəticələr</title><link>https://report.az/a/1</link><guid>r-1</guid></item>"
    "<item><title>Выборы</title><link>https://report.az/a/2</link></item></channel></rss>"
)
ENCODINGS = [("utf-16", "utf-16"), ("utf-16-le", "utf-16"), ("utf-16-be", "utf-16"), ("utf-32", "utf-32")]
HEADERS = [{}, {"Content-Type": "application/rss+xml"}, {"Content-Type": "application/xml; charset=utf-16"}]


@pytest.mark.parametrize(("codec", "declared"), ENCODINGS)
@pytest.mark.parametrize("headers", HEADERS)
def test_a_feed_declaring_entities_is_refused_in_any_encoding(codec: str, declared: str, headers: dict) -> None:
    body = BLOWUP.format(enc=declared, a="A" * 100).encode(codec)
    # a charset that contradicts the bytes (big-endian or UTF-32 bytes read as UTF-16) leaves no
    # feed to see: refused too
    contradicted = codec in ("utf-16-be", "utf-32") and "charset" in headers.get("Content-Type", "")
    with pytest.raises(NotAFeed, match="not a feed" if contradicted else "declares entities"):
        entries(body, headers)


@pytest.mark.parametrize(("codec", "declared"), [*ENCODINGS, ("utf-8", "utf-8"), ("utf-8-sig", "utf-8")])
def test_an_ordinary_utf16_feed_is_read(codec: str, declared: str) -> None:
    found = entries(PLAIN.format(enc=declared).encode(codec), {"Content-Type": "application/rss+xml"})
    assert [(e.link, e.title, e.guid) for e in found] == [
        ("https://report.az/a/1", "Seçkilər: ilkin nəticələr", "r-1"),
        ("https://report.az/a/2", "Выборы", None),
    ]


OPML_BLOWUP = (
    '<?xml version="1.0" encoding="{enc}"?><!-- <opml> -->'
    '<!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    '<opml version="2.0"><body><outline text="&b;&b;&b;" xmlUrl="https://x.az/rss"/></body></opml>'
)


@pytest.mark.parametrize(("codec", "declared"), ENCODINGS)
def test_an_opml_file_declaring_entities_is_refused_in_any_encoding(codec: str, declared: str) -> None:
    with pytest.raises(UsageError, match="refused|not an OPML file"):
        opml.read(OPML_BLOWUP.format(enc=declared).encode(codec))


def test_a_utf16_opml_file_declaring_entities_says_so() -> None:
    with pytest.raises(UsageError, match="declares entities"):
        opml.read(OPML_BLOWUP.format(enc="utf-16").encode("utf-16"))


def test_an_ordinary_utf16_opml_file_is_read() -> None:
    doc = (
        '<?xml version="1.0" encoding="utf-16"?><opml version="2.0"><body>'
        '<outline text="Azərtac" xmlUrl="https://azertag.az/rss"/></body></opml>'
    )
    assert [o.name for o in opml.read(doc.encode("utf-16"))] == ["Azərtac"]
