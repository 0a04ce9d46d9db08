"""Originals: what a new article reproduces, and the re-pointing of a group of copies when an
earlier member arrives after them, or when an outlet's template text is learned after its articles.

Runs inside the save transaction, under the save's locks (fingerprints: the exclusive lock, or the
narrow ones, checked again once the group is locked: monitor.store.articles), so that what it reads
is what the insert that follows is judged against. The rules are monitor.pipeline.dedup's (pure):
this module only reads the group, scores its pairs and writes the changes.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from psycopg import AsyncConnection, AsyncCursor

from monitor.pipeline import dedup
from monitor.pipeline.fingerprint import Signature
from monitor.pipeline.templates import Template
from monitor.store import fingerprints
from monitor.store import templates as outlet_templates

NEW = sys.maxsize  # the newcomer's id while it has none: it sorts after every stored article on a tie
GROUP_AT_MOST = 50  # members of one group of copies read at once (the earliest ones)

_MEMBER = """
    SELECT a.id, a.outlet, a.title, a.text, a.lang, a.is_seed, a.published_at, a.fetched_at, a.duplicate_of,
           a.seed_duplicate, a.similarity, a.story_id, a.content_hash
      FROM articles a
"""


@dataclass(frozen=True)
class Newcomer:
    """What the decision needs of an article not stored yet."""

    outlet: str
    text: str
    published_at: datetime | None
    fetched_at: datetime
    is_seed: bool
    content_hash: str | None
    signature: Signature
    keys: list[int]  # its sentence keys (monitor.pipeline.templates.keys)
    recorded: bool = False  # its sentences are counted in outlet_sentences already (decided again)
    template: Template | None = None  # its outlet's template among its own sentences, if read already

    def member(self) -> dedup.Member:
        return dedup.Member(NEW, self.is_seed, self.published_at, self.fetched_at)


@dataclass
class Decision:
    original: dedup.Original | None  # of the newcomer
    template: Template  # of the newcomer's outlet: left out of its story terms
    changes: dict[int, dedup.Original | None] = field(default_factory=dict)  # stored members re-pointed
    group: list[dict[str, Any]] = field(default_factory=list)  # the stored members of its group


def member_of(row: dict[str, Any]) -> dedup.Member:
    return dedup.Member(row["id"], row["is_seed"], row["published_at"], row["fetched_at"])


def current(row: dict[str, Any]) -> dedup.Original | None:
    if row["duplicate_of"] is None:
        return None
    return dedup.Original(row["duplicate_of"], row["seed_duplicate"], round(float(row["similarity"] or 0.0), 4))


class Scorer:
    """Verified containment of pairs, each pair without the template text of its two outlets."""

    def __init__(self, texts: dict[int, tuple[str, str, str | None]], templates: dict[str, Template]):
        self.texts = texts  # id -> (outlet, text, content hash)
        self.templates = templates
        self._shingles: dict[tuple[int, Template], set[str]] = {}

    def shingles(self, article_id: int, template: Template) -> set[str]:
        cached = self._shingles.get((article_id, template))
        if cached is None:
            cached = self._shingles[(article_id, template)] = dedup.discounted(self.texts[article_id][1], template)
        return cached

    def score(self, a: int, b: int) -> float:
        (oa, _, ha), (ob, _, hb) = self.texts[a], self.texts[b]
        if ha and ha == hb:
            return 1.0
        template = self.templates.get(oa, frozenset()) | self.templates.get(ob, frozenset())
        return dedup.containment(self.shingles(a, template), self.shingles(b, template))


async def _rows(conn: AsyncConnection[Any], where: str, args: tuple[Any, ...]) -> list[dict[str, Any]]:
    cur = await conn.execute((_MEMBER + where).encode(), args)
    return await cur.fetchall()


async def group_of(
    conn: AsyncConnection[Any], roots: list[int], at_most: int | None = GROUP_AT_MOST
) -> list[dict[str, Any]]:
    """The roots and their copies, earliest first, at most `at_most` (None: all)."""
    return await _rows(
        conn,
        " WHERE a.id = ANY(%s) OR a.duplicate_of = ANY(%s)"
        " ORDER BY NOT a.is_seed, coalesce(a.published_at, a.fetched_at), a.fetched_at, a.id LIMIT %s",
        (roots, roots, at_most),
    )


async def _templates(conn: AsyncConnection[Any], rows: list[dict[str, Any]], new: Newcomer) -> dict[str, Template]:
    from monitor.pipeline.templates import keys

    if not rows and new.template is not None:  # nothing else to compare: no other sentences to count
        return {new.outlet: new.template}
    at = new.published_at or new.fetched_at
    wanted = set(new.keys)
    for r in rows:
        wanted.update(keys(r["text"]))
    found = await outlet_templates.counts(conn, {new.outlet, *(r["outlet"] for r in rows)}, wanted, at)
    return {
        o: outlet_templates.learned(found, o, new.keys if o == new.outlet and not new.recorded else ())
        for o in {new.outlet, *(r["outlet"] for r in rows)}
    }


@dataclass(frozen=True)
class Asked:
    """The lookups of what may reproduce an article, sent and not read yet (`ask`)."""

    same_text: AsyncCursor[Any] | None
    seeds: AsyncCursor[Any] | None
    near: AsyncCursor[Any] | None


async def ask(conn: AsyncConnection[Any], content_hash: str | None, sig: Signature) -> Asked:
    """Send `decide`'s lookups (the same text, every seed, the LSH candidates) without waiting for
    them: in a save's pipeline they go with its locks, in one round trip, instead of three of their own."""
    same = await conn.execute(_SAME_TEXT, (content_hash,)) if content_hash else None
    if not sig.size:
        return Asked(same, None, None)
    return Asked(same, await fingerprints.ask_seeds(conn), await fingerprints.ask_candidates(conn, sig))


