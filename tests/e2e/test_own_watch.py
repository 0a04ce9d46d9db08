"""A watch of the user's own (NEWSWATCH_SEEDS): a folder laid out like monitor/watch/, loaded by
`init` once, refused whole with the file and line when malformed; and seeds the size and the
language of real ones: a 200 KB report and a Russian article, each found reproduced by a poll."""

from __future__ import annotations

import json
import random
from pathlib import Path

import psycopg

from tests.conftest import Cli
from tests.site.server import Site

RUSSIAN_TEXT = (
    "БАКУ, 6 февраля. Миссия наблюдателей Содружества Независимых Государств прибыла в Баку, чтобы следить за "
    "внеочередными президентскими выборами 7 февраля, сообщил журналистам руководитель миссии Сергей Лебедев.\n\n"
    "В состав миссии входят сто двадцать наблюдателей из девяти государств, они посетят избирательные участки "
    "в Баку, Гяндже и Сумгаите, а также в районах вдоль северной границы.\n\n"
    "Лебедев сообщил, что наблюдатели встретятся с Центральной избирательной комиссией во вторник и представят "
    "предварительные выводы на пресс-конференции утром после голосования."
)
RUSSIAN_TITLE = "Миссия наблюдателей СНГ прибыла в Баку"


def watch_folder(root: Path, feed_url: str) -> Path:
    (root / "articles").mkdir(parents=True)
    (root / "articles" / "sng-missiya.txt").write_text("date 2024-02-06\n" + RUSSIAN_TEXT + "\n", encoding="utf-8")
    (root / "articles.toml").write_text(
        f"""
[[article]]
file = "articles/sng-missiya.txt"
key = "report-sng-missiya-2024-02-06"
outlet = "Report"
published = "2024-02-06T08:00:00+00:00"
lang = "ru"
title = "{RUSSIAN_TITLE}"
""",
        encoding="utf-8",
    )
    (root / "sources.toml").write_text(
        f'[[source]]\nname = "Vesti"\nurl = "{feed_url}"\nlang = "ru"\n', encoding="utf-8"
    )
    (root / "keywords.toml").write_text(
        '[[keyword]]\nname = "mission"\nquery = "наблюдател* OR observer*"\n', encoding="utf-8"
    )
    (root / "aliases.toml").write_text('[[alias]]\nkey = "cis"\nnames = ["CIS", "СНГ", "MDB"]\n', encoding="utf-8")
    return root


def russian_copy(site: Site) -> None:
    """A Russian outlet's copy of the seed (a lead of its own, the rest word for word), and its feed."""
    body = "\n".join(
        f"<p>{p}</p>" for p in ["Вести: " + RUSSIAN_TEXT.split("\n\n")[0], *RUSSIAN_TEXT.split("\n\n")[1:]]
    )
    page = (
        '<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8"><title>Наблюдатели СНГ в Баку</title>'
        '<meta property="article:published_time" content="2024-02-06T11:00:00+00:00"></head>'
        '<body><header class="top"><nav><a href="/">Главная</a> | <a href="/politics">Политика</a></nav></header>'
        f'<main><article><h1>Наблюдатели СНГ в Баку</h1><div class="article-body">{body}</div></article></main>'
        "<footer><p>Вести. Все права защищены.</p></footer></body></html>"
    )
    site.overrides["/vesti/sng-5501.html"] = (200, {"Content-Type": "text/html; charset=utf-8"}, page.encode())
    feed = (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Vesti</title>'
        f"<link>{site.url('/')}</link><description>fixture</description><item><title>Наблюдатели СНГ в Баку</title>"
        f"<link>{site.url('/vesti/sng-5501.html')}</link><guid>sng-5501</guid>"
        "<pubDate>Tue, 06 Feb 2024 11:00:00 GMT</pubDate></item></channel></rss>"
    )
    site.overrides["/vesti/feed.rss"] = (200, {"Content-Type": "application/rss+xml"}, feed.encode())


def counts(database_url: str) -> tuple[int, int, int]:
    with psycopg.connect(database_url) as conn:
        row = conn.execute(
            "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM sources), (SELECT count(*) FROM keywords)"
        ).fetchone()
    assert row is not None
    return row


