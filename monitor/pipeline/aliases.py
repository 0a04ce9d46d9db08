"""The alias table: names of one entity in several languages and scripts (ЦИК / MSK / CEC /
Central Election Commission), each read as one story term `@<key>`.

The table ships with the seeds (`monitor/watch/aliases.toml`) and is read once at startup (`default()`):
the aliases are rules for reading text, not rows of the archive, so they need no `init` and no
table, and every worker that starts reads the same file. A name is matched word by word on the
transliteration keys of its words (monitor.pipeline.translit) in each of the three languages, so
its inflected forms match too (Центральной избирательной комиссии, Mərkəzi Seçki Komissiyasının).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from monitor.errors import UsageError
from monitor.pipeline.translit import key

SEEDS = Path(__file__).resolve().parent.parent / "watch"
LANGS = ("en", "ru", "az")
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Aliases:
    """Word-key sequences of each name, by language, to the entity's key; picklable."""

    names: dict[str, dict[tuple[str, ...], str]] = field(default_factory=dict)  # lang -> keys -> entity
    longest: int = 0
    # acronyms (ЦИК, CIS) match a word written in capitals only: "CIS" must not be "числе"
    acronyms: dict[str, dict[str, str]] = field(default_factory=dict)  # lang -> key -> entity
    # lang -> the keys a name begins with: a word that begins none is passed over at once
    firsts: dict[str, frozenset[str]] = field(default_factory=dict)


NONE = Aliases()


def parse(entries: list[dict[str, object]]) -> Aliases:
    """The table from `[[alias]]` entries (key, names); a malformed entry is a UsageError."""
    names: dict[str, dict[tuple[str, ...], str]] = {lang: {} for lang in LANGS}
    acronyms: dict[str, dict[str, str]] = {lang: {} for lang in LANGS}
    longest = 0
    for n, entry in enumerate(entries, 1):
        entity, spellings = entry.get("key"), entry.get("names")
        if not isinstance(entity, str) or not entity or not isinstance(spellings, list) or not spellings:
            raise UsageError(f"aliases: entry {n} needs a key and a list of names")
        for name in spellings:
            if not isinstance(name, str):
                raise UsageError(f"aliases: entry {n} ({entity}): names must be text")
            words = _WORD.findall(name)
            for lang in LANGS:
                keys = tuple(key(w, lang) for w in words)
                if len(words) == 1 and words[0].isupper():
                    acronyms[lang].setdefault(keys[0], entity)
                elif keys:
                    names[lang].setdefault(keys, entity)
                    longest = max(longest, len(keys))
    return Aliases(names, longest, acronyms, {lang: frozenset(k[0] for k in names[lang]) for lang in LANGS})


def load(path: Path) -> Aliases:
    """The table of an aliases.toml file; none when the file does not exist."""
    if not path.exists():
        return NONE
    try:
        with path.open("rb") as f:
            return parse(tomllib.load(f).get("alias", []))
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"aliases: {path}: {exc}") from exc


@lru_cache(maxsize=1)
def default() -> Aliases:
    """The table of the watch (the folder NEWSWATCH_SEEDS names, else the built-in one), read once."""
    from monitor import config

    folder = config.load().seeds
    return load((Path(folder).expanduser() if folder else SEEDS) / "aliases.toml")


def find(aliases: Aliases, words: list[str], keys: list[str], lang: str | None) -> dict[int, tuple[int, str]]:
    """Where names of the table start among these words (and their keys): position -> (words,
    entity); the longest name wins, left to right, without overlaps."""
    named = (lang or "en") if aliases.names.get(lang or "en") else "en"  # a language without names reads English's
    table, firsts = aliases.names.get(named) or {}, aliases.firsts.get(named) or frozenset()
    acronyms = aliases.acronyms.get(lang or "en") or aliases.acronyms.get("en") or {}
    found: dict[int, tuple[int, str]] = {}
    i = 0
    while i < len(keys):
        if words[i][:2].isupper() and keys[i] in acronyms:
            found[i] = (1, acronyms[keys[i]])
            i += 1
            continue
        if keys[i] not in firsts:
            i += 1
            continue
        for size in range(min(aliases.longest, len(keys) - i), 0, -1):
            entity = table.get(tuple(keys[i : i + size]))
            if entity:
                found[i] = (size, entity)
                i += size
                break
        else:
            i += 1
    return found
