"""The Atom feed of a keyword, read with feedparser as a feed reader would: one entry per new
story, ids stable across polls, an entry updated when another outlet carries its story; /keywords
links it; with NEWSWATCH_WEB_TOKEN set, only the keyword's secret opens it."""

from __future__ import annotations

import re
import urllib.request
from datetime import UTC, datetime, timedelta

import feedparser
import psycopg
from psycopg.rows import dict_row

from tests.conftest import Cli
from tests.web.conftest import serving


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _article(conn, outlet: str, title: str, at: datetime, story: int | None = None) -> int:  # type: ignore[no-untyped-def]
    row = conn.execute(
        "INSERT INTO articles (outlet, url, title, text, lang, stored_at, fetched_at, published_at)"
        " VALUES (%s, %s, %s, 'The election went on.', 'en', %s, %s, %s) RETURNING id",
        (outlet, f"https://{outlet.lower()}.example/{title[:10].replace(' ', '-')}", title, at, at, at),
    ).fetchone()
    conn.execute("UPDATE articles SET story_id = %s WHERE id = %s", (story or row["id"], row["id"]))
    conn.execute("INSERT INTO article_keywords (article_id, keyword_id) SELECT %s, id FROM keywords", (row["id"],))
    return int(row["id"])


def test_keyword_feed_parses_with_stable_ids_and_updates(cli: Cli, database_url: str) -> None:
    cli("keywords", "add", "election", "--name", "election")
    now = datetime.now(UTC)
    with psycopg.connect(database_url, row_factory=dict_row, autocommit=True) as conn:
        first = _article(conn, "Trend", "Polls open across Azerbaijan", now - timedelta(hours=2))
        _article(conn, "APA", "Turnout passes 40 percent", now - timedelta(hours=1))
        with serving(cli, {}) as served:
            feed_url = served.url + "/feeds/keywords/election.atom"
            status, raw = _get(feed_url)
            assert status == 200
            one = feedparser.parse(raw)
            assert not one.bozo and one.version == "atom10"
            assert [e.title for e in one.entries] == ["Turnout passes 40 percent", "Polls open across Azerbaijan"]
            entry = one.entries[1]
            assert entry.id == f"tag:newswatch:story:{first}"
            links = {link.rel: link.href for link in entry.links}
            assert links["alternate"].endswith(f"/stories/{first}") and links["related"].startswith("https://trend")
            # another outlet carries the first story: same id, updated later; the poll after adds nothing new
            _article(conn, "Report", "Polls open in Azerbaijan", now, story=first)
            two = feedparser.parse(_get(feed_url)[1])
            assert [e.id for e in two.entries] == [e.id for e in one.entries]
            again = next(e for e in two.entries if e.id == entry.id)
            assert again.updated_parsed > entry.updated_parsed and "Report" in again.summary
            assert [e.id for e in feedparser.parse(_get(feed_url)[1]).entries] == [e.id for e in two.entries]
            _, page = _get(served.url + "/keywords")
            assert b'href="/feeds/keywords/election.atom"' in page
            assert _get(served.url + "/feeds/keywords/nothing.atom")[0] == 404


def test_with_a_web_token_a_feed_opens_only_with_its_keyword_secret(cli: Cli) -> None:
    cli("keywords", "add", "election", "--name", "election")
    cli.env["NEWSWATCH_WEB_TOKEN"] = "t0ken-for-writes"
    with serving(cli, {}) as served:
        assert _get(served.url + "/feeds/keywords/election.atom")[0] == 404
        _, page = _get(served.url + "/keywords")
        found = re.search(rb'href="(/feeds/keywords/election\.atom\?key=[^"]+)"', page)
        assert found is not None
        status, raw = _get(served.url + found.group(1).decode())
        assert status == 200 and feedparser.parse(raw).version == "atom10"
        assert _get(served.url + "/feeds/keywords/election.atom?key=guess")[0] == 404
