"""Re-checks through the CLI and the fixture site: an edit becomes a new version with its word
diff, a 410, a redirect to the home page and a page that no longer holds the text are takedowns,
and an unchanged page is answered 304 and stores nothing."""

from __future__ import annotations

import io
import json
from pathlib import Path

import psycopg
from warcio.archiveiterator import ArchiveIterator

from tests.conftest import Cli
from tests.site.server import Site

PAGES = {
    "edited": "/evidence/ballot-count-5001.html",
    "gone": "/evidence/observer-mission-5002.html",
    "moved": "/evidence/polling-hours-5003.html",
    "same": "/evidence/results-protocol-5004.html",
    "withdrawn": "/evidence/candidate-complaint-5005.html",
}


def polled(cli: Cli, site: Site, database_url: str) -> dict[str, int]:
    cli("init")
    return polled_again(cli, site, database_url)


def versions(database_url: str, article_id: int) -> list[dict]:
    with psycopg.connect(database_url, row_factory=psycopg.rows.dict_row) as conn:
        return conn.execute(
            "SELECT n, status, changed, removed, why, title, diff, warc_file, warc_offset, warc_length"
            " FROM article_versions WHERE article_id = %s ORDER BY n",
            (article_id,),
        ).fetchall()


def capture(home: Path, v: dict) -> list[tuple[str, str, int | None, bytes]]:
    with (home / "warc" / v["warc_file"]).open("rb") as f:
        f.seek(v["warc_offset"])
        data = f.read(v["warc_length"])
    return [
        (
            r.rec_type,
            r.rec_headers.get_header("WARC-Target-URI"),
            int(r.http_headers.get_statuscode()) if r.rec_type == "response" else None,
            r.raw_stream.read(),
        )
        for r in ArchiveIterator(io.BytesIO(data), check_digests=True)
    ]


def test_recheck_finds_the_edit_the_takedowns_and_the_unchanged(cli: Cli, site: Site, database_url: str) -> None:
    ids = polled(cli, site, database_url)
    site.edit(PAGES["edited"], "/evidence/later/ballot-count-5001.html")
    site.vanish(PAGES["gone"], 410)
    site.redirect(PAGES["moved"], "/")
    site.edit(PAGES["withdrawn"], "/evidence/later/notice-5005.html")

    out = cli("recheck", *map(str, ids.values())).stdout.splitlines()
    home = site.url("/")
    assert out == sorted(
        [
            f"{ids['edited']}: changed (title, 3 word(s) added, 45 removed)",
            f"{ids['gone']}: removed (HTTP 410)",
            f"{ids['moved']}: removed (redirected to the home page {home})",
            f"{ids['same']}: unchanged",
            f"{ids['withdrawn']}: removed (the page no longer holds the article's text (0% of it left))",
        ],
        key=lambda line: int(line.split(":")[0]),
    )

    edited = versions(database_url, ids["edited"])
    assert [(v["n"], v["status"], v["changed"], v["removed"]) for v in edited] == [
        (1, 200, False, False),
        (2, 200, True, False),
    ]
    assert edited[1]["title"] == "Counting of ballots completed in Ganja district"
    assert edited[1]["diff"]["title"] == [["=", 3], ["-", "runs through the night"], ["+", "completed"], ["=", 3]]
    changes = [op for op in edited[1]["diff"]["text"] if op[0] != "="]
    assert changes == [
        ["-", "112 of the"],
        ["+", "all"],
        [
            "-",
            "71 percent. Two local observers told the Herald they had been asked to leave one counting room for"
            " about twenty minutes while bags of ballots were carried in from a mobile box.",
        ],
        ["+", "76 percent."],  # one shared word between two changes joins them (monitor.evidence.diff.RUN)
        ["-", "the observers had left of their own accord and that"],
    ]
    recs = capture(cli.home, edited[1])
    assert [r[:3] for r in recs] == [
        ("response", site.url(PAGES["edited"]), 200),
        ("request", site.url(PAGES["edited"]), None),
    ]
    assert recs[0][3] == site.body("/evidence/later/ballot-count-5001.html")

    gone = versions(database_url, ids["gone"])
    assert [(v["n"], v["status"], v["removed"], v["why"]) for v in gone][1] == (2, 410, True, "HTTP 410")
    assert [r[2] for r in capture(cli.home, gone[1]) if r[0] == "response"] == [410]

    moved = versions(database_url, ids["moved"])
    assert moved[1]["removed"] and moved[1]["why"] == f"redirected to the home page {home}"
    hops = [(r[1], r[2]) for r in capture(cli.home, moved[1]) if r[0] == "response"]
    assert hops == [(site.url(PAGES["moved"]), 301), (home, 200)]  # the redirect itself is evidence

    assert len(versions(database_url, ids["same"])) == 1
    with psycopg.connect(database_url) as conn:
        removed = conn.execute(
            "SELECT article_id FROM article_checks WHERE removed_at IS NOT NULL ORDER BY article_id"
        ).fetchall()
        edited_at = conn.execute(
            "SELECT edited_at IS NOT NULL FROM article_checks WHERE article_id = %s", (ids["edited"],)
        ).fetchone()
    assert [r[0] for r in removed] == sorted([ids["gone"], ids["moved"], ids["withdrawn"]])
    assert edited_at == (True,)

    # looking again: a takedown found again is no new version; the edit is now the version compared with
    again = cli("recheck", str(ids["gone"]), str(ids["edited"])).stdout.splitlines()
    assert sorted(again) == sorted([f"{ids['edited']}: unchanged", f"{ids['gone']}: removed (HTTP 410)"])
    assert len(versions(database_url, ids["gone"])) == 2

    # search and its filters
    found = [json.loads(line)["id"] for line in cli("search", "--removed", "--format", "jsonl").stdout.splitlines()]
    assert sorted(found) == sorted([ids["gone"], ids["moved"], ids["withdrawn"]])
    found = [json.loads(line)["id"] for line in cli("search", "--edited", "--format", "jsonl").stdout.splitlines()]
    assert found == [ids["edited"]]


