"""An original fetched after its copy ends up the original: in the store, in the API and in the
next digest (which links the original's outlet, never the copier's page)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import httpx
import psycopg
from psycopg.rows import dict_row

from monitor import config
from monitor.db import open_pool
from monitor.pipeline.dedup import content_hash
from monitor.pipeline.ingest import Keywords
from monitor.query.fold import fold
from monitor.query.match import Doc
from monitor.store import articles
from monitor.store import keywords as keyword_store
from monitor.web.app import create_app
from tests.conftest import Cli
from tests.eval.corpus import menafn
from tests.eval.originals import OSCE

ANALYST = "analyst@example.org"
_, _, TITLE, TEXT = OSCE


def article(outlet: str, url: str, text: str, published: datetime, seen: datetime, kw: Keywords) -> articles.NewArticle:
    doc = Doc.of(TITLE, text, outlet, "en")
    return articles.NewArticle(
        source_id=None,
        outlet=outlet,
        url=url,
        guid=None,
        title=TITLE,
        text=text,
        folded=doc.folded,
        folded_title=doc.folded_title,
        folded_outlet=fold(outlet),
        lang="en",
        published_at=published,
        fetched_at=seen,
        content_hash=content_hash(text),
        keyword_ids=tuple(kw.ids_matching(doc)),
    )


def test_an_original_stored_after_its_copy_is_the_original_in_the_api_and_the_digest(
    cli: Cli, database_url: str
) -> None:
    cli("init")
    cli("subscribers", "add", ANALYST)
    now = datetime.now(UTC).replace(microsecond=0)
    copy_url, original_url = "https://copier.example/osce", "https://wire.example/osce"

    async def store() -> tuple[int, int]:
        async with await psycopg.AsyncConnection.connect(database_url, autocommit=True, row_factory=dict_row) as c:
            kw = Keywords(await keyword_store.trees(c))
            # the copier is polled first: its page, published an hour after the wire's, is stored first
            copy = await articles.save(c, article("Copier", copy_url, menafn(TEXT), now, now, kw))
            earlier = now - timedelta(hours=1)
            original = await articles.save(c, article("Wire", original_url, TEXT, earlier, now, kw))
            assert copy is not None and original is not None
            return copy[0], original[0]

    copy_id, original_id = asyncio.run(store())

    async def api() -> tuple[dict, dict]:
        pool = await open_pool(database_url, max_size=2)
        try:
            app = create_app(pool, None, config.load({"NEWSWATCH_BASE_URL": "http://newswatch.test"}))  # type: ignore[arg-type]
            transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 40000))
            async with httpx.AsyncClient(transport=transport, base_url="http://newswatch.test") as client:
                copy = (await client.get(f"/api/articles/{copy_id}")).json()
                original = (await client.get(f"/api/articles/{original_id}")).json()
            return copy, original
        finally:
            await pool.close()

    copy, original = asyncio.run(api())
    assert original["duplicate_of"] is None and copy["duplicate_of"] == original_id
    assert copy["story_id"] == original["story_id"]

    preview = cli("digest", "preview", "--subscriber", ANALYST).stdout
    assert "1 story" in preview, preview
    outlets = [line.strip() for line in preview.splitlines() if line.strip().startswith("- ")]
    # the first publisher leads, credited as the original; the copier is named a copy of it
    assert outlets == [f"- Wire (en, original): {original_url}", f"- Copier (en, copy of Wire): {copy_url}"]
