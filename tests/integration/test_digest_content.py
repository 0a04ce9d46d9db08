"""What a digest holds and how it looks, received from a real SMTP server on loopback."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
from psycopg_pool import AsyncConnectionPool

from alerts import delivery
from tests.integration.digest_world import (
    ANALYST,
    BEFORE,
    DAY1,
    Smtp,
    article,
    election_watch,
    keyword,
    run,
    settings,
    subscriber,
)

TURNOUT = "Turnout passes sixty percent as Azerbaijan votes in snap presidential election"


@pytest.fixture
def smtp() -> Iterator[Smtp]:
    server = Smtp()
    server.start()
    yield server
    server.stop()


def test_message_structure_headers_and_html_for_mail_clients(database_url: str, tmp_path: Path, smtp: Smtp) -> None:
    cfg = settings(database_url, tmp_path, smtp.url, base_url="https://news.example.org/")

    async def scenario(pool: AsyncConnectionPool) -> delivery.SendResult:
        await election_watch(pool)
        async with pool.connection() as conn:
            await article(
                conn,
                outlet="Trend",
                url="https://en.trend.az/azerbaijan/politics/1001.html",
                title=TURNOUT,
                text="Voters turned out in numbers for the snap presidential election on Wednesday.",
                stored_at=DAY1 - timedelta(hours=3),
                keywords=["election"],
            )
        assert await delivery.prepare_due(pool, cfg, DAY1) == 1
        return await delivery.send_pending(pool, cfg)

    assert run(database_url, scenario).sent == 1
    assert len(smtp.messages) == 1
    msg = smtp.messages[0]
    assert msg.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
    # NEWSWATCH_MAIL_FROM gives the address; the digest names its sender
    assert msg["From"] == "Newswatch digest <digest@newswatch.example>" and msg["To"] == ANALYST
    assert parsedate_to_datetime(msg["Date"]) == DAY1.replace(second=0)
    assert re.fullmatch(r"<digest\.[0-9a-f]{24}@newswatch\.example>", msg["Message-ID"])
    assert msg["Subject"].startswith("Newswatch digest, Wed 7 Feb 2024: 1 story: ")  # then its headline
    link = msg["List-Unsubscribe"].strip()  # a long header comes folded
    unsubscribe = re.fullmatch(r"<(https://news\.example\.org/unsubscribe/\d+\.[\w-]+)>", link)
    assert unsubscribe, msg["List-Unsubscribe"]
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    text = msg.get_body(("plain",)).get_content()
    assert f"1. {TURNOUT[:60]}" in text
    assert "*election*" in text  # the matched word, marked
    assert "first seen 7 Feb 04:05 +04" not in text and "first seen 7 Feb 05:05 +04" in text  # Baku time
    assert "election: 1" in text
    assert unsubscribe.group(1) in text

    html = msg.get_body(("html",)).get_content()
    assert 'width="600"' in html and "max-width: 600px" in html
    assert "<table" in html and "<img" not in html and "<link" not in html
    # every rule inlined; only the phone-size @media rules stay in a <style> block
    styles = re.findall(r"<style>(.*?)</style>", html, re.S)
    assert styles and all(s.strip().startswith("@media") for s in styles)
    assert re.search(r'<td class="story" style="[^"]*padding: 14px 20px', html)
    assert re.search(r'<span class="hit" style="[^"]*">election</span>', html)
    assert f'href="{unsubscribe.group(1)}"' in html


def test_one_story_from_two_outlets_appears_once_with_both(database_url: str, tmp_path: Path, smtp: Smtp) -> None:
    cfg = settings(database_url, tmp_path, smtp.url)

    async def scenario(pool: AsyncConnectionPool) -> None:
        await election_watch(pool)
        async with pool.connection() as conn:
            first = await article(
                conn,
                outlet="Trend",
                url="https://en.trend.az/azerbaijan/politics/1001.html",
                title="Turnout passes sixty percent",
                text="Turnout in the election passed sixty percent by noon.",
                stored_at=DAY1 - timedelta(hours=5),
                keywords=["election"],
            )
            await conn.execute("UPDATE articles SET story_id = %s WHERE id = %s", (first, first))
            await article(  # the same event in other words: same story, its own (longer) headline not shown
                conn,
                outlet="APA",
                url="https://apa.az/en/politics/turnout-2002",
                title=TURNOUT,
                text="More than sixty percent of voters cast a ballot in the election, observers said.",
                stored_at=DAY1 - timedelta(hours=4),
                keywords=["election", "observers"],
                story_id=first,
            )
            await article(  # a word-for-word copy elsewhere: listed as an outlet, never its own entry
                conn,
                outlet="MENAFN",
                url="https://menafn.com/1107000001/turnout",
                title="(MENAFN- Trend News Agency) Turnout passes sixty percent",
                text="Turnout in the election passed sixty percent by noon.",
                stored_at=DAY1 - timedelta(hours=3),
                keywords=["election"],
                duplicate_of=first,
                story_id=first,  # a copy joins the story of what it copies
            )
            await article(
                conn,
                outlet="Report",
                url="https://report.az/en/other-story",
                title="Observers present preliminary findings",
                text="International observers presented their preliminary findings on the election.",
                stored_at=DAY1 - timedelta(hours=2),
                keywords=["election", "observers"],
            )
        await delivery.prepare_due(pool, cfg, DAY1)
        await delivery.send_pending(pool, cfg)

    run(database_url, scenario)
    (msg,) = smtp.messages
    assert "2 stories" in msg["Subject"]
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    for body in (text, html):
        assert body.count("sixty percent") == 2  # the headline once, the snippet once
        assert body.count("Observers present preliminary findings") == 1
        assert "MENAFN- Trend" not in body
        # the story three outlets carried comes first
        assert body.index("Turnout passes sixty percent") < body.index("Observers present")
    # the original's headline, though APA's is longer
    assert "1. Turnout passes sixty percent\r\n" in text and TURNOUT not in " ".join(text.split())
    assert "3 outlets" in text and "First published by Trend:" in text
    for url in (
        "https://en.trend.az/azerbaijan/politics/1001.html",
        "https://apa.az/en/politics/turnout-2002",
        "https://menafn.com/1107000001/turnout",
    ):
        assert f'href="{url}"' in html
    assert "election: 2" in text and "observers: 2" in text  # stories per keyword


def test_seed_republication_and_duplicates_are_absent(database_url: str, tmp_path: Path, smtp: Smtp) -> None:
    cfg = settings(database_url, tmp_path, smtp.url)

    async def scenario(pool: AsyncConnectionPool) -> None:
        await election_watch(pool)
        async with pool.connection() as conn:
            seed = await article(
                conn,
                outlet="Trend",
                url="https://en.trend.az/world/sco-observers-3857924.html",
                title="SCO observers praise the election",
                text="SCO observers said the election was held in line with the law.",
                stored_at=DAY1 - timedelta(days=30),
                keywords=["election", "observers"],
                is_seed=True,
            )
            await article(
                conn,
                outlet="Azernews",
                url="https://www.azernews.az/nation/sco-copy.html",
                title="SCO observers: election held in line with the law",
                text="SCO observers said the election was held in line with the law.",
                stored_at=DAY1 - timedelta(hours=3),
                keywords=["election", "observers"],
                duplicate_of=seed,
                seed_duplicate=True,
            )
            original = await article(
                conn,
                outlet="News.az",
                url="https://news.az/news/cec-results",
                title="CEC announces preliminary results of the election",
                text="The Central Election Commission announced preliminary results.",
                stored_at=DAY1 - timedelta(hours=2),
                keywords=["election"],
            )
            await article(  # the same page under a second path
                conn,
                outlet="News.az",
                url="https://news.az/index.php/news/cec-results",
                title="CEC announces preliminary results of the election",
                text="The Central Election Commission announced preliminary results.",
                stored_at=DAY1 - timedelta(hours=1),
                keywords=["election"],
                duplicate_of=original,
            )
        await delivery.prepare_due(pool, cfg, DAY1)
        await delivery.send_pending(pool, cfg)

    run(database_url, scenario)
    (msg,) = smtp.messages
    assert "1 story" in msg["Subject"]
    for part in msg.iter_parts():
        body = part.get_content()
        assert "SCO" not in body and "azernews" not in body.lower()
        assert body.count("CEC announces preliminary results") == 1
        assert "index.php" not in body


def test_two_days_day_two_holds_only_day_two_articles(database_url: str, tmp_path: Path, smtp: Smtp) -> None:
    cfg = settings(database_url, tmp_path, smtp.url)
    day2 = DAY1 + timedelta(days=1)

    async def scenario(pool: AsyncConnectionPool) -> None:
        await election_watch(pool)
        async with pool.connection() as conn:
            for n, hours in ((1, 10), (2, 3)):
                await article(
                    conn,
                    outlet="Trend",
                    url=f"https://en.trend.az/day1-{n}.html",
                    title=f"Day one report {n} on the election",
                    text="The election campaign closed.",
                    stored_at=DAY1 - timedelta(hours=hours),
                    keywords=["election"],
                )
        await delivery.prepare_due(pool, cfg, DAY1)
        await delivery.send_pending(pool, cfg)
        async with pool.connection() as conn:
            await article(  # stored after the first digest was written, still on day one
                conn,
                outlet="APA",
                url="https://apa.az/day1-late",
                title="Late day one report on the election",
                text="Polls closed at seven in the election.",
                stored_at=DAY1 + timedelta(hours=6),
                keywords=["election"],
            )
            await article(
                conn,
                outlet="APA",
                url="https://apa.az/day2",
                title="Day two report on the election",
                text="Counting continued after the election.",
                stored_at=day2 - timedelta(hours=2),
                keywords=["election"],
            )
        assert await delivery.prepare_due(pool, cfg, day2 - timedelta(hours=1)) == 0  # not yet 08:00 on day two
        assert await delivery.prepare_due(pool, cfg, day2) == 1
        assert await delivery.prepare_due(pool, cfg, day2 + timedelta(hours=1)) == 0  # once a day
        await delivery.send_pending(pool, cfg)

    run(database_url, scenario)
    first, second = smtp.messages
    assert "Wed 7 Feb 2024: 2 stories" in first["Subject"]
    assert "Thu 8 Feb 2024: 2 stories" in second["Subject"]
    one, two = (m.get_body(("plain",)).get_content() for m in (first, second))
    assert "Day one report 1" in one and "Day one report 2" in one and "Day two" not in one
    assert "Day one report" not in two
    assert "Late day one report" in two and "Day two report" in two
    assert first["Message-ID"] != second["Message-ID"]


def test_html_in_a_title_arrives_escaped(database_url: str, tmp_path: Path, smtp: Smtp) -> None:
    cfg = settings(database_url, tmp_path, smtp.url)
    evil = '<script>alert("x")</script><img src="http://evil.example/t.png"> Election "fraud" & more'

    async def scenario(pool: AsyncConnectionPool) -> None:
        await election_watch(pool)
        async with pool.connection() as conn:
            await article(
                conn,
                outlet='<b onmouseover="x()">Outlet</b>',
                url="javascript:alert(1)",
                title=evil,
                text="<iframe src=//evil.example></iframe> The election <b>was</b> held.",
                stored_at=DAY1 - timedelta(hours=1),
                keywords=["election"],
            )
        await delivery.prepare_due(pool, cfg, DAY1)
        await delivery.send_pending(pool, cfg)

    run(database_url, scenario)
    (msg,) = smtp.messages
    html = msg.get_body(("html",)).get_content()
    for raw in ("<script", "<img", "<iframe", "<b>", "<b ", "javascript:"):
        assert raw not in html
    # text shown as text, escaped by Jinja (quotes too: the same escape serves attribute values)
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "&lt;b onmouseover=&#34;x()&#34;&gt;Outlet&lt;/b&gt;" in html
    assert "&amp; more" in html
    plain = " ".join(msg.get_body(("plain",)).get_content().split())
    assert evil in plain  # plain text shows it as it was written


def test_an_empty_day_sends_nothing_unless_asked(database_url: str, tmp_path: Path, smtp: Smtp) -> None:
    cfg = settings(database_url, tmp_path, smtp.url)

    async def scenario(pool: AsyncConnectionPool) -> int:
        async with pool.connection() as conn:
            await keyword(conn, "election", "election")
            await subscriber(conn, ANALYST, created_at=BEFORE)
            await subscriber(conn, "everyday@example.org", created_at=BEFORE, send_empty=True)
        prepared = await delivery.prepare_due(pool, cfg, DAY1)
        await delivery.send_pending(pool, cfg)
        return prepared

    assert run(database_url, scenario) == 1
    (msg,) = smtp.messages
    assert msg["To"] == "everyday@example.org"
    assert msg["Subject"] == "Newswatch digest, Wed 7 Feb 2024: nothing new"
    assert "Nothing new matched your keywords" in msg.get_body(("plain",)).get_content()
