"""A small archive for the web tests, stored through the same store functions as the pipeline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta  # noqa: F401  (timedelta: used by the tests)

from psycopg import AsyncConnection

from monitor.pipeline.dedup import content_hash
from monitor.query.fold import fold
from monitor.query.match import Doc
from monitor.store import articles, keywords, sources

NOW = datetime.now(UTC).replace(microsecond=0)


async def article(
    conn: AsyncConnection,
    outlet: str,
    slug: str,
    title: str,
    text: str,
    *,
    lang: str = "en",
    hours_ago: float = 1,
    source_id: int | None = None,
    url: str | None = None,
) -> int:
    doc = Doc.of(title, text, outlet, lang)
    saved = await articles.save(
        conn,
        articles.NewArticle(
            source_id=source_id,
            outlet=outlet,
            url=url or f"https://{outlet.lower().replace(' ', '')}.example/{slug}",
            guid=None,
            title=title,
            text=text,
            folded=doc.folded,
            folded_title=doc.folded_title,
            folded_outlet=fold(outlet),
            lang=lang,
            published_at=NOW - timedelta(hours=hours_ago),
            fetched_at=NOW - timedelta(hours=hours_ago) + timedelta(minutes=5),
            content_hash=content_hash(text),
            final_url=url or f"https://{outlet.lower().replace(' ', '')}.example/{slug}?utm=x",
            raw_sha256="ab" * 32,
            fetch_headers={"Content-Type": "text/html"},
        ),
    )
    assert saved is not None
    return saved[0]


ELECTION = (
    "Azerbaijan holds a snap presidential election on 7 February. Observers from the OSCE will watch "
    "the polling stations in Baku and the regions."
)
FOOTBALL = "Qarabag won the league match in Baku on Sunday, two goals to nil."
RUSSIAN = "В Азербайджане проходят внеочередные президентские выборы, сообщают наблюдатели."


async def load(conn: AsyncConnection) -> dict[str, int]:
    """Five articles, one a verbatim copy, two in one story; a source; one keyword."""
    trend = await sources.add(conn, "Trend", "https://en.trend.az/feeds/index.rss", lang="en")
    ids = {
        "election": await article(
            conn, "Trend", "election-1", "Snap election called", ELECTION, hours_ago=5, source_id=trend["id"]
        ),
        "copy": await article(conn, "MENAFN", "copy-1", "Snap election called (copy)", ELECTION, hours_ago=4),
        "football": await article(conn, "APA", "football-1", "Qarabag wins", FOOTBALL, hours_ago=3),
        "russian": await article(conn, "Report", "ru-1", "Выборы в Азербайджане", RUSSIAN, lang="ru", hours_ago=2),
        "observers": await article(
            conn,
            "AZERTAC",
            "obs-1",
            "Observers arrive in Baku",
            "The OSCE observers arrived in Baku for the election.",
            hours_ago=1,
        ),
    }
    # the dedup stage groups articles into stories; here the two election reports share one
    await conn.execute(
        "UPDATE articles SET story_id = (SELECT story_id FROM articles WHERE id = %s) WHERE id = %s",
        (ids["election"], ids["observers"]),
    )
    await keywords.add(conn, "election", "election OR выборы")
    return ids
