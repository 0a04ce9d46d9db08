"""Articles: saving what the pipeline understood, and reading the archive back."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from psycopg import AsyncConnection
from psycopg.types.json import Jsonb

from monitor.errors import NewswatchError, UsageError
from monitor.pipeline import stories as story_rules
from monitor.pipeline import templates as template_rules
from monitor.pipeline.fingerprint import Signature, fingerprint
from monitor.pipeline.stories import terms as story_terms
from monitor.query.parse import Node
from monitor.query.snippet import snippet
from monitor.query.sql import compile_sql, compile_title_hit, title_hit_implies_match
from monitor.store import evidence, fingerprints, groups, originals, stories
from monitor.store import templates as outlet_templates
from monitor.store.evidence import FirstFetch
from monitor.store.title_hits import title_hits

Row = dict[str, Any]


@dataclass(frozen=True)
class NewArticle:
    source_id: int | None
    outlet: str
    url: str
    guid: str | None
    title: str
    text: str
    folded: str
    folded_title: str
    folded_outlet: str
    lang: str | None
    published_at: datetime | None
    fetched_at: datetime
    content_hash: str | None
    date_source: str | None = None  # how published_at was known (monitor.pipeline.dates.SOURCES)
    final_url: str | None = None
    raw_sha256: str | None = None
    fetch_headers: dict[str, str] | None = None
    is_seed: bool = False
    # computed by the pipeline off the event loop; computed here when missing
    signature: Signature | None = None
    terms: set[str] | None = None
    # story terms of the whole text (monitor.pipeline.understand): used when none of its sentences is
    # its outlet's template text, else the terms are computed again without that text
    plain_terms: set[str] | None = None
    keys: list[int] | None = None  # its sentence keys (monitor.pipeline.templates.keys), if known
    keyword_ids: tuple[int, ...] = ()  # the watched keywords it matches, stored with it
    evidence: FirstFetch | None = None  # its capture (already on disk) and re-check schedule


async def known(
    conn: AsyncConnection[Any], source_id: int, urls: list[str], guids: list[str]
) -> tuple[set[str], set[str]]:
    """Which of these canonical URLs, and which of this source's GUIDs, are already stored."""
    cur = await conn.execute(
        "SELECT url, guid, source_id FROM articles WHERE url = ANY(%s) OR (source_id = %s AND guid = ANY(%s))",
        (urls, source_id, guids),
    )
    rows = await cur.fetchall()
    return {r["url"] for r in rows}, {r["guid"] for r in rows if r["guid"] and r["source_id"] == source_id}


async def save(
    conn: AsyncConnection[Any], a: NewArticle, redone: list[str] | None = None
) -> tuple[int, int | None] | None:
    """Store `a` once, with its keyword matches: returns (id, duplicate_of) for a new row, None
    when its URL or GUID is known.

    An article that reproduces another (the same normalised text, or most of it once the outlets'
    template text is left out: see monitor.pipeline.dedup) is stored too, linked by `duplicate_of`
    to the earliest published one, or to the seed it reproduces (`seed_duplicate`), so who published
    the copy stays visible. When the new article is the earliest of its group, the group is
    re-pointed to it in this transaction. Every new row is indexed for near-duplicate lookups and
    for its outlet's template, and placed in a story.

    A save that had to be decided again under the exclusive lock counts in EXCLUSIVE, and its
    reason goes into `redone` too if given.
    """
    sig = a.signature or fingerprint(a.text)
    keys = a.keys if a.keys is not None else template_rules.keys(a.text)
    # A save's statements are prepared on the server (monitor.db.open_pool prepares none: search's
    # plans depend on its words): they are the same twenty or so for every article, and parsing and
    # planning them each time was a fifth of what PostgreSQL spent on a save (bench/ingest.py).
    threshold, conn.prepare_threshold = conn.prepare_threshold, 0
    try:
        return await _save_once(conn, a, sig, keys, [] if redone is None else redone)
    finally:
        conn.prepare_threshold = threshold


