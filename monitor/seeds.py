"""Loading a watch: its seed articles, default sources, default keywords (and the alias table, read
by monitor.pipeline.aliases). The built-in election watch is `monitor/watch/`, package data;
NEWSWATCH_SEEDS names a folder of the user's own laid out like it. Idempotent: what is loaded is
added once, a seed or keyword the user removed stays removed.

Every file is read and checked before anything is written: a malformed one is a usage error naming
the file and the line, and nothing of the watch is loaded.
"""

from __future__ import annotations

import asyncio
import re
import tomllib
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool

from monitor import validate
from monitor.errors import UsageError
from monitor.evidence.keeping import Keeping
from monitor.pipeline import aliases
from monitor.pipeline.fingerprint import fingerprint
from monitor.pipeline.ingest import Keywords, first_fetch
from monitor.pipeline.templates import keys as template_keys
from monitor.query.match import Doc
from monitor.seed_draft import Draft, Options, from_file, from_page, outlet_of, seed_text
from monitor.store import fingerprints, keywords, sources, subscribers, templates
from monitor.store import seeds as seed_store

SEEDS_DIR = Path(__file__).resolve().parent / "watch"  # package data: a plain `pip install` has it
SEED_SOURCE = "seeds"
__all__ = ["SEEDS_DIR", "SEED_SOURCE", "Loaded", "Options", "add", "add_from", "folder", "load", "read", "seed_text"]


@dataclass
class Loaded:
    articles: int = 0
    sources: int = 0
    keywords: int = 0
    updated: list[str] = field(default_factory=list)  # default keywords given this version's query
    kept: list[str] = field(default_factory=list)  # default keywords whose query a user changed: left alone
    indexed: int = 0  # stored articles (seeds first) newly entered in the duplicates index
    copies: int = 0  # stored articles found to reproduce a seed loaded now
    withdrawn: list[dict[str, Any]] = field(default_factory=list)  # digests to write again (`rewrite`)


@dataclass
class Watch:
    """A watch folder, read and checked: nothing written yet."""

    seeds: list[Draft]
    sources: list[tuple[str, str, str | None]]  # name, url, lang
    keywords: list[tuple[str, str, list[str]]]  # name, query, replaces


def folder(settings: Any) -> Path:
    """The watch to load: NEWSWATCH_SEEDS, else the built-in one."""
    if not settings.seeds:
        return SEEDS_DIR
    path = Path(settings.seeds).expanduser()
    if not path.is_dir():
        raise UsageError(f"NEWSWATCH_SEEDS: {path} is not a folder")
    return path


def _line_of(text: str, table: str, n: int) -> int:
    """The line of the n-th (from 1) `[[table]]` header of a TOML text."""
    found = [i for i, line in enumerate(text.splitlines(), 1) if re.match(rf"\s*\[\[\s*{table}\s*\]\]", line)]
    return found[n - 1] if n <= len(found) else 1


