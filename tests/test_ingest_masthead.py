"""Masthead reading on invented first pages in every layout PDF extraction produces, both languages.

Each expectation gives a field's value and the printed words its span must quote, so a test fails
both when a value is wrong and when the caller could not quote the page for it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from rdflib import RDF, RDFS, Literal, URIRef

from untoc_kg.ingest.extract import extract
from untoc_kg.ingest.masthead import Found, Masthead, read_masthead
from untoc_kg.ingest.provenance import UNTOC

FIXTURES = Path(__file__).parent / "fixtures" / "masthead"
ID = "https://w3id.org/untoc-kg/id/"
FIELDS = ("symbol", "distribution", "issued", "original", "version", "body_name", "session", "place",
          "dates", "agenda_items", "kind", "title")

EXPECTED: dict[str, dict[str, Any]] = {
    "background-oneline.en.txt": {
        "lang": "en", "body_starts": "I. Introduction",
        "symbol": ("CTOC/COP/WG.6/2018/3", "CTOC/COP/WG.6/2018/3"),
        "distribution": ("general", "Distr.: General"),
        "issued": (date(2018, 2, 21), "21 February 2018"),
        "original": ("en", "Original: English"),
        "version": None,
        "body_name": ("Working Group on Firearms", "Working Group on Firearms"),
        "session": None,
        "place": ("vienna", "Vienna"),
        "dates": ((date(2018, 5, 2), date(2018, 5, 3)), "2 and 3 May 2018"),
        "agenda_items": ((3,), "Item 3 of the provisional agenda"),
        "kind": ("background-paper", "Background paper prepared by the Secretariat"),
        "title": None,  # the agenda item's title runs into the document's: nothing tells where it ends
    },
    "agenda-interleaved.en.txt": {
        "lang": "en", "body_starts": "I. Provisional agenda",
        "symbol": ("CTOC/COP/2024/1", "CTOC/COP/2024/1"),
        "distribution": ("general", "Distr.: General"),
        "issued": (date(2024, 7, 4), "4 July 2024"),
        "original": ("en", "Original: English"),
        "version": None,
        "body_name": None,
        "session": (12, "Twelfth session"),
        "place": ("vienna", "Vienna"),
        "dates": ((date(2024, 10, 14), date(2024, 10, 18)), "14–18 October 2024"),
        "agenda_items": None,
        "kind": ("provisional-agenda", "Provisional agenda and annotations"),
        "title": ("Provisional agenda and annotations", "Provisional agenda and annotations"),
    },
    "report-broken.es.txt": {
        "lang": "es", "body_starts": "I. Recomendaciones",
        "symbol": ("CTOC/COP/WG.2/2019/4", "CTOC\n/COP/WG.2/2019/4"),
        "distribution": ("general", "Distr. general"),
        "issued": (date(2019, 9, 20), "20 de septiembre de 2019"),
        "original": ("en", "Original: inglés"),
        "version": ("es", "Español"),
        "body_name": ("Grupo de Trabajo de Expertos Gubernamentales sobre Asistencia Técnica",
                      "Grupo de Trabajo de Expertos\nGubernamentales sobre Asistencia\nTécnica"),
        "session": None,
        "place": ("vienna", "Viena"),
        "dates": ((date(2019, 9, 9), date(2019, 9, 10)), "9 y 10 de septiembre de 2019"),
        "agenda_items": None,
        "kind": ("report", "Informe"),
        "title": ("Informe sobre la reunión del Grupo de Trabajo de Expertos Gubernamentales sobre Asistencia "
                  "Técnica celebrada en Viena los días 9 y 10 de septiembre de 2019",
                  "Informe sobre la reunión del\nGrupo de Trabajo de Expertos\nGubernamentales sobre Asistencia\n"
                  "Técnica celebrada en Viena\nlos días 9 y 10 de septiembre de 2019"),
    },
    "note-clean.es.txt": {
        "lang": "es", "body_starts": "I. Introducción",
        "symbol": ("CTOC/COP/WG.4/2024/2", "CTOC/COP/WG.4/2024/2"),
        "distribution": ("general", "Distr. general"),
        "issued": (date(2024, 4, 10), "10 de abril de 2024"),
        "original": ("en", "Original: inglés"),
        "version": ("es", "Español"),
        "body_name": ("Grupo de Trabajo sobre la Trata de Personas", "Grupo de Trabajo sobre la Trata de Personas"),
        "session": None,
        "place": ("vienna", "Viena"),
        "dates": ((date(2024, 7, 8), date(2024, 7, 9)), "8 y 9 de julio de 2024"),
        "agenda_items": ((2, 4), "Temas 2 y 4 del programa provisional"),
        "kind": ("note", "Nota de la Secretaría"),
        "title": ("Buenas prácticas para proteger a las víctimas identificadas el 1 de marzo de 2023",
                  "Buenas prácticas para proteger a las víctimas\nidentificadas el 1 de marzo de 2023"),
    },
    "draft-resolution-clean.en.txt": {
        "lang": "en", "body_starts": "The Conference of the Parties",
        "symbol": ("CTOC/COP/2020/L.3/Rev.1", "CTOC/COP/2020/L.3/Rev.1"),
        "distribution": ("limited", "Distr.: Limited"),
        "issued": (date(2020, 10, 16), "16 October 2020"),
        "original": ("en", "Original: English"),
        "version": None,
        "body_name": None,
        "session": (10, "Tenth session"),
        "place": ("vienna", "Vienna"),
        "dates": ((date(2020, 10, 12), date(2020, 10, 16)), "12–16 October 2020"),
        "agenda_items": ((2,), "Item 2 of the provisional agenda"),
        "kind": ("draft-resolution", "revised draft resolution"),
        "title": ("Keeping the review mechanism under review", "Keeping the review mechanism under review"),
    },
    "crp-broken.en.txt": {
        "lang": "en", "body_starts": "Contents",
        "symbol": ("CTOC/COP/WG.2/2019/CRP.1", "CTOC/COP/WG.2/2019/CRP.1"),
        "distribution": ("general", "Distr.: General"),
        "issued": (date(2019, 9, 12), "12 September 2019"),
        "original": None,
        "version": ("en", "English only"),
        "body_name": ("Working Group of Government Experts on Technical Assistance",
                      "Working Group of Government Experts\non Technical Assistance"),
        "session": None,
        "place": ("vienna", "Vienna"),
        "dates": ((date(2019, 9, 9), date(2019, 9, 10)), "9 and 10 September 2019"),
        "agenda_items": ((2,), "Item 2 of the provisional agenda"),
        "kind": ("conference-room-paper", "CTOC/COP/WG.2/2019/CRP.1"),  # the symbol alone says it
        "title": None,  # the agenda item's title and the document's, one line each, no gap between
    },
}


def _plain(field: str, found: Found[Any]) -> Any:
    """A field's value in the form the table writes it: symbols as text, date spans as (start, end)."""
    if field == "symbol":
        return str(found.value)
    if field == "dates":
        return found.value.start, found.value.end
    return found.value


