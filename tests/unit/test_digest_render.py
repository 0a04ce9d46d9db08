"""Rendering a digest without a database: user templates run sandboxed and escaped."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import css_inline
import pytest

from alerts.digest import Digest, assemble
from alerts.inline import BUILT_IN, INLINER, inline_template
from alerts.render import environment, heading, render, subject, wrap
from monitor.errors import NewswatchError


def digest(
    title: str = "Turnout passes sixty percent in the election", tz: str = "Asia/Baku", **changes: object
) -> Digest:
    row = {
        "id": 1,
        "url": "https://en.trend.az/1001.html",
        "title": title,
        "text": "Turnout in the election passed sixty percent.",
        "outlet": "Trend",
        "published_at": None,
        "stored_at": datetime(2024, 2, 7, 3, 0, tzinfo=UTC),
        "story": 1,
        "keywords": ["election"],
        "queries": ["election"],
        **changes,
    }
    return assemble("analyst@example.org", date(2024, 2, 7), tz, [row])


def many() -> Digest:
    rows = [
        {
            "id": 10 + k,
            "url": f"https://{outlet.lower()}.example/{s}" if s != 2 else "javascript:alert(1)",
            "title": f"Story {s}: 'quoted' \"words\" & <b>tags</b>\u00a0here",
            "text": f"Observers said the election in district {s} was held; observers counted. <i>x</i>",
            "outlet": outlet if s != 3 else '<b onmouseover="x()">Outlet</b>',
            "published_at": None,
            "stored_at": datetime(2024, 2, 7, s, k, tzinfo=UTC),
            "story": s,
            "keywords": ["election", "observers"],
            "queries": ["election", "observer*"],
        }
        for k, (s, outlet) in enumerate([(1, "Trend"), (1, "APA"), (1, "Report"), (2, "APA"), (3, "Trend")])
    ]
    d = assemble("analyst@example.org", date(2024, 2, 7), "Asia/Baku", rows)
    d.unsubscribe_url = "https://news.example.org/unsubscribe/1.abc?x=1&y=2"
    return d


# css-inline's HTML5 parser and serialiser alone (nothing inlined): two documents that come out of it
# the same are the same document to a mail client
_DOCUMENT = css_inline.CSSInliner(inline_style_tags=False, keep_style_tags=True, load_remote_stylesheets=False)


def as_before(d: Digest) -> str:
    """The HTML made the way it was before the built-in template was inlined at load time: the
    template as written, rendered, then every message inlined."""
    template = environment(None).from_string((BUILT_IN / "digest.html").read_text())
    return INLINER.inline(template.render(digest=d, subject=subject(d), heading=heading(d)))


@pytest.mark.parametrize(
    "make",
    [
        digest,
        many,
        lambda: digest('<script>alert("x")</script> Election "fraud" & more'),
        lambda: digest(url="mailto:someone@example.org"),  # shown, never linked
        lambda: Digest("analyst@example.org", date(2024, 2, 7), "Asia/Baku", [], []),  # an empty day
    ],
)
def test_the_template_inlined_at_load_gives_the_document_inlining_each_message_gave(make) -> None:  # type: ignore[no-untyped-def]
    d = make()
    _, _, html = render(d)
    assert [s.strip()[:7] for s in re.findall(r"<style>(.*?)</style>", html, re.S)] == ["@media "]
    assert _DOCUMENT.inline(html) == _DOCUMENT.inline(as_before(d))


@pytest.mark.parametrize(
    ("template", "inlined"),
    [
        (
            "<html><head><style>p { color: red; } a { color: blue; }</style></head>"
            '<body>{% for x in xs %}<p>{{ x }}<a href="{{ x }}">a</a></p>{% endfor %}</body></html>',
            "<html><head></head><body>{% for x in xs %}"
            '<p style="color: red;">{{ x }}<a href="{{ x }}" style="color: blue;">a</a></p>{% endfor %}</body></html>',
        ),
        (  # statements between table rows stay there, {# comments #} too
            "<html><head><style>td { padding: 1px; }</style></head><body><table><tr><th>{# rows #}</th></tr>"
            "{% for x in xs %}<tr><td>{{ x }}</td></tr>{% endfor %}</table></body></html>",
            "<html><head></head><body><table><tbody><tr><th>{# rows #}</th></tr>"
            '{% for x in xs %}<tr><td style="padding: 1px;">{{ x }}</td></tr>{% endfor %}'
            "</tbody></table></body></html>",
        ),
    ],
)
def test_inline_template_keeps_every_jinja_tag_where_it_stood(template: str, inlined: str) -> None:
    assert inline_template(template) == inlined


def test_inline_template_refuses_a_template_whose_tags_the_parser_moves() -> None:
    # text between table rows is moved before the table by any HTML parser: the order changes
    with pytest.raises(ValueError, match="did not survive"):
        inline_template("<table><tr><td>{{ a }}</td></tr>{{ b }}</table>")


def test_a_user_template_folder_replaces_the_built_in_parts_it_has(tmp_path: Path) -> None:
    (tmp_path / "digest.html").write_text(
        "<html><head><style>p { color: #123456; }</style></head><body>"
        "{% for s in digest.stories %}<p>Ours: {{ s.title }}</p>{% endfor %}</body></html>"
    )
    subject, text, html = render(digest("<i>Turnout</i> in the election"), str(tmp_path))
    assert '<p style="color: #123456;">Ours: &lt;i&gt;Turnout&lt;/i&gt; in the election</p>' in html
    assert "1. <i>Turnout</i> in the election" in text  # no digest.txt there: the built-in one
    assert subject == "Newswatch digest, Wed 7 Feb 2024: 1 story: <i>Turnout</i> in the election"


@pytest.mark.parametrize(
    "template",
    [
        "{{ digest.__class__.__init__.__globals__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ digest.stories.__class__.__base__.__subclasses__() }}",
    ],
)
def test_a_user_template_cannot_reach_python_internals(tmp_path: Path, template: str) -> None:
    (tmp_path / "digest.txt").write_text(template)
    with pytest.raises(NewswatchError, match="SecurityError: .* is unsafe"):
        render(digest(), str(tmp_path))


@pytest.mark.parametrize(
    ("text", "width", "expected"),
    [
        ("", 10, ""),
        ("one  two\nthree", 70, "one two three"),
        ("aaa bbb ccc ddd", 7, "aaa bbb\n   ccc ddd"),
        ("aaa bbb ccc ddd", 8, "aaa bbb\n   ccc ddd"),
        ("a https://example.org/a/very/long/link b", 10, "a\n   https://example.org/a/very/long/link\n   b"),
        ("  lead\tand\u00a0trail  ", 70, "lead and trail"),
        ("aaaa bbbbbbbbbbbb", 5, "aaaa\n   bbbbbbbbbbbb"),
        ("aaaaa bbbbb", 5, "aaaaa\n   bbbbb"),
        ("a b", 1, "a\n   b"),
    ],
)
def test_wrap_for_the_text_part(text: str, width: int, expected: str) -> None:
    assert wrap(text, width, "   ") == expected


@pytest.mark.parametrize(
    ("stored_at", "tz", "seen"),
    [
        (datetime(2024, 2, 7, 3, 0, tzinfo=UTC), "Asia/Baku", "7 Feb 07:00 +04"),
        (datetime(2024, 3, 31, 0, 59, tzinfo=UTC), "Europe/London", "31 Mar 00:59 GMT"),
        (datetime(2024, 3, 31, 1, 0, tzinfo=UTC), "Europe/London", "31 Mar 02:00 BST"),
        (datetime(2024, 12, 31, 23, 5, tzinfo=UTC), "America/New_York", "31 Dec 18:05 EST"),
        (datetime(2024, 9, 1, 9, 30, tzinfo=UTC), "Asia/Kolkata", "1 Sep 15:00 IST"),
    ],
)
def test_first_seen_as_text_in_the_subscribers_zone(stored_at: datetime, tz: str, seen: str) -> None:
    (story,) = digest(tz=tz, stored_at=stored_at).stories
    assert story.seen == seen == story.first_seen.strftime("%-d %b %H:%M %Z")
