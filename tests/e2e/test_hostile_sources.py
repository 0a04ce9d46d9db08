"""Every hostile response of tests/site/hostile.py in one poll, as a real outlet list would mix
them: each gets the right outcome (items stored, or an error recorded with its reason), the good
sources are still polled, nothing already stored is lost, and memory stays bounded.

The sources have public names (`courier.example`, …) and reach the fixture site through it acting
as an HTTP proxy, so private networks stay refused: a redirect to 127.0.0.1 is refused for real.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg

from tests.conftest import Cli
from tests.site.server import Site

SOURCES = {
    "Courier": "http://courier.example/feed.rss",
    "Plain": "http://plain.example/hostile/plain.rss",
    "Malformed": "http://malformed.example/hostile/malformed.rss",
    "Laughs": "http://laughs.example/hostile/billion-laughs.rss",
    "Quadratic": "http://quadratic.example/hostile/quadratic.rss",
    "XXE": "http://xxe.example/hostile/xxe.rss",
    "Huge": "http://huge.example/hostile/huge.rss",
    "Bomb": "http://bomb.example/hostile/bomb.rss",
    "Drip": "http://drip.example/hostile/drip.rss",
    "Loop": "http://loop.example/hostile/loop",
    "ToPrivate": "http://redirect.example/hostile/to-private.rss",
    "Gone": "http://gone.example/hostile/gone.rss",
    "Busy": "http://busy.example/hostile/busy.rss",
    "Robots": "http://robots.example/private/feed.rss",
    "RobotsItem": "http://robotsitem.example/hostile/robots-item.rss",
    "Cyrillic": "http://cp.example/hostile/cp1251.rss",
    "Mislabelled": "http://mislabelled.example/hostile/mislabelled.rss",
    "HtmlPage": "http://page.example/hostile/page.html",
    "Empty": "http://empty.example/hostile/empty.rss",
    "Json": "http://json.example/hostile/feed.json",
}

ERRORS = {
    "Laughs": "declares entities",
    "Quadratic": "declares entities",
    "XXE": "declares entities",
    "Huge": "larger than NEWSWATCH_MAX_BODY_MB",
    "Bomb": "larger than NEWSWATCH_MAX_BODY_MB",
    "Drip": "took longer than",
    "Loop": "redirections",
    "ToPrivate": "refused: 127.0.0.1 resolves to the private or loopback address",
    "Gone": "HTTP 410",
    "Busy": "HTTP 429",
    "Robots": "robots.txt",
    "HtmlPage": "not a feed",
    "Empty": "empty response",
}

PLAIN = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>No validators</title>
<item><title>Qarabag</title><link>http://plain.example/world/qarabag-wins-league-match-1003.html</link></item>
</channel></rss>"""


def opml(path: Path) -> Path:
    outlines = "".join(f'<outline text="{n}" type="rss" xmlUrl="{u}"/>' for n, u in SOURCES.items())
    path.write_text(f'<?xml version="1.0"?><opml version="2.0"><body>{outlines}</body></opml>', encoding="utf-8")
    return path


def measured(cli: Cli, tmp_path: Path, *args: str, **env: str) -> tuple[str, float]:
    """Run the CLI; (stdout, peak RSS of that very process in MiB, as the kernel counted it)."""
    out_file, err_file = tmp_path / "out.txt", tmp_path / "err.txt"
    with out_file.open("wb") as out, err_file.open("wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "monitor", *args],
            env={**cli.env, **env},
            cwd=cli.env["NEWSWATCH_HOME"],
            stdout=out,
            stderr=err,
        )
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    assert proc.returncode == 0, err_file.read_text()
    return out_file.read_text(), usage.ru_maxrss / 1024  # ru_maxrss is in KiB on Linux


def test_hostile_sources_in_one_poll(cli: Cli, site: Site, database_url: str, tmp_path: Path) -> None:
    site.overrides["/hostile/plain.rss"] = (200, {"Content-Type": "application/rss+xml"}, PLAIN)
    env = {"NEWSWATCH_ALLOW_PRIVATE_NETWORKS": "false", "NEWSWATCH_FETCH_TIMEOUT_S": "3", "http_proxy": site.base}
    cli("init")
    assert "20 source(s) added" in cli("sources", "import", str(opml(tmp_path / "hostile.opml")), "--no-check").stdout
    first = cli("poll", "Courier", "Plain", **env).stdout
    # Plain's one item is Courier's Qarabag page under another host name: stored once, once as a copy
    assert "Courier: fetched 3" in first and "Plain: fetched 1" in first and first.count("errors 0") == 2, first

    site.requests.clear()
    site.hits.clear()
    out, peak_mib = measured(cli, tmp_path, "poll", *SOURCES, **env)
    print(out, f"peak RSS {peak_mib:.0f} MiB")
    # 300 MB body, 1 GiB gzip bomb, 40 MB entity expansion: none of it was ever held
    assert peak_mib < 400

    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT name, last_error, last_success_at IS NOT NULL, consecutive_failures, not_modified,"
            " next_poll_at - now() FROM sources WHERE name = ANY(%s)",
            (list(SOURCES),),
        ).fetchall()
        state = {r[0]: r[1:] for r in rows}
        titles = dict(conn.execute("SELECT title, lang FROM articles WHERE NOT is_seed").fetchall())
    for name, reason in ERRORS.items():
        error, _ok, failures, _nm, _wait = state[name]
        assert error and reason in error, (name, error)
        assert failures == 1, name
    for name in set(SOURCES) - set(ERRORS):
        assert state[name][0] is None and state[name][1], (name, state[name])
    # Retry-After: 7200 is honoured (the back-off alone would say about 30 minutes)
    assert state["Busy"][4].total_seconds() > 7000
    # unchanged feeds: a 304 for the one with validators, a body hash for the one without
    assert state["Courier"][3] == 1 and state["Plain"][3] == 1
    courier = [h for p, h in site.requests if p == "/feed.rss"]
    assert courier and courier[0].get("If-None-Match") and courier[0].get("If-Modified-Since")
    assert site.hits["/world/qarabag-wins-league-match-1003.html"] == 0  # neither Courier nor Plain parsed
    assert "Malformed: fetched 2" in out
    # what was stored before is still there; the survivors of the hostile feeds are stored
    assert len([t for t in titles if "Turnout passes sixty percent" in t or "Qarabag" in t]) == 2
    assert titles["Observers note long queues at some polling stations"] == "en"
    assert titles["Election commission publishes turnout by district"] == "en"
    assert titles["ЦИК объявила предварительные итоги выборов"] == "ru"  # cp1251 page labelled utf-8
    assert titles["Выборы: итоги голосования в регионах"] == "az"  # feed title (cp1251 feed), page in az
    assert titles["Наблюдатели отметили длинные очереди"] == "ru"  # cp1251 feed served as utf-8
    # never requested: robots.txt-disallowed pages, javascript: links
    assert site.hits["/private/secret-2201.html"] == 0
    assert not [p for p in site.hits if "javascript" in p]
