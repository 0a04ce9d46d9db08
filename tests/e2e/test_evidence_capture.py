"""Raw captures: every stored article's fetch is kept as WARC records that hold what the site
served, and `evidence export` gives them back as one WARC that warcio reads."""

from __future__ import annotations

from pathlib import Path

import psycopg
from warcio.archiveiterator import ArchiveIterator

from tests.conftest import Cli
from tests.site.server import Site


def captured(database_url: str) -> list[tuple]:
    with psycopg.connect(database_url) as conn:
        return conn.execute(
            "SELECT a.id, a.url, a.final_url, v.n, v.status, v.sha256 = a.raw_sha256, v.warc_file, v.warc_offset,"
            " v.warc_length, v.payload_digest FROM articles a LEFT JOIN article_versions v ON v.article_id = a.id"
            " WHERE NOT a.is_seed ORDER BY a.id"
        ).fetchall()


def records_at(folder: Path, name: str, offset: int, length: int) -> list:
    with (folder / name).open("rb") as f:
        f.seek(offset)
        data = f.read(length)
    import io

    out = []
    for rec in ArchiveIterator(io.BytesIO(data), check_digests=True):
        out.append(
            (
                rec.rec_type,
                rec.rec_headers.get_header("WARC-Target-URI"),
                rec.http_headers.get_statuscode() if rec.rec_type == "response" else rec.http_headers.protocol,
                rec.raw_stream.read(),
            )
        )
    return out


def test_every_stored_article_has_a_capture_of_what_the_site_served(cli: Cli, site: Site, database_url: str) -> None:
    cli("init")
    cli("sources", "add", "Courier", site.url("/feed.rss"))
    cli("poll", "Courier")
    rows = captured(database_url)
    assert len(rows) == 3
    folder = cli.home / "warc"
    for article_id, _url, final_url, n, status, same_hash, name, offset, length, digest in rows:
        assert (n, status, same_hash) == (1, 200, True), article_id
        assert name and (folder / name).is_file() and length > 0 and digest.startswith("sha256:")
        records = records_at(folder, name, offset, length)
        # warcio's order: the response, then the request concurrent to it
        assert [r[0] for r in records] == ["response", "request"]
        assert {r[1] for r in records} == {final_url}
        assert records[1][2] == "GET"
        served = site.find(final_url.removeprefix(site.base).split("?")[0])
        assert served is not None
        assert records[0][3] == served.read_bytes().replace(b"{{BASE}}", site.base.encode())
    # no stray sidecar: the poll's writer closed its file cleanly
    assert not list(folder.glob("*.open"))


def test_warc_dir_setting_moves_the_captures(cli: Cli, site: Site, database_url: str, tmp_path: Path) -> None:
    cli("init")
    cli("sources", "add", "Courier", site.url("/feed.rss"))
    cli("poll", "Courier", NEWSWATCH_WARC_DIR=str(tmp_path / "captures"))
    names = {r[6] for r in captured(database_url)}
    assert names and all((tmp_path / "captures" / n).is_file() for n in names)
    assert not (cli.home / "warc").exists()
