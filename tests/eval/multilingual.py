# ruff: noqa: E501  (prose: one paragraph a line, as outlets publish it)
"""Events written independently in English, Russian and Azerbaijani, written for these tests (no
outlet's text): each language names the same people, places and institutions in its own script
and inflection (Панахова, Pənahovun; ЦИК, MSK), gives numbers its own way (92,12 %; 90 000;
"90 mindən çox") and dates too ("8 февраля", "fevralın 8-də").

Each is (key, story, lang, title, text). Stories labelled here with the key of an English story of
tests/eval/originals.py ("cis-mission", "results") or of the seed ("sco") belong to that story.
"""

SCO_RU = (
    "sco-ru",
    "sco",
    "ru",
    "Генсек ШОС Чжан Мин верит в справедливость выборов в Азербайджане",
    """БАКУ, 6 февраля. Председатель Центральной избирательной комиссии Азербайджана Мазахир Панахов принял делегацию Шанхайской организации сотрудничества во главе с генеральным секретарём организации Чжан Мином.

По словам Панахова, впервые в истории страны выборы пройдут на всей её территории, в том числе на освобождённых землях, где построено 26 избирательных участков.

Глава ЦИК сообщил гостям, что за ходом голосования будут следить более 90 000 наблюдателей, а семь кандидатов три раза в неделю получают бесплатное эфирное время.

Чжан Мин выразил уверенность, что выборы пройдут прозрачно, и отметил, что миссия ШОС огласит свои выводы 8 февраля.""",
)

SCO_AZ = (
    "sco-az",
    "sco",
    "az",
    "ŞƏT-in Baş katibi: Azərbaycanda seçkilərin ədalətli keçəcəyinə inanırıq",
    """Bakı, 6 fevral. Mərkəzi Seçki Komissiyasının sədri Məzahir Pənahov Şanxay Əməkdaşlıq Təşkilatının Baş katibi Çjan Minin rəhbərlik etdiyi nümayəndə heyətini qəbul edib.

Görüşdə Məzahir Pənahov bildirib ki, ölkə tarixində ilk dəfə seçkilər Azərbaycanın bütün ərazisində keçiriləcək, işğaldan azad olunmuş ərazilərdə 26 seçki məntəqəsi yaradılıb.

MSK sədri qeyd edib ki, seçkiləri 90 mindən çox müşahidəçi izləyəcək, yeddi namizəd isə həftədə üç dəfə pulsuz efir vaxtından istifadə edir.

Çjan Min seçkilərin şəffaf keçəcəyinə əminliyini ifadə edib və missiyanın yekunlarının fevralın 8-də açıqlanacağını deyib.""",
)

CIS_MISSION_RU = (
    "cis-mission-ru",
    "cis-mission",
    "ru",
    "Миссия наблюдателей СНГ открыла штаб-квартиру в Баку",
    """БАКУ, 2 февраля. Миссия наблюдателей от Содружества Независимых Государств открыла в Баку свою штаб-квартиру, сообщил в пятницу журналистам глава миссии Сергей Лебедев.

По словам Лебедева, за голосованием будут следить 312 наблюдателей из одиннадцати стран, в том числе в Ханкенди, Шуше и Лачине, где избирательные участки открываются впервые.

Лебедев рассказал, что члены миссии уже встретились с омбудсменом и представителями кандидатов. Предварительное заявление миссия представит на пресс-конференции 8 февраля.""",
)

CIS_MISSION_AZ = (
    "cis-mission-az",
    "cis-mission",
    "az",
    "MDB-nin müşahidə missiyası Bakıda qərargahını açıb",
    """Bakı, 2 fevral. Müstəqil Dövlətlər Birliyinin müşahidə missiyası Bakıda qərargahını açıb. Bu barədə missiyanın rəhbəri Sergey Lebedev jurnalistlərə bildirib.

Lebedevin sözlərinə görə, səsverməni on bir ölkədən olan 312 müşahidəçi izləyəcək. Müşahidəçilər seçki məntəqələrinin ilk dəfə açıldığı Xankəndi, Şuşa və Laçın şəhərlərində də olacaq.

Missiya rəhbəri bildirib ki, ilkin bəyanat fevralın 8-də mətbuat konfransında təqdim ediləcək.""",
)

