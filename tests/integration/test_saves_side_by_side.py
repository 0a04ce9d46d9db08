"""Saves that do not queue behind each other (issue 16): a save takes the locks of what can conflict
(its outlet, its LSH bands, its stories) instead of one database-wide lock, and still two copies of
one article saved at the same instant by two connections make one original and one copy."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime, timedelta

import psycopg
from psycopg.rows import dict_row

from monitor.pipeline.dedup import content_hash
from monitor.pipeline.fingerprint import fingerprint
from monitor.query.fold import fold
from monitor.query.match import Doc
from monitor.store import articles, fingerprints

AT = datetime(2024, 2, 8, 10, 0, tzinfo=UTC)
WORDS = (
    "commission observers turnout ballot district candidate president parliament vote count campaign polling "
    "station protocol result region capital minister government opposition party statement press conference "
    "report mission international agency official preliminary final registered voters percent morning evening "
    "queue delegation monitoring transparency procedure Baku Ganja Sumgait Lankaran Shaki Mingachevir"
).split()


def text_of(n: int) -> str:
    rng = random.Random(n)
    return "\n\n".join(
        " ".join(" ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 20))).capitalize() + "." for _ in range(3))
        for _ in range(5)
    )


def new(url: str, text: str, outlet: str, at: datetime) -> articles.NewArticle:
    title = " ".join(text.split()[:8])
    doc = Doc.of(title, text, outlet, "en")
    return articles.NewArticle(
        source_id=None,
        outlet=outlet,
        url=url,
        guid=None,
        title=title,
        text=text,
        folded=doc.folded,
        folded_title=doc.folded_title,
        folded_outlet=fold(outlet),
        lang="en",
        published_at=at,
        fetched_at=at,
        content_hash=content_hash(text),
    )


async def connect(url: str) -> psycopg.AsyncConnection:
    return await psycopg.AsyncConnection.connect(url, autocommit=True, row_factory=dict_row)


def test_two_copies_saved_at_the_same_instant_make_one_original_a_hundred_times(database_url: str) -> None:
    async def main() -> list[tuple]:
        a, b = await connect(database_url), await connect(database_url)
        found = []
        async with a, b:
            for n in range(100):
                text = text_of(n)
                # every other round the second is a trimmed copy (its last paragraph left out)
                copy = text if n % 2 else text.rsplit("\n\n", 1)[0]
                at = AT + timedelta(hours=n)
                saved = await asyncio.gather(
                    articles.save(a, new(f"https://one.example/{n}", text, "One", at)),
                    articles.save(b, new(f"https://two.example/{n}", copy, "Two", at)),
                )
                found.append((n, saved))
        return found

    for n, saved in asyncio.run(main()):
        assert all(s is not None for s in saved), n
        (first, first_of), (second, second_of) = saved  # type: ignore[misc]
        assert sorted([first_of, second_of], key=lambda v: v is not None) == [None, first_of or second_of], n
        assert {first_of, second_of} in ({None, first}, {None, second}), (n, saved)
    with psycopg.connect(database_url) as conn:
        originals, copies = conn.execute(
            "SELECT count(*) FILTER (WHERE duplicate_of IS NULL), count(*) FILTER (WHERE duplicate_of IS NOT NULL)"
            " FROM articles"
        ).fetchone()  # type: ignore[misc]
        # each copy is in its original's story
        strays = conn.execute(
            "SELECT count(*) FROM articles c JOIN articles o ON o.id = c.duplicate_of WHERE c.story_id <> o.story_id"
        ).fetchone()[0]  # type: ignore[index]
    assert (originals, copies, strays) == (100, 100, 0)


def test_an_unrelated_save_does_not_wait_and_a_copy_does(database_url: str) -> None:
    """While another transaction holds the locks of article A (as a save of A does until it commits),
    an article of another outlet sharing no band with A is saved at once; a copy of A waits."""

    async def main() -> tuple[bool, bool]:
        holder, other = await connect(database_url), await connect(database_url)
        async with holder, other:
            text = text_of(1)
            async with holder.transaction():
                await fingerprints.lock_article(holder, "One", fingerprint(text))
                unrelated = articles.save(other, new("https://two.example/else", text_of(2), "Two", AT))
                try:
                    await asyncio.wait_for(unrelated, 20)
                    went_on = True
                except TimeoutError:
                    went_on = False
            async with holder.transaction():
                await fingerprints.lock_article(holder, "One", fingerprint(text))
                try:
                    await asyncio.wait_for(articles.save(other, new("https://two.example/copy", text, "Two", AT)), 1.5)
                    waited = False
                except TimeoutError:
                    waited = True
        return went_on, waited

    went_on, waited = asyncio.run(main())
    assert went_on, "a save sharing no band with the held article waited for it"
    assert waited, "a copy of the held article was saved without waiting for it"


def test_many_saves_at_once_join_and_recluster_stories_without_losing_one(database_url: str) -> None:
    """Four connections saving articles that share names (so they join, tie and re-cluster the same
    stories) at once: every save succeeds and every article is in a story that exists."""

    async def one(conn: psycopg.AsyncConnection, worker: int) -> list:
        out = []
        for n in range(20):
            k = 1000 + worker * 100 + n
            out.append(await articles.save(conn, new(f"https://w{worker}.example/{n}", text_of(k), f"W{worker}", AT)))
        return out

    async def main() -> list:
        conns = [await connect(database_url) for _ in range(4)]
        try:
            return await asyncio.gather(*(one(c, w) for w, c in enumerate(conns)))
        finally:
            for c in conns:
                await c.close()

    saved = [s for batch in asyncio.run(main()) for s in batch]
    assert len(saved) == 80 and all(s is not None for s in saved)
    with psycopg.connect(database_url) as conn:
        orphans = conn.execute(
            "SELECT count(*) FROM articles a WHERE NOT EXISTS (SELECT 1 FROM stories s WHERE s.id = a.story_id)"
        ).fetchone()[0]  # type: ignore[index]
        stories_held = conn.execute("SELECT count(DISTINCT story_id) FROM articles").fetchone()[0]  # type: ignore[index]
    assert orphans == 0
    assert stories_held < 80  # they did share stories: the re-clustering was exercised


def test_one_page_saved_at_once_by_two_outlets_sources_is_stored_once_and_known_to_the_other(
    database_url: str,
) -> None:
    """Two sources of different outlets (so no shared lock) reach one URL at the same instant, with
    texts that share no LSH band: one save stores it, the other finds it known, neither fails."""

    async def main() -> list[list[tuple[int, int | None] | None]]:
        a, b = await connect(database_url), await connect(database_url)
        outcomes = []
        async with a, b:
            for n in range(20):
                url = f"https://shared.example/{n}"
                outcomes.append(
                    await asyncio.gather(
                        articles.save(a, new(url, text_of(1000 + n), "One", AT)),
                        articles.save(b, new(url, text_of(2000 + n), "Two", AT)),
                    )
                )
            cur = await a.execute("SELECT count(*) AS n FROM articles WHERE url LIKE 'https://shared.example/%'")
            assert (await cur.fetchone())["n"] == 20
        return outcomes

    for pair in asyncio.run(main()):
        assert sorted(s is None for s in pair) == [False, True], pair
