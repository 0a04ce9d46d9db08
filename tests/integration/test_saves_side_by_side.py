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


async def connect(url: str, **options: object) -> psycopg.AsyncConnection:
    return await psycopg.AsyncConnection.connect(url, autocommit=True, row_factory=dict_row, **options)


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


def test_copies_saved_at_once_are_decided_under_their_groups_lock_not_the_exclusive_one(database_url: str) -> None:
    """Copies of stored articles, some published before them (so the group is re-pointed), saved by
    four connections at once: each group ends with one original, its earliest, every copy pointing
    at it and in its story; and none of them waited for every other save (the exclusive lock)."""
    groups = 12

    async def main() -> None:
        setup = await connect(database_url)
        async with setup:
            for g in range(groups):
                assert await articles.save(setup, new(f"https://first.example/{g}", text_of(5000 + g), "First", AT))
        conns = [await connect(database_url) for _ in range(4)]

        async def copies(worker: int, conn: psycopg.AsyncConnection) -> None:
            for g in range(groups):
                text = text_of(5000 + g)
                if worker % 2:  # trimmed: its last paragraph left out
                    text = text.rsplit("\n\n", 1)[0]
                # worker 3's copy is published an hour before the stored article: the earliest
                at = AT + timedelta(hours=-1 if worker == 3 else worker + 1)
                assert await articles.save(conn, new(f"https://w{worker}.example/{g}", text, f"W{worker}", at))

        try:
            await asyncio.gather(*(copies(w, c) for w, c in enumerate(conns)))
        finally:
            for c in conns:
                await c.close()

    before = articles.EXCLUSIVE.copy()
    asyncio.run(main())
    redone = articles.EXCLUSIVE - before
    assert "it reproduces a stored article: its group is decided with every other save waiting" not in redone
    assert sum(redone.values()) < groups * 4 / 2, redone  # most of them went on under the narrow locks
    with psycopg.connect(database_url, row_factory=dict_row) as conn:
        rows = conn.execute(
            "SELECT a.url, a.duplicate_of, o.url AS original, a.story_id = coalesce(o.story_id, a.story_id) AS same"
            " FROM articles a LEFT JOIN articles o ON o.id = a.duplicate_of"
            " WHERE a.url LIKE 'https://first.example/%' OR a.url LIKE 'https://w_.example/%'"
        ).fetchall()
    for g in range(groups):
        mine = [r for r in rows if r["url"].endswith(f"/{g}")]
        assert len(mine) == 5, g
        assert [r["url"] for r in mine if r["duplicate_of"] is None] == [f"https://w3.example/{g}"], mine
        assert all(r["original"] == f"https://w3.example/{g}" for r in mine if r["duplicate_of"] is not None), mine
        assert all(r["same"] for r in mine), mine


def test_a_copy_waits_for_its_groups_lock_and_decides_again_when_the_group_changed(database_url: str) -> None:
    """While another transaction holds the group of article X (as a save re-pointing it does until it
    commits) and re-points it, a copy of X waits; once the holder commits, the copy finds the group
    changed since it read it, and is decided again under the exclusive lock, against what is stored."""

    async def main() -> tuple[bool, tuple[int, int | None] | None, int, int]:
        holder, other = await connect(database_url), await connect(database_url)
        async with holder, other:
            text = text_of(7000)
            x = await articles.save(holder, new("https://x.example/1", text, "X", AT))
            w = await articles.save(holder, new("https://w.example/1", text_of(7001), "W", AT - timedelta(days=1)))
            assert x and w and x[1] is None
            async with holder.transaction():
                await fingerprints.lock_groups(holder, [x[0]])
                await holder.execute(  # X made a copy of W, as a re-pointing would
                    "UPDATE articles SET duplicate_of = %s, similarity = 1 WHERE id = %s", (w[0], x[0])
                )
                copy = asyncio.ensure_future(articles.save(other, new("https://y.example/1", text, "Y", AT)))
                done, _ = await asyncio.wait([copy], timeout=1.5)
                waited = not done
            return waited, await copy, x[0], w[0]

    before = articles.EXCLUSIVE.copy()
    waited, saved, x, w = asyncio.run(main())
    assert waited, "a copy was saved while its group was held"
    assert saved is not None and saved[1] in (x, w)
    assert (articles.EXCLUSIVE - before)["the group it reproduces was changed meanwhile"] == 1


def test_a_deleted_article_takes_its_index_rows_with_it(database_url: str) -> None:
    """lsh_bands and outlet_sentences keep no foreign key (each row's check was most of what their
    insert cost); deleting articles (a seed removed) still deletes their rows, and no one else's."""

    async def main() -> tuple[int, int]:
        conn = await connect(database_url)
        async with conn:
            gone = await articles.save(conn, new("https://gone.example/1", text_of(9001), "Gone", AT))
            kept = await articles.save(conn, new("https://kept.example/1", text_of(9002), "Kept", AT))
            assert gone and kept
            await conn.execute("DELETE FROM articles WHERE id = ANY(%s)", ([gone[0]],))
            counts = []
            for article_id in (gone[0], kept[0]):
                cur = await conn.execute(
                    "SELECT (SELECT count(*) FROM lsh_bands WHERE article_id = %s)"
                    " + (SELECT count(*) FROM outlet_sentences WHERE article_id = %s) AS n",
                    (article_id, article_id),
                )
                counts.append((await cur.fetchone())["n"])
            return counts[0], counts[1]

    gone_rows, kept_rows = asyncio.run(main())
    assert gone_rows == 0
    assert kept_rows > 32  # its bands and its sentences are still there


def test_a_saves_statements_are_prepared_and_nothing_else_on_its_connection(database_url: str) -> None:
    """A save prepares its statements on the server (they repeat for every article), but for its
    story window, whose plan depends on its terms and days; the connection goes back to preparing
    nothing, so a search's plan is still made for its own words."""

    async def main() -> tuple[object, set[str], set[str]]:
        conn = await connect(database_url, prepare_threshold=None)  # as monitor.db.open_pool's
        async with conn:

            async def prepared() -> set[str]:
                cur = await conn.execute("SELECT statement FROM pg_prepared_statements")
                return {r["statement"] for r in await cur.fetchall()}

            assert await articles.save(conn, new("https://prepared.example/1", text_of(9101), "Prepared", AT))
            after_save = await prepared()
            await articles.search(conn, None, articles.Filters(limit=5))
            return conn.prepare_threshold, after_save, await prepared() - after_save

    threshold, after_save, after_search = asyncio.run(main())
    assert threshold is None
    assert any(s.lstrip().startswith("INSERT INTO articles") for s in after_save), after_save
    assert any("lsh_bands" in s for s in after_save)
    assert not any("term_vec @@" in s for s in after_save), after_save  # the story window is planned each time
    assert after_search == set()
