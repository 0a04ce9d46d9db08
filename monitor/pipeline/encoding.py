"""Turning a page's bytes into text when its charset label may be missing or wrong.

Order of trust: a byte-order mark; UTF-8 when the bytes are valid UTF-8 (non-ASCII text that
happens to be valid UTF-8 is almost never another encoding); the page's own `<meta charset>`;
the HTTP header; then a statistical guess (charset-normalizer). Servers mislabel far more often
than authors do: a Russian page in windows-1251 is often served as `charset=utf-8` or
`iso-8859-1` by a default server configuration.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# Labels that decode any byte sequence without error: they prove nothing, so they come last.
_PERMISSIVE = {"iso8859-1", "cp1252", "ascii"}


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    try:
        return codecs.lookup(label.strip()).name
    except LookupError:
        return None


def _try(body: bytes, encoding: str | None) -> str | None:
    if encoding is None:
        return None
    try:
        return body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """The text of an HTML page or XML document (never raises; undecodable bytes become U+FFFD)."""
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return body.decode(encoding, "replace")
    text = _try(body, "utf-8")
    if text is not None:
        return text
    meta = _META_CHARSET.search(body[:4096])
    header = _HEADER_CHARSET.search(content_type or "")
    declared = [
        _codec(meta.group(1).decode("latin-1")) if meta else None,
        _codec(header.group(1)) if header else None,
    ]
    for encoding in [e for e in declared if e and e not in _PERMISSIVE]:
        text = _try(body, encoding)
        if text is not None:
            return text
    guess = from_bytes(body[:65536]).best()
    if guess is not None:
        text = _try(body, guess.encoding)
        if text is not None:
            return text
    return body.decode(next((e for e in declared if e), "cp1252"), "replace")
