"""Dates on the labelled set (tests/eval/corpus.py, whose items carry their true `published_at`):
each item is laid out as a page the way its outlet lays them out (what USERS.md says of the real
outlets, and the habits of the fixture site: markup or none, Baku time without a zone, year-less
date lines, dated URLs, lists of other articles with their dates, copyright lines), fetched 40
minutes after it was published, with the feed's date where the outlet's feed has one. Reports how
many dates are right (to the minute, or the right day) and how they were known.

    .venv/bin/python -m tests.unit.test_dates_eval     # prints the table
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from html import escape

from monitor.pipeline.dates import choose_published
from monitor.pipeline.extract import extract
from tests.eval.corpus import Item, items

BAKU = timezone(timedelta(hours=4))
LAG = timedelta(minutes=40)
MONTHS = "January February March April May June July August September October November December".split()
AZ_MONTHS = "Yanvar Fevral Mart Aprel May İyun İyul Avqust Sentyabr Oktyabr Noyabr Dekabr".split()


def body(item: Item) -> str:
    return "".join(f"<p>{escape(p)}</p>" for p in item.text.split("\n\n") if p.strip())


def others(item: Item) -> str:
    """A list of other articles with their own dates, as outlets put beside the story."""
    rows = "".join(
        f"<li><span>{(item.published_at + timedelta(hours=h)).astimezone(BAKU):%d.%m.%Y %H:%M}</span>"
        f" <a href='/news/other-{h}.html'>Another story of the day about the vote and its aftermath</a></li>"
        for h in (3, 7, 26)
    )
    return f"<div class='latest'><h3>Latest news</h3><ul>{rows}</ul></div>"


def page(item: Item, head: str, top: str, extra: str = "") -> str:
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{escape(item.title)}</title>{head}</head><body>"
        f"<header><a href='/'>{escape(item.outlet)}</a></header><main><article><h1>{escape(item.title)}</h1>{top}"
        f"<div class='article-content'>{body(item)}</div></article>{extra}</main>"
        f"<footer>&copy; {item.published_at.year} {escape(item.outlet)}. All rights reserved.</footer></body></html>"
    )


def local(item: Item) -> datetime:
    return item.published_at.astimezone(BAKU)


def trend(item: Item) -> tuple[str, str, bool]:
    t = local(item)
    head = f"<meta property='article:published_time' content='{t.isoformat()}'>"
    top = f"<div class='date'>{t.day} {MONTHS[t.month - 1]} {t.year} {t:%H:%M} (UTC+04:00)</div>"
    return f"https://en.trend.az/azerbaijan/politics/{abs(hash(item.key)) % 10**7}.html", page(item, head, top), True


def courier(item: Item) -> tuple[str, str, bool]:
    t = local(item)
    head = f"<meta property='article:published_time' content='{t.isoformat()}'>"
    when = f"<time datetime='{t.isoformat()}'>{t.day} {MONTHS[t.month - 1]}</time>"
    top = f"<div class='byline'>By Staff &middot; {when}</div>"
    return f"https://courier.example/news/{item.key}.html", page(item, head, top, others(item)), True


def baku_daily(item: Item) -> tuple[str, str, bool]:  # nothing but the URL's day
    return f"https://bakudaily.example/{local(item):%Y/%m/%d}/{item.key}.html", page(item, "", "", others(item)), False


def region_post(item: Item) -> tuple[str, str, bool]:  # a date line in Baku time, no zone
    top = f"<div class='info'>Politics | {local(item):%d.%m.%Y / %H:%M} | Views: 311</div>"
    return f"https://regionpost.example/news/{item.key}", page(item, "", top, others(item)), False


def azeri_observer(item: Item) -> tuple[str, str, bool]:  # a year-less line, Baku time
    t = local(item)
    top = f"<div class='meta'><span class='posted'>{t.day} {MONTHS[t.month - 1][:3]}. {t:%H:%M}</span></div>"
    return f"https://azeriobserver.example/{item.key}", page(item, "", top), False


def json_ld(item: Item) -> tuple[str, str, bool]:  # JSON-LD, and an article:published_time of the last edit
    head = (
        "<script type='application/ld+json'>"
        f'{{"@type": "NewsArticle", "datePublished": "{item.published_at.isoformat()}"}}</script>'
        f"<meta property='article:published_time' content='{(item.published_at + timedelta(hours=5)).isoformat()}'>"
    )
    return f"https://wire.example/story/{item.key}", page(item, head, ""), False


def feed_only(item: Item) -> tuple[str, str, bool]:  # the page says nothing; the feed does
    return f"https://brief.example/a/{item.key}", page(item, "", ""), True


def newsaz(item: Item) -> tuple[str, str, bool]:
    t = local(item)
    top = (
        f"<header><time datetime='{t.isoformat()}'>{t.day} {AZ_MONTHS[t.month - 1]} {t.year}, {t:%H:%M}</time></header>"
    )
    return f"https://news.az/news/{item.key}", page(item, "", top, others(item)), False


LAYOUTS: dict[str, Callable[[Item], tuple[str, str, bool]]] = {
    "Trend": trend,
    "Caspian Courier": courier,
    "Baku Daily": baku_daily,
    "Region Post": region_post,
    "Azeri Observer": azeri_observer,
    "MENAFN": json_ld,
    "Regional Wire": json_ld,
    "Daily Brief": feed_only,
    "News.az": newsaz,
}


def judged() -> list[tuple[Item, str, str]]:
    """(item, date_source, verdict): 'exact' (within 5 minutes), 'day' (the right day, in Baku),
    'late' (the right day, but after the true moment by more than 5 minutes), or 'wrong'."""
    out = []
    for item in items():
        if item.is_seed:
            continue
        url, html, feed_has_date = LAYOUTS.get(item.outlet, feed_only)(item)
        fetched = item.published_at + LAG
        page = extract(html, url, fetched)
        at, source = choose_published(
            page.stated, item.published_at if feed_has_date else None, url, page.written, fetched
        )
        off = at - item.published_at
        if abs(off) <= timedelta(minutes=5):
            verdict = "exact"
        elif at.astimezone(BAKU).date() != local(item).date():
            verdict = "wrong"
        else:
            verdict = "late" if off > timedelta(0) else "day"
        out.append((item, source, verdict))
    return out


def test_dates_of_the_labelled_set() -> None:
    results = judged()
    assert results, "the labelled set is empty"
    wrong = [(i.key, s) for i, s, v in results if v == "wrong"]
    assert len(wrong) <= 0.05 * len(results), wrong
    assert {s for _, s, _ in results} >= {"page-meta", "feed", "url", "page-text"}


if __name__ == "__main__":
    results = judged()
    by = Counter((s, v) for _, s, v in results)
    print(f"{len(results)} articles of the labelled set (the seed left out), fetched {LAG} after publication")
    for source in ("page-meta", "feed", "url", "page-text", "fetched"):
        n = sum(c for (s, _), c in by.items() if s == source)
        if n:
            parts = ", ".join(f"{v} {by[(source, v)]}" for v in ("exact", "day", "late", "wrong") if by[(source, v)])
            print(f"  {source:10} {n:3}: {parts}")
    print("  right day:", sum(1 for _, _, v in results if v != "wrong"), "of", len(results))