async def _save_once(
    conn: AsyncConnection[Any], a: NewArticle, sig: Signature, keys: list[int], redone: list[str]
) -> tuple[int, int | None] | None:
    """`save`: first under the narrow locks, then, if it must, under the exclusive lock."""
    try:
        if not a.is_seed:
            try:
                return await _save(conn, a, sig, keys, exclusive=False)
            except _Exclusive as why:  # rolled back: decided again with every other save waiting
                redone.append(str(why))
            except psycopg.errors.DeadlockDetected:  # the locks are taken in one order; should one
                redone.append("deadlock")  # circle appear all the same, the save is not lost
            EXCLUSIVE.update(redone[-1:])
        return await _save(conn, a, sig, keys, exclusive=True)
    except Exception as exc:
        if isinstance(exc, psycopg.errors.UniqueViolation):  # stored meanwhile by a save holding other locks?
            cur = await conn.execute(f"SELECT 1 FROM articles WHERE {_KNOWN}", (a.url, a.source_id, a.guid))
            if await cur.fetchone():
                return None
        raise NewswatchError(f"store: could not save article {a.url}: {exc}") from exc


_KNOWN = "url = %s OR (source_id = %s AND guid = %s)"  # a stored row of this URL, or of this source's GUID


EXCLUSIVE: Counter[str] = Counter()  # saves of this process redone under the exclusive lock, by reason


class _Exclusive(Exception):
    """A save under the narrow locks found it would change more than its own rows: it is rolled
    back and done again under the exclusive lock."""


