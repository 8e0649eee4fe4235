"""The SHACL shapes: a complete valid graph conforms, and every rule fires, with its own message,
on a graph broken in exactly that way. Also: the shapes are safe to run and served-ready, the real
data conforms, and both the ``untoc-kg validate`` command and ``.ci/validate-data`` fail on bad data.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pyshacl
import pytest
from rdflib import OWL, RDF, RDFS, SH, BNode, Graph, URIRef
from rdflib.collection import Collection

from conftest import PROJECT, PROJECT_ROOT, SHAPE_FIXTURES as FIXTURES, untoc_kg_command
from untoc_kg.validation import Violation, read_graph, validate_files, validate_graph, violations

VALID = FIXTURES / "valid.trig"
SHAPES_NS = "https://w3id.org/untoc-kg/shapes#"
UNTOC = "https://w3id.org/untoc-kg/ontology#"
ID = "https://w3id.org/untoc-kg/id/"
DOC = ID + "document/"
NOTE = DOC + "secretariat-note-2024-07-04"

# The fixture's nodes, as SPARQL terms.
CONF, SEC, VIENNA = f"<{ID}conference>", f"<{ID}secretariat>", f"<{ID}place/vienna>"
S4, S7, S12 = f"<{ID}session/4>", f"<{ID}session/7>", f"<{ID}session/12>"
D44, R71 = f"<{ID}decision/4/4>", f"<{ID}resolution/7/1>"
WG4 = f"<{ID}group/WG.4>"
M13, M14 = f"<{ID}meeting/WG.4/2023-10-02>", f"<{ID}meeting/WG.4/2024-07-08>"
CONV, TIP = f"<{ID}instrument/convention>", f"<{ID}instrument/trafficking-in-persons-protocol>"
R2023, R2024 = f"<{DOC}CTOC/COP/WG.4/2023/5>", f"<{DOC}CTOC/COP/WG.4/2024/5>"
AGENDA, ITEM = f"<{DOC}CTOC/COP/2024/1>", f"<{DOC}CTOC/COP/2024/1/item/2>"
DOCNOTE = f"<{NOTE}>"
P1, P2, P3, PH = (f"<{NOTE}/passage/{n}>" for n in ("1", "2", "3", "heading"))
SOURCE = "<https://w3id.org/untoc-kg/graph/secretariat-note-2024-07-04>"
# Links out (docs/model.md, "Links out"), their terms in full: the updates declare no skos:, dcterms: or owl:.
EXACT, SAME_AS = "<http://www.w3.org/2004/02/skos/core#exactMatch>", "<http://www.w3.org/2002/07/owl#sameAs>"
Q1741 = "<http://www.wikidata.org/entity/Q1741>"
LINKS = "<https://w3id.org/untoc-kg/graph/links-wikidata>"

UPDATE_PREFIXES = f"""
PREFIX rdfs: <{RDFS}>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX untoc: <{UNTOC}>
"""


@dataclass(frozen=True)
class Rule:
    """A mutation of the valid fixture (SPARQL Update) and the violation it must cause."""

    id: str
    update: str
    focus: str | None  # a SPARQL IRI term; None: a blank node
    shape: str  # local name in the shapes namespace
    phrase: str  # words the readable message must contain
    component: str  # sh:...ConstraintComponent, without the suffix


def delete(triple: str) -> str:
    return f"DELETE DATA {{ {triple} }}"


def insert(triple: str) -> str:
    return f"INSERT DATA {{ {triple} }}"


def replace(subject: str, predicate: str, new: str) -> str:
    """Every value of ``subject predicate`` replaced by ``new``."""
    return (f"DELETE {{ {subject} {predicate} ?old }} INSERT {{ {subject} {predicate} {new} }} "
            f"WHERE {{ OPTIONAL {{ {subject} {predicate} ?old }} }}")


def drop(subject: str, predicate: str) -> str:
    return f"DELETE WHERE {{ {subject} {predicate} ?old }}"


RULES = [
    # Labels, provenance and titles shared by the fact-bearing classes.
    Rule("label-es", delete(f'{WG4} rdfs:label "Grupo de Trabajo sobre la Trata de Personas"@es'),
         WG4, "label-es", "Spanish (es)", "QualifiedMinCount"),
    Rule("label-en", f"DELETE {{ {M13} rdfs:label ?l }} WHERE {{ {M13} rdfs:label ?l FILTER (LANG(?l) = 'en') }}",
         M13, "label-en", "English (en)", "QualifiedMinCount"),
    Rule("label-french", insert(f'{VIENNA} rdfs:label "Vienne"@fr'),
         VIENNA, "label-languages", "Spanish (es) or English (en)", "LanguageIn"),
    Rule("label-two-spanish", insert(f'{CONF} rdfs:label "la Conferencia"@es'),
         CONF, "label-languages", "one per language", "UniqueLang"),
    Rule("two-classes", insert(f"{CONF} a untoc:Place"),
         CONF, "disjointClasses", "belongs to one class of the model only", "SPARQL"),
    Rule("statedIn-missing", drop(SEC, "untoc:statedIn"),
         SEC, "statedIn", "at least one untoc:Passage", "MinCount"),
    Rule("statedIn-not-passage", insert(f"{CONF} untoc:statedIn {S12}"),
         CONF, "statedIn", "at least one untoc:Passage", "Class"),
    Rule("title-untagged", insert(f'{D44} untoc:title "Trata de personas"'),
         D44, "title-languages", "language-tagged", "Datatype"),
    Rule("title-french", insert(f'{D44} untoc:title "Traite des personnes"@fr'),
         D44, "title-languages", "Spanish (es) or English (en)", "LanguageIn"),
    Rule("title-spanish-only", delete(f'{D44} untoc:title "Trafficking in human beings"@en'),
         D44, "title-both", "both as printed in Spanish (es) and in English (en)", "SPARQL"),
    # Dates.
    Rule("meeting-ends-before-start", replace(M13, "untoc:endDate", '"2023-10-01"^^xsd:date'),
         M13, "endsAfterStart", "ends on or after the day it starts", "SPARQL"),
    Rule("session-ends-before-start", replace(S12, "untoc:endDate", '"2024-10-13"^^xsd:date'),
         S12, "endsAfterStart", "ends on or after the day it starts", "SPARQL"),
    # Mandates.
    Rule("mandate-both-kinds", insert(f"{R71} a untoc:Decision"),
         R71, "MandateShape", "either a untoc:Decision or a untoc:Resolution", "Xone"),
    Rule("mandate-number-missing", drop(D44, "untoc:mandateNumber"),
         D44, "Mandate-mandateNumber", "exactly one untoc:mandateNumber", "MinCount"),
    Rule("mandate-number-malformed", replace(D44, "untoc:mandateNumber", '"4-4"'),
         D44, "Mandate-mandateNumber", "N/M", "Pattern"),
    Rule("mandate-number-twice", insert(f'{D44} untoc:mandateNumber "4/5"'),
         D44, "Mandate-mandateNumber", "exactly one untoc:mandateNumber", "MaxCount"),
    Rule("mandate-number-not-session", replace(D44, "untoc:adoptedAt", S7),
         D44, "Mandate-numberMatchesSession", "adopted at session N", "SPARQL"),
    Rule("mandate-number-not-iri", replace(R71, "untoc:mandateNumber", '"7/2"'),
         R71, "Mandate-numberMatchesIri", "IRI ends with its number", "SPARQL"),
    Rule("mandate-session-missing", drop(D44, "untoc:adoptedAt"),
         D44, "Mandate-adoptedAt", "exactly one untoc:Session", "MinCount"),
    Rule("mandate-session-not-session", replace(D44, "untoc:adoptedAt", CONF),
         D44, "Mandate-adoptedAt", "exactly one untoc:Session", "Class"),
    Rule("establishes-not-group", insert(f"{D44} untoc:establishes {VIENNA}"),
         D44, "Mandate-establishes", "working groups only", "Class"),
    Rule("standing-element-not-group", insert(f"{R71} untoc:makesStandingElement {M13}"),
         R71, "Mandate-makesStandingElement", "working groups only", "Class"),
    Rule("encourages-not-group", insert(f"{R71} untoc:encouragesAnnualConsecutiveMeetings {CONF}"),
         R71, "Mandate-encouragesAnnualConsecutiveMeetings", "working groups only", "Class"),
    Rule("requires-reports-not-group", insert(f"{R71} untoc:requiresReportsFrom {SEC}"),
         R71, "Mandate-requiresReportsFrom", "working groups only", "Class"),
    Rule("reaffirmed-not-boolean", insert(f'{D44} untoc:reaffirmedInLaterResolutions "yes"'),
         D44, "Mandate-reaffirmedInLaterResolutions", "xsd:boolean", "Datatype"),
    Rule("decision-iri", insert(f"<{ID}mandate/4-4> a untoc:Decision"),
         f"<{ID}mandate/4-4>", "DecisionShape", "id/decision/{session}/{number}", "Pattern"),
    Rule("resolution-iri", insert(f"<{ID}resolution/seven> a untoc:Resolution"),
         f"<{ID}resolution/seven>", "ResolutionShape", "id/resolution/{session}/{number}", "Pattern"),
    # Sessions and meetings share ordinal, dates and place.
    Rule("ordinal-missing", drop(S4, "untoc:ordinal"),
         S4, "ordinal", "exactly one untoc:ordinal", "MinCount"),
    Rule("ordinal-decimal", replace(S4, "untoc:ordinal", '"4.0"^^xsd:decimal'),
         S4, "ordinal", "xsd:integer", "Datatype"),
    Rule("ordinal-zero", replace(S4, "untoc:ordinal", '"0"^^xsd:integer'),
         S4, "ordinal", "xsd:integer", "MinInclusive"),
    Rule("meeting-ordinal-zero", replace(M13, "untoc:ordinal", '"0"^^xsd:integer'),
         M13, "Meeting-ordinal", "xsd:integer", "MinInclusive"),
    Rule("meeting-ordinal-decimal", replace(M13, "untoc:ordinal", '"13.0"^^xsd:decimal'),
         M13, "Meeting-ordinal", "xsd:integer", "Datatype"),
    Rule("meeting-ordinal-twice", insert(f'{M13} untoc:ordinal "12"^^xsd:integer'),
         M13, "Meeting-ordinal", "at most one untoc:ordinal", "MaxCount"),
    Rule("start-date-string", replace(S12, "untoc:startDate", '"14 de octubre de 2024"'),
         S12, "startDate", "xsd:date", "Datatype"),
    Rule("start-date-twice", insert(f'{M13} untoc:startDate "2023-10-01"^^xsd:date'),
         M13, "startDate", "at most one untoc:startDate", "MaxCount"),
    Rule("end-date-datetime", replace(M14, "untoc:endDate", '"2024-07-09T18:00:00"^^xsd:dateTime'),
         M14, "endDate", "xsd:date", "Datatype"),
    Rule("place-not-place", replace(S12, "untoc:place", CONF),
         S12, "place", "a untoc:Place", "Class"),
    Rule("place-twice", insert(f"{M13} untoc:place <{ID}place/geneva>"),
         M13, "place", "at most one untoc:place", "MaxCount"),
    Rule("session-of-missing", drop(S7, "untoc:sessionOf"),
         S7, "Session-sessionOf", "exactly one untoc:Conference", "MinCount"),
    Rule("session-of-not-conference", replace(S7, "untoc:sessionOf", SEC),
         S7, "Session-sessionOf", "exactly one untoc:Conference", "Class"),
    # Working groups.
    Rule("series-missing", drop(WG4, "untoc:symbolSeries"),
         WG4, "WorkingGroup-symbolSeries", "exactly one untoc:symbolSeries", "MinCount"),
    Rule("series-malformed", replace(WG4, "untoc:symbolSeries", '"CTOC/COP/WG4"'),
         WG4, "WorkingGroup-symbolSeries", "CTOC/COP/WG.4", "Pattern"),
    Rule("series-not-iri", replace(WG4, "untoc:symbolSeries", '"CTOC/COP/WG.5"'),
         WG4, "WorkingGroup-seriesMatchesIri", "id/group/", "SPARQL"),
    Rule("subsidiary-missing", drop(WG4, "untoc:subsidiaryOf"),
         WG4, "WorkingGroup-subsidiaryOf", "exactly one untoc:Conference", "MinCount"),
    Rule("subsidiary-not-conference", replace(WG4, "untoc:subsidiaryOf", SEC),
         WG4, "WorkingGroup-subsidiaryOf", "exactly one untoc:Conference", "Class"),
    Rule("characteristic-unknown", insert(f"{WG4} untoc:establishedAs untoc:permanent"),
         WG4, "WorkingGroup-establishedAs", "untoc:interim", "In"),
    Rule("serves-not-instrument", insert(f"{WG4} untoc:serves {CONF}"),
         WG4, "WorkingGroup-serves", "untoc:Instrument", "Class"),
    Rule("topic-untagged", replace(WG4, "untoc:topic", '"trata de personas"'),
         WG4, "WorkingGroup-topic", "language-tagged", "Datatype"),
    Rule("purpose-french", insert(f'{WG4} untoc:purpose "conseiller la Conférence"@fr'),
         WG4, "WorkingGroup-purpose", "Spanish (es) or English (en)", "LanguageIn"),
    Rule("established-twice", insert(f"{R71} untoc:establishes {WG4}"),
         WG4, "WorkingGroup-establishedBy", "at most one untoc:Mandate", "MaxCount"),
    Rule("established-by-not-mandate", replace(WG4, "untoc:establishedBy", SEC),
         WG4, "WorkingGroup-establishedBy", "at most one untoc:Mandate", "Class"),
    Rule("made-standing-not-mandate", insert(f"{WG4} untoc:madeStandingElementBy {SEC}"),
         WG4, "WorkingGroup-madeStandingElementBy", "mandates only", "Class"),
    Rule("encouraged-not-mandate", insert(f"{WG4} untoc:encouragedToMeetAnnuallyBy {VIENNA}"),
         WG4, "WorkingGroup-encouragedToMeetAnnuallyBy", "mandates only", "Class"),
    Rule("holds-not-meeting", insert(f"{WG4} untoc:holds {S12}"),
         WG4, "WorkingGroup-holds", "meetings only", "Class"),
    Rule("characteristic-outside-set", insert("untoc:permanent a untoc:GroupCharacteristic"),
         "untoc:permanent", "GroupCharacteristicShape", "closed set", "In"),
    # Meetings.
    Rule("meeting-without-group", drop(M13, "untoc:meetingOf"),
         M13, "Meeting-meetingOf", "exactly one untoc:WorkingGroup", "MinCount"),
    Rule("meeting-of-two-groups", insert(f"{M14} untoc:meetingOf {WG4}. <{ID}group/WG.7> untoc:holds {M14}"),
         M14, "Meeting-meetingOf", "exactly one untoc:WorkingGroup", "MaxCount"),
    Rule("meeting-of-not-group", replace(M13, "untoc:meetingOf", CONF),
         M13, "Meeting-meetingOf", "exactly one untoc:WorkingGroup", "Class"),
    Rule("status-unknown", replace(M13, "untoc:statusAsReported", "untoc:postponed"),
         M13, "Meeting-statusAsReported", "untoc:held or untoc:scheduled", "In"),
    Rule("status-twice", insert(f"{M13} untoc:statusAsReported untoc:scheduled"),
         M13, "Meeting-statusAsReported", "at most one untoc:statusAsReported", "MaxCount"),
    Rule("produces-not-report", insert(f"{M13} untoc:produces {AGENDA}"),
         M13, "Meeting-produces", "reports only", "Class"),
    Rule("ordinal-shared", replace(M14, "untoc:ordinal", '"13"^^xsd:integer'),
         M14, "Meeting-uniqueOrdinal", "share this ordinal", "SPARQL"),
    Rule("ordinal-against-date", replace(M14, "untoc:startDate", '"2023-06-01"^^xsd:date'),
         M14, "Meeting-ordinalFollowsDate", "numbered in date order", "SPARQL"),
    Rule("held-in-the-future", replace(M14, "untoc:statusAsReported", "untoc:held"),
         M14, "Meeting-statusMatchesSourceDate", "contradicts the source's date", "SPARQL"),
    Rule("scheduled-in-the-past", replace(M13, "untoc:statusAsReported", "untoc:scheduled"),
         M13, "Meeting-statusMatchesSourceDate", "contradicts the source's date", "SPARQL"),
    Rule("status-outside-set", insert("untoc:postponed a untoc:MeetingStatus"),
         "untoc:postponed", "MeetingStatusShape", "closed set", "In"),
    # Documents.
    Rule("symbol-malformed", replace(AGENDA, "untoc:symbol", '"CTOC COP 2024 1"'),
         AGENDA, "Document-symbol", "UN document symbol", "Pattern"),
    Rule("symbol-twice", insert(f'{AGENDA} untoc:symbol "CTOC/COP/2024/1/Corr.1"'),
         AGENDA, "Document-symbol", "at most one untoc:symbol", "MaxCount"),
    Rule("symbol-tagged", replace(AGENDA, "untoc:symbol", '"CTOC/COP/2024/1"@en'),
         AGENDA, "Document-symbol", "UN document symbol", "Datatype"),
    Rule("symbol-not-iri", replace(AGENDA, "untoc:symbol", '"CTOC/COP/2024/2"'),
         AGENDA, "Document-symbolMatchesIri", "id/document/{symbol}", "SPARQL"),
    Rule("official-copy-other-symbol", replace(R2023, "untoc:officialCopy", "<https://undocs.org/CTOC/COP/WG.4/2023/6>"),
         R2023, "Document-officialCopy", "https://undocs.org/ followed by its symbol", "SPARQL"),
    Rule("official-copy-literal", replace(R2023, "untoc:officialCopy", '"https://undocs.org/CTOC/COP/WG.4/2023/5"'),
         R2023, "Document-officialCopy", "https://undocs.org/ followed by its symbol", "NodeKind"),
    Rule("official-copy-without-symbol", insert(f"{DOCNOTE} untoc:officialCopy <https://undocs.org/CTOC/COP/2024/2>"),
         DOCNOTE, "Document-officialCopy", "https://undocs.org/ followed by its symbol", "SPARQL"),
    Rule("official-copy-missing", drop(R2024, "untoc:officialCopy"),
         R2024, "Document-officialCopyNeeded", "links its untoc:officialCopy", "SPARQL"),
    Rule("submitted-to-not-session", insert(f"{R2023} untoc:submittedTo {CONF}"),
         R2023, "Document-submittedTo", "sessions only", "Class"),
    Rule("pursuant-to-not-mandate", insert(f"{R2023} untoc:submittedPursuantTo {WG4}"),
         R2023, "Document-submittedPursuantTo", "mandates only", "Class"),
    Rule("issued-on-string", replace(DOCNOTE, "untoc:issuedOn", '"4 de julio de 2024"'),
         DOCNOTE, "Document-issuedOn", "xsd:date", "Datatype"),
    Rule("distribution-unknown", replace(DOCNOTE, "untoc:distribution", '"public"'),
         DOCNOTE, "Document-distribution", '"general", "limited" or "restricted"', "In"),
    Rule("written-in-plain-string", replace(DOCNOTE, "untoc:writtenIn", '"es"'),
         DOCNOTE, "Document-writtenIn", "xsd:language", "Datatype"),
    Rule("written-in-not-un-language", replace(DOCNOTE, "untoc:writtenIn", '"de"^^xsd:language'),
         DOCNOTE, "Document-writtenIn", "official UN language", "In"),
    Rule("originally-in-twice", insert(f'{DOCNOTE} untoc:originallyIn "fr"^^xsd:language'),
         DOCNOTE, "Document-originallyIn", "at most one untoc:originallyIn", "MaxCount"),
    Rule("authored-by-not-secretariat", insert(f"{R2023} untoc:authoredBy {CONF}"),
         R2023, "Document-authoredBy", "the Secretariat", "Class"),
    Rule("prepared-for-not-event", insert(f"{DOCNOTE} untoc:preparedFor {CONF}"),
         DOCNOTE, "Document-preparedFor", "sessions (untoc:Session) or meetings", "Or"),
    Rule("under-item-not-item", insert(f"{DOCNOTE} untoc:underAgendaItem {AGENDA}"),
         DOCNOTE, "Document-underAgendaItem", "agenda items only", "Class"),
    # Reports.
    Rule("report-without-symbol", drop(R2023, "untoc:symbol") + ";" + drop(R2023, "untoc:officialCopy"),
         R2023, "Report-symbol", "CTOC/COP/WG.{n}/{year}/{number}", "MinCount"),
    Rule("report-symbol-corrigendum", replace(R2023, "untoc:symbol", '"CTOC/COP/WG.4/2023/5/Corr.1"'),
         R2023, "Report-symbol", "CTOC/COP/WG.{n}/{year}/{number}", "Pattern"),
    Rule("report-without-meeting", delete(f"{M13} untoc:produces {R2023}"),
         R2023, "Report-reportOf", "exactly one untoc:Meeting or untoc:Session", "MinCount"),
    Rule("report-of-not-meeting-or-session", replace(R2024, "untoc:reportOf", CONF),
         R2024, "Report-reportOf", "exactly one untoc:Meeting or untoc:Session", "Or"),
    Rule("report-of-two-meetings", insert(f"{R2024} untoc:reportOf {M13}"),
         R2024, "Report-reportOf", "exactly one untoc:Meeting or untoc:Session", "MaxCount"),
    Rule("report-symbol-other-series", replace(R2024, "untoc:symbol", '"CTOC/COP/WG.7/2024/5"'),
         R2024, "Report-symbolInGroupSeries", "symbol series of the group", "SPARQL"),
    Rule("report-symbol-other-year", replace(R2023, "untoc:symbol", '"CTOC/COP/WG.4/2022/5"'),
         R2023, "Report-symbolYear", "the year its meeting starts", "SPARQL"),
    Rule("note-without-author", drop(DOCNOTE, "untoc:authoredBy"),
         DOCNOTE, "Note-authoredBy", "authoredBy the Secretariat", "MinCount"),
    # Agendas.
    Rule("agenda-without-session", drop(AGENDA, "untoc:agendaOf"),
         AGENDA, "ProvisionalAgenda-agendaOf", "exactly one untoc:Session", "MinCount"),
    Rule("agenda-of-not-session", replace(AGENDA, "untoc:agendaOf", CONF),
         AGENDA, "ProvisionalAgenda-agendaOf", "exactly one untoc:Session or untoc:Meeting", "Or"),
    Rule("agenda-item-not-item", insert(f"{AGENDA} untoc:hasItem {S12}"),
         AGENDA, "ProvisionalAgenda-hasItem", "agenda items only", "Class"),
    Rule("item-without-agenda", drop(ITEM, "untoc:itemOf"),
         ITEM, "AgendaItem-itemOf", "exactly one untoc:ProvisionalAgenda", "MinCount"),
    Rule("item-of-not-agenda", replace(ITEM, "untoc:itemOf", DOCNOTE),
         ITEM, "AgendaItem-itemOf", "exactly one untoc:ProvisionalAgenda", "Class"),
    Rule("item-number-missing", drop(ITEM, "untoc:itemNumber"),
         ITEM, "AgendaItem-itemNumber", "exactly one untoc:itemNumber", "MinCount"),
    Rule("item-number-decimal", replace(ITEM, "untoc:itemNumber", '"2.0"^^xsd:decimal'),
         ITEM, "AgendaItem-itemNumber", "xsd:integer", "Datatype"),
    Rule("item-number-not-iri", replace(ITEM, "untoc:itemNumber", '"3"^^xsd:integer'),
         ITEM, "AgendaItem-numberMatchesIri", "{agenda IRI}/item/{number}", "SPARQL"),
    # Instruments.
    Rule("instrument-both-kinds", insert(f"{TIP} a untoc:Convention"),
         TIP, "InstrumentShape", "either the untoc:Convention or a untoc:Protocol", "Xone"),
    Rule("convention-supplements", insert(f"{CONV} untoc:supplements {TIP}"),
         CONV, "Convention-supplements", "Only Protocols supplement", "MaxCount"),
    Rule("protocol-supplements-nothing", drop(TIP, "untoc:supplements"),
         TIP, "Protocol-supplements", "supplements the Convention", "MinCount"),
    Rule("protocol-supplements-not-convention", replace(TIP, "untoc:supplements", CONF),
         TIP, "Protocol-supplements", "supplements the Convention", "Class"),
    # Passages.
    Rule("passage-of-nothing", drop(P1, "untoc:passageOf"),
         P1, "Passage-passageOf", "exactly one untoc:Document", "MinCount"),
    Rule("passage-of-not-document", replace(P1, "untoc:passageOf", S12),
         P1, "Passage-passageOf", "exactly one untoc:Document", "Class"),
    Rule("passage-of-other-document", replace(P1, "untoc:passageOf", R2023),
         P1, "Passage-iri", "after the document it is part of", "SPARQL"),
    Rule("passage-without-text", drop(P2, "untoc:text"),
         P2, "Passage-text", "has its untoc:text", "MinCount"),
    Rule("passage-text-untagged", replace(P2, "untoc:text", '"En su resolución 7/1"'),
         P2, "Passage-text", "language-tagged", "Datatype"),
    Rule("passage-text-empty", replace(P2, "untoc:text", '""@es'),
         P2, "Passage-text", "the exact text as printed", "MinLength"),
    Rule("passage-text-twice-in-one-language", insert(f'{PH} untoc:text "Nota del Secretario"@es'),
         PH, "Passage-text", "one per language version", "UniqueLang"),
    Rule("meeting-without-first-day", drop(M13, "untoc:startDate"),
         M13, "Meeting-startDate", "the key it is known by", "MinCount"),
    Rule("meeting-iri-not-its-first-day", replace(M13, "untoc:startDate", '"2023-10-01"^^xsd:date'),
         M13, "Meeting-startDateMatchesIri", "its IRI ends with its untoc:startDate", "SPARQL"),
    Rule("paragraph-number-decimal", replace(P1, "untoc:paragraphNumber", '"1.0"^^xsd:decimal'),
         P1, "Passage-paragraphNumber", "xsd:integer", "Datatype"),
    Rule("paragraph-number-zero", insert(f'{PH} untoc:paragraphNumber "0"^^xsd:integer'),
         PH, "Passage-paragraphNumber", "xsd:integer", "MinInclusive"),
    Rule("numbered-paragraph-without-number", drop(P3, "untoc:paragraphNumber"),
         P3, "Passage-numberedParagraph", "is the numbered paragraph n", "SPARQL"),
    Rule("numbered-paragraph-other-number", replace(P3, "untoc:paragraphNumber", '"4"^^xsd:integer'),
         P3, "Passage-numberedParagraph", "is the numbered paragraph n", "SPARQL"),
    # Source graphs.
    Rule("source-without-document", drop(SOURCE, "untoc:sourceDocument"),
         SOURCE, "SourceGraph-sourceDocument", "exactly one untoc:sourceDocument", "MinCount"),
    Rule("source-not-document", replace(SOURCE, "untoc:sourceDocument", S12),
         SOURCE, "SourceGraph-sourceDocument", "exactly one untoc:sourceDocument", "Class"),
    Rule("source-other-document", replace(SOURCE, "untoc:sourceDocument", R2023),
         SOURCE, "SourceGraph-iri", "named graph/{path} after its document", "SPARQL"),
    Rule("source-graph-iri", insert(f"<{ID}secretariat-note> a untoc:SourceGraph"),
         f"<{ID}secretariat-note>", "SourceGraphShape", "graph/{document path}", "Pattern"),
]

# Functional properties take one value at most; the remaining datatypes and value sets.
RULES += [
    Rule("item-number-twice", insert(f'{ITEM} untoc:itemNumber "3"^^xsd:integer'),
         ITEM, "AgendaItem-itemNumber", "exactly one untoc:itemNumber", "MaxCount"),
    Rule("item-number-zero", replace(ITEM, "untoc:itemNumber", '"0"^^xsd:integer'),
         ITEM, "AgendaItem-itemNumber", "xsd:integer", "MinInclusive"),
    Rule("item-of-two-agendas", insert(f"<{DOC}CTOC/COP/2022/1> untoc:hasItem {ITEM}"),
         ITEM, "AgendaItem-itemOf", "exactly one untoc:ProvisionalAgenda", "MaxCount"),
    Rule("distribution-twice", insert(f'{DOCNOTE} untoc:distribution "limited"'),
         DOCNOTE, "Document-distribution", "at most one untoc:distribution", "MaxCount"),
    Rule("issued-twice", insert(f'{DOCNOTE} untoc:issuedOn "2024-07-05"^^xsd:date'),
         DOCNOTE, "Document-issuedOn", "at most one untoc:issuedOn", "MaxCount"),
    Rule("originally-in-plain-string", replace(DOCNOTE, "untoc:originallyIn", '"en"'),
         DOCNOTE, "Document-originallyIn", "xsd:language", "Datatype"),
    Rule("originally-in-not-un-language", replace(DOCNOTE, "untoc:originallyIn", '"pt"^^xsd:language'),
         DOCNOTE, "Document-originallyIn", "official UN language", "In"),
    Rule("adopted-twice", insert(f"{D44} untoc:adoptedAt {S12}"),
         D44, "Mandate-adoptedAt", "exactly one untoc:Session", "MaxCount"),
    Rule("mandate-number-integer", replace(D44, "untoc:mandateNumber", '"44"^^xsd:integer'),
         D44, "Mandate-mandateNumber", "a string N/M", "Datatype"),
    Rule("reaffirmed-twice", insert(f"{D44} untoc:reaffirmedInLaterResolutions true, false"),
         D44, "Mandate-reaffirmedInLaterResolutions", "at most one xsd:boolean", "MaxCount"),
    Rule("paragraph-number-twice", insert(f'{P1} untoc:paragraphNumber "2"^^xsd:integer'),
         P1, "Passage-paragraphNumber", "at most one untoc:paragraphNumber", "MaxCount"),
    Rule("passage-of-two-documents", insert(f"{P1} untoc:passageOf {R2023}"),
         P1, "Passage-passageOf", "exactly one untoc:Document", "MaxCount"),
    Rule("agenda-of-two-sessions", insert(f"{AGENDA} untoc:agendaOf {S7}"),
         AGENDA, "ProvisionalAgenda-agendaOf", "exactly one untoc:Session", "MaxCount"),
    Rule("session-of-two-conferences", insert(f"{S7} untoc:sessionOf <{ID}conference-2>"),
         S7, "Session-sessionOf", "exactly one untoc:Conference", "MaxCount"),
    Rule("source-of-two-documents", insert(f"{SOURCE} untoc:sourceDocument {R2023}"),
         SOURCE, "SourceGraph-sourceDocument", "exactly one untoc:sourceDocument", "MaxCount"),
    Rule("purpose-untagged", insert(f'{WG4} untoc:purpose "asesorar a la Conferencia"'),
         WG4, "WorkingGroup-purpose", "language-tagged", "Datatype"),
    Rule("subsidiary-of-two", insert(f"{WG4} untoc:subsidiaryOf <{ID}conference-2>"),
         WG4, "WorkingGroup-subsidiaryOf", "exactly one untoc:Conference", "MaxCount"),
    Rule("series-tagged", replace(WG4, "untoc:symbolSeries", '"CTOC/COP/WG.4"@en'),
         WG4, "WorkingGroup-symbolSeries", "exactly one untoc:symbolSeries", "Datatype"),
    Rule("series-twice", insert(f'{WG4} untoc:symbolSeries "CTOC/COP/WG.7"'),
         WG4, "WorkingGroup-symbolSeries", "exactly one untoc:symbolSeries", "MaxCount"),
    Rule("topic-french", insert(f'{WG4} untoc:topic "traite des personnes"@fr'),
         WG4, "WorkingGroup-topic", "Spanish (es) or English (en)", "LanguageIn"),
    Rule("end-date-twice", insert(f'{M14} untoc:endDate "2024-07-10"^^xsd:date'),
         M14, "endDate", "at most one untoc:endDate", "MaxCount"),
    Rule("ordinal-twice", insert(f'{S12} untoc:ordinal "13"^^xsd:integer'),
         S12, "ordinal", "exactly one untoc:ordinal", "MaxCount"),
    Rule("title-two-english", insert(f'{D44} untoc:title "Trafficking in persons"@en'),
         D44, "title-languages", "one per language", "UniqueLang"),
]


def link_graph(node: str = LINKS, source: str | None = "<https://example.org/source>", comment: bool = True) -> str:
    """The triples of a graph of links out whose one source references Q1741 (a valid one by default)."""
    triples = [f'{node} a untoc:LinkGraph ; rdfs:label "Enlaces"@es, "Links"@en']
    if comment:
        triples.append(f'{node} rdfs:comment "Verified in the source it cites."@en')
    if source is not None:
        triples.append(f"{node} <http://purl.org/dc/terms/source> {source}")
        if source.startswith("<"):
            triples.append(f"{source} <http://purl.org/dc/terms/references> {Q1741}")
    return " . ".join(triples)


RULES += [
    # Links out: the graph of links, and each link in it.
    Rule("link-graph-iri", insert(link_graph(f"<{ID}links>")),
         f"<{ID}links>", "LinkGraphShape", "graph/links-{dataset}", "Pattern"),
    Rule("link-graph-uncited", insert(link_graph(source=None)),
         LINKS, "LinkGraph-source", "at least one dcterms:source", "MinCount"),
    Rule("link-graph-source-literal", insert(link_graph(source='"the README"')),
         LINKS, "LinkGraph-source", "at least one dcterms:source", "NodeKind"),
    Rule("link-graph-unexplained", insert(link_graph(comment=False)),
         LINKS, "LinkGraph-comment", "how its links were verified", "QualifiedMinCount"),
    Rule("link-page-url", insert(f"{link_graph()} . {VIENNA} {EXACT} <https://www.wikidata.org/wiki/Q1741>"),
         VIENNA, "exactMatch-wikidata", "entity IRI", "Pattern"),
    Rule("link-literal", insert(f'{link_graph()} . {VIENNA} {EXACT} "Q1741"'),
         VIENNA, "exactMatch-wikidata", "entity IRI", "NodeKind"),
    Rule("link-uncited", insert(f"{VIENNA} {EXACT} {Q1741}"),
         VIENNA, "exactMatch-cited", "cited where it was verified", "SPARQL"),
    Rule("link-other-item", insert(f"{link_graph()} . {VIENNA} {EXACT} <http://www.wikidata.org/entity/Q1742>"),
         VIENNA, "exactMatch-cited", "cited where it was verified", "SPARQL"),
    Rule("link-from-session", insert(f"{link_graph()} . {S12} {EXACT} {Q1741}"),
         S12, "LinkShape", "Only the Conference", "Pattern"),
    Rule("link-from-blank", insert(f"{link_graph()} . [] {EXACT} {Q1741}"),
         None, "LinkShape", "Only the Conference", "NodeKind"),
    Rule("same-as", insert(f"{VIENNA} {SAME_AS} {Q1741}"),
         VIENNA, "sameAs-none", "never owl:sameAs", "MaxCount"),
]

# A blank node of each class breaks the IRI contract of its shape.
IRI_NAMED = ["Mandate", "Conference", "Session", "Secretariat", "WorkingGroup", "Meeting", "Document", "Report",
             "Note", "ProvisionalAgenda", "BackgroundPaper", "DraftResolution", "DraftDecision", "ConferenceRoomPaper",
             "InformationDocument", "AgendaItem", "Instrument", "Place", "Passage", "SourceGraph", "LinkGraph"]
RULES += [Rule(f"blank-{name}", insert(f"[] a untoc:{name}"), None, f"{name}Shape", "named by an IRI", "NodeKind")
          for name in IRI_NAMED]


@pytest.fixture(scope="module")
def valid() -> Graph:
    return read_graph([VALID])


def term(text: str) -> URIRef:
    """A SPARQL term of the rules (``<iri>`` or ``untoc:name``) as an rdflib IRI."""
    return URIRef(UNTOC + text.removeprefix("untoc:")) if text.startswith("untoc:") else URIRef(text.strip("<>"))


def copy(graph: Graph) -> Graph:
    result = Graph()
    for triple in graph:
        result.add(triple)
    return result


def test_valid_fixture_conforms(valid: Graph, shapes: Graph, hierarchy: Graph) -> None:
    conforms, found, _ = validate_graph(valid, shapes, hierarchy)
    assert conforms, "\n".join(v.message for v in found)
    assert found == ()


def test_valid_fixture_conforms_with_the_ontology(valid: Graph, shapes: Graph, ontology: Graph) -> None:
    conforms, found, _ = validate_graph(valid, shapes, ontology)
    assert conforms, "\n".join(f"{v.focus} {v.message}" for v in found)


@pytest.mark.parametrize("rule", RULES, ids=[rule.id for rule in RULES])
def test_rule_fires(rule: Rule, valid: Graph, shapes: Graph, hierarchy: Graph) -> None:
    broken = copy(valid)
    broken.update(UPDATE_PREFIXES + rule.update)
    assert set(broken) != set(valid), "the mutation changed nothing"

    conforms, found, _ = validate_graph(broken, shapes, hierarchy)

    assert not conforms
    shape = URIRef(SHAPES_NS + rule.shape)
    matching = [v for v in found if v.source_shape == shape and _focus_matches(v, rule)]
    assert matching, f"no {rule.shape} result on {rule.focus}; got:\n" + "\n".join(
        f"{v.focus} {v.source_shape} {v.message}" for v in found)
    violation = next((v for v in matching if v.component == SH[rule.component + "ConstraintComponent"]), None)
    assert violation is not None, f"{rule.shape} fired with {[str(v.component) for v in matching]}"
    assert violation.severity == SH.Violation
    assert violation.message == str(shapes.value(shape, SH.message)), "not the shape's own message"
    assert rule.phrase in violation.message
    path = shapes.value(shape, SH.path)
    if isinstance(path, URIRef):
        assert violation.path == path


@pytest.mark.parametrize("suffix,conforms", [("en", True), ("fr", True), ("de", False), ("draft", False)])
def test_a_language_version_has_a_graph_of_its_own(suffix: str, conforms: bool, valid: Graph, shapes: Graph,
                                                  hierarchy: Graph) -> None:
    """graph/{document path}/{official language} is a further language version's graph; nothing else is."""
    version = copy(valid)
    version.update(UPDATE_PREFIXES + insert(
        f"<{SOURCE[1:-1]}/{suffix}> a untoc:SourceGraph ; untoc:sourceDocument {DOCNOTE} ; "
        f'rdfs:label "Hechos, otra versión"@es, "Facts, another version"@en'))
    _, found, _ = validate_graph(version, shapes, hierarchy)
    fired = [v for v in found if v.source_shape == URIRef(SHAPES_NS + "SourceGraph-iri")]
    assert (fired == []) == conforms, fired


