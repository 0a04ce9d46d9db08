"""What a re-check found: the page unchanged, changed (an edit: a new version), or taken down.

A takedown is a 404, 410 or 451; a redirect to a home or section page; or a page that no longer
holds the article's text: it kept less than a fifth of the article's words (in runs of a few words)
and is mostly other text (a removal notice, a list of headlines). A page cut down to its lead is an
edit: what is left is the article's. Other error statuses (403, 5xx) and failed fetches are
failures, tried again later: an outlet's bad hour is not a takedown.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from monitor.evidence.diff import overlap

GONE = (404, 410, 451)
KEPT_AT_LEAST = 0.2  # of the article's words, for the page to still be the article…
OWN_AT_LEAST = 0.5  # …unless most of what the page holds comes from the article (a cut-down edit)


@dataclass(frozen=True)
class Verdict:
    outcome: str  # unchanged | changed | removed | failed
    why: str | None = None


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


def _parts(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    if parts and parts[-1].lower() in ("index.html", "index.htm", "index.php", "default.aspx"):
        parts.pop()
    return parts


def landing(article_url: str, final_url: str) -> str | None:
    """'home page' or 'section page' when a redirect from the article landed on one, else None.
    A section page is an ancestor folder of the article's path (`/politics/` for `/politics/123.html`)."""
    if final_url == article_url:
        return None
    article, final = urlsplit(article_url), urlsplit(final_url)
    parts, landed = _parts(article.path), _parts(final.path)
    if not landed and not final.query:
        return "home page"
    if final.hostname == article.hostname and len(landed) < len(parts) and parts[: len(landed)] == landed:
        return "section page"
    return None


def judge(
    article_url: str,
    old_title: str,
    old_text: str,
    status: int,
    final_url: str,
    new_title: str | None = None,
    new_text: str | None = None,
) -> Verdict:
    """The verdict on a re-fetch of `article_url` (last known title and text) that answered
    `status` at `final_url`, with the title and text extracted from it when it was a page."""
    if status == 304:
        return Verdict("unchanged")
    if status in GONE:
        return Verdict("removed", f"HTTP {status}")
    if status >= 400 or status < 200:
        return Verdict("failed", f"HTTP {status}")
    where = landing(article_url, final_url)
    if where:
        return Verdict("removed", f"redirected to the {where} {final_url}")
    title, text = new_title or "", new_text or ""
    if not text.strip():
        return Verdict("removed", "the page no longer holds the article's text (no text)")
    if old_text.strip():
        kept, own = overlap(old_text, text)
        if kept < KEPT_AT_LEAST and own < OWN_AT_LEAST:
            return Verdict("removed", f"the page no longer holds the article's text ({kept:.0%} of it left)")
    if _same(title, old_title) and _same(text, old_text):
        return Verdict("unchanged")
    return Verdict("changed")
