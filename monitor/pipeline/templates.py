"""An outlet's template text: the sentences it repeats across many of its own articles.

Trend ends every election story with the same three background paragraphs; other outlets repeat a
sign-off, a "read also" list or a boilerplate paragraph that survives extraction. Such text says
nothing about the article it ends: two different articles of one outlet that share it (and one
quote) are not copies of each other, and an item shorter than the story lead must not take it for
its lead.

The unit is the sentence, not the paragraph or line: a copier re-wraps lines (MENAFN's hard line
breaks) and prefixes the first paragraph, but keeps the sentences. A sentence is keyed by a hash of
its folded words (monitor.query.fold), so case, diacritics, punctuation and line breaks do not
matter. A sentence is part of an outlet's template when MIN_ARTICLES of that outlet's articles
published within DAYS of one another hold it (monitor.store.templates counts them in PostgreSQL).

Everything here is pure: the template is an input (a frozenset of keys), never looked up.
"""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

from monitor.query.fold import words

MIN_ARTICLES = 3  # an outlet's articles that must hold a sentence before it is template text
DAYS = timedelta(days=30)  # ... published within this of one another
MIN_WORDS = 5  # a shorter sentence ("Read also:") is no evidence either way; it is never keyed

# A sentence ends at . ! ? … (and a closing quote or bracket after it) before white space, or at a line
# break that ends a paragraph. Abbreviations split a sentence in two, the same way in every article.
_SENTENCE = re.compile(r"(?<=[.!?…])[\"'”»)\]]*\s+|\n\s*\n")

Template = frozenset[int]
NONE: Template = frozenset()


def sentences(text: str) -> list[str]:
    """The sentences of `text`, in order, stripped; empty ones left out."""
    return [s.strip() for s in _SENTENCE.split(text) if s and s.strip()]


def key(sentence: str) -> int | None:
    """A signed 64-bit key of the sentence's folded words (PostgreSQL bigint); None when too short."""
    found = words(sentence)
    if len(found) < MIN_WORDS:
        return None
    digest = hashlib.blake2b(" ".join(found).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


def keys(text: str) -> list[int]:
    """The distinct keys of the sentences of `text`, in order of first appearance."""
    seen: dict[int, None] = {}
    for s in sentences(text):
        k = key(s)
        if k is not None:
            seen.setdefault(k, None)
    return list(seen)


def strip(text: str, template: Template) -> str:
    """`text` without its template sentences (paragraph breaks kept where whole paragraphs remain)."""
    if not template:
        return text
    kept_paragraphs = []
    for paragraph in re.split(r"\n\s*\n", text):
        kept = [s for s in sentences(paragraph) if key(s) not in template]
        if kept:
            kept_paragraphs.append(" ".join(kept))
    return "\n\n".join(kept_paragraphs)
