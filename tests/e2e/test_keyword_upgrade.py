"""How `newswatch init` treats default keywords stored from an older monitor/watch/keywords.toml: a default
that still has an old query (one its `replaces` lists) gets this version's, matched again over the
archive; one whose query the user changed is left alone, and init says which."""

from __future__ import annotations

import tomllib

import psycopg

from monitor.seeds import SEEDS_DIR
from tests.conftest import Cli

DEFAULTS = {k["name"]: k for k in tomllib.loads((SEEDS_DIR / "keywords.toml").read_text(encoding="utf-8"))["keyword"]}


def queries(database_url: str) -> dict[str, str]:
    with psycopg.connect(database_url) as conn:
        return dict(conn.execute("SELECT name, query FROM keywords").fetchall())


def test_init_upgrades_old_default_queries_and_keeps_a_users_edit(cli: Cli, database_url: str) -> None:
    out = cli("init").stdout
    assert "4 keywords added" in out and "given this version's query" not in out
    new = queries(database_url)
    assert new == {name: " ".join(spec["query"].split()) for name, spec in DEFAULTS.items()}

    # the database as an older version left it: the old defaults, one of them edited by the user
    with psycopg.connect(database_url, autocommit=True) as conn:
        for name in ("election", "cec", "aliyev"):
            conn.execute("UPDATE keywords SET query = %s WHERE name = %s", (DEFAULTS[name]["replaces"][0], name))
    cli("keywords", "edit", "observers", "observer* OR monitors")
    mine = queries(database_url)["observers"]

    out = cli("init").stdout
    assert "0 keywords added" in out
    assert "given this version's query (and matched again): election, cec, aliyev" in out
    assert "default keywords you changed, left as you wrote them: observers" in out
    after = queries(database_url)
    assert after == {**new, "observers": mine}

    out = cli("init").stdout  # idempotent: nothing more to say
    assert "given this version's query" not in out and "left as you wrote them: observers" in out

    # a default keyword the user removed stays removed; adding it again by hand is theirs to do
    cli("keywords", "remove", "aliyev")
    cli("init")
    assert "aliyev" not in queries(database_url)
    cli("keywords", "add", "Aliyev*", "--name", "aliyev")
    cli("keywords", "remove", "aliyev")
    cli("keywords", "add", "Əliyev*", "--name", "aliyev")
    cli("init")
    assert queries(database_url)["aliyev"] == "Əliyev*"
