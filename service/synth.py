"""A synthetic UN-like corpus in the model of docs/model.md, for benchmarks and scale tests.

The corpus has the project's shape at any size: a Conference meeting every two years since 2000,
many working groups (WG.1, WG.2, …) each founded by a decision and meeting twice a year, and for
every meeting three Secretariat notes issued before it and a report issued after it, each with its
UN symbol (CTOC/COP/WG.{n}/{year}/{number}) and numbered paragraphs as passages. Every document is
one source graph that restates, with provenance, the nodes it mentions, exactly like data/*.trig,
so each graph passes the shapes on its own (validation is per source document).

Quads are written as N-Quads lines while they are made, so memory stays flat at any size (10 M
triples take a few minutes). IRIs use the canonical base by default, like the project's data, so
``untoc-kg build`` rebases them; ``base_iri`` writes a served base directly instead, which lets the
benchmarks bulk-load the file unchanged (``--data``), as a deployment of a big corpus would.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TextIO

from .namespaces import CANONICAL_BASE

RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
RDFS_LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
XSD = "http://www.w3.org/2001/XMLSchema#"
DOCUMENTS_PER_MEETING = 4
MEETINGS_PER_GROUP = 48
FIRST_YEAR = 2001

TOPICS = [
    ("trata de personas", "trafficking in persons"),
    ("tráfico ilícito de migrantes", "smuggling of migrants"),
    ("armas de fuego", "firearms"),
    ("cooperación internacional", "international cooperation"),
    ("asistencia técnica", "technical assistance"),
    ("blanqueo de dinero", "money laundering"),
    ("delitos cibernéticos", "cybercrime"),
    ("delitos que afectan al medio ambiente", "crimes that affect the environment"),
    ("corrupción", "corruption"),
    ("tráfico de bienes culturales", "trafficking in cultural property"),
    ("decomiso del producto del delito", "confiscation of the proceeds of crime"),
    ("protección de testigos", "witness protection"),
]
ORDINALS_EN = {1: "st", 2: "nd", 3: "rd"}
SENTENCE_PARTS = (
    ["El Grupo de Trabajo", "La Conferencia", "La Secretaría", "Los Estados partes", "Varios oradores",
     "La Presidencia", "Un representante", "Los expertos"],
    ["examinó", "recomendó", "subrayó", "observó con preocupación", "acogió con beneplácito", "tomó nota de",
     "destacó", "reafirmó"],
    ["la importancia de la cooperación internacional", "las dificultades en la aplicación de la Convención",
     "las buenas prácticas en la investigación", "la necesidad de asistencia técnica",
     "el intercambio de información entre autoridades centrales", "la recopilación de datos fiables",
     "la protección de las víctimas", "el fortalecimiento de la capacidad institucional"],
    ["en relación con", "a la luz de", "con especial referencia a", "de conformidad con"],
)


@dataclass(frozen=True)
class Document:
    """One synthetic source document: a note before a meeting, or the report after it."""

    group: int
    meeting: int
    kind: str
    number: int
    start: date
    issued: date
    paragraphs: int

    @property
    def year(self) -> int:
        return self.start.year

    @property
    def symbol(self) -> str:
        return f"CTOC/COP/WG.{self.group}/{self.year}/{self.number}"

    @property
    def session(self) -> int:
        """The session of the Conference that the document goes to: the next biennial one."""
        return (self.year - 2000) // 2 + 1


def documents(count: int, seed: int) -> Iterator[Document]:
    """``count`` documents, in the order their groups and meetings come (reproducible for a seed)."""
    rng = random.Random(seed)
    made = 0
    meeting_index = 0
    while made < count:
        group = meeting_index // MEETINGS_PER_GROUP + 1
        ordinal = meeting_index % MEETINGS_PER_GROUP + 1
        year = FIRST_YEAR + (ordinal - 1) // 2
        half = (ordinal - 1) % 2
        start = date(year, 3 + 6 * half, 1) + timedelta(days=rng.randrange(20))
        for slot in range(DOCUMENTS_PER_MEETING):
            if made == count:
                return
            is_report = slot == DOCUMENTS_PER_MEETING - 1
            issued = start + timedelta(days=40 + rng.randrange(30)) if is_report else start - timedelta(days=30 + slot)
            yield Document(group, ordinal, "Report" if is_report else "Note",
                           half * DOCUMENTS_PER_MEETING + slot + 1, start, issued, rng.randrange(8, 33))
            made += 1
        meeting_index += 1


class Writer:
    """N-Quads lines for one graph at a time, IRIs under one base."""

    def __init__(self, out: TextIO, base: str) -> None:
        self.out = out
        self.base = base
        self.untoc = f"{base}ontology#"
        self.graph = ""
        self.count = 0

    def iri(self, path: str) -> str:
        return f"<{self.base}{path}>"

    def term(self, name: str) -> str:
        return f"<{self.untoc}{name}>"

    def quad(self, s: str, p: str, o: str) -> None:
        self.out.write(f"{s} {p} {o} {self.graph} .\n")
        self.count += 1

    def add(self, s: str, name: str, o: str) -> None:
        self.quad(s, self.term(name), o)

    def node(self, s: str, cls: str, es: str, en: str, stated: list[str]) -> None:
        """A fact-bearing node: its class, labels in both languages, and the passages that state it."""
        self.quad(s, RDF_TYPE, self.term(cls))
        self.quad(s, RDFS_LABEL, text(es, "es"))
        self.quad(s, RDFS_LABEL, text(en, "en"))
        for passage in stated:
            self.add(s, "statedIn", passage)


def text(value: str, lang: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"@' + lang


def typed(value: object, datatype: str) -> str:
    return f'"{value}"^^<{XSD}{datatype}>'


def english_ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else ORDINALS_EN.get(n % 10, "th")
    return f"{n}{suffix}"


def write_document(w: Writer, doc: Document, rng: random.Random) -> None:
    """One source graph: the document, what it mentions, and its paragraphs as passages."""
    path = f"document/{doc.symbol}"
    document = w.iri(f"id/{path}")
    w.graph = w.iri(f"graph/{doc.symbol}")
    passages = [w.iri(f"id/{path}/passage/{n}") for n in range(1, doc.paragraphs + 1)]
    topic_es, topic_en = TOPICS[doc.group % len(TOPICS)]
    group = w.iri(f"id/group/WG.{doc.group}")
    meeting = w.iri(f"id/meeting/WG.{doc.group}/{doc.start.isoformat()}")
    session = w.iri(f"id/session/{doc.session}")
    founded_at = doc.group % 11 + 1
    decision = w.iri(f"id/decision/{founded_at}/{doc.group}")
    group_es, group_en = f"Grupo de Trabajo {doc.group} sobre {topic_es}", f"Working Group {doc.group} on {topic_en}"
    meeting_es = f"{doc.meeting}ª reunión del {group_es}"
    meeting_en = f"{english_ordinal(doc.meeting)} meeting of the {group_en}"

    w.quad(w.graph, RDF_TYPE, w.term("SourceGraph"))
    w.quad(w.graph, RDFS_LABEL, text(f"Hechos del documento {doc.symbol}", "es"))
    w.quad(w.graph, RDFS_LABEL, text(f"Facts of document {doc.symbol}", "en"))
    w.add(w.graph, "sourceDocument", document)

    if doc.kind == "Report":
        title_es, title_en = f"Informe sobre la {meeting_es}", f"Report on the {meeting_en}"
    else:
        title_es, title_en = f"Documento de antecedentes {doc.number} para la {meeting_es}", \
            f"Background paper {doc.number} for the {meeting_en}"
    w.node(document, doc.kind, f"{title_es} ({doc.symbol})", f"{title_en} ({doc.symbol})", passages[:2])
    w.add(document, "title", text(title_es, "es"))
    w.add(document, "title", text(title_en, "en"))
    w.add(document, "symbol", f'"{doc.symbol}"')
    w.add(document, "officialCopy", f"<https://undocs.org/{doc.symbol}>")
    w.add(document, "issuedOn", typed(doc.issued.isoformat(), "date"))
    w.add(document, "distribution", '"general"')
    w.add(document, "writtenIn", typed("es", "language"))
    w.add(document, "originallyIn", typed("en", "language"))
    w.add(document, "authoredBy", w.iri("id/secretariat"))
    w.add(document, "submittedTo", session)
    w.add(document, "submittedPursuantTo", decision)
    if doc.kind == "Report":
        w.add(document, "reportOf", meeting)

    w.node(meeting, "Meeting", meeting_es, meeting_en, passages[:1])
    w.add(meeting, "meetingOf", group)
    w.add(meeting, "ordinal", typed(doc.meeting, "integer"))
    w.add(meeting, "startDate", typed(doc.start.isoformat(), "date"))
    w.add(meeting, "endDate", typed((doc.start + timedelta(days=2)).isoformat(), "date"))
    w.add(meeting, "place", w.iri("id/place/vienna"))
    w.add(meeting, "statusAsReported", w.term("held" if doc.issued >= doc.start else "scheduled"))
    if doc.kind == "Report":
        w.add(meeting, "produces", document)

    w.node(group, "WorkingGroup", group_es, group_en, passages[:1])
    w.add(group, "symbolSeries", f'"CTOC/COP/WG.{doc.group}"')
    w.add(group, "subsidiaryOf", w.iri("id/conference"))
    w.add(group, "establishedBy", decision)
    w.add(group, "establishedAs", w.term("openEnded"))
    w.add(group, "serves", w.iri("id/instrument/convention"))
    w.add(group, "topic", text(topic_es, "es"))
    w.add(group, "topic", text(topic_en, "en"))
    w.add(group, "holds", meeting)

    w.node(decision, "Decision", f"decisión {founded_at}/{doc.group}", f"decision {founded_at}/{doc.group}", passages[1:2])
    w.add(decision, "mandateNumber", f'"{founded_at}/{doc.group}"')
    w.add(decision, "adoptedAt", w.iri(f"id/session/{founded_at}"))
    w.add(decision, "title", text(topic_es, "es"))
    w.add(decision, "title", text(topic_en, "en"))
    w.add(decision, "establishes", group)

    for number in sorted({doc.session, founded_at}):
        node = w.iri(f"id/session/{number}")
        w.node(node, "Session", f"{number}º período de sesiones de la Conferencia de las Partes",
               f"{english_ordinal(number)} session of the Conference of the Parties", passages[:1])
        w.add(node, "ordinal", typed(number, "integer"))
        w.add(node, "sessionOf", w.iri("id/conference"))

    w.node(w.iri("id/conference"), "Conference",
           "Conferencia de las Partes en la Convención de las Naciones Unidas contra la Delincuencia Organizada Transnacional",
           "Conference of the Parties to the United Nations Convention against Transnational Organized Crime", passages[:1])
    w.node(w.iri("id/secretariat"), "Secretariat", "Secretaría", "Secretariat", passages[:1])
    w.node(w.iri("id/place/vienna"), "Place", "Viena", "Vienna", passages[:1])
    w.node(w.iri("id/instrument/convention"), "Convention",
           "Convención de las Naciones Unidas contra la Delincuencia Organizada Transnacional",
           "United Nations Convention against Transnational Organized Crime", passages[:1])

    for number, passage in enumerate(passages, start=1):
        w.node(passage, "Passage", f"{doc.symbol}, párrafo {number}", f"{doc.symbol}, paragraph {number}", [])
        w.add(passage, "passageOf", document)
        w.add(passage, "paragraphNumber", typed(number, "integer"))
        w.add(passage, "text", text(paragraph(rng, number, topic_es), "es"))


def paragraph(rng: random.Random, number: int, topic: str) -> str:
    """A paragraph of plausible UN Spanish, varied enough that text filters have work to do."""
    sentences = []
    for _ in range(rng.randrange(1, 4)):
        subject, verb, object_, link = (rng.choice(part) for part in SENTENCE_PARTS)
        sentences.append(f"{subject} {verb} {object_} {link} {topic}.")
    return f"{number}. " + " ".join(sentences)


def write_corpus(out: Path, count: int, base_iri: str | None = None, seed: int = 1,
                 progress: Callable[[str], None] = lambda _: None) -> int:
    """Write ``count`` source documents to ``out`` as N-Quads; returns the number of quads."""
    rng = random.Random(seed + 1)
    started = time.perf_counter()
    with out.open("w", encoding="utf-8", buffering=1 << 20) as stream:
        writer = Writer(stream, base_iri or CANONICAL_BASE)
        for index, doc in enumerate(documents(count, seed), start=1):
            write_document(writer, doc, rng)
            if index % 5000 == 0 or index == count:
                elapsed = time.perf_counter() - started
                progress(f"synth: {index:,}/{count:,} documents, {writer.count:,} quads "
                         f"({writer.count / max(elapsed, 1e-9):,.0f} quads/s)")
    return writer.count