@pytest.mark.parametrize("name", sorted(EXPECTED))
@pytest.mark.parametrize("lang", ["given", "detected"])
def test_every_field_and_its_printed_words(name: str, lang: str) -> None:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    expected = EXPECTED[name]
    masthead = read_masthead(text, expected["lang"] if lang == "given" else None)
    assert masthead.lang == expected["lang"]
    for field in FIELDS:
        found = getattr(masthead, field)
        if expected[field] is None:
            assert found is None, field
            continue
        value, printed = expected[field]
        assert found is not None, field
        assert (_plain(field, found), text[found.span[0]:found.span[1]]) == (value, printed), field
    assert text[masthead.end:].startswith(expected["body_starts"])


def test_meeting_dates_keep_their_own_span() -> None:
    text = (FIXTURES / "background-oneline.en.txt").read_text(encoding="utf-8")
    dates = read_masthead(text).dates
    assert dates is not None and dates.span == dates.value.span


def test_a_date_in_the_title_is_not_the_issue_date() -> None:
    text = ("United Nations CTOC/COP/2012/14 Conference of the Parties to the United Nations Convention against "
            "Transnational Organized Crime Distr.: General Original: English Sixth session Vienna, "
            "15-19 October 2012 Activities since 1 June 2011 "
            "Note by the Secretariat I. Introduction")
    masthead = read_masthead(text)
    assert masthead.issued is None
    assert masthead.session is not None and masthead.session.value == 6
    assert masthead.title is not None and masthead.title.value == "Activities since 1 June 2011"
    assert masthead.kind is not None and masthead.kind.value == "note"


