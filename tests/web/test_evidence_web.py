"""Evidence on the web: GET /api/articles/{id} gives versions and removed_at, the article page shows
the versions with their diffs and the takedown, and raw captures are served as downloads only."""

from __future__ import annotations

import io
import json
import urllib.request

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.site.server import Site
from tests.web.conftest import EDITED, Herald


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()


def test_the_api_gives_versions_and_removed_at(herald: Herald) -> None:
    _, _, body = get(f"{herald.url}/api/articles/{herald.ids['edited']}")
    edited = json.loads(body)
    assert edited["removed_at"] is None and edited["edited_at"] is not None
    v1, v2 = edited["versions"]
    assert {"fetched_at", "sha256", "status", "changed"} <= set(v1)
    assert (v1["n"], v1["status"], v1["changed"], v2["n"], v2["status"], v2["changed"]) == (1, 200, False, 2, 200, True)
    assert v1["sha256"] == edited["raw_sha256"] and v2["sha256"] != v1["sha256"]
    assert {"op": "-", "words": "112 of the"} in v2["diff"] and {"op": "+", "words": "completed"} in v2["diff"]
    assert v2["capture"] == f"/articles/{herald.ids['edited']}/versions/2/raw"

    gone = json.loads(get(f"{herald.url}/api/articles/{herald.ids['gone']}")[2])
    assert gone["removed_at"] is not None
    assert [(v["status"], v["removed"], v["why"]) for v in gone["versions"]] == [
        (200, False, None),
        (410, True, "HTTP 410"),
    ]

    listed = json.loads(get(f"{herald.url}/api/articles?removed=true")[2])["articles"]
    assert [a["id"] for a in listed] == [herald.ids["gone"]]
    listed = json.loads(get(f"{herald.url}/api/articles?edited=1")[2])["articles"]
    assert [a["id"] for a in listed] == [herald.ids["edited"]]


def test_the_article_page_shows_versions_diffs_and_the_takedown(herald: Herald, site: Site) -> None:
    page = get(f"{herald.url}/articles/{herald.ids['edited']}")[2].decode()
    assert "Edited by the outlet since it was first stored" in page  # above the text it shows
    assert f'href="/articles/{herald.ids["edited"]}/versions/2">the latest version' in page
    assert "Versions (2)" in page and "<del>112 of the</del>" in page and "<ins>all</ins>" in page
    assert "<del>runs through the night</del>" in page and "<ins>completed</ins>" in page
    assert f'href="/articles/{herald.ids["edited"]}/versions/2/raw" download' in page
    view = get(f"{herald.url}/articles/{herald.ids['edited']}/versions/2")[2].decode()
    assert "Counting of ballots completed in Ganja district" in view and "from all 140 precincts" in view
    old = get(f"{herald.url}/articles/{herald.ids['edited']}/versions/1")[2].decode()
    assert "from 112 of the 140 precincts" in old

    gone = get(f"{herald.url}/articles/{herald.ids['gone']}")[2].decode()
    assert 'class="takedown"' in gone and "found HTTP 410" in gone and "Taken down by the outlet" in gone


def test_raw_captures_are_downloads_of_what_the_site_served(herald: Herald, site: Site) -> None:
    status, headers, body = get(f"{herald.url}/articles/{herald.ids['edited']}/versions/2/raw")
    assert status == 200 and body == site.body("/evidence/later/ballot-count-5001.html")
    assert headers["content-type"] == "application/octet-stream"
    assert headers["content-disposition"] == f'attachment; filename="newswatch-article-{herald.ids["edited"]}-v2.html"'
    assert headers["content-security-policy"].startswith("sandbox") and headers["x-content-type-options"] == "nosniff"

    status, headers, body = get(f"{herald.url}/articles/{herald.ids['edited']}/evidence.warc.gz")
    assert headers["content-disposition"].startswith("attachment")
    records = [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI")) for r in ArchiveIterator(io.BytesIO(body))]
    assert records == [("warcinfo", None)] + [("response", site.url(EDITED)), ("request", site.url(EDITED))] * 2

    with pytest.raises(urllib.error.HTTPError) as missing:
        get(f"{herald.url}/articles/{herald.ids['edited']}/versions/9/raw")
    assert missing.value.code == 404
    missing.value.close()
