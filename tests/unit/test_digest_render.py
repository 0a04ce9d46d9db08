"""Rendering a digest without a database: user templates run sandboxed and escaped."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from alerts.digest import assemble
from alerts.render import render, wrap
from monitor.errors import NewswatchError


def digest(title: str = "Turnout passes sixty percent in the election"):  # type: ignore[no-untyped-def]
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
    }
    return assemble("analyst@example.org", date(2024, 2, 7), "Asia/Baku", [row])


def test_a_user_template_folder_replaces_the_built_in_parts_it_has(tmp_path: Path) -> None:
    (tmp_path / "digest.html").write_text(
        "<html><head><style>p { color: #123456; }</style></head><body>"
        "{% for s in digest.stories %}<p>Ours: {{ s.title }}</p>{% endfor %}</body></html>"
    )
    subject, text, html = render(digest("<i>Turnout</i> in the election"), str(tmp_path))
    assert '<p style="color: #123456;">Ours: &lt;i&gt;Turnout&lt;/i&gt; in the election</p>' in html
    assert "1. <i>Turnout</i> in the election" in text  # no digest.txt there: the built-in one
    assert subject == "Newswatch digest, Wed 7 Feb 2024: 1 story"


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
    ],
)
def test_wrap_for_the_text_part(text: str, width: int, expected: str) -> None:
    assert wrap(text, width, "   ") == expected
