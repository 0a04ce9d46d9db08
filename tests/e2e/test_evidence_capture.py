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


def test_evidence_export_reads_back_with_warcio(cli: Cli, site: Site, database_url: str, tmp_path: Path) -> None:
    import subprocess
    import sys

    cli("init")
    cli("sources", "add", "Courier", site.url("/feed.rss"))
    cli("poll", "Courier")
    rows = captured(database_url)
    ids = [str(r[0]) for r in rows]
    target = tmp_path / "evidence.warc.gz"
    out = cli("evidence", "export", *ids, "--warc", str(target)).stdout
    assert f"exported 3 capture(s) of 3 article(s) to {target}" in out
    with target.open("rb") as f:
        recs = [
            (r.rec_type, r.rec_headers.get_header("WARC-Target-URI"), r.rec_headers.protocol, r.raw_stream.read())
            for r in ArchiveIterator(f, check_digests=True)
        ]
    assert recs[0][0] == "warcinfo" and all(r[2] == "WARC/1.1" for r in recs)
    assert [r[0] for r in recs[1:]] == ["response", "request"] * 3
    assert [r[1] for r in recs[1::2]] == [r[2] for r in rows]  # in the order asked, each at its final URL
    for _kind, uri, _version, payload in recs[1::2]:
        served = site.find(uri.removeprefix(site.base).split("?")[0])
        assert served is not None and payload == served.read_bytes().replace(b"{{BASE}}", site.base.encode())
    check = subprocess.run(
        [sys.executable, "-m", "warcio.cli", "check", str(target)], capture_output=True, text=True, check=False
    )
    assert check.returncode == 0, check.stdout + check.stderr


def test_evidence_export_refuses_unknown_ids_and_damaged_captures(
    cli: Cli, site: Site, database_url: str, tmp_path: Path
) -> None:
    cli("init")
    cli("sources", "add", "Courier", site.url("/feed.rss"))
    cli("poll", "Courier")
    rows = captured(database_url)
    target = tmp_path / "out.warc.gz"
    refused = cli("evidence", "export", "999999", "--warc", str(target), expect=2)
    assert "no article 999999" in refused.stderr and not target.exists()
    cli("evidence", "export", "x1", "--warc", str(target), expect=2)

    # the bytes on disk no longer match what was recorded: the export says so, and writes nothing
    article_id, name, offset, length = rows[1][0], rows[1][6], rows[1][7], rows[1][8]
    path = cli.home / "warc" / name
    data = bytearray(path.read_bytes())
    import gzip

    member = gzip.decompress(bytes(data[offset : offset + length]))  # two members: response, request
    forged = gzip.compress(member.replace(b"</html>", b"</HTML>", 1))
    path.write_bytes(bytes(data[:offset]) + forged + bytes(data[offset + length :]))
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("UPDATE article_versions SET warc_length = %s WHERE article_id = %s", (len(forged), article_id))
    damaged = cli("evidence", "export", str(article_id), "--warc", str(target), expect=1)
    assert f"the capture of article {article_id} version 1" in damaged.stderr
    assert not target.exists() and not list(tmp_path.glob(".export-*"))
