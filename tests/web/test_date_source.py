"""How each publication date was known, in the API (list and article) and on the article page."""

from __future__ import annotations

import pytest

from tests.web.test_api import Web, open_web  # noqa: F401 (the fixture)

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def test_date_source_in_the_api_and_on_the_article_page(open_web: Web) -> None:  # noqa: F811
    ids = open_web.ids
    async with open_web.pool.connection() as conn:  # type: ignore[attr-defined]
        await conn.execute("UPDATE articles SET date_source = 'page-text' WHERE id = %s", (ids["election"],))
        await conn.execute("UPDATE articles SET date_source = 'fetched' WHERE id = %s", (ids["football"],))
    async with open_web.client() as c:
        listed = {a["id"]: a for a in (await c.get("/api/articles", params={"limit": 50})).json()["articles"]}
        assert listed[ids["election"]]["date_source"] == "page-text"
        assert listed[ids["football"]]["date_source"] == "fetched"
        assert listed[ids["russian"]]["date_source"] is None  # stored before it was kept
        assert (await c.get(f"/api/articles/{ids['election']}")).json()["date_source"] == "page-text"
        page = (await c.get(f"/articles/{ids['election']}")).text
        assert 'title="date_source: page-text"' in page and "read in the page&#39;s date line" in page
        page = (await c.get(f"/articles/{ids['football']}")).text
        assert "not given: when it was fetched" in page
        schema = (await c.get("/openapi.json")).json()["components"]["schemas"]
        assert "fetched" in schema["ArticleSummary"]["properties"]["date_source"]["enum"]
