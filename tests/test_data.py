"""The graph of the Secretariat note of 4 July 2024: every fact checked against the note, by hand.

Expected values below are copied from the note (/work/shared/seeds/000_42132fb16e99d948.txt) by a
person, not computed from the data; each passage's text is also checked against the note's file.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

import pytest
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from conftest import PROJECT_ROOT, SOURCE_NOTE, require_shared, source_note_text

BASE = "https://w3id.org/untoc-kg/"
UNTOC = Namespace(BASE + "ontology#")
ID = Namespace(BASE + "id/")
GRAPH = URIRef(BASE + "graph/secretariat-note-2024-07-04")
NOTE = ID["document/secretariat-note-2024-07-04"]
DATA_FILE = PROJECT_ROOT / "data" / "secretariat-note-2024-07-04.trig"
PREFIXES = f"PREFIX untoc: <{UNTOC}>\nPREFIX id: <{ID}>\nPREFIX rdfs: <{RDFS}>\n"
FOOTNOTE = "* CTOC/COP/2024/1."
SPANISH_MONTHS = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
                  "octubre", "noviembre", "diciembre"]


@cache
def dataset() -> Dataset:
    data = Dataset(default_union=True)
    data.parse(DATA_FILE, format="trig")
    return data


@cache
def ontology() -> Graph:
    return Graph().parse(PROJECT_ROOT / "ontology" / "untoc.ttl")


def short(term: object) -> str | None:
    """A term as the tests write it: IRIs without the canonical base, literals by their lexical form."""
    return None if term is None else str(term).removeprefix(BASE)


def select(query: str) -> set[tuple[str | None, ...]]:
    return {tuple(short(term) for term in row) for row in dataset().query(PREFIXES + query)}


@cache
def source_views() -> tuple[str, str]:
    """The note's text as read, whitespace collapsed: whole, and with the page footnote lifted out.

    Markdown markup (links, bold, headings, escapes) is not part of the note; paragraph 3 runs on
    across a page break that the file interrupts with the footnote of the agenda symbol.
    """
    text = source_note_text()
    text = re.sub(r"\[([^\]]*)\]\(#\)", r"\1", text).replace("\\*", "*").replace("**", "")
    text = re.sub(r"^#+ ", "", text, flags=re.M)
    return " ".join(text.split()), " ".join(text.replace(FOOTNOTE, " ").split())


def passage_texts(node: URIRef) -> list[str]:
    graph = dataset()
    return [str(graph.value(p, UNTOC.text)) for p in graph.objects(node, UNTOC.statedIn)]


def stated(node: URIRef, phrase: str) -> bool:
    """Whether one of the passages the node cites contains ``phrase``."""
    return any(phrase in text for text in passage_texts(node))


def spanish_days(start: str, end: str) -> str:
    """How the note writes a two-day meeting: ``2 y 3 de octubre de 2023``."""
    (y1, m1, d1), (y2, m2, d2) = (map(int, d.split("-")) for d in (start, end))
    assert (y1, m1) == (y2, m2)
    return f"{d1} y {d2} de {SPANISH_MONTHS[m1 - 1]} de {y1}"


# ---------------------------------------------------------------- the file and its graph

def test_one_named_graph_that_describes_itself() -> None:
    data = Dataset()
    data.parse(DATA_FILE, format="trig")
    graphs = {g.identifier: len(g) for g in data.graphs() if len(g)}
    assert list(graphs) == [GRAPH]
    assert select("SELECT ?doc { GRAPH ?g { ?g a untoc:SourceGraph ; untoc:sourceDocument ?doc } }") == {
        ("id/document/secretariat-note-2024-07-04",)}


def test_source_file_is_found() -> None:
    assert require_shared(SOURCE_NOTE).stat().st_size > 0


# ---------------------------------------------------------------- the note

def test_note_header_facts() -> None:
    rows = select(f"""SELECT ?issued ?dist ?lang ?orig ?author ?session {{ <{NOTE}> a untoc:Note ; untoc:issuedOn ?issued ; untoc:distribution ?dist ; untoc:writtenIn ?lang ;
        untoc:originallyIn ?orig ; untoc:authoredBy ?author ; untoc:preparedFor ?session }}""")
    assert rows == {("2024-07-04", "general", "es", "en", "id/secretariat", "id/session/12")}
    graph = dataset()
    assert graph.value(NOTE, UNTOC.issuedOn).datatype == XSD.date
    assert graph.value(NOTE, UNTOC.writtenIn).datatype == XSD.language
    assert {str(t) for t in graph.objects(NOTE, UNTOC.title) if t.language == "es"} == {
        "Informes sobre las reuniones de los órganos subsidiarios de la Conferencia de las Partes en la Convención"
        " de las Naciones Unidas contra la Delincuencia Organizada Transnacional y sus Protocolos"}


def test_note_has_no_symbol() -> None:
    graph = dataset()
    assert graph.value(NOTE, UNTOC.symbol) is None
    assert graph.value(NOTE, UNTOC.officialCopy) is None


def test_twelfth_session() -> None:
    assert select("""SELECT ?n ?start ?end ?place ?conf { ?s a untoc:Session ; untoc:startDate ?start ; untoc:ordinal ?n ;
        untoc:endDate ?end ; untoc:place ?place ; untoc:sessionOf ?conf }""") == {
        ("12", "2024-10-14", "2024-10-18", "id/place/vienna", "id/conference")}


def test_agenda_items_in_the_order_of_the_header() -> None:
    rows = select(f"""SELECT ?n ?title ?agenda ?symbol ?session {{ <{NOTE}> untoc:underAgendaItem ?item . ?item untoc:itemNumber ?n ; untoc:title ?title ; untoc:itemOf ?agenda .
        ?agenda a untoc:ProvisionalAgenda ; untoc:symbol ?symbol ; untoc:agendaOf ?session ; untoc:hasItem ?item .
        FILTER(LANG(?title) = "es") }}""")
    agenda = ("id/document/CTOC/COP/2024/1", "CTOC/COP/2024/1", "id/session/12")
    assert rows == {
        ("2", "Examen de la aplicación de la Convención de las Naciones Unidas contra la Delincuencia Organizada"
              " Transnacional y sus Protocolos", *agenda),
        ("4", "Cooperación internacional, con especial referencia a la extradición, la asistencia judicial recíproca"
              " y la cooperación internacional para fines de decomiso, y establecimiento y fortalecimiento de las"
              " autoridades centrales", *agenda),
        ("5", "Asistencia técnica", *agenda),
    }


# ---------------------------------------------------------------- mandates

MANDATES = {  # IRI path: (class, number, session, Spanish title as printed)
    "decision/2/6": ("Decision", "2/6", "2", "actividades de asistencia técnica"),
    "decision/3/2": ("Decision", "3/2", "3", "aplicación de las disposiciones de la Convención relativas a la cooperación internacional"),
    "decision/4/4": ("Decision", "4/4", "4", "trata de personas"),
    "resolution/5/3": ("Resolution", "5/3", "5", "aplicación del Protocolo contra el Tráfico Ilícito de Migrantes por Tierra, Mar y Aire, que complementa la Convención de las Naciones Unidas contra la Delincuencia Organizada Transnacional"),
    "resolution/5/4": ("Resolution", "5/4", "5", "fabricación y el tráfico ilícitos de armas de fuego, sus piezas y componentes y municiones"),
    "resolution/7/1": ("Resolution", "7/1", "7", "fortalecimiento de la aplicación de la Convención y sus Protocolos"),
}


def test_the_six_mandates() -> None:
    rows = select("""SELECT ?m ?class ?number ?n ?title { ?m a ?class ; untoc:mandateNumber ?number ;
        untoc:adoptedAt ?session ; untoc:title ?title . ?session untoc:ordinal ?n FILTER(LANG(?title) = "es") }""")
    assert rows == {(f"id/{m}", f"ontology#{c}", num, s, t) for m, (c, num, s, t) in MANDATES.items()}


def test_mandate_titles_are_printed_in_the_passages_they_cite() -> None:
    for path, (_, number, _, title) in MANDATES.items():
        mandate = ID[path]
        assert stated(mandate, title), path
        assert stated(mandate, f"{path.split('/')[0].replace('decision', 'decisión').replace('resolution', 'resolución')} {number}")
        english = [t for t in dataset().objects(mandate, UNTOC.title) if t.language == "en"]
        assert len(english) == 1, path


def test_what_each_mandate_did() -> None:
    assert select("SELECT ?m ?g { ?m untoc:establishes ?g }") == {
        ("id/decision/2/6", "id/group/WG.2"), ("id/decision/3/2", "id/group/WG.3"), ("id/decision/4/4", "id/group/WG.4"),
        ("id/resolution/5/3", "id/group/WG.7"), ("id/resolution/5/4", "id/group/WG.6")}
    standing = {("id/resolution/7/1", f"id/group/WG.{n}") for n in (4, 6, 7)}
    assert select("SELECT ?m ?g { ?m untoc:makesStandingElement ?g }") == standing
    assert select("SELECT ?m ?g { ?m untoc:requiresReportsFrom ?g }") == standing
    assert select("SELECT ?m ?g { ?m untoc:encouragesAnnualConsecutiveMeetings ?g }") == {
        ("id/resolution/7/1", "id/group/WG.3"), ("id/resolution/7/1", "id/group/WG.2")}
    assert select("SELECT ?m ?v { ?m untoc:reaffirmedInLaterResolutions ?v }") == {("id/decision/3/2", "true")}


# ---------------------------------------------------------------- working groups

GROUPS = {  # series: (Spanish name, establishing mandate, characteristics at establishment, instrument served)
    "WG.4": ("Grupo de Trabajo sobre la Trata de Personas", "decision/4/4", {"interim", "openEnded"},
             "trafficking-in-persons-protocol"),
    "WG.7": ("Grupo de Trabajo sobre el Tráfico Ilícito de Migrantes", "resolution/5/3",
             {"intergovernmental", "interim", "openEnded"}, "smuggling-of-migrants-protocol"),
    "WG.6": ("Grupo de Trabajo sobre Armas de Fuego", "resolution/5/4", {"intergovernmental", "openEnded"},
             "firearms-protocol"),
    "WG.3": ("Grupo de Trabajo sobre Cooperación Internacional", "decision/3/2", {"openEnded", "standing"}, None),
    "WG.2": ("Grupo de Trabajo de Expertos Gubernamentales sobre Asistencia Técnica", "decision/2/6",
             {"interim", "openEnded", "governmentExperts"}, None),
}
# How each establishing paragraph words the characteristics.
CHARACTERISTIC_WORDS = {"interim": "provisional", "openEnded": "de composición abierta",
                        "intergovernmental": "intergubernamental", "standing": "elemento constante",
                        "governmentExperts": "de expertos gubernamentales"}


def test_the_five_working_groups() -> None:
    rows = select("""SELECT ?g ?name ?series ?mandate ?parent { ?g a untoc:WorkingGroup ; rdfs:label ?name ;
        untoc:symbolSeries ?series ; untoc:establishedBy ?mandate ; untoc:subsidiaryOf ?parent FILTER(LANG(?name) = "es") }""")
    assert rows == {(f"id/group/{s}", name, f"CTOC/COP/{s}", f"id/{m}", "id/conference")
                    for s, (name, m, _, _) in GROUPS.items()}


@pytest.mark.parametrize("series", GROUPS)
def test_characteristics_and_instrument_as_the_establishing_paragraph_says(series: str) -> None:
    _, mandate, characteristics, instrument = GROUPS[series]
    group = ID[f"group/{series}"]
    graph = dataset()
    assert {short(c).removeprefix("ontology#") for c in graph.objects(group, UNTOC.establishedAs)} == characteristics
    establishing = [t for t in passage_texts(ID[mandate]) if "estableció" in t]
    assert len(establishing) == 1
    for characteristic, words in CHARACTERISTIC_WORDS.items():
        assert (words in establishing[0]) == (characteristic in characteristics), (series, characteristic)
    served = {short(i) for i in graph.objects(group, UNTOC.serves)}
    assert served == ({f"id/instrument/{instrument}"} if instrument else set())
    if instrument:
        names = [str(n) for n in graph.objects(ID[f"instrument/{instrument}"], RDFS.label) if n.language == "es"]
        assert len(names) == 1 and names[0] in establishing[0]
        assert any(str(p).startswith("para que asesorara") and str(p) in establishing[0]
                   for p in graph.objects(group, UNTOC.purpose))
    else:
        assert "para que asesorara" not in establishing[0] and graph.value(group, UNTOC.purpose) is None


def test_topics_in_both_languages() -> None:
    for series in GROUPS:
        assert {t.language for t in dataset().objects(ID[f"group/{series}"], UNTOC.topic)} == {"en", "es"}


def test_protocols_supplement_the_convention() -> None:
    rows = select("""SELECT ?p ?es ?c { ?p a untoc:Protocol ; rdfs:label ?es ; untoc:supplements ?c .
        ?c a untoc:Convention FILTER(LANG(?es) = "es") }""")
    convention = "id/instrument/convention"
    assert rows == {
        ("id/instrument/trafficking-in-persons-protocol",
         "Protocolo para Prevenir, Reprimir y Sancionar la Trata de Personas, Especialmente Mujeres y Niños", convention),
        ("id/instrument/smuggling-of-migrants-protocol",
         "Protocolo contra el Tráfico Ilícito de Migrantes por Tierra, Mar y Aire", convention),
        ("id/instrument/firearms-protocol", "Protocolo contra la Fabricación y el Tráfico Ilícitos de Armas de Fuego,"
         " sus Piezas y Componentes y Municiones", convention),
    }
    for protocol, name, _ in rows:
        assert stated(ID[protocol.removeprefix("id/")], name + ", que complementa la Convención")


# ---------------------------------------------------------------- meetings and reports

MEETINGS = {  # (series, ordinal): (start, end, status, report symbol, paragraph)
    ("WG.4", 13): ("2023-10-02", "2023-10-03", "held", "CTOC/COP/WG.4/2023/5", 3),
    ("WG.4", 14): ("2024-07-08", "2024-07-09", "scheduled", "CTOC/COP/WG.4/2024/5", 3),
    ("WG.7", 10): ("2023-10-05", "2023-10-06", "held", "CTOC/COP/WG.7/2023/5", 6),
    ("WG.7", 11): ("2024-07-11", "2024-07-12", "scheduled", "CTOC/COP/WG.7/2024/5", 6),
    ("WG.6", 10): ("2023-05-03", "2023-05-04", "held", "CTOC/COP/WG.6/2023/5", 9),
    ("WG.6", 11): ("2024-04-03", "2024-04-04", "held", "CTOC/COP/WG.6/2024/5", 9),
    ("WG.3", 14): ("2023-09-11", "2023-09-12", "held", "CTOC/COP/WG.3/2023/4", 12),
    ("WG.3", 15): ("2024-06-05", "2024-06-06", "held", "CTOC/COP/WG.3/2024/5", 12),
    ("WG.2", 14): ("2023-05-29", "2023-05-30", "held", "CTOC/COP/WG.2/2023/4", 15),
    ("WG.2", 15): ("2024-06-03", "2024-06-04", "held", "CTOC/COP/WG.2/2024/5", 15),
}


def test_the_ten_meetings() -> None:
    rows = select("""SELECT ?m ?g ?n ?start ?end ?place ?status { ?m a untoc:Meeting ; untoc:meetingOf ?g ;
        untoc:ordinal ?n ; untoc:startDate ?start ; untoc:endDate ?end ; untoc:place ?place ;
        untoc:statusAsReported ?status . ?g untoc:holds ?m }""")
    assert rows == {(f"id/meeting/{s}/{start}", f"id/group/{s}", str(n), start, end, "id/place/vienna", f"ontology#{status}")
                    for (s, n), (start, end, status, _, _) in MEETINGS.items()}


@pytest.mark.parametrize("key", MEETINGS, ids=lambda k: f"{k[0]}-{k[1]}")
def test_meeting_is_stated_as_printed(key: tuple[str, int]) -> None:
    """The data's dates, ordinal and status, written the note's way, are in the passages the meeting cites."""
    series, ordinal = key
    paragraph = MEETINGS[key][-1]
    meeting = ID[f"meeting/{series}/{MEETINGS[key][0]}"]
    graph = dataset()
    start, end = str(graph.value(meeting, UNTOC.startDate)), str(graph.value(meeting, UNTOC.endDate))
    status = short(graph.value(meeting, UNTOC.statusAsReported)).removeprefix("ontology#")
    ordinal = int(graph.value(meeting, UNTOC.ordinal))
    assert stated(meeting, f"{ordinal}ª reunión")
    assert stated(meeting, "celebradas en Viena los días") and stated(meeting, spanish_days(start, end))
    assert stated(meeting, f"celebrará su {ordinal}ª reunión") == (status == "scheduled")
    assert any(str(dataset().value(p, UNTOC.paragraphNumber)) == str(paragraph)
               for p in dataset().objects(meeting, UNTOC.statedIn))


def test_the_ten_reports() -> None:
    rows = select("""SELECT ?r ?symbol ?copy ?meeting ?session ?mandate { ?r a untoc:Report ; untoc:symbol ?symbol ;
        untoc:officialCopy ?copy ; untoc:reportOf ?meeting ; untoc:submittedTo ?session ;
        untoc:submittedPursuantTo ?mandate . ?meeting untoc:produces ?r }""")
    assert rows == {(f"id/document/{symbol}", symbol, f"https://undocs.org/{symbol}", f"id/meeting/{s}/{start}",
                     "id/session/12", "id/resolution/7/1") for (s, _), (start, _, _, symbol, _) in MEETINGS.items()}
    for (series, ordinal), (*_, symbol, _) in MEETINGS.items():
        assert stated(ID[f"document/{symbol}"], symbol)
        assert stated(ID[f"document/{symbol}"], "se presentarán a la Conferencia en su 12º período de sesiones")


# ---------------------------------------------------------------- passages and provenance

def passages() -> dict[URIRef, Literal]:
    return dict(dataset().subject_objects(UNTOC.text))


def test_passages_are_the_notes_thirty_in_spanish() -> None:
    texts = passages()
    assert len(texts) == 30
    for passage, text in texts.items():
        assert text.language == "es" and str(text).strip() == str(text) and "  " not in str(text), passage
        assert dataset().value(passage, UNTOC.passageOf) == NOTE


def test_every_numbered_paragraph_is_present_once() -> None:
    numbers = Counter(int(n) for n in dataset().objects(None, UNTOC.paragraphNumber))
    assert sorted(numbers) == list(range(1, 16)) and set(numbers.values()) == {1}
    for passage in passages():
        number = dataset().value(passage, UNTOC.paragraphNumber)
        if number is not None:
            assert passage == NOTE + f"/passage/{number}"


def test_every_passage_text_occurs_verbatim_in_the_note() -> None:
    whole, continuous = source_views()
    for passage, text in passages().items():
        assert str(text) in whole or str(text) in continuous, passage
        number = dataset().value(passage, UNTOC.paragraphNumber)
        if number is not None:
            assert f"{number}. {text}" in continuous


def test_header_passages() -> None:
    names = {str(p).removeprefix(NOTE + "/passage/") for p in passages()} - {str(n) for n in range(1, 16)}
    assert names == {"masthead", "distribution", "session", "agenda-items", "agenda-item-2", "agenda-item-4",
                     "agenda-item-5", "footnote", "title", "document-kind",
                     *(f"heading-{n}" for n in range(1, 6))}


def test_every_fact_bearing_node_has_labels_and_cites_passages() -> None:
    graph = dataset()
    nodes = {s for s, o in graph.subject_objects(RDF.type) if o not in (UNTOC.Passage, UNTOC.SourceGraph)}
    assert len(nodes) == 49
    texts = passages()
    for node in nodes:
        assert {label.language for label in graph.objects(node, RDFS.label)} >= {"es", "en"}, node
        cited = set(graph.objects(node, UNTOC.statedIn))
        assert cited and cited <= set(texts), node


def test_inverse_pairs_are_written_both_ways() -> None:
    graph = dataset()
    for a, b in ontology().subject_objects(OWL.inverseOf):
        forward = set(graph.subject_objects(a))
        assert forward, a
        assert forward == {(o, s) for s, o in graph.subject_objects(b)}, (a, b)


def classes_of(node: URIRef) -> set[URIRef]:
    """The node's asserted classes and their superclasses, as the ontology says."""
    found = set(dataset().objects(node, RDF.type)) | set(ontology().objects(node, RDF.type))
    return found | {sup for cls in found for sup in ontology().transitive_objects(cls, RDFS.subClassOf)}


