"""The extractor on the source note, its English rendition and short first pages.

The curated graph in data/ is the reference: ingesting the note must give the same graph once the
per-triple annotation nodes are set aside. ALLOWED_DIFFERENCES is where triples the note cannot say
would be listed (docs/ingest.md): it is empty because the English labels, titles and purposes that
the curated file adds by hand come from the extractor's lexicon and glossary, which the last tests
show are used only to translate what the text prints, never to add a fact.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import RDF, RDFS, Dataset, Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from conftest import PROJECT_ROOT, SOURCE_NOTE, require_shared, source_note_text
from untoc_kg.ingest import glossary
from untoc_kg.ingest.extract import Outcome, extract
from untoc_kg.ingest.provenance import UNTOC, dataset_of, is_annotation_node

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
CURATED = PROJECT_ROOT / "data" / "secretariat-note-2024-07-04.trig"
ID = "https://w3id.org/untoc-kg/id/"
NOTE = URIRef(ID + "document/secretariat-note-2024-07-04")
ALLOWED_DIFFERENCES: frozenset[tuple] = frozenset()
PROVENANCE_QUERY = """
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX untoc: <https://w3id.org/untoc-kg/ontology#>
SELECT ?exact ?start ?end ?text ?number WHERE {
    ?annotation rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; oa:hasTarget ?target .
    ?target oa:hasSource ?passage ; oa:hasSelector ?quote, ?position .
    ?quote a oa:TextQuoteSelector ; oa:exact ?exact .
    ?position a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end .
    ?passage untoc:text ?text .
    OPTIONAL { ?passage untoc:paragraphNumber ?number }
}"""


@pytest.fixture(scope="module")
def spanish() -> Outcome:
    return extract(source_note_text(), "es")


@pytest.fixture(scope="module")
def english() -> Outcome:
    return extract((FIXTURES / "note-2024-07-04.en.md").read_text(encoding="utf-8"), "en")


def facts_only(graph: Graph) -> Graph:
    """The graph without the per-triple annotation nodes (annotations, targets, selectors)."""
    kept = Graph()
    for triple in graph:
        if not is_annotation_node(triple[0]):
            kept.add(triple)
    return kept


def curated() -> Graph:
    dataset = Dataset()
    dataset.parse(CURATED, format="trig")
    graph = Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


def without(graph: Graph, drop: frozenset[tuple]) -> Graph:
    kept = Graph()
    for triple in graph:
        if triple not in drop:
            kept.add(triple)
    return kept


def test_ingesting_the_note_reproduces_the_curated_graph(spanish: Outcome) -> None:
    mine = without(facts_only(spanish.facts.graph()), ALLOWED_DIFFERENCES)
    reference = without(curated(), ALLOWED_DIFFERENCES)
    _, only_mine, only_curated = graph_diff(to_isomorphic(mine), to_isomorphic(reference))
    assert sorted(only_mine) == [] and sorted(only_curated) == []
    assert isomorphic(mine, reference)
    assert spanish.not_understood == [] and spanish.notes == []


def test_every_fact_carries_an_annotation_with_its_exact_words(spanish: Outcome) -> None:
    """Read back with SPARQL on the store engine the service uses: each quote is the passage's words
    at the stated offsets, and the annotated statements are exactly the facts."""
    store = pyoxigraph.Store()
    store.load(dataset_of(spanish.facts.graph()).serialize(format="nquads").encode(), pyoxigraph.RdfFormat.N_QUADS)
    rows = list(store.query(PROVENANCE_QUERY, use_default_graph_as_union=True))
    assert len(rows) == sum(len(spans) for spans in spanish.facts.evidence.values())
    for row in rows:
        assert row["text"].value[int(row["start"].value):int(row["end"].value)] == row["exact"].value
    statements = store.query("""
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        SELECT DISTINCT ?s ?p ?o WHERE { ?a a rdf:Statement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o }""",
                             use_default_graph_as_union=True)
    assert len(list(statements)) == len(spanish.facts.evidence)


def quotes(outcome: Outcome, subject: URIRef, predicate: URIRef) -> list[tuple[str, int | None]]:
    """(exact words, paragraph number) of every span stating ``subject predicate ?``."""
    return [(span.exact, span.passage.number) for (s, p, _), spans in outcome.facts.evidence.items()
            if (s, p) == (subject, predicate) for span in spans]


def test_status_and_dates_are_traced_to_their_paragraph(spanish: Outcome) -> None:
    meeting = URIRef(ID + "meeting/WG.4/2024-07-08")
    assert quotes(spanish, meeting, UNTOC.statusAsReported) == [("celebrará", 3)]
    assert ("8 y 9 de julio de 2024", 3) in quotes(spanish, meeting, UNTOC.startDate)
    assert quotes(spanish, URIRef(ID + "meeting/WG.6/2024-04-03"), UNTOC.statusAsReported) == [("celebró", 9)]
    assert quotes(spanish, URIRef(ID + "decision/3/2"), UNTOC.reaffirmedInLaterResolutions) == [
        ("Esa decisión se reafirmó sistemáticamente en resoluciones posteriores de la Conferencia.", 10)]


def entities(graph: Graph) -> set[URIRef]:
    return {s for s, o in graph.subject_objects(RDF.type) if o != UNTOC.Passage and not is_annotation_node(s)}


def dated(graph: Graph) -> set[tuple]:
    predicates = (UNTOC.startDate, UNTOC.endDate, UNTOC.issuedOn, UNTOC.ordinal, UNTOC.statusAsReported)
    return {(s, p, o) for p in predicates for s, o in graph.subject_objects(p)}


def test_the_english_rendition_names_the_same_entities_and_dates(spanish: Outcome, english: Outcome) -> None:
    es, en = spanish.facts.graph(), english.facts.graph()
    assert entities(en) == entities(es)
    assert dated(en) == dated(es)
    assert (NOTE, UNTOC.writtenIn, Literal("en", datatype=URIRef("http://www.w3.org/2001/XMLSchema#language"))) in en
    assert english.not_understood == [] and english.notes == []


def links(outcome: Outcome) -> set[tuple]:
    """Every fact between two things, and every flag such as a reaffirmation: what a translation keeps."""
    return {(s, p, o) for (s, p, o) in outcome.facts.evidence
            if isinstance(o, URIRef) or p == UNTOC.reaffirmedInLaterResolutions}


@pytest.mark.parametrize("wording", [
    ("will be submitted to the Conference at its twelfth session", "will be before the Conference at its twelfth session"),
    ("That decision was consistently reaffirmed in subsequent resolutions of the Conference.",
     "The Conference has consistently reaffirmed that decision in its subsequent resolutions."),
])
def test_the_english_wordings_of_the_un_give_the_same_links(spanish: Outcome, wording: tuple[str, str]) -> None:
    """The UN's English prints "will be before the Conference" and reaffirms decision 3/2 in the active
    voice: the same report → session links and the same reaffirmation as the Spanish note."""
    text = (FIXTURES / "note-2024-07-04.en.md").read_text(encoding="utf-8")
    assert wording[0] in text
    outcome = extract(text.replace(wording[0], wording[1]), "en")
    assert links(outcome) == links(spanish)
    assert (URIRef(ID + "decision/3/2"), UNTOC.reaffirmedInLaterResolutions, Literal(True)) in links(outcome)
    assert len([t for t in links(outcome) if t[1] == UNTOC.submittedTo]) == 10
    assert outcome.not_understood == []


def test_the_english_rendition_quotes_english_words(english: Outcome) -> None:
    assert quotes(english, URIRef(ID + "meeting/WG.4/2024-07-08"), UNTOC.statusAsReported) == [("will hold", 3)]
    assert quotes(english, URIRef(ID + "meeting/WG.2/2023-05-29"), UNTOC.statusAsReported) == [("was held", 15)]
    texts = set(english.facts.graph().objects(None, UNTOC.text))
    assert texts and all(text.language == "en" for text in texts)


def test_a_header_names_a_group_and_its_meeting_without_a_report_symbol() -> None:
    outcome = extract((FIXTURES / "wg-firearms-2018-oneline.en.txt").read_text(encoding="utf-8"), "en")
    graph = outcome.facts.graph()
    meeting = URIRef(ID + "meeting/WG.6/2018-05-02")
    assert (meeting, UNTOC.meetingOf, URIRef(ID + "group/WG.6")) in graph
    assert (meeting, UNTOC.startDate, Literal(date(2018, 5, 2))) in graph
    assert (meeting, UNTOC.endDate, Literal(date(2018, 5, 3))) in graph
    assert (meeting, UNTOC.place, URIRef(ID + "place/vienna")) in graph
    assert (URIRef(ID + "document/CTOC/COP/WG.6/2018/3"), UNTOC.issuedOn, Literal(date(2018, 2, 21))) in graph


def test_a_meeting_without_ordinal_is_named_by_its_group_and_first_day() -> None:
    """The note names the meeting of 8 July 2024 by its ordinal, this first page by its dates alone:
    both give one IRI, and the ordinal is not invented where it is not printed."""
    outcome = extract((FIXTURES / "wg-trafficking-2024.es.txt").read_text(encoding="utf-8"), "es")
    found, meeting = outcome.facts.graph(), URIRef(ID + "meeting/WG.4/2024-07-08")
    assert (meeting, UNTOC.place, URIRef(ID + "place/vienna")) in found
    assert (meeting, UNTOC.endDate, Literal(date(2024, 7, 9))) in found
    assert (meeting, UNTOC.ordinal, None) not in found
    assert (meeting, RDF.type, UNTOC.Meeting) in curated()
    assert set(found.objects(meeting, RDFS.label)) == set(curated().objects(meeting, RDFS.label))
    agenda, item = URIRef(ID + "document/CTOC/COP/WG.4/2024/1"), URIRef(ID + "document/CTOC/COP/WG.4/2024/1/item/2")
    assert (agenda, UNTOC.agendaOf, meeting) in found and (agenda, RDF.type, UNTOC.ProvisionalAgenda) in found
    assert (URIRef(ID + "document/CTOC/COP/WG.4/2024/2"), UNTOC.underAgendaItem, item) in found
    assert (URIRef(ID + "document/CTOC/COP/WG.4/2024/2"), UNTOC.preparedFor, meeting) in found
    assert outcome.not_understood == [] and outcome.notes == []  # the footnote gave the agenda's symbol


def test_sentences_not_understood_are_listed() -> None:
    outcome = extract((FIXTURES / "held-after-date.en.md").read_text(encoding="utf-8"), "en")
    assert outcome.not_understood == [("2", "The Secretariat thanks the Government of Austria for hosting the meeting.")]
    assert any("reported held but starts 2030-04-03" in note for note in outcome.notes)


def test_an_unknown_title_is_reported_not_invented(monkeypatch: pytest.MonkeyPatch) -> None:
    kept = tuple(pair for pair in glossary.TITLES if pair[0] != "trata de personas")
    monkeypatch.setattr(glossary, "TITLES", kept)
    outcome = extract(source_note_text(), "es")
    assert not list(outcome.facts.graph().objects(URIRef(ID + "decision/4/4"), UNTOC.title))
    assert any("'trata de personas'" in note for note in outcome.notes)


def test_the_glossary_only_translates_what_the_text_prints(spanish: Outcome) -> None:
    printed = {str(o) for (s, p, o) in spanish.facts.evidence if p == UNTOC.title and o.language == "es"}
    source = " ".join(source_note_text().split())
    assert printed and all(title in source for title in printed)


def test_short_passages_in_two_languages_give_the_same_meetings() -> None:
    """Ranges across months and years, one day, word ordinals, place and tense, in both languages."""
    outcomes = [extract((FIXTURES / f"passages.{lang}.md").read_text(encoding="utf-8"), lang) for lang in ("es", "en")]
    graphs = [outcome.facts.graph() for outcome in outcomes]
    for outcome, graph in zip(outcomes, graphs):
        assert [where for where, _ in outcome.not_understood] == ["3"]
        assert (URIRef(ID + "resolution/9/3"), None, None) not in graph  # nothing from a sentence not understood
        assert (URIRef(ID + "meeting/WG.2/2023-12-30"), UNTOC.startDate, Literal(date(2023, 12, 30))) in graph
        assert (URIRef(ID + "meeting/WG.2/2023-12-30"), UNTOC.endDate, Literal(date(2024, 1, 2))) in graph
        assert (URIRef(ID + "meeting/WG.2/2024-06-05"), UNTOC.endDate, Literal(date(2024, 6, 5))) in graph
        assert (URIRef(ID + "meeting/WG.2/2024-06-05"), UNTOC.statusAsReported, UNTOC.scheduled) in graph
        assert (URIRef(ID + "meeting/WG.6/2023-11-29"), UNTOC.endDate, Literal(date(2023, 12, 1))) in graph
        assert (URIRef(ID + "meeting/WG.6/2023-11-29"), UNTOC.place, URIRef(ID + "place/vienna")) in graph
    assert entities(graphs[0]) == entities(graphs[1])
    assert dated(graphs[0]) == dated(graphs[1])


def test_the_output_is_byte_stable_across_runs() -> None:
    """Annotation IRIs are hashes of their content, not counters or blank nodes: re-ingesting the same
    text (in another process, with another hash seed) writes the same bytes."""
    script = ("import sys\nfrom untoc_kg.ingest.extract import extract\nfrom untoc_kg.ingest.provenance import dataset_of\n"
              f"text = open({str(require_shared(SOURCE_NOTE))!r}, encoding='utf-8').read()\n"
              "sys.stdout.write(dataset_of(extract(text, 'es').facts.graph()).serialize(format='trig'))\n")
    outputs = [subprocess.run([sys.executable, "-c", script], capture_output=True, check=True, cwd=PROJECT_ROOT,
                              env={**os.environ, "PYTHONHASHSEED": seed}, timeout=120).stdout for seed in ("1", "2")]
    assert outputs[0] == outputs[1] and len(outputs[0]) > 100_000


def test_a_report_first_page_names_its_meeting_by_ordinal_or_by_dates() -> None:
    english = extract((FIXTURES / "report-firearms-2018.en.txt").read_text(encoding="utf-8"), "en").facts.graph()
    report, meeting = URIRef(ID + "document/CTOC/COP/WG.6/2018/4"), URIRef(ID + "meeting/WG.6/2018-05-02")
    assert (report, RDF.type, UNTOC.Report) in english and (report, UNTOC.reportOf, meeting) in english
    assert (meeting, UNTOC.startDate, Literal(date(2018, 5, 2))) in english
    spanish_text = (FIXTURES / "report-trafficking-2023.es.txt").read_text(encoding="utf-8")
    spanish, reference = extract(spanish_text, "es").facts.graph(), curated()
    report = URIRef(ID + "document/CTOC/COP/WG.4/2023/5")
    for predicate in (UNTOC.reportOf, RDFS.label, UNTOC.symbol, UNTOC.officialCopy):
        assert set(spanish.objects(report, predicate)) == set(reference.objects(report, predicate))
    assert (URIRef(ID + "meeting/WG.4/2023-10-02"), UNTOC.ordinal, None) not in spanish


def test_the_one_line_header_of_the_issue() -> None:
    text = ("CTOC/COP/WG.6/2018/1\n\nDistr.: General\n1 March 2018\nOriginal: English\n\n"
            "Working Group on Firearms, Vienna, 2 and 3 May 2018, Item 3 of the provisional agenda\n")
    outcome = extract(text, "en")
    graph = outcome.facts.graph()
    assert (URIRef(ID + "group/WG.6"), UNTOC.symbolSeries, Literal("CTOC/COP/WG.6")) in graph
    assert any("'Item 3 of the provisional agenda'" in note for note in outcome.notes)
    assert (URIRef(ID + "meeting/WG.6/2018-05-02"), UNTOC.place, URIRef(ID + "place/vienna")) in graph
    assert (URIRef(ID + "meeting/WG.6/2018-05-02"), UNTOC.endDate, Literal(date(2018, 5, 3))) in graph
    assert outcome.not_understood == []


def test_a_conference_room_paper_without_distribution_line() -> None:
    """A CRP prints its date right after its symbol and no "Distr." line; its title, "Report on …",
    names no meeting of a group, so it is a conference room paper, and a footnote run into the title
    (a flattened page) is not part of it."""
    text = ("CTOC/COP/2030/CRP.4 3 March 2030 English only Conference of the Parties to the United Nations "
            "Convention against Transnational Organized Crime Eighteenth session Vienna, 14-18 October 2030 "
            "Report on the regional seminar on port security * This paper has not been edited. Contents Page "
            "I. Background\n")
    outcome = extract(text, "en")
    graph, document = outcome.facts.graph(), URIRef(ID + "document/CTOC/COP/2030/CRP.4")
    assert (document, UNTOC.issuedOn, Literal(date(2030, 3, 3))) in graph
    assert (document, RDF.type, UNTOC.ConferenceRoomPaper) in graph and (document, RDF.type, UNTOC.Report) not in graph
    assert (document, UNTOC.preparedFor, URIRef(ID + "session/18")) in graph
    assert (document, UNTOC.writtenIn, Literal("en", datatype=URIRef("http://www.w3.org/2001/XMLSchema#language"))) in graph
    assert set(graph.objects(document, UNTOC.title)) == {Literal("Report on the regional seminar on port security", lang="en")}


def test_a_conference_room_paper_that_is_a_note_is_both() -> None:
    text = ("CTOC/COP/WG.6/2031/CRP.1 9 de marzo de 2031 Español Original: inglés V.31-00417 (S) 100331 100331 "
            "*3100417* Grupo de Trabajo sobre Armas de Fuego Viena, 5 y 6 de mayo de 2031 Tema 2 del programa "
            "provisional Marcado de armas en los puertos Nota de la Secretaría I. Introducción 1. Texto.\n")
    graph = extract(text, "es").facts.graph()
    document = URIRef(ID + "document/CTOC/COP/WG.6/2031/CRP.1")
    assert {UNTOC.Note, UNTOC.ConferenceRoomPaper} <= set(graph.objects(document, RDF.type))
    assert (document, UNTOC.preparedFor, URIRef(ID + "meeting/WG.6/2031-05-05")) in graph
    assert (document, UNTOC.issuedOn, Literal(date(2031, 3, 9))) in graph


def test_a_groups_session_is_its_meeting_not_a_session_of_the_conference() -> None:
    """Some groups number their meetings as sessions: under a group's symbol, "Thirteenth session" is
    the group's thirteenth meeting, never the Conference's thirteenth session."""
    text = ("CTOC/COP/WG.3/2032/2 Distr.: General 1 March 2032 Original: English Working Group on International "
            "Cooperation Thirteenth session Vienna, 24 and 25 May 2032 Item 2 of the provisional agenda Extradition "
            "in practice Background paper prepared by the Secretariat I. Introduction 1. Text.\n")
    graph = extract(text, "en").facts.graph()
    meeting = URIRef(ID + "meeting/WG.3/2032-05-24")
    assert (meeting, UNTOC.ordinal, Literal(13)) in graph
    assert (URIRef(ID + "document/CTOC/COP/WG.3/2032/2"), UNTOC.preparedFor, meeting) in graph
    assert (URIRef(ID + "session/13"), None, None) not in graph
