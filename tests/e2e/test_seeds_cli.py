"""Seeds through the CLI, on the fixture site (tests/site/www/seeds): a Caspian Courier article about
the CIS observer mission (142 words, published 2024-02-05 10:00 UTC) and three copies of it, polled
before it becomes a seed: Regional Wire (its own two-word prefix, 13:30), Baku Daily (the last
paragraph of 25 words cut, a 6-word sign-off added, the next day at 08:00) and Early Bird (the same
text, dated an hour before the Courier)."""

from __future__ import annotations

import csv
import io
import json
import socket
from pathlib import Path

import psycopg
from warcio.archiveiterator import ArchiveIterator

from tests.conftest import Cli, Mailbox
from tests.site.server import Site

ANALYST = "analyst@example.org"
SEED_PAGE = "/seeds/courier-cis-mission-7101.html"
TITLE = "CIS observer mission arrives in Baku for the snap presidential election"


def jsonl(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def articles(database_url: str) -> int:
    with psycopg.connect(database_url) as conn:
        row = conn.execute("SELECT count(*) FROM articles").fetchone()
    assert row is not None
    return int(row[0])


OUTLETS = {"Regional Wire": "wire", "Baku Daily": "bakudaily", "Early Bird": "earlybird"}


def polled_copies(cli: Cli, site: Site) -> None:
    cli("init")
    cli("seeds", "remove", "1")  # the built-in seed: this watch is about another event
    cli("subscribers", "add", ANALYST)
    for name, feed in OUTLETS.items():
        cli("sources", "add", name, site.url(f"/seeds/{feed}.rss"), "--lang", "en")
    out = cli("poll", *OUTLETS).stdout
    assert all(f"{name}: fetched 1, " in out for name in OUTLETS) and "errors 1" not in out
    stored = {a["source"]: a for a in jsonl(cli("search", "--include-duplicates", "--format", "jsonl").stdout)}
    early = stored["Early Bird"]  # the earliest published is the original, whatever the order of the poll
    assert early["duplicate_of"] is None
    assert stored["Regional Wire"]["duplicate_of"] == stored["Baku Daily"]["duplicate_of"] == early["id"]


def test_a_seed_from_a_url_takes_the_stored_copies_out_of_the_next_digest_and_shows_its_record(
    cli: Cli, site: Site, tmp_path: Path
) -> None:
    polled_copies(cli, site)
    before = cli("digest", "preview", "--subscriber", ANALYST).stdout
    assert "CIS observer mission" in before  # news until it is known to be a copy of what was read

    out = cli("seeds", "add", site.url(SEED_PAGE), "--outlet", "Caspian Courier").stdout.splitlines()
    seed_id = int(out[0])  # the new seed's id, on its own line
    assert out[1].startswith("3 stored article(s) already reproduce it")

    listed = jsonl(cli("seeds", "list", "--format", "jsonl").stdout)
    assert listed == [
        {
            "id": seed_id,
            "title": TITLE,
            "outlet": "Caspian Courier",
            "published_at": "2024-02-05T10:00:00+00:00",
            "lang": "en",
            "url": site.url(SEED_PAGE),
            "copies": 3,
        }
    ]
    preview = cli("digest", "preview", "--subscriber", ANALYST)
    assert "CIS observer mission" not in preview.stdout

    # the page was fetched like any article: its exchange is kept as WARC records
    warc = tmp_path / "seed.warc.gz"
    cli("evidence", "export", str(seed_id), "--warc", str(warc))
    with warc.open("rb") as f:
        kept = [
            (r.rec_type, r.rec_headers.get_header("WARC-Target-URI")) for r in ArchiveIterator(f, check_digests=True)
        ]
    assert ("response", site.url(SEED_PAGE)) in kept and ("request", site.url(SEED_PAGE)) in kept

    everything = jsonl(cli("search", "--include-duplicates", "--format", "jsonl").stdout)
    by_url = {a["url"].rsplit("/", 1)[1]: a for a in everything}
    for page in ("wire-cis-mission-8101.html", "bakudaily-cis-mission-8102.html", "earlybird-cis-mission-8103.html"):
        assert by_url[page]["duplicate_of"] == seed_id and by_url[page]["seed_duplicate"] is True

    # The record, earliest published first. By hand: Early Bird is the text itself, an hour early
    # (-3600 s, flagged); Regional Wire adds "(Regional Wire)" at 13:30 (+12,600 s), the seed's every
    # 5-word shingle is in it (similarity 1); Baku Daily, 22 h later (+79,200 s), keeps 117 words and
    # adds 6: 113 of its 119 shingles are the seed's (117 - 4 shared, 6 - 4 + 4 across the cut and
    # sign-off new), 113/119 = 0.9496; it cut 25 words and added 6.
    rows = jsonl(cli("seeds", "show", str(seed_id), "--format", "jsonl").stdout)
    expected = [
        ("earlybird-cis-mission-8103.html", -3600, 1.0, 0, 0),
        ("wire-cis-mission-8101.html", 12600, 1.0, 2, 0),
        ("bakudaily-cis-mission-8102.html", 79200, 0.9496, 6, 25),
    ]
    assert [
        (r["url"].rsplit("/", 1)[1], r["delay_s"], r["similarity"], r["added_words"], r["removed_words"]) for r in rows
    ] == expected
    assert [r["outlet"] for r in rows] == ["Early Bird", "Regional Wire", "Baku Daily"]
    assert rows[0]["flags"] == ["dated before the seed"]
    assert rows[1]["flags"] == [] and rows[2]["flags"] == []
    assert {"article_id", "outlet", "url", "published_at", "first_seen"} <= set(rows[0])

    table = cli("seeds", "show", str(seed_id)).stdout
    assert "3 copies" in table.splitlines()[0]
    assert "1 h before" in table and "3 h 30 min after" in table and "22 h after" in table
    assert "dated before the seed" in table

    exported = list(csv.DictReader(io.StringIO(cli("seeds", "show", str(seed_id), "--format", "csv").stdout)))
    assert [(r["delay_s"], r["similarity"], r["added_words"], r["removed_words"]) for r in exported] == [
        (str(d), str(s), str(a), str(r)) for _, d, s, a, r in expected
    ]
    assert list(exported[0])[:9] == [
        "article_id",
        "outlet",
        "url",
        "published_at",
        "first_seen",
        "delay_s",
        "similarity",
        "added_words",
        "removed_words",
    ]

    # removed: ordinary articles again, decided anew: Early Bird (earliest published) the original
    cli("seeds", "remove", str(seed_id))
    assert jsonl(cli("seeds", "list", "--format", "jsonl").stdout) == []
    everything = {
        a["url"].rsplit("/", 1)[1]: a for a in jsonl(cli("search", "--include-duplicates", "--format", "jsonl").stdout)
    }
    early = everything["earlybird-cis-mission-8103.html"]
    assert early["duplicate_of"] is None
    assert everything["wire-cis-mission-8101.html"]["duplicate_of"] == early["id"]
    assert everything["bakudaily-cis-mission-8102.html"]["duplicate_of"] == early["id"]
    assert not any(a["seed_duplicate"] for a in everything.values())
    assert "CIS observer mission" in cli("digest", "preview", "--subscriber", ANALYST).stdout


def test_a_seed_from_a_file_with_a_date_line(cli: Cli, site: Site, tmp_path: Path) -> None:
    polled_copies(cli, site)
    text = (Path(__file__).parent.parent / "site" / "www" / "seeds" / "courier-cis-mission-7101.html").read_text()
    paragraphs = [p.split("</p>")[0] for p in text.split("<p>")[1:] if "Copyright" not in p]
    file = tmp_path / "courier.txt"
    file.write_text("date 2024-02-05\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")

    out = cli("seeds", "add", str(file), "--outlet", "Caspian Courier", "--title", TITLE).stdout.splitlines()
    seed_id = int(out[0])
    assert out[1].startswith("3 stored article(s)")
    [seed] = jsonl(cli("seeds", "list", "--format", "jsonl").stdout)
    assert seed["id"] == seed_id and seed["url"] is None
    assert seed["published_at"] == "2024-02-05T00:00:00+00:00" and seed["lang"] == "en"
    rows = jsonl(cli("seeds", "show", str(seed_id), "--format", "jsonl").stdout)
    assert [r["delay_s"] for r in rows] == [32400, 48600, 115200]  # from midnight: 9 h, 13 h 30, 32 h

    again = cli("seeds", "add", str(file), "--outlet", "Caspian Courier", "--title", TITLE, expect=2)
    assert "already a seed" in again.stderr

    no_outlet = cli("seeds", "add", str(file), expect=2)
    assert "--outlet" in no_outlet.stderr


def test_what_is_no_seed_is_refused_and_nothing_is_stored(
    cli: Cli, site: Site, database_url: str, tmp_path: Path
) -> None:
    cli("init")
    stored = articles(database_url)
    missing = cli("seeds", "add", site.url("/seeds/no-such-page.html"), "--outlet", "X", expect=2)
    assert "HTTP 404" in missing.stderr and missing.stderr.count("\n") == 1
    empty = cli(
        "seeds", "add", site.url("/seeds/empty-7102.html"), "--outlet", "X", "--published", "2024-02-05", expect=2
    )
    assert "holds no text" in empty.stderr
    for url in ("ftp://127.0.0.1/seed.txt", "file:///etc/passwd", "javascript://alert(1)"):
        refused = cli("seeds", "add", url, "--outlet", "X", expect=2)
        assert "not an http(s) URL" in refused.stderr
    short = tmp_path / "short.txt"
    short.write_text("date 2024-02-05\nThe mission arrived.\n", encoding="utf-8")
    assert "too short" in cli("seeds", "add", str(short), "--outlet", "X", expect=2).stderr
    assert "cannot read" in cli("seeds", "add", str(tmp_path / "absent.txt"), "--outlet", "X", expect=2).stderr
    assert articles(database_url) == stored
    assert "no seed 999" in cli("seeds", "show", "999", expect=2).stderr
    assert "no seed 999" in cli("seeds", "remove", "999", expect=2).stderr


def test_a_subscriber_with_seed_copies_is_told_of_new_republications_once_never_as_stories(
    cli: Cli, site: Site, mailbox: Mailbox
) -> None:
    polled_copies(cli, site)
    cli("subscribers", "add", "copies@example.org", "--seed-copies")
    seed_id = int(cli("seeds", "add", site.url(SEED_PAGE), "--outlet", "Caspian Courier").stdout.splitlines()[0])
    cli("sources", "add", "Caspian Echo", site.url("/seeds/echo.rss"), "--lang", "en")
    assert "Caspian Echo: fetched 1, new 0, duplicates 1, errors 0" in cli("poll", "Caspian Echo").stdout

    preview = cli("digest", "preview", "--subscriber", "copies@example.org").stdout
    assert preview.splitlines()[0].endswith(": 4 republications of your seeds")  # nothing else new
    section = preview.split("Republications of your seeds", 1)[1]
    # all four copies were first seen since the subscriber's first digest window opened; the three
    # polled before the seed was added are copies too, and listed with the new one
    assert section.count("* ") == 4 and "Caspian Echo" in section
    assert f"/seeds/{seed_id}/copies/" in section and "2 d 2 h after" in section  # 7 Feb 12:00 after 5 Feb 10:00
    assert "1. " not in preview  # never as a story
    assert "Republications" not in cli("digest", "preview", "--subscriber", ANALYST).stdout  # who did not ask

    cli("digest", "send", "--subscriber", "copies@example.org", NEWSWATCH_SMTP_URL=mailbox.url)
    [sent] = mailbox.messages
    assert "Caspian Echo" in sent.get_body(preferencelist=("plain",)).get_content()
    again = cli("digest", "preview", "--subscriber", "copies@example.org")
    assert "Republications of your seeds" not in again.stdout  # told once


def test_a_digest_written_but_not_sent_is_withdrawn_and_written_again_without_the_copies(
    cli: Cli, site: Site, database_url: str
) -> None:
    polled_copies(cli, site)
    with socket.socket() as s:  # a mail server that is not there: the digest waits in the outbox
        s.bind(("127.0.0.1", 0))
        down = f"smtp://127.0.0.1:{s.getsockname()[1]}"
    cli("digest", "send", "--subscriber", ANALYST, NEWSWATCH_SMTP_URL=down)
    with psycopg.connect(database_url) as conn:
        [(digest_id, status, items)] = conn.execute(
            "SELECT d.id, d.status, count(i.article_id) FROM digests d"
            " LEFT JOIN digest_items i ON i.digest_id = d.id GROUP BY d.id"
        ).fetchall()
    assert status == "pending" and items == 1  # the story, told by its original (Early Bird)

    cli("seeds", "add", site.url(SEED_PAGE), "--outlet", "Caspian Courier")
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT d.id, d.status, d.last_error, count(i.article_id) FROM digests d"
            " LEFT JOIN digest_items i ON i.digest_id = d.id GROUP BY d.id ORDER BY d.id"
        ).fetchall()
    assert rows[0][:2] == (digest_id, "cancelled") and "withdrawn before it was sent" in rows[0][2]
    assert rows[0][3] == 0
    assert len(rows) == 1  # written again without the copies: nothing was left to tell that day


def test_copies_freed_after_a_digest_come_in_the_next_if_still_news(cli: Cli, site: Site, mailbox: Mailbox) -> None:
    polled_copies(cli, site)
    cli("subscribers", "add", "late@example.org", "--empty")
    seed_id = int(cli("seeds", "add", site.url(SEED_PAGE), "--outlet", "Caspian Courier").stdout.splitlines()[0])
    cli("digest", "send", "--subscriber", "late@example.org", NEWSWATCH_SMTP_URL=mailbox.url)
    assert "nothing new" in mailbox.messages[0]["Subject"]  # the copies were held back

    cli("seeds", "remove", str(seed_id))
    # stored before that digest, freed after it: the next digest takes them up, as news counted
    # from when they were freed (the fixture pages are of February 2024: news only with a wide span)
    assert "CIS observer mission" in cli("digest", "preview", "--subscriber", "late@example.org").stdout
    narrow = cli("digest", "preview", "--subscriber", "late@example.org", NEWSWATCH_NEW_WITHIN="3d")
    assert "CIS observer mission" not in narrow.stdout
