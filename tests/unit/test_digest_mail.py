"""The digest message as it goes on the wire: parts that decode to what was rendered, SMTP-safe
lines, encoded non-ASCII headers, and no header injection."""

from __future__ import annotations

from email import message_from_bytes, policy

import pytest

from alerts import mailer

HTML = "<p>" + "x" * 2000 + " Əliyev выборы ü =_ -- </p>\n<p>two</p>\n"
TEXT = "Newswatch — line one\nline two with a trailing space \nƏliyev\n.\n"


def build(**changes: str) -> bytes:
    values = {
        "sender": "Newswatch Bülten <digest@newswatch.example>",
        "to": "analyst@example.org",
        "subject": "Newswatch digest, Wed 7 Feb 2024: 2 stories",
        "text": TEXT,
        "html": HTML,
        "message_id": "<digest.abc@newswatch.example>",
        "date_header": "Wed, 07 Feb 2024 04:05:00 +0000",
        "unsubscribe_url": "https://news.example.org/unsubscribe/1." + "a" * 27,
        **changes,
    }
    return mailer.build(**values)  # type: ignore[arg-type]


def test_the_parts_decode_to_what_was_rendered_and_every_line_fits_smtp() -> None:
    raw = build()
    lines = raw.split(b"\r\n")
    assert max(len(line) for line in lines) <= 78
    assert b"\n" not in raw.replace(b"\r\n", b"") and raw.isascii()
    msg = message_from_bytes(raw, policy=policy.default)
    assert not msg.defects and not any(p.defects for p in msg.iter_parts())
    assert msg.get_body(("html",)).get_content().replace("\r\n", "\n") == HTML
    assert msg.get_body(("plain",)).get_content().replace("\r\n", "\n") == TEXT
    assert str(msg["From"]) == "Newswatch Bülten <digest@newswatch.example>"
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert build() == raw  # a function of its content: the outbox stores exactly this


@pytest.mark.parametrize("field", ["subject", "to", "unsubscribe_url"])
def test_a_line_break_in_a_header_value_is_refused(field: str) -> None:
    with pytest.raises(ValueError, match="linefeed or carriage return"):
        build(**{field: "x@example.org\r\nBcc: everyone@example.org"})
