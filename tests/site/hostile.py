"""The hostile part of the fixture site, like Scrapy's mock server: responses that are too big,
too slow, compressed into bombs, redirected in loops or to private addresses, refused, throttled.
Each route is a function of the request handler; static hostile feeds live in www/hostile/."""

from __future__ import annotations

import functools
import gzip
import time
from collections.abc import Callable
from typing import Any

MB = 1024 * 1024


@functools.cache
def gzip_bomb() -> bytes:
    """1 GiB of zeros in about 1 MB: 64 gzip members of 16 MiB each (a gzip stream may hold many)."""
    return gzip.compress(bytes(16 * MB), compresslevel=9) * 64


def huge(h: Any) -> None:
    """300 MB of feed-looking bytes, with no Content-Length: the cap must cut it while it streams."""
    h.send_response(200)
    h.send_header("Content-Type", "application/rss+xml")
    h.end_headers()
    h.wfile.write(b'<?xml version="1.0"?><rss version="2.0"><channel><title>huge</title><description>')
    chunk = b"x" * MB
    try:
        for _ in range(300):
            h.wfile.write(chunk)
    except OSError:
        pass  # the client hung up, as it should


def bomb(h: Any) -> None:
    body = gzip_bomb()
    h.reply(200, {"Content-Type": "application/rss+xml", "Content-Encoding": "gzip"}, body)


def drip(h: Any) -> None:
    """A feed that starts and never finishes: one byte every half second, for ever."""
    h.send_response(200)
    h.send_header("Content-Type", "application/rss+xml")
    h.end_headers()
    try:
        h.wfile.write(b'<?xml version="1.0"?><rss version="2.0"><channel>')
        for _ in range(600):
            h.wfile.write(b" ")
            h.wfile.flush()
            time.sleep(0.5)
    except OSError:
        pass


def loop(h: Any) -> None:
    h.reply(302, {"Location": "/hostile/loop-again"}, b"")


def loop_again(h: Any) -> None:
    h.reply(302, {"Location": "/hostile/loop"}, b"")


def to_private(h: Any) -> None:
    h.reply(302, {"Location": h.site.url("/feed.rss")}, b"")


def quadratic(h: Any) -> None:
    """The "quadratic blowup": one 10 KB entity referenced 4,000 times (about 50 KB in, 40 MB out)."""
    entity = b"A" * 10_000
    body = (
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "' + entity + b'">]>'
        b'<rss version="2.0"><channel><title>t</title><item><title>'
        + b"&a;" * 4000
        + b"</title></item></channel></rss>"
    )
    h.reply(200, {"Content-Type": "application/rss+xml"}, body)


def gone(h: Any) -> None:
    h.reply(410, {"Content-Type": "text/plain"}, b"gone")


def busy(h: Any) -> None:
    h.reply(429, {"Content-Type": "text/plain", "Retry-After": "7200"}, b"slow down")


def mislabelled(h: Any) -> None:
    """A windows-1251 feed whose header claims UTF-8 (and whose XML declaration says nothing)."""
    body = (h.site.root / "hostile" / "mislabelled-1251.rss").read_bytes()
    body = body.replace(b"{{BASE}}", h.base.encode())
    h.reply(200, {"Content-Type": "application/rss+xml; charset=utf-8"}, body)


def cp1251_page(h: Any) -> None:
    """A Russian article page in windows-1251, served with no charset at all."""
    body = (h.site.root / "hostile" / "ru-article.html").read_bytes()
    h.reply(200, {"Content-Type": "text/html"}, body.decode("utf-8").encode("cp1251"))


ROUTES: dict[str, Callable[[Any], None]] = {
    "/hostile/huge.rss": huge,
    "/hostile/bomb.rss": bomb,
    "/hostile/drip.rss": drip,
    "/hostile/loop": loop,
    "/hostile/loop-again": loop_again,
    "/hostile/to-private.rss": to_private,
    "/hostile/quadratic.rss": quadratic,
    "/hostile/gone.rss": gone,
    "/hostile/busy.rss": busy,
    "/hostile/mislabelled.rss": mislabelled,
    "/hostile/ru-article-1251.html": cp1251_page,
}
