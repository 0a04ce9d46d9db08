"""How often a subscriber is sent a digest, on the page /subscribers: chosen in its forms, and said
as it is (the list said "daily at" for an hourly or a weekly subscriber)."""

from __future__ import annotations

import re
import urllib.parse
import urllib.request

import psycopg

from tests.conftest import Cli
from tests.web.conftest import serving


def _post(url: str, fields: dict[str, str]) -> str:
    req = urllib.request.Request(
        url, data=urllib.parse.urlencode(fields).encode(), headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.read().decode()


def _row(page: str, email: str) -> str:
    found = re.search(r"<tr><td data-label=\"Email\">" + re.escape(email) + r"</td>(.*?)</tr>", page, re.S)
    assert found, page
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


def test_how_often_is_chosen_in_the_forms_and_said_as_it_is(cli: Cli, database_url: str) -> None:
    cli("subscribers", "add", "hourly@example.org", "--every", "hourly")
    with serving(cli, {}) as served:
        base = served.url + "/subscribers"
        page = _post(
            base,
            {
                "action": "add",
                "email": "ana@example.org",
                "every": "weekly",
                "day": "friday",
                "at": "09:00",
                "tz": "Asia/Baku",
            },
        )
        assert "subscribed ana@example.org: weekly on Friday at 09:00 Asia/Baku" in page
        assert "weekly on Friday at 09:00 Asia/Baku" in _row(page, "ana@example.org")
        assert "hourly" in _row(page, "hourly@example.org") and "daily" not in _row(page, "hourly@example.org")
        # a daily digest ignores the day picker, which every form posts
        page = _post(
            base, {"action": "add", "email": "bo@example.org", "every": "daily", "day": "monday", "at": "07:00"}
        )
        assert "subscribed bo@example.org: daily at 07:00 Asia/Baku" in page
        page = _post(
            base,
            {
                "action": "edit",
                "email": "ana@example.org",
                "every": "asap",
                "day": "monday",
                "at": "09:00",
                "tz": "Asia/Baku",
            },
        )
        assert "changed ana@example.org: as soon as something is new" in page
        with urllib.request.urlopen(base + "?edit=ana%40example.org", timeout=10) as r:
            editing = r.read().decode()
        assert re.search(r'<option value="asap" selected>', editing)
    with psycopg.connect(database_url) as conn:
        stored = conn.execute("SELECT email, every, send_day FROM subscribers ORDER BY email").fetchall()
    assert stored == [
        ("ana@example.org", "asap", None),
        ("bo@example.org", "daily", None),
        ("hourly@example.org", "hourly", None),
    ]
