"""Digests through the CLI and the service, as separate processes: a crash injected between the SMTP
send and its record, the failures `newswatch status` shows, preview, subscriber usage errors, and
the catch-up of a digest whose send time passed while the service was down."""

from __future__ import annotations

import json

import psycopg

from alerts.delivery import CRASH_HOOK
from tests.conftest import Cli, Mailbox

ANALYST = "analyst@example.org"


def an_election_article(database_url: str, title: str = "Turnout passes sixty percent in the election") -> None:
    """What a poll leaves behind: a keyword and a matched article stored an hour ago."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("INSERT INTO keywords (name, query) VALUES ('election', 'election') ON CONFLICT DO NOTHING")
        conn.execute(
            "WITH a AS (INSERT INTO articles (outlet, url, title, text, stored_at) VALUES"
            " ('Trend', 'https://en.trend.az/1001.html', %s, 'The election went on.', now() - interval '1 hour')"
            " RETURNING id)"
            " INSERT INTO article_keywords SELECT a.id, k.id FROM a, keywords k WHERE k.name = 'election'",
            (title,),
        )


def lease_expires(database_url: str) -> None:
    """What waiting out the five-minute lease of a dead sender does, without waiting."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("UPDATE digests SET claimed_until = now() - interval '1 second' WHERE status = 'pending'")


def test_a_crash_after_the_send_resends_once_with_the_same_message_id(
    cli: Cli, mailbox: Mailbox, database_url: str
) -> None:
    an_election_article(database_url)
    cli("subscribers", "add", ANALYST)
    smtp = {"NEWSWATCH_SMTP_URL": mailbox.url}

    cli("digest", "send", "--subscriber", ANALYST, expect=70, **smtp, **{CRASH_HOOK: "1"})
    assert len(mailbox.messages) == 1
    # another sender, while the dead one's lease runs: nothing
    assert "0 sent" in cli("digest", "send", "--subscriber", ANALYST, **smtp).stdout
    lease_expires(database_url)
    assert "1 sent" in cli("digest", "send", **smtp).stdout
    assert "0 sent" in cli("digest", "send", "--subscriber", ANALYST, **smtp).stdout
    lease_expires(database_url)
    assert "0 sent" in cli("digest", "send", **smtp).stdout

    first, again = mailbox.messages
    assert first["Message-ID"] == again["Message-ID"]
    assert first.as_bytes() == again.as_bytes()  # the stored message, byte for byte
    with psycopg.connect(database_url) as conn:
        assert conn.execute("SELECT status, attempts, crash_resends FROM digests").fetchall() == [("sent", 2, 1)]


def test_a_second_crash_is_not_followed_by_a_third_copy_and_status_says_why(
    cli: Cli, mailbox: Mailbox, database_url: str
) -> None:
    an_election_article(database_url)
    cli("subscribers", "add", ANALYST)
    smtp = {"NEWSWATCH_SMTP_URL": mailbox.url}
    cli("digest", "send", "--subscriber", ANALYST, expect=70, **smtp, **{CRASH_HOOK: "1"})
    lease_expires(database_url)
    cli("digest", "send", expect=70, **smtp, **{CRASH_HOOK: "1"})
    lease_expires(database_url)
    assert "1 failed" in cli("digest", "send", expect=1, **smtp).stdout
    assert len(mailbox.messages) == 2

    out = cli("status", COLUMNS="250").stdout  # the reason on one line
    assert "outbox: 0 pending, 0 sent, 1 failed" in out
    assert ANALYST in out and "stopped twice in the middle of sending" in out
    state = json.loads(cli("status", "--format", "json").stdout)
    (failure,) = state["failed_digests"]
    assert failure["email"] == ANALYST and "may have arrived already" in failure["last_error"]


def test_preview_prints_the_text_and_writes_the_html_without_sending(
    cli: Cli, mailbox: Mailbox, database_url: str
) -> None:
    an_election_article(database_url, title="Observers <b>praise</b> the election")
    cli("subscribers", "add", ANALYST, "--at", "07:30", "--tz", "Europe/Berlin")
    html = cli.home / "digest.html"
    out = cli("digest", "preview", "--subscriber", ANALYST, "--html", str(html), NEWSWATCH_SMTP_URL=mailbox.url)
    assert "1 story" in out.stdout and "Observers <b>praise</b> the election" in out.stdout
    assert "Observers &lt;b&gt;praise&lt;/b&gt; the election" in html.read_text()
    assert mailbox.messages == []
    with psycopg.connect(database_url) as conn:
        assert conn.execute("SELECT count(*) FROM digests").fetchone() == (0,)
    listed = cli("subscribers", "list").stdout
    assert "07:30 Europe/Berlin" in listed and "active" in listed


def test_a_malformed_address_or_unknown_zone_is_a_usage_error(cli: Cli) -> None:
    for args, message in (
        (["not-an-address"], "not an email address"),
        ([ANALYST, "--tz", "Mars/Olympus_Mons"], "unknown time zone"),
        ([ANALYST, "--at", "25:00"], "not a time of day"),
        ([ANALYST, "--keywords", "nonexistent"], "no keyword named 'nonexistent'"),
        ([ANALYST, "--lang", "english"], "not an ISO 639-1 language code"),
        ([ANALYST, "--lang", "xx"], "not an ISO 639-1 language code"),
    ):
        err = cli("subscribers", "add", *args, expect=2).stderr
        assert message in err and len(err.strip().splitlines()) == 1


def test_a_subscriber_may_name_the_language_they_read(cli: Cli) -> None:
    out = cli("subscribers", "add", ANALYST, "--lang", "RU").stdout
    assert out.strip() == f"subscribed {ANALYST}: daily at 08:00 Asia/Baku, keywords: all, headlines in ru"
    cli("subscribers", "add", "other@example.org")
    listed = cli("subscribers", "list").stdout.splitlines()
    assert listed[0].split()[:4] == ["EMAIL", "KEYWORDS", "AT", "LANG"]
    (mine,) = (line for line in listed if line.startswith(ANALYST))
    (theirs,) = (line for line in listed if line.startswith("other@"))
    assert mine.split()[4] == "ru" and theirs.split()[4] != "ru"  # no language: the original's headline


def test_the_service_catches_up_a_digest_missed_while_it_was_down(
    cli: Cli, mailbox: Mailbox, database_url: str
) -> None:
    from tests.e2e.survival import Worker, a_due_subscriber, wait_for

    a_due_subscriber(cli, database_url)
    with Worker(cli, "run", NEWSWATCH_SMTP_URL=mailbox.url) as worker:
        wait_for(lambda: mailbox.messages, 60, lambda: worker.log.read_text())
        assert len(mailbox.messages) == 1, worker.log.read_text()
        assert worker.terminate()[0] == 0
    assert mailbox.messages[0]["To"] == ANALYST
    assert len(mailbox.messages) == 1
