"""One host, whichever crawls of a worker ask it: at most 2 requests at once, their starts spaced by
NEWSWATCH_HOST_DELAY_S (±50 %). A worker polls up to four batches at once, each its own crawl with
Scrapy slots of its own; an outlet with more feeds than a batch holds (BATCH, 25) is polled by two
crawls together, and before spiders.hosts each sent it its own 2 requests at once."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from monitor.scheduler import BATCH
from tests.conftest import Cli
from tests.e2e.survival import Worker, text, wait_for

FEEDS = BATCH + 5  # two batches, polled at once
DELAY = 0.2
ANSWER_S = 0.3  # longer than the delay: a host has 2 requests on the wire at once, never more


class Outlet:
    """One outlet on 127.0.0.1 with many feeds, noting when each request began and ended."""

    def __init__(self) -> None:
        self.spans: list[tuple[float, float, str]] = []
        outlet = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                began = time.monotonic()
                time.sleep(ANSWER_S)
                path = self.path.split("?", 1)[0]
                if path == "/robots.txt":
                    body, ctype = b"User-agent: *\nAllow: /\n", "text/plain"
                elif path.startswith("/feed/"):
                    n = path.removeprefix("/feed/").removesuffix(".rss")
                    body, ctype = outlet.feed(n), "application/rss+xml"
                else:
                    body, ctype = outlet.page(path), "text/html; charset=utf-8"
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                outlet.spans.append((began, time.monotonic(), path))

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def feed(self, n: str) -> bytes:
        item = f"<item><title>Item {n}</title><link>{self.base}/a/{n}.html</link><guid>g-{n}</guid></item>"
        channel = f"<channel><title>Feed {n}</title>{item}</channel>"
        return f'<?xml version="1.0"?><rss version="2.0">{channel}</rss>'.encode()

    def page(self, path: str) -> bytes:
        words = text(path, 150)
        return f"<html><body><article><h1>{path}</h1><p>{words}</p></article></body></html>".encode()


def opml(outlet: Outlet, folder: Path) -> Path:
    outlines = "".join(
        f'<outline type="rss" text="Feed {n}" xmlUrl="{outlet.base}/feed/{n}.rss"/>' for n in range(FEEDS)
    )
    path = folder / "feeds.opml"
    path.write_text(f'<?xml version="1.0"?><opml version="2.0"><body>{outlines}</body></opml>')
    return path


def test_two_crawls_of_a_worker_share_each_hosts_turns(cli: Cli, tmp_path: Path) -> None:
    outlet = Outlet()
    try:
        cli("sources", "import", str(opml(outlet, tmp_path)), "--no-check")
        pages = lambda: sum(1 for *_, p in outlet.spans if p.startswith("/a/"))  # noqa: E731
        with Worker(cli, "worker", NEWSWATCH_HOST_DELAY_S=str(DELAY)) as worker:
            wait_for(lambda: pages() >= FEEDS, 120, lambda: worker.log.read_text()[-2000:])
            worker.terminate()
    finally:
        outlet.server.shutdown()
        outlet.server.server_close()
    spans = sorted(outlet.spans)
    assert sum(1 for *_, p in spans if p.startswith("/feed/")) == FEEDS
    at_once = max(sum(1 for b, e, _ in spans if b <= began < e) for began, _, _ in spans)
    gaps = [b - a for (a, *_), (b, *_) in zip(spans, spans[1:], strict=False)]
    print(f"{len(spans)} requests; at most {at_once} at once; starts {min(gaps):.3f} s apart at least")
    assert at_once <= 2
    # spaced by the delay times 0.5 to 1.5; the server notes the time a request arrives, which a new
    # connection's set-up moves by a few milliseconds either way. Two crawls each sending their own
    # turn gave gaps of a millisecond.
    assert min(gaps) >= DELAY * 0.5 - 0.02
