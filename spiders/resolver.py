"""The name resolution of every connection the spiders make: the addresses it checks are the ones
the connection uses. The downloader middleware's check (spiders.middlewares) asks DNS first, but
the connection used to ask again, and a rebinding name (public to the first question, 127.0.0.1
to the next) passed the check and connected to loopback. Installed on the reactor by spiders.crawl.

Twisted's HTTP client resolves through `reactor.nameResolver` (IHostnameResolver) and connects to
each address it is given; a plain `connectTCP` to a name goes through `reactor.resolve()`, which
Twisted derives from the name resolver. Literal addresses pass: the middleware checks those of
requests, and a proxy's is the operator's choice.
"""

from __future__ import annotations

import ipaddress
import socket
from collections import OrderedDict
from typing import Any

from twisted.internet import address as twisted_address
from twisted.internet import defer, threads
from twisted.internet.interfaces import IHostnameResolver, IHostResolution
from zope.interface import implementer

from spiders.middlewares import is_public, refusal

# why recent lookups were refused, by host name: Twisted reports an empty answer only as "no
# results", so spiders.source.failure_reason looks the reason up here
_refused: OrderedDict[str, str] = OrderedDict()


def refused(host: str) -> str | None:
    return _refused.get(host.lower())


def _remember(host: str, reason: str) -> None:
    _refused[host.lower()] = reason
    while len(_refused) > 1000:
        _refused.popitem(last=False)


def lookup(host: str, port: int, family: int, allow_private: bool) -> list[tuple[int, str]]:
    """(family, address) of every address of `host`; none at all when one of them may not be
    connected to (the reason kept for `refused`)."""
    try:
        literal = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        pass
    else:  # a literal address is checked by the middleware (a proxy's is the operator's choice)
        return [(socket.AF_INET6 if literal.version == 6 else socket.AF_INET, str(literal))]
    try:
        infos = socket.getaddrinfo(host, port, family, socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return []
    found = [(int(info[0]), str(info[4][0])) for info in infos]
    for _family, address in found:
        if not allow_private and not is_public(address):
            _remember(host, refusal(host, address))
            return []
    _refused.pop(host.lower(), None)
    return found


@implementer(IHostResolution)
class _Resolution:
    def __init__(self, name: str):
        self.name = name

    def cancel(self) -> None:
        pass


@implementer(IHostnameResolver)
class GuardedResolver:
    def __init__(self, reactor: Any, allow_private: bool):
        self.reactor = reactor
        self.allow_private = allow_private

    def _in_thread(self, *args: Any) -> defer.Deferred[list[tuple[int, str]]]:
        return threads.deferToThreadPool(self.reactor, self.reactor.getThreadPool(), lookup, *args)

    def resolveHostName(  # noqa: N802  (Twisted's names)
        self,
        resolutionReceiver: Any,  # noqa: N803
        hostName: str,  # noqa: N803
        portNumber: int = 0,  # noqa: N803
        addressTypes: Any = None,  # noqa: N803
        transportSemantics: str = "TCP",  # noqa: N803
    ) -> Any:
        resolution = _Resolution(hostName)
        resolutionReceiver.resolutionBegan(resolution)
        wanted = (
            {twisted_address.IPv4Address, twisted_address.IPv6Address} if addressTypes is None else set(addressTypes)
        )

        def deliver(found: list[tuple[int, str]]) -> None:
            for family, host in found:
                if family == socket.AF_INET and twisted_address.IPv4Address in wanted:
                    resolutionReceiver.addressResolved(twisted_address.IPv4Address("TCP", host, portNumber))
                elif family == socket.AF_INET6 and twisted_address.IPv6Address in wanted:
                    resolutionReceiver.addressResolved(twisted_address.IPv6Address("TCP", host, portNumber))
            resolutionReceiver.resolutionComplete()

        self._in_thread(hostName, portNumber, socket.AF_UNSPEC, self.allow_private).addBoth(
            lambda found: deliver(found if isinstance(found, list) else [])
        )
        return resolution


def install(allow_private: bool) -> None:
    """Make every connection of this process resolve through a GuardedResolver."""
    from twisted.internet import reactor

    # also becomes `reactor.resolver`, wrapped by Twisted, so plain connectTCP calls go through it
    reactor.installNameResolver(GuardedResolver(reactor, allow_private))  # type: ignore[attr-defined]