def test_an_unchanged_page_is_answered_304_and_stores_nothing(cli: Cli, site: Site, database_url: str) -> None:
    ids = polled(cli, site, database_url)
    folder = cli.home / "warc"
    before = {p.name: p.stat().st_size for p in folder.iterdir()}
    site.requests.clear()
    site.answers.clear()
    assert cli("recheck", str(ids["same"])).stdout == f"{ids['same']}: unchanged\n"
    ((path, headers),) = [r for r in site.requests if r[0] != "/robots.txt"]
    assert path == PAGES["same"] and headers.get("If-None-Match") and headers.get("If-Modified-Since")
    assert [a for a in site.answers if a[0] != "/robots.txt"] == [(PAGES["same"], 304)]
    # no version, no capture, not one byte written
    assert len(versions(database_url, ids["same"])) == 1
    assert {p.name: p.stat().st_size for p in folder.iterdir() if p.name in before} == before
    with psycopg.connect(database_url) as conn:
        state = conn.execute(
            "SELECT last_outcome, checked_at IS NOT NULL, due_at IS NOT NULL FROM article_checks WHERE article_id = %s",
            (ids["same"],),
        ).fetchone()
    assert state == ("unchanged", True, True)


def test_due_rechecks_follow_the_schedule(cli: Cli, site: Site, database_url: str) -> None:
    ids = polled(cli, site, database_url)
    assert cli("recheck").stdout == ""  # nothing due an instant after the poll
    with psycopg.connect(database_url, autocommit=True) as conn:
        due = conn.execute(
            "SELECT c.due_at - a.fetched_at FROM article_checks c JOIN articles a ON a.id = c.article_id"
        ).fetchall()
        assert {d[0].total_seconds() for d in due} == {3600.0}  # the first step of 1h,6h,24h,3d,7d
        # two of them as if first seen 2 hours ago
        conn.execute(
            "UPDATE articles SET fetched_at = fetched_at - interval '2 hours' WHERE id = ANY(%s)",
            ([ids["same"], ids["edited"]],),
        )
        conn.execute(
            "UPDATE article_checks SET due_at = due_at - interval '2 hours' WHERE article_id = ANY(%s)",
            ([ids["same"], ids["edited"]],),
        )
    out = cli("recheck").stdout.splitlines()
    assert sorted(out) == sorted([f"{ids['edited']}: unchanged", f"{ids['same']}: unchanged"])
    with psycopg.connect(database_url) as conn:
        nxt = conn.execute(
            "SELECT c.due_at - a.fetched_at, c.done FROM article_checks c JOIN articles a ON a.id = c.article_id"
            " WHERE a.id = %s",
            (ids["same"],),
        ).fetchone()
    assert nxt[0].total_seconds() == 6 * 3600 and nxt[1] == 1
    assert cli("recheck", "424242", expect=2).stderr.startswith("newswatch: recheck: no article 424242")