async def _save(
    conn: AsyncConnection[Any], a: NewArticle, sig: Signature, keys: list[int], exclusive: bool
) -> tuple[int, int | None] | None:
    """One try of `save`. With `exclusive`, under SAVE_LOCK held exclusively, as every save was
    once. Without, under the narrow locks of fingerprints.lock_article (shared SAVE_LOCK, the
    outlet, the LSH bands), then of the stories it joins and of the group of copies it reproduces
    or re-points (_lock_what_it_changes): as soon as it finds that one of its sentences becomes
    template text (the outlet's groups are decided again), or that what it decided on changed
    before it held those locks, it raises _Exclusive (the transaction is rolled back, nothing is
    kept). So originals and copies alike are saved side by side."""
    at = a.published_at or a.fetched_at
    # In a pipeline, a statement whose result is not read goes with the next one that is read, in
    # one round trip: the locks with the first reads, the whole write with the commit. A save was
    # some twenty round trips, each waiting for the busy event loop of a poll (bench/ingest.py).
    async with conn.pipeline(), conn.transaction():
        if exclusive:
            await fingerprints.lock(conn)
        else:
            await fingerprints.lock_article(conn, a.outlet, sig)
        # its id drawn now, so that nothing written after its row waits to read it back
        stored = await conn.execute(
            "SELECT nextval(pg_get_serial_sequence('articles', 'id')) AS id,"
            " nextval(pg_get_serial_sequence('stories', 'id')) AS story,"
            f" EXISTS (SELECT 1 FROM articles WHERE {_KNOWN}) AS known",
            (a.url, a.source_id, a.guid),
        )
        asked = await originals.ask(conn, a.content_hash, sig)  # what it may reproduce: read by decide
        # The template and the story candidates are read under the locks: the outlet's sentence
        # counts cannot change before this commits, and no story read here is merged away before
        # it is joined (read before, a save waiting for the lock joined a story that a save before
        # it had just emptied and deleted). This lookup is the slowest step of a save, which is why
        # it was once read before the one database-wide lock; only the exclusive saves (copies, a
        # template growing) still wait for every other save.
        template, counted, terms, seen, scored = await _story_inputs(conn, a, keys, at)
        grown = [k for k in keys if counted.get((a.outlet, k), 0) + 1 == template_rules.MIN_ARTICLES]
        first = await stored.fetchone()
        assert first is not None
        if first["known"]:
            return None
        article_id, new_story = first["id"], first["story"]  # the story's id is used if it starts one
        planned = None
        joined: list[int] = []
        if not exclusive:
            if grown:
                raise _Exclusive("a template grows: the outlet's groups are decided again")
            best = story_rules.best_story(terms, seen.candidates, seen.df, seen.n, a.lang, scored)
            planned = best[0] if best else None
            near = story_rules.near(terms, seen.candidates, seen.df, seen.n, a.lang, scored)
            joined = sorted({*([planned] if planned is not None else []), *near})
        newcomer = originals.Newcomer(
            a.outlet, a.text, a.published_at, a.fetched_at, a.is_seed, a.content_hash, sig, keys, template=template
        )
        decision = await originals.decide(conn, newcomer, asked=asked)
        if not exclusive:
            await _lock_what_it_changes(conn, joined, decision)
        original = decision.original
        if original is not None:
            story_id = next(r["story_id"] for r in decision.group if r["id"] == original.article_id)
        else:
            demoted = [r for r in decision.group if r["duplicate_of"] is None and r["id"] in decision.changes]
            story_id = demoted[0]["story_id"] if demoted and demoted[0]["story_id"] is not None else None
        if story_id is None:
            if exclusive:
                best = story_rules.best_story(terms, seen.candidates, seen.df, seen.n, a.lang, scored)
                planned = best[0] if best else None
            story_id = planned if planned is not None else await stories.create(conn, at, new_story)
        # no ON CONFLICT: a URL stored meanwhile by a save holding other locks (another outlet's
        # source of the same page) fails the transaction, and `save` says it is known
        await conn.execute(
            """
            INSERT INTO articles (id, source_id, outlet, url, guid, title, text, folded, folded_title,
                                  folded_outlet, lang, published_at, fetched_at, content_hash,
                                  duplicate_of, seed_duplicate, similarity, story_id, final_url, raw_sha256,
                                  fetch_headers, is_seed, date_source)
            VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
            """,
            (
                article_id,
                a.source_id,
                a.outlet,
                a.url,
                a.guid,
                a.title,
                a.text,
                a.folded,
                a.folded_title,
                a.folded_outlet,
                a.lang,
                a.published_at,
                a.fetched_at,
                a.content_hash,
                original.article_id if original else None,
                original.is_seed if original else False,
                original.similarity if original else None,
                story_id,
                a.final_url,
                a.raw_sha256,
                Jsonb(a.fetch_headers) if a.fetch_headers is not None else None,
                a.is_seed,
                a.date_source,
            ),
        )
        await fingerprints.add(conn, article_id, sig)
        await outlet_templates.record(conn, article_id, a.outlet, at, keys)
        await add_matches(conn, article_id, list(a.keyword_ids))
        if a.evidence is not None:
            await evidence.first_version(conn, article_id, a.fetched_at, a.final_url, a.raw_sha256, a.evidence)
        if original is None:  # a copy adds no terms of its own: it would make its story's words look common
            await stories.add(conn, article_id, story_id, at, terms, a.lang)
        await groups.apply(conn, decision.changes, decision.group, article_id, story_id)
        touched = {story_id, *story_rules.near(terms, seen.candidates, seen.df, seen.n, a.lang, scored)}
        if original is None and len(touched) > 1:  # it joined, or ties, more than one story: decide them again
            await stories.recluster(conn, sorted(touched), seen, at)
        if grown:  # judged in their own window: the new article may be days away from them
            for story in sorted(await groups.relearn(conn, a.outlet, grown, at, article_id)):
                await stories.recluster(conn, [story])
    return article_id, original.article_id if original else None


async def _lock_what_it_changes(conn: AsyncConnection[Any], joined: list[int], decision: originals.Decision) -> None:
    """The locks a save under the narrow locks takes once it knows what it changes besides its own
    rows, after its bands (fingerprints.lock_stories, then fingerprints.lock_groups): the stories it
    joins or ties, and when it reproduces stored articles (a copy, or the earliest of a group of
    copies, which re-points it) the stories of that group and the group itself. What it decided on
    was read before these locks: if a story is gone or the group was changed meanwhile (another copy
    of it saved, its members re-pointed or moved to another story), it raises _Exclusive.

    A copy's save used to be redone under the exclusive lock: every other save of every process
    drained first, about 160 ms with nothing else stored, for 5 % of the pages (bench/ingest.py)."""
    group = decision.group
    wanted = set(joined) if decision.original is None else set()  # a copy joins its original's story
    wanted.update(r["story_id"] for r in group if r["story_id"] is not None)
    roots = sorted({r["duplicate_of"] or r["id"] for r in group})
    # in the pipeline: the locks and both checks in one round trip
    await fingerprints.lock_stories(conn, sorted(wanted))
    await fingerprints.lock_groups(conn, roots)
    counted = "SELECT count(*) AS n FROM stories WHERE id = ANY(%s)"
    stories_found = await conn.execute(counted, (sorted(wanted),)) if wanted else None
    again = await originals.group_of(conn, roots) if roots else []
    if stories_found is not None:
        found = await stories_found.fetchone()
        if found is None or found["n"] != len(wanted):
            raise _Exclusive("a story it was to join was merged meanwhile")
    if [_as_decided(r) for r in again] != [_as_decided(r) for r in group]:
        raise _Exclusive("the group it reproduces was changed meanwhile")


