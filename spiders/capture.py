"""Downloader middleware: keep each exchange of a request marked for evidence as it went over the
wire, for monitor.evidence to write as WARC records.

It sits at 610, just outside RedirectMiddleware (600) and HttpCompressionMiddleware (590): a
response reaches it before a redirect is followed and before the body is decompressed, and a
request leaves it with every header Scrapy will send (the User-Agent, Accept-Encoding). Each hop
of a redirect chain is kept: Scrapy copies a request's meta into its redirect, and the list of
exchanges is shared by both.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from monitor.evidence.warc import Exchange

WANTED = "newswatch_capture"  # meta flag: keep this request's exchanges
EXCHANGES = "newswatch_exchanges"  # meta: the list of Exchange, oldest hop first


def _headers(headers: Any) -> tuple[tuple[str, str], ...]:
    return tuple(
        (name.decode("latin-1"), value.decode("latin-1")) for name, values in headers.items() for value in values
    )


class CaptureExchanges:
    def process_request(self, request: Any) -> None:
        # a redirect keeps the request's headers, and a conditional GET's validators belong to the
        # URL they came from: sent on, they could make another page answer 304 (a home page
        # redirected to would look "not modified")
        if request.meta.get(WANTED) and request.meta.get("redirect_times"):
            for name in (b"If-None-Match", b"If-Modified-Since"):
                request.headers.pop(name, None)

    def process_response(self, request: Any, response: Any) -> Any:
        if request.meta.get(WANTED):
            request.meta.setdefault(EXCHANGES, []).append(
                Exchange(
                    url=response.url,
                    method=request.method,
                    request_headers=_headers(request.headers),
                    status=response.status,
                    protocol=response.protocol or "HTTP/1.1",
                    response_headers=_headers(response.headers),
                    body=response.body,
                    ip=str(response.ip_address) if response.ip_address else None,
                    at=datetime.now(UTC),
                )
            )
        return response


def exchanges(response: Any) -> tuple[Exchange, ...]:
    """What was captured on the way to this response (empty when the request was not marked)."""
    return tuple(response.meta.get(EXCHANGES, ()))
