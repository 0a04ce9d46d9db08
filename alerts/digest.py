"""Assembling a digest: the subscriber's new articles grouped into stories."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property, lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from monitor.pipeline import canonical
from monitor.query import parse
from monitor.query.fold import fold
from monitor.query.parse import Node, Or
from monitor.query.snippet import Segment, snippet
from monitor.store.story_reads import headline as headline_of


@dataclass
class Outlet:
    name: str
    url: str | None  # its first article of the story, when the link is http(s): shown, never linked otherwise
    langs: list[str] = field(default_factory=list)  # the languages it carried the story in
    original: bool = False  # the story's first publisher
    copy_of: str | None = None  # when its first article of the story is a copy: the outlet it reproduces

    @cached_property  # asked for twice by each template
    def note(self) -> str:
        """What the built-in templates show beside its name: "en, original", "en, copy of Trend"."""
        parts = list(self.langs)
        if self.original:
            parts.append("original")
        elif self.copy_of:
            parts.append(f"copy of {self.copy_of}")
        return ", ".join(parts)


@dataclass
class Story:
    title: str  # in the subscriber's language when the story has an article in it, else the original's
    url: str | None  # the headline's article, when its link is http(s)
    snippet: list[Segment]
    first_seen: datetime  # when Newswatch first stored one of its articles, in the subscriber's zone
    seen: str  # first_seen as the built-in templates show it ("7 Feb 05:05 +04"; the year when not this one)
    keywords: list[str]
    outlets: list[Outlet] = field(default_factory=list)  # the first publisher first, then as they carried it
    article_ids: list[int] = field(default_factory=list)
    published: datetime | None = None  # its first publication (the original's), in the subscriber's zone
    published_seen: str = ""  # published as the built-in templates show it, "" when unknown
    langs: list[str] = field(default_factory=list)  # every language it was carried in, the original's first
    lang: str | None = None  # the headline's language (for `lang` on its block)
    snippet_lang: str | None = None  # the language of the article the snippet is from
    story_url: str | None = None  # the story's page in the web UI: its timeline, every outlet
    evidence_url: str | None = None  # the headline article's page, at its evidence

    @property
    def original(self) -> Outlet | None:
        """The first publisher: the outlet of the story's earliest-published article that copies nothing."""
        return self.outlets[0] if self.outlets and self.outlets[0].original else None

    @property
    def languages(self) -> str:
        """The languages in English words: "English and Russian"."""
        return language_names(tuple(self.langs))


@dataclass
class Section:
    """The stories of one keyword: each story is in the section of its first keyword only."""

    keyword: str
    stories: list[Story]


@dataclass
class Change:
    """An edit or a takedown of an article in a story the subscriber received (`--changes`)."""

    kind: str  # "edited" or "removed"
    title: str
    outlet: str
    url: str | None  # the article's page at the outlet, when http(s)
    page: str  # its page on Newswatch, with the versions and the diff
    seen: str  # when the re-check found it, as the templates show times
    detail: str  # what changed, or why it counts as taken down
    version_id: int


@dataclass
class SeedCopy:
    """A republication of a seed first seen since the previous digest (`--seed-copies`): never a
    story, a line of its own short section."""

    article_id: int
    outlet: str
    title: str
    url: str | None  # the copy at the outlet, when http(s)
    page: str  # its word diff against the seed, on Newswatch
    seed: str  # the seed's title
    delay: str  # after the seed's publication, in words
    similarity: float | None


@dataclass
class Digest:
    email: str
    local_date: date
    tz: str
    stories: list[Story]
    keyword_counts: list[tuple[str, int]]
    unsubscribe_url: str = ""
    changes: list[Change] = field(default_factory=list)
    seed_copies: list[SeedCopy] = field(default_factory=list)
    more_seed_copies: int = 0  # first seen since the previous digest beyond those listed (told too)
    seed_copy_ids: list[int] = field(default_factory=list)  # every copy the section tells of

    @property
    def article_ids(self) -> list[int]:
        return [i for s in self.stories for i in s.article_ids]

    @property
    def sections(self) -> list[Section]:
        """The stories by keyword, the keyword with the most stories first (as `keyword_counts`),
        each story once: under the first of its keywords in that order, in the digest's order."""
        order = {name: i for i, (name, _) in enumerate(self.keyword_counts)}
        by_keyword: dict[str, list[Story]] = {}
        for story in self.stories:
            first = min(story.keywords, key=lambda k: order.get(k, len(order))) if story.keywords else ""
            by_keyword.setdefault(first, []).append(story)
        return [Section(k, by_keyword[k]) for k in sorted(by_keyword, key=lambda k: order.get(k, len(order)))]

    @property
    def version_ids(self) -> list[int]:
        return [c.version_id for c in self.changes]


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _seen(local: datetime, this_year: int) -> str:
    """As the built-in templates show it ("7 Feb 05:05 +04"; "4 Feb 2022 10:00 +04" when not of the
    digest's year), in English whatever the locale: what strftime("%-d %b %H:%M %Z") gives, at a
    third of its cost (it was a tenth of assembling)."""
    year = "" if local.year == this_year else f" {local.year}"
    return f"{local.day} {_MONTHS[local.month - 1]}{year} {local.hour:02}:{local.minute:02} {local.tzname()}"


