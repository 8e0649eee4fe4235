"""Names of bodies, instruments, places and languages in Spanish and English, with their keys.

A text that names a group without a report symbol still has to reach the group's IRI, which is
built from its symbol series (docs/model.md); this table is that bridge, in both languages. It holds
only names the Conference uses for its own bodies and instruments, each with its series or IRI name.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Body:
    """A working group: its series, names and topic in each language, and the instrument it serves."""

    series: str
    names: dict[str, tuple[str, ...]]
    topics: dict[str, str]
    serves: str | None


@dataclass(frozen=True)
class Instrument:
    """The Convention or a Protocol: IRI name, kind and the names it goes by (longest first)."""

    key: str
    kind: str
    names: dict[str, tuple[str, ...]]


BODIES = (
    Body("CTOC/COP/WG.4",
         {"es": ("Grupo de Trabajo sobre la Trata de Personas",), "en": ("Working Group on Trafficking in Persons",)},
         {"es": "trata de personas", "en": "trafficking in persons"}, "trafficking-in-persons-protocol"),
    Body("CTOC/COP/WG.7",
         {"es": ("Grupo de Trabajo sobre el Tráfico Ilícito de Migrantes",),
          "en": ("Working Group on the Smuggling of Migrants", "Working Group on Smuggling of Migrants")},
         {"es": "tráfico ilícito de migrantes", "en": "smuggling of migrants"}, "smuggling-of-migrants-protocol"),
    Body("CTOC/COP/WG.6",
         {"es": ("Grupo de Trabajo sobre Armas de Fuego",), "en": ("Working Group on Firearms",)},
         {"es": "armas de fuego", "en": "firearms"}, "firearms-protocol"),
    Body("CTOC/COP/WG.3",
         {"es": ("Grupo de Trabajo sobre Cooperación Internacional",), "en": ("Working Group on International Cooperation",)},
         {"es": "cooperación internacional", "en": "international cooperation"}, None),
    Body("CTOC/COP/WG.2",
         {"es": ("Grupo de Trabajo de Expertos Gubernamentales sobre Asistencia Técnica",),
          "en": ("Working Group of Government Experts on Technical Assistance",)},
         {"es": "asistencia técnica", "en": "technical assistance"}, None),
)

INSTRUMENTS = (
    Instrument("trafficking-in-persons-protocol", "Protocol", {
        "es": ("Protocolo para Prevenir, Reprimir y Sancionar la Trata de Personas, Especialmente Mujeres y Niños",),
        "en": ("Protocol to Prevent, Suppress and Punish Trafficking in Persons, Especially Women and Children",)}),
    Instrument("smuggling-of-migrants-protocol", "Protocol", {
        "es": ("Protocolo contra el Tráfico Ilícito de Migrantes por Tierra, Mar y Aire",
               "Protocolo contra el Tráfico Ilícito de Migrantes"),
        "en": ("Protocol against the Smuggling of Migrants by Land, Sea and Air",
               "Protocol against the Smuggling of Migrants")}),
    Instrument("firearms-protocol", "Protocol", {
        "es": ("Protocolo contra la Fabricación y el Tráfico Ilícitos de Armas de Fuego, sus Piezas y Componentes y Municiones",),
        "en": ("Protocol against the Illicit Manufacturing of and Trafficking in Firearms, Their Parts and Components "
               "and Ammunition",)}),
    Instrument("convention", "Convention", {
        "es": ("Convención de las Naciones Unidas contra la Delincuencia Organizada Transnacional",),
        "en": ("United Nations Convention against Transnational Organized Crime",)}),
)

PLACES = {"vienna": {"es": "Viena", "en": "Vienna"}, "new-york": {"es": "Nueva York", "en": "New York"},
          "geneva": {"es": "Ginebra", "en": "Geneva"}, "palermo": {"es": "Palermo", "en": "Palermo"}}

LANGUAGES = {"es": {"español": "es", "inglés": "en", "francés": "fr", "ruso": "ru", "árabe": "ar", "chino": "zh"},
             "en": {"spanish": "es", "english": "en", "french": "fr", "russian": "ru", "arabic": "ar", "chinese": "zh"}}


@dataclass(frozen=True)
class Mention:
    """Where a lexicon entry is named in a text."""

    key: str
    span: tuple[int, int]


def fold(text: str) -> str:
    """Lower case without accents, character for character: names compare the way readers do, and a
    match in the folded text has the same offsets in the printed one."""
    return "".join(_fold_char(char) for char in text)


def _fold_char(char: str) -> str:
    base = "".join(c for c in unicodedata.normalize("NFD", char.lower()) if not unicodedata.combining(c))
    return base if len(base) == 1 else char


def _find(text: str, names: dict[str, tuple[str, ...]]) -> list[Mention]:
    """Mentions of ``names`` (key → spellings) in ``text``, longest spelling first, never overlapping."""
    folded = fold(text)  # same length as text: accents are removed one character at a time
    candidates = sorted(((name, key) for key, spellings in names.items() for name in spellings), key=lambda c: -len(c[0]))
    found: list[Mention] = []
    for name, key in candidates:
        for match in re.finditer(re.escape(fold(name)).replace(r"\ ", r"\s+"), folded):
            if not any(m.span[0] < match.end() and match.start() < m.span[1] for m in found):
                found.append(Mention(key, match.span()))
    return sorted(found, key=lambda m: m.span)


def find_bodies(text: str, lang: str) -> list[Mention]:
    """Working groups named in ``text``, keyed by series."""
    return _find(text, {body.series: body.names[lang] for body in BODIES})


def find_instruments(text: str, lang: str) -> list[Mention]:
    return _find(text, {instrument.key: instrument.names[lang] for instrument in INSTRUMENTS})


def find_places(text: str, lang: str) -> list[Mention]:
    return _find(text, {key: (names[lang],) for key, names in PLACES.items()})


def body(series: str) -> Body:
    return next(b for b in BODIES if b.series == series)


def group_names(series: str) -> tuple[str, str]:
    """A group's Spanish and English names: the lexicon's, else its series (``CTOC/COP/WG.8``), the one
    key every document that mentions it shares; the names it prints are kept as skos:altLabel."""
    known = next((b for b in BODIES if b.series == series), None)
    if known is None:
        return f"Grupo de trabajo {series}", f"Working group {series}"
    return known.names["es"][0], known.names["en"][0]


def instrument(key: str) -> Instrument:
    return next(i for i in INSTRUMENTS if i.key == key)


CONFERENCE = {"es": "Conferencia de las Partes en la Convención de las Naciones Unidas contra la Delincuencia "
                    "Organizada Transnacional",
              "en": "Conference of the Parties to the United Nations Convention against Transnational Organized Crime"}
SECRETARIAT = {"es": "Secretaría", "en": "Secretariat"}


def find_conference(text: str, lang: str) -> list[Mention]:
    return _find(text, {"conference": (CONFERENCE[lang],)})


def find_languages(text: str, lang: str) -> list[Mention]:
    """Language names (a document's language lines), keyed by ISO 639-1 code."""
    names: dict[str, tuple[str, ...]] = {}
    for name, code in LANGUAGES[lang].items():
        names[code] = (*names.get(code, ()), name)
    return [m for m in _find(text, names) if _is_word(text, m.span)]


def _is_word(text: str, span: tuple[int, int]) -> bool:
    before = text[span[0] - 1] if span[0] else " "
    after = text[span[1]] if span[1] < len(text) else " "
    return not before.isalnum() and not after.isalnum()
