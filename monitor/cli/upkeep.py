"""`newswatch maintenance`: retention and upkeep by hand (the service runs it daily)."""

from __future__ import annotations

import argparse
from typing import Any

from monitor import config, runtime
from monitor.errors import NewswatchError
from monitor.service import database
from monitor.store import maintenance


def register(sub: Any) -> None:
    p = sub.add_parser(
        "maintenance",
        help="repair WARC files, drop evidence older than NEWSWATCH_EVIDENCE_DAYS, then vacuum and analyse",
    )
    p.set_defaults(handler=run_maintenance)


def run_maintenance(args: argparse.Namespace) -> int:
    settings = config.load()

    async def main() -> Any:
        async with database(settings) as pool, pool.connection() as conn:
            return await maintenance.upkeep(conn, settings.evidence_days, settings.warc_path)

    done = runtime.run(main)
    if done is None:
        raise NewswatchError("maintenance: another Newswatch process is running it now; try again later")
    purged, retained = done
    kept = f"older than {settings.evidence_days} days" if settings.evidence_days else "none: evidence is kept forever"
    print(f"evidence purged from {purged} article(s) ({kept}); tables vacuumed and analysed")
    print(
        f"raw captures removed: {retained.captures} ({retained.files} WARC file(s) deleted,"
        f" {retained.freed / 1048576:.1f} MiB freed); files of dead writers repaired: {retained.repaired}"
    )
    return 0
