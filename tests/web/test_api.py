"""The JSON API against a real database, through an in-process ASGI client: filters, pagination,
errors, and who may write."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest

from monitor import config
from monitor.db import open_pool
from monitor.web.app import create_app
from tests.web import archive

pytestmark = pytest.mark.anyio

LOOPBACK = ("127.0.0.1", 40000)
REMOTE = ("203.0.113.7", 40000)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@dataclass
class Web:
    pool: object
    ids: dict[str, int]
    token: str | None

    def client(self, peer: tuple[str, int] = LOOPBACK, **headers: str) -> httpx.AsyncClient:
        env = {"NEWSWATCH_BASE_URL": "http://newswatch.test"}  # the host the client names
        settings = config.load(env if self.token is None else {**env, "NEWSWATCH_WEB_TOKEN": self.token})
        app = create_app(self.pool, None, settings)  # type: ignore[arg-type]
        transport = httpx.ASGITransport(app=app, client=peer)
        return httpx.AsyncClient(transport=transport, base_url="http://newswatch.test", headers=headers)


async def web(database_url: str, token: str | None = None) -> AsyncIterator[Web]:
    pool = await open_pool(database_url, max_size=4)
    try:
        async with pool.connection() as conn:
            ids = await archive.load(conn)
        yield Web(pool, ids, token)
    finally:
        await pool.close()


@pytest.fixture
async def open_web(database_url: str) -> AsyncIterator[Web]:
    async for w in web(database_url):
        yield w


@pytest.fixture
async def token_web(database_url: str) -> AsyncIterator[Web]:
    async for w in web(database_url, token="s3cret-token"):
        yield w


async def titles(client: httpx.AsyncClient, **query: str) -> list[str]:
    r = await client.get("/api/articles", params=query)
    assert r.status_code == 200, r.text
    return [a["title"] for a in r.json()["articles"]]


async def test_filters(open_web: Web) -> None:
    async with open_web.client() as c:
        assert await titles(c) == [
            "Observers arrive in Baku",
            "Выборы в Азербайджане",
            "Qarabag wins",
            "Snap election called",
        ]
        assert await titles(c, q="election") == ["Observers arrive in Baku", "Snap election called"]
        assert await titles(c, q="выборы") == ["Выборы в Азербайджане"]
        assert await titles(c, q='"snap election" -football') == ["Snap election called"]
        assert await titles(c, source="APA") == ["Qarabag wins"]
        assert await titles(c, lang="ru") == ["Выборы в Азербайджане"]
        assert await titles(c, keyword="election") == [
            "Observers arrive in Baku",
            "Выборы в Азербайджане",
            "Snap election called",
        ]
        assert "Snap election called (copy)" in await titles(c, q="snap", include_duplicates="true")
        assert "Snap election called (copy)" not in await titles(c, q="snap")
        assert await titles(c, since=(archive.NOW - archive.timedelta(hours=2, minutes=30)).isoformat()) == [
            "Observers arrive in Baku",
            "Выборы в Азербайджане",
        ]
        assert await titles(c, until=(archive.NOW - archive.timedelta(hours=4)).isoformat()) == ["Snap election called"]

        found = (await c.get("/api/articles", params={"q": "observers"})).json()["articles"]
        first = found[0]
        assert first["snippet"] == "The OSCE *observers* arrived in Baku for the election."
        assert set(first) >= {"id", "url", "title", "source", "published_at", "keywords", "story_id", "outlets"}
        election = next(a for a in found if a["title"] == "Snap election called")
        # its story holds AZERTAC, and MENAFN republished it: three outlets carried it
        assert election["outlets"] == 3


async def test_pagination_is_stable_and_complete(open_web: Web) -> None:
    async with open_web.client() as c:
        everything = (await c.get("/api/articles", params={"include_duplicates": "1", "limit": 200})).json()
        assert everything["next"] is None
        seen: list[int] = []
        url: str | None = "/api/articles?include_duplicates=1&limit=2"
        while url:
            page = (await c.get(url)).json()
            assert len(page["articles"]) <= 2
            seen += [a["id"] for a in page["articles"]]
            url = page["next"]
        assert seen == [a["id"] for a in everything["articles"]]
        assert len(seen) == len(set(seen)) == 5


async def test_one_article_with_story_and_republications(open_web: Web) -> None:
    ids = open_web.ids
    async with open_web.client() as c:
        a = (await c.get(f"/api/articles/{ids['election']}")).json()
        assert a["text"] == archive.ELECTION
        assert a["raw_sha256"] == "ab" * 32
        assert {m["outlet"] for m in a["story"]} == {"Trend", "MENAFN", "AZERTAC"}
        assert [(c["outlet"], c["id"]) for c in a["copies"]] == [("MENAFN", ids["copy"])]
        assert a["copies"][0]["similarity"] == 1.0
        copy = (await c.get(f"/api/articles/{ids['copy']}")).json()
        assert copy["duplicate_of"] == ids["election"]


async def test_errors_are_json_with_a_4xx(open_web: Web) -> None:
    async with open_web.client() as c:
        for url, status, words in [
            ("/api/articles?q=%22unclosed", 400, "query"),
            ("/api/articles?since=yesterday", 400, "since"),
            ("/api/articles?limit=0", 400, "limit"),
            ("/api/articles?offset=-1", 400, "offset"),
            ("/api/articles?include_duplicates=maybe", 400, "include_duplicates"),
            ("/api/articles/999999", 404, "no article"),
            ("/api/articles/abc", 400, "id"),
            ("/api/nothing-here", 404, "no page"),
            ("/api/keywords/preview", 400, "query"),
        ]:
            r = await c.get(url)
            assert r.status_code == status, (url, r.text)
            assert r.headers["content-type"] == "application/json"
            assert words in r.json()["error"], (url, r.json())
        for method, url, body, status in [
            ("POST", "/api/keywords", b"not json", 400),
            ("POST", "/api/keywords", b"[1, 2]", 400),
            ("POST", "/api/keywords", b'{"query": ""}', 400),
            ("POST", "/api/keywords", b'{"query": "(unbalanced"}', 400),
            ("POST", "/api/keywords", b'{"query": "election", "name": "election"}', 409),  # exists
            ("POST", "/api/sources", b'{"name": "x", "url": "javascript:alert(1)"}', 400),
            ("POST", "/api/sources", b'{"name": "x\\u0000y", "url": "https://a.example/rss"}', 400),
            ("POST", "/api/subscribers", b'{"email": "not an address"}', 400),
            ("POST", "/api/subscribers", b'{"email": "a@b.example", "tz": "Mars/Olympus"}', 400),
            ("POST", "/api/subscribers", b'{"email": "a@b.example", "lang": "russian"}', 400),
            ("POST", "/api/subscribers", b'{"email": "a@b.example", "lang": 7}', 400),
            ("DELETE", "/api/keywords/nope", b"", 404),
            ("DELETE", "/api/sources/nope", b"", 404),
            ("DELETE", "/api/subscribers/nobody@example.org", b"", 404),
            ("POST", "/api/sources/Trend/explode", b"", 404),
            ("PUT", "/api/keywords", b"{}", 405),
        ]:
            r = await c.request(method, url, content=body)
            assert r.status_code == status, (method, url, r.text)
            assert "error" in r.json()


async def test_writes_from_loopback_without_token(open_web: Web) -> None:
    async with open_web.client() as c:
        r = await c.post("/api/keywords", json={"query": "observers", "name": "obs"})
        assert r.status_code == 201, r.text
        assert r.json()["matched_30d"] == 2
        assert "obs" in [k["name"] for k in (await c.get("/api/keywords")).json()["keywords"]]
        assert (await c.get("/api/keywords/preview", params={"query": "baku"})).json()["matched_30d"] == 3
        assert (await c.delete("/api/keywords/obs")).json() == {"removed": "obs"}

        r = await c.post("/api/sources", json={"name": "APA", "url": "https://apa.az/rss", "every": "30m"})
        assert r.status_code == 201 and r.json()["source"]["interval_s"] == 1800
        assert (await c.post("/api/sources/APA/disable")).json() == {"source": "APA", "enabled": False}
        listed = {s["name"]: s for s in (await c.get("/api/sources")).json()["sources"]}
        assert listed["APA"]["enabled"] is False and "etag" not in listed["APA"]
        assert (await c.delete("/api/sources/APA")).status_code == 200

        r = await c.post("/api/subscribers", json={"email": "ana@example.org", "keywords": ["election"], "at": "07:30"})
        assert r.status_code == 201, r.text
        r = await c.post("/api/subscribers", json={"email": "oleg@example.org", "lang": "ru"})
        assert r.status_code == 201 and r.json()["subscriber"]["lang"] == "ru", r.text
        subs = (await c.get("/api/subscribers")).json()["subscribers"]
        assert [(s["email"], s["keywords"], s["send_at"], s["lang"]) for s in subs] == [
            ("ana@example.org", ["election"], "07:30:00", None),
            ("oleg@example.org", None, "08:00:00", "ru"),
        ]
        assert (await c.delete("/api/subscribers/ana@example.org")).status_code == 200

        status = (await c.get("/api/status")).json()
        assert status["archive"]["articles"] == 5 and status["archive"]["duplicates"] == 1
        assert (await c.get("/api/digests")).json()["digests"] == []


async def test_a_write_from_another_machine_is_refused_without_token(open_web: Web) -> None:
    async with open_web.client(peer=REMOTE) as c:
        assert (await c.get("/api/articles")).status_code == 200  # reading is open
        r = await c.post("/api/keywords", json={"query": "baku", "name": "baku"})
        assert r.status_code == 403 and "only from this machine" in r.json()["error"]
        assert (await c.delete("/api/keywords/election")).status_code == 403
        assert (await c.post("/keywords", data={"action": "add", "query": "baku"})).status_code == 403
        names = [k["name"] for k in (await c.get("/api/keywords")).json()["keywords"]]
        assert names == ["election"]  # nothing changed


async def test_with_a_token_writes_need_it(token_web: Web) -> None:
    async with token_web.client() as c:  # even from loopback
        r = await c.post("/api/keywords", json={"query": "baku", "name": "baku"})
        assert r.status_code == 401 and "token" in r.json()["error"]
        r = await c.post("/api/keywords", json={"query": "baku"}, headers={"Authorization": "Bearer wrong"})
        assert r.status_code == 401
    async with token_web.client(peer=REMOTE, Authorization="Bearer s3cret-token") as c:
        assert (await c.post("/api/keywords", json={"query": "baku", "name": "baku"})).status_code == 201
        # a browser on another site may not use it, even with the right credentials
        r = await c.delete("/api/keywords/baku", headers={"Origin": "https://evil.example"})
        assert r.status_code == 403 and "cross-site" in r.json()["error"]
        r = await c.delete("/api/keywords/baku", headers={"Sec-Fetch-Site": "cross-site"})
        assert r.status_code == 403
        r = await c.delete("/api/keywords/baku", headers={"Origin": "http://newswatch.test"})
        assert r.status_code == 200


async def test_login_form_sets_a_strict_httponly_cookie(token_web: Web) -> None:
    async with token_web.client(peer=REMOTE) as c:
        r = await c.post("/login", data={"token": "wrong"})
        assert r.status_code == 401 and "newswatch_session" not in r.headers.get("set-cookie", "")
        r = await c.post("/login", data={"token": "s3cret-token"}, headers={"Origin": "http://newswatch.test"})
        assert r.status_code == 303
        cookie = r.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie and "s3cret-token" not in cookie
        r = await c.post("/keywords", data={"action": "add", "query": "qarabag", "name": "football"})
        assert r.status_code == 200 and "would have matched 1 article" in r.text
        r = await c.post("/logout")
        assert r.status_code == 303
        c.cookies.clear()
        assert (await c.post("/keywords", data={"action": "remove", "name": "football"})).status_code == 401


async def test_security_headers_everywhere(open_web: Web) -> None:
    async with open_web.client() as c:
        for url in ("/", "/api/articles", "/keywords", "/static/style.css", "/nope"):
            r = await c.get(url)
            assert r.headers["x-content-type-options"] == "nosniff", url
            assert "default-src 'none'" in r.headers["content-security-policy"], url
            assert "script-src" not in r.headers["content-security-policy"]  # no script may run at all


async def test_untrusted_article_data_is_escaped_and_only_web_links_rendered(open_web: Web) -> None:
    async with open_web.pool.connection() as conn:  # type: ignore[attr-defined]
        evil = await archive.article(
            conn,
            "Evil <b>Outlet</b>",
            "x",
            '<script>alert("t")</script> headline',
            "Body <img src=x onerror=alert(1)> text about the election " * 3,
            url="javascript:alert(1)",
        )
    async with open_web.client() as c:
        page = (await c.get(f"/articles/{evil}")).text
        assert "<script>alert" not in page and "&lt;script&gt;alert(&#34;t&#34;)&lt;/script&gt; headline" in page
        assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
        assert 'href="javascript:' not in page
        index = (await c.get("/", params={"q": "headline"})).text
        assert "<script>alert" not in index and "&lt;b&gt;Outlet&lt;/b&gt;" in index
        trend = (await c.get(f"/articles/{open_web.ids['election']}")).text
        assert 'href="https://trend.example/election-1" rel="noopener noreferrer"' in trend


async def test_metrics_healthz_openapi(open_web: Web) -> None:
    async with open_web.client() as c:
        text = (await c.get("/metrics")).text
        assert 'newswatch_articles{kind="all"} 5.0' in text
        assert 'newswatch_articles{kind="duplicate"} 1.0' in text
        assert 'newswatch_source_polls_total{source="Trend"} 0.0' in text
        assert 'newswatch_digests{status="sent"} 0.0' in text
        assert "newswatch_fetch_seconds_bucket" in text and "newswatch_extract_seconds_bucket" in text
        assert (await c.get("/healthz")).json() == {"ok": True, "database": True, "scheduler": None}
        spec = (await c.get("/openapi.json")).json()
        assert spec["openapi"].startswith("3.") and "/api/articles" in spec["paths"]


async def test_the_subscriber_form_takes_a_language_and_refuses_an_unknown_one(open_web: Web) -> None:
    async with open_web.client() as c:
        r = await c.post("/subscribers", data={"action": "add", "email": "ana@example.org", "lang": "english"})
        assert r.status_code == 400 and "not an ISO 639-1 language code" in r.text
        r = await c.post("/subscribers", data={"action": "add", "email": "ana@example.org", "lang": "RU"})
        assert r.status_code == 200 and "headlines in ru" in r.text
        (ana,) = (await c.get("/api/subscribers")).json()["subscribers"]
        assert ana["lang"] == "ru"


async def test_opml_import_and_export_through_the_page(open_web: Web) -> None:
    opml = b"""<?xml version="1.0"?><opml version="2.0"><head/><body><outline text="Azerbaijan">
      <outline type="rss" text="APA" xmlUrl="https://apa.az/rss"/>
      <outline type="rss" text="Trend" xmlUrl="https://en.trend.az/feeds/index.rss"/>
      <outline type="rss" text="Bad" xmlUrl="file:///etc/passwd"/></outline></body></opml>"""
    async with open_web.client() as c:
        r = await c.post("/sources", data={"action": "import"}, files={"file": ("feeds.opml", opml, "text/xml")})
        assert r.status_code == 200 and "imported 1 source(s)" in r.text, r.text
        exported = (await c.get("/sources/export.opml")).text
        assert 'xmlUrl="https://apa.az/rss"' in exported and 'text="Trend"' in exported
        bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><opml/>'
        r = await c.post("/sources", data={"action": "import"}, files={"file": ("x.opml", bomb, "text/xml")})
        assert r.status_code == 400 and "DOCTYPE" in r.text
