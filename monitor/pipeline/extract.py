"""Understanding a page: clean text and title (trafilatura), the dates it gives for itself
(monitor.pipeline.pagedates) and its language (monitor.pipeline.language).

trafilatura and the language model (with numpy) are imported by the first extraction, not by this
module: the poller and a worker only hand pages to the extract processes (monitor.pipeline.workers),
and importing them there held 13 MiB more for nothing (the poller's peak in bench/ingest.py fell
from 180-184 MiB to 164-165; issue 16: a worker and its two extract processes under 600 MB).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from html import unescape
from typing import Any
from urllib.parse import urljoin

from monitor.pipeline import pagedates
from monitor.pipeline.dates import Dated

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CANONICAL = re.compile(
    r"""<link\b(?=[^>]*\brel=["']?canonical\b)[^>]*\bhref=["']([^"']+)["']""",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Extracted:
    title: str
    text: str
    lang: str | None
    canonical: str | None = None  # the page's rel=canonical, absolute
    stated: tuple[Dated, ...] = ()  # publication moments the page's markup states
    written: Dated | None = None  # the date line under its title, read from the text

    @property
    def published(self) -> datetime | None:
        """The page's own date, before the feed and the URL are heard (monitor.pipeline.dates)."""
        if self.stated:
            return min(d.at for d in self.stated)
        return self.written.at if self.written else None


def clean(text: str) -> str:
    """NUL and control characters removed (PostgreSQL refuses NUL in text)."""
    return _CONTROL.sub("", text)


def page_title(tree: Any) -> str:
    """The page's title as trafilatura's metadata pass finds it: its meta tags (OpenGraph and the
    like), then its JSON-LD, then its h1 or title element; with the same clean-up. The rest of that
    pass (author, site name, categories, tags, licence, and htmldate's search for a date, which
    monitor.pipeline.pagedates does its own way) is never read: it was a fifth of an extraction's
    CPU (bench/ingest.py, issue 16)."""
    from trafilatura.metadata import examine_meta, extract_meta_json, extract_title
    from trafilatura.utils import line_processing

    found = examine_meta(tree)
    if found.author and " " not in found.author:  # as trafilatura's pass does before reading JSON-LD
        found.author = None
    try:
        found = extract_meta_json(tree, found)
    except Exception:  # trafilatura's own pass forgives its JSON-LD reader's errors the same way  # noqa: S110
        pass
    value = found.title or extract_title(tree) or ""
    if len(value) > 10000:
        value = value[:9999] + "…"
    return line_processing(unescape(value)) or ""


def extract(html: str, url: str, fetched_at: datetime | None = None) -> Extracted:
    """The article in `html`: title, main text (boilerplate removed), the dates it gives (a date
    line without a year takes the one that puts it closest before `fetched_at`) and language."""
    import trafilatura

    from monitor.pipeline.language import detect_language

    tree = trafilatura.load_html(html)
    doc: Any = (
        None
        if tree is None
        else trafilatura.bare_extraction(  # a Document, or None
            tree,  # copied by trafilatura, which changes what it reads
            url=url,
            with_metadata=False,
            include_comments=False,
            include_tables=False,
            favor_precision=True,
            deduplicate=False,
        )
    )
    stated, written = pagedates.read(html, fetched_at or datetime.now(UTC))
    declared = _CANONICAL.search(html)
    canonical = urljoin(url, unescape(declared.group(1)).strip()) if declared else None
    if doc is None:
        return Extracted("", "", None, canonical=canonical, stated=stated, written=written)
    text = clean(doc.text or "")
    return Extracted(
        title=clean(page_title(tree)),
        text=text,
        lang=detect_language(text),
        canonical=canonical,
        stated=stated,
        written=written,
    )
