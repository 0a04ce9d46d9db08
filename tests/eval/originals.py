# ruff: noqa: E501  (prose: one paragraph a line, as outlets publish it)
"""Original articles of the labelled evaluation set, written for these tests (no outlet's text).

Each is (key, story, title, text). `story` labels the event: articles with one story label are
about the same event; copies of them are built in tests/eval/corpus.py.
"""

# The background paragraphs a wire agency appends to every election story: two different stories
# that end with them must not be taken for copies of each other.
TREND_TAIL = """On December 7, 2023, President of the Republic of Azerbaijan Ilham Aliyev signed a decree calling for an extraordinary presidential election in the country on February 7, 2024.

On December 19, the CEC of Azerbaijan approved the candidacy of Ilham Aliyev, nominated by the ruling New Azerbaijan Party (YAP), for participation in the extraordinary presidential election.

Azerbaijan has registered seven candidates to run in the extraordinary presidential election."""

CIS_MISSION = (
    "cis-mission",
    "cis-mission",
    "CIS observer mission opens headquarters in Baku ahead of the vote",
    """BAKU, Azerbaijan, February 2. The observation mission of the Commonwealth of Independent States has opened its headquarters in Baku, the head of the mission Sergei Lebedev told journalists on Friday.

Lebedev said that 312 observers from eleven member countries would follow the voting in every region, including Khankendi, Shusha and Lachin, where polling stations are opening for the first time.

The mission has held consultations with the Ombudsman and with representatives of the candidates, and plans to visit the training centre of the election administration in Sumgait on Monday.

"Our observers have already been deployed to the districts. We will present a preliminary statement at a press conference on February 8," Lebedev noted, adding that the long-term observers arrived in January.

"""
    + TREND_TAIL,
)

CEC_ACCREDITATION = (
    "cec-accreditation",
    "cec-accreditation",
    "CEC accredits 1,480 foreign journalists to cover presidential election",
    """BAKU, Azerbaijan, February 5. The Central Election Commission has accredited 1,480 representatives of foreign media outlets to cover the presidential election, the commission's press service said.

Journalists from 54 countries, among them reporters of news agencies, television channels and online newspapers, have received their press cards at the media centre set up at the Baku Expo Centre.

A commission spokesperson said that the media centre will work around the clock on election day and will broadcast the sessions of the commission live, with interpreters for English and Russian.

Foreign reporters will also be able to travel to the liberated districts on buses organised by the commission on the morning of February 7.

"""
    + TREND_TAIL,
)

TURNOUT = (
    "turnout",
    "turnout",
    "Turnout reaches 67 percent by evening in Azerbaijan's snap vote",
    """Turnout in Azerbaijan's snap presidential election reached 67.4 percent by six in the evening, the Central Election Commission said on Wednesday, an hour before the 6,537 polling stations were due to close.

Commission spokesperson Rashid Samadov told a briefing in Baku that almost 4.2 million of the 6.4 million registered voters had cast a ballot, and that web cameras installed at more than 1,000 stations were streaming the count.

Voters queued in the cold outside a school in the Nasimi district in the morning, where several pensioners said they had come early to avoid the crowds expected after work.

In Khankendi, where people voted for the first time in three decades, local officials reported that turnout had passed eighty percent by noon.

The commission is expected to publish preliminary results after midnight, once protocols from the 125 constituencies have been entered into its system.""",
)

TURNOUT_REWRITE = (
    "turnout-rewrite",
    "turnout",
    "Two in three Azerbaijani voters had voted by 6 pm, says election body",
    """About two thirds of Azerbaijan's voters had taken part in Wednesday's early presidential election by 18:00 local time, with official turnout put at 67.4 percent by the election body.

Rashid Samadov, who speaks for the Central Election Commission, said 4.2 million people out of an electorate of 6.4 million had voted, and noted that the count at 6,537 stations would be shown online by web cameras.

The figure is higher than at the previous presidential vote in 2018. In Khankendi, voting for the first time since the 1990s, officials spoke of more than eighty percent by midday.

Preliminary results are due overnight.""",
)

RESULTS = (
    "results",
    "results",
    "Preliminary count gives incumbent 92.1 percent, CEC says",
    """Incumbent president Ilham Aliyev won 92.1 percent of the vote in Wednesday's snap election, according to a preliminary count of 93 percent of protocols published by the Central Election Commission early on Thursday.

Commission chairman Mazahir Panahov told a late-night session that Zahid Oruj came second with 2.2 percent, followed by Fazil Mustafa with 1.3 percent and Gudrat Hasanguliyev with 0.9 percent.

The remaining three candidates each took less than one percent. Panahov said final turnout stood at 76.7 percent and that complaints from 14 polling stations were being examined.

The commission has 20 days to announce the final results, which must then be confirmed by the Constitutional Court.""",
)

RESULTS_REWRITE = (
    "results-rewrite",
    "results",
    "Aliyev heads for fifth term with 92.1% in early tally",
    """Ilham Aliyev is set for a fifth term after an early tally showed him with 92.1% of votes, Azerbaijan's election commission announced in the small hours of Thursday after processing 93% of the protocols.

His nearest rival, Zahid Oruj, received 2.2%, with Fazil Mustafa on 1.3% and Gudrat Hasanguliyev on 0.9%, chairman Mazahir Panahov said.

Turnout was 76.7%. The Constitutional Court is to certify the final figures once the commission has reviewed complaints lodged at 14 stations.""",
)

