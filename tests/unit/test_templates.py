"""Outlet template text: sentences keyed across re-wrapping, and left out of what is compared."""

from __future__ import annotations

from monitor.pipeline import dedup, templates
from tests.eval.corpus import menafn
from tests.eval.originals import CEC_ACCREDITATION, CIS_MISSION, TREND_TAIL
from tests.eval.outlet_tails import ODIHR_MEETING_A, ODIHR_MEETING_B

TAIL = frozenset(templates.keys(TREND_TAIL))


def test_a_sentence_keeps_its_key_when_a_copier_rewraps_lines_and_changes_case() -> None:
    _, _, _, text = CIS_MISSION
    assert TAIL <= set(templates.keys(menafn(text)))
    assert templates.key("AZERBAIJAN has registered seven\ncandidates to run!") == templates.key(
        "Azerbaijan has registered seven candidates to run."
    )
    assert templates.key("Read also:") is None  # too short to be evidence


def test_strip_leaves_out_the_template_and_keeps_the_rest() -> None:
    _, _, _, text = CEC_ACCREDITATION
    stripped = templates.strip(text, TAIL)
    assert "extraordinary presidential election" not in stripped
    assert stripped.startswith("BAKU, Azerbaijan, February 5. The Central Election Commission")
    assert templates.strip(text, templates.NONE) == text


def test_two_articles_of_one_outlet_about_one_meeting_are_copies_only_with_their_tail() -> None:
    a, b = ODIHR_MEETING_A[3], ODIHR_MEETING_B[3]
    assert dedup.containment(dedup.discounted(a, templates.NONE), dedup.discounted(b, templates.NONE)) >= 0.6
    assert dedup.containment(dedup.discounted(a, TAIL), dedup.discounted(b, TAIL)) < 0.5  # the quote alone
    # a copier that reproduces the tail too is still a copy once the tail is left out
    assert dedup.containment(dedup.discounted(menafn(b), TAIL), dedup.discounted(b, TAIL)) >= 0.95
