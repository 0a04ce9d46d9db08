"""Unsubscribe links: a token per subscriber, signed with HMAC-SHA256 so that nobody can forge one
for someone else's address, and the URL built from NEWSWATCH_BASE_URL."""

from __future__ import annotations

import base64
import hashlib
import hmac

from psycopg import AsyncConnection

from monitor.config import Settings
from monitor.store import secrets

SECRET_NAME = "secret_key"


async def signing_key(conn: AsyncConnection, settings: Settings) -> str:
    """NEWSWATCH_SECRET_KEY, else the key generated once and kept in the database."""
    return settings.secret_key or await secrets.get_or_create(conn, SECRET_NAME)


def _signature(key: str, subscriber_id: int, email: str) -> str:
    mac = hmac.new(key.encode(), f"unsubscribe:{subscriber_id}:{email.lower()}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()[:20]).decode().rstrip("=")


def token(key: str, subscriber_id: int, email: str) -> str:
    return f"{subscriber_id}.{_signature(key, subscriber_id, email)}"


def subscriber_id(token_text: str) -> int | None:
    """The subscriber a token claims to be for (not yet verified), or None if it is malformed."""
    head, _, _ = token_text.partition(".")
    return int(head) if head.isdigit() and len(head) < 19 else None


def verify(key: str, token_text: str, subscriber_id: int, email: str) -> bool:
    return hmac.compare_digest(token_text.encode(), token(key, subscriber_id, email).encode())


def url(settings: Settings, token_text: str) -> str:
    return f"{settings.base_url.rstrip('/')}/unsubscribe/{token_text}"
