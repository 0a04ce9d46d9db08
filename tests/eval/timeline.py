# ruff: noqa: E501  (prose: one paragraph a line, as outlets publish it)
"""Events over time, written for these tests (no outlet's text): a short run-up item the day before
the meeting it announces, one event reported over three days, and two different events with the
same officials on consecutive days.

Each is (key, story, day of February 2024, title, text).
"""

RUNUP = (
    "pace-arrives",
    "pace-arrives",
    4,
    "PACE delegation arrives in Baku",
    """A delegation of the Parliamentary Assembly of the Council of Europe led by Lars Holm arrived in Baku on Sunday. The delegation will observe the presidential election. Its members are expected to hold meetings in the capital over the coming days.""",
)

PACE_MEETING = (
    "pace-meets-cec",
    "pace-meets-cec",
    5,
    "PACE observers meet CEC chairman Panahov",
    """The head of the PACE observation delegation, Lars Holm, met Central Election Commission chairman Mazahir Panahov in Baku on Monday to discuss the arrangements for observers on election day.

Panahov told the delegation that 6,537 polling stations would open at 8 am and that 1,000 of them had web cameras streaming online. He said observers could attend the count at any station without prior notice.

Holm said the delegation's 23 members would split into eleven teams and cover the regions of Ganja, Shamakhi, Quba and Lankaran as well as the capital, and would present their conclusions together with the ODIHR mission on February 8.""",
)

RECOUNT_1 = (
    "recount-complaints",
    "ganja-recount",
    8,
    "Complaints filed over count at 14 polling stations in Ganja",
    """Representatives of two candidates have filed complaints over the vote count at 14 polling stations in Ganja, the chairman of the city's Constituency No. 39 commission, Elchin Guliyev, said on Thursday.

The complaints concern protocols in which the number of ballots found in the boxes exceeded the number of signatures on the voter lists, Guliyev said. The constituency commission has sealed the ballot boxes of the 14 stations pending a decision of the Central Election Commission.""",
)

RECOUNT_2 = (
    "recount-begins",
    "ganja-recount",
    9,
    "Recount begins at 14 Ganja polling stations",
    """A recount of the ballots from the 14 disputed polling stations of Ganja began on Friday morning at the premises of Constituency No. 39, in the presence of observers and of the candidates' representatives.

Elchin Guliyev, who chairs the constituency commission, said the sealed ballot boxes had been opened one by one in front of cameras, and that the recount was expected to take two days.""",
)

RECOUNT_3 = (
    "recount-done",
    "ganja-recount",
    10,
    "Ganja recount confirms original result, commission says",
    """The recount of ballots from 14 polling stations in Ganja's Constituency No. 39 has been completed and confirmed the original result, constituency chairman Elchin Guliyev said on Saturday.

Differences found in the protocols of three stations did not exceed five ballots each, Guliyev said, and the complaints of the two candidates' representatives were rejected. The protocols have been sent to the Central Election Commission.""",
)

CIS_REPORT = (
    "cis-report-handed",
    "cis-report-handed",
    12,
    "CIS mission hands its final report to CEC chairman",
    """Sergei Lebedev, who led the CIS observation mission, handed the mission's final report on the presidential election to Central Election Commission chairman Mazahir Panahov in Baku on Monday.

The 40-page report finds that the vote met the national legislation, Lebedev said, and recommends that voter lists be published online earlier. Panahov thanked the mission and said the commission would study the recommendations before the municipal elections.""",
)

CIS_TRAINING = (
    "cis-training",
    "cis-training",
    13,
    "CEC and CIS open training course for election officials",
    """Central Election Commission chairman Mazahir Panahov and Sergei Lebedev, head of the CIS Executive Committee, opened a two-week training course for election officials from nine CIS countries in Baku on Tuesday.

The 60 participants will study the use of electronic voter registers and web cameras at polling stations, and will visit the commission's training centre in Sumgait, Panahov said. Lebedev said the next course would be held in Astana in autumn.""",
)

EVENTS = [RUNUP, PACE_MEETING, RECOUNT_1, RECOUNT_2, RECOUNT_3, CIS_REPORT, CIS_TRAINING]