@lru_cache(maxsize=256)
def language_names(codes: tuple[str, ...]) -> str:
    """ISO 639-1 codes as English words, joined as a sentence would ("English, Russian and
    Azerbaijani"); a code Babel does not know stays a code."""
    from babel import Locale

    names = Locale("en").languages
    words = [str(names.get(c, c)) for c in codes]
    return " and ".join(words) if len(words) < 3 else ", ".join(words[:-1]) + " and " + words[-1]


@lru_cache(maxsize=16384)
def _link(url: str) -> str | None:
    """The URL when it is http(s), for a link; None (shown, never linked) otherwise."""
    return url if canonical.is_web_url(url) else None


@lru_cache(maxsize=512)
def _tree(queries: tuple[str, ...]) -> Node | None:
    trees = [t for t in (parse(q) for q in queries) if t is not None]
    return Or(tuple(trees)) if trees else None


# One run prepares the digests of every subscriber, and those who watch the same keywords get the
# same articles: each snippet is worked out once (the text is folded word by word, the costliest step).
@lru_cache(maxsize=4096)
def _snippet(article_id: int, text: str, queries: tuple[str, ...]) -> list[Segment]:
    return snippet(text, _tree(queries))


def _words(text: str) -> str:
    return " ".join(fold(text).split())


def after_title(segments: list[Segment], title: str | None) -> list[Segment]:
    """The snippet without the headline it starts with (pages and feeds often begin their text with
    the title, and the digest shows the title just above): the segments from the first character
    after it, when the snippet's text begins with the title's words; else the snippet as it is."""
    if not title or not segments:
        return segments
    text = "".join(t for t, _ in segments)
    wanted, folded = _words(title), _words(text)
    if not wanted or not folded.startswith(wanted) or folded[len(wanted) : len(wanted) + 1].isalnum():
        return segments
    cut, words_left = 0, len(wanted.split())
    for m in re.finditer(r"\S+", text):  # the characters of the title's words, however they are spaced
        words_left -= len(_words(m.group()).split()) or 1
        cut = m.end()
        if words_left <= 0:
            break
    rest, seen = [], 0
    for piece, marked in segments:
        start, seen = seen, seen + len(piece)
        if seen <= cut:
            continue
        rest.append((piece[max(0, cut - start) :], marked))
    while rest and not rest[0][0].strip(" .:-–—|\n"):
        rest.pop(0)
    if rest:
        rest[0] = (rest[0][0].lstrip(" .:-–—|\n"), rest[0][1])
    return rest or segments


def outlets_of(timeline: Sequence[dict[str, Any]]) -> list[Outlet]:
    """Each outlet of a story's timeline once, in its order (the first publisher first), with its
    first article's link and what that article is (the original, a copy of whom), and every
    language the outlet carried the story in."""
    by_name: dict[str, Outlet] = {}
    for m in timeline:
        outlet = by_name.get(m["outlet"])
        if outlet is None:
            outlet = by_name[m["outlet"]] = Outlet(
                m["outlet"],
                _link(m["url"]),
                original=bool(m.get("original")),
                copy_of=m.get("copy_of_outlet") if m.get("duplicate_of") is not None else None,
            )
        if m.get("lang") and m["lang"] not in outlet.langs:
            outlet.langs.append(m["lang"])
    return list(by_name.values())