def _as_decided(row: Row) -> tuple[Any, ...]:
    """What of a group member a decision depends on (originals.group_of's order is kept)."""
    return row["id"], row["duplicate_of"], row["seed_duplicate"], row["similarity"], row["story_id"]


async def _story_inputs(conn: AsyncConnection[Any], a: NewArticle, keys: list[int], at: datetime) -> tuple[Any, ...]:
    """The outlet's template among the article's sentences (and the counts it was learned from),
    its story terms without that text, the story window and the scores against its candidates."""
    counted = await outlet_templates.counts(conn, [a.outlet], keys, at)
    template = outlet_templates.learned(counted, a.outlet, keys)
    if a.terms is not None:
        terms = a.terms
    elif a.plain_terms is not None and template.isdisjoint(keys):  # nothing to leave out
        terms = a.plain_terms
    else:
        terms = story_terms(a.title, template_rules.strip(a.text, template), a.lang)
    seen = await stories.window(conn, terms, at, story_rules.WINDOW)
    scored = story_rules.scores(terms, seen.candidates, seen.df, seen.n, a.lang)
    return template, counted, terms, seen, scored


async def add_matches(conn: AsyncConnection[Any], article_id: int, keyword_ids: list[int]) -> None:
    if keyword_ids:
        await conn.execute(
            "INSERT INTO article_keywords (article_id, keyword_id) SELECT %s, unnest(%s::bigint[])"
            " ON CONFLICT DO NOTHING",
            (article_id, keyword_ids),
        )


SORTS = ("newest", "relevance")


@dataclass(frozen=True)
class Filters:
    """What `search` narrows the archive to, in which order, and which page."""

    since: datetime | None = None
    until: datetime | None = None
    source: str | None = None
    lang: str | None = None
    keyword: str | None = None
    include_duplicates: bool = False
    limit: int = 50
    offset: int = 0
    sort: str = "newest"  # or "relevance": title matches first, newest first within each group
    edited: bool = False  # only articles a re-check found edited (monitor.store.rechecks)
    removed: bool = False  # only articles a re-check found taken down


SELECT_ARTICLE = """
    SELECT a.id, a.url, a.title, a.outlet AS source, a.lang, a.published_at, a.date_source, a.fetched_at, a.stored_at,
           a.duplicate_of, a.seed_duplicate, a.story_id, a.is_seed, a.text, a.final_url, a.raw_sha256,
           a.fetch_headers, a.similarity,
           coalesce((SELECT array_agg(k.name ORDER BY k.name) FROM article_keywords ak
                       JOIN keywords k ON k.id = ak.keyword_id WHERE ak.article_id = a.id), '{}') AS keywords
      FROM articles a
"""

# The one order of results (newest first, then id), so pages never overlap or skip an article.
NEWEST = "a.published_at DESC NULLS LAST, a.id DESC"


def _filters(f: Filters) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    args: list[Any] = []

    def add(sql: str, value: Any) -> None:
        where.append(sql)
        args.append(value)

    if f.since is not None:
        add("a.published_at >= %s", f.since)
    if f.until is not None:
        add("a.published_at < %s", f.until)
    if f.source is not None:
        add("a.outlet = %s", f.source)
    if f.lang is not None:
        add("a.lang = %s", f.lang)
    if f.keyword is not None:
        # the keyword's id as a sub-select, not a join on its name: with the join the planner
        # gathered every match then sorted (60 ms at 20,000 articles); this walks the date index
        add(
            "EXISTS (SELECT 1 FROM article_keywords ak WHERE ak.article_id = a.id"
            " AND ak.keyword_id = (SELECT k.id FROM keywords k WHERE k.name = %s))",
            f.keyword,
        )
    if f.edited:
        where.append("EXISTS (SELECT 1 FROM article_checks c WHERE c.article_id = a.id AND c.edited_at IS NOT NULL)")
    if f.removed:
        where.append("EXISTS (SELECT 1 FROM article_checks c WHERE c.article_id = a.id AND c.removed_at IS NOT NULL)")
    if not f.include_duplicates:
        where.append("a.duplicate_of IS NULL")
    return where, args


