"""`newswatch keywords` and `newswatch search` as a user types them."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from datetime import UTC, datetime, timedelta

import psycopg
from psycopg.rows import dict_row

from tests.conftest import Cli
from tests.integration.archive import put

NOW = datetime.now(UTC)


def archive(database_url: str, *articles: tuple[str, str, datetime]) -> list[int]:
    async def main() -> list[int]:
        async with await psycopg.AsyncConnection.connect(database_url, autocommit=True, row_factory=dict_row) as conn:
            return [await put(conn, title, text, outlet="Courier", published_at=when) for title, text, when in articles]

    return asyncio.run(main())


def test_keywords_add_previews_matches_the_archive_and_can_be_edited_and_removed(cli: Cli, database_url: str) -> None:
    old, recent, football = archive(
        database_url,
        ("OSCE envoys arrive in Baku", "The mission starts.", NOW - timedelta(days=400)),
        ("Envoys present preliminary findings", "The envoy said.", NOW - timedelta(days=1)),
        ("Envoys at the stadium", "A football match.", NOW - timedelta(days=2)),
    )
    with psycopg.connect(database_url, autocommit=True) as conn:  # stored long ago: outside the preview
        conn.execute("UPDATE articles SET stored_at = now() - interval '400 days' WHERE id = %s", (old,))

    out = cli("keywords", "add", "envoy* -football", "--name", "watch").stdout
    assert "would have matched 1 article(s) of the last 30 days (by publication date)" in out
    assert "Courier: Envoys present preliminary findings" in out
    found = [
        json.loads(line)["id"] for line in cli("search", "--keyword", "watch", "--format", "jsonl").stdout.splitlines()
    ]
    assert sorted(found) == sorted([old, recent])  # the keyword's history is there at once

    out = cli("keywords", "edit", "watch", "football").stdout
    assert "changed keyword 'watch'" in out and "Envoys at the stadium" in out
    assert "football" in cli("keywords", "list").stdout

    cli("keywords", "remove", "watch")
    assert "watch" not in cli("keywords", "list").stdout
    assert str(football) in cli("search", "envoy*").stdout.split()  # the articles stay


def test_search_by_relevance_as_csv_with_marked_snippets(cli: Cli, database_url: str) -> None:
    in_text, in_title = archive(
        database_url,
        ("Polls open", "Mərkəzi Seçki Komissiyası açıqladı.", NOW - timedelta(hours=1)),
        ("Seçkilər başa çatdı", "Nəticələr sabah.", NOW - timedelta(hours=5)),
    )
    out = cli("search", "seçki*", "--sort", "relevance", "--format", "csv", "--source", "Courier").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [int(r["id"]) for r in rows] == [in_title, in_text]
    assert rows[1]["snippet"] == "Mərkəzi *Seçki* Komissiyası açıqladı."

    page = cli("search", "seçki*", "--format", "jsonl", "--limit", "1", "--offset", "1").stdout
    assert [json.loads(line)["id"] for line in page.splitlines()] == [in_title]


def test_an_empty_result_or_an_injection_attempt_is_an_answer(cli: Cli, database_url: str) -> None:
    (stored,) = archive(database_url, ("Turnout passes sixty percent", "The CEC said so.", NOW))
    for query in ("nothing-like-this-anywhere", "x' OR 1=1; DROP TABLE articles; --"):
        result = cli("search", query)
        assert result.stdout.startswith("ID") and len(result.stdout.splitlines()) == 1
        assert "no articles match" in result.stderr
    with psycopg.connect(database_url) as conn:  # the archive is still there
        assert conn.execute("SELECT id FROM articles").fetchall() == [(stored,)]


def test_a_malformed_query_exits_2_pointing_at_the_error(cli: Cli) -> None:
    for args, message in ((("search", "a OR"), "OR needs something on both sides at position 3"),
                          (("keywords", "add", "()"), "empty parentheses at position 2")):  # fmt: skip
        result = cli(*args, expect=2)
        assert message in result.stderr and len(result.stderr.splitlines()) == 1