def assemble(
    email: str,
    local_date: date,
    tz: str,
    rows: list[dict[str, Any]],
    carriers: Sequence[dict[str, Any]] = (),
    lang: str | None = None,
    base_url: str | None = None,
) -> Digest:
    """Group candidate rows (monitor.store.digests.candidates) by story, each story once with its
    timeline (`carriers`: monitor.store.digests.carriers, every article that carried it, the first
    publisher first): its headline in `lang` when the story has an article in it, else the
    original's; every outlet and language that carried it, the first publisher first. The most
    widely carried stories first, then the most recent. Counts per keyword are counts of stories.
    With `base_url` (the web app's), each story links to its page and its evidence there."""
    zone = ZoneInfo(tz)
    by_story: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        by_story.setdefault(row["story"], []).append(row)
    carried: dict[int, list[dict[str, Any]]] = {}
    for row in carriers:
        carried.setdefault(row["story"], []).append(row)
    ranked: list[tuple[int, datetime, Story]] = []  # (outlets, when published or seen, story)
    counts: Counter[str] = Counter()
    for key, members in by_story.items():
        keywords = sorted({k for r in members for k in r["keywords"]})
        counts.update(keywords)
        queries = tuple(sorted({q for r in members for q in r["queries"]}))
        timeline = carried.get(key) or members  # (a story's new articles are among its carriers)
        head = headline_of(timeline, lang)
        # the snippet shows the matched words of a new article: the headline's own if it is new,
        # else the earliest new one in the headline's language, else the earliest new one
        new = {r["id"]: r for r in members}
        ordered = [new[m["id"]] for m in timeline if m["id"] in new] or members
        told = new.get(head["id"]) or next((r for r in ordered if r.get("lang") == head.get("lang")), ordered[0])
        everyone = [*timeline, *members]
        when = min(r["published_at"] or r["stored_at"] for r in everyone)  # the order of the digest
        seen = min(r["stored_at"] for r in everyone).astimezone(zone)
        dated = [r["published_at"] for r in everyone if r["published_at"] is not None]
        published = min(dated).astimezone(zone) if dated else None
        outlets = outlets_of(timeline)
        title = head["title"] or head["url"]
        story_id = next((r.get("story_id") for r in members if r.get("story_id") is not None), None)
        story = Story(
            title=title,
            url=_link(head["url"]),
            snippet=after_title(_snippet(told["id"], told["text"], queries), told.get("title") or title),
            first_seen=seen,
            seen=_seen(seen, local_date.year),
            keywords=keywords,
            outlets=outlets,
            article_ids=sorted(r["id"] for r in members),
            published=published,
            published_seen=_seen(published, local_date.year) if published else "",
            langs=list(dict.fromkeys(m["lang"] for m in timeline if m.get("lang"))),
            lang=head.get("lang"),
            snippet_lang=told.get("lang"),
            story_url=f"{base_url.rstrip('/')}/stories/{story_id}" if base_url and story_id is not None else None,
            evidence_url=f"{base_url.rstrip('/')}/articles/{head['id']}#evidence" if base_url else None,
        )
        ranked.append((len(outlets), when, story))
    ranked.sort(key=lambda r: (r[0], r[1]), reverse=True)
    stories = [story for _, _, story in ranked]
    return Digest(email, local_date, tz, stories, sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def changes(rows: Sequence[dict[str, Any]], tz: str, base_url: str, this_year: int) -> list[Change]:
    """The changes of monitor.store.evidence.changes_for, as the digest tells them."""
    from monitor.evidence.diff import counts

    zone = ZoneInfo(tz)
    told = []
    for r in rows:
        if r["removed"]:
            detail = f"taken down: {r['why']}"
        else:
            ops = r["diff"] or {}
            added, removed = counts(ops.get("text") or [])
            parts = (["new title"] if ops.get("title") else []) + (
                [f"{added} word(s) added, {removed} removed"] if added or removed else []
            )
            detail = "edited: " + (", ".join(parts) or (r["why"] or "text changed"))
        told.append(
            Change(
                kind="removed" if r["removed"] else "edited",
                title=r["title"] or r["url"],
                outlet=r["outlet"],
                url=_link(r["url"]),
                page=f"{base_url.rstrip('/')}/articles/{r['article_id']}",
                seen=_seen(r["stored_at"].astimezone(zone), this_year),
                detail=detail,
                version_id=r["version_id"],
            )
        )
    return told


SEED_COPIES_LISTED = 10  # the section stays short: the rest are counted, and on the seeds' pages


def seed_copies(digest: Digest, rows: Sequence[dict[str, Any]], base_url: str) -> None:
    """The "republications of your seeds" section, from monitor.store.seeds.copies_first_seen."""
    from monitor.record import delay_text

    base = base_url.rstrip("/")
    digest.seed_copy_ids = [r["id"] for r in rows]
    digest.more_seed_copies = max(0, len(rows) - SEED_COPIES_LISTED)
    digest.seed_copies = [
        SeedCopy(
            article_id=r["id"],
            outlet=r["outlet"],
            title=r["title"] or r["url"],
            url=_link(r["url"]),
            page=f"{base}/seeds/{r['seed_id']}/copies/{r['id']}",
            seed=r["seed_title"],
            delay=delay_text(
                int(((r["published_at"] or r["first_seen"]) - r["seed_published_at"]).total_seconds())
                if r["seed_published_at"]
                else None
            ),
            similarity=None if r["similarity"] is None else float(r["similarity"]),
        )
        for r in rows[:SEED_COPIES_LISTED]
    ]
