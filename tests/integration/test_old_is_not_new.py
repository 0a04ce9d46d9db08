"""Old is not new, in the database and the mail: an article published long before it was first
seen (a sitemap's archive, a backfill, an old page that resurfaces) is stored and matched but never
reaches a digest; the digest says when each story was published and first seen. The clock is
frozen at DAY1 (digests are prepared for an explicit `now`)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from psycopg_pool import AsyncConnectionPool

from alerts import delivery
from monitor.store import digests
from tests.integration.digest_world import DAY1, Smtp, article, election_watch, run, settings


@pytest.fixture
def smtp() -> Iterator[Smtp]:
    server = Smtp()
    server.start()
    yield server
    server.stop()


def test_only_articles_published_within_the_span_of_being_first_seen_reach_the_digest(
    database_url: str, tmp_path: Path, smtp: Smtp
) -> None:
    cfg = settings(database_url, tmp_path, smtp.url)
    stored = DAY1 - timedelta(hours=2)  # everything was stored by the same morning's poll

    async def scenario(pool: AsyncConnectionPool) -> list[str]:
        await election_watch(pool)
        async with pool.connection() as conn:
            for title, published in (
                ("Fresh: polls open in Baku", DAY1 - timedelta(hours=3)),
                ("Two days old: the last campaign day", DAY1 - timedelta(days=2)),
                ("Undated: a page without any date", None),
                ("A year old: the election is called", DAY1 - timedelta(days=365)),
                ("2018: the previous presidential election", datetime(2018, 4, 11, 9, tzinfo=UTC)),
            ):
                await article(
                    conn,
                    outlet="Sitemap Outlet",
                    url=f"https://news.example/{len(title)}",
                    title=title,
                    text="The election went on.",
                    stored_at=stored,
                    published_at=published,
                    keywords=["election"],
                )
            rows = await digests.candidates(conn, 1, DAY1, cfg.new_within)
            assert len(await digests.candidates(conn, 1, DAY1, timedelta(days=3650))) == 5  # all are matched
        assert await delivery.prepare_due(pool, cfg, DAY1) == 1
        assert (await delivery.send_pending(pool, cfg)).sent == 1
        return sorted(r["title"] for r in rows)

    titles = run(database_url, scenario)
    assert titles == [
        "Fresh: polls open in Baku",
        "Two days old: the last campaign day",
        "Undated: a page without any date",
    ]
    text = smtp.messages[0].get_body(("plain",)).get_content()
    assert "year old" not in text and "2018" not in text
    assert "published 7 Feb 05:05 +04 · first seen 7 Feb 06:05 +04" in text  # Baku time, this year's: no year
    assert "published 5 Feb 08:05 +04 · first seen 7 Feb 06:05 +04" in text
    html = smtp.messages[0].get_body(("html",)).get_content()
    assert "published 7 Feb 05:05 +04 · first seen 7 Feb 06:05 +04" in html  # the inliner writes · itself
