"""No silent loss, through the API and the web pages: a keyword that is some subscriber's only one
is not removed without saying who would receive nothing (409, or the page's error with a form to
force it); forcing it makes them all-keyword subscribers, and the subscribers page shows anyone
left with nothing."""

from __future__ import annotations

from datetime import time

import pytest

from monitor.store import subscribers
from tests.web.test_api import Web, open_web  # noqa: F401 (the fixture)

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def subscribe(w: Web, email: str, names: list[str] | None) -> None:
    async with w.pool.connection() as conn:  # type: ignore[attr-defined]
        await subscribers.add(conn, email, names, time(8), "Asia/Baku")


async def test_the_api_refuses_with_409_naming_them_then_forces(open_web: Web) -> None:  # noqa: F811
    await subscribe(open_web, "only@example.org", ["election"])
    await subscribe(open_web, "all@example.org", None)
    async with open_web.client() as c:
        r = await c.delete("/api/keywords/election")
        assert r.status_code == 409
        assert r.json()["subscribers"] == ["only@example.org"] and "would receive nothing" in r.json()["error"]
        assert [k["name"] for k in (await c.get("/api/keywords")).json()["keywords"]] == ["election"]

        r = await c.delete("/api/keywords/election", params={"force": "true"})
        assert r.status_code == 200
        assert r.json() == {"removed": "election", "now_all_keywords": ["only@example.org"]}
        listed = {s["email"]: s for s in (await c.get("/api/subscribers")).json()["subscribers"]}
        assert listed["only@example.org"]["keywords"] is None  # all keywords
        # no keyword is left at all: every subscriber can receive nothing, and the API says so
        assert all(s["receives_nothing"] for s in listed.values())
        status = (await c.get("/api/status")).json()
        assert {s["email"] for s in status["receiving_nothing"]} == {"only@example.org", "all@example.org"}
        assert (await c.delete("/api/keywords/election")).status_code == 404


async def test_the_keywords_page_says_who_would_receive_nothing_and_offers_to_force(open_web: Web) -> None:  # noqa: F811
    await subscribe(open_web, "only@example.org", ["election"])
    async with open_web.client() as c:
        # the answer to "Remove the keyword?" (the page asks first)
        r = await c.post("/keywords", data={"action": "remove", "name": "election", "confirm": "yes"})
        assert r.status_code == 400
        assert "only@example.org" in r.text and "would receive nothing" in r.text
        assert 'id="force-remove"' in r.text and 'name="force" value="yes"' in r.text
        r = await c.post("/keywords", data={"action": "remove", "name": "election", "force": "yes", "confirm": "yes"})
        assert r.status_code == 200
        assert "they now receive every keyword" in r.text and 'id="force-remove"' not in r.text
        r = await c.get("/subscribers")
        assert "receives nothing: no keyword to match" in r.text  # no keyword is left


async def test_the_subscribers_page_shows_who_has_no_keyword_left(open_web: Web) -> None:  # noqa: F811
    await subscribe(open_web, "left@example.org", ["election"])
    await subscribe(open_web, "fine@example.org", None)
    async with open_web.pool.connection() as conn:  # type: ignore[attr-defined]
        await conn.execute("DELETE FROM subscriber_keywords")  # what a removal did before it was refused
    async with open_web.client() as c:
        page = (await c.get("/subscribers")).text
    left, fine = page.split("left@example.org")[1], page.split("fine@example.org")[1]
    assert "(none left)" in left.split("</tr>")[0] and "receives nothing" in left.split("</tr>")[0]
    assert "receives nothing" not in fine.split("</tr>")[0] and "(all)" in fine.split("</tr>")[0]