RESULTS_RU = (
    "results-ru",
    "results",
    "ru",
    "ЦИК: по предварительным данным Ильхам Алиев набирает 92,1%",
    """По предварительным данным, основанным на 93% протоколов, действующий президент Ильхам Алиев набрал на внеочередных выборах 92,1% голосов, сообщила в ночь на четверг Центральная избирательная комиссия.

Председатель ЦИК Мазахир Панахов заявил на ночном заседании, что второе место занял Захид Орудж с 2,2%, за ним следуют Фазиль Мустафа (1,3%) и Гудрат Гасангулиев (0,9%).

Явка, по словам Панахова, составила 76,7%. Жалобы с 14 избирательных участков рассматриваются.""",
)

ODIHR_INTERIM_EN = (
    "odihr-interim",
    "odihr-interim",
    "en",
    "ODIHR interim report notes limited debate ahead of snap vote",
    """The election observation mission of the OSCE's Office for Democratic Institutions and Human Rights published its interim report on Saturday, saying that the campaign for Azerbaijan's early presidential election had so far been low-key and offered voters little genuine debate.

The report, covering the period from January 17 to 31, says the mission's 28 long-term observers found the election administration well prepared, but that several candidates had openly praised the incumbent rather than campaigning against him.

Mission head Anna Lindqvist said in a statement that 290 short-term observers would join the mission before February 7.""",
)

ODIHR_INTERIM_RU = (
    "odihr-interim-ru",
    "odihr-interim",
    "ru",
    "БДИПЧ ОБСЕ: предвыборная кампания в Азербайджане проходит вяло",
    """Миссия по наблюдению за выборами Бюро по демократическим институтам и правам человека ОБСЕ в субботу опубликовала промежуточный доклад, в котором говорится, что кампания перед внеочередными президентскими выборами в Азербайджане проходит вяло и без настоящей дискуссии.

Долгосрочные наблюдатели миссии, 28 человек, отмечают хорошую подготовку избирательной администрации, однако, по их данным, некоторые кандидаты открыто хвалят действующего главу государства.

Глава миссии Анна Линдквист сообщила, что до 7 февраля к работе приступят ещё 290 краткосрочных наблюдателей.""",
)

ODIHR_INTERIM_AZ = (
    "odihr-interim-az",
    "odihr-interim",
    "az",
    "ATƏT DTİHB aralıq hesabatını açıqlayıb",
    """ATƏT-in Demokratik Təsisatlar və İnsan Hüquqları Bürosunun (DTİHB) seçki müşahidə missiyası şənbə günü aralıq hesabatını dərc edib. Hesabatda prezident seçkiləri ərəfəsində təşviqat kampaniyasının sakit keçdiyi bildirilir.

Sənəddə qeyd olunur ki, missiyanın 28 uzunmüddətli müşahidəçisi seçki administrasiyasının hazırlığını yüksək qiymətləndirib, lakin bəzi namizədlər rəqib əvəzinə hazırkı prezidenti tərifləyib.

Missiyanın rəhbəri Anna Lindkvist bəyan edib ki, fevralın 7-dək missiyaya daha 290 qısamüddətli müşahidəçi qoşulacaq.""",
)

FINAL_EN = (
    "final-results",
    "final-results",
    "en",
    "CEC approves final results: Aliyev re-elected with 92.12 percent",
    """Azerbaijan's Central Election Commission on Thursday approved the final results of the February 7 presidential election, confirming Ilham Aliyev's victory with 92.12 percent of the vote.

According to the final protocol signed by CEC Chairman Mazahir Panahov, turnout stood at 76.73 percent. Zahid Oruj received 2.15 percent, Fazil Mustafa 1.35 percent and Gudrat Hasanguliyev 0.91 percent.

The commission said it had reviewed 62 complaints, none of which affected the outcome. The results now go to the Constitutional Court for confirmation.""",
)

