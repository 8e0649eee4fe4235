"""IRIs (docs/model.md) and the Spanish/English labels of the things a document talks about.

IRIs come only from keys the text prints: symbols, series, ordinals, mandate numbers. Labels are
built from the same keys and the lexicon's names, in both languages, so that two documents (or two
language versions of one) that name the same meeting produce the same IRI and the same labels.
"""

from __future__ import annotations

from datetime import date

from rdflib import URIRef

from ..namespaces import CANONICAL_BASE, symbol_path
from . import lexicon
from .dates import MONTHS

ID = CANONICAL_BASE + "id/"
GRAPH = CANONICAL_BASE + "graph/"

_EN_ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
                "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth",
                "eighteenth", "nineteenth", "twentieth"]


def iri(path: str) -> URIRef:
    return URIRef(ID + path)


def session(ordinal: int) -> URIRef:
    return iri(f"session/{ordinal}")


def mandate(kind: str, number: str) -> URIRef:
    return iri(f"{kind}/{number}")


def group(series: str) -> URIRef:
    return iri(f"group/{series.rsplit('/', 1)[-1]}")


def meeting(series: str, start: date) -> URIRef:
    """A meeting by its group's series and its first day: the two keys every mention of it prints
    (its ordinal only sometimes), so that any document that names it gives the same IRI."""
    return iri(f"meeting/{series.rsplit('/', 1)[-1]}/{start.isoformat()}")


def document(symbol: str) -> URIRef:
    return iri(f"document/{symbol_path(symbol)}")


def unsymboled_document(issuer: str, kind: str, issued: date) -> URIRef:
    return iri(f"document/{issuer}-{kind}-{issued.isoformat()}")


def agenda_item(agenda_symbol: str, number: int) -> URIRef:
    return URIRef(f"{document(agenda_symbol)}/item/{number}")


def passage(document_iri: URIRef, name: str) -> URIRef:
    return URIRef(f"{document_iri}/passage/{name}")


def source_graph(document_iri: URIRef) -> URIRef:
    return URIRef(GRAPH + str(document_iri).removeprefix(ID + "document/"))


def official_copy(symbol: str) -> URIRef:
    return URIRef(f"https://undocs.org/{symbol_path(symbol)}")


def es_ordinal(number: int) -> str:
    """"12º", or "3er" (apocopated before the noun) for a período de sesiones."""
    return f"{number}er" if number % 10 in (1, 3) and number % 100 != 11 else f"{number}º"


def en_ordinal(number: int) -> str:
    """"13th", "21st", "2nd"."""
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def en_ordinal_word(number: int) -> str:
    """"twelfth": UN English spells session ordinals out."""
    if number <= len(_EN_ORDINALS):
        return _EN_ORDINALS[number - 1]
    return en_ordinal(number)


def es_date(day: date) -> str:
    return f"{day.day} de {MONTHS['es'][day.month - 1]} de {day.year}"


def en_date(day: date) -> str:
    return f"{day.day} {MONTHS['en'][day.month - 1]} {day.year}"


def session_labels(ordinal: int) -> tuple[str, str]:
    return (f"{es_ordinal(ordinal)} período de sesiones de la Conferencia de las Partes",
            f"{en_ordinal_word(ordinal)} session of the Conference of the Parties")


def meeting_labels(start: date, group_names: tuple[str, str]) -> tuple[str, str]:
    """From the meeting's keys (group, first day), not its ordinal: a document that prints no ordinal
    must give the same label as one that does, or the merged graph would hold two per language."""
    return (f"Reunión del {group_names[0]} del {es_date(start)}",
            f"Meeting of the {group_names[1]} of {en_date(start)}")


def session_report_labels(ordinal: int, symbol: str) -> tuple[str, str]:
    return (f"Informe de la Conferencia de las Partes sobre su {es_ordinal(ordinal)} período de sesiones ({symbol})",
            f"Report of the Conference of the Parties on its {en_ordinal_word(ordinal)} session ({symbol})")


def report_labels(start: date, group_names: tuple[str, str], symbol: str) -> tuple[str, str]:
    es, en = meeting_labels(start, group_names)
    return f"Informe sobre la {es[0].lower()}{es[1:]} ({symbol})", f"Report on the {en[0].lower()}{en[1:]} ({symbol})"


