"""`GET /feeds/keywords/{name}.atom`: an Atom 1.0 feed (feedgen) of a keyword's new stories, newest
first, for feed readers (Miniflux and the like). One entry per story: its id stable
(`tag:newswatch:story:ID`), `updated` the last time an outlet joined it, links to the story page
(alternate) and to the original (related). With NEWSWATCH_WEB_TOKEN set, a feed answers only with
its keyword's secret in the URL (`?key=…`, an HMAC of the name with the signing key), since a feed
reader cannot send the token."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime
from typing import Any

from feedgen.feed import FeedGenerator
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from alerts.digest import language_names
from alerts.unsubscribe import signing_key
from monitor.store.newness import IS_NEW
from monitor.web.errors import NotFound

ENTRIES = 50


def feed_key(key: str, name: str) -> str:
    mac = hmac.new(key.encode(), f"feed:{name}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()[:18]).decode()


async def feed_keys(conn: Any, settings: Any, names: list[str]) -> dict[str, str]:
    """The `?key=` of each keyword's feed when NEWSWATCH_WEB_TOKEN is set; empty otherwise."""
    if not settings.web_token:
        return {}
    key = await signing_key(conn, settings)
    return {n: feed_key(key, n) for n in names}


STORIES = (
    """
    SELECT coalesce(a.story_id, a.id) AS story, min(a.stored_at) AS first_stored
      FROM article_keywords ak JOIN articles a ON a.id = ak.article_id
     WHERE ak.keyword_id = %(kid)s AND a.duplicate_of IS NULL AND NOT a.seed_duplicate AND NOT a.is_seed
       AND """
    + IS_NEW
    + """
     GROUP BY 1 ORDER BY first_stored DESC, story DESC LIMIT %(limit)s
    """
)


async def keyword_feed(request: Request) -> Response:
    from monitor.store import story_reads

    settings = request.app.state.settings
    name = request.path_params["name"]
    async with request.app.state.pool.connection() as conn:
        kw = await (await conn.execute("SELECT id, name, query FROM keywords WHERE name = %s", (name,))).fetchone()
        if kw is None:
            raise NotFound(f"no keyword {name!r}")
        if settings.web_token:
            given = request.query_params.get("key", "")
            if not hmac.compare_digest(given.encode(), feed_key(await signing_key(conn, settings), name).encode()):
                raise NotFound(f"no keyword {name!r}")  # without its secret, a feed is not there
        cur = await conn.execute(STORIES, {"kid": kw["id"], "new_within": settings.new_within, "limit": ENTRIES})
        stories = [r["story"] for r in await cur.fetchall()]
        members = await story_reads.members(conn, stories, seeds=False, unclustered=True)
    timelines: dict[int, list[dict[str, Any]]] = {}
    for m in members:
        timelines.setdefault(m["story"], []).append(m)
    base = settings.base_url.rstrip("/")
    fg = FeedGenerator()
    fg.id(f"tag:newswatch:keyword:{kw['id']}")
    fg.title(f"Newswatch: {kw['name']}")
    fg.subtitle(f"New stories matching {kw['query']}")
    fg.link(href=f"{base}/?keyword={kw['name']}", rel="alternate")
    fg.link(href=str(request.url), rel="self")
    newest = datetime(2000, 1, 1, tzinfo=UTC)
    for story in stories:
        timeline = timelines.get(story)
        if not timeline:
            continue
        head, first = story_reads.headline(timeline), timeline[0]
        outlets = list(dict.fromkeys(m["outlet"] for m in timeline))
        langs = tuple(dict.fromkeys(m["lang"] for m in timeline if m["lang"]))
        updated = max(m["stored_at"] for m in timeline)  # a new outlet carrying it updates the entry
        newest = max(newest, updated)
        e = fg.add_entry(order="append")
        e.id(f"tag:newswatch:story:{story}")
        e.title(head["title"] or first["url"])
        e.updated(updated)
        if first["published_at"]:
            e.published(first["published_at"])
        e.link(href=f"{base}/stories/{story}", rel="alternate")
        e.link(href=first["url"], rel="related", title=f"the original, {first['outlet']}")
        e.author(name=first["outlet"])
        told = f"First published by {first['outlet']}. Outlets: {', '.join(outlets)}"
        e.content(told + (f"; in {language_names(langs)}." if langs else "."), type="text")
    fg.updated(newest)
    return Response(_with_link_relations(fg.atom_str(pretty=True)), media_type="application/atom+xml")


ATOM = "{http://www.w3.org/2005/Atom}"


def _with_link_relations(xml: bytes) -> bytes:
    """feedgen 1.0.0 drops the `rel` of an entry's links (entry.py reads it from the new element,
    not from the link given): put back alternate (the story page) and related (the original)."""
    from lxml import etree

    root = etree.fromstring(xml)
    for entry in root.iter(f"{ATOM}entry"):
        for link, rel in zip(entry.findall(f"{ATOM}link"), ("alternate", "related"), strict=False):
            link.set("rel", rel)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


routes = [Route("/feeds/keywords/{name}.atom", keyword_feed, methods=["GET"])]
