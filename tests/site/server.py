"""The fixture news site: a real HTTP server on loopback serving tests/site/www.

`{{BASE}}` in a served file becomes the server's own http://127.0.0.1:PORT. Files are served with
an ETag and a Last-Modified, and a matching If-None-Match or If-Modified-Since gets a 304. Every
request is counted and its headers kept, so tests can see what a poll asked for; `overrides` serve
made-up documents and `delays` make a path answer slowly; `edit`, `vanish` and `redirect` change a
published page the way outlets do (the re-check tests). The routes of
`hostile.py` misbehave on purpose. The server also answers proxy-form requests
(`GET http://host/path`), so a test can reach it under a public address through `http_proxy`.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import Counter
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from tests.site import hostile

WWW = Path(__file__).parent / "www"
LAST_MODIFIED = formatdate(1707300000, usegmt=True)  # 2024-02-07
TYPES = {
    ".rss": "application/rss+xml",
    ".xml": "application/xml",
    ".html": "text/html; charset=utf-8",
    ".txt": "text/plain",
    ".json": "application/feed+json",
}


class Site:
    def __init__(self, root: Path = WWW):
        self.root = root
        self.hits: Counter[str] = Counter()
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.times: list[tuple[float, str]] = []  # (time.monotonic(), path) of every request
        self.answers: list[tuple[str, int]] = []  # (path, status) of every answer
        self.overrides: dict[str, tuple[int, dict[str, str], bytes]] = {}
        self.delays: dict[str, float] = {}  # path → seconds to wait before answering (a slow server)
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            site: Site  # set below; lets hostile routes reach the site

            def do_GET(self) -> None:  # noqa: N802
                path = urlsplit(self.path).path if "://" in self.path else self.path.split("?", 1)[0]
                site.hits[path] += 1
                site.requests.append((path, dict(self.headers)))
                site.times.append((time.monotonic(), path))
                if path in site.delays:
                    time.sleep(site.delays[path])
                if path in site.overrides:
                    status, headers, body = site.overrides[path]
                    return self.reply(status, headers, body)
                if path in hostile.ROUTES:
                    return hostile.ROUTES[path](self)
                file = site.find(path)
                if file is None:
                    return self.reply(404, {"Content-Type": "text/plain"}, b"not found")
                body = file.read_bytes().replace(b"{{BASE}}", self.base.encode())
                etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag or self.headers.get("If-Modified-Since") == LAST_MODIFIED:
                    return self.reply(304, {"ETag": etag}, b"")
                ctype = TYPES.get(file.suffix, "application/octet-stream")
                self.reply(200, {"Content-Type": ctype, "ETag": etag, "Last-Modified": LAST_MODIFIED}, body)

            @property
            def base(self) -> str:
                """This request's own origin: the site's, or the public name a proxied request used."""
                if "://" in self.path:
                    return "http://" + self.headers.get("Host", "")
                return site.base

            def reply(self, status: int, headers: dict[str, str], body: bytes) -> None:
                site.answers.append((urlsplit(self.path).path, status))
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                if status != 304:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if status != 304:
                    self.wfile.write(body)

        Handler.site = self  # type: ignore[assignment]
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Site:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def find(self, path: str) -> Path | None:
        """The file a path names, with pretty URLs: `/a/b` may be `a/b.html`, `/a/` is `a/index.html`."""
        base = (self.root / path.lstrip("/")).resolve()
        for file in (base, base.with_name(base.name + ".html"), base / "index.html"):
            if file.is_file() and self.root.resolve() in file.parents:
                return file
        return None

    def url(self, path: str) -> str:
        return self.base + path

    def body(self, path: str) -> bytes:
        """What the site serves for a file's path, {{BASE}} filled in."""
        file = self.find(path)
        assert file is not None, path
        return file.read_bytes().replace(b"{{BASE}}", self.base.encode())

    # Pages that change after they were published (the re-check tests): each an override of the path.
    def edit(self, path: str, later: str) -> None:
        """`path` now serves the page of `later` (an edit; no ETag, like many CMSs)."""
        self.overrides[path] = (200, {"Content-Type": TYPES[".html"]}, self.body(later))

    def vanish(self, path: str, status: int = 410) -> None:
        self.overrides[path] = (status, {"Content-Type": "text/html"}, b"<html><body><h1>Gone</h1></body></html>")

    def redirect(self, path: str, to: str = "/", status: int = 301) -> None:
        self.overrides[path] = (status, {"Location": to}, b"")
