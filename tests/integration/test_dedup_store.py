"""The duplicates index in PostgreSQL: concurrent saves, an archive older than the index, copies."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import psycopg
from psycopg.rows import dict_row

from monitor import seeds
from monitor.pipeline.dedup import content_hash
from monitor.pipeline.stories import WINDOW
from monitor.query.fold import fold
from monitor.query.match import Doc
from monitor.store import articles, stories
from tests.eval.corpus import menafn, trimmed
from tests.eval.originals import OSCE

_, _, TITLE, TEXT = OSCE
AT = datetime(2024, 2, 8, 10, 0, tzinfo=UTC)


def new(url: str, text: str, outlet: str = "Outlet") -> articles.NewArticle:
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
        published_at=AT,
        fetched_at=AT,
        content_hash=content_hash(text),
    )


async def connect(url: str) -> psycopg.AsyncConnection:
    return await psycopg.AsyncConnection.connect(url, autocommit=True, row_factory=dict_row)


def test_two_copies_saved_at_once_by_two_connections_make_one_original(database_url: str) -> None:
    async def main() -> list[tuple[int, int | None] | None]:
        a, b = await connect(database_url), await connect(database_url)
        async with a, b:
            return await asyncio.gather(
                articles.save(a, new("https://one.example/osce", menafn(TEXT), "One")),
                articles.save(b, new("https://two.example/osce", trimmed(TEXT, 3), "Two")),
            )

    saved = asyncio.run(main())
    assert all(s is not None for s in saved)
    ids = {s[0] for s in saved if s}
    originals = [s for s in saved if s and s[1] is None]
    copies = [s for s in saved if s and s[1] is not None]
    assert len(originals) == 1 and len(copies) == 1 and copies[0][1] in ids


def test_init_indexes_an_archive_stored_before_the_index_and_copies_of_it_are_found(database_url: str) -> None:
    with psycopg.connect(database_url) as conn:  # a row as the foundation stored it: no fingerprint
        conn.execute(
            "INSERT INTO articles (outlet, url, title, text, published_at)"
            " VALUES ('Old', 'https://old.example/1', %s, %s, %s)",
            (TITLE, TEXT, AT),
        )

    async def main() -> tuple[seeds.Loaded, tuple[int, int | None] | None, list[dict]]:
        async with await connect(database_url) as conn:
            loaded = await seeds.load(conn)
            again = await seeds.load(conn)
            assert again.indexed == 0  # idempotent
            later = AT + timedelta(hours=1)  # published after the archive's article: a copy of it
            copy = replace(new("https://copy.example/1", menafn(TEXT), "Copier"), published_at=later, fetched_at=later)
            saved = await articles.save(conn, copy)
            old = await conn.execute("SELECT id FROM articles WHERE url = 'https://old.example/1'")
            row = await old.fetchone()
            assert row is not None
            return loaded, saved, await articles.copies(conn, row["id"])

    loaded, saved, copies = asyncio.run(main())
    assert loaded.indexed >= 1
    assert saved is not None and saved[1] is not None
    assert [(c["outlet"], c["url"]) for c in copies] == [("Copier", "https://copy.example/1")]
    assert copies[0]["similarity"] >= 0.9 and copies[0]["first_seen"] is not None


def test_story_candidates_are_found_by_any_shared_term_taken_verbatim(database_url: str) -> None:
    """Terms reach the story index as they are: quotes, backslashes, tsquery operators, Cyrillic."""
    odd = {"o'brien", "a\\b", "#2013", "x:*", "!not", "ƏLİYEV".lower(), "алиев", "a|b"}

    async def main() -> dict[str, list[int]]:
        async with await connect(database_url) as conn:
            saved = await articles.save(conn, replace(new("https://one.example/odd", TEXT), terms=odd))
            assert saved is not None
            story = (await (await conn.execute("SELECT story_id FROM articles WHERE id = %s", (saved[0],))).fetchone())[
                "story_id"
            ]
            found = {}
            for term in sorted(odd) + ["obrien", "a", "b", "2013"]:
                seen = await stories.window(conn, {term}, AT, WINDOW)
                found[term] = [sid for sid, _, _ in seen.candidates]
            found["story"] = [story]
            return found

    found = asyncio.run(main())
    story = found.pop("story")
    assert {t: ids for t, ids in found.items() if ids} == {t: story for t in odd}  # each term, and nothing else


def test_a_story_window_gives_the_terms_an_article_has_now_though_another_process_changed_them(
    database_url: str,
) -> None:
    """The window keeps the terms it read (monitor.store.stories._TERMS): a row whose terms another
    connection rewrote (an outlet's template learned again) or whose story it moved is read anew."""
    terms = {"~alpha", "~bravo", "#2013"}

    async def main() -> list[tuple[int, set[str]]]:
        async with await connect(database_url) as conn, await connect(database_url) as other:
            saved = await articles.save(conn, replace(new("https://one.example/terms", TEXT), terms=terms))
            assert saved is not None
            seen = [await stories.window(conn, {"~alpha"}, AT, WINDOW)]
            await other.execute(
                "UPDATE story_terms SET terms = %s WHERE article_id = %s", (["~alpha", "~charlie"], saved[0])
            )
            seen.append(await stories.window(conn, {"~alpha"}, AT, WINDOW))
            moved = await stories.create(other, AT)
            await other.execute("UPDATE story_terms SET story_id = %s WHERE article_id = %s", (moved, saved[0]))
            seen.append(await stories.window(conn, {"~alpha"}, AT, WINDOW))
            return [(w.candidates[0][0], set(w.candidates[0][1])) for w in seen] + [(moved, set())]

    (first, before), (_, rewritten), (moved_to, _), (moved, _) = asyncio.run(main())
    assert before == terms
    assert rewritten == {"~alpha", "~charlie"}
    assert moved_to == moved != first
