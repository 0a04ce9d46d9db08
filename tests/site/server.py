"""The fixture news site: a real HTTP server on loopback serving tests/site/www.

`{{BASE}}` in a served file becomes the server's own http://127.0.0.1:PORT. Files are served with
an ETag and a Last-Modified, and a matching If-None-Match or If-Modified-Since gets a 304. Every
request is counted and its headers kept, so tests can see what a poll asked for.
"""

from __future__ import annotations

import hashlib
import threading
from collections import Counter
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

WWW = Path(__file__).parent / "www"
LAST_MODIFIED = formatdate(1707300000, usegmt=True)  # 2024-02-07
TYPES = {
    ".rss": "application/rss+xml",
    ".xml": "application/xml",
    ".html": "text/html; charset=utf-8",
    ".txt": "text/plain",
}


class Site:
    def __init__(self, root: Path = WWW):
        self.root = root
        self.hits: Counter[str] = Counter()
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.overrides: dict[str, tuple[int, dict[str, str], bytes]] = {}
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                path = self.path.split("?", 1)[0]
                site.hits[path] += 1
                site.requests.append((path, dict(self.headers)))
                if path in site.overrides:
                    status, headers, body = site.overrides[path]
                    return self.reply(status, headers, body)
                file = (site.root / path.lstrip("/")).resolve()
                if not file.is_file() or site.root.resolve() not in file.parents:
                    return self.reply(404, {"Content-Type": "text/plain"}, b"not found")
                body = file.read_bytes().replace(b"{{BASE}}", site.base.encode())
                etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag or self.headers.get("If-Modified-Since") == LAST_MODIFIED:
                    return self.reply(304, {"ETag": etag}, b"")
                ctype = TYPES.get(file.suffix, "application/octet-stream")
                self.reply(200, {"Content-Type": ctype, "ETag": etag, "Last-Modified": LAST_MODIFIED}, body)

            def reply(self, status: int, headers: dict[str, str], body: bytes) -> None:
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                if status != 304:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if status != 304:
                    self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Site:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def url(self, path: str) -> str:
        return self.base + path
