"""One key for a name in any script and inflection: Алиев, Алиева, Алиеву, Əliyev, Əliyevin, Aliyev's.

1. Script: Cyrillic (and any other script) is romanised by anyascii (a kept library; cyrtranslit
   was as fast but only knows Cyrillic). Azerbaijani Latin letters are read as Azerbaijani reads
   them (c = j, x = kh, q = g, ş = sh, ç = ch, ə = a, ı = i), in an Azerbaijani article; elsewhere
   only the letters foreign to English are.
2. Sounds that transliterations spell differently become one letter: kh, h, x, g, q, k → k
   (Панахов, Pənahov, Panahov; Гасангулиев, Həsənquliyev); sh, ş, щ → s; ch, ç → c; zh, dzh,
   dj, c (az), j → j; e and ə → a (Мамедов, Məmmədov); y → i; an i before a vowel goes (Алиев,
   Aliyev; Гянджа, Ganja); doubled letters are one (Abdullayev, Абдуллаев).
3. Inflection: Russian and Azerbaijani case endings are cut (Алиеву, Əliyevə, Pənahovun,
   Лебедева, Bakıda), again and again while the stem keeps MIN_STEM letters, the same way for every
   form, so every form of one name ends on the same key.

A key is not a spelling: it is only ever compared with other keys.
"""

from __future__ import annotations

import re
from functools import lru_cache

from anyascii import anyascii

MIN_STEM = 3

_AZ = str.maketrans(
    {"ə": "a", "ı": "i", "ş": "sh", "ç": "ch", "ğ": "gh", "ö": "o", "ü": "u", "c": "j", "x": "kh", "q": "g"}
)
_FOREIGN = str.maketrans({"ə": "a", "ı": "i", "ş": "sh", "ç": "ch", "ğ": "gh", "ö": "o", "ü": "u"})
_SOUNDS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"shch|sch|sh"), "s"),
    (re.compile(r"dzh|dj|zh"), "j"),
    (re.compile(r"ch"), "c"),
    (re.compile(r"kh|gh"), "k"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"[hxgqk]"), "k"),
    (re.compile(r"w"), "v"),
    (re.compile(r"e"), "a"),
    (re.compile(r"y"), "i"),
    (re.compile(r"[^a-z0-9]"), ""),
    (re.compile(r"(.)\1+"), r"\1"),
    (re.compile(r"i(?=[aou])"), ""),
    (re.compile(r"(.)\1+"), r"\1"),
]
# Case endings of Russian and Azerbaijani names, as step 2 spells them, longest first.
_ENDINGS = sorted(
    """
    nin nun in un ni nu dan tan da ta ila la lar dak a i u
    om am im oi ai ui oko ako omu amu ak ami
    """.split(),
    key=len,
    reverse=True,
)


def _sounds(text: str) -> str:
    for pattern, repl in _SOUNDS:
        text = pattern.sub(repl, text)
    return text


def _stem(key: str) -> str:
    for _ in range(3):
        for ending in _ENDINGS:
            # Azerbaijani -nin/-ni follow a vowel only (Bakının, Azərbaycanın is Azərbaycan-ın)
            if ending[0] == "n" and key[-len(ending) - 1 : -len(ending)] not in ("a", "i", "o", "u"):
                continue
            if key.endswith(ending) and len(key) - len(ending) >= MIN_STEM:
                key = key[: -len(ending)]
                break
        else:
            break
    return key


@lru_cache(maxsize=65536)
def key(word: str, lang: str | None = None) -> str:
    """The key of one word (a name, a place, an institution's word) written in `lang`."""
    lower = word.replace("İ", "i").replace("I", "i").lower().replace("’", "'").removesuffix("'s")
    lower = lower.translate(_AZ if lang == "az" else _FOREIGN)
    return _stem(_sounds(anyascii(lower).lower()))