LINK_RULES = [rule for rule in RULES if rule.component == "Class"]


@pytest.mark.parametrize("rule", LINK_RULES, ids=[rule.id for rule in LINK_RULES])
def test_wrong_link_fails_with_the_ontology(rule: Rule, valid: Graph, shapes: Graph, ontology: Graph) -> None:
    """With the ontology's ranges, RDFS inference gives the wrongly linked node the expected class, so
    sh:class is satisfied: the disjointness of the model's classes must catch the link instead."""
    broken = copy(valid)
    broken.update(UPDATE_PREFIXES + rule.update)
    conforms, found, _ = validate_graph(broken, shapes, ontology)
    assert not conforms
    assert all(v.message == str(shapes.value(v.source_shape, SH.message)) for v in found)


def _focus_matches(violation: Violation, rule: Rule) -> bool:
    if rule.focus is None:
        return isinstance(violation.focus, BNode)
    return violation.focus == term(rule.focus)


def test_parsed_query_cache_changes_no_result(valid: Graph, shapes: Graph, hierarchy: Graph) -> None:
    """validate_graph reuses parsed SPARQL constraints across focus nodes and calls: same results as pyshacl alone."""
    broken = copy(valid)
    for rule_id in ("ordinal-shared", "report-symbol-other-year", "label-en", "held-in-the-future", "two-classes"):
        broken.update(UPDATE_PREFIXES + next(r.update for r in RULES if r.id == rule_id))
    validate_graph(valid, shapes, hierarchy)  # fills the cache with the same query texts

    _, cached, _ = validate_graph(broken, shapes, hierarchy)
    _, report, _ = pyshacl.validate(broken, shacl_graph=shapes, ont_graph=hierarchy, inference="rdfs", allow_warnings=True)

    def key(v: Violation) -> tuple:
        return v.focus, v.source_shape, v.component, v.value, v.message

    assert len(cached) >= 6
    assert sorted(map(key, cached)) == sorted(map(key, violations(report)))


