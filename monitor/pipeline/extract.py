"""Understanding a page: clean text and title (trafilatura), the dates it gives for itself
(monitor.pipeline.pagedates) and its language (py3langid)."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from html import unescape
from typing import Any
from urllib.parse import urljoin

import trafilatura
from py3langid.langid import MODEL_FILE, LanguageIdentifier

from monitor.pipeline import pagedates
from monitor.pipeline.dates import Dated

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CANONICAL = re.compile(
    r"""<link\b(?=[^>]*\brel=["']?canonical\b)[^>]*\bhref=["']([^"']+)["']""",
    re.IGNORECASE,
)
MIN_LANG_TEXT = 20


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


_identifier_lock = threading.Lock()
_identifier: Any = None


def _language_identifier() -> Any:
    """py3langid's model (about 100 MB), loaded once. py3langid loads it lazily without a lock,
    so pages extracted in several threads at once would each load their own copy."""
    global _identifier
    with _identifier_lock:
        if _identifier is None:
            _identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=False)
    return _identifier


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language (offline, py3langid), None when too short to tell."""
    if len(text.strip()) < MIN_LANG_TEXT:
        return None
    lang, _score = _language_identifier().classify(text[:2000])
    return str(lang)


def extract(html: str, url: str, fetched_at: datetime | None = None) -> Extracted:
    """The article in `html`: title, main text (boilerplate removed), the dates it gives (a date
    line without a year takes the one that puts it closest before `fetched_at`) and language."""
    doc: Any = trafilatura.bare_extraction(  # a Document (with_metadata), or None
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        favor_precision=True,
        deduplicate=False,
    )
    stated, written = pagedates.read(html, fetched_at or datetime.now(UTC))
    declared = _CANONICAL.search(html)
    canonical = urljoin(url, unescape(declared.group(1)).strip()) if declared else None
    if doc is None:
        return Extracted("", "", None, canonical=canonical, stated=stated, written=written)
    text = clean(doc.text or "")
    return Extracted(
        title=clean(doc.title or ""),
        text=text,
        lang=detect_language(text),
        canonical=canonical,
        stated=stated,
        written=written,
    )
