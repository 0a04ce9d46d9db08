"""Downloader middleware: refuse loopback, private and link-local addresses unless allowed.

Every request passes here, redirects included (Scrapy sends a redirect as a new request), and the
host is checked after DNS resolution, so a public name pointing at 127.0.0.1 is refused too.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from typing import Any

from scrapy.exceptions import IgnoreRequest


class PrivateAddressRefused(IgnoreRequest):
    pass


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    return ip.is_global and not ip.is_multicast


async def check_host(host: str, port: int) -> None:
    try:
        infos = await asyncio.to_thread(socket.getaddrinfo, host, port, proto=socket.IPPROTO_TCP)
    except socket.gaierror:
        return  # let the download fail with its own DNS error
    for info in infos:
        address = str(info[4][0])
        if not is_public(address):
            raise PrivateAddressRefused(
                f"refused: {host} resolves to the private or loopback address {address}"
                " (set NEWSWATCH_ALLOW_PRIVATE_NETWORKS=true to allow)"
            )


class PrivateNetworkGuard:
    def __init__(self, allow: bool):
        self.allow = allow

    @classmethod
    def from_crawler(cls, crawler: Any) -> PrivateNetworkGuard:
        return cls(crawler.settings.getbool("NEWSWATCH_ALLOW_PRIVATE_NETWORKS"))

    async def process_request(self, request: Any) -> None:
        if self.allow:
            return None
        from urllib.parse import urlsplit

        parts = urlsplit(request.url)
        if parts.hostname:
            await check_host(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
        return None


class FetchTiming:
    """Downloader middleware: each response's download time goes to the fetch latency histogram
    that /metrics shows (Scrapy's downloader puts it in `download_latency`)."""

    def process_response(self, request: Any, response: Any) -> Any:
        from monitor.metrics import FETCH_SECONDS

        latency = request.meta.get("download_latency")
        if latency is not None:
            FETCH_SECONDS.observe(latency)
        return response