def test_every_rule_is_proven_to_fire(shapes: Graph) -> None:
    """Each shape that constrains anything by itself has at least one mutation above that trips it."""
    constraining = {SH.minCount, SH.maxCount, SH.datatype, SH["class"], SH["in"], SH.pattern, SH.nodeKind, SH.xone,
                    SH.languageIn, SH.uniqueLang, SH.qualifiedValueShape, SH.sparql, SH.minInclusive, SH.minLength}
    own = {s for s, p, _ in shapes if p in constraining and isinstance(s, URIRef)}
    tested = {URIRef(SHAPES_NS + rule.shape) for rule in RULES}
    assert sorted(own - tested) == []
    tested_components = {(URIRef(SHAPES_NS + r.shape), r.component) for r in RULES}
    names = {SH.minCount: "MinCount", SH.maxCount: "MaxCount", SH.datatype: "Datatype", SH["class"]: "Class",
             SH["in"]: "In", SH.pattern: "Pattern", SH.nodeKind: "NodeKind", SH.xone: "Xone",
             SH.languageIn: "LanguageIn", SH.uniqueLang: "UniqueLang", SH.qualifiedValueShape: "QualifiedMinCount",
             SH.sparql: "SPARQL", SH.minInclusive: "MinInclusive", SH.minLength: "MinLength"}
    untested = sorted(f"{s} {names[p]}" for s, p, _ in shapes
                      if p in constraining and isinstance(s, URIRef) and (s, names[p]) not in tested_components)
    assert untested == []


