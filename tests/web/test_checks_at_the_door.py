"""What the web forms, the API and an OPML import refuse, by the same checks as the CLI
(monitor.validate), and that nothing half-done is left behind."""

from __future__ import annotations

import pytest

from tests.web import test_api
from tests.web.test_api import Web

pytestmark = pytest.mark.anyio
anyio_backend, open_web = test_api.anyio_backend, test_api.open_web  # the API tests' fixtures

MIXED = b"""<?xml version="1.0"?><opml version="2.0"><head/><body>
  <outline type="rss" text="APA" xmlUrl="https://apa.az/rss"/>
  <outline type="rss" text="Odd" xmlUrl="https://odd.example/rss" newswatchKind="bogus"/>
  <outline type="rss" text="Report" xmlUrl="https://report.az/en/rss/" language="english"/>
  <outline type="rss" text="Fast" xmlUrl="https://fast.example/rss" newswatchEvery="5"/>
  <outline type="rss" text="Politics / World" xmlUrl="https://pw.example/rss" language="en-US"/>
</body></opml>"""


async def source_names(web: Web) -> list[str]:
    async with web.client() as c:
        return [s["name"] for s in (await c.get("/api/sources")).json()["sources"]]


async def test_an_opml_import_with_a_bad_outline_imports_nothing_and_says_which(open_web: Web) -> None:
    before = await source_names(open_web)
    async with open_web.client() as c:
        form = {"action": "import", "nocheck": "1"}  # the checks of the fields, not of the feeds
        r = await c.post("/sources", data=form, files={"file": ("feeds.opml", MIXED, "text/xml")})
    assert r.status_code == 400, r.text
    page = r.text
    assert "nothing imported, 3 of 5 outline(s) refused" in page
    assert "outline 2 (&#39;Odd&#39;): kind: unknown kind &#39;bogus&#39;" in page
    assert "outline 3 (&#39;Report&#39;): language: not an ISO 639-1 language code" in page
    assert "outline 4 (&#39;Fast&#39;): interval: between one minute and 7 days" in page
    assert await source_names(open_web) == before  # not even APA


async def test_a_good_opml_import_is_whole_and_names_are_made_routable(open_web: Web) -> None:
    good = MIXED.replace(b' newswatchKind="bogus"', b"").replace(b'"english"', b'"en"').replace(b'="5"', b'="600"')
    async with open_web.client() as c:
        form = {"action": "import", "nocheck": "1"}
        r = await c.post("/sources", data=form, files={"file": ("feeds.opml", good, "text/xml")})
        assert r.status_code == 200 and "imported 5 source(s)" in r.text, r.text
        listed = {s["name"]: s for s in (await c.get("/api/sources")).json()["sources"]}
        assert listed["Politics - World"]["lang"] == "en" and listed["Fast"]["interval_s"] == 600
        assert (await c.post("/api/sources/Politics - World/disable")).status_code == 200


@pytest.mark.parametrize(
    ("url", "body", "words"),
    [
        ("/api/sources", {"name": "a/b", "url": "https://a.example/rss"}, "source name: must not contain '/'"),
        ("/api/sources", {"name": "x", "url": "https://a.example/rss", "kind": "spider:nope"}, "unknown kind"),
        ("/api/sources", {"name": "x", "url": "https://a.example/rss", "lang": "klingon"}, "language: not an ISO"),
        ("/api/sources", {"name": "x", "url": "https://a.example/rss", "every": "1s"}, "every: between one minute"),
        ("/api/keywords", {"query": "baku", "name": "a/b"}, "keyword name: must not contain '/'"),
        ("/api/keywords", {"query": "baku", "name": "x\r\nBcc: victim@example.org"}, "one line of printable text"),
        ("/api/keywords", {"query": "baku", "name": "x" * 300}, "keyword name: at most 200 characters"),
    ],
)
async def test_the_api_refuses_what_the_cli_refuses(open_web: Web, url: str, body: dict, words: str) -> None:
    async with open_web.client() as c:
        r = await c.post(url, json=body)
    assert r.status_code == 400 and words in r.json()["error"], r.text


async def test_the_source_form_refuses_an_unknown_kind_and_a_bad_language(open_web: Web) -> None:
    async with open_web.client() as c:
        for form, words in [
            ({"kind": "spider:nope"}, "unknown kind"),
            ({"lang": "english"}, "not an ISO 639-1 language code"),
            ({"name": "a/b"}, "must not contain"),
        ]:
            data = {"action": "add", "name": "Odd", "url": "https://odd.example/rss", **form}
            r = await c.post("/sources", data=data)
            assert r.status_code == 400 and words in r.text, (form, r.text)
    assert "Odd" not in await source_names(open_web)
