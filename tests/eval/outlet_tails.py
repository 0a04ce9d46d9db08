# ruff: noqa: E501  (prose: one paragraph a line, as outlets publish it)
"""One outlet's own articles about one event, each ending with the outlet's background tail
(tests/eval/originals.py TREND_TAIL), written for these tests (no outlet's text).

Two different Trend articles about the CEC chairman's meeting with the ODIHR mission share one
quote and the three-paragraph tail (about 70 % containment without the tail discount): the same
story, not copies. A second Trend article about the seed's SCO meeting shares a quote of the seed
and the tail: the seed's story, never a seed copy. Each is (key, story, title, text).
"""

from tests.eval.originals import TREND_TAIL

ODIHR_QUOTE = '"We came to observe the whole process, from the registration of candidates to the counting of the last ballot, and we will report what we see without prejudging anything," Lindqvist said.'

ODIHR_MEETING_A = (
    "trend-odihr-meeting",
    "odihr-meeting",
    "CEC chairman receives head of ODIHR election observation mission",
    """BAKU, Azerbaijan, January 30. Chairman of the Central Election Commission Mazahir Panahov has received the head of the election observation mission of the OSCE Office for Democratic Institutions and Human Rights (ODIHR), Anna Lindqvist, Trend reports.

Panahov briefed the guest on the commission's preparations, saying that ballot papers in three languages had already been delivered to the constituencies and that election officials in Shusha and Khankendi had completed their training.

He said the commission would provide the mission with access to its information centre and to the live broadcasts from polling stations equipped with web cameras.

"""
    + ODIHR_QUOTE
    + """

Lindqvist thanked the commission for its cooperation and said the mission's core team had started work in Baku on January 17.

"""
    + TREND_TAIL,
)

ODIHR_MEETING_B = (
    "trend-odihr-deployment",
    "odihr-meeting",
    "ODIHR to deploy 28 long-term observers across Azerbaijan",
    """BAKU, Azerbaijan, January 30. The election observation mission of the OSCE's ODIHR will deploy 28 long-term observers to the regions of Azerbaijan this week, mission head Anna Lindqvist said after her meeting with CEC Chairman Mazahir Panahov, Trend reports.

The observers will work in pairs from Ganja, Sheki, Lankaran and Guba.

"""
    + ODIHR_QUOTE
    + """

"""
    + TREND_TAIL,
)

SCO_SECOND = (
    "trend-sco-airtime",
    "sco",
    "Candidates to get free airtime three times a week, CEC chairman tells SCO delegation",
    """BAKU, Azerbaijan, February 6. All seven presidential candidates will receive free airtime on public television three times a week until the end of the campaign, CEC Chairman Mazahir Panahov told the delegation of the Shanghai Cooperation Organization led by its Secretary General Zhang Ming, Trend reports.

The schedule was drawn by lot, Panahov said.

"According to the charter, the general principles of our mission are non-interference in the internal affairs of the country and identifying shortcomings and other issues. We'll publish the results on February 8, when our observation mission will be completed," Zhang Ming noted.

"""
    + TREND_TAIL,
)

TAILED = [ODIHR_MEETING_A, ODIHR_MEETING_B, SCO_SECOND]