def test_one_node_shape_per_class_of_the_model(shapes: Graph) -> None:
    model = (PROJECT_ROOT / "docs" / "model.md").read_text()
    section = model.split("## Classes", 1)[1].split("\n## ", 1)[0]
    classes = re.findall(r"^\| `(\w+)` \|", section, flags=re.M)
    assert len(classes) >= 20
    targeted = {o for s in shapes.subjects(RDF.type, SH.NodeShape) for o in shapes.objects(s, SH.targetClass)}
    assert sorted(c for c in classes if URIRef(UNTOC + c) not in targeted) == []


def test_shapes_use_only_terms_of_the_model(shapes: Graph) -> None:
    model = (PROJECT_ROOT / "docs" / "model.md").read_text()
    used = {str(t) for triple in shapes for t in triple if isinstance(t, URIRef) and str(t).startswith(UNTOC)}
    names = set(re.findall(r"`(?:untoc:)?(\w+)`", model))
    unknown = sorted(t for t in used if t.removeprefix(UNTOC) not in names)
    assert unknown == []


def test_shapes_use_only_terms_of_the_ontology(shapes: Graph, ontology: Graph) -> None:
    used = {t for triple in shapes for t in triple if isinstance(t, URIRef) and str(t).startswith(UNTOC)}
    assert sorted(str(t) for t in used if (t, RDF.type, None) not in ontology) == []


