"""The CLI as a person meets it in a terminal: tables within the width, human times, progress bars
on a terminal only, a quiet exit when the reader of a pipe goes away, usage errors for names it
does not know, one line for a network failure, and `show ID`."""

from __future__ import annotations

import asyncio
import json
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from rich.cells import cell_len

from monitor.db import open_pool
from tests.conftest import Cli
from tests.site.server import Site
from tests.web import archive


@pytest.fixture
def ids(database_url: str) -> dict[str, int]:
    async def load() -> dict[str, int]:
        pool = await open_pool(database_url, max_size=1)
        try:
            async with pool.connection() as conn:
                return await archive.load(conn)
        finally:
            await pool.close()

    return asyncio.run(load())


def widest(text: str) -> int:
    return max((cell_len(line) for line in text.splitlines()), default=0)


def test_every_table_fits_80_columns_with_human_times(cli: Cli, ids: dict[str, int]) -> None:
    cli("subscribers", "add", "a.very.long.address.of.an.analyst@election-observers.example.org", "--tz", "UTC")
    cli("keywords", "add", 'seçki* OR "snap presidential election" OR выборы OR "Mərkəzi Seçki Komissiyası"')
    for args in (
        ("search",),
        ("search", "election", "--include-duplicates"),
        ("sources", "list"),
        ("status",),
        ("stories",),
        ("keywords", "list"),
        ("subscribers", "list"),
        ("config",),
        ("show", str(ids["election"])),
    ):
        out = cli(*args, COLUMNS="80").stdout
        assert out.strip(), args
        assert widest(out) <= 80, (args, out)
    out = cli("search", COLUMNS="80").stdout
    assert "Snap election called" in out and "https://trend.example/election-1" in out  # title and URL
    assert "Azerbaijan holds a snap" in " ".join(out.split())  # and the snippet, under them
    assert "h ago" in out  # published five hours ago, said so
    assert ".000" not in out and "+00:00" not in out  # no microseconds, no offsets
    listed = cli("sources", "list").stdout
    assert " new " in listed  # never polled: new, as the web says
    assert " 15m " in listed  # the interval set
    assert "False" not in listed and "True" not in listed
    # a wider terminal gets wider tables
    assert widest(cli("search", "--include-duplicates", COLUMNS="160").stdout) > 80


def test_scripts_get_the_same_formats_whatever_the_width(cli: Cli, ids: dict[str, int]) -> None:
    narrow = cli("search", "--format", "jsonl", COLUMNS="40").stdout
    wide = cli("search", "--format", "jsonl", COLUMNS="300").stdout
    assert narrow == wide and len(narrow.splitlines()) == 4
    assert json.loads(narrow.splitlines()[0])["published_at"].endswith("+00:00")


def test_a_closed_pipe_ends_quietly(cli: Cli, ids: dict[str, int]) -> None:
    read, write = os.pipe()
    os.close(read)  # the reader is gone before the first line (as `| head -0` would)
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "monitor", "search", "--format", "jsonl"],
            env=cli.env,
            cwd=cli.env["NEWSWATCH_HOME"],
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    finally:
        os.close(write)
    assert proc.stderr == "" and proc.returncode == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("search", "--source", "Nope"), "source: no source or outlet named 'Nope'"),
        (("search", "--keyword", "nope"), "keyword: no keyword named 'nope'"),
        (("search", "--lang", "english"), "not an ISO 639-1 language code"),
        (("search", "--since", "2024-02-08", "--until", "2024-02-01"), "until: must be after the start"),
        (("show", "999999"), "no article 999999"),
        (("show", "abc"), "not an article id"),
    ],
)
def test_unknown_names_in_filters_are_usage_errors(cli: Cli, ids: dict[str, int], args: tuple, message: str) -> None:
    err = cli(*args, expect=2).stderr
    assert message in err and len(err.strip().splitlines()) == 1, err


def test_an_outlet_known_only_by_its_articles_is_a_filter(cli: Cli, ids: dict[str, int]) -> None:
    out = cli("search", "--source", "APA", "--format", "jsonl").stdout  # no sources row, one article
    assert [json.loads(line)["id"] for line in out.splitlines()] == [ids["football"]]


def test_show_prints_one_article_with_its_story_copies_and_evidence(cli: Cli, ids: dict[str, int]) -> None:
    out = cli("show", str(ids["election"]), COLUMNS="100").stdout
    lines = out.splitlines()
    assert lines[0] == "Snap election called"
    assert lines[1].startswith(f"#{ids['election']} · Trend · published ")
    assert "Azerbaijan holds a snap presidential election on 7 February." in out
    assert "Story #" in out and "AZERTAC" in out  # the other outlet of its story
    assert "Republications (1)" in out and "MENAFN" in out and "100%" in out
    assert "ab" * 32 in out  # the SHA-256 of the raw page
    shown = json.loads(cli("show", str(ids["election"]), "--format", "json").stdout)
    assert shown["id"] == ids["election"] and shown["fetch_headers"] == {"Content-Type": "text/html"}
    assert [c["id"] for c in shown["copies"]] == [ids["copy"]]


