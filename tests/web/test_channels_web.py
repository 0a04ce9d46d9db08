"""Channels through the API and the page /channels: added, listed, removed, and the URL (which
holds secrets) never given back whole."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request

from tests.conftest import Cli
from tests.web.conftest import serving

SECRET = "xoxb-s3cr3t-w3bh00k"


def _call(url: str, method: str = "GET", data: bytes | None = None, kind: str = "application/json") -> tuple[int, str]:
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": kind})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_channels_are_managed_in_the_api_and_the_page_with_urls_masked(cli: Cli) -> None:
    cli("keywords", "add", "election", "--name", "election")
    with serving(cli, {}) as served:
        base = served.url
        payload = {"name": "Desk", "url": f"json://hooks.example.org/{SECRET}", "keywords": ["election"]}
        status, text = _call(base + "/api/channels", "POST", json.dumps(payload).encode())
        assert status == 201, text
        assert json.loads(text)["channel"]["url"] == "json://hooks.example.org/…"
        status, text = _call(base + "/api/channels", "POST", json.dumps({"name": "X", "url": "nope"}).encode())
        assert status == 400 and "Apprise" in text
        form = urllib.parse.urlencode({"action": "add", "name": "Alerts", "url": f"json://alerts.example.org/{SECRET}"})
        status, page = _call(base + "/channels", "POST", form.encode(), "application/x-www-form-urlencoded")
        assert status == 200 and "added channel Alerts" in page
        status, listed = _call(base + "/api/channels")
        names = {c["name"]: c for c in json.loads(listed)["channels"]}
        assert set(names) == {"Desk", "Alerts"} and names["Desk"]["keywords"] == ["election"]
        status, page = _call(base + "/channels")
        assert status == 200 and "Desk" in page and "json://hooks.example.org/…" in page
        assert SECRET not in listed + page + _call(base + "/digests")[1]
        status, text = _call(base + "/api/channels/Desk", "DELETE")
        assert (status, json.loads(text)) == (200, {"removed": "Desk"})
        assert _call(base + "/api/channels/Desk", "DELETE")[0] == 404
        assert [c["name"] for c in json.loads(_call(base + "/api/channels")[1])["channels"]] == ["Alerts"]
    assert SECRET not in (cli.home / "web.log").read_text()
