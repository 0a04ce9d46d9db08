"""One source's bad row never stops another's poll: a source of a kind this version cannot poll
(left by an older version, or written by hand) fails alone, with its reason in `status`, while
`poll` and `run` go on polling the others. And the CLI refuses at the door what would break later."""

from __future__ import annotations

import psycopg
import pytest

from tests.conftest import Cli
from tests.e2e.survival import Worker, add_feeds, publish, wait_for
from tests.site.server import Site


def a_source_of_unknown_kind(database_url: str) -> None:
    # 'spider:…' passes the table's CHECK: the web import of an older version wrote such rows
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("INSERT INTO sources (name, url, kind) VALUES ('Odd', 'https://odd.example/x', 'spider:nope')")


def last_error(database_url: str, name: str) -> str | None:
    with psycopg.connect(database_url) as conn:
        row = conn.execute("SELECT last_error FROM sources WHERE name = %s", (name,)).fetchone()
    return row[0] if row else None


def test_poll_skips_and_records_a_source_it_cannot_poll(cli: Cli, site: Site, database_url: str) -> None:
    publish(site, "Courier", 2)
    add_feeds(cli, site, ["Courier"])
    a_source_of_unknown_kind(database_url)
    out = cli("poll").stdout
    assert "Courier: fetched 2, new 2, duplicates 0, errors 0" in out, out
    assert "Odd: fetched 0, new 0, duplicates 0, errors 1 (cannot poll: unknown kind 'spider:nope'" in out, out
    assert "unknown kind 'spider:nope'" in (last_error(database_url, "Odd") or "")
    assert "unknown kind 'spider:nope'" in cli("status", "--format", "json").stdout


def test_run_keeps_polling_the_others_beside_a_source_it_cannot_poll(cli: Cli, site: Site, database_url: str) -> None:
    publish(site, "Courier", 2)
    add_feeds(cli, site, ["Courier"])
    a_source_of_unknown_kind(database_url)
    with Worker(cli, "worker", NEWSWATCH_POLL_TICK_S="1") as worker:
        wait_for(lambda: site.hits["/sv/Courier/1.html"] >= 1, 60, lambda: worker.log.read_text())
        wait_for(lambda: last_error(database_url, "Odd"), 30, lambda: worker.log.read_text())
        with psycopg.connect(database_url, autocommit=True) as conn:  # due again now: polled again
            conn.execute("UPDATE sources SET next_poll_at = now() WHERE name = 'Courier'")
        wait_for(lambda: site.hits["/sv/Courier.rss"] >= 2, 30, lambda: worker.log.read_text())
        assert worker.alive()
        status, _ = worker.terminate()
    assert status == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("sources", "add", "a/b", "https://x.az/"), "source name: must not contain '/'"),
        (("sources", "add", "Bad", "https://x.az/", "--lang", "english"), "language: not an ISO 639-1"),
        (("sources", "add", "Bad", "https://x.az/", "--every", "5s"), "interval: between one minute"),
        (("keywords", "add", "baku", "--name", "x\r\nBcc: victim@example.org"), "one line of printable text"),
        (("keywords", "add", "baku", "--name", "a/b"), "keyword name: must not contain '/'"),
    ],
)
def test_the_cli_refuses_at_the_door(cli: Cli, args: tuple[str, ...], message: str) -> None:
    cli("init")
    result = cli(*args, expect=2)
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_a_cli_opml_import_with_a_bad_outline_imports_nothing(cli: Cli, database_url: str) -> None:
    cli("init")
    opml = cli.home / "mixed.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><body>'
        '<outline text="Fine" xmlUrl="https://fine.example/rss"/>'
        '<outline text="Odd" xmlUrl="https://odd.example/rss" newswatchKind="spider:nope"/></body></opml>',
        encoding="utf-8",
    )
    result = cli("sources", "import", str(opml), expect=2)
    assert "outline 2 ('Odd'): kind: unknown kind 'spider:nope'" in result.stderr
    assert last_error(database_url, "Fine") is None and "Fine" not in cli("sources", "list").stdout
