"""Duplicates and stories through `poll`, on real parts: the fixture site's outlets (tests/site/www/dedup)
carry a MENAFN-style copy of the seed, one event told by two outlets, and a trimmed copy in other
boilerplate. Every CLI call is a new process: what one stored, the next one finds (a restart)."""

from __future__ import annotations

import json
import re

import psycopg

from tests.conftest import Cli
from tests.site.server import Site

ANALYST = "analyst@example.org"
SEED_URL = "seed:trend-sco-election-2024-02-06"


def jsonl(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def search(cli: Cli, *args: str) -> list[dict]:
    return jsonl(cli("search", "--format", "jsonl", *args).stdout)


def test_a_copy_of_the_seed_is_a_seed_duplicate_shown_with_duplicates_and_never_in_a_digest(
    cli: Cli, site: Site
) -> None:
    cli("init")
    cli("subscribers", "add", ANALYST)
    cli("sources", "add", "MENAFN", site.url("/dedup/menafn.rss"), "--lang", "en")

    out = cli("poll", "MENAFN").stdout
    assert "MENAFN: fetched 1, new 0, duplicates 1, errors 0" in out

    everything = search(cli, "--include-duplicates")
    seed = next(a for a in everything if a["url"] == SEED_URL)
    copy = next(a for a in everything if a["source"] == "MENAFN")
    assert copy["seed_duplicate"] is True and copy["duplicate_of"] == seed["id"]
    assert copy["similarity"] >= 0.9
    assert copy["story_id"] == seed["story_id"]
    assert "(MENAFN- Trend News Agency)" in copy["text"]
    assert all(a["source"] != "MENAFN" for a in search(cli))  # hidden unless asked for

    table = cli("search", "Panahov", "--include-duplicates").stdout
    row = next(row for row in re.split(r"\n(?=\d)", table) if "MENAFN" in row)  # a row may take several lines
    assert f"seed copy of {seed['id']}" in row

    preview = cli("digest", "preview", "--subscriber", ANALYST)
    assert "SCO" not in preview.stdout and "MENAFN" not in preview.stdout


def test_a_new_process_finds_what_an_earlier_one_stored_copies_and_rewrites_alike(
    cli: Cli, site: Site, database_url: str
) -> None:
    """Two outlets telling one event make one story with both outlets; a copy of the first, polled by
    another process after the first one exited (a restart), is found in the duplicates index."""
    cli("init")
    cli("subscribers", "add", ANALYST)
    cli("sources", "add", "Caspian Courier", site.url("/dedup/outlet-a.rss"), "--lang", "en")
    cli("sources", "add", "Azeri Observer", site.url("/dedup/outlet-b.rss"), "--lang", "en")
    cli("sources", "add", "Regional Wire", site.url("/dedup/copier.rss"), "--lang", "en")
    cli("poll", "Caspian Courier")  # this process stores the original and exits
    with psycopg.connect(database_url) as conn:
        indexed = conn.execute(
            "SELECT count(*) FROM lsh_bands b JOIN articles a ON a.id = b.article_id WHERE a.outlet = 'Caspian Courier'"
        ).fetchone()
    assert indexed is not None and indexed[0] > 0

    out = cli("poll", "Azeri Observer", "Regional Wire").stdout  # a new process
    assert "Azeri Observer: fetched 1, new 1, duplicates 0, errors 0" in out  # a rewrite, not a copy
    assert "Regional Wire: fetched 1, new 0, duplicates 1, errors 0" in out  # trimmed, new lead, other boilerplate

    found = {a["source"]: a for a in search(cli, "--include-duplicates")}
    original, rewrite, copy = found["Caspian Courier"], found["Azeri Observer"], found["Regional Wire"]
    assert copy["duplicate_of"] == original["id"] and copy["seed_duplicate"] is False
    assert 0.6 <= copy["similarity"] < 1.0
    assert rewrite["duplicate_of"] is None and original["duplicate_of"] is None
    assert original["story_id"] is not None
    assert original["story_id"] == rewrite["story_id"] == copy["story_id"]
    seed = found["Trend"]
    assert seed["url"] == SEED_URL and seed["story_id"] != original["story_id"]  # same election, another event

    preview = cli("digest", "preview", "--subscriber", ANALYST).stdout
    # one entry for the story: the copy is never told as news of its own, but its outlet is listed
    # among those that carried the story (the digest shows every outlet that carried it)
    assert "1 story" in preview and "3 outlets" in preview
    assert re.search(r"^ +- Caspian Courier \((\w+, )?original\): ", preview, re.M)
    assert re.search(r"^ +- Azeri Observer( \(\w+\))?: ", preview, re.M)
    assert re.search(r"^ +- Regional Wire \((\w+, )?copy of Caspian Courier\): ", preview, re.M)