async def decide(
    conn: AsyncConnection[Any], new: Newcomer, itself: int | None = None, asked: Asked | None = None
) -> Decision:
    """What the newcomer reproduces (its original: the earliest published article or seed of its
    group), and which stored members of that group must be re-pointed because it came first.
    `itself`: the newcomer is stored already under this id (decided again), and is left out.
    `asked`: its lookups, sent already (`ask`)."""
    if asked is None:
        asked = await ask(conn, new.content_hash, new.signature)
    ids = set(await _ids(asked.same_text))
    if new.signature.size:
        found = dict(await fingerprints.signatures(asked.seeds))
        for article_id, theirs in await fingerprints.signatures(asked.near):
            found.setdefault(article_id, theirs)
        found.pop(itself or 0, None)
        ids.update(dedup.worth_checking(new.signature, list(found.items())))
    ids.discard(itself or 0)
    candidates = await _rows(conn, " WHERE a.id = ANY(%s) ORDER BY a.id", (sorted(ids),)) if ids else []
    templates = await _templates(conn, candidates, new)
    texts = {NEW: (new.outlet, new.text, new.content_hash)}
    texts.update({r["id"]: (r["outlet"], r["text"], r["content_hash"]) for r in candidates})
    scorer = Scorer(texts, templates)
    matched = [r for r in candidates if scorer.score(NEW, r["id"]) >= dedup.THRESHOLD]
    if not matched:
        return Decision(None, templates[new.outlet])
    group = [
        r for r in await group_of(conn, sorted({r["duplicate_of"] or r["id"] for r in matched})) if r["id"] != itself
    ]
    others = [r for r in group if r["outlet"] not in templates]
    if others:
        templates.update(await _templates(conn, others, new))
    scorer.texts.update({r["id"]: (r["outlet"], r["text"], r["content_hash"]) for r in group})
    arranged = arrange(scorer, group, new.member())
    changes = {r["id"]: arranged[r["id"]] for r in group if arranged[r["id"]] != current(r)}
    return Decision(arranged[NEW], templates[new.outlet], changes, group)


LOOKBACK_AT_MOST = 100_000  # LSH candidates a seed's look-back reads (far more than any real seed's copies)


class Pairs(Mapping[tuple[int, int], float]):
    """The scores of pairs, each computed the first time dedup.arrange asks for it: a seed's group
    can hold hundreds of copies, and arrange asks only for the pairs it needs (each member against
    the seed first), where scoring every pair ahead would grow with the square of the group."""

    def __init__(self, scorer: Scorer):
        self.scorer = scorer
        self.known: dict[tuple[int, int], float] = {}

    def __getitem__(self, pair: tuple[int, int]) -> float:
        key = (min(pair), max(pair))
        if key not in self.known:
            self.known[key] = self.scorer.score(*key)
        return self.known[key]

    def __iter__(self) -> Iterator[tuple[int, int]]:
        return iter(self.known)

    def __len__(self) -> int:
        return len(self.known)


