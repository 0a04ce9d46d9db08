"""Digest benchmark: render 1,000 digests of 50 stories each, then send them to a local SMTP server
(aiosmtpd on loopback) the way a worker does, one after the other. Prints digests per second for
rendering (grouping and snippets, Jinja2, css-inline, the MIME message; wall clock, and per second of
this process's CPU time, which a busy machine does not distort) and for delivery, and confirms that
1,000 arrived. Target: at least 200 rendered per second.

    .venv/bin/python bench/digest.py [--digests 1000] [--stories 50] [--pool 500]

--pool 0 gives every digest its own articles (no snippet is shared): the worst case.
"""

from __future__ import annotations

import argparse
import socket
import sys
import threading
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiosmtpd.controller import Controller  # noqa: E402

from alerts import mailer, unsubscribe  # noqa: E402
from alerts.digest import assemble  # noqa: E402
from alerts.render import render  # noqa: E402
from monitor import config  # noqa: E402

WORDS = (
    "the central election commission said turnout passed sixty percent by noon as observers from the "
    "organisation reported queues at polling stations in baku ganja and sumgait while the opposition "
    "called for a recount of the votes cast in several districts"
).split()


def rows(digest_no: int, stories: int, pool: int) -> list[dict]:
    """`stories` stories of one to three articles each, from different outlets, as candidates() gives.
    They are drawn from a day's pool of `pool` stories, as subscribers of one service share the day's
    news (pool = digests × stories: every digest its own articles, the worst case)."""
    out = []
    start = datetime(2024, 2, 7, 0, 0, tzinfo=UTC)
    for k in range(stories):
        s = (digest_no * stories + k) % pool
        for o, outlet in enumerate(("Trend", "APA", "Report")[: 1 + s % 3]):
            text = " ".join(WORDS[(s * 7 + i * (1 + s % 5)) % len(WORDS)] for i in range(120))
            out.append(
                {
                    "id": s * 3 + o,
                    "url": f"https://{outlet.lower()}.example/{s}/{o}.html",
                    "title": f"Story {s}: election {WORDS[s % len(WORDS)]} & <turnout> update",
                    "text": f"In the election {text}",
                    "outlet": outlet,
                    "published_at": None,
                    "stored_at": start + timedelta(minutes=s * 3 + o),
                    "story": s,
                    "lang": ("en", "ru", "az")[o],
                    "keywords": ["election", "observers"] if s % 2 else ["election"],
                    "queries": ["election", "observer*"] if s % 2 else ["election"],
                }
            )
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--digests", type=int, default=1000)
    parser.add_argument("--stories", type=int, default=50)
    parser.add_argument(
        "--pool", type=int, default=500, help="stories of the day that digests draw from (0: none shared)"
    )
    args = parser.parse_args()
    pool = args.pool or args.digests * args.stories

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

    inputs = [rows(i, args.stories, pool) for i in range(args.digests)]
    # each story's timeline, as store.digests.carriers gives it: its articles, the first publisher first
    timelines = [
        [{**r, "duplicate_of": None, "copy_of_outlet": None, "original": r["id"] % 3 == 0} for r in candidate_rows]
        for candidate_rows in inputs
    ]
    messages: list[tuple[str, bytes]] = []
    started, cpu = time.perf_counter(), time.process_time()
    for i, candidate_rows in enumerate(inputs):
        email = f"reader{i}@example.org"
        lang = (None, "ru")[i % 2]  # half the readers ask for headlines in Russian
        digest = assemble(email, date(2024, 2, 7), "Asia/Baku", candidate_rows, timelines[i], lang)
        digest.unsubscribe_url = unsubscribe.url(settings, unsubscribe.token("bench", i, email))  # as sent
        subject, text, html = render(digest)
        raw = mailer.build(
            sender=settings.mail_from,
            to=email,
            subject=subject,
            text=text,
            html=html,
            message_id=mailer.message_id(f"bench.{i}", settings.mail_from),
            date_header=mailer.format_datetime(datetime.now(UTC)),
            unsubscribe_url=digest.unsubscribe_url,
        )
        messages.append((email, raw))
    render_s, render_cpu = time.perf_counter() - started, time.process_time() - cpu
    assert len(digest.stories) == args.stories

    started = time.perf_counter()
    for email, raw in messages:
        mailer.deliver(raw, settings.mail_from, email, settings, email)
    deliver_s = time.perf_counter() - started
    time.sleep(0.2)
    controller.stop()

    size = sum(len(raw) for _, raw in messages) / len(messages) / 1024
    print(
        f"digests: {args.digests} of {args.stories} stories each, drawn from {pool} stories, {size:.0f} KiB per message"
    )
    print(
        f"render:   {args.digests / render_s:8.1f} digests/s  ({render_s:.2f} s wall; "
        f"{args.digests / render_cpu:.1f} per CPU-second; target >= 200/s)"
    )
    print(f"delivery: {args.digests / deliver_s:8.1f} digests/s  ({deliver_s:.2f} s, one SMTP session each)")
    print(f"arrived:  {received} of {args.digests}")
    return 0 if received == args.digests else 1


if __name__ == "__main__":
    sys.exit(main())