def test_shapes_are_named_documented_and_safe(shapes: Graph) -> None:
    node_shapes = set(shapes.subjects(RDF.type, SH.NodeShape))
    property_shapes = set(shapes.objects(None, SH.property)) | set(shapes.subjects(RDF.type, SH.PropertyShape))
    assert len(node_shapes) >= 21
    for shape in node_shapes | property_shapes:
        assert isinstance(shape, URIRef) and str(shape).startswith(SHAPES_NS), f"{shape} is not a shapes# IRI"
        assert shapes.value(shape, SH.message) is not None, f"{shape} has no sh:message"
        assert shapes.value(shape, SH.name) or shapes.value(shape, RDFS.label), f"{shape} has no name"
    for constraint in shapes.objects(None, SH.sparql):
        assert shapes.value(constraint, SH.message) is not None
        assert shapes.value(constraint, RDFS.label) is not None
        select = str(shapes.value(constraint, SH.select))
        assert "$this" in select, "a SPARQL constraint must start from its focus node"
        assert not re.search(r"\b(SERVICE|FROM|GRAPH)\b", select)
    advanced = {URIRef(str(SH) + name) for name in ("rule", "target", "condition", "js", "jsFunctionName")}
    assert not [t for t in shapes if t[1] in advanced or t[1] == OWL.imports]
    advanced_types = {URIRef(str(SH) + name) for name in ("SPARQLTarget", "SPARQLRule", "TripleRule", "JSConstraint")}
    assert not [t for t in shapes.triples((None, RDF.type, None)) if t[2] in advanced_types]
    closed = shapes.value(URIRef(SHAPES_NS + "Meeting-statusAsReported"), SH["in"])
    assert set(Collection(shapes, closed)) == {URIRef(UNTOC + "held"), URIRef(UNTOC + "scheduled")}


