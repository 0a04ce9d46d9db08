"""Generated multilingual news text for the search benchmark: English, Russian and Azerbaijani
vocabulary (real common words plus a long Zipf tail of made-up ones in each script), names,
numbers and punctuation, so that word frequencies look like a real archive's."""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from monitor.query.fold import fold

EN = """the of and to in a is that for on was with said as by at from it be has have are were
his will an this their not but they its which after who been also would more than year one about
election president presidential vote votes voting voters candidate candidates commission central
observers observer mission international parliament government minister ministry country state
people party parties campaign results turnout polling station stations ballot ballots count
counting report reports statement official officials according news agency press conference
national security foreign policy economy oil gas pipeline energy region regional border peace
talks agreement treaty cooperation development support meeting meetings visit delegation
held during since under between against over new first last week month day today yesterday
capital city district court law decree order decision opposition democracy democratic rights
human media journalist journalists freedom independent snap extraordinary early nationwide
preliminary final official registered registration application applications process procedure
""".split()

RU = """и в не на что с по как это из за о от для его к до так но же все было при он она они
выборы выборов выборах президент президента президентские голосование голосования голос
избиратели избирателей кандидат кандидаты комиссия центральная избирательная наблюдатели
наблюдателей миссия международная парламент правительство министр министерство страна страны
государство народ партия партии кампания результаты явка участок участки бюллетень бюллетени
подсчет доклад заявление официальный официальные сообщает агентство пресс конференция
национальная безопасность внешняя политика экономика нефть газ трубопровод энергетика регион
переговоры соглашение договор сотрудничество развитие поддержка встреча визит делегация
неделе месяце году сегодня вчера столица город район суд закон указ решение оппозиция
демократия права человека журналист журналисты свобода внеочередные досрочные предварительные
""".split()

AZ = """və bu ki bir da də ilə üçün olan olaraq isə artıq daha çox görə sonra əvvəl həm hər
seçki seçkilər seçkiləri seçkilərin seçkidə seçkiyə prezident prezidenti prezidentlik səsvermə
seçici seçicilər namizəd namizədlər komissiya mərkəzi seçki komissiyası müşahidəçi müşahidəçilər
missiya beynəlxalq parlament hökumət nazir nazirlik ölkə dövlət xalq partiya partiyalar kampaniya
nəticələr nəticələri fəallıq məntəqə məntəqələr bülleten səslərin hesablanması hesabat bəyanat
rəsmi rəsmilər agentlik mətbuat konfrans milli təhlükəsizlik xarici siyasət iqtisadiyyat neft qaz
kəmər enerji region danışıqlar saziş müqavilə əməkdaşlıq inkişaf dəstək görüş səfər nümayəndə
həftə ay il bu gün dünən paytaxt şəhər rayon məhkəmə qanun fərman qərar müxalifət demokratiya
hüquqlar jurnalist jurnalistlər azadlıq növbədənkənar ilkin yekun qeydiyyat ərizə proses
""".split()

NAMES = """İlham Əliyev Aliyev Алиев Məzahir Pənahov Panahov Панахов Mehriban Ceyhun Bayramov Байрамов
Ankara Bakı Baku Баку Gəncə Ganja Сумгаит Sumqayıt Qarabağ Karabakh Карабах Şuşa Shusha Шуша
OSCE ODIHR ОБСЕ БДИПЧ CEC ЦИК MSK PACE ПАСЕ Trend APA Report Azertac Turan Day.Az""".split()

SYLLABLES = {
    "en": "ba be bi bo bu ca co de di do fa fe fi ga go ha he hi ka ke la le li lo ma me mi mo na ne ni no pa pe "
    "po ra re ri ro sa se si so ta te ti to va ve vi wa we ya yo za ze ion ter ment ing ate ous".split(),
    "ru": "ба бе би бо бу ва ве ви во га го да де ди до жа за зе зи ка ке ки ко ла ле ли ло ма ме ми мо на не "
    "ни но па пе по ра ре ри ро са се си со та те ти то ча ше щи ль ция ние ство ский ёл йо".split(),
    "az": "ba bə bi bo bu ca cə çi ça da də di do fa fə gə gi ha hə xa xə ka kə la lə li lo ma mə mi mo na nə "
    "ni no pa pə ra rə ri ro sa sə si şa şə ta tə ti to va və ya yə za zə lıq lik çı ğı ün üz öl".split(),
}

