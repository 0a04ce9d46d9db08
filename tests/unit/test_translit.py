"""One key for a name in every script and inflection (monitor.pipeline.translit), table-driven."""

from __future__ import annotations

import pytest

from monitor.pipeline.translit import key

SAME = [
    [("Алиев", "ru"), ("Алиева", "ru"), ("Алиеву", "ru"), ("Əliyev", "az"), ("Əliyevin", "az"), ("Əliyevə", "az")],
    [("Алиевым", "ru"), ("Aliyev's", "en"), ("Aliyev", "en")],
    [("Панахов", "ru"), ("Панахова", "ru"), ("Pənahov", "az"), ("Pənahovun", "az"), ("Panahov", "en")],
    [("Гасангулиев", "ru"), ("Həsənquliyev", "az"), ("Hasanguliyev", "en")],
    [("Оруджа", "ru"), ("Orucun", "az"), ("Oruj", "en")],
    [("Ханкенди", "ru"), ("Xankəndi", "az"), ("Khankendi", "en")],
    [("Лебедева", "ru"), ("Lebedevin", "az"), ("Lebedev", "en")],
    [("Баку", "ru"), ("Bakıda", "az"), ("Bakının", "az"), ("Baku", "en")],
    [("Гянджа", "ru"), ("Gəncə", "az"), ("Ganja", "en")],
    [("Абдуллаев", "ru"), ("Abdullayev", "az"), ("Abdullayev", "en")],
    [("Меджлисе", "ru"), ("Məclisdə", "az"), ("Majlis", "en")],
]  # fmt: skip


@pytest.mark.parametrize("forms", SAME, ids=[forms[-1][0] for forms in SAME])
def test_every_form_of_a_name_has_one_key(forms: list[tuple[str, str]]) -> None:
    assert len({key(word, lang) for word, lang in forms}) == 1, [(w, key(w, lang)) for w, lang in forms]


def test_different_names_keep_different_keys() -> None:
    names = ["Aliyev", "Panahov", "Lebedev", "Mustafa", "Oruj", "Ganja", "Baku", "Shusha", "Lachin", "Holm"]
    assert len({key(n, "en") for n in names}) == len(names)
