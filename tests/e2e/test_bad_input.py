"""Bad input gets one clear line and the right exit status: 2 for usage, 1 for runtime failures."""

from __future__ import annotations

import pytest

from tests.conftest import Cli


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("sources", "remove", "Nowhere"), "no source named 'Nowhere'"),
        (("poll", "Nowhere"), "no source named 'Nowhere'"),
        (("sources", "add", "Bad", "not a url"), "not an http(s) URL"),
        (("sources", "add", "Bad", "ftp://example.org/feed"), "not an http(s) URL"),
        (("sources", "add", "Bad", "https://x.az/", "--kind", "spider:nope"), "unknown kind 'spider:nope'"),
        (("backfill", "Nowhere", "--since", "2024-02-01"), "no source named 'Nowhere'"),
        (("keywords", "add", '"unclosed'), "unclosed quote at position 1"),
        (("search", "--since", "yesterday"), "not a date"),
        (("subscribers", "add", "not-an-address"), "not an email address"),
        (("subscribers", "add", "a@example.org", "--tz", "Mars/Olympus"), "unknown time zone"),
        (("frobnicate",), "invalid choice"),
    ],
)
def test_usage_errors_exit_2_with_one_line(cli: Cli, args: tuple[str, ...], message: str) -> None:
    cli("init")
    result = cli(*args, expect=2)
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_an_unreachable_database_exits_1_naming_the_url(cli: Cli) -> None:
    url = "postgresql://newswatch:s3cret@127.0.0.1:9/newswatch"
    result = cli("sources", "list", expect=1, NEWSWATCH_DATABASE_URL=url)
    line = result.stderr.strip()
    assert len(line.splitlines()) == 1
    assert "postgresql://newswatch:***@127.0.0.1:9/newswatch" in line
    assert "s3cret" not in line


def test_an_out_of_date_schema_is_refused(cli: Cli, database_url: str) -> None:
    import psycopg

    cli("init")
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("DELETE FROM schema_migrations")
    result = cli("sources", "list", expect=1)
    assert "out of date" in result.stderr and "newswatch init" in result.stderr
