"""The whole Newswatch loop through the CLI, on real parts: the fixture site over HTTP, PostgreSQL,
and an SMTP server on loopback."""

from __future__ import annotations

import json
from email import message_from_bytes, policy

import psycopg

from tests.conftest import Cli, Mailbox
from tests.site.server import Site

ANALYST = "analyst@example.org"


def jsonl(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_init_poll_search_and_digest_sent_once(cli: Cli, site: Site, mailbox: Mailbox, database_url: str) -> None:
    cli("init")
    cli("sources", "add", "Courier", site.url("/feed.rss"), "--lang", "en")

    out = cli("poll", "Courier").stdout
    assert "Courier: fetched 3, new 3, duplicates 0, errors 0" in out
    assert site.hits["/private/secret.html"] == 0
    assert not any("javascript" in path for path in site.hits)

    found = jsonl(cli("search", "--format", "jsonl").stdout)
    by_title = {a["title"]: a for a in found}
    turnout = by_title["Turnout passes sixty percent as Azerbaijan votes in snap presidential election"]
    assert "twenty six polling stations" in turnout["text"]
    assert "cookies" not in turnout["text"] and "Most read" not in turnout["text"]  # boilerplate gone
    assert turnout["url"] == site.url("/news/turnout-passes-sixty-percent-1001.html")  # utm_* removed
    assert turnout["lang"] == "en"
    assert turnout["published_at"].startswith("2024-02-07T12:30:00")
    assert turnout["keywords"] == ["cec", "election"]
    assert set(turnout) >= {
        "id",
        "url",
        "title",
        "source",
        "lang",
        "published_at",
        "fetched_at",
        "keywords",
        "duplicate_of",
        "seed_duplicate",
        "story_id",
        "snippet",
        "text",
    }
    seed = [a for a in found if a["source"] == "Trend"]
    assert len(seed) == 1 and "Panahov" in seed[0]["text"] and not seed[0]["text"].startswith("date")

    cli("subscribers", "add", ANALYST, "--keywords", "election,observers")
    out = cli("digest", "send", "--subscriber", ANALYST, NEWSWATCH_SMTP_URL=mailbox.url).stdout
    assert "1 sent" in out
    assert len(mailbox.messages) == 1
    msg = mailbox.messages[0]
    assert msg.get_content_type() == "multipart/alternative"
    assert msg["To"] == ANALYST and msg["Message-ID"]
    parts = {p.get_content_type(): p.get_content() for p in msg.iter_parts()}
    assert set(parts) == {"text/plain", "text/html"}
    for body in parts.values():
        assert "Turnout passes sixty percent" in body
        assert "International observers present preliminary findings" in body
        assert "Qarabag" not in body  # matches no keyword
        assert "SCO" not in body  # the seed article is known, never news
    assert "2 stories" in msg["Subject"]

    out = cli("digest", "send", "--subscriber", ANALYST, NEWSWATCH_SMTP_URL=mailbox.url).stdout
    assert "0 sent" in out
    assert len(mailbox.messages) == 1

    with psycopg.connect(database_url) as conn:
        sent = conn.execute("SELECT status, message_id FROM digests").fetchall()
    assert sent == [("sent", msg["Message-ID"])]


def test_second_poll_is_conditional_and_stores_nothing_twice(cli: Cli, site: Site) -> None:
    cli("init")
    cli("sources", "add", "Courier", site.url("/feed.rss"))
    cli("poll")
    site.requests.clear()
    out = cli("poll", "Courier").stdout
    assert "Courier: fetched 0, new 0, duplicates 0, errors 0" in out
    feed_requests = [headers for path, headers in site.requests if path == "/feed.rss"]
    assert len(feed_requests) == 1 and feed_requests[0].get("If-None-Match")
    assert not [p for p, _ in site.requests if p.endswith(".html")]
    found = jsonl(cli("search", "--format", "jsonl", "--source", "Courier").stdout)
    assert len(found) == 3


def test_without_smtp_the_digest_lands_in_the_outbox(cli: Cli, site: Site) -> None:
    cli("init")
    cli("sources", "add", "Courier", site.url("/feed.rss"))
    cli("poll")
    cli("subscribers", "add", ANALYST)
    cli("digest", "send", "--subscriber", ANALYST)
    cli("digest", "send", "--subscriber", ANALYST)
    outbox = list((cli.home / "outbox").glob("*.eml"))
    assert len(outbox) == 1
    msg = message_from_bytes(outbox[0].read_bytes(), policy=policy.default)
    assert msg.get_content_type() == "multipart/alternative"
    assert "Turnout passes sixty percent" in msg.get_body(("plain",)).get_content()


def test_an_unreachable_source_is_recorded_and_the_others_polled(cli: Cli, site: Site, database_url: str) -> None:
    cli("init")
    cli("sources", "add", "Courier", site.url("/feed.rss"))
    cli("sources", "add", "Gone", "http://127.0.0.1:9/feed.rss", "--no-check")  # failing on purpose
    out = cli("poll", "Courier", "Gone").stdout
    assert "Courier: fetched 3, new 3" in out
    assert "Gone: fetched 0, new 0, duplicates 0, errors 1" in out
    with psycopg.connect(database_url) as conn:
        row = conn.execute(
            "SELECT last_error, consecutive_failures, next_poll_at > now() FROM sources WHERE name = 'Gone'"
        ).fetchone()
    assert row is not None
    assert "refused" in row[0].lower() and row[1] == 1 and row[2]
    status = json.loads(cli("status", "--format", "json").stdout)
    gone = next(s for s in status["sources"] if s["name"] == "Gone")
    assert gone["last_error"] == row[0]
