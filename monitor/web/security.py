"""Who may write, and what every response carries.

Writes (any method but GET/HEAD/OPTIONS) need the NEWSWATCH_WEB_TOKEN: as `Authorization: Bearer`
for the API, or the session cookie the login form sets for the browser. With no token configured,
writes are accepted only from loopback clients that name the app by one of NEWSWATCH_ALLOWED_HOSTS
(app.py refuses every other `Host` anyway: a rebinding name pointing at 127.0.0.1 gets nowhere).
Cross-site writes are refused whatever the credentials (Origin / Sec-Fetch-Site, the check of
https://web.dev/articles/fetch-metadata), and every response gets a strict Content-Security-Policy:
the pages run no script at all.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from urllib.parse import urlsplit

from starlette._utils import parse_host_header
from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from monitor.errors import UsageError

COOKIE = "newswatch_session"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


class Refused(Exception):
    """A request this app will not serve: `status` 401 (no credentials) or 403 (cross-site)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def session_value(token: str) -> str:
    """What the session cookie holds: derived from the token, so the token itself never sits in a cookie."""
    return hmac.new(token.encode(), b"newswatch web session", hashlib.sha256).hexdigest()


def is_loopback(host: str | None) -> bool:
    if not host:
        return False
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def signed_in(conn: HTTPConnection, token: str | None) -> bool:
    """Whether this request may write: the right bearer token or session cookie, or (no token
    configured) a loopback client."""
    if token is None:
        return is_loopback(conn.client.host if conn.client else None)
    auth = conn.headers.get("authorization", "")
    scheme, _, given = auth.partition(" ")
    if scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode()):
        return True
    cookie = conn.cookies.get(COOKIE, "")
    return hmac.compare_digest(cookie.encode(), session_value(token).encode())


def check_same_site(conn: HTTPConnection) -> None:
    """Refuse a write a browser sent from another site. Clients that send neither header (curl,
    scripts) are not browsers and pass on to the credential check."""
    site = conn.headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        raise Refused(403, f"cross-site request refused (Sec-Fetch-Site: {site})")
    origin = conn.headers.get("origin")
    if origin is not None:
        own = f"{conn.url.scheme}://{conn.headers.get('host', '')}"
        given = urlsplit(origin)
        if origin == "null" or f"{given.scheme}://{given.netloc}" != own:
            raise Refused(403, f"cross-site request refused (Origin: {origin})")


def named_as_allowed(conn: HTTPConnection) -> bool:
    """Whether the request names this app by one of NEWSWATCH_ALLOWED_HOSTS exactly (a wildcard
    entry lets a request in, but never makes it a write without a token)."""
    parsed = parse_host_header(conn.headers.get("host"))
    hosts = conn.scope["app"].state.settings.trusted_hosts if "app" in conn.scope else ()
    return parsed is not None and parsed.host.lower() in {h for h in hosts if "*" not in h}


def check_write(conn: HTTPConnection, token: str | None) -> None:
    """Raise Refused unless this write is same-site and signed in."""
    check_same_site(conn)
    if token is None and not named_as_allowed(conn):
        # a loopback client through a name that is not ours is a browser fooled by DNS rebinding
        raise Refused(403, "writes without NEWSWATCH_WEB_TOKEN are accepted only through NEWSWATCH_ALLOWED_HOSTS")
    if not signed_in(conn, token):
        if token is None:
            raise Refused(403, "writes are accepted only from this machine when NEWSWATCH_WEB_TOKEN is not set")
        raise Refused(401, "this change needs the web token: sign in, or send Authorization: Bearer <token>")


MAX_REQUEST_BYTES = 4 * 1024 * 1024  # a request's body: an OPML upload (2 MiB at most) with room to spare


class BodyTooLarge(UsageError):
    pass


class BodyCap:
    """ASGI middleware: a request body larger than MAX_REQUEST_BYTES is refused (a UsageError
    raised where the handler reads it, so answered 400 like any bad input) before it is held: a
    150 MB keyword name grew the web process by 150 MB and answered 503."""

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_REQUEST_BYTES):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        limit, seen = self.max_bytes, 0
        message_text = f"the request body is larger than {limit // 1024 // 1024} MiB"

        async def capped() -> Message:
            nonlocal seen
            if declared.isdigit() and int(declared) > limit:
                raise BodyTooLarge(message_text)
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(message_text)
            return message

        await self.app(scope, capped, send)


class SecurityHeaders:
    """ASGI middleware adding HEADERS to every HTTP response."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)