FINAL_RU = (
    "final-results-ru",
    "final-results",
    "ru",
    "ЦИК Азербайджана утвердил окончательные итоги: у Алиева 92,12%",
    """Центральная избирательная комиссия Азербайджана в четверг утвердила окончательные итоги президентских выборов 7 февраля. Согласно итоговому протоколу, Ильхам Алиев получил 92,12% голосов.

Явка избирателей, как сообщил председатель ЦИК Мазахир Панахов, составила 76,73%. Захид Орудж набрал 2,15%, Фазиль Мустафа – 1,35%, Гудрат Гасангулиев – 0,91%.

Комиссия рассмотрела 62 жалобы и не нашла нарушений, способных повлиять на результат. Итоги направлены в Конституционный суд.""",
)

FINAL_AZ = (
    "final-results-az",
    "final-results",
    "az",
    "MSK yekun nəticələri təsdiqləyib: İlham Əliyev 92,12 faiz səs toplayıb",
    """Mərkəzi Seçki Komissiyası cümə axşamı fevralın 7-də keçirilən prezident seçkilərinin yekun nəticələrini təsdiqləyib. Yekun protokola əsasən İlham Əliyev seçicilərin 92,12 faizinin səsini qazanıb.

MSK sədri Məzahir Pənahovun sözlərinə görə, seçicilərin fəallığı 76,73 faiz olub. Zahid Oruc 2,15 faiz, Fazil Mustafa 1,35 faiz, Qüdrət Həsənquliyev isə 0,91 faiz səs toplayıb.

Komissiya 62 şikayətə baxıb, nəticəyə təsir edə biləcək pozuntu aşkar edilməyib. Nəticələr Konstitusiya Məhkəməsinə göndərilib.""",
)

INAUGURATION_EN = (
    "inauguration",
    "inauguration",
    "en",
    "Aliyev sworn in for fifth term at Milli Majlis ceremony",
    """Ilham Aliyev was sworn in as president of Azerbaijan on Wednesday at a ceremony in the Milli Majlis, placing his hand on the Constitution and the Koran in front of 350 guests.

Constitutional Court chairman Farhad Abdullayev read out the court's decision confirming the results of the February 7 election before Aliyev took the oath.

In his speech Aliyev said that for the first time the vote had been held on the whole territory of the country, including Khankendi, and promised to continue the reconstruction of Karabakh.""",
)

INAUGURATION_RU = (
    "inauguration-ru",
    "inauguration",
    "ru",
    "Ильхам Алиев принёс присягу в Милли Меджлисе",
    """В среду в Милли Меджлисе состоялась церемония инаугурации Ильхама Алиева. Положив руку на Конституцию и Коран, президент принёс присягу в присутствии 350 гостей.

Председатель Конституционного суда Фархад Абдуллаев зачитал решение суда об утверждении итогов выборов 7 февраля.

Выступая на церемонии, Алиев отметил, что впервые голосование прошло на всей территории страны, включая Ханкенди, и пообещал продолжить восстановление Карабаха.""",
)

INAUGURATION_AZ = (
    "inauguration-az",
    "inauguration",
    "az",
    "İlham Əliyev Milli Məclisdə and içib",
    """Çərşənbə günü Milli Məclisdə İlham Əliyevin andiçmə mərasimi keçirilib. Prezident əlini Konstitusiya və Quran üzərinə qoyaraq 350 qonağın iştirakı ilə and içib.

Konstitusiya Məhkəməsinin sədri Fərhad Abdullayev fevralın 7-də keçirilən seçkilərin nəticələrini təsdiq edən qərarı oxuyub.

Mərasimdəki çıxışında İlham Əliyev bildirib ki, səsvermə ilk dəfə Xankəndi də daxil olmaqla ölkənin bütün ərazisində keçirilib və Qarabağın bərpasının davam etdiriləcəyini vurğulayıb.""",
)

TRANSLATED = [
    SCO_RU,
    SCO_AZ,
    CIS_MISSION_RU,
    CIS_MISSION_AZ,
    RESULTS_RU,
    ODIHR_INTERIM_EN,
    ODIHR_INTERIM_RU,
    ODIHR_INTERIM_AZ,
    FINAL_EN,
    FINAL_RU,
    FINAL_AZ,
]
# Written with the rest, never looked at while the story rules were tuned: scored apart.
HELD_OUT = [INAUGURATION_EN, INAUGURATION_RU, INAUGURATION_AZ]
