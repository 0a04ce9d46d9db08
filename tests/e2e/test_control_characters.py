"""NUL and control characters from an outlet (in a JSON Feed id, an ETag, a Last-Modified, an
article's response header) are stripped or refused at the edge: the good items are stored, the
other sources' validators are kept, and a failure to store is recorded on its source, in `status`."""

from __future__ import annotations

import json

import psycopg

from tests.conftest import Cli
from tests.e2e.survival import publish
from tests.site.server import Site


def page(title: str) -> bytes:
    body = f"<p>{title}: the commission counted the ballots of every district in the capital and the regions.</p>" * 4
    html = f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>{body}</article></body></html>"
    return html.encode()


def serve_json_feed(site: Site) -> None:
    items = [
        {"id": "nul-1", "url": site.url("/nul/1.html"), "title": "First count published"},
        {"id": "bad\u0000id", "url": site.url("/nul/2.html"), "title": "Second\u0000 count published"},
        {"id": "nul-3", "url": site.url("/nul/3.html"), "title": "Third count published"},
    ]
    feed = json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "Nul", "items": items})
    headers = {
        "Content-Type": "application/feed+json",
        "ETag": '"e\x00tag"',
        "Last-Modified": "Wed, 07 Feb 2024 12:00:00\x00 GMT",
    }
    site.overrides["/nul/feed.json"] = (200, headers, feed.encode())
    html = {"Content-Type": "text/html; charset=utf-8"}
    site.overrides["/nul/1.html"] = (200, html, page("First count published"))
    site.overrides["/nul/2.html"] = (200, html, page("Second count published"))
    site.overrides["/nul/3.html"] = (200, {**html, "X-Trace": "a\x00b\x01c"}, page("Third count published"))


def test_nul_from_an_outlet_loses_nothing_and_spoils_no_other_source(cli: Cli, site: Site, database_url: str) -> None:
    serve_json_feed(site)
    cli("init")
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("UPDATE sources SET enabled = false")  # the seeds' real outlets: no internet here
    cli("sources", "add", "Nul", site.url("/nul/feed.json"))
    cli("sources", "add", "Courier", site.url("/feed.rss"))
    out = cli("poll", "Nul", "Courier").stdout
    assert "Nul: fetched 3, new 3, duplicates 0, errors 0" in out, out
    assert "Courier: fetched 3, new 3, duplicates 0, errors 0" in out, out
    with psycopg.connect(database_url) as conn:
        stored = dict(
            conn.execute(
                "SELECT a.guid, a.fetch_headers->>'X-Trace' FROM articles a JOIN sources s ON s.id = a.source_id"
                " WHERE s.name = 'Nul'"
            ).fetchall()
        )
        state = dict(conn.execute("SELECT name, (etag, last_modified, last_error) FROM sources").fetchall())
    assert stored == {"nul-1": None, "badid": None, "nul-3": "abc"}
    assert state["Nul"] == (None, None, None)  # validators with a NUL are not kept, nor sent back
    courier = state["Courier"]
    assert courier[0] and courier[1] and courier[2] is None  # the other source's validators are kept


def test_a_storage_failure_is_recorded_on_its_source_and_shown(cli: Cli, site: Site, database_url: str) -> None:
    publish(site, "Refused", 3)
    cli("init")
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("UPDATE sources SET enabled = false")
        # the database refuses one article, as a full disk or a broken index would
        conn.execute("ALTER TABLE articles ADD CONSTRAINT no_story_1 CHECK (title <> 'Refused story 1')")
    cli("sources", "add", "Refused", site.url("/sv/Refused.rss"))
    out = cli("poll", "Refused").stdout
    assert "Refused: fetched 3, new 2, duplicates 0, errors 1" in out, out
    status = json.loads(cli("status", "--format", "json").stdout)
    source = next(s for s in status["sources"] if s["name"] == "Refused")
    assert source["last_error"].startswith("store: could not save ") and "no_story_1" in source["last_error"]
    assert source["consecutive_failures"] == 1
    assert "store: could not save" in cli("sources", "list", COLUMNS="250").stdout
    with psycopg.connect(database_url) as conn:
        assert conn.execute("SELECT body_sha256 FROM sources WHERE name = 'Refused'").fetchone() == (None,)
        conn.execute("ALTER TABLE articles DROP CONSTRAINT no_story_1")
        conn.execute("UPDATE sources SET next_poll_at = now()")
        conn.commit()
    out = cli("poll", "Refused").stdout  # the refused item is taken on the next poll
    assert "Refused: fetched 3, new 1, duplicates 0, errors 0" in out, out
