"""Sending a message: over SMTP (NEWSWATCH_SMTP_URL), or as an .eml file in the outbox folder."""

from __future__ import annotations

import binascii
import hashlib
import smtplib
import ssl
from dataclasses import dataclass
from email.policy import SMTP
from email.utils import format_datetime, formataddr, parseaddr
from urllib.parse import unquote, urlsplit

from monitor.config import Settings


class TemporaryFailure(Exception):
    """Worth retrying later: a 4xx answer, a timeout, a refused connection."""


class PermanentFailure(Exception):
    """Not worth retrying: a 5xx answer, or the recipient refused."""


def build(
    *,
    sender: str,
    to: str,
    subject: str,
    text: str,
    html: str,
    message_id: str,
    date_header: str,
    unsubscribe_url: str | None = None,
) -> bytes:
    """A multipart/alternative message, as sent (CRLF line ends): plain text first, HTML preferred
    by clients that can. Both parts are UTF-8 in quoted-printable, which keeps every line under the
    SMTP limit however long the inlined-CSS HTML lines are."""
    headers = [
        ("From", sender),
        ("To", to),
        ("Subject", subject),
        ("Date", date_header),
        ("Message-ID", message_id),
        ("Auto-Submitted", "auto-generated"),  # RFC 3834: no vacation replies to the robot
    ]
    if unsubscribe_url:
        # RFC 2369 link, and RFC 8058 one-click: the mail provider POSTs "List-Unsubscribe=One-Click" to it
        headers += [
            ("List-Unsubscribe", f"<{unsubscribe_url}>"),
            ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
        ]
    # derived from the Message-ID, so the stored message is a function of its content; "=_" can
    # never occur in a quoted-printable body, so the boundary cannot either. 24 hex digits keep the
    # Content-Type header within one 78-character line, which _header writes without the email package.
    boundary = "=_" + hashlib.sha256(message_id.encode()).hexdigest()[:24]
    headers += [("MIME-Version", "1.0"), ("Content-Type", f'multipart/alternative; boundary="{boundary}"')]
    parts = [*(_header(name, value) for name, value in headers), b"\r\n"]
    for subtype, body in (("plain", text), ("html", html)):
        parts += [
            f"--{boundary}\r\nContent-Type: text/{subtype}; charset=utf-8\r\n"
            "Content-Transfer-Encoding: quoted-printable\r\n\r\n".encode(),
            _quoted_printable(body),
            b"\r\n",
        ]
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts)


def _header(name: str, value: str) -> bytes:
    """One header line. A short ASCII one is written as it is; anything else (non-ASCII, long, or
    with a line break that would inject headers) goes through the email package, which encodes,
    folds or refuses it. Parsing every header with it cost as much as rendering the HTML."""
    line = f"{name}: {value}"
    if len(line) <= 78 and line.isascii() and "\r" not in line and "\n" not in line:
        return line.encode() + b"\r\n"
    _, header = SMTP.header_store_parse(name, value)  # refuses CR and LF
    return header.fold(policy=SMTP).encode("ascii")


def _quoted_printable(body: str) -> bytes:
    """RFC 2045 quoted-printable with CRLF line ends. binascii's encoder is C: the email package's
    generator took longer than rendering the digest."""
    lines = body.replace("\r\n", "\n").replace("\r", "\n").encode()
    return binascii.b2a_qp(lines, istext=True).replace(b"\n", b"\r\n")


__all__ = ["PermanentFailure", "TemporaryFailure", "build", "deliver", "format_datetime", "message_id"]


DISPLAY_NAME = "Newswatch digest"  # the sender's name when NEWSWATCH_MAIL_FROM gives an address alone


def from_header(mail_from: str) -> str:
    """The From header of NEWSWATCH_MAIL_FROM: as given when it names its sender
    ("Election desk <desk@example.org>"), else the address with DISPLAY_NAME, so that inboxes show
    who wrote rather than a bare robot address."""
    name, address = parseaddr(mail_from)
    if not address:
        return mail_from
    return formataddr((name or DISPLAY_NAME, address))


def envelope_sender(mail_from: str) -> str:
    """The bare address of NEWSWATCH_MAIL_FROM, for SMTP's MAIL FROM and the Message-ID's domain."""
    return parseaddr(mail_from)[1] or mail_from


def message_id(key: str, sender: str) -> str:
    """A Message-ID that depends only on `key`, so a re-send carries the same one."""
    domain = sender.rpartition("@")[2] or "newswatch.localhost"
    return f"<{key}@{domain}>"


@dataclass(frozen=True)
class Smtp:
    host: str
    port: int
    implicit_tls: bool
    user: str | None
    password: str | None

    @classmethod
    def from_url(cls, url: str) -> Smtp:
        parts = urlsplit(url)
        tls = parts.scheme == "smtps"
        return cls(
            host=parts.hostname or "localhost",
            port=parts.port or (465 if tls else 25),
            implicit_tls=tls,
            user=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
        )


def deliver(raw: bytes, sender: str, recipient: str, settings: Settings, name: str) -> str:
    """Send one message; returns where it went. Blocking: call it in a thread."""
    if not settings.smtp_url:
        outbox = settings.home_path / "outbox"
        outbox.mkdir(parents=True, exist_ok=True)
        path = outbox / f"{name}.eml"
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(raw)
        tmp.replace(path)  # atomic: a half-written file is never taken for a sent digest
        return str(path)
    return _smtp_send(Smtp.from_url(settings.smtp_url), raw, sender, recipient)


def _smtp_send(cfg: Smtp, raw: bytes, sender: str, recipient: str) -> str:
    try:
        client: smtplib.SMTP
        if cfg.implicit_tls:
            client = smtplib.SMTP_SSL(cfg.host, cfg.port, timeout=30, context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(cfg.host, cfg.port, timeout=30)
        with client:
            client.ehlo()
            if not cfg.implicit_tls and client.has_extn("starttls"):
                client.starttls(context=ssl.create_default_context())
                client.ehlo()
            if cfg.user:
                client.login(cfg.user, cfg.password or "")
            refused = client.sendmail(sender, [recipient], raw)
    except smtplib.SMTPRecipientsRefused as exc:
        code, reason = next(iter(exc.recipients.values()))
        raise _by_code(code, reason) from exc
    except smtplib.SMTPResponseException as exc:
        raise _by_code(exc.smtp_code, exc.smtp_error) from exc
    except (OSError, smtplib.SMTPException) as exc:
        raise TemporaryFailure(f"smtp: {cfg.host}:{cfg.port}: {exc or type(exc).__name__}") from exc
    if refused:
        code, reason = next(iter(refused.values()))
        raise PermanentFailure(f"smtp: recipient refused: {code} {_text(reason)}")
    return f"smtp://{cfg.host}:{cfg.port}"


def _text(reason: bytes | str) -> str:
    return reason.decode(errors="replace") if isinstance(reason, bytes) else str(reason)


def _by_code(code: int, reason: bytes | str) -> Exception:
    message = f"smtp: {code} {_text(reason)}"
    return TemporaryFailure(message) if 400 <= code < 500 else PermanentFailure(message)
