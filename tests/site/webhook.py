"""A real webhook receiver on loopback: records each JSON body it answers 200 to. `stall` makes the
request numbered so hang without an answer until released (then the connection is dropped, nothing
recorded): a sender killed then never learnt whether it arrived."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Webhook:
    def __init__(self, path: str = "/hook/s3cr3t-t0ken") -> None:
        self.path = path
        self.received: list[dict[str, Any]] = []
        self.requests = 0
        self.stall: int | None = None
        self.stalled = threading.Event()
        self.release = threading.Event()
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with lock:
                    hook.requests += 1
                    number = hook.requests
                if self.path != hook.path:
                    self.send_response(404)
                    self.end_headers()
                    return
                if number == hook.stall:
                    hook.stalled.set()
                    hook.release.wait(30)
                    self.close_connection = True
                    return
                with lock:
                    hook.received.append(json.loads(body))
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args: Any) -> None:
                pass

        lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"json://127.0.0.1:{self.port}{self.path}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
