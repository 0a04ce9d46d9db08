"""Evidence that survives: a writer killed in the middle of a capture leaves the archive and the WARC
files consistent, and retention removes exactly the captures that are old, nothing referenced."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

import psycopg
from warcio.archiveiterator import ArchiveIterator

from monitor.evidence import files, warc
from tests.conftest import Cli
from tests.site.server import Site


def refs(database_url: str) -> dict[tuple[int, int], tuple]:
    """(article, version) → (file, offset, length, payload digest) of every capture referenced."""
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT article_id, n, warc_file, warc_offset, warc_length, payload_digest FROM article_versions"
        ).fetchall()
    return {(a, n): (f, o, ln, d) for a, n, f, o, ln, d in rows}


def read_back(folder: Path, ref: tuple) -> bytes:
    """The capture's bytes, once its records read with matching digests and its digest is the one recorded."""
    data = files.read(folder, warc.Capture(*ref))
    assert warc.final_response(data).payload_digest == ref[3]
    return data


def every_record(folder: Path) -> list[tuple[str, str]]:
    """(type, record id) of every record of every WARC file, each file read to its end."""
    found = []
    for path in sorted(folder.glob("*.warc.gz")):
        with path.open("rb") as f:
            for r in ArchiveIterator(f, check_digests=True):
                r.raw_stream.read()
                found.append((r.rec_type, r.rec_headers.get_header("WARC-Record-ID")))
    return found


def record_ids(data: bytes) -> list[str]:
    return [r.rec_headers.get_header("WARC-Record-ID") for r in ArchiveIterator(io.BytesIO(data))]


def test_kill_9_in_the_middle_of_a_capture_leaves_everything_consistent(
    cli: Cli, site: Site, database_url: str
) -> None:
    cli("init")
    cli("sources", "add", "Herald", site.url("/evidence/feed.rss"))
    killed = cli("poll", "Herald", expect=-9, NEWSWATCH_TEST_CRASH_MID_CAPTURE="3")
    assert killed.stdout == ""
    folder = cli.home / "warc"
    (torn,) = folder.glob("*.warc.gz")
    assert (folder / (torn.name + files.OPEN)).exists()  # the dead writer's mark
    before = refs(database_url)
    # what was stored before the kill (captures are written, then saves take turns: how many got
    # that far varies) has its capture whole on disk; the third capture was torn
    assert len(before) < 3
    for ref in before.values():
        read_back(folder, ref)
    torn_size = torn.stat().st_size

    out = cli("poll", "Herald").stdout  # the next writer cuts the torn record off, then writes its own file
    assert f"Herald: fetched 5, new {5 - len(before)}" in out
    assert torn.stat().st_size < torn_size and not list(folder.glob("*.open"))
    after = refs(database_url)
    assert len(after) == 5 and all(after[k] == v for k, v in before.items())
    for ref in after.values():
        read_back(folder, ref)
    kinds = [k for k, _ in every_record(folder)]  # every file reads to its end
    assert kinds.count("warcinfo") == 2 and kinds.count("response") >= 5


def test_retention_removes_exactly_what_is_old(cli: Cli, site: Site, database_url: str) -> None:
    cli("init")
    cli("sources", "add", "Herald", site.url("/evidence/feed.rss"))
    cli("poll", "Herald")
    with psycopg.connect(database_url) as conn:
        ids = dict(conn.execute("SELECT url, id FROM articles WHERE outlet = 'Herald'").fetchall())
    edited, gone = (
        ids[site.url("/evidence/ballot-count-5001.html")],
        ids[site.url("/evidence/observer-mission-5002.html")],
    )
    site.edit("/evidence/ballot-count-5001.html", "/evidence/later/ballot-count-5001.html")
    site.vanish("/evidence/observer-mission-5002.html")
    cli("recheck", str(edited), str(gone))
    folder = cli.home / "warc"
    # two files: the poll's (five first versions) and the re-check's (two new versions); an orphan
    # file of long ago, and a recent one, that nothing references
    for name, age_days in (("newswatch-orphan-old.warc.gz", 40), ("newswatch-orphan-new.warc.gz", 1)):
        data, _ = warc.records(
            [warc.Exchange("https://x.example/", "GET", (), 200, "HTTP/1.1", (), b"x", None, _now())]
        )
        (folder / name).write_bytes(warc.warcinfo(name) + data)
        old = time.time() - age_days * 86400
        os.utime(folder / name, (old, old))

    with psycopg.connect(database_url, autocommit=True) as conn:
        # the first fetch of the edited and the gone article, and the gone one's takedown, as if 40 days ago
        conn.execute(
            "UPDATE article_versions SET fetched_at = now() - interval '40 days'"
            " WHERE (article_id = %s AND n = 1) OR article_id = %s",
            (edited, gone),
        )
    expired = {(edited, 1), (gone, 1), (gone, 2)}
    before = refs(database_url)
    kept_bytes = {k: read_back(folder, v) for k, v in before.items() if k not in expired}
    expired_ids = {i for k in expired for i in record_ids(read_back(folder, before[k]))}

    out = cli("maintenance", NEWSWATCH_EVIDENCE_DAYS="30").stdout
    assert "raw captures removed: 3 (3 WARC file(s) deleted" in out

    after = refs(database_url)
    assert {k for k, v in after.items() if v[0] is None} == expired  # references cleared, versions kept
    for k, data in kept_bytes.items():
        assert read_back(folder, after[k]) == data  # moved or not, the same bytes
    remaining = {i for _, i in every_record(folder)}
    assert not expired_ids & remaining  # gone from every file
    assert all(i in remaining for data in kept_bytes.values() for i in record_ids(data))
    assert not (folder / "newswatch-orphan-old.warc.gz").exists()
    assert (folder / "newswatch-orphan-new.warc.gz").exists()

    out = cli("maintenance", NEWSWATCH_EVIDENCE_DAYS="30").stdout  # nothing more is old
    assert "raw captures removed: 0 (0 WARC file(s) deleted" in out
    assert refs(database_url) == after


def _now():  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    return datetime.now(UTC)