async def search(conn: AsyncConnection[Any], tree: Node | None, f: Filters) -> list[Row]:
    """One page of the articles matching `tree` and the filters, each with a `snippet`: the
    (text, marked) segments of monitor.query.snippet around the matched words.

    Newest first (publication time, then id); with `sort="relevance"`, the articles with a searched
    word in their title come first, then the others, each group newest first. An empty result is
    an empty list.
    """
    if f.sort not in SORTS:
        raise UsageError(f"search: unknown sort {f.sort!r} (one of: {', '.join(SORTS)})")
    condition, params = compile_sql(tree)
    where, args = _filters(f)
    matching = " AND ".join([condition, *where])
    title_hit = compile_title_hit(tree) if f.sort == "relevance" else None
    # Pick the page's ids first (never a prepared, generic plan: the best plan depends on how
    # rare the searched words are), then read the full rows of those few only.
    if title_hit is None:
        sql = f"SELECT a.id FROM articles a WHERE {matching} ORDER BY {NEWEST} LIMIT %s OFFSET %s"
        cur = await conn.execute(sql.encode(), [*params, *args, f.limit, f.offset], prepare=False)
        ids = [r["id"] for r in await cur.fetchall()]
    else:
        # Each group is its own newest-first query, cut at the end of the page, so neither has to
        # rank every match of a common word; the second runs only when the first cannot fill the
        # page (for `title:` queries it is empty, and looking for nothing is the slowest search).
        hit, hit_params = title_hit
        end = f.limit + f.offset
        filters = (" AND ".join(where) or "TRUE", args)
        implied = title_hit_implies_match(tree)
        ids = await title_hits(conn, title_hit, (condition, params), filters, (f.since, f.until), end, implied)
        if len(ids) < end:
            sql = f"SELECT a.id FROM articles a WHERE {matching} AND NOT {hit} ORDER BY {NEWEST} LIMIT %s"
            cur = await conn.execute(sql.encode(), [*params, *args, *hit_params, end - len(ids)], prepare=False)
            ids += [r["id"] for r in await cur.fetchall()]
        ids = ids[f.offset : end]
    cur = await conn.execute(
        (
            SELECT_ARTICLE
            + " JOIN unnest(%s::bigint[]) WITH ORDINALITY AS page (id, n) ON page.id = a.id ORDER BY page.n"
        ).encode(),
        [ids],
    )
    rows = await cur.fetchall()
    for r in rows:
        r["snippet"] = snippet(r["text"], tree)
    return rows


async def get(conn: AsyncConnection[Any], article_id: int) -> Row | None:
    cur = await conn.execute((SELECT_ARTICLE + " WHERE a.id = %s").encode(), (article_id,))
    return await cur.fetchone()


async def copies(conn: AsyncConnection[Any], article_id: int) -> list[Row]:
    """The republications of an article (or seed): outlet, URL, first seen, similarity."""
    cur = await conn.execute(
        "SELECT id, outlet, url, stored_at AS first_seen, similarity FROM articles"
        " WHERE duplicate_of = %s ORDER BY stored_at, id",
        (article_id,),
    )
    return await cur.fetchall()


async def totals(conn: AsyncConnection[Any]) -> Row:
    cur = await conn.execute(
        "SELECT count(*) AS articles, count(*) FILTER (WHERE duplicate_of IS NOT NULL) AS duplicates,"
        " count(*) FILTER (WHERE is_seed) AS seeds,"
        " count(*) FILTER (WHERE stored_at > now() - interval '24 hours') AS last_24h FROM articles"
    )
    row = await cur.fetchone()
    assert row is not None
    return row


def filter_clauses(f: Filters) -> tuple[list[str], list[Any]]:
    """The WHERE clauses (on `articles a`) and their values of a search's filters, for a count
    of the same search (monitor.store.home)."""
    return _filters(f)