async def decide_all(conn: AsyncConnection[Any], new: Newcomer, itself: int) -> Decision:
    """`decide` for a seed just stored under `itself` (its look-back): every stored article that
    reproduces it, however many, with their whole groups, where `decide` keeps to the best
    CHECK_AT_MOST candidates and the first GROUP_AT_MOST members; the same rules and the same
    template discount. Changes naming the newcomer name `itself`."""
    found = await fingerprints.candidates(conn, new.signature, LOOKBACK_AT_MOST) if new.signature.size else []
    ids = set(await same_text(conn, new.content_hash))
    ids.update(dedup.worth_checking(new.signature, [(i, s) for i, s in found if i != itself], at_most=None))
    ids.discard(itself)
    candidates = await _rows(conn, " WHERE a.id = ANY(%s) ORDER BY a.id", (sorted(ids),)) if ids else []
    templates = await _templates(conn, candidates, new)
    scorer = Scorer({NEW: (new.outlet, new.text, new.content_hash)}, templates)
    scorer.texts.update({r["id"]: (r["outlet"], r["text"], r["content_hash"]) for r in candidates})
    matched = [r for r in candidates if scorer.score(NEW, r["id"]) >= dedup.THRESHOLD]
    if not matched:
        return Decision(None, templates[new.outlet])
    roots = sorted({r["duplicate_of"] or r["id"] for r in matched})
    group = [r for r in await group_of(conn, roots, at_most=None) if r["id"] != itself]
    templates.update(await _templates(conn, [r for r in group if r["outlet"] not in templates], new))
    scorer.texts.update({r["id"]: (r["outlet"], r["text"], r["content_hash"]) for r in group})
    arranged = dedup.arrange([member_of(r) for r in group] + [new.member()], Pairs(scorer))

    def named(o: dedup.Original | None) -> dedup.Original | None:
        return dedup.Original(itself, o.is_seed, o.similarity) if o is not None and o.article_id == NEW else o

    changes = {r["id"]: named(arranged[r["id"]]) for r in group if named(arranged[r["id"]]) != current(r)}
    return Decision(named(arranged[NEW]), templates[new.outlet], changes, group)


def arrange(scorer: Scorer, group: list[dict[str, Any]], new: dedup.Member | None = None) -> dict[int, Any]:
    members = [member_of(r) for r in group] + ([new] if new else [])
    ids = [m.article_id for m in members]
    score = {(a, b): scorer.score(a, b) for i, a in enumerate(ids) for b in ids[i + 1 :]}
    return dedup.arrange(members, score)


async def regroup(conn: AsyncConnection[Any], roots: list[int], at: datetime) -> tuple[dict[int, Any], list[dict]]:
    """Re-decide the groups of these roots with the templates known now (after an outlet's template
    was learned): members that no longer reproduce their original become originals. Returns the
    changes and the members read."""
    group = await group_of(conn, roots)
    if len(group) < 2:
        return {}, group
    probe = Newcomer(group[0]["outlet"], "", at, at, False, None, Signature((), 0), [])
    templates = await _templates(conn, group, probe)
    scorer = Scorer({r["id"]: (r["outlet"], r["text"], r["content_hash"]) for r in group}, templates)
    arranged = arrange(scorer, group)
    return {r["id"]: arranged[r["id"]] for r in group if arranged[r["id"]] != current(r)}, group


_SAME_TEXT = "SELECT id FROM articles WHERE content_hash = %s ORDER BY id LIMIT 20"


async def same_text(conn: AsyncConnection[Any], content_hash: str | None) -> list[int]:
    """Stored articles with exactly this normalised text."""
    return await _ids(await conn.execute(_SAME_TEXT, (content_hash,)) if content_hash else None)


async def _ids(asked: AsyncCursor[Any] | None) -> list[int]:
    """The ids an asked lookup found (none for a lookup not asked)."""
    return [r["id"] for r in await asked.fetchall()] if asked is not None else []


async def repoint(conn: AsyncConnection[Any], changes: dict[int, dedup.Original | None]) -> None:
    """Write re-pointed members: their original (or none), whether it is a seed, the similarity."""
    for article_id, original in sorted(changes.items()):
        await conn.execute(
            "UPDATE articles SET duplicate_of = %s, seed_duplicate = %s, similarity = %s WHERE id = %s",
            (
                original.article_id if original else None,
                original.is_seed if original else False,
                original.similarity if original else None,
                article_id,
            ),
        )
