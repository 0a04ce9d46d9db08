"""A service that survives, tested with real processes: two workers sharing one database and one
fixture site that counts every request; workers killed with SIGKILL in the middle of a poll and of
a digest, then restarted; SIGTERM during a poll. PostgreSQL stopping under a running worker is in
test_database_restart.py."""

from __future__ import annotations

import time

import psycopg

from tests.conftest import Cli, Mailbox
from tests.e2e.survival import Worker, a_due_subscriber, add_feeds, articles_and_urls, publish, stored, wait_for
from tests.site.server import Site


def test_two_workers_poll_each_feed_once_and_share_the_work(cli: Cli, site: Site, database_url: str) -> None:
    names = [f"Feed{n:02d}" for n in range(30)]
    pages = {name: publish(site, name, 2) for name in names}
    for name in names:
        site.delays[f"/sv/{name}.rss"] = 0.3  # a feed takes a moment: the second worker gets a share
    add_feeds(cli, site, names)

    with Worker(cli, "one") as one, Worker(cli, "two") as two:
        wait_for(
            lambda: sum(len(stored(database_url, n)) for n in names) == 60,
            90,
            lambda: f"stored {sum(len(stored(database_url, n)) for n in names)} of 60; " + one.log.read_text()[-2000:],
        )
        time.sleep(3)  # three more ticks of each worker: nothing is due again for a while
        assert one.terminate()[0] == 0 and two.terminate()[0] == 0

    for name in names:
        assert site.hits[f"/sv/{name}.rss"] == 1, name  # once per interval, not once per worker
        assert all(site.hits[p] == 1 for p in pages[name]), name
    by_one, by_two = one.polled(), two.polled()
    assert sorted(by_one + by_two) == names  # every source polled, by exactly one of them
    assert by_one and by_two, (by_one, by_two)  # and both did some of the work
    with psycopg.connect(database_url) as conn:
        due = conn.execute(
            "SELECT min(next_poll_at - now()), count(*) FILTER (WHERE claimed_until IS NOT NULL)"
            " FROM sources WHERE enabled"
        ).fetchone()
        assert due is not None and due[0].total_seconds() > 300 and due[1] == 0  # next polls minutes away
    assert articles_and_urls(database_url) == (60, 60)


def test_sigkill_in_the_middle_of_a_poll_loses_nothing_and_stores_nothing_twice(
    cli: Cli, site: Site, database_url: str
) -> None:
    slow_pages = publish(site, "Pages", 12)
    publish(site, "Stuck", 4)
    for p in slow_pages:
        site.delays[p] = 0.4
    site.delays["/sv/Stuck.rss"] = 20  # claimed, fetching its feed, when the worker dies
    add_feeds(cli, site, ["Pages", "Stuck"])

    with Worker(cli, "first") as first:
        wait_for(lambda: len(stored(database_url, "Pages")) >= 3, 60, lambda: first.log.read_text()[-2000:])
        assert site.hits["/sv/Stuck.rss"] == 1
        first.kill()
    before = stored(database_url, "Pages")
    assert 3 <= len(before) < 12
    with psycopg.connect(database_url) as conn:
        claimed = conn.execute("SELECT name FROM sources WHERE claimed_until IS NOT NULL").fetchall()
    assert claimed == [("Stuck",)]  # the dead worker's claim, left to run out

    site.delays["/sv/Stuck.rss"] = 0
    with Worker(cli, "second") as second:
        # the dead worker's claim runs out and the new worker polls the source it held
        wait_for(lambda: len(stored(database_url, "Stuck")) == 4, 60, lambda: second.log.read_text()[-2000:])
        assert site.hits["/sv/Stuck.rss"] == 2
        assert second.terminate()[0] == 0

    # the interrupted source's next poll fetches what the dead worker did not store, and nothing else
    out = cli("poll", "Pages").stdout
    assert f"new {12 - len(before)}," in out, out
    after = stored(database_url, "Pages")
    assert len(after) == 12 and all(after[url] == id_ for url, id_ in before.items())
    for url in before:
        assert site.hits[url.removeprefix(site.base)] == 1  # stored before the kill: never fetched again
    assert articles_and_urls(database_url) == (16, 16)


def test_sigkill_in_the_middle_of_a_digest_sends_it_at_most_once_more(
    cli: Cli, mailbox: Mailbox, database_url: str
) -> None:
    a_due_subscriber(cli, database_url)
    smtp = {"NEWSWATCH_SMTP_URL": mailbox.url}
    mailbox.delay_s = 30  # the server has the message but has not said 250 when the worker dies

    with Worker(cli, "first", **smtp) as first:
        wait_for(lambda: mailbox.messages, 60, lambda: first.log.read_text()[-2000:])
        first.kill()
    mailbox.delay_s = 0
    time.sleep(3.5)  # the dead worker's lease (NEWSWATCH_LEASE_S=3) runs out

    with Worker(cli, "second", **smtp) as second:
        wait_for(lambda: len(mailbox.messages) == 2, 30, lambda: second.log.read_text()[-2000:])
        time.sleep(5)  # more passes of the outbox: no third copy
        assert second.terminate()[0] == 0
    assert len(mailbox.messages) == 2
    assert mailbox.messages[0]["Message-ID"] == mailbox.messages[1]["Message-ID"]  # one message, resent
    with psycopg.connect(database_url) as conn:
        assert conn.execute("SELECT status, crash_resends FROM digests").fetchall() == [("sent", 1)]


def test_sigterm_during_a_poll_stops_within_30_s_and_leaves_the_database_consistent(
    cli: Cli, site: Site, database_url: str
) -> None:
    pages = publish(site, "Long", 40)
    for p in pages:
        site.delays[p] = 1.5  # two at a time: the whole poll would take 30 s
    add_feeds(cli, site, ["Long"])

    with Worker(cli, "worker") as worker:
        # in the middle of the poll: storing (the extract process has started) and still fetching
        wait_for(lambda: len(stored(database_url, "Long")) >= 1, 60, lambda: worker.log.read_text()[-2000:])
        status, took = worker.terminate()
    assert status == 0 and took < 30, (status, took)
    assert "poll of 1 source(s) cut short by the stop" in worker.log.read_text()
    before = stored(database_url, "Long")
    fetched = sum(site.hits[p] for p in pages)
    assert len(before) < 40 and fetched < 40  # the stop ended the poll…
    assert len(before) >= fetched - 2  # …after storing what it had fetched (two were in flight)
    # one host never has more than 2 requests in flight, even with no delay between them
    arrivals = sorted(t for t, path in site.times if path in pages)
    assert all(b - a > 1.0 for a, b in zip(arrivals, arrivals[2:], strict=False)), arrivals
    with psycopg.connect(database_url) as conn:
        # every stored article is whole: fingerprinted for duplicate lookups and placed in a story
        assert conn.execute(
            "SELECT count(*) FROM articles a WHERE NOT EXISTS (SELECT 1 FROM lsh_bands b WHERE b.article_id = a.id)"
            " OR a.story_id IS NULL"
        ).fetchone() == (0,)
        assert conn.execute("SELECT claimed_until FROM sources WHERE name = 'Long'").fetchone() == (None,)

    out = cli("poll", "Long").stdout
    assert f"new {40 - len(before)}," in out, out
    assert len(stored(database_url, "Long")) == 40