def agenda_labels(session_ordinal: int, symbol: str) -> tuple[str, str]:
    return (f"Programa provisional del {es_ordinal(session_ordinal)} período de sesiones ({symbol})",
            f"Provisional agenda of the {en_ordinal_word(session_ordinal)} session ({symbol})")


def agenda_labels_of(target: URIRef, symbol: str) -> tuple[str, str]:
    """The labels of the provisional agenda of a session or of a meeting (``id/meeting/WG.4/2024-07-08``)."""
    kind, _, key = str(target).removeprefix(ID).partition("/")
    if kind == "session":
        return agenda_labels(int(key), symbol)
    body, _, start = key.partition("/")
    es, en = meeting_labels(date.fromisoformat(start), lexicon.group_names(f"CTOC/COP/{body}"))
    return (f"Programa provisional de la {es[0].lower()}{es[1:]} ({symbol})",
            f"Provisional agenda of the {en[0].lower()}{en[1:]} ({symbol})")


def item_labels(number: int, symbol: str) -> tuple[str, str]:
    """An agenda item by its keys, number and agenda (its title, where printed, is its untoc:title):
    every document issued under it names it so, whether or not it prints the item's title."""
    return f"Tema {number} del programa provisional {symbol}", f"Item {number} of the provisional agenda {symbol}"


def mandate_labels(kind: str, number: str) -> tuple[str, str]:
    return ({"decision": "decisión", "resolution": "resolución"}[kind] + f" {number}", f"{kind} {number}")


def note_labels(titles: tuple[str, str], issued: date) -> tuple[str, str]:
    """The note's label: kind, its title cut after the body it concerns, and its date."""
    es = _cut_after(titles[0], "Conferencia de las Partes")
    en = _cut_after(titles[1], "Conference of the Parties")
    return (f"Nota de la Secretaría: {es} ({es_date(issued)})", f"Note by the Secretariat: {en} ({en_date(issued)})")


def source_graph_labels(issued: date) -> tuple[str, str]:
    return (f"Hechos de la nota de la Secretaría del {es_date(issued)}",
            f"Facts of the Secretariat note of {en_date(issued)}")


def _cut_after(text: str, marker: str) -> str:
    index = text.find(marker)
    return text if index < 0 else text[:index + len(marker)]


PASSAGE_LABELS = {
    "masthead": ("encabezamiento", "masthead"),
    "distribution": ("distribución, fecha e idiomas", "distribution, date and languages"),
    "symbol": ("signatura", "symbol"),
    "session": ("período de sesiones", "session"),
    "agenda-items": ("temas del programa", "agenda items"),
    "footnote": ("nota a pie de página", "footnote"),
    "title": ("título", "title"),
    "document-kind": ("tipo de documento", "document kind"),
    "body": ("órgano", "body"),
    "first-page": ("primera página", "first page"),
    "job-number": ("número de trabajo", "job number"),
}


def passage_labels(name: str, symbol: str | None, issued: date | None) -> tuple[str, str]:
    """Labels of a passage: its document ("nota del 4 de julio de 2024" or its symbol), then its place."""
    es, en = _passage_place(name)
    if symbol is not None:
        return f"{symbol}, {es}", f"{symbol}, {en}"
    if issued is not None:
        return f"nota del {es_date(issued)}, {es}", f"note of {en_date(issued)}, {en}"
    return es, en


def _passage_place(name: str) -> tuple[str, str]:
    """Where a passage is, from its name: ``3``, ``heading-2``, ``agenda-item-4`` or a fixed role."""
    if name.isdigit():
        return f"párrafo {name}", f"paragraph {name}"
    if name.startswith("heading-"):
        number = name.removeprefix("heading-")
        return f"encabezado de sección {number}", f"section heading {number}"
    if name.startswith("agenda-item-"):
        number = name.removeprefix("agenda-item-")
        return f"título del tema {number} del programa", f"title of agenda item {number}"
    base, _, count = name.rpartition("-")
    if name not in PASSAGE_LABELS and count.isdigit() and base:
        es, en = _passage_place(base)
        return f"{es} {count}", f"{en} {count}"
    return PASSAGE_LABELS[name]
