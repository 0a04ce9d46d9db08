"""Everything about one fetched page that needs no database, in one call: extraction, the dates,
the folded text for matching, the keyword matches, the exact-text hash, the MinHash signature, the
sentence keys of template learning and the story terms.

`understand` runs in an extract process (monitor.pipeline.workers), so that the CPU-heavy work of
an article is done on another core in one round trip, and the event loop only fetches and stores:
before, extraction ran there but fingerprints and story terms went through `asyncio.to_thread`
under the poller's GIL, and folding and matching ran on the loop itself (issue 16).

The story terms are computed as if the outlet had no template text; the save uses them when none of
the article's sentences is template text (monitor.store.articles.save), and computes them again
without that text otherwise (the template is only known from the database).
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from monitor.pipeline import templates
from monitor.pipeline.dates import choose_published
from monitor.pipeline.dedup import content_hash
from monitor.pipeline.extract import clean, extract
from monitor.pipeline.fingerprint import Signature, fingerprint
from monitor.pipeline.match import match
from monitor.pipeline.stories import terms as story_terms
from monitor.query.fold import fold
from monitor.query.match import Doc
from monitor.query.parse import Node


@dataclass(frozen=True)
class Page:
    """What the understanding of a page starts from (the parts of spiders' Fetched it reads)."""

    html: str
    final_url: str
    fetched_at: datetime
    outlet: str
    feed_title: str | None = None
    feed_summary: str | None = None
    feed_published: datetime | None = None
    source_lang: str | None = None


@dataclass(frozen=True)
class Understood:
    title: str
    text: str
    lang: str | None
    canonical: str | None
    published_at: datetime | None
    date_source: str | None
    folded: str
    folded_title: str
    folded_outlet: str
    content_hash: str | None
    signature: Signature
    keys: list[int]  # sentence keys (monitor.pipeline.templates)
    terms: set[str]  # story terms, no template text left out
    keyword_ids: tuple[int, ...]  # the watched keywords it matches
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds by stage, in the process that ran it


# CPU seconds by stage of every `understand` whose result reached this process (bench/ingest.py)
SPENT: defaultdict[str, float] = defaultdict(float)


def account_cpu(cpu: dict[str, float]) -> None:
    for stage, seconds in cpu.items():
        SPENT[stage] += seconds


class _Clock:
    """CPU time of this thread spent in each stage (what bench/ingest.py reports by stage)."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = {}
        self.last = time.thread_time()

    def lap(self, stage: str) -> None:
        now = time.thread_time()
        self.spent[stage] = self.spent.get(stage, 0.0) + now - self.last
        self.last = now


def understand(page: Page, keywords: list[tuple[int, str, Node]]) -> Understood:
    clock = _Clock()
    extracted = extract(page.html, page.final_url, page.fetched_at)
    title = extracted.title or clean(page.feed_title or "")
    text = extracted.text or clean(page.feed_summary or "")
    published, date_source = choose_published(
        extracted.stated, page.feed_published, page.final_url, extracted.written, page.fetched_at
    )
    lang = extracted.lang or page.source_lang
    clock.lap("extract")
    doc = Doc.of(title, text, page.outlet, lang)
    names = set(match(doc, [(name, tree) for _, name, tree in keywords]))
    folded_outlet = fold(page.outlet)
    clock.lap("match")
    hashed = content_hash(text)
    clock.lap("dedup")
    signature = fingerprint(text)
    clock.lap("fingerprint")
    keys = templates.keys(text)
    clock.lap("templates")
    terms = story_terms(title, text, lang)
    clock.lap("stories")
    return Understood(
        title=title,
        text=text,
        lang=lang,
        canonical=extracted.canonical,
        published_at=published,
        date_source=date_source,
        folded=doc.folded,
        folded_title=doc.folded_title,
        folded_outlet=folded_outlet,
        content_hash=hashed,
        signature=signature,
        keys=keys,
        terms=terms,
        keyword_ids=tuple(kid for kid, name, _ in keywords if name in names),
        cpu=clock.spent,
    )
