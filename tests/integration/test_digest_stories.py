"""A digest tells each story once, credited to its first publisher, with every outlet and language
that carried it, and the headline in the subscriber's language when the story has one. Over the
stories of tests/stories_world.py, received from a real SMTP server on loopback."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from psycopg_pool import AsyncConnectionPool

from alerts import delivery
from tests import stories_world
from tests.integration.digest_world import BEFORE, DAY1, Smtp, run, settings, subscriber

ORIGINAL = "https://en.trend.az/azerbaijan/politics/3858100.html"
COPY = "https://apa.az/en/politics/osce-mission-831001"
REPORT = "https://report.az/ru/vnutrennyaya-politika/missiya-obse-831002"


@pytest.fixture
def smtp() -> Iterator[Smtp]:
    server = Smtp()
    server.start()
    yield server
    server.stop()


def parts(msg: EmailMessage) -> tuple[str, str]:
    return msg.get_body(("plain",)).get_content(), msg.get_body(("html",)).get_content()


def by_recipient(smtp: Smtp) -> dict[str, tuple[str, str, str]]:
    return {m["To"]: (m["Subject"], *parts(m)) for m in smtp.messages}


def test_a_story_of_three_outlets_in_two_languages_leads_with_its_original_stored_last(
    database_url: str, tmp_path: Path, smtp: Smtp
) -> None:
    cfg = settings(database_url, tmp_path, smtp.url)

    async def scenario(pool: AsyncConnectionPool) -> None:
        async with pool.connection() as conn:
            await stories_world.load(conn)
            await subscriber(conn, "analyst@example.org", created_at=BEFORE)
            await subscriber(conn, "oleg@example.org", created_at=BEFORE, lang="ru")
            await subscriber(conn, "aysel@example.org", created_at=BEFORE, lang="az")
        assert await delivery.prepare_due(pool, cfg, DAY1) == 3
        await delivery.send_pending(pool, cfg)

    run(database_url, scenario)
    got = by_recipient(smtp)
    subject, text, html = got["analyst@example.org"]
    # one story: the mission (the seed's story only reproduces a seed; the others are not new)
    assert subject.startswith("Newswatch digest, Wed 7 Feb 2024: 1 story: ")  # then the headline
    assert "1. " + stories_world.MISSION_EN + "\r\n" in text
    assert "3 outlets" in text
    lines = [line.strip() for line in text.splitlines()]
    start = lines.index("First published by Trend; in English and Russian:")
    assert lines[start + 1 : start + 4] == [
        f"- Trend (en, original): {ORIGINAL}",
        f"- APA (en, copy of Trend): {COPY}",
        f"- Report (ru): {REPORT}",
    ]
    for body in (text, html):
        assert body.count(stories_world.MISSION_EN) == 1
        assert stories_world.MISSION_COPY not in body and stories_world.MISSION_RU not in body
        assert "SCO" not in body and "Azernews" not in body
    outlets = re.search(r'<p class="outlets"[^>]*>(.*?)</p>', html, re.S)
    assert outlets
    said = " ".join(re.sub(r"<[^>]+>", "", outlets.group(1)).split())
    assert said == "3 outlets: Trend (en, original), APA (en, copy of Trend), Report (ru)"
    assert outlets.group(1).index(ORIGINAL) < outlets.group(1).index(COPY) < outlets.group(1).index(REPORT)
    assert re.search(r"First published by <strong[^>]*>Trend</strong> (·|&middot;) in English and Russian", html)
    assert f'<a href="{ORIGINAL}"' in html.split('class="snippet"')[0]  # the headline links to the original

    # a reader of Russian gets the story's Russian headline, linked to it, with a Russian snippet
    subject, text, html = got["oleg@example.org"]
    assert subject.startswith("Newswatch digest, Wed 7 Feb 2024: 1 story: ")  # then the headline
    assert "1. " + stories_world.MISSION_RU in text and stories_world.MISSION_EN not in text
    assert "*наблюдатели*" in text and "First published by Trend; in English and Russian:" in text
    # the headline is an h3: the h2 above it is its keyword's section
    assert re.search(rf'<h3[^>]*><a href="{REPORT}"[^>]*>{stories_world.MISSION_RU}</a>', html)
    # no article of the story in Azerbaijani: the original's headline
    subject, text, html = got["aysel@example.org"]
    assert "1. " + stories_world.MISSION_EN in text


def test_a_story_told_is_not_told_again_when_another_article_of_it_arrives(
    database_url: str, tmp_path: Path, smtp: Smtp
) -> None:
    cfg = settings(database_url, tmp_path, smtp.url)
    day2 = DAY1 + timedelta(days=1)

    async def scenario(pool: AsyncConnectionPool) -> None:
        async with pool.connection() as conn:
            ids = await stories_world.load(conn)
            await subscriber(conn, "analyst@example.org", created_at=BEFORE)
        assert await delivery.prepare_due(pool, cfg, DAY1) == 1
        async with pool.connection() as conn:
            # the mission in Azerbaijani, the next morning: a new article of a story already told
            await stories_world.article(
                conn,
                outlet="AZERTAC",
                url="https://azertag.az/xeber/atet_musahidecileri-2900002",
                title="ATƏT müşahidəçiləri Bakıda missiyasını açdı",
                text="ATƏT-in müşahidə missiyası Bakıda ofisini açıb, müşahidəçilər seçki məntəqələrinə baş çəkəcək.",
                lang="az",
                published_at=DAY1 + timedelta(hours=1),
                stored_at=DAY1 + timedelta(hours=2),
                story_id=ids["mission"],
                keywords=("observers", "election"),
            )
        assert await delivery.prepare_due(pool, cfg, day2) == 1  # the campaign story is new
        await delivery.send_pending(pool, cfg)

    run(database_url, scenario)
    first, second = smtp.messages
    assert stories_world.MISSION_EN in parts(first)[0]
    text, html = parts(second)
    assert second["Subject"].startswith("Newswatch digest, Thu 8 Feb 2024: 1 story: ")
    assert "Seçki kampaniyası başa çatdı" in text
    for body in (text, html):
        assert "ATƏT" not in body and stories_world.MISSION_EN not in body and "Trend" not in body


def test_a_story_whose_digest_failed_was_not_told_and_comes_back(database_url: str, tmp_path: Path, smtp: Smtp) -> None:
    cfg = settings(database_url, tmp_path, smtp.url)
    smtp.data_reply = "554 5.7.1 Message rejected"
    day2 = DAY1 + timedelta(days=1)

    async def scenario(pool: AsyncConnectionPool) -> None:
        async with pool.connection() as conn:
            ids = await stories_world.load(conn)
            await subscriber(conn, "analyst@example.org", created_at=BEFORE)
        await delivery.prepare_due(pool, cfg, DAY1)
        assert await delivery.send_pending(pool, cfg) == delivery.SendResult(failed=1)
        async with pool.connection() as conn:  # another article of the story, before the next digest
            await stories_world.article(
                conn,
                outlet="AZERTAC",
                url="https://azertag.az/xeber/atet_musahidecileri-2900002",
                title="ATƏT müşahidəçiləri Bakıda missiyasını açdı",
                text="ATƏT-in müşahidə missiyası Bakıda ofisini açıb.",
                lang="az",
                published_at=DAY1 + timedelta(hours=1),
                stored_at=DAY1 + timedelta(hours=2),
                story_id=ids["mission"],
                keywords=("observers",),
            )
        smtp.data_reply = "250 OK"
        assert await delivery.prepare_due(pool, cfg, day2) == 1
        assert await delivery.send_pending(pool, cfg) == delivery.SendResult(sent=1)

    run(database_url, scenario)
    (msg,) = smtp.messages
    text, _ = parts(msg)
    assert msg["Subject"].startswith("Newswatch digest, Thu 8 Feb 2024: 2 stories: ")  # the mission and the campaign
    assert "1. " + stories_world.MISSION_EN in text  # four outlets now: it leads
    assert "- AZERTAC (az): https://azertag.az/xeber/atet_musahidecileri-2900002" in text