def test_shapes_conform_to_shacl_shacl(shapes: Graph) -> None:
    conforms, _, text = pyshacl.validate(shapes, shacl_graph=shapes, meta_shacl=True, advanced=False)
    assert conforms, text


def test_real_data_conforms() -> None:
    data = PROJECT.data_files()
    if not data:
        pytest.skip("data/*.trig is not written yet")
    reports = validate_files(data, PROJECT.shapes_files(), PROJECT.ontology_files())
    assert [r.path for r in reports] == data
    assert all(r.conforms for r in reports), "\n".join(f"{r.path}\n{r.text}" for r in reports)


@pytest.fixture(scope="module")
def broken_file(tmp_path_factory: pytest.TempPathFactory, valid: Graph) -> Path:
    """The valid fixture with a meeting that ends before it starts, as a TriG file."""
    broken = copy(valid)
    broken.update(UPDATE_PREFIXES + replace(M13, "untoc:endDate", '"2023-10-01"^^xsd:date'))
    path = tmp_path_factory.mktemp("shapes") / "broken.trig"
    path.write_text(broken.serialize(format="trig"))
    return path


def test_validate_command(broken_file: Path) -> None:
    def run(*paths: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*untoc_kg_command(), "validate", *map(str, paths)],
                              capture_output=True, text=True, timeout=300, cwd=PROJECT_ROOT)

    ok = run(VALID)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert f"ok   {VALID}" in ok.stdout

    failed = run(VALID, broken_file)
    assert failed.returncode == 1
    assert f"FAIL {broken_file}" in failed.stdout
    assert "1 of 2 data file(s) conform" in failed.stdout
    assert f"{M13} untoc:endDate = \"2023-10-01\"^^xsd:date" in failed.stdout
    assert "An event ends on or after the day it starts" in failed.stdout
    assert "untocsh:endsAfterStart" in failed.stdout
    assert "Traceback" not in failed.stderr


def test_ci_script_runs_the_pyshacl_command(broken_file: Path) -> None:
    script = PROJECT_ROOT / ".ci" / "validate-data"
    env = {**os.environ, "PATH": f"{PROJECT_ROOT / '.venv' / 'bin'}:{os.environ['PATH']}"}
    if PROJECT.data_files():
        project = subprocess.run([str(script)], capture_output=True, text=True, timeout=600, env=env)
        assert project.returncode == 0, project.stdout + project.stderr
        assert all(f"ok   {path}" in project.stdout for path in PROJECT.data_files())

    failed = subprocess.run([str(script), str(VALID), str(broken_file)], capture_output=True, text=True,
                            timeout=600, env=env)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert f"ok   {VALID}" in failed.stdout
    assert f"FAIL {broken_file}" in failed.stdout
    assert "Validation Report" in failed.stdout  # pyshacl's own report, not ours
    assert "untocsh:endsAfterStart" in failed.stdout or "shapes#endsAfterStart" in failed.stdout
