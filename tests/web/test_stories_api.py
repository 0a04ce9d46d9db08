"""`GET /api/stories` and `GET /api/stories/{id}` against a real database (tests/stories_world.py),
through an in-process ASGI client; each answer checked against the OpenAPI description too."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import jsonschema_rs
import pytest

from monitor import config
from monitor.db import open_pool
from monitor.web.app import create_app
from monitor.web.openapi import DOCUMENT
from tests import stories_world

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def web(database_url: str) -> AsyncIterator[tuple[httpx.AsyncClient, dict[str, int]]]:
    pool = await open_pool(database_url, max_size=4)
    try:
        async with pool.connection() as conn:
            ids = await stories_world.load(conn)
        app = create_app(
            pool, None, config.load({"NEWSWATCH_BASE_URL": "http://newswatch.test"})
        )  # the host the client names
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://newswatch.test") as client:
            yield client, ids
    finally:
        await pool.close()


def conforms(value: Any, schema: str) -> None:
    """`value` is what /openapi.json says `schema` is."""
    jsonschema_rs.validate({"$ref": f"#/components/schemas/{schema}", "components": DOCUMENT["components"]}, value)


async def test_stories_newest_first_with_their_first_publisher(web: tuple[httpx.AsyncClient, dict[str, int]]) -> None:
    c, ids = web
    r = await c.get("/api/stories")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["next"] is None and body["limit"] == 20 and body["offset"] == 0
    stories = body["stories"]
    for s in stories:
        conforms(s, "StorySummary")
    assert [s["id"] for s in stories] == [
        ids[k] for k in ("campaign_story", "mission", "candidates_story", "seed_story")
    ]
    mission = stories[1]
    assert mission["original"] == {
        "article_id": ids["original"],
        "outlet": "Trend",
        "url": "https://en.trend.az/azerbaijan/politics/3858100.html",
    }
    assert mission["headline"] == stories_world.MISSION_EN and mission["first_published"] == "2024-02-06T08:00:00+00:00"
    assert (mission["outlets"], mission["langs"], mission["articles"]) == (["Trend", "APA", "Report"], ["en", "ru"], 3)


async def test_filters_and_pages(web: tuple[httpx.AsyncClient, dict[str, int]]) -> None:
    c, ids = web

    async def story_ids(**query: str) -> list[int]:
        r = await c.get("/api/stories", params=query)
        assert r.status_code == 200, r.text
        return [s["id"] for s in r.json()["stories"]]

    assert await story_ids(since="2024-02-06") == [ids["campaign_story"], ids["mission"]]
    assert await story_ids(until="2024-02-06", keyword="election") == [ids["candidates_story"], ids["seed_story"]]
    assert await story_ids(keyword="observers", lang="ru") == [ids["mission"]]
    ru = (await c.get("/api/stories", params={"lang": "ru"})).json()["stories"][0]
    assert ru["headline"] == stories_world.MISSION_RU and ru["original"]["outlet"] == "Trend"

    seen: list[int] = []
    url: str | None = "/api/stories?limit=1"
    while url:
        page = (await c.get(url)).json()
        assert len(page["stories"]) == 1
        seen += [s["id"] for s in page["stories"]]
        url = page["next"]
    assert seen == await story_ids()


async def test_one_story_with_its_timeline(web: tuple[httpx.AsyncClient, dict[str, int]]) -> None:
    c, ids = web
    r = await c.get(f"/api/stories/{ids['mission']}")
    assert r.status_code == 200, r.text
    story = r.json()
    conforms(story, "Story")
    assert story["original"]["article_id"] == ids["original"] and story["outlets"] == ["Trend", "APA", "Report"]
    # the first publisher first, though it was stored last; then the others as they were published
    timeline = [(a["id"], a["outlet"], a["lang"], a["duplicate_of"], a["original"]) for a in story["articles"]]
    assert timeline == [
        (ids["original"], "Trend", "en", None, True),
        (ids["copy"], "APA", "en", ids["original"], False),
        (ids["report"], "Report", "ru", None, False),
    ]
    copy = story["articles"][1]
    assert (copy["copy_of_outlet"], copy["similarity"]) == ("Trend", pytest.approx(0.96))
    assert copy["published_at"] == "2024-02-06T09:30:00+00:00" and copy["first_seen"] == "2024-02-06T10:00:00+00:00"

    seed = (await c.get(f"/api/stories/{ids['seed_story']}")).json()
    assert [(a["outlet"], a["is_seed"], a["seed_duplicate"]) for a in seed["articles"]] == [
        ("Trend", True, False),
        ("Azernews", False, True),
    ]


async def test_an_article_gives_its_story_timeline(web: tuple[httpx.AsyncClient, dict[str, int]]) -> None:
    c, ids = web
    article = (await c.get(f"/api/articles/{ids['report']}")).json()
    assert article["story_id"] == ids["mission"]
    assert [(m["outlet"], m["lang"], m["copy_of_outlet"]) for m in article["story"]] == [
        ("Trend", "en", None),
        ("APA", "en", "Trend"),
        ("Report", "ru", None),
    ]


async def test_errors_are_json_with_a_4xx(web: tuple[httpx.AsyncClient, dict[str, int]]) -> None:
    c, _ = web
    for url, status, words in [
        ("/api/stories?keyword=nope", 400, "no keyword named 'nope'"),
        ("/api/stories?lang=english", 400, "ISO 639-1"),
        ("/api/stories?since=yesterday", 400, "since"),
        ("/api/stories?limit=0", 400, "limit"),
        ("/api/stories?limit=201", 400, "limit"),
        ("/api/stories?offset=-1", 400, "offset"),
        ("/api/stories/999999", 404, "no story 999999"),
        ("/api/stories/abc", 400, "id"),
        ("/api/stories/0", 400, "id"),
    ]:
        r = await c.get(url)
        assert r.status_code == status, (url, r.text)
        assert r.headers["content-type"] == "application/json"
        assert words in r.json()["error"], (url, r.json())
    r = await c.get("/stories/999999")
    assert r.status_code == 404 and "no story 999999" in r.text and r.headers["content-type"].startswith("text/html")


async def test_openapi_describes_the_story_endpoints(web: tuple[httpx.AsyncClient, dict[str, int]]) -> None:
    c, _ = web
    spec = (await c.get("/openapi.json")).json()
    assert {"/api/stories", "/api/stories/{id}"} <= set(spec["paths"])
    listed = {p["name"] for p in spec["paths"]["/api/stories"]["get"]["parameters"]}
    assert listed == {"since", "until", "keyword", "lang", "limit", "offset"}