OSCE = (
    "osce",
    "osce",
    "OSCE observers say vote lacked genuine competition",
    """The joint observation mission of the OSCE Office for Democratic Institutions and Human Rights and the Parliamentary Assembly of the Council of Europe said on Thursday that Azerbaijan's presidential election took place in a restrictive environment and lacked genuine competition.

Presenting the preliminary conclusions in Baku, Eoghan Murphy, who led the short-term observers, said that voting was generally calm but that observers had seen ballot box stuffing and identical signatures on voter lists at a number of stations.

The mission deployed 327 observers from 43 countries. Its final report, with recommendations, will be published in about eight weeks.

Azerbaijan's foreign ministry rejected the assessment as biased later in the day.""",
)

OSCE_REWRITE = (
    "osce-rewrite",
    "osce",
    "European monitors criticise lack of real choice in Azerbaijan election",
    """Election monitors from the OSCE's ODIHR and the Council of Europe's parliamentary assembly concluded on Thursday that the Azerbaijani vote offered voters no real choice, in preliminary findings read out in Baku.

Eoghan Murphy, head of the short-term observers, told reporters that while polling day was largely calm, his teams had recorded cases of ballot box stuffing and of identical signatures on voter lists.

The 327 monitors came from 43 countries; a final report is expected within two months. The Azerbaijani foreign ministry dismissed the findings as biased.""",
)

FOOTBALL = (
    "football",
    "football",
    "Qarabag beat Neftchi 2-0 to stretch lead at the top",
    """Qarabag stretched their lead at the top of the Premier League to nine points with a 2-0 win over Neftchi at the Tofiq Bahramov stadium on Sunday evening.

Juninho opened the scoring ten minutes before half-time with a header from a corner, and Toral Bayramov added the second from the penalty spot after Marko Jankovic was brought down in the area.

Neftchi finished with ten men after their captain was shown a second yellow card in the 78th minute. Gurban Gurbanov's side travel to Sabah next weekend.""",
)

OIL = (
    "oil",
    "oil",
    "Azeri Light crude rises above 84 dollars",
    """The price of Azeri Light crude rose by 1.12 dollars to 84.37 dollars per barrel on Tuesday, following Brent higher on world markets after a fall in American inventories.

Azeri Light delivered by the Baku-Tbilisi-Ceyhan pipeline to the Turkish port of Ceyhan cost 83.95 dollars, while Urals crude traded at 67.18 dollars per barrel.

Traders said that tensions in the Red Sea continued to support prices, with several tanker operators still sending their ships around the Cape of Good Hope.""",
)

WEATHER = (
    "weather",
    "weather",
    "Snow and strong wind forecast for Baku on Friday",
    """The National Hydrometeorological Service has warned of snow and a strong north wind in Baku and on the Absheron peninsula on Friday, with gusts of up to 25 metres per second expected in the afternoon.

Temperatures will fall to between minus two and plus one degrees at night. In the mountainous districts of Guba, Gusar and Shahdag, up to 30 centimetres of fresh snow are forecast, and drivers are advised to use winter tyres.

Forecasters said the weather would improve from Sunday, with temperatures rising to eight degrees by Monday.""",
)

NEWS_ITEM = (
    "newsaz",
    "newsaz",
    "Baku metro to run extra trains on election day",
    """The Baku Metro will run additional trains on the Red and Green lines on Wednesday to help voters reach their polling stations, the metro's press office said.

Trains will run every three minutes from six in the morning until ten at night, and stations close to the largest polling places, including 28 May and Nizami, will have additional staff at the entrances.

The press office asked passengers to allow extra time for security checks at the busiest stations in the morning hours.""",
)

# A follow-up on the same day: the same event (turnout), new figures.
TURNOUT_FOLLOWUP = (
    "turnout-followup",
    "turnout",
    "Polls close with turnout at 76.7 percent",
    """Polling stations across Azerbaijan closed at seven in the evening with final turnout at 76.7 percent, the Central Election Commission said, up from 67.4 percent an hour earlier.

Spokesperson Rashid Samadov said counting had begun at all 6,537 stations and that the web cameras would keep streaming until the protocols were signed. In Khankendi, he added, nine in ten registered voters had cast a ballot.

The first preliminary figures are expected after midnight.""",
)

# Another observer statement the day after the vote: the same topic as the OSCE's, another event; and
# the CIS mission's own statement, six days after its opening (outside the story window).
CIS_STATEMENT = (
    "cis-statement",
    "cis-statement",
    "CIS observers call the vote free and transparent",
    """The observation mission of the Commonwealth of Independent States said on Thursday that Azerbaijan's presidential election had been free, transparent and in line with national law.

Sergei Lebedev, who heads the mission, told a press conference in Baku that its 312 observers had noted no violations that could have affected the outcome, and praised the organisation of voting in Khankendi and Shusha.

Lebedev said the mission's final report would be sent to the CIS Council of Heads of State in March.""",
)

ORIGINALS = [
    TURNOUT_FOLLOWUP,
    CIS_STATEMENT,
    CIS_MISSION,
    CEC_ACCREDITATION,
    TURNOUT,
    TURNOUT_REWRITE,
    RESULTS,
    RESULTS_REWRITE,
    OSCE,
    OSCE_REWRITE,
]
ORIGINALS += [FOOTBALL, OIL, WEATHER, NEWS_ITEM]
