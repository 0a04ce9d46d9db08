"""spiders.hosts.Turns: at most `at_once` requests on the wire per host, starts spaced by the delay
(±50 %), and a busy host never holds up another."""

from __future__ import annotations

import asyncio
import time

from spiders.hosts import Turns


def test_a_host_gets_two_at_once_spaced_by_the_delay_and_other_hosts_go_on() -> None:
    delay, on_wire = 0.05, 0.12
    starts: dict[str, list[float]] = {"slow": [], "other": []}
    inside = {"slow": 0, "other": 0}
    most = {"slow": 0, "other": 0}

    async def request(turns: Turns, host: str) -> None:
        async with turns.turn(host, 2, delay):
            starts[host].append(time.monotonic())
            inside[host] += 1
            most[host] = max(most[host], inside[host])
            await asyncio.sleep(on_wire)
            inside[host] -= 1

    async def main() -> float:
        turns = Turns()
        began = time.monotonic()
        slow = [asyncio.ensure_future(request(turns, "slow")) for _ in range(6)]
        await asyncio.sleep(0.01)  # the slow host's queue is full when the other host asks
        await request(turns, "other")
        other_done = time.monotonic() - began
        await asyncio.gather(*slow)
        return other_done

    other_done = asyncio.run(main())
    gaps = [b - a for a, b in zip(starts["slow"], starts["slow"][1:], strict=False)]
    assert len(starts["slow"]) == 6 and most["slow"] == 2
    assert min(gaps) >= delay * 0.5 - 0.005
    # six requests of 0.12 s, two at a time: at least three rounds on the wire
    assert starts["slow"][-1] - starts["slow"][0] >= 2 * on_wire - 0.01
    assert other_done < 0.01 + on_wire + 0.05  # not queued behind the slow host's six


def test_idle_hosts_are_forgotten_once_many_are_known() -> None:
    import spiders.hosts as hosts

    async def main() -> int:
        turns = Turns()
        for n in range(hosts.PRUNE_AT + 10):
            async with turns.turn(f"host-{n}", 2, 0.0):
                pass
        return len(turns.hosts)

    assert asyncio.run(main()) < hosts.PRUNE_AT  # kept only while a turn is held or a delay runs
