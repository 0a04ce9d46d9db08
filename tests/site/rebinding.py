"""`python -m tests.site.rebinding ARGS…`: the CLI under a simulated rebinding DNS. Names under
`.rebind.example` answer a public address to the first question and 127.0.0.1 to every later one,
as a hostile name server with a zero TTL does. As a safety net the process can connect to nothing
but loopback: the public answer is never a target, whatever the code under test does."""

from __future__ import annotations

import socket
import sys
from collections import Counter
from typing import Any

PUBLIC = "93.184.216.34"  # a global address (example.com's); the safety net below keeps it from being a target
asked: Counter[str] = Counter()
_real_getaddrinfo = socket.getaddrinfo
_real_connect_ex = socket.socket.connect_ex
_real_connect = socket.socket.connect


def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
    if isinstance(host, str) and host.endswith(".rebind.example"):
        asked[host] += 1
        address = PUBLIC if asked[host] == 1 else "127.0.0.1"
        return _real_getaddrinfo(address, port, *args, **kwargs)
    return _real_getaddrinfo(host, port, *args, **kwargs)


def _loopback_only(address: Any) -> None:
    host = address[0] if isinstance(address, tuple) else None
    if host is not None and not (host.startswith("127.") or host in ("::1", "localhost")):
        raise ConnectionRefusedError(f"rebinding test: no connection to {host} allowed")


def connect_ex(self: socket.socket, address: Any) -> int:
    _loopback_only(address)
    return _real_connect_ex(self, address)


def connect(self: socket.socket, address: Any) -> None:
    _loopback_only(address)
    _real_connect(self, address)


if __name__ == "__main__":
    socket.getaddrinfo = getaddrinfo  # type: ignore[assignment]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
    socket.socket.connect = connect  # type: ignore[method-assign]
    from monitor.cli import main

    sys.exit(main(sys.argv[1:]))