OUTLETS = [
    f"{name} {kind}"
    for name, kind in itertools.product(
        ["Trend", "APA", "Report", "Azertac", "Turan", "Caliber", "Oxu", "Qafqazinfo", "Sputnik", "Interfax"],
        ["News", "Daily", "Wire", "Online"],
    )
]
LANGS = [("en", 0.4), ("ru", 0.3), ("az", 0.3)]
START = datetime(2023, 1, 1, tzinfo=UTC)
SPAN = timedelta(days=3 * 365)


def _tail(rng: random.Random, lang: str, n: int) -> list[str]:
    syl = SYLLABLES[lang]
    seen: set[str] = set()
    out: list[str] = []
    while len(out) < n:
        w = "".join(rng.choice(syl) for _ in range(rng.randint(2, 4)))
        if fold(w) not in seen:  # distinct once folded, so a tail word's frequency is its own
            seen.add(fold(w))
            out.append(w)
    return out


@dataclass
class Vocabulary:
    words: dict[str, list[str]]  # by language, most frequent first
    weights: dict[str, list[float]]  # cumulative Zipf weights

    @classmethod
    def make(cls, seed: int = 7, tail: int = 60_000) -> Vocabulary:
        rng = random.Random(seed)
        words, weights = {}, {}
        for lang, core in (("en", EN), ("ru", RU), ("az", AZ)):
            vocab = core + _tail(rng, lang, tail)
            words[lang] = vocab
            weights[lang] = list(itertools.accumulate(1 / (r + 1) ** 1.05 for r in range(len(vocab))))
        return cls(words, weights)

    def rank(self, lang: str, r: int) -> str:
        return self.words[lang][r]


@dataclass
class Article:
    outlet: str
    url: str
    title: str
    text: str
    lang: str
    published_at: datetime


def _sentence(rng: random.Random, vocab: Vocabulary, lang: str, n: int) -> str:
    ws = rng.choices(vocab.words[lang], cum_weights=vocab.weights[lang], k=n)
    if rng.random() < 0.5:
        ws[rng.randrange(n)] = rng.choice(NAMES)
    if rng.random() < 0.3:
        ws[rng.randrange(n)] = str(rng.choice([rng.randint(1, 100), rng.randint(1990, 2026), rng.randint(1000, 99999)]))
    if rng.random() < 0.1:
        i = rng.randrange(n)
        ws[i] = ws[i] + rng.choice(["'s", ",", ";", " -", ":"])
    return ws[0][:1].upper() + ws[0][1:] + " " + " ".join(ws[1:]) + rng.choice([".", ".", ".", "!", "?"])


def articles(n: int, vocab: Vocabulary, seed: int = 11) -> Iterator[Article]:
    """`n` articles, 60-400 words each, spread over three years and 40 outlets."""
    rng = random.Random(seed)
    langs, probs = zip(*LANGS, strict=True)
    for i in range(n):
        lang = rng.choices(langs, probs)[0]
        title = _sentence(rng, vocab, lang, rng.randint(6, 12)).rstrip(".!?")
        body: list[str] = []
        for _ in range(rng.randint(4, 20)):
            body.append(_sentence(rng, vocab, lang, rng.randint(8, 24)))
            if rng.random() < 0.25:
                body.append("\n\n")
        outlet = rng.choice(OUTLETS)
        yield Article(
            outlet=outlet,
            url=f"https://{outlet.split()[0].lower()}.example/{lang}/{i}",
            title=title,
            text=" ".join(body),
            lang=lang,
            published_at=START + timedelta(seconds=rng.randrange(int(SPAN.total_seconds()))),
        )


if __name__ == "__main__":  # `make bench` runs every bench/*.py: show what the generated text looks like
    sample = Vocabulary.make()
    for a in articles(3, sample):
        print(f"[{a.lang}] {a.outlet} {a.published_at:%Y-%m-%d}: {a.title}\n  {a.text[:200]}…")