def test_every_statement_fits_the_domain_and_range_of_its_property() -> None:
    onto = ontology()
    for s, p, o in dataset().triples((None, None, None)):
        if not p.startswith(str(UNTOC)):
            continue
        domain, range_ = onto.value(p, RDFS.domain), onto.value(p, RDFS.range)
        assert domain == OWL.Thing or domain in classes_of(s), (s, p)
        if range_ == RDF.langString:
            assert isinstance(o, Literal) and o.language, (s, p, o)
        elif str(range_).startswith(str(XSD)):
            plain_string = range_ == XSD.string and o.datatype is None and not o.language
            assert isinstance(o, Literal) and (o.datatype == range_ or plain_string), (s, p, o)
        elif range_ != OWL.Thing:
            assert range_ in classes_of(o), (s, p, o)


def test_functional_properties_have_one_value() -> None:
    graph = dataset()
    for prop in ontology().subjects(RDF.type, OWL.FunctionalProperty):
        counts = Counter(graph.subjects(prop, None))
        assert all(n == 1 for n in counts.values()), prop


def test_iris_follow_the_scheme() -> None:
    graph = dataset()
    for group, series in graph.subject_objects(UNTOC.symbolSeries):
        assert group == ID["group/" + str(series).removeprefix("CTOC/COP/")]
    for meeting, group in graph.subject_objects(UNTOC.meetingOf):
        assert meeting == URIRef(str(group).replace("/group/", "/meeting/") + f"/{graph.value(meeting, UNTOC.startDate)}")
    for document, symbol in graph.subject_objects(UNTOC.symbol):
        assert document == ID[f"document/{symbol}"]
    for mandate, number in graph.subject_objects(UNTOC.mandateNumber):
        session = graph.value(mandate, UNTOC.adoptedAt)
        assert str(mandate).endswith(f"/{number}") and session == ID[f"session/{str(number).split('/')[0]}"]