def test_a_symbol_cited_in_a_footnote_is_not_the_documents_own() -> None:
    text = ("Distr. general\n10 de abril de 2024\nOriginal: inglés\n"
            "Grupo de Trabajo sobre Armas de Fuego\nViena, 2 y 3 de mayo de 2024\n"
            "Tema 3 del programa provisional*\n* CTOC/COP/WG.6/2024/1.\nProyecto de resolución\nI. Introducción\n")
    masthead = read_masthead(text)
    assert masthead.lang == "es" and masthead.symbol is None
    assert masthead.body_name is not None and masthead.body_name.value == "Grupo de Trabajo sobre Armas de Fuego"
    assert masthead.kind is not None and masthead.kind.value == "draft-resolution"


def test_an_unknown_working_group_is_named_as_printed() -> None:
    text = ("United Nations\nCTOC/COP/WG.8/2027/2\nDistr.: General\n1 March 2027\nOriginal: English\n"
            "Working Group on Falsified Medical Products\nVienna, 3 and 4 May 2027\n"
            "Item 4 of the provisional agenda\nNew forms of crime\n\nScope of the new protocol\nNote by the Secretariat\n"
            "1. In its decision")
    masthead = read_masthead(text)
    assert masthead.symbol is not None and masthead.symbol.value.series == "CTOC/COP/WG.8"
    assert masthead.body_name is not None
    assert masthead.body_name.value == "Working Group on Falsified Medical Products"
    assert masthead.title is not None and masthead.title.value == "Scope of the new protocol"


def test_an_l_symbol_alone_does_not_say_resolution_or_decision() -> None:
    text = ("United Nations CTOC/COP/2020/L.4 Distr.: Limited 15 October 2020 Original: English Tenth session "
            "Vienna, 12–16 October 2020 Item 5 of the provisional agenda")
    masthead = read_masthead(text)
    assert masthead.kind is None and masthead.title is None
    assert masthead.agenda_items is not None and masthead.agenda_items.value == (5,)


def test_text_without_a_masthead_finds_nothing() -> None:
    masthead = read_masthead("Some unrelated words about 3 May 2018 in Vienna.")
    assert masthead == Masthead(lang="en", end=0)


def test_the_agenda_items_title_is_not_the_documents() -> None:
    """Under "Item 2 of the provisional agenda" the page prints the item's title, then the document's:
    apart when a gap separates them, inseparable on a flattened page, where no title is better than both."""
    head = ("United Nations CTOC/COP/WG.3/2031/2 Distr.: General 3 March 2031 Original: English "
            "Working Group on International Cooperation Vienna, 5 and 6 May 2031 Item 2 of the provisional agenda*")
    flattened = read_masthead(f"{head} Central authorities Requests sent by email Note by the Secretariat "
                              "I. Introduction 1. The Working Group asked for this note.")
    assert flattened.kind is not None and flattened.kind.value == "note" and flattened.title is None
    laid_out = read_masthead(f"{head}\n* CTOC/COP/WG.3/2031/1.\n\nCentral authorities\n\nRequests sent\nby email\n"
                             "Note by the Secretariat\n\nI. Introduction\n\n1. The Working Group asked for this note.")
    assert laid_out.title is not None and laid_out.title.value == "Requests sent by email"


