"""A small archive of stories as the pipeline leaves them (SPEC.md: `story_id`; `duplicate_of` the
earliest-published article a copy reproduces, with its `similarity`; seeds and their copies), for
the tests of what readers see of a story: the CLI, the API, the pages and the digest.

The story that matters, "mission": the OSCE observers' mission opening in Baku, carried by three
outlets in two languages, whose original was stored last:
- APA's English copy of Trend's report, fetched first (published 09:30, stored 10:00);
- Report's own Russian report (published 11:00, stored 12:00);
- Trend's English original, published first (08:00) but fetched last (20:00).
Beside it: a one-article story a day earlier ("candidates"), an Azerbaijani one a day later
("campaign"), and the seed's story: the seed article and Azernews' copy of it ("seed").

Texts written for these tests.
"""

from __future__ import annotations

from datetime import UTC, datetime

from psycopg import AsyncConnection

from monitor.query.fold import fold
from monitor.query.match import Doc

MISSION_EN = "OSCE observers open their mission in Baku"
MISSION_RU = "Наблюдатели ОБСЕ начали работу миссии в Баку"
MISSION_COPY = "OSCE observers open mission in Baku (APA)"
MISSION_TEXT = (
    "The observation mission of the OSCE opened its office in Baku on Tuesday. Its head said the "
    "observers would visit polling stations in every region before the snap presidential election."
)
MISSION_TEXT_RU = (
    "Миссия наблюдателей ОБСЕ открыла офис в Баку во вторник. Глава миссии сообщил, что наблюдатели "
    "посетят избирательные участки во всех регионах до внеочередных президентских выборов."
)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2024, 2, day, hour, minute, tzinfo=UTC)


async def story(conn: AsyncConnection, first_seen: datetime) -> int:
    cur = await conn.execute(
        "INSERT INTO stories (first_seen, last_seen) VALUES (%s, %s) RETURNING id", (first_seen, first_seen)
    )
    row = await cur.fetchone()
    assert row is not None
    return int(row["id"])


async def article(
    conn: AsyncConnection,
    *,
    outlet: str,
    url: str,
    title: str,
    text: str,
    lang: str,
    published_at: datetime,
    stored_at: datetime,
    story_id: int,
    keywords: tuple[str, ...] = (),
    duplicate_of: int | None = None,
    similarity: float | None = None,
    seed_duplicate: bool = False,
    is_seed: bool = False,
) -> int:
    """Store an article as the pipeline leaves it: folded, placed in its story, matched."""
    doc = Doc.of(title, text, outlet, lang)
    cur = await conn.execute(
        "INSERT INTO articles (outlet, url, title, text, folded, folded_title, folded_outlet, lang, published_at,"
        " fetched_at, stored_at, story_id, duplicate_of, similarity, seed_duplicate, is_seed)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id",
        (
            outlet,
            url,
            title,
            text,
            doc.folded,
            doc.folded_title,
            fold(outlet),
            lang,
            published_at,
            stored_at,
            stored_at,
            story_id,
            duplicate_of,
            similarity,
            seed_duplicate,
            is_seed,
        ),
    )
    row = await cur.fetchone()
    assert row is not None
    await conn.execute(
        "INSERT INTO article_keywords (article_id, keyword_id) SELECT %s, id FROM keywords WHERE name = ANY(%s)",
        (row["id"], list(keywords)),
    )
    return int(row["id"])


async def load(conn: AsyncConnection) -> dict[str, int]:
    """The archive above, with the keywords `observers` and `election`; returns the ids of the
    articles (`copy`, `report`, `original`, `candidates`, `campaign`, `seed`, `seed_copy`) and of
    the stories (`mission`, `candidates_story`, `campaign_story`, `seed_story`)."""
    for name, query in (("observers", "observer* OR наблюдател*"), ("election", "election OR seçki*")):
        await conn.execute("INSERT INTO keywords (name, query) VALUES (%s, %s)", (name, query))
    ids: dict[str, int] = {}
    ids["seed_story"] = await story(conn, at(1, 7))
    ids["seed"] = await article(
        conn,
        outlet="Trend",
        url="https://en.trend.az/azerbaijan/politics/3857924.html",
        title="SCO observers to monitor the snap election",
        text="A mission of SCO observers will monitor the snap presidential election, the CEC said.",
        lang="en",
        published_at=at(1, 7),
        stored_at=at(1, 9),
        story_id=ids["seed_story"],
        keywords=("observers", "election"),
        is_seed=True,
    )
    ids["seed_copy"] = await article(
        conn,
        outlet="Azernews",
        url="https://www.azernews.az/nation/219001.html",
        title="SCO observers will monitor the election",
        text="A mission of SCO observers will monitor the snap presidential election, the CEC said.",
        lang="en",
        published_at=at(6, 9),
        stored_at=at(6, 9, 30),
        story_id=ids["seed_story"],
        keywords=("observers", "election"),
        duplicate_of=ids["seed"],
        similarity=0.97,
        seed_duplicate=True,
    )
    ids["candidates_story"] = await story(conn, at(5, 10))
    ids["candidates"] = await article(
        conn,
        outlet="Trend",
        url="https://en.trend.az/azerbaijan/politics/3858001.html",
        title="CEC registers the last of the candidates",
        text="The Central Election Commission registered the seventh candidate for the election.",
        lang="en",
        published_at=at(5, 10),
        stored_at=at(5, 10, 10),
        story_id=ids["candidates_story"],
        keywords=("election",),
    )
    ids["mission"] = await story(conn, at(6, 9, 30))
    ids["copy"] = await article(
        conn,
        outlet="APA",
        url="https://apa.az/en/politics/osce-mission-831001",
        title=MISSION_COPY,
        text=MISSION_TEXT + " APA",
        lang="en",
        published_at=at(6, 9, 30),
        stored_at=at(6, 10),
        story_id=ids["mission"],
        keywords=("observers", "election"),
    )
    ids["report"] = await article(
        conn,
        outlet="Report",
        url="https://report.az/ru/vnutrennyaya-politika/missiya-obse-831002",
        title=MISSION_RU,
        text=MISSION_TEXT_RU,
        lang="ru",
        published_at=at(6, 11),
        stored_at=at(6, 12),
        story_id=ids["mission"],
        keywords=("observers",),
    )
    ids["original"] = await article(
        conn,
        outlet="Trend",
        url="https://en.trend.az/azerbaijan/politics/3858100.html",
        title=MISSION_EN,
        text=MISSION_TEXT,
        lang="en",
        published_at=at(6, 8),
        stored_at=at(6, 20),
        story_id=ids["mission"],
        keywords=("observers", "election"),
    )
    # as SPEC.md has it: a copy names the earliest-published article it reproduces, also one
    # fetched after it (the pipeline re-points the group when the original arrives)
    await conn.execute(
        "UPDATE articles SET duplicate_of = %s, similarity = 0.96 WHERE id = %s", (ids["original"], ids["copy"])
    )
    ids["campaign_story"] = await story(conn, at(7, 6))
    ids["campaign"] = await article(
        conn,
        outlet="AZERTAC",
        url="https://azertag.az/xeber/secki_kampaniyasi-2900001",
        title="Seçki kampaniyası başa çatdı",
        text="Prezident seçkiləri üzrə təşviqat kampaniyası başa çatdı, MSK bildirib.",
        lang="az",
        published_at=at(7, 6),
        stored_at=at(7, 6, 5),
        story_id=ids["campaign_story"],
        keywords=("election",),
    )
    return ids
