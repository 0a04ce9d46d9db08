"""A seed before it is stored: its text, title, outlet, publication date and language, from a watch's
file, a file the user names (plain text or HTML) or a fetched page, with the user's options filling
(or overriding) what the page says. Checked here, whichever door it came through."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from monitor import validate
from monitor.errors import UsageError
from monitor.pipeline.canonical import choose_key
from monitor.pipeline.dates import choose_published
from monitor.pipeline.dedup import MIN_SHARED, content_hash
from monitor.pipeline.extract import clean, extract
from monitor.pipeline.fingerprint import SHINGLE
from monitor.pipeline.ingest import Fetched
from monitor.query.fold import fold, words
from monitor.query.match import Doc
from monitor.store.articles import NewArticle
from monitor.store.evidence import FirstFetch
from monitor.store.seeds import URL_PREFIX

_DATE_HEADER = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\s*")
_HTML = re.compile(r"^\s*(<!doctype html|<html|<head|<body|<article|<p[\s>]|<div)", re.IGNORECASE)
MIN_WORDS = MIN_SHARED + SHINGLE - 1  # fewer words can never be found reproduced (monitor.pipeline.dedup)


@dataclass(frozen=True)
class Draft:
    key: str  # stable: stored as the URL seed:<key>
    title: str
    text: str
    outlet: str
    published_at: datetime | None  # required by `checked`
    lang: str | None
    page_url: str | None = None  # the page it was fetched from (final, after redirects)
    raw_sha256: str | None = None
    fetch_headers: dict[str, str] | None = None
    date_source: str | None = None
    fetched_at: datetime | None = None
    evidence: FirstFetch | None = None  # a fetched page's capture (WARC) and re-check schedule

    def checked(self) -> Draft:
        """The draft, or a UsageError saying what makes it no seed."""
        if not self.text.strip():
            raise UsageError("seeds: the page holds no text")
        if not self.title.strip():
            raise UsageError("seeds: the page gives no title: give one (--title TEXT)")
        if self.published_at is None:
            raise UsageError("seeds: no publication date in the page: give one (--published YYYY-MM-DD)")
        found = len(words(self.text))
        if found < MIN_WORDS:
            raise UsageError(
                f"seeds: the text is too short to recognise copies of ({found} words; at least {MIN_WORDS})"
            )
        return self

    def article(self, source_id: int) -> NewArticle:
        doc = Doc.of(self.title, self.text, self.outlet, self.lang)
        return NewArticle(
            source_id=source_id,
            outlet=self.outlet,
            url=URL_PREFIX + self.key,
            guid=self.key,
            title=self.title,
            text=self.text,
            folded=doc.folded,
            folded_title=doc.folded_title,
            folded_outlet=fold(self.outlet),
            lang=self.lang,
            published_at=self.published_at,
            fetched_at=self.fetched_at or datetime.now(UTC),
            content_hash=content_hash(self.text),
            date_source=self.date_source,
            final_url=self.page_url,
            raw_sha256=self.raw_sha256 or hashlib.sha256(self.text.encode()).hexdigest(),
            fetch_headers=self.fetch_headers,
            is_seed=True,
            evidence=self.evidence,
        )


@dataclass(frozen=True)
class Options:
    """What the user said of the seed (`seeds add --title --outlet --published --lang`); each wins
    over what the page says, and is required where the page says nothing."""

    title: str | None = None
    outlet: str | None = None
    published: datetime | None = None
    lang: str | None = None

    def checked(self) -> Options:
        return Options(
            title=validate.line(self.title, "title", 1000) if self.title is not None else None,
            outlet=validate.name(self.outlet, "outlet") if self.outlet is not None else None,
            published=self.published,
            lang=validate.optional_language(self.lang, "lang"),
        )


def seed_text(raw: str) -> str:
    """The article text of a seed file: the leading `date YYYY-MM-DD` header removed."""
    return _DATE_HEADER.sub("", raw, count=1).strip()


def _finish(draft: Draft, options: Options) -> Draft:
    return replace(
        draft,
        title=options.title or draft.title,
        outlet=options.outlet or draft.outlet,
        published_at=options.published or draft.published_at,
        lang=options.lang or draft.lang,
        date_source=None if options.published else draft.date_source,
    ).checked()


def from_file(path: Path, options: Options, max_bytes: int) -> Draft:
    """A seed from a file of plain text (its first line may be `date YYYY-MM-DD`) or of HTML."""
    try:
        if path.stat().st_size > max_bytes:
            raise UsageError(f"seeds: {path} is larger than NEWSWATCH_MAX_BODY_MB")
        raw = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"seeds: cannot read {path}: {exc.strerror}") from None
    return from_bytes(path.name, raw, options)


def from_bytes(name: str, raw: bytes, options: Options) -> Draft:
    """A seed from the bytes of a file called `name`: plain text or HTML, in UTF-8."""
    options = options.checked()
    try:
        body = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError(f"seeds: {name} is not UTF-8 text") from None
    key = f"{Path(name).stem or 'seed'}-{hashlib.sha256(raw).hexdigest()[:10]}"
    if not options.outlet:
        raise UsageError("seeds: a file does not say who published it: give the outlet (--outlet NAME)")
    if _HTML.match(body):
        page = extract(body, f"file:{name}")
        draft = Draft(key, page.title, page.text, options.outlet, page.published, page.lang)
    else:
        from monitor.pipeline.language import detect_language  # the model loads on first use (monitor.pipeline.extract)

        dated = _DATE_HEADER.match(body)
        text = clean(seed_text(body))
        first = text.split("\n", 1)[0].strip()
        published = datetime.fromisoformat(dated.group(1)).replace(tzinfo=UTC) if dated else None
        title = first if len(first) <= 300 else first[:299] + "…"
        draft = Draft(key, title, text, options.outlet, published, detect_language(text))
    return _finish(draft, options)


def outlet_of(url: str, known: dict[str, str]) -> str:
    """Who published the page: the source whose URL has its host (`known`: host -> source name),
    else the host itself."""
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    return known.get(host, host)


def from_page(fetched: Fetched, options: Options, outlet: str) -> Draft:
    """A seed from a fetched page: extracted the way an article is (monitor.pipeline.ingest)."""
    options = options.checked()
    page = extract(fetched.html, fetched.final_url, fetched.fetched_at)
    stated, date_source = choose_published(page.stated, None, fetched.final_url, page.written, fetched.fetched_at)
    # a page that gives no date: when it was fetched is no publication date of a seed
    published = None if date_source == "fetched" else stated
    draft = Draft(
        key=choose_key(fetched.final_url, page.canonical),
        title=page.title,
        text=page.text,
        outlet=outlet,
        published_at=published,
        lang=page.lang or fetched.source_lang,
        page_url=fetched.final_url,
        raw_sha256=hashlib.sha256(fetched.raw).hexdigest(),
        fetch_headers=fetched.headers,
        date_source=None if published is None else date_source,
        fetched_at=fetched.fetched_at,
    )
    return _finish(draft, options)