def on_a_terminal(cli: Cli, *args: str) -> tuple[int, str, str]:
    """Run the CLI with stderr on a pseudo-terminal: (exit status, stdout, what the terminal showed)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "monitor", *args],
        env={**cli.env, "COLUMNS": "100", "TERM": "xterm"},
        cwd=cli.env["NEWSWATCH_HOME"],
        stdout=subprocess.PIPE,
        stderr=slave,
    )
    os.close(slave)
    shown = b""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the other end closed: the process is done with the terminal
                break
            if not chunk:
                break
            shown += chunk
        elif proc.poll() is not None:
            break
    os.close(master)
    with proc:
        out = proc.stdout.read().decode() if proc.stdout else ""
        status = proc.wait(timeout=30)
    return status, out, shown.decode(errors="replace")


def test_a_poll_shows_progress_on_a_terminal_and_not_in_a_pipe(cli: Cli, site: Site) -> None:
    cli("sources", "add", "Courier", site.url("/feed.rss"))
    status, out, shown = on_a_terminal(cli, "poll", "Courier")
    assert status == 0 and "Courier: fetched" in out
    assert "poll" in shown and "1/1" in shown, shown  # the bar, drawn on the terminal
    assert "Courier: fetched" not in shown  # the results go to stdout, not to the bar's stream
    piped = cli("poll", "Courier")
    assert piped.stderr == "" and "Courier: fetched" in piped.stdout


def test_a_backfill_shows_its_days_on_a_terminal(cli: Cli, site: Site, tmp_path: object) -> None:
    cli("sources", "add", "TrendSite", site.url("/azerbaijan/politics/"), "--kind", "spider:trend")
    status, out, shown = on_a_terminal(cli, "backfill", "TrendSite", "--since", "2024-02-06", "--until", "2024-02-08")
    assert status == 0 and "TrendSite: fetched 5, new 5" in out
    assert "backfill TrendSite" in shown and "2/2" in shown and "days" in shown, shown


def test_a_refused_connection_is_one_line_without_a_traceback(cli: Cli, database_url: str) -> None:
    cli("init")
    cli("sources", "add", "Gone", "http://127.0.0.1:9/feed.rss", "--no-check")
    result = cli("poll", "Gone")
    assert "Gone: fetched 0, new 0, duplicates 0, errors 1 (" in result.stdout
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    with psycopg.connect(database_url, autocommit=True) as conn:  # the seeded outlets are unreachable here
        conn.execute("UPDATE sources SET enabled = (name = 'Gone'), next_poll_at = now()")
    once = cli("run", "--once")
    assert "Traceback" not in once.stderr, once.stderr
    assert len([line for line in once.stderr.splitlines() if "Gone" in line]) <= 1, once.stderr


def test_a_sitemap_backfill_counts_its_articles_on_a_terminal(cli: Cli, site: Site) -> None:
    cli("sources", "add", "ApaMap", site.url("/robots.txt"), "--kind", "sitemap")
    status, out, shown = on_a_terminal(cli, "backfill", "ApaMap", "--since", "2024-02-07", "--until", "2024-02-08")
    assert status == 0 and "ApaMap: fetched 2, new 2" in out
    assert "backfill ApaMap" in shown and "articles stored" in shown, shown  # no days to count: the articles
    assert "ApaMap: fetched" not in shown


def test_an_import_shows_its_checks_on_a_terminal(cli: Cli, site: Site, tmp_path: Path) -> None:
    outlines = "".join(
        f'<outline text="{name}" xmlUrl="{site.url(path)}" language="en"/>'
        for name, path in (("Courier", "/feed.rss"), ("Herald", "/evidence/feed.rss"))
    )
    opml = tmp_path / "two.opml"
    opml.write_text(f'<?xml version="1.0"?><opml version="2.0"><head/><body>{outlines}</body></opml>', "utf-8")
    status, out, shown = on_a_terminal(cli, "sources", "import", str(opml))
    assert status == 0 and "2 source(s) added" in out
    assert "checking feeds" in shown and "2/2" in shown, shown
    piped = cli("sources", "import", str(opml))
    assert piped.stderr == "" and "0 source(s) added, 2 already present" in piped.stdout


def test_a_recheck_shows_its_articles_on_a_terminal_and_not_in_a_pipe(cli: Cli, site: Site, database_url: str) -> None:
    cli("sources", "add", "Herald", site.url("/evidence/feed.rss"), "--lang", "en")
    cli("poll", "Herald")
    with psycopg.connect(database_url) as conn:
        ids = [str(i) for (i,) in conn.execute("SELECT id FROM articles ORDER BY id LIMIT 3").fetchall()]
    assert len(ids) == 3
    status, out, shown = on_a_terminal(cli, "recheck", *ids)
    assert status == 0 and len(out.splitlines()) == 3 and all(": unchanged" in line for line in out.splitlines()), out
    assert "recheck" in shown and "3/3" in shown, shown
    assert ": unchanged" not in shown  # the outcomes go to stdout
    piped = cli("recheck", *ids)
    assert piped.stderr == "" and len(piped.stdout.splitlines()) == 3
