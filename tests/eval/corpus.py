"""The labelled evaluation set: originals (tests/eval/originals.py, outlet_tails.py, multilingual.py,
timeline.py, and the seed of monitor/watch/), and copies made from them the way outlets make them: a
MENAFN-style prefix with hard line breaks and a disclaimer, a trimmed copy, a copy with a new lead,
an extended copy, the story inside heavy boilerplate, the same page under two paths; copies fetched
before their originals (in the same poll, and in an earlier one).

Each Item says what it reproduces (`copy_of`, a key, or None), which event it tells (`story`), when
it was published and when it was first seen (`fetched_at`: the order of `items()` is the order of
arrival).
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from monitor.seeds import SEEDS_DIR, seed_text
from tests.eval import multilingual, outlet_tails, timeline
from tests.eval import originals as o

SEED_KEY = "trend-sco-election-2024-02-06"
SEED_TITLE = "SCO believes in fairness and transparency of Azerbaijan's upcoming presidential election"
SEED_TEXT = seed_text((SEEDS_DIR / "articles" / f"{SEED_KEY}.txt").read_text(encoding="utf-8"))

MENAFN_DISCLAIMER = (
    "MENAFN06022024000187011040ID1107812345\n\nLegal Disclaimer: MENAFN provides the information as is without"
    " warranty of any kind. We do not accept any responsibility or liability for the accuracy, content, images,"
    " videos, licenses, completeness, legality, or reliability of the information contained in this article."
    " If you have any complaints or copyright issues related to this article, kindly contact the provider above."
)

BOILERPLATE_TOP = """Home | Politics | Economy | Society | World | Sport | Culture | Video | Photo
Subscribe to our Telegram channel for breaking news
Login | Register | Contact the editors | Advertising
Latest: Snowfall closes mountain passes | Manat stable against the dollar | New flights to Istanbul"""

BOILERPLATE_BOTTOM = """Read also:
Parliament speaker receives delegation of the Inter-Parliamentary Union
Exchange rates of the Central Bank for February 7
Minister of Education visits newly built school in Fuzuli
Tags: elections, CEC, observers, politics
Share on Facebook | Share on X | Share on WhatsApp | Copy link
Comments (0): log in to leave a comment
All rights reserved. Materials may be used only with an active hyperlink to the source.
Editor in chief: A. Mammadov. Certificate of registration No. 0421. Phone: +994 12 000 00 00"""


def menafn(text: str) -> str:
    """A MENAFN republication: prefix, the text wrapped at 72 columns (hard line breaks), disclaimer."""
    wrapped = "\n\n".join(textwrap.fill(p, 72) for p in text.split("\n\n") if p.strip())
    return "(MENAFN- Trend News Agency) " + wrapped + "\n\n" + MENAFN_DISCLAIMER


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n\n") if p.strip()]


def trimmed(text: str, keep: int) -> str:
    return "\n\n".join(paragraphs(text)[:keep])


def new_lead(text: str, lead: str) -> str:
    return "\n\n".join([lead, *paragraphs(text)[1:]])


def extended(text: str, extra: str) -> str:
    return text + "\n\n" + extra


def in_boilerplate(text: str) -> str:
    return BOILERPLATE_TOP + "\n\n" + text + "\n\n" + BOILERPLATE_BOTTOM


@dataclass(frozen=True)
class Item:
    key: str
    outlet: str
    title: str
    text: str
    story: str
    copy_of: str | None
    published_at: datetime
    is_seed: bool = False
    lang: str = "en"
    fetched_at: datetime | None = None  # first seen; None: when published

    @property
    def seen(self) -> datetime:
        return self.fetched_at or self.published_at


DAY = datetime(2024, 2, 6, 9, 0, tzinfo=UTC)


def items() -> list[Item]:
    """The whole set, in the order articles arrive (the seed first)."""
    by_key = {key: (story, title, text) for key, story, title, text in o.ORIGINALS}
    out = [Item(SEED_KEY, "Trend", SEED_TITLE, SEED_TEXT, "sco", None, DAY, is_seed=True)]
    t = DAY

    def original(key: str, outlet: str, at: datetime | None = None) -> None:
        nonlocal t
        t += timedelta(minutes=37)
        story, title, text = by_key[key]
        out.append(Item(key, outlet, title, text, story, None, at or t))

    def copy(key: str, outlet: str, of: str, title: str, text: str, story: str) -> None:
        nonlocal t
        t += timedelta(minutes=23)
        out.append(Item(key, outlet, title, text, story, of, t))

    # the seed, republished
    copy("seed-menafn", "MENAFN", SEED_KEY, SEED_TITLE, menafn(SEED_TEXT), "sco")
    copy(
        "seed-trimmed",
        "Caspian Courier",
        SEED_KEY,
        "SCO trusts fairness of Azerbaijan vote",
        trimmed(SEED_TEXT, 5),
        "sco",
    )
    copy("seed-boilerplate", "Baku Daily", SEED_KEY, SEED_TITLE, in_boilerplate(SEED_TEXT), "sco")
    copy(
        "seed-new-lead",
        "Region Post",
        SEED_KEY,
        "SCO chief meets Azerbaijan's election chief",
        new_lead(
            SEED_TEXT,
            "The head of the Shanghai Cooperation Organization, Zhang Ming, met Azerbaijan's top election"
            " official in Baku on Tuesday and said his organisation trusted the vote to be fair, our"
            " correspondent reports.",
        ),
        "sco",
    )
    # two different wire stories with the same background tail, and a copy of one
    original("cis-mission", "Trend", at=datetime(2024, 2, 2, 10, 0, tzinfo=UTC))
    original("cec-accreditation", "Trend")
    _, title, text = by_key["cis-mission"]
    copy("cis-menafn", "MENAFN", "cis-mission", title, menafn(text), "cis-mission")
    # one event told by two outlets in their own words, an extended copy, a trimmed copy
    original("turnout", "Caspian Courier")
    original("turnout-rewrite", "Azeri Observer")
    _, title, text = by_key["turnout"]
    copy(
        "turnout-extended",
        "Regional Wire",
        "turnout",
        title,
        extended(
            text, "Regional Wire will update this story as the commission publishes new figures. Check our live page."
        ),
        "turnout",
    )
    original("turnout-followup", "Azeri Observer")
    original("results", "Caspian Courier")
    _, title, text = by_key["results"]
    copy("results-trimmed", "Daily Brief", "results", title, trimmed(text, 2), "results")
    original("results-rewrite", "Azeri Observer")  # after a copy: copies must not drown the story's terms
    original("osce", "Caspian Courier")
    original("osce-rewrite", "Azeri Observer")
    _, title, text = by_key["osce"]
    copy("osce-boilerplate", "Baku Daily", "osce", title, in_boilerplate(text), "osce")
    # the CIS mission opened on February 2 (above); its statement, the day after the vote, is another story
    original("cis-statement", "Trend", at=datetime(2024, 2, 8, 12, 0, tzinfo=UTC))
    # unrelated news, and one page served under two paths
    original("football", "Caspian Courier")
    original("oil", "Trend")
    original("weather", "Baku Daily")
    original("newsaz", "News.az")
    _, title, text = by_key["newsaz"]
    copy("newsaz-second-path", "News.az", "newsaz", title, text, "newsaz")
    out += later(out)
    return out


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2024, 1 if day > 20 else 2, day, hour, minute, tzinfo=UTC)


def later(before: list[Item]) -> list[Item]:
    """The items of outlet_tails, multilingual and timeline, with copies fetched before their originals."""
    out: list[Item] = []
    tails = {key: (story, title, text) for key, story, title, text in outlet_tails.TAILED}

    def tailed(key: str, published: datetime, seen: datetime | None = None) -> None:
        story, title, text = tails[key]
        out.append(Item(key, "Trend", title, text, story, None, published, fetched_at=seen))

    # a MENAFN copy of Trend's second SCO article, polled before Trend's page (an earlier poll)
    story, title, text = tails["trend-sco-airtime"]
    out.append(Item("sco-airtime-menafn", "MENAFN", title, menafn(text), story, "trend-sco-airtime", at(6, 11)))
    # one meeting, two Trend articles sharing a quote and the tail; the copy of the second comes
    # in the same poll as the second, listed before it
    tailed("trend-odihr-meeting", at(30, 10))
    story, title, text = tails["trend-odihr-deployment"]
    poll = at(30, 12, 5)
    out.append(
        Item(
            "odihr-deployment-menafn",
            "MENAFN",
            title,
            menafn(text),
            story,
            "trend-odihr-deployment",
            at(30, 12),
            fetched_at=poll,
        )
    )
    tailed("trend-odihr-deployment", at(30, 11), poll)
    tailed("trend-sco-airtime", at(6, 10, 30), at(6, 13))
    # the same events in three languages
    outlets = {"en": "Azeri Observer", "ru": "Kaspiy Info", "az": "Xəbər Mərkəzi"}
    results_at = next(i.published_at for i in before if i.key == "results")
    times = {
        "sco-ru": at(6, 12),
        "sco-az": at(6, 13, 30),
        "cis-mission-ru": at(2, 12),
        "cis-mission-az": at(2, 13, 30),
        "results-ru": results_at + timedelta(hours=1),
        "odihr-interim": at(3, 10),
        "odihr-interim-ru": at(3, 11),
        "odihr-interim-az": at(3, 12, 30),
        "final-results": at(15, 14),
        "final-results-ru": at(15, 15),
        "final-results-az": at(15, 16),
        "inauguration": at(14, 10),
        "inauguration-ru": at(14, 11),
        "inauguration-az": at(14, 12),
    }
    for key, story, lang, title, text in multilingual.TRANSLATED + multilingual.HELD_OUT:
        out.append(Item(key, outlets[lang], title, text, story, None, times[key], lang=lang))
    writers = ["Caspian Courier", "Azeri Observer", "Region Post"]
    for n, (key, story, day, title, text) in enumerate(timeline.EVENTS):
        out.append(Item(key, writers[n % 3], title, text, story, None, at(day, 11)))
    return out


def held_out() -> set[str]:
    """Keys of the items never looked at while tuning (scored apart by the eval test)."""
    return {key for key, *_ in multilingual.HELD_OUT}
