"""Loading a watch (the built-in one is `monitor/watch/`): the seed articles, the default sources and
the default keywords. Idempotent."""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from psycopg import AsyncConnection

from monitor.pipeline.dedup import content_hash
from monitor.pipeline.fingerprint import fingerprint
from monitor.pipeline.templates import keys as template_keys
from monitor.query.fold import fold
from monitor.query.match import Doc
from monitor.store import articles, fingerprints, keywords, sources, templates

SEEDS_DIR = Path(__file__).resolve().parent / "watch"  # package data: a plain `pip install` has it
SEED_SOURCE = "seeds"
_DATE_HEADER = re.compile(r"^\s*date\s+\d{4}-\d{2}-\d{2}\s*")


@dataclass
class Loaded:
    articles: int = 0
    sources: int = 0
    keywords: int = 0
    updated: list[str] = field(default_factory=list)  # default keywords given this version's query
    kept: list[str] = field(default_factory=list)  # default keywords whose query a user changed: left alone
    indexed: int = 0  # stored articles (seeds first) newly entered in the duplicates index


async def index_archive(conn: AsyncConnection[Any]) -> int:
    """Fingerprint every stored article that has no fingerprint yet: seeds of an archive older than
    the duplicates index, and the articles stored before it, so that copies of them are recognised."""
    done = after = 0
    while batch := await fingerprints.unindexed(conn, after):
        for article_id, text in batch:
            await fingerprints.add(conn, article_id, fingerprint(text))
        done += len(batch)
        after = batch[-1][0]
    after = 0  # and the sentences of each outlet's articles, from which its template is learned (012)
    while rows := await templates.unrecorded(conn, after):
        for r in rows:
            await templates.record(conn, r["id"], r["outlet"], r["at"], template_keys(r["text"]))
        after = rows[-1]["id"]
    return done


def seed_text(raw: str) -> str:
    """The article text of a seed file: the leading `date YYYY-MM-DD` header removed."""
    return _DATE_HEADER.sub("", raw, count=1).strip()


def _read(path: Path) -> dict:
    with path.open("rb") as f:
        return tomllib.load(f)


async def load(conn: AsyncConnection[Any], folder: Path = SEEDS_DIR) -> Loaded:
    loaded = Loaded()
    await sources.ensure(conn, SEED_SOURCE, "seed:", kind="seed", interval_s=86400)
    seed_source = await sources.get(conn, SEED_SOURCE)
    for spec in _read(folder / "articles.toml").get("article", []):
        text = seed_text((folder / spec["file"]).read_text(encoding="utf-8"))
        doc = Doc.of(spec["title"], text, spec["outlet"], spec.get("lang"))
        published = datetime.fromisoformat(spec["published"]).replace(tzinfo=UTC)
        saved = await articles.save(
            conn,
            articles.NewArticle(
                source_id=seed_source["id"],
                outlet=spec["outlet"],
                url=f"seed:{spec['key']}",
                guid=spec["key"],
                title=spec["title"],
                text=text,
                folded=doc.folded,
                folded_title=doc.folded_title,
                folded_outlet=fold(spec["outlet"]),
                lang=spec.get("lang"),
                published_at=published,
                fetched_at=datetime.now(UTC),
                content_hash=content_hash(text),
                raw_sha256=hashlib.sha256(text.encode()).hexdigest(),
                is_seed=True,
            ),
        )
        loaded.articles += saved is not None
    loaded.indexed = await index_archive(conn)
    for spec in _read(folder / "sources.toml").get("source", []):
        loaded.sources += await sources.ensure(conn, spec["name"], spec["url"], lang=spec.get("lang"))
    for spec in _read(folder / "keywords.toml").get("keyword", []):
        query = " ".join(spec["query"].split())  # written over several lines in the file
        outcome = await keywords.ensure(conn, spec["name"], query, spec.get("replaces", []))
        loaded.keywords += outcome == "added"
        if outcome == "updated":
            loaded.updated.append(spec["name"])
        elif outcome == "kept":
            loaded.kept.append(spec["name"])
    return loaded
