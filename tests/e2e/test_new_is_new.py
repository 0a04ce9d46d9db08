"""What is new is new, through the CLI on real parts (the fixture site over HTTP, PostgreSQL, an SMTP
server on loopback): a sitemap whose entries include articles one and two years old beside two
fresh ones tells only the fresh ones, and the archive keeps them all; a backfill's articles reach
no digest.

These pages are made for the test, dated relative to the moment it starts (a poll and a digest are
separate processes, whose clock cannot be frozen), so what is fresh and what is old does not
depend on the day the test runs. NEWSWATCH_NEW_WITHIN is its default, 3d (conftest widens it for
the tests that poll the fixture site's pages of February 2024 as news)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from tests.conftest import Cli, Mailbox
from tests.site.server import Site

ANALYST = "analyst@example.org"
NOW = datetime.now(UTC).replace(microsecond=0)
DAY = timedelta(days=1)
ARTICLES = {  # path: (title, published)
    "/gen/fresh-polls-open-9101.html": ("Polls open across Azerbaijan in the presidential election", NOW - DAY / 12),
    "/gen/fresh-ballots-9102.html": ("Sumgait printing house ships the last ballot papers", NOW - DAY),
    "/gen/old-2025-9103.html": ("Azerbaijan marks a year since its presidential election", NOW - 365 * DAY),
    "/gen/old-2024-9104.html": ("Parliament of Azerbaijan debates the presidential election law", NOW - 730 * DAY),
}
FRESH = {ARTICLES[p][0] for p in ARTICLES if "/fresh-" in p}
OLD = {ARTICLES[p][0] for p in ARTICLES if "/old-" in p}


TEXTS = [
    "Voters queued outside schools in Baku and Ganja before the doors opened at eight, and the commission"
    " reported a turnout of eleven percent by ten in the morning.",
    "The printing house finished the last batch for Azerbaijan's presidential election overnight; the"
    " instructions on the back are in three languages, which foreign guests had asked for.",
    "Speakers at a conference in the capital recalled the campaign a year ago and the reforms of the"
    " electoral code that followed it, while the opposition boycotted the event.",
    "Deputies argued for three hours over the deadline for registering candidates and the number of"
    " signatures a nominee must collect, then sent the draft back to the committee.",
]


def page(title: str, published: datetime, text: str) -> bytes:
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta property="article:published_time" content="{published.isoformat()}"></head><body>
<header><a href="/">Sitemap Outlet</a></header><article><h1>{title}</h1><p>{text}</p></article>
<footer>&copy; {published.year} Sitemap Outlet</footer></body></html>""".encode()


def publish(site: Site, paths: list[str]) -> None:
    """The article pages, and a news sitemap listing `paths` with their publication dates."""
    for (path, (title, published)), text in zip(ARTICLES.items(), TEXTS, strict=True):
        site.overrides[path] = (200, {"Content-Type": "text/html; charset=utf-8"}, page(title, published, text))
    urls = "".join(
        f"<url><loc>{site.url(p)}</loc><news:news><news:publication><news:name>Sitemap Outlet</news:name>"
        f"<news:language>en</news:language></news:publication><news:publication_date>"
        f"{ARTICLES[p][1].isoformat()}</news:publication_date><news:title>{ARTICLES[p][0]}</news:title>"
        f"</news:news></url>"
        for p in paths
    )
    body = (
        '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
        f' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{urls}</urlset>'
    )
    site.overrides["/gen/sitemap.xml"] = (200, {"Content-Type": "application/xml"}, body.encode())


def found(cli: Cli, *args: str) -> list[dict]:
    out = cli("search", "--format", "jsonl", "--source", "Sitemap Outlet", *args).stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def test_a_sitemap_with_an_archive_tells_only_the_fresh_articles_and_keeps_them_all(
    cli: Cli, site: Site, mailbox: Mailbox
) -> None:
    cli.env["NEWSWATCH_NEW_WITHIN"] = "3d"
    cli("init")
    publish(site, list(ARTICLES))
    cli("sources", "add", "Sitemap Outlet", site.url("/gen/sitemap.xml"), "--kind", "sitemap", "--lang", "en")
    cli("subscribers", "add", ANALYST, "--keywords", "election")

    out = cli("poll", "Sitemap Outlet").stdout
    assert "Sitemap Outlet: fetched 4, new 2, old 2, duplicates 0, errors 0" in out

    out = cli("digest", "send", "--subscriber", ANALYST, NEWSWATCH_SMTP_URL=mailbox.url).stdout
    assert "1 sent" in out
    (msg,) = mailbox.messages
    assert "2 stories" in msg["Subject"]
    for part in (msg.get_body(("plain",)), msg.get_body(("html",))):
        body = part.get_content()
        assert all(title in body for title in FRESH), body
        assert not any(title in body for title in OLD), body
        assert "published " in body and "first seen " in body

    archive = found(cli)
    assert {a["title"] for a in archive} == FRESH | OLD  # stored, matched and searchable all the same
    assert {a["title"] for a in found(cli, "--keyword", "election")} == FRESH | OLD
    for a in archive:
        path = a["url"].removeprefix(site.base)
        assert datetime.fromisoformat(a["published_at"]) == ARTICLES[path][1]
        assert a["date_source"] == "page-meta"

    # nothing new since: the old ones never come
    assert "0 sent" in cli("digest", "send", "--subscriber", ANALYST, NEWSWATCH_SMTP_URL=mailbox.url).stdout


def test_a_backfills_articles_reach_no_digest(cli: Cli, site: Site, mailbox: Mailbox) -> None:
    cli.env["NEWSWATCH_NEW_WITHIN"] = "3d"
    cli("init")
    publish(site, [p for p in ARTICLES if "/old-" in p])
    cli("sources", "add", "Sitemap Outlet", site.url("/gen/sitemap.xml"), "--kind", "sitemap", "--lang", "en")
    cli("subscribers", "add", ANALYST)

    since, until = (NOW - timedelta(days=1000)).date().isoformat(), (NOW - timedelta(days=30)).date().isoformat()
    out = cli("backfill", "Sitemap Outlet", "--since", since, "--until", until).stdout
    assert "Sitemap Outlet: fetched 2, new 0, old 2, duplicates 0, errors 0" in out
    assert {a["title"] for a in found(cli)} == OLD

    out = cli("digest", "send", "--subscriber", ANALYST, NEWSWATCH_SMTP_URL=mailbox.url)
    assert "0 sent" in out.stdout and mailbox.messages == []
    assert "nothing new" in cli("digest", "preview", "--subscriber", ANALYST, expect=0).stderr
