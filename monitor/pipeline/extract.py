"""Understanding a page: clean text, title, date and language, with trafilatura and py3langid."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime
from html import unescape
from typing import Any
from urllib.parse import urljoin

import trafilatura
from py3langid.langid import MODEL_FILE, LanguageIdentifier

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# The publication moment to the second, where the page states it (trafilatura keeps only the day).
_PUBLISHED_META = re.compile(
    r"""<meta[^>]+(?:property|name|itemprop)=["'](?:article:published_time|og:published_time|datePublished)["']"""
    r"""[^>]*content=["']([^"']+)["']""",
    re.IGNORECASE,
)
_JSONLD_PUBLISHED = re.compile(r'"datePublished"\s*:\s*"([^"]+)"')
_CANONICAL = re.compile(
    r"""<link\b(?=[^>]*\brel=["']?canonical\b)[^>]*\bhref=["']([^"']+)["']""",
    re.IGNORECASE,
)
MIN_LANG_TEXT = 20


@dataclass(frozen=True)
class Extracted:
    title: str
    text: str
    published: datetime | None
    lang: str | None
    published_day_only: bool = False  # True when only the day is known (no time in the page)
    canonical: str | None = None  # the page's rel=canonical, absolute


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


def _parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        try:
            parsed = datetime.combine(date.fromisoformat(value[:10]), datetime.min.time())
        except ValueError:
            return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def extract(html: str, url: str) -> Extracted:
    """The article in `html`: title, main text (boilerplate removed), date and language."""
    doc: Any = trafilatura.bare_extraction(  # a Document (with_metadata), or None
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        favor_precision=True,
        deduplicate=False,
    )
    stated = _PUBLISHED_META.search(html) or _JSONLD_PUBLISHED.search(html)
    precise = _parse_date(stated.group(1)) if stated else None
    declared = _CANONICAL.search(html)
    canonical = urljoin(url, unescape(declared.group(1)).strip()) if declared else None
    if doc is None:
        return Extracted("", "", precise, None, canonical=canonical)
    text = clean(doc.text or "")
    title = clean(doc.title or "")
    day = None if precise else _parse_date(doc.date)
    return Extracted(
        title=title,
        text=text,
        published=precise or day,
        lang=detect_language(text),
        published_day_only=day is not None,
        canonical=canonical,
    )
