"""`newswatch stories` as a user types it, over a small archive of stories (tests/stories_world.py)."""

from __future__ import annotations

import asyncio
import json

import psycopg
import pytest
from psycopg.rows import dict_row

from tests import stories_world
from tests.conftest import Cli


@pytest.fixture
def ids(database_url: str) -> dict[str, int]:
    async def main() -> dict[str, int]:
        async with await psycopg.AsyncConnection.connect(database_url, autocommit=True, row_factory=dict_row) as conn:
            return await stories_world.load(conn)

    return asyncio.run(main())


def listed(cli: Cli, *args: str) -> list[dict]:
    return [json.loads(line) for line in cli("stories", "--format", "jsonl", *args).stdout.splitlines()]


def test_jsonl_newest_first_each_story_with_its_first_publisher(cli: Cli, ids: dict[str, int]) -> None:
    rows = listed(cli)
    newest_first = ["campaign_story", "mission", "candidates_story", "seed_story"]
    assert [r["id"] for r in rows] == [ids[k] for k in newest_first]
    mission = rows[1]
    # Trend published first, though Newswatch fetched it last: it is the original, and leads
    assert mission == {
        "id": ids["mission"],
        "headline": stories_world.MISSION_EN,
        "first_published": "2024-02-06T08:00:00+00:00",
        "original": {
            "article_id": ids["original"],
            "outlet": "Trend",
            "url": "https://en.trend.az/azerbaijan/politics/3858100.html",
        },
        "outlets": ["Trend", "APA", "Report"],
        "langs": ["en", "ru"],
        "articles": 3,
    }
    seed = rows[3]
    assert seed["original"]["article_id"] == ids["seed"] and seed["outlets"] == ["Trend", "Azernews"]
    assert seed["articles"] == 2


def test_filters(cli: Cli, ids: dict[str, int]) -> None:
    def story_ids(*args: str) -> list[int]:
        return [r["id"] for r in listed(cli, *args)]

    assert story_ids("--since", "2024-02-06") == [ids["campaign_story"], ids["mission"]]
    assert story_ids("--until", "2024-02-06") == [ids["candidates_story"], ids["seed_story"]]
    # a story is first published when its original was: the mission began on the 6th
    assert story_ids("--since", "2024-02-06T09:00:00+00:00") == [ids["campaign_story"]]
    assert story_ids("--keyword", "observers") == [ids["mission"], ids["seed_story"]]
    assert story_ids("--lang", "az") == [ids["campaign_story"]]
    assert story_ids("--limit", "1") == [ids["campaign_story"]]
    # in the reader's language: the story's article in Russian heads it, the original still named
    (ru,) = listed(cli, "--lang", "RU")
    assert ru["headline"] == stories_world.MISSION_RU and ru["original"]["outlet"] == "Trend"


def test_table(cli: Cli, ids: dict[str, int]) -> None:
    lines = cli("stories", COLUMNS="250").stdout.splitlines()  # wide enough for each story on one line
    assert lines[0].split() == ["ID", "FIRST", "PUBLISHED", "ORIGINAL", "OUTLETS", "LANGS", "ARTICLES", "HEADLINE"]
    assert len(lines) == 5
    (mission,) = (line for line in lines if line.startswith(f"{ids['mission']} "))
    assert "2024-02-06 08:00  Trend " in mission
    assert "Trend, APA, Report" in mission and "en, ru" in mission
    assert mission.endswith(stories_world.MISSION_EN)


def test_usage_errors_exit_2_with_one_line(cli: Cli, ids: dict[str, int]) -> None:
    for args, message in (
        (["--keyword", "nope"], "no keyword named 'nope'"),
        (["--lang", "english"], "not an ISO 639-1 language code"),
        (["--since", "yesterday"], "not a date"),
        (["--limit", "0"], "--limit"),
        (["--format", "csv"], "invalid choice"),
    ):
        err = cli("stories", *args, expect=2).stderr
        assert message in err and len(err.strip().splitlines()) == 1, err


def test_no_story_is_an_answer(cli: Cli, ids: dict[str, int]) -> None:
    result = cli("stories", "--since", "2030-01-01")
    assert result.stdout.splitlines() == ["ID  FIRST PUBLISHED  ORIGINAL  OUTLETS  LANGS  ARTICLES  HEADLINE"]
    assert "no stories match" in result.stderr
