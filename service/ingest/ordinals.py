"""Ordinal numbers as UN documents print them: "13ª", "12º", "13th", "thirteenth", "duodécimo".

Session and meeting IRIs are built from ordinals (docs/model.md), so every spelling of one number
must give the same integer, in both languages and in every gender ("decimotercera reunión").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_EN_UNITS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth"]
_EN_TEENS = ["tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth",
             "seventeenth", "eighteenth", "nineteenth"]
_EN_TENS = {"twentieth": 20, "thirtieth": 30, "fortieth": 40}
_EN_TENS_PREFIX = {"twenty": 20, "thirty": 30, "forty": 40}
_ES_UNITS = ["primer", "segund", "tercer", "cuart", "quint", "sext", "septim", "octav", "noven"]
_ES_TENS = {"decim": 10, "vigesim": 20, "trigesim": 30, "cuadragesim": 40}
_ES_SPECIAL = {"undecim": 11, "duodecim": 12}

_NUMERIC = re.compile(r"^(\d{1,3})\s?(?:ª|º|°|\.ª|\.º|st|nd|rd|th|er|ra|o|a)$", re.IGNORECASE)


@dataclass(frozen=True)
class Ordinal:
    """An ordinal before a noun ("13ª reunión"): its value and the span of ordinal and noun."""

    value: int
    span: tuple[int, int]


def ordinals_before(text: str, noun: str) -> list[Ordinal]:
    """Every ordinal written just before a match of the regex ``noun``, e.g. ``reunión|meeting``.

    Word ordinals may take two words ("décimo tercer"), so two are tried before one.
    """
    found = []
    for match in re.finditer(rf"(?<!\w)(?:{noun})\b", text, re.IGNORECASE):
        words = list(re.finditer(r"[\w\-ºª°]+", text[:match.start()]))[-2:]
        for first in range(len(words)):
            value = ordinal_value(text[words[first].start():words[-1].end()])
            if value is not None:
                found.append(Ordinal(value, (words[first].start(), match.end())))
                break
    return found


def ordinal_value(word: str) -> int | None:
    """The integer an ordinal stands for, or None when ``word`` is not an ordinal."""
    word = word.strip()
    if match := _NUMERIC.match(word):
        return int(match.group(1))
    folded = _fold(word)
    return _english(folded) or _spanish(folded)


def _fold(word: str) -> str:
    """Lower case without accents, so "Duodécimo" and "duodecimo" are one word."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _english(word: str) -> int | None:
    if word in _EN_UNITS:
        return _EN_UNITS.index(word) + 1
    if word in _EN_TEENS:
        return _EN_TEENS.index(word) + 10
    if word in _EN_TENS:
        return _EN_TENS[word]
    for prefix, tens in _EN_TENS_PREFIX.items():
        rest = word.removeprefix(prefix).lstrip("- ")
        if rest != word and rest in _EN_UNITS:
            return tens + _EN_UNITS.index(rest) + 1
    return None


def _spanish(word: str) -> int | None:
    """Spanish ordinals in one or two words, any gender: "decimotercera", "décimo tercer", "vigésimo primero"."""
    word = re.sub(r"[\s-]", "", word).replace("setim", "septim")
    for prefix, tens in _ES_TENS.items():
        if word.startswith(prefix):
            rest = word[len(prefix):]
            if rest in ("", "o", "a", "os", "as"):
                return tens
            unit = _spanish_unit(rest[1:] if rest[0] in "oa" else rest)
            return tens + unit if unit else None
    special = re.sub(r"(?:o|a|os|as)$", "", word)
    return _ES_SPECIAL.get(special) or _spanish_unit(word)


def _spanish_unit(word: str) -> int | None:
    for index, stem in enumerate(_ES_UNITS, start=1):
        if word == stem or word in (stem + "o", stem + "a", stem + "os", stem + "as"):
            return index
    return None
