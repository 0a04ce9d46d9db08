"""Re-check verdicts and word diffs: one row per kind of change an outlet makes."""

from __future__ import annotations

import pytest

from monitor.evidence import diff
from monitor.evidence.judge import judge, landing

URL = "https://outlet.example/politics/elections/3857101.html"
TITLE = "Commission extends voting hours in three districts"
TEXT = (
    "The central election commission extended voting by one hour in three districts after long queues formed"
    " outside polling stations in the afternoon.\n"
    "The commission said the decision followed requests from precinct chairs, who reported that voters were still"
    " arriving when the polls were due to close.\n"
    "Observers said they had not been told of the change in advance and could not follow the extra hour in every"
    " district.\n"
    "Final turnout figures are expected on Thursday morning."
)
NOTICE = (
    "This page is no longer available. The material you were looking for has been withdrawn. Latest news:"
    " Cotton growers expect a larger harvest. Chess team names its squad for the olympiad."
)
HEADLINES = (
    "Politics. Commission extends voting hours in three districts. Parliament approves the budget for next year."
    " President receives the credentials of new ambassadors. Opposition party holds its congress in the capital."
)


@pytest.mark.parametrize(
    ("status", "final", "title", "text", "outcome"),
    [
        (304, URL, None, None, "unchanged"),
        (200, URL, TITLE, TEXT, "unchanged"),
        (200, URL, TITLE, TEXT.replace("\n", "\n\n  "), "unchanged"),  # only the spacing moved
        (200, URL, TITLE, TEXT.replace("one hour", "two hours"), "changed"),  # a correction
        (200, URL, TITLE + " after queues", TEXT, "changed"),  # the headline alone
        (200, URL, TITLE, TEXT + "\nThe opposition called the extension unlawful.", "changed"),  # a paragraph added
        (200, URL, TITLE, TEXT.split("\n")[0], "changed"),  # cut down to its lead: still the article's text
        (200, URL.replace("3857101", "3857101-updated"), TITLE, TEXT, "unchanged"),  # moved to a new slug
        (404, URL, None, None, "removed"),
        (410, URL, None, None, "removed"),
        (451, URL, None, None, "removed"),
        (200, "https://outlet.example/", "Home", HEADLINES, "removed"),  # redirected to the home page
        (200, "https://outlet.example/politics/", "Politics", HEADLINES, "removed"),  # to its section
        (200, "https://outlet.example/politics/elections/index.html", "Elections", HEADLINES, "removed"),
        (200, URL, "Page unavailable", NOTICE, "removed"),  # a removal notice served with 200
        (200, URL, "Politics", HEADLINES, "removed"),  # a list of headlines, its own among them
        (200, URL, TITLE, "", "removed"),  # an empty page
        (403, URL, None, None, "failed"),
        (500, URL, None, None, "failed"),
        (503, URL, None, None, "failed"),
    ],
)
def test_verdicts(status: int, final: str, title: str | None, text: str | None, outcome: str) -> None:
    assert judge(URL, TITLE, TEXT, status, final, title, text).outcome == outcome


@pytest.mark.parametrize(
    ("final", "where"),
    [
        ("https://outlet.example/", "home page"),
        ("https://www.outlet.example", "home page"),
        ("https://outlet.example/politics", "section page"),
        ("https://outlet.example/politics/elections/", "section page"),
        ("https://outlet.example/politics/elections/3857999.html", None),  # another article
        ("https://outlet.example/world/", None),  # not an ancestor of the article
        ("https://other.example/politics/", None),
        (URL, None),
    ],
)
def test_landing_pages(final: str, where: str | None) -> None:
    assert landing(URL, final) == where


def test_word_diff_round_trips_and_counts() -> None:
    old = "Turnout reached 71 percent in the district by the evening, the commission said."
    new = "Turnout reached 76 percent in the whole district by the evening, the commission said on Thursday."
    ops = diff.diff(old, new)
    assert diff.changes(ops) == [
        {"op": "-", "words": "71"},
        {"op": "+", "words": "76"},
        {"op": "+", "words": "whole"},
        {"op": "-", "words": "said."},
        {"op": "+", "words": "said on Thursday."},
    ]
    shown = diff.segments(old, ops)
    assert " ".join(t for op, t in shown if op != "+") == old
    assert " ".join(t for op, t in shown if op != "-") == new
    assert diff.counts(ops) == (5, 2)
    assert diff.diff(old, old) == [["=", 13]]
