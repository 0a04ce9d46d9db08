"""The seed parts of the JSON API that have no page of their own, through an in-process ASGI
client over a real database: a subscriber asking for the "republications of your seeds" section
(`seed_copies`, as `subscribers add --seed-copies`), and the seed routes' answers to bad ids."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from monitor import config
from monitor.db import open_pool
from monitor.web.app import create_app

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def client(database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    pool = await open_pool(database_url, max_size=2)
    try:
        settings = config.load({"NEWSWATCH_BASE_URL": "http://newswatch.test"})
        app = create_app(pool, None, settings)
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://newswatch.test") as c:
            yield c
    finally:
        await pool.close()


async def test_a_subscriber_asks_for_the_seed_copies_section_through_the_api(client: httpx.AsyncClient) -> None:
    r = await client.post("/api/subscribers", json={"email": "copies@example.org", "seed_copies": True})
    assert r.status_code == 201 and r.json()["subscriber"]["seed_copies"] is True, r.text
    r = await client.post("/api/subscribers", json={"email": "plain@example.org"})
    assert r.status_code == 201 and r.json()["subscriber"]["seed_copies"] is False, r.text
    r = await client.post("/api/subscribers", json={"email": "odd@example.org", "seed_copies": "yes"})
    assert r.status_code == 400 and "seed_copies: must be true or false" in r.json()["error"]
    listed = {s["email"]: s["seed_copies"] for s in (await client.get("/api/subscribers")).json()["subscribers"]}
    assert listed == {"copies@example.org": True, "plain@example.org": False}


async def test_the_seed_routes_answer_bad_ids_plainly(client: httpx.AsyncClient) -> None:
    assert (await client.get("/api/seeds")).json() == {"seeds": []}
    r = await client.get("/api/seeds/12345")
    assert r.status_code == 404 and "no seed 12345" in r.json()["error"]
    assert (await client.get("/api/seeds/x")).status_code == 400
    assert (await client.get("/seeds/12345")).status_code == 404
    assert (await client.get("/seeds/12345/copies/1")).status_code == 404
