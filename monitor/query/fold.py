"""Text as readers see it: the folding that both keyword matching and archive search use.

Rules, applied in this order to titles, texts and queries alike:
1. Turkish and Azerbaijani capitals first: `İ` becomes `i` (Python's "İ".lower() would leave a
   combining dot behind) and dotless `ı` becomes `i`, so `İlham`, `ILHAM`, `Ilham` and `ılham` are one
   word: a reader of English, Azerbaijani or Turkish spells the same name with either letter.
2. Unicode case folding (`ƏLİYEV` → `əliyev`, `ВЫБОРЫ` → `выборы`, `ß` → `ss`).
3. Diacritics dropped (NFKD, combining marks removed): `seçki` = `secki`, `Ş` = `s`, `ё` = `е`,
   `ü` = `u`; except Russian `й`, a letter of its own, which is kept.
4. Azerbaijani `ə` is written `a` (Əliyev → aliyev), as English and Russian transliterations do
   (Aliyev, Алиев is another script and stays Cyrillic).
5. Words are runs of letters and digits; everything else (punctuation, apostrophes, line breaks,
   runs of spaces) separates words, so `Aliyev's` holds the word `aliyev` and a phrase matches
   across a line break.

The folded form of a text is its words joined by single spaces with a space at each end
(" cec chairman said "), so a word, a phrase or a prefix is a plain substring test (' cec ',
' central election commission ', ' secki'). The archive keeps the same folded words in a word
index (migration 004) and the in-process matcher in a set; both answer exactly that substring
test, which a property test (tests/integration/test_query_agreement.py) holds them to.
"""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[^\W_]+")
_KEEP = {"й": "\x00", "Й": "\x01"}  # protected from rule 3, restored after
_RESTORE = {"\x00": "й", "\x01": "й"}


def fold_word_chars(text: str) -> str:
    text = text.replace("İ", "i").replace("ı", "i").replace("I", "i")
    for letter, mark in _KEEP.items():
        text = text.replace(letter, mark)
    text = text.casefold()
    text = unicodedata.normalize("NFKD", text)
    for mark in {ch for ch in set(text) if unicodedata.combining(ch)}:  # a few per text: each removed at C speed
        text = text.replace(mark, "")
    for mark, letter in _RESTORE.items():
        text = text.replace(mark, letter)
    return unicodedata.normalize("NFC", text).replace("ə", "a")


def words(text: str) -> list[str]:
    """The folded words of `text`, in order."""
    return _WORD.findall(fold_word_chars(text))


def fold(text: str) -> str:
    """The folded form used for matching: ' word word … ' (empty text gives ' ')."""
    return " " + " ".join(words(text)) + " "
