"""DNS rebinding against a loopback web app without a token: a page on evil.example whose name
now resolves to 127.0.0.1 sends `Host: evil.example:8200` with a matching Origin. Every request
naming a host outside NEWSWATCH_ALLOWED_HOSTS is refused, and writes without a token need one of
those names."""

from __future__ import annotations

import httpx
import pytest

from monitor import config
from monitor.web.app import create_app
from tests.web import test_api
from tests.web.test_api import LOOPBACK, Web

pytestmark = pytest.mark.anyio
anyio_backend, open_web = test_api.anyio_backend, test_api.open_web  # the API tests' fixtures


def client(web: Web, base: str, **env: str) -> httpx.AsyncClient:
    app = create_app(web.pool, None, config.load(env))  # type: ignore[arg-type]
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=LOOPBACK), base_url=base)


async def test_a_rebinding_host_can_neither_write_nor_read(open_web: Web) -> None:
    evil = "http://evil.example:8200"
    async with client(open_web, evil) as c:
        for method, url, kwargs in [
            ("POST", "/api/keywords", {"json": {"query": "baku", "name": "pwned"}}),
            ("POST", "/api/sources", {"json": {"name": "Pwned", "url": "https://evil.example/rss"}}),
            ("DELETE", "/api/keywords/election", {}),
            ("POST", "/keywords", {"data": {"action": "add", "query": "baku", "name": "pwned"}}),
            ("GET", "/api/articles", {}),
            ("GET", "/", {}),
        ]:
            r = await c.request(method, url, headers={"Origin": evil}, **kwargs)
            assert r.status_code == 400 and "Invalid host header" in r.text, (method, url, r.text)
    async with client(open_web, "http://127.0.0.1:8200") as c:
        names = [k["name"] for k in (await c.get("/api/keywords")).json()["keywords"]]
        sources = [s["name"] for s in (await c.get("/api/sources")).json()["sources"]]
    assert names == ["election"] and "Pwned" not in sources


@pytest.mark.parametrize("base", ["http://127.0.0.1:8200", "http://localhost:8200", "http://[::1]:8200"])
async def test_loopback_names_may_write_without_a_token(open_web: Web, base: str) -> None:
    async with client(open_web, base) as c:
        r = await c.post("/api/keywords", json={"query": "baku", "name": "baku"}, headers={"Origin": base})
        assert r.status_code == 201, r.text


async def test_the_base_url_host_is_allowed_and_others_on_request(open_web: Web) -> None:
    async with client(open_web, "https://watch.example.org", NEWSWATCH_BASE_URL="https://watch.example.org/") as c:
        assert (await c.get("/api/articles")).status_code == 200
    env = {"NEWSWATCH_ALLOWED_HOSTS": "*.example.org,127.0.0.1"}
    async with client(open_web, "http://news.example.org", **env) as c:
        assert (await c.get("/api/articles")).status_code == 200  # a wildcard lets it read…
        r = await c.post("/api/keywords", json={"query": "baku", "name": "baku"})
        assert r.status_code == 403 and "NEWSWATCH_ALLOWED_HOSTS" in r.json()["error"]  # …never write untokened
    async with client(open_web, "http://news.example.org", **env, NEWSWATCH_WEB_TOKEN="t0k") as c:
        r = await c.post(
            "/api/keywords", json={"query": "baku", "name": "baku"}, headers={"Authorization": "Bearer t0k"}
        )
        assert r.status_code == 201, r.text