def _entries(path: Path, table: str) -> list[tuple[int, dict[str, Any]]]:
    """(line, entry) of each `[[table]]` of the file (none when it does not exist)."""
    if not path.exists():
        return []
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except UnicodeDecodeError:
        raise UsageError(f"seeds: {path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:  # its message ends "(at line L, column C)"
        raise UsageError(f"seeds: {path}: {exc}") from None
    found = data.get(table, [])
    if not isinstance(found, list) or not all(isinstance(e, dict) for e in found):
        raise UsageError(f"seeds: {path}: `{table}` must be a list of [[{table}]] tables")
    return [(_line_of(text, table, n), e) for n, e in enumerate(found, 1)]


def _text(entry: dict[str, Any], name: str, where: str, required: bool = True) -> str | None:
    value = entry.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise UsageError(f"{where}: `{name}` must be given as text")
    return value


def _seed(root: Path, entry: dict[str, Any], where: str) -> Draft:
    file, key = _text(entry, "file", where), _text(entry, "key", where)
    assert file is not None and key is not None
    path = (root / file).resolve()
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{where}: cannot read {file}: {getattr(exc, 'strerror', None) or exc}") from None
    published = _text(entry, "published", where)
    try:
        at = datetime.fromisoformat(str(published))
    except ValueError:
        raise UsageError(f"{where}: `published` is not a date (YYYY-MM-DD or ISO 8601): {published!r}") from None
    try:
        return Draft(
            key=validate.line(key, "key", 500),
            title=validate.line(_text(entry, "title", where), "title", 1000),
            text=seed_text(raw),
            outlet=validate.name(_text(entry, "outlet", where), "outlet"),
            published_at=at if at.tzinfo else at.replace(tzinfo=UTC),
            lang=validate.optional_language(entry.get("lang"), "lang"),
        ).checked()
    except UsageError as exc:
        raise UsageError(f"{where}: {exc}") from None


def read(root: Path) -> Watch:
    """Read and check every file of the watch folder `root`; a UsageError names the file and line."""
    watch = Watch([], [], [])
    path = root / "articles.toml"
    for line, entry in _entries(path, "article"):
        watch.seeds.append(_seed(root, entry, f"seeds: {path}, line {line}"))
    path = root / "sources.toml"
    for line, entry in _entries(path, "source"):
        where = f"seeds: {path}, line {line}"
        try:
            name, url, _, _, lang = sources.checked(
                _text(entry, "name", where) or "", _text(entry, "url", where) or "", lang=entry.get("lang")
            )
        except UsageError as exc:
            raise UsageError(f"{where}: {exc}") from None
        watch.sources.append((name, url, lang))
    path = root / "keywords.toml"
    for line, entry in _entries(path, "keyword"):
        where = f"seeds: {path}, line {line}"
        name = _text(entry, "name", where) or ""
        query = " ".join((_text(entry, "query", where) or "").split())  # written over several lines in the file
        replaces = entry.get("replaces", [])
        try:
            validate.name(name, "keyword name")
            keywords.checked(query)
        except UsageError as exc:
            raise UsageError(f"{where}: {exc}") from None
        if not isinstance(replaces, list) or not all(isinstance(q, str) for q in replaces):
            raise UsageError(f"{where}: `replaces` must be a list of queries")
        watch.keywords.append((name, query, replaces))
    path = root / "aliases.toml"
    entries = _entries(path, "alias")
    for line, entry in entries:
        try:
            aliases.parse([entry])
        except UsageError as exc:
            raise UsageError(f"seeds: {path}, line {line}: {exc}") from None
    return watch


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


async def load(conn: AsyncConnection[Any], root: Path = SEEDS_DIR) -> Loaded:
    """Load the watch at `root` (read and checked whole first); idempotent."""
    watch = read(root)
    loaded = Loaded()
    loaded.indexed = await index_archive(conn)
    source_id = await seed_source(conn)
    removed = await seed_store.removed_keys(conn)
    for draft in watch.seeds:
        if draft.key in removed or await seed_store.by_key(conn, draft.key) is not None:
            continue
        added = await seed_store.add(conn, await _matched(conn, draft, source_id))
        loaded.articles += 1
        loaded.copies += added.copies
        loaded.withdrawn += added.withdrawn
    for name, url, lang in watch.sources:
        loaded.sources += await sources.ensure(conn, name, url, lang=lang)
    for name, query, replaces in watch.keywords:
        outcome = await keywords.ensure(conn, name, query, replaces)
        loaded.keywords += outcome == "added"
        if outcome == "updated":
            loaded.updated.append(name)
        elif outcome == "kept":
            loaded.kept.append(name)
    return loaded


async def seed_source(conn: AsyncConnection[Any]) -> int:
    """The id of the seed articles' own source (never polled), made when missing."""
    await sources.ensure(conn, SEED_SOURCE, "seed:", kind="seed", interval_s=86400)
    return int((await sources.get(conn, SEED_SOURCE))["id"])


async def _matched(conn: AsyncConnection[Any], draft: Draft, source_id: int) -> Any:
    """The seed's article row, with the watched keywords it matches (as every stored article has)."""
    new = draft.article(source_id)
    doc = Doc.of(new.title, new.text, new.outlet, new.lang)
    matching = Keywords(await keywords.trees(conn)).ids_matching(doc)
    return replace(new, keyword_ids=tuple(matching))


async def add(pool: AsyncConnectionPool, settings: Any, draft: Draft) -> seed_store.Added:
    """Store one seed with its look-back (monitor.store.seeds.add); the digests that had to be
    withdrawn because they held one of its copies are written again without them."""
    async with pool.connection() as conn:
        added = await seed_store.add(conn, await _matched(conn, draft, await seed_source(conn)))
    await rewrite(pool, settings, added.withdrawn)
    return added


async def rewrite(pool: AsyncConnectionPool, settings: Any, withdrawn: list[dict[str, Any]]) -> None:
    """Write again the digests withdrawn by a seed's look-back (monitor.store.seeds.withdraw), for
    the same days, without the copies they held."""
    if not withdrawn:
        return
    from alerts import delivery

    now = datetime.now(UTC)
    for row in withdrawn:
        async with pool.connection() as conn:
            sub = await subscribers.by_id(conn, row["subscriber_id"])
        if sub is not None:
            await delivery.prepare(pool, settings, sub, now, row["local_date"], once_per_day=False)


async def add_from(pool: AsyncConnectionPool, settings: Any, target: str, options: Options) -> seed_store.Added:
    """A seed from `target`, a web page's URL or a file's path (see monitor.seed_draft)."""
    if "://" not in target:
        draft = from_file(Path(target), options, int(settings.max_body_mb * 1024 * 1024))
        return await add(pool, settings, draft)
    url = validate.web_url(target, "url")
    from spiders import page

    async with pool.connection() as conn:
        source = {"id": await seed_source(conn), "name": SEED_SOURCE, "lang": None}
        hosts: dict[str, list[str]] = {}
        for s in await sources.list_all(conn):
            hosts.setdefault((urlsplit(s["url"]).hostname or "").removeprefix("www."), []).append(s["name"])
    fetched = await page.fetch(settings, url, source)
    outlet = options.outlet or outlet_of(fetched.final_url, {h: n[0] for h, n in hosts.items() if len(n) == 1})
    draft = await asyncio.to_thread(from_page, fetched, options, outlet)  # refused before evidence is written
    draft = replace(draft, evidence=await first_fetch(fetched, Keeping.of(settings)))
    return await add(pool, settings, draft)
