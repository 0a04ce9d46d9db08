"""Text from an outlet made storable at the edge: PostgreSQL refuses NUL in text and in jsonb,
and control characters have no business in a GUID, a link, a title or a header. A NUL in one
item's GUID once lost the whole poll's items and silenced the source for good."""

from __future__ import annotations

import re

# C0 and C1 controls and DEL; text keeps tab, line feed and carriage return
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_TEXT_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def text(value: str | None) -> str | None:
    """A title or summary without NUL or other control characters (line breaks kept)."""
    if value is None:
        return None
    return _TEXT_CONTROLS.sub("", value)


def token(value: str | None) -> str | None:
    """A GUID, link or header value on one line: control characters removed, None when nothing is left."""
    if value is None:
        return None
    return _CONTROLS.sub("", value).strip() or None


def validator(value: str | None) -> str | None:
    """An ETag or Last-Modified as it may be sent back, or None: one holding control characters
    is not the server's own value any more, so it is not kept (the next poll is a plain GET)."""
    if value is None or _CONTROLS.search(value):
        return None
    return value.strip() or None
