"""Input that used to become a 500 or a 503 (RecursionError in the query parser or the JSON
decoder, a lone surrogate, a 150 MB name) is a 400 with a reason, and the process stays small."""

from __future__ import annotations

import pytest

from monitor.query import parse
from monitor.query.parse import MAX_DEPTH, QueryError
from tests.web import test_api
from tests.web.test_api import Web

pytestmark = pytest.mark.anyio
anyio_backend, open_web = test_api.anyio_backend, test_api.open_web  # the API tests' fixtures

NESTED_QUERIES = ["(" * 400 + "baku" + ")" * 400, "-" * 1000 + "baku", "-(" * 200 + "baku" + ")" * 200]


@pytest.mark.parametrize("query", NESTED_QUERIES)
def test_a_deep_query_is_a_query_error(query: str) -> None:
    with pytest.raises(QueryError, match=f"nested more than {MAX_DEPTH} deep"):
        parse(query)


def test_a_query_within_the_limits_still_parses() -> None:
    assert parse("(" * MAX_DEPTH + "baku" + ")" * MAX_DEPTH) is not None
    assert parse(" OR ".join(f"word{i}" for i in range(150))) is not None  # long and flat is fine
    with pytest.raises(QueryError, match="longer than 2000 characters"):
        parse("baku " * 1000)


@pytest.mark.parametrize("query", NESTED_QUERIES)
async def test_deep_queries_are_400_everywhere(open_web: Web, query: str) -> None:
    async with open_web.client() as c:
        for url, params in [
            ("/", {"q": query}),
            ("/api/articles", {"q": query}),
            ("/api/keywords/preview", {"query": query}),
        ]:
            r = await c.get(url, params=params)
            assert r.status_code == 400 and "nested more than" in r.text, (url, r.status_code, r.text[:200])
        r = await c.post("/api/keywords", json={"query": query, "name": "deep"})
        assert r.status_code == 400 and "nested more than" in r.json()["error"]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "nests more than"),
        (b'{"query": ' + b"[" * 50 + b"]" * 50 + b"}", "nests more than"),
        (b'{"query": "baku", "name": "x\\ud800y"}', "lone surrogate"),
        (b'{"query": "\\udfff"}', "lone surrogate"),
    ],
)
async def test_nested_and_surrogate_bodies_are_400(open_web: Web, body: bytes, words: str) -> None:
    async with open_web.client() as c:
        for url in ("/api/keywords", "/api/sources", "/api/subscribers"):
            r = await c.post(url, content=body, headers={"Content-Type": "application/json"})
            assert r.status_code == 400 and words in r.json()["error"], (url, r.text[:200])


async def test_a_huge_body_is_refused_before_it_is_held(open_web: Web) -> None:
    huge = b'{"query": "baku", "name": "' + b"x" * (8 * 1024 * 1024) + b'"}'
    async with open_web.client() as c:
        r = await c.post("/api/keywords", content=huge, headers={"Content-Type": "application/json"})
        assert r.status_code == 400 and "larger than 4 MiB" in r.json()["error"]

        async def streamed():  # no Content-Length: counted as it arrives
            yield b'{"query": "baku", "name": "'
            for _ in range(8):
                yield b"x" * (1024 * 1024)
            yield b'"}'

        r = await c.post("/api/keywords", content=streamed(), headers={"Content-Type": "application/json"})
        assert r.status_code == 400 and "larger than 4 MiB" in r.json()["error"]
        r = await c.post("/keywords", data={"action": "add", "query": "baku", "name": "x" * (5 * 1024 * 1024)})
        assert r.status_code == 400 and "larger than 4 MiB" in r.text
        r = await c.post("/keywords", data={"action": "add", "query": "baku", "name": "x" * 5000})
        assert r.status_code == 400 and "at most 200 characters" in r.text


async def test_a_saved_keyword_too_deep_for_the_parser_breaks_nothing(open_web: Web) -> None:
    from monitor.store import keywords

    async with open_web.pool.connection() as conn:  # type: ignore[attr-defined]
        await conn.execute("INSERT INTO keywords (name, query) VALUES ('deep', %s)", ("(" * 321 + "baku" + ")" * 321,))
        assert [name for _, name, _ in await keywords.trees(conn)] == ["election"]