def test_an_own_watch_is_loaded_once_and_its_russian_seed_is_found_copied(cli: Cli, site: Site, tmp_path: Path) -> None:
    russian_copy(site)
    folder = watch_folder(tmp_path / "watch", site.url("/vesti/feed.rss"))
    out = cli("init", NEWSWATCH_SEEDS=str(folder)).stdout
    assert "seeds loaded: 1 articles, 1 sources, 1 keywords added" in out
    again = cli("init", NEWSWATCH_SEEDS=str(folder)).stdout
    assert "seeds loaded: 0 articles, 0 sources, 0 keywords added" in again
    [seed] = [json.loads(line) for line in cli("seeds", "list", "--format", "jsonl").stdout.splitlines()]
    assert (seed["title"], seed["outlet"], seed["lang"]) == (RUSSIAN_TITLE, "Report", "ru")  # not the built-in one

    polled = cli("poll", "Vesti", NEWSWATCH_SEEDS=str(folder)).stdout
    assert "Vesti: fetched 1, new 0, duplicates 1, errors 0" in polled
    [copy] = [
        json.loads(line) for line in cli("seeds", "show", str(seed["id"]), "--format", "jsonl").stdout.splitlines()
    ]
    assert copy["outlet"] == "Vesti" and copy["delay_s"] == 3 * 3600
    assert (copy["added_words"], copy["removed_words"]) == (1, 0)  # "Вести:" before the lead
    assert copy["similarity"] == 1.0

    cli("seeds", "remove", str(seed["id"]))
    assert "seeds loaded: 0 articles" in cli("init", NEWSWATCH_SEEDS=str(folder)).stdout  # removed stays removed
    assert cli("seeds", "list", "--format", "jsonl").stdout == ""


def test_a_malformed_watch_file_is_refused_naming_its_file_and_line(
    cli: Cli, database_url: str, tmp_path: Path
) -> None:
    folder = watch_folder(tmp_path / "watch", "https://vesti.example/feed.rss")
    cli("init")
    before = counts(database_url)
    keywords = folder / "keywords.toml"
    keywords.write_text('[[keyword]]\nname = "mission"\nquery = "observer*\n', encoding="utf-8")  # unclosed string
    bad = cli("init", NEWSWATCH_SEEDS=str(folder), expect=2)
    assert str(keywords) in bad.stderr and "line 3" in bad.stderr and bad.stderr.count("\n") == 1

    keywords.write_text('[[keyword]]\nname = "mission"\nquery = "observer*"\n', encoding="utf-8")
    (folder / "sources.toml").write_text(
        '[[source]]\nname = "Vesti"\nurl = "https://vesti.example/feed.rss"\n\n[[source]]\nname = "Bad"\nurl = "ftp://x"\n',
        encoding="utf-8",
    )
    bad = cli("init", NEWSWATCH_SEEDS=str(folder), expect=2)
    assert "sources.toml, line 5" in bad.stderr and "not an http(s) URL" in bad.stderr

    (folder / "sources.toml").write_text("", encoding="utf-8")
    (folder / "articles.toml").write_text('[[article]]\nkey = "x"\nfile = "articles/missing.txt"\n', encoding="utf-8")
    bad = cli("init", NEWSWATCH_SEEDS=str(folder), expect=2)
    assert "articles.toml, line 1" in bad.stderr and "missing.txt" in bad.stderr
    assert counts(database_url) == before  # nothing of the watch was loaded
    assert "is not a folder" in cli("init", NEWSWATCH_SEEDS=str(tmp_path / "nowhere"), expect=2).stderr


def test_a_seed_of_200_kb_and_its_trimmed_copy(cli: Cli, site: Site, tmp_path: Path) -> None:
    rng = random.Random(14)
    vocabulary = ["".join(rng.choice("abcdefghijklmnoprstuvz") for _ in range(rng.randint(3, 9))) for _ in range(3000)]
    paragraphs = [" ".join(rng.choice(vocabulary) for _ in range(60)) + "." for _ in range(520)]
    text = "\n\n".join(paragraphs)
    assert len(text.encode()) > 200_000
    report = tmp_path / "observer-report.txt"
    report.write_text("date 2024-02-08\n" + text + "\n", encoding="utf-8")
    cli("init")
    out = cli("seeds", "add", str(report), "--outlet", "Observer Mission", "--title", "Final report").stdout
    seed_id = int(out.splitlines()[0])

    kept = paragraphs[:400]  # the first 400 paragraphs of 520, word for word
    page = "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Report</title>"
    page += "<meta property='article:published_time' content='2024-02-09T10:00:00+00:00'></head><body><main><article>"
    page += "<h1>The observers' report</h1><div class='article-body'>" + "".join(f"<p>{p}</p>" for p in kept)
    page += "</div></article></main></body></html>"
    site.overrides["/big/report-9001.html"] = (200, {"Content-Type": "text/html; charset=utf-8"}, page.encode())
    feed = (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Big</title>'
        f"<link>{site.url('/')}</link><description>fixture</description><item><title>Report</title>"
        f"<link>{site.url('/big/report-9001.html')}</link><guid>r-9001</guid></item></channel></rss>"
    )
    site.overrides["/big/feed.rss"] = (200, {"Content-Type": "application/rss+xml"}, feed.encode())
    cli("sources", "add", "Big Paper", site.url("/big/feed.rss"))
    assert "Big Paper: fetched 1, new 0, duplicates 1, errors 0" in cli("poll", "Big Paper").stdout
    [copy] = [json.loads(line) for line in cli("seeds", "show", str(seed_id), "--format", "jsonl").stdout.splitlines()]
    assert copy["similarity"] == 1.0  # all of the smaller text is the seed's
    assert (copy["added_words"], copy["removed_words"]) == (0, 120 * 60)
    assert copy["delay_s"] == 34 * 3600  # 9 Feb 10:00 after 8 Feb 00:00
