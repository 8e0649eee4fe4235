"""``untoc-kg ingest``: text in, one validated named graph out, or nothing out and the reasons why.

Order matters: extract, compare with the project's graphs, validate with the shapes, and only then
write (to a temporary file renamed into place), so that a refused document leaves ``data/`` byte for
byte as it was.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from rdflib import RDF, RDFS, Dataset, Graph, URIRef

from ..project import Project
from ..validation import validate_files
from . import names
from .extract import extract
from .provenance import DCTERMS, OA, UNTOC, dataset_of, is_annotation_node
from .report import Report

FUNCTIONAL = tuple(UNTOC[name] for name in (
    "startDate", "endDate", "place", "ordinal", "issuedOn", "symbol", "distribution", "originallyIn",
    "mandateNumber", "adoptedAt", "establishedBy", "symbolSeries", "subsidiaryOf", "meetingOf", "reportOf",
    "itemNumber", "itemOf", "agendaOf", "sessionOf", "paragraphNumber", "passageOf", "sourceDocument"))
# The shapes allow one per language: a second one is a conflict. A passage's text is one per language
# version, so the English version of a paragraph joins the Spanish one instead of contradicting it.
ONE_PER_LANGUAGE = (RDFS.label, UNTOC.title, UNTOC.text)
_SPANISH_HINTS = (" de la ", " del ", " los ", " las ", " en su ", " sobre ")
_ENGLISH_HINTS = (" of the ", " the ", " on ", " in its ", " and ")


class IngestRefused(Exception):
    """The graph was not written; ``status`` is the exit status (2: usage, 1: the document's fault)."""

    def __init__(self, message: str, report: Report, status: int = 1) -> None:
        super().__init__(message)
        self.report = report
        self.status = status


@dataclass(frozen=True)
class Options:
    """What the command line asks for."""

    source: Path
    lang: str | None = None
    out: Path | None = None
    force: bool = False
    allow_conflicts: bool = False


def guess_language(text: str) -> str:
    """Spanish or English, by a handful of function words: enough for UN prose, and overridable."""
    lowered = f" {text.lower()} "
    spanish = sum(lowered.count(word) for word in _SPANISH_HINTS)
    english = sum(lowered.count(word) for word in _ENGLISH_HINTS)
    return "es" if spanish >= english else "en"


def default_output(project: Project, graph_iri: URIRef) -> Path:
    """``data/{graph path with / as -}.trig``: one file per source document."""
    return project.data_dir / (str(graph_iri).removeprefix(names.GRAPH).replace("/", "-") + ".trig")


def ingest(options: Options, project: Project) -> Report:
    """Run the whole ingest; returns the report of a written graph, raises IngestRefused otherwise."""
    text = options.source.read_text(encoding="utf-8")
    lang = options.lang or guess_language(text)
    report = Report(options.source, lang)
    data = {path.resolve(): _read(path) for path in project.data_files()}
    outcome = extract(text, lang)
    graph = outcome.facts.graph()
    out = options.out or default_output(project, graph.identifier)
    report.document, report.graph = str(outcome.facts.document), str(graph.identifier)
    report.facts, report.triples = len(outcome.facts.evidence), len(graph)
    report.not_understood, report.notes = outcome.not_understood, outcome.notes
    if out.exists() and not options.force:
        report.outcome = f"refused: {out} exists (use --force to replace it)"
        raise IngestRefused(report.outcome, report, status=2)
    others = [dataset for path, dataset in data.items() if path != out.resolve()]  # the file replaced is no witness
    into_project = out.parent.resolve() == project.data_dir.resolve()
    report.conflicts = conflicts(graph, others, same_graph_is_conflict=into_project)
    _validate(graph, project, report)
    if report.conflicts and not options.allow_conflicts:
        report.outcome = (f"refused: {len(report.conflicts)} conflict(s) with the existing graph "
                          "(--allow-conflicts to write anyway)")
        raise IngestRefused(report.outcome, report)
    _write(graph, out)
    report.outcome = f"wrote {out}"
    out.with_name(out.name + ".report.txt").write_text(report.text(), encoding="utf-8")
    return report


def _read(path: Path) -> Dataset:
    dataset = Dataset(default_union=True)  # a node's description spans the file's graphs
    dataset.parse(path, format="trig")
    return dataset


def conflicts(graph: Graph, existing: list[Dataset], same_graph_is_conflict: bool = True) -> list[str]:
    """Facts of ``graph`` that contradict the project: another value of a functional property of the
    same node (another date for the same meeting), or, when it is to join the project, a graph name
    that another data file already holds."""
    found = []
    if same_graph_is_conflict and any(len(d.graph(graph.identifier)) for d in existing):
        found.append(f"the graph {graph.identifier} is already in the project")
    for predicate in (*FUNCTIONAL, *ONE_PER_LANGUAGE):
        for subject, value in graph.subject_objects(predicate):
            others = {o for d in existing for _, _, o, _ in d.quads((subject, predicate, None, None))
                      if predicate in FUNCTIONAL or getattr(o, "language", None) == getattr(value, "language", None)}
            if others and value not in others:
                shown = ", ".join(sorted(_short(o.n3()) for o in others))
                found.append(f"{subject} {predicate.n3()}: new {_short(value.n3())}, existing {shown}")
    return found + _shared_ordinals(graph, existing)


def _shared_ordinals(graph: Graph, existing: list[Dataset]) -> list[str]:
    """Two meetings of one group with one ordinal: the same meeting given two first days (so two
    IRIs), which only the merged graph shows. Reported with the words of both sides."""
    found = []
    for meeting, ordinal in graph.subject_objects(UNTOC.ordinal):
        group = graph.value(meeting, UNTOC.meetingOf)
        for dataset in existing:
            for other, _, _, _ in dataset.quads((None, UNTOC.ordinal, ordinal, None)):
                if other != meeting and any(dataset.quads((other, UNTOC.meetingOf, group, None))):
                    found.append(f"{group} holds two meetings numbered {ordinal}: new {meeting} "
                                 f"({_said(graph, meeting)}), existing {other} ({_said(dataset, other)})")
    return found


def _said(graph: Graph, meeting: URIRef) -> str:
    """Where a meeting's first day is stated: the quoted words of its annotation, else its passages."""
    for annotation in graph.subjects(RDF.subject, meeting):
        if graph.value(annotation, RDF.predicate) == UNTOC.startDate:
            selectors = graph.objects(graph.value(annotation, OA.hasTarget), OA.hasSelector)
            exact = next((o for selector in selectors for o in graph.objects(selector, OA.exact)), None)
            if exact is not None:
                return f'"{exact}" in {graph.value(annotation, DCTERMS.source)}'
    passages = sorted(str(p) for p in graph.objects(meeting, UNTOC.statedIn))
    return "stated in " + ", ".join(passages) if passages else "no passage given"


def _short(text: str, limit: int = 100) -> str:
    """A value shown in one line of the report: long passage texts are cut, with an ellipsis."""
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _validate(graph: Graph, project: Project, report: Report) -> None:
    """The shapes' verdict on the new graph alone, as ``untoc-kg validate`` gives it for a data file."""
    facts = Graph(identifier=graph.identifier)
    for triple in graph:
        if not is_annotation_node(triple[0]):
            facts.add(triple)  # no shape targets the annotation nodes: leaving them out only saves time
    with tempfile.TemporaryDirectory(prefix="untoc-ingest-") as folder:
        candidate = Path(folder) / "candidate.trig"
        dataset_of(facts).serialize(candidate, format="trig")
        result = validate_files([candidate], project.shapes_files(), project.ontology_files())[0]
    if not result.conforms:
        report.violations = result.text
        report.outcome = "refused: the graph violates the shapes; nothing was written"
        raise IngestRefused(report.outcome, report)


def _write(graph: Graph, out: Path) -> None:
    """TriG to a temporary file beside ``out``, renamed into place: never a half-written file."""
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    os.close(handle)
    try:
        dataset_of(graph).serialize(temporary, format="trig")
        os.chmod(temporary, 0o644)
        os.replace(temporary, out)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
