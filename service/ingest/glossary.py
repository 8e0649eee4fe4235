"""Titles known in both languages: how a title printed in one language reads in the other.

The shapes ask for every title in Spanish and English, but a document prints it in one language
only. The other comes from this glossary of official UN titles (agenda items, mandates, documents of
the Conference), looked up by the printed words; a title missing here is reported and left out,
never emitted half or machine-translated. Extending the glossary is how a new document's titles
become complete. Purposes of groups are translated by phrase patterns instead (see ``translate_purpose``).
"""

from __future__ import annotations

from .lexicon import INSTRUMENTS, fold

TITLES: tuple[tuple[str, str], ...] = (
    ("Examen de la aplicación de la Convención de las Naciones Unidas contra la Delincuencia Organizada "
     "Transnacional y sus Protocolos",
     "Review of the implementation of the United Nations Convention against Transnational Organized Crime and the "
     "Protocols thereto"),
    ("Cooperación internacional, con especial referencia a la extradición, la asistencia judicial recíproca y la "
     "cooperación internacional para fines de decomiso, y establecimiento y fortalecimiento de las autoridades "
     "centrales",
     "International cooperation, with particular reference to extradition, mutual legal assistance and international "
     "cooperation for the purpose of confiscation, and the establishment and strengthening of central authorities"),
    ("Asistencia técnica", "Technical assistance"),
    ("Informes sobre las reuniones de los órganos subsidiarios de la Conferencia de las Partes en la Convención de "
     "las Naciones Unidas contra la Delincuencia Organizada Transnacional y sus Protocolos",
     "Reports on the meetings of the subsidiary bodies of the Conference of the Parties to the United Nations "
     "Convention against Transnational Organized Crime and the Protocols thereto"),
    ("actividades de asistencia técnica", "technical assistance activities"),
    ("aplicación de las disposiciones de la Convención relativas a la cooperación internacional",
     "implementation of the provisions of the Convention on international cooperation"),
    ("trata de personas", "trafficking in persons"),
    ("aplicación del Protocolo contra el Tráfico Ilícito de Migrantes por Tierra, Mar y Aire, que complementa la "
     "Convención de las Naciones Unidas contra la Delincuencia Organizada Transnacional",
     "implementation of the Protocol against the Smuggling of Migrants by Land, Sea and Air, supplementing the "
     "United Nations Convention against Transnational Organized Crime"),
    ("fabricación y el tráfico ilícitos de armas de fuego, sus piezas y componentes y municiones",
     "illicit manufacturing of and trafficking in firearms, their parts and components and ammunition"),
    ("fortalecimiento de la aplicación de la Convención y sus Protocolos",
     "strengthening the implementation of the Convention and its Protocols"),
)

_PURPOSE = {
    "es": ("para que asesorara y prestara asistencia a la Conferencia en el cumplimiento de su mandato en relación con el ",
           ", que complementa la "),
    "en": ("to advise and assist the Conference in the implementation of its mandate with regard to the ",
           ", supplementing the "),
}


def both_titles(printed: str, lang: str) -> tuple[str, str] | None:
    """(es, en) for a title printed in ``lang``, or None when the glossary does not know it."""
    wanted = fold(printed)
    column = 0 if lang == "es" else 1
    return next((pair for pair in TITLES if fold(pair[column]) == wanted), None)


def translate_purpose(printed: str, lang: str) -> str | None:
    """A purpose clause in the other language, when it is the standard "advise and assist" formula."""
    other = "en" if lang == "es" else "es"
    opening, supplementing = _PURPOSE[lang]
    if not printed.startswith(opening):
        return None
    instrument_part, _, convention_part = printed[len(opening):].partition(supplementing)
    instrument = _instrument_name(instrument_part, lang, other)
    if instrument is None:
        return None
    translated = _PURPOSE[other][0] + instrument
    if convention_part:
        convention = _instrument_name(convention_part, lang, other)
        if convention is None:
            return None
        translated += _PURPOSE[other][1] + convention
    return translated


def _instrument_name(printed: str, lang: str, other: str) -> str | None:
    """The name of the same instrument in ``other``, same form (long or short) as printed."""
    for instrument in INSTRUMENTS:
        for index, name in enumerate(instrument.names[lang]):
            if fold(name) == fold(printed):
                return instrument.names[other][index]
    return None
