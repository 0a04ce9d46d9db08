"""`newswatch maintenance`: retention and upkeep by hand (the service runs it daily)."""

from __future__ import annotations

import argparse
from typing import Any

from monitor import config, runtime
from monitor.service import database
from monitor.store import maintenance


def register(sub: Any) -> None:
    p = sub.add_parser("maintenance", help="drop evidence older than NEWSWATCH_EVIDENCE_DAYS, then vacuum and analyse")
    p.set_defaults(handler=run_maintenance)


async def upkeep(pool: Any, settings: config.Settings) -> int:
    """Purge (when a retention is set), then vacuum and analyse. Returns the articles purged."""
    purged = 0
    async with pool.connection() as conn:
        if settings.evidence_days:
            purged = await maintenance.purge_evidence(conn, settings.evidence_days)
        await maintenance.vacuum_analyze(conn)
    return purged


def run_maintenance(args: argparse.Namespace) -> int:
    settings = config.load()

    async def main() -> int:
        async with database(settings) as pool:
            return await upkeep(pool, settings)

    purged = runtime.run(main)
    kept = f"older than {settings.evidence_days} days" if settings.evidence_days else "none: evidence is kept forever"
    print(f"evidence purged from {purged} article(s) ({kept}); tables vacuumed and analysed")
    return 0
