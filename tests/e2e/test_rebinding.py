"""The private-network guard and the connection use one DNS answer: a name that answers public to
the guard and 127.0.0.1 to the connection is refused, and a loopback listener receives nothing.
IPv6 addresses that embed an IPv4 address are judged by it."""

from __future__ import annotations

import subprocess
import sys

import pytest

from spiders.middlewares import is_public
from tests.conftest import Cli
from tests.site.server import Site


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True),
        ("2606:2800:220:1:248:1893:25c8:1946", True),
        ("127.0.0.1", False),
        ("::1", False),
        ("10.0.0.1", False),
        ("::127.0.0.1", False),  # IPv4-compatible
        ("::ffff:127.0.0.1", False),  # IPv4-mapped
        ("::ffff:0:7f00:1", False),  # SIIT
        ("64:ff9b::7f00:1", False),  # NAT64
        ("64:ff9b::a00:1", False),
        ("64:ff9b:1::7f00:1", False),  # local-use NAT64
        ("2002:7f00:1::1", False),  # 6to4 of 127.0.0.1
        ("64:ff9b::5db8:d822", True),  # NAT64 of a public address
        ("::ffff:93.184.216.34", True),
    ],
)
def test_embedded_ipv4_is_judged_by_the_ipv4_inside(address: str, public: bool) -> None:
    assert is_public(address) is public


def test_a_rebinding_name_reaches_no_loopback_listener(cli: Cli, database_url: str) -> None:
    with Site() as listener:  # what the rebinding name points at: it must hear nothing
        cli("init")
        import psycopg

        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute("UPDATE sources SET enabled = false")
        port = listener.base.rsplit(":", 1)[1]
        cli("sources", "add", "Rebind", f"http://news.rebind.example:{port}/feed.rss")
        result = subprocess.run(
            [sys.executable, "-m", "tests.site.rebinding", "poll", "Rebind"],
            env={**cli.env, "NEWSWATCH_ALLOW_PRIVATE_NETWORKS": "false"},
            cwd=cli.env["NEWSWATCH_HOME"],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        assert "Rebind: fetched 0, new 0, duplicates 0, errors 1" in result.stdout, result.stdout
        assert "refused: news.rebind.example resolves to the private or loopback address 127.0.0.1" in result.stdout
        assert listener.requests == [], listener.requests  # not robots.txt, not the feed, not a page
