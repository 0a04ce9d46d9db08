"""The WARC/1.1 records of one fetch, built with warcio, and read back.

A fetch is one or more exchanges: the article's request and response, and before them each hop of
its redirects. Each exchange becomes a response record and a request record (in warcio's order,
the request `WARC-Concurrent-To` the response), each its own gzip member, so a record can be read
at its offset without the rest of the file (what `.warc.gz` readers and replay tools expect).

What is recorded, honestly: Scrapy hands us the response after transfer decoding (chunked bodies
joined, Twisted drops `Transfer-Encoding`) and before content decoding, which
spiders.capture catches. So the body is the bytes the server sent, still gzip- or br-encoded when
it said so in `Content-Encoding`; the header lines are the ones received, as Scrapy parsed them
(names title-cased, values unchanged); the status line's reason is the standard phrase for the
code (Twisted keeps the server's, Scrapy drops it). The request record holds the headers Scrapy
sent, with the `Host` Twisted adds. Digests are SHA-256 (warcio's default is SHA-1).
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.utils import Digester
from warcio.warcwriter import WARCWriter

from monitor import __version__

Headers = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Exchange:
    """One request and its response, as they went over the wire (see the module's docstring)."""

    url: str
    method: str
    request_headers: Headers
    status: int
    protocol: str  # "HTTP/1.1"
    response_headers: Headers
    body: bytes  # as received: after transfer decoding, before content decoding
    ip: str | None
    at: datetime  # when the response arrived

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        return next((v for k, v in self.response_headers if k.lower() == lowered), None)


@dataclass(frozen=True)
class Capture:
    """Where a fetch's records lie: a file of the WARC folder, the byte span of its records there,
    and the payload digest of its last response."""

    file: str
    offset: int
    length: int
    payload_digest: str


# bench/evidence.py on a 63 KB page: level 3 takes 0.64 ms of CPU for 14.5 KB; zlib's default 6,
# 1.0 ms for 13.8 KB; warcio's 9, twice that again: 5 % more disk for a third less CPU per article
GZIP_LEVEL = 3
GZIP_LEVEL_ENCODED = 1  # a body the server already compressed (gzip, br) shrinks no further: the fastest


class _Writer(WARCWriter):
    """warcio's writer with SHA-256 digests, each record gzipped as its own member at GZIP_LEVEL
    (GZIP_LEVEL_ENCODED for a response whose body the server compressed)."""

    def __init__(self, out: io.BytesIO):
        super().__init__(out, gzip=False, warc_version="1.1")

    @staticmethod
    def _create_digester() -> Digester:
        return Digester("sha256")

    def _write_warc_record(self, out: io.BytesIO, record: Any) -> None:
        plain = io.BytesIO()
        super()._write_warc_record(plain, record)
        http = record.http_headers
        level = GZIP_LEVEL_ENCODED if http is not None and http.get_header("Content-Encoding") else GZIP_LEVEL
        member = zlib.compressobj(level, zlib.DEFLATED, 31)  # 31: a gzip header and trailer
        out.write(member.compress(plain.getvalue()) + member.flush())


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _request_target(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def records(exchanges: tuple[Exchange, ...] | list[Exchange]) -> tuple[bytes, str]:
    """The gzip members of every exchange's records, and the payload digest of the last response."""
    out = io.BytesIO()
    writer = _Writer(out)
    digest = ""
    for x in exchanges:
        host = urlsplit(x.url).netloc
        warc_headers = {"WARC-Date": _warc_date(x.at)}
        if x.ip:
            warc_headers["WARC-IP-Address"] = x.ip
        response = writer.create_warc_record(
            x.url,
            "response",
            payload=io.BytesIO(x.body),
            length=len(x.body),
            warc_headers_dict=warc_headers,
            http_headers=StatusAndHeaders(
                f"{x.status} {_phrase(x.status)}".strip(), list(x.response_headers), protocol=x.protocol
            ),
        )
        sent = list(x.request_headers)
        if not any(k.lower() == "host" for k, _ in sent):
            sent.append(("Host", host))
        request = writer.create_warc_record(
            x.url,
            "request",
            payload=io.BytesIO(b""),
            length=0,
            warc_headers_dict=dict(warc_headers),
            http_headers=StatusAndHeaders(
                f"{x.method} {_request_target(x.url)} {x.protocol}", sent, is_http_request=True
            ),
        )
        writer.write_request_response_pair(request, response)
        digest = response.rec_headers.get_header("WARC-Payload-Digest")
    return out.getvalue(), digest


def _warc_date(at: datetime) -> str:
    """WARC/1.1's date: UTC, with microseconds (a naive time is taken as UTC)."""
    if at.tzinfo is not None:
        at = at.astimezone(UTC).replace(tzinfo=None)
    return str(datetime_to_iso_date(at, use_micros=True))


def warcinfo(filename: str) -> bytes:
    """The warcinfo record that opens each file: who wrote it, in which format."""
    out = io.BytesIO()
    writer = _Writer(out)
    info = {
        "software": f"Newswatch/{__version__} (warcio)",
        "format": "WARC File Format 1.1",
        "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
        "description": "raw captures of article fetches (gzip per record)",
    }
    writer.write_record(writer.create_warcinfo_record(filename, info))
    return out.getvalue()


@dataclass(frozen=True)
class Record:
    kind: str  # response, request, warcinfo
    uri: str
    date: str
    status: int | None
    headers: list[tuple[str, str]]  # HTTP headers
    payload: bytes  # the body as recorded (still content-encoded if it was sent so)
    payload_digest: str | None


def read_records(data: bytes) -> Iterator[Record]:
    """Every record of a span of gzip members (raises on a damaged one)."""
    for rec in ArchiveIterator(io.BytesIO(data), check_digests=True):
        http = rec.http_headers
        status = None
        if rec.rec_type == "response" and http is not None:
            status = int(http.get_statuscode())
        yield Record(
            kind=rec.rec_type,
            uri=rec.rec_headers.get_header("WARC-Target-URI") or "",
            date=rec.rec_headers.get_header("WARC-Date") or "",
            status=status,
            headers=list(http.headers) if http is not None else [],
            payload=rec.raw_stream.read(),
            payload_digest=rec.rec_headers.get_header("WARC-Payload-Digest"),
        )


def final_page(data: bytes) -> bytes:
    """The body of a capture's last response with its content encoding undone (gzip, br…): the
    page as a browser would have got it."""
    page = b""
    for rec in ArchiveIterator(io.BytesIO(data), check_digests=True):
        if rec.rec_type == "response":
            page = rec.content_stream().read()
    return page


def final_response(data: bytes) -> Record:
    """The last response of a capture: the page itself (after any redirects)."""
    responses = [r for r in read_records(data) if r.kind == "response"]
    if not responses:
        raise ValueError("the capture holds no response record")
    return responses[-1]
