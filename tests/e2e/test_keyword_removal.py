"""No silent loss, through the CLI: removing a keyword that is some subscriber's only keyword is
refused with those subscribers named (exit 2) unless --force, which makes them all-keyword
subscribers and says so; a subscriber who can receive nothing is shown as such."""

from __future__ import annotations

import json

import psycopg

from tests.conftest import Cli


def test_removing_a_subscribers_only_keyword_is_refused_then_forced(cli: Cli) -> None:
    cli("init")
    cli("subscribers", "add", "only-cec@example.org", "--keywords", "cec")
    cli("subscribers", "add", "cec-and-more@example.org", "--keywords", "cec,election")
    cli("subscribers", "add", "everything@example.org")

    refused = cli("keywords", "remove", "cec", expect=2)
    assert refused.stderr.count("\n") == 1, refused.stderr  # one line
    assert "only-cec@example.org" in refused.stderr and "would receive nothing" in refused.stderr
    assert "cec-and-more@example.org" not in refused.stderr and "everything@example.org" not in refused.stderr
    assert "--force" in refused.stderr
    assert "cec" in cli("keywords", "list").stdout.split()  # nothing removed

    forced = cli("keywords", "remove", "cec", "--force").stdout
    assert "removed keyword cec" in forced
    assert "only keyword of only-cec@example.org: they now receive every keyword" in forced
    listed = {line.split()[0]: line for line in cli("subscribers", "list").stdout.splitlines()[1:] if line.strip()}
    assert "(all)" in listed["only-cec@example.org"]
    assert listed["cec-and-more@example.org"].split()[1] == "election"

    assert "removed keyword observers" in cli("keywords", "remove", "observers").stdout  # no one's only keyword
    assert "no keyword named 'nope'" in cli("keywords", "remove", "nope", expect=2).stderr


def test_a_subscriber_who_can_receive_nothing_is_shown_as_such(cli: Cli, database_url: str) -> None:
    cli("init")
    cli("subscribers", "add", "left-with-nothing@example.org", "--keywords", "cec")
    cli("subscribers", "add", "fine@example.org", "--keywords", "election")
    with psycopg.connect(database_url, autocommit=True) as conn:  # what a removal did before it was refused
        conn.execute(
            "DELETE FROM subscriber_keywords WHERE subscriber_id ="
            " (SELECT id FROM subscribers WHERE email = 'left-with-nothing@example.org')"
        )
    listed = cli("subscribers", "list", COLUMNS="250").stdout  # each subscriber on one line
    line = next(x for x in listed.splitlines() if x.startswith("left-with-nothing@"))
    assert "(none left)" in line and "receives nothing" in line and "(all)" not in line
    assert "receives nothing" not in next(x for x in listed.splitlines() if x.startswith("fine@"))

    status = cli("status", COLUMNS="250").stdout
    assert "subscribers who receive nothing" in status and "left-with-nothing@example.org: no keyword left" in status
    state = json.loads(cli("status", "--format", "json").stdout)
    assert state["receiving_nothing"] == [{"email": "left-with-nothing@example.org", "why": "no keyword left"}]
