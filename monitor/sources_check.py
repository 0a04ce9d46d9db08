"""Sources checked at the door: before a source is added (CLI, web, API, OPML), its URL is fetched
once (spiders.probe, by the rules of a poll) and judged here. A feed is accepted; a news sitemap (or
a robots.txt naming one) is recognised as one; an HTML page offers the feeds it declares
(`<link rel="alternate" type="application/rss+xml" …>`): the only one is taken, several are a
question; a URL already watched under another name is refused; anything else is refused at once,
saying why."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html
from psycopg import AsyncConnection

from monitor.config import Settings
from monitor.pipeline.canonical import canonicalise, is_web_url
from monitor.store import sources
from monitor.validate import Invalid

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json", "application/json",
              "application/rdf+xml", "text/xml", "application/xml")  # fmt: skip
_SITEMAP_ROOT = re.compile(rb"<(?:[\w-]+:)?(urlset|sitemapindex)[\s>]", re.IGNORECASE)
_HTML = re.compile(rb"<(?:!doctype\s+html|html[\s>])", re.IGNORECASE)


@dataclass(frozen=True)
class Verdict:
    """What to add: `url` (the one given, or the feed its page declares), `kind`, and `found`:
    what the check saw, to tell the person."""

    url: str
    kind: str
    found: str


class Choose(Invalid):
    """An HTML page that declares several feeds: which one? `feeds`: (title, url) of each."""

    def __init__(self, url: str, feeds: list[tuple[str, str]]):
        listed = "; ".join(f"{t or 'untitled'}: {u}" for t, u in feeds)
        super().__init__("url", f"the page {url} declares {len(feeds)} feeds, add one of them: {listed}")
        self.feeds = feeds


def declared_feeds(html: bytes, base: str) -> list[tuple[str, str]]:
    """The (title, absolute URL) of every feed an HTML page declares with <link rel="alternate">."""
    try:
        doc = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return []
    found: dict[str, str] = {}
    for link in doc.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower().split(";")[0].strip()
        href = urljoin(base, (link.get("href") or "").strip())
        if "alternate" in rel and kind in FEED_TYPES and is_web_url(href) and href not in found:
            found[href] = " ".join((link.get("title") or "").split())
    return [(title, url) for url, title in found.items()]


def judge(answer: Any, kind: str | None) -> Verdict | list[tuple[str, str]]:
    """What a fetched URL is (spiders.probe.Answer): a Verdict for a feed, a sitemap or a site
    spider's page; the feeds an HTML page declares (a list, maybe empty); or Invalid, why not."""
    from spiders.entries import entries
    from spiders.feedbytes import NotAFeed

    if answer.error:
        raise Invalid("url", f"cannot fetch {answer.url}: {answer.error}")
    body, headers = answer.body, {k.lower(): v for k, v in answer.headers.items()}
    html = "html" in headers.get("content-type", "") or bool(_HTML.search(body[:2048]))
    if kind is not None and kind.startswith("spider:"):
        if not html:
            raise Invalid("url", f"{answer.url} is not an HTML page, which a site spider reads")
        return Verdict(answer.url, kind, "an HTML page, read by the site spider")
    if urlsplit(answer.final_url or answer.url).path.endswith("/robots.txt"):
        if re.search(rb"^\s*sitemap\s*:", body, re.IGNORECASE | re.MULTILINE):
            return Verdict(answer.url, "sitemap", "a robots.txt naming sitemaps")
        raise Invalid("url", f"{answer.url} is a robots.txt that names no sitemap (no Sitemap: line)")
    if _SITEMAP_ROOT.search(body[:4096]):
        return Verdict(answer.url, "sitemap", "a sitemap")
    if html:
        return declared_feeds(body, answer.final_url or answer.url)
    try:
        items = entries(body, headers)
    except NotAFeed as exc:
        raise Invalid("url", f"{answer.url} is not a feed, a sitemap or a web page: {exc}") from None
    if kind == "sitemap":
        raise Invalid("url", f"{answer.url} is a feed, not a sitemap: add it as a feed")
    return Verdict(answer.url, "feed", f"a feed with {len(items)} item{'s' if len(items) != 1 else ''}")


def _key(url: str) -> str:
    """The URL's canonical form, or the URL itself when it has none (a malformed port, …)."""
    try:
        return canonicalise(url)
    except ValueError:
        return url


async def already_watched(conn: AsyncConnection[Any], url: str) -> str | None:
    """The name of the source that watches this URL already (the same canonical URL), if any."""
    wanted = _key(url)
    for row in await sources.list_all(conn):
        if _key(row["url"]) == wanted:
            return str(row["name"])
    return None


Progress = Callable[[int, int], None]  # (URLs answered, URLs asked)


async def check(conn: AsyncConnection[Any], settings: Settings, name: str, url: str, kind: str | None) -> Verdict:
    """Fetch `url` once and say what to add for it, or raise Invalid (Choose for a page of several
    feeds). `kind` None: whatever it turns out to be."""
    verdicts = await check_many(conn, settings, [(name, url, kind)])
    outcome = verdicts[0]
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


async def check_many(
    conn: AsyncConnection[Any],
    settings: Settings,
    wanted: list[tuple[str, str, str | None]],
    progress: Progress | None = None,
) -> list[Verdict | Invalid]:
    """Check several (name, url, kind) at once (one crawl, its hosts' politeness shared): a Verdict
    or the Invalid saying why, for each, in order. `progress` hears of each URL answered."""
    from spiders.probe import fetch

    outcomes: list[Verdict | Invalid | None] = [None] * len(wanted)
    seen: dict[str, str] = {}
    for i, (name, url, _) in enumerate(wanted):
        other = await already_watched(conn, url)
        if other is None and _key(url) in seen:
            other = seen[_key(url)]
        if other is not None and other != name:
            outcomes[i] = Invalid("url", f"{url} is already watched, as the source {other!r}")
        seen.setdefault(_key(url), name)
    answers = await fetch(settings, [w[1] for i, w in enumerate(wanted) if outcomes[i] is None], progress)
    discovered: dict[int, str] = {}
    for i, (_, url, kind) in enumerate(wanted):
        if outcomes[i] is not None:
            continue
        try:
            judged = judge(answers[url], kind)
        except Invalid as exc:
            outcomes[i] = exc
            continue
        if isinstance(judged, Verdict):
            outcomes[i] = judged
        elif not judged:
            outcomes[i] = Invalid(
                "url",
                f'{url} is a web page that declares no feed (no <link rel="alternate" type="application/rss+xml">): '
                "give the address of its feed, or of its news sitemap",
            )
        elif len(judged) > 1:
            outcomes[i] = Choose(url, judged)
        else:
            discovered[i] = judged[0][1]
    if discovered:  # the one feed a page declares: fetched too, and added if it is one
        second = await fetch(settings, list(discovered.values()))
        for i, feed_url in discovered.items():
            name = wanted[i][0]
            other = await already_watched(conn, feed_url)
            if other is not None and other != name:
                outcomes[i] = Invalid("url", f"the page's feed {feed_url} is already watched, as the source {other!r}")
                continue
            try:
                judged = judge(second[feed_url], "feed")
            except Invalid as exc:
                outcomes[i] = Invalid("url", f"the page declares the feed {feed_url}, but {exc.reason}")
                continue
            if isinstance(judged, Verdict):
                outcomes[i] = Verdict(feed_url, "feed", f"the feed the page declares ({judged.found})")
            else:
                outcomes[i] = Invalid("url", f"the page declares the feed {feed_url}, but it is a web page")
    return [o if o is not None else Invalid("url", "not checked") for o in outcomes]