def test_two_workers_never_recheck_one_article_twice(cli: Cli, site: Site, database_url: str) -> None:
    import subprocess
    import sys

    ids = polled(cli, site, database_url)
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("UPDATE article_checks SET due_at = now() - interval '1 minute'")
    site.answers.clear()
    env = {**cli.env, "NEWSWATCH_HOST_DELAY_S": "0.3"}
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "monitor", "recheck"],
            env=env,
            cwd=cli.env["NEWSWATCH_HOME"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outs = [w.communicate(timeout=120) for w in workers]
    assert all(w.returncode == 0 for w in workers), outs
    lines = [line for out, _ in outs for line in out.splitlines()]
    assert sorted(int(line.split(":")[0]) for line in lines) == sorted(ids.values())  # each once, by one of them
    fetched = [path for path, _ in site.answers if path.startswith("/evidence/")]
    assert sorted(fetched) == sorted(PAGES.values())


def test_claims_split_between_workers(database_url: str, cli: Cli, site: Site) -> None:
    import asyncio

    from monitor.db import open_pool
    from monitor.store import rechecks

    polled(cli, site, database_url)
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("UPDATE article_checks SET due_at = now() - interval '1 minute'")

    async def claims() -> list[list[int]]:
        pool = await open_pool(database_url, max_size=4)
        try:

            async def one() -> list[int]:
                async with pool.connection() as conn:
                    return [t["article_id"] for t in await rechecks.claim_due(conn, 120, 3)]

            first = await asyncio.gather(one(), one())
            return [*first, await one()]
        finally:
            await pool.close()

    a, b, c = asyncio.run(claims())
    assert len(a) + len(b) == 5 and not set(a) & set(b) and c == []  # claimed: nobody gets them again


def test_a_subscriber_with_changes_is_told_of_edits_and_takedowns_once(
    cli: Cli, site: Site, database_url: str, mailbox
) -> None:  # type: ignore[no-untyped-def]
    cli("init")
    cli("keywords", "add", "commission", "--name", "commission")
    cli("subscribers", "add", "watcher@example.org", "--keywords", "commission", "--changes")
    cli("subscribers", "add", "reader@example.org", "--keywords", "commission")
    ids = polled_again(cli, site, database_url)
    for who in ("watcher@example.org", "reader@example.org"):
        assert "1 sent" in cli("digest", "send", "--subscriber", who, NEWSWATCH_SMTP_URL=mailbox.url).stdout
    first = mailbox.messages[0].get_body(preferencelist=("plain",)).get_content()
    assert "Counting of ballots runs through the night" in first and "Changed since you were told" not in first

    site.edit(PAGES["edited"], "/evidence/later/ballot-count-5001.html")
    site.vanish(PAGES["gone"], 410)
    cli("recheck", str(ids["edited"]), str(ids["gone"]))
    assert (
        "1 sent" in cli("digest", "send", "--subscriber", "watcher@example.org", NEWSWATCH_SMTP_URL=mailbox.url).stdout
    )
    assert (
        "0 sent" in cli("digest", "send", "--subscriber", "reader@example.org", NEWSWATCH_SMTP_URL=mailbox.url).stdout
    )
    told = mailbox.messages[2]
    assert told["To"] == "watcher@example.org"
    assert told["Subject"].endswith(": 2 changed since you were told")
    text = told.get_body(preferencelist=("plain",)).get_content()
    html = told.get_body(preferencelist=("html",)).get_content()
    for body in (text, html):
        assert "Changed since you were told" in body
        assert "Counting of ballots completed in Ganja district" in body  # the edit, under its new title
        assert "edited: new title, 3 word(s) added, 45 removed" in body
        assert "Observer mission reports pressure on teachers to vote" in body
        assert "taken down: HTTP 410" in body
        assert f"http://127.0.0.1:8000/articles/{ids['gone']}" in body
    # once per change: nothing more to tell, however often asked
    assert (
        "0 sent" in cli("digest", "send", "--subscriber", "watcher@example.org", NEWSWATCH_SMTP_URL=mailbox.url).stdout
    )
    cli("recheck", str(ids["gone"]))  # still gone: not a new change
    assert (
        "0 sent" in cli("digest", "send", "--subscriber", "watcher@example.org", NEWSWATCH_SMTP_URL=mailbox.url).stdout
    )
    assert len(mailbox.messages) == 3


def polled_again(cli: Cli, site: Site, database_url: str) -> dict[str, int]:
    """The Herald polled into a database `init` already made."""
    cli("sources", "add", "Herald", site.url("/evidence/feed.rss"), "--lang", "en")
    assert "Herald: fetched 5, new 5" in cli("poll", "Herald").stdout
    with psycopg.connect(database_url) as conn:
        ids = dict(conn.execute("SELECT url, id FROM articles WHERE outlet = 'Herald'").fetchall())
    return {key: ids[site.url(path)] for key, path in PAGES.items()}


def test_the_service_rechecks_what_is_due(cli: Cli, site: Site, database_url: str) -> None:
    import signal
    import subprocess
    import sys

    from tests.e2e.survival import FAST, wait_for

    cli("init")
    cli("sources", "add", "Herald", site.url("/evidence/feed.rss"), "--lang", "en")
    log = cli.home / "worker.log"

    def stored() -> dict[str, int]:
        with psycopg.connect(database_url) as conn:
            return dict(conn.execute("SELECT url, id FROM articles WHERE outlet = 'Herald'").fetchall())

    def outcome(article_id: int) -> str | None:
        with psycopg.connect(database_url) as conn:
            row = conn.execute(
                "SELECT last_outcome FROM article_checks WHERE article_id = %s", (article_id,)
            ).fetchone()
        return row[0] if row else None

    with (
        log.open("w") as err,
        subprocess.Popen(
            [sys.executable, "-m", "monitor", "run", "--no-web"],
            env={**cli.env, **FAST},
            cwd=cli.home,
            stdout=subprocess.DEVNULL,
            stderr=err,
        ) as worker,
    ):
        try:
            ids = wait_for(lambda: len(stored()) == 5 and stored(), 60, lambda: log.read_text()[-2000:])
            edited = ids[site.url(PAGES["edited"])]
            site.edit(PAGES["edited"], "/evidence/later/ballot-count-5001.html")
            with psycopg.connect(database_url, autocommit=True) as conn:
                conn.execute("UPDATE article_checks SET due_at = now() WHERE article_id = %s", (edited,))
            assert wait_for(lambda: outcome(edited), 60, lambda: log.read_text()[-2000:]) == "changed"
        finally:
            worker.send_signal(signal.SIGTERM)
            assert worker.wait(timeout=30) == 0
    assert len(versions(database_url, edited)) == 2
    assert f"recheck {edited}: changed" in log.read_text()
    assert all(outcome(i) is None for i in ids.values() if i != edited)  # the others are not due yet
