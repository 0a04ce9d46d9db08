"""Downloader middleware: refuse loopback, private and link-local addresses unless allowed.

Every request passes here, redirects included (Scrapy sends a redirect as a new request), and the
host is checked after DNS resolution, so a public name pointing at 127.0.0.1 is refused too; the
connection itself resolves through spiders.resolver, which checks the address it connects to.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from typing import Any

from scrapy.exceptions import IgnoreRequest


class PrivateAddressRefused(IgnoreRequest):
    pass


# IPv6 ranges that carry an IPv4 address in their last 32 bits (IPv4-compatible, SIIT, NAT64
# RFC 6052 and RFC 8215): `::127.0.0.1` and `64:ff9b::7f00:1` reach 127.0.0.1 through a translator
_EMBEDDING = [ipaddress.ip_network(n) for n in ("::/96", "::ffff:0:0:0/96", "64:ff9b::/96", "64:ff9b:1::/48")]


def embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for, if it embeds one."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if any(ip in net for net in _EMBEDDING):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_public(address: str) -> bool:
    """A global unicast address, judged by the IPv4 address inside when it embeds one."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    inner = embedded_ipv4(ip) if isinstance(ip, ipaddress.IPv6Address) else None
    if inner is not None and not (inner.is_global and not inner.is_multicast):
        return False
    return ip.is_global and not ip.is_multicast


def refusal(host: str, address: str) -> str:
    return (
        f"refused: {host} resolves to the private or loopback address {address}"
        " (set NEWSWATCH_ALLOW_PRIVATE_NETWORKS=true to allow)"
    )


async def check_host(host: str, port: int) -> None:
    try:
        infos = await asyncio.to_thread(socket.getaddrinfo, host, port, proto=socket.IPPROTO_TCP)
    except socket.gaierror:
        return  # let the download fail with its own DNS error
    for info in infos:
        address = str(info[4][0])
        if not is_public(address):
            raise PrivateAddressRefused(refusal(host, address))


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