def test_a_report_on_a_workshop_is_no_report_of_a_meeting() -> None:
    """"Report on the … Workshop held in …" is a paper's title, its dates no meeting of the group."""
    text = ("CTOC/COP/WG.7/2031/CRP.4 12 May 2031 English only Working Group on the Smuggling of Migrants "
            "Vienna, May 2031 Report on the Regional Seminar on Boat Arrivals held in Valletta on 3 and 4 March 2031 "
            "Submitted by Freedonia I. Objective 1. The seminar met twice.")
    masthead = read_masthead(text)
    assert masthead.kind is not None and masthead.kind.value == "conference-room-paper"
    assert masthead.dates is None


def test_a_meeting_line_without_days_takes_no_dates_from_the_title() -> None:
    """The meeting line prints "Vienna, May 2031" (no day): a place and dates in the title are a seminar's."""
    text = ("CTOC/COP/WG.7/2031/CRP.4 12 May 2031 English only Working Group on the Smuggling of Migrants "
            "Vienna, May 2031 Summary of a seminar held in Vienna on 3 and 4 March 2031 I. Objective")
    masthead = read_masthead(text)
    assert masthead.place is None and masthead.dates is None


@pytest.mark.parametrize(("title", "lang"), [
    ("Report of the Conference of the Parties on its ninth session, held in Vienna from 2 to 6 June 2031", "en"),
    ("Report on the meeting of the Working Group on Firearms held in Vienna on 2 and 3 June 2031", "en"),
    ("Report on the twenty-first meeting of the Working Group on Firearms held in Vienna on 2 and 3 June 2031", "en"),
    ("Informe sobre la 21ª reunión del Grupo de Trabajo sobre Armas de Fuego celebrada en Viena los días 2 y 3 "
     "de junio de 2031", "es"),
    ("Informe de la Conferencia de las Partes sobre su noveno período de sesiones, celebrado en Viena "
     "del 2 al 6 de junio de 2031", "es"),
    ("Informe sobre la reunión del Grupo de Trabajo sobre Armas de Fuego celebrada en Viena los días 2 y 3 "
     "de junio de 2031", "es"),
])
def test_a_report_of_a_meeting_or_session_opens_its_title(title: str, lang: str) -> None:
    distr = "Distr.: General 1 July 2031 Original: English" if lang == "en" else "Distr. general 1 de julio de 2031"
    masthead = read_masthead(f"CTOC/COP/2031/9 {distr} {title} I. Introduction", lang)
    assert masthead.kind is not None and masthead.kind.value == "report"
    assert masthead.title is not None and masthead.title.value == title


def test_a_report_of_the_conference_on_its_session_is_not_prepared_for_it() -> None:
    """The session a report of the Conference is on keeps its ordinal, dates and place; the report is
    its report, not a document prepared for it."""
    text = ("United Nations CTOC/COP/2031/20 Distr.: General 9 December 2031 Original: English "
            "Report of the Conference of the Parties to the United Nations Convention against Transnational "
            "Organized Crime on its fifteenth session, held in Vienna from 6 to 10 October 2031 Contents\n"
            "I. Resolutions adopted by the Conference\n")
    outcome = extract(text, "en")
    graph, document = outcome.facts.graph(), URIRef(ID + "document/CTOC/COP/2031/20")
    session = URIRef(ID + "session/15")
    assert (session, UNTOC.startDate, Literal(date(2031, 10, 6))) in graph
    assert (session, UNTOC.place, URIRef(ID + "place/vienna")) in graph
    assert (document, UNTOC.preparedFor, None) not in graph
    assert (document, RDF.type, UNTOC.Report) in graph and (document, UNTOC.reportOf, session) in graph
    assert (session, UNTOC.produces, document) in graph
    assert set(graph.objects(document, RDFS.label)) == {
        Literal("Report of the Conference of the Parties on its fifteenth session (CTOC/COP/2031/20)", lang="en"),
        Literal("Informe de la Conferencia de las Partes sobre su 15º período de sesiones (CTOC/COP/2031/20)", lang="es")}
    assert outcome.notes == []
