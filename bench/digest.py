"""Digest benchmark: render 1,000 digests of 50 stories each, then send them to a local SMTP server
(aiosmtpd on loopback) the way a worker does, one after the other. Prints digests per second for
rendering (assemble + Jinja2 + css-inline + the MIME message) and for delivery, and confirms that
1,000 arrived. Target: at least 200 rendered per second.

    .venv/bin/python bench/digest.py [--digests 1000] [--stories 50]
"""

from __future__ import annotations

import argparse
import socket
import sys
import threading
import time
from datetime import UTC, date, datetime, timedelta
from email.policy import SMTP
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiosmtpd.controller import Controller  # noqa: E402

from alerts import mailer  # noqa: E402
from alerts.digest import assemble  # noqa: E402
from alerts.render import render  # noqa: E402
from monitor import config  # noqa: E402

WORDS = (
    "the central election commission said turnout passed sixty percent by noon as observers from the "
    "organisation reported queues at polling stations in baku ganja and sumgait while the opposition "
    "called for a recount of the votes cast in several districts"
).split()


def rows(digest_no: int, stories: int) -> list[dict]:
    """`stories` stories of one to three articles each, from different outlets, as candidates() gives."""
    out = []
    start = datetime(2024, 2, 7, 0, 0, tzinfo=UTC)
    n = 0
    for s in range(stories):
        for outlet in ("Trend", "APA", "Report")[: 1 + s % 3]:
            n += 1
            text = " ".join(WORDS[(s + i) % len(WORDS)] for i in range(120))
            out.append(
                {
                    "id": digest_no * 1000 + n,
                    "url": f"https://{outlet.lower()}.example/{digest_no}/{s}/{n}.html",
                    "title": f"Story {s}: election {WORDS[s % len(WORDS)]} & <turnout> update {digest_no}",
                    "text": f"In the election {text}",
                    "outlet": outlet,
                    "published_at": None,
                    "stored_at": start + timedelta(minutes=n),
                    "story": s,
                    "keywords": ["election", "observers"] if s % 2 else ["election"],
                    "queries": ["election", "observer*"] if s % 2 else ["election"],
                }
            )
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--digests", type=int, default=1000)
    parser.add_argument("--stories", type=int, default=50)
    args = parser.parse_args()

    received = 0
    lock = threading.Lock()

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802
            nonlocal received
            with lock:
                received += 1
            return "250 OK"

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    settings = config.load({"NEWSWATCH_SMTP_URL": f"smtp://127.0.0.1:{port}"}, cwd=Path("/"))

    inputs = [rows(i, args.stories) for i in range(args.digests)]
    messages: list[tuple[str, bytes]] = []
    started = time.perf_counter()
    for i, candidate_rows in enumerate(inputs):
        email = f"reader{i}@example.org"
        digest = assemble(email, date(2024, 2, 7), "Asia/Baku", candidate_rows)
        digest.unsubscribe_url = f"http://127.0.0.1:8000/unsubscribe/{i}.token"
        subject, text, html = render(digest)
        msg = mailer.build(
            sender=settings.mail_from,
            to=email,
            subject=subject,
            text=text,
            html=html,
            message_id=mailer.message_id(f"bench.{i}", settings.mail_from),
            date_header=mailer.format_datetime(datetime.now(UTC)),
            unsubscribe_url=digest.unsubscribe_url,
        )
        messages.append((email, msg.as_bytes(policy=SMTP)))
    render_s = time.perf_counter() - started
    assert len(digest.stories) == args.stories

    started = time.perf_counter()
    for email, raw in messages:
        mailer.deliver(raw, settings.mail_from, email, settings, email)
    deliver_s = time.perf_counter() - started
    time.sleep(0.2)
    controller.stop()

    size = sum(len(raw) for _, raw in messages) / len(messages) / 1024
    print(f"digests: {args.digests} of {args.stories} stories each, {size:.0f} KiB per message")
    print(f"render:   {args.digests / render_s:8.1f} digests/s  ({render_s:.2f} s; target >= 200/s)")
    print(f"delivery: {args.digests / deliver_s:8.1f} digests/s  ({deliver_s:.2f} s, one SMTP session each)")
    print(f"arrived:  {received} of {args.digests}")
    return 0 if received == args.digests else 1


if __name__ == "__main__":
    sys.exit(main())
