"""``untoc-kg ingest``: documents in, one validated named graph each out, or the reasons why not.

Per document, order matters: read, extract, compare with the project's graphs (and the documents
accepted before it in the same run), validate with the shapes; a refused document is reported and
the next one read. Only at the end are the accepted graphs written (to temporary files renamed into
place), so that a failure leaves ``data/`` byte for byte as it was.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rdflib import RDF, Graph, URIRef

from ..project import Project
from ..validation import validate_files
from . import names
from .extract import extract
from .provenance import UNTOC, dataset_of, is_annotation_node
from .reconcile import Merged
from .report import Report
from .sources import REPORT_SUFFIX, document_files, read_source

_SPANISH_HINTS = (" de la ", " del ", " los ", " las ", " en su ", " sobre ")
_ENGLISH_HINTS = (" of the ", " the ", " on ", " in its ", " and ")


@dataclass(frozen=True)
class Options:
    """What the command line asks for."""

    sources: tuple[Path, ...]
    lang: str | None = None
    out: Path | None = None
    force: bool = False
    allow_conflicts: bool = False


class _Refused(Exception):
    """One document is not written; ``status``: 2 for what the user asked (a file that exists, one
    that cannot be read or named), 1 for the document's fault (violations, conflicts)."""

    def __init__(self, outcome: str, status: int) -> None:
        super().__init__(outcome)
        self.status = status


Progress = Callable[[int, int, Path], None]


def guess_language(text: str) -> str:
    """Spanish or English, by a handful of function words: enough for UN prose, and overridable."""
    lowered = f" {text.lower()} "
    spanish = sum(lowered.count(word) for word in _SPANISH_HINTS)
    english = sum(lowered.count(word) for word in _ENGLISH_HINTS)
    return "es" if spanish >= english else "en"


def default_output(project: Project, graph_iri: URIRef) -> Path:
    """``data/{graph path with / as -}.trig``: one file per source document (and language version)."""
    return project.data_dir / (str(graph_iri).removeprefix(names.GRAPH).replace("/", "-") + ".trig")


def ingest(options: Options, project: Project, progress: Progress | None = None) -> list[Report]:
    """Every document of ``options.sources``: each is written or refused with its reasons, and the
    written ones land in ``data/`` together at the end, or (on any failure) none of them."""
    files = document_files(options.sources)
    if not files:
        raise ValueError("no document found (.pdf, .txt or .md) in " + ", ".join(map(str, options.sources)))
    if options.out is not None and len(files) != 1:
        raise ValueError(f"--out names one output file, and {len(files)} documents were given")
    merged = Merged(project.data_files())
    accepted: dict[Path, Graph] = {}
    written: dict[Path, Report] = {}
    reports = []
    for index, path in enumerate(files):
        if progress is not None:
            progress(index, len(files), path)
        report = Report(path, options.lang or "")
        try:
            graph, out = _candidate(path, options, project, merged, accepted, report)
        except _Refused as refused:
            report.outcome, report.status = f"refused: {refused}", refused.status
        else:
            accepted[out], written[out] = graph, report
            report.outcome = f"wrote {out}"
        reports.append(report)
    if progress is not None:
        progress(len(files), len(files), files[-1])
    _write_all(accepted, written)
    return reports


def _candidate(path: Path, options: Options, project: Project, merged: Merged, accepted: dict[Path, Graph],
               report: Report) -> tuple[Graph, Path]:
    """One document read, extracted, placed, checked against the merge and validated: its graph and
    where it goes (the merge keeps it only when it is accepted)."""
    try:
        source = read_source(path)
        report.lang = options.lang or guess_language(source.text)
        report.removed = list(source.removed)
        outcome = extract(source.text, report.lang, merged.learnt_names())
    except ValueError as error:  # unreadable, or nothing names the document (ExtractionError)
        raise _Refused(str(error), 2) from None
    graph = outcome.facts.graph()
    report.document, report.facts, report.triples = str(outcome.facts.document), len(outcome.facts.evidence), len(graph)
    report.not_understood, report.notes = outcome.not_understood, outcome.notes
    report.kinds = _kinds(graph)
    graph, out = _place(graph, options.out or default_output(project, graph.identifier), report.lang, merged,
                        explicit=options.out is not None)
    report.graph = str(graph.identifier)
    if out in accepted or (out.exists() and not options.force):
        raise _Refused(f"{out} exists (use --force to replace it)", 2)
    into_project = out.parent.resolve() == project.data_dir.resolve()
    if into_project and merged.holds(report.graph) and report.graph not in merged.graphs_of.get(out.resolve(), set()):
        raise _Refused(f"the graph {report.graph} is already in the project, in another file", 2)
    report.conflicts = [c.describe() for c in merged.check(graph, out if into_project else None)]
    report.violations = _violations(graph, project)
    if report.violations or (report.conflicts and not options.allow_conflicts):
        merged.refuse()
        if report.violations:
            raise _Refused("the graph violates the shapes; nothing was written", 1)
        raise _Refused(f"{len(report.conflicts)} conflict(s) with the existing graph (--allow-conflicts to write "
                       "anyway)", 1)
    merged.accept()
    return graph, out


def _place(graph: Graph, out: Path, lang: str, merged: Merged, explicit: bool) -> tuple[Graph, Path]:
    """Another language version of a document already in the project gets a graph of its own,
    ``{graph}/{lang}``, written to ``{file}.{lang}.trig``; the same version again keeps its name,
    so that it is refused or replaces the file with --force."""
    iri = str(graph.identifier)
    if explicit or not merged.holds(iri) or lang in merged.text_languages(iri):
        return graph, out
    renamed = URIRef(f"{iri}/{lang}")
    moved = Graph(identifier=renamed)
    for triple in graph:
        moved.add(tuple(renamed if term == graph.identifier else term for term in triple))
    return moved, out.with_name(f"{out.stem}.{lang}{out.suffix}")


def _kinds(graph: Graph) -> dict[str, int]:
    """How many things of each class of the ontology the graph describes (annotations aside)."""
    counted: dict[str, int] = {}
    for _, cls in graph.subject_objects(RDF.type):
        if str(cls).startswith(str(UNTOC)) and cls not in (UNTOC.Passage, UNTOC.SourceGraph):
            name = str(cls).removeprefix(str(UNTOC))
            counted[name] = counted.get(name, 0) + 1
    return counted


def _violations(graph: Graph, project: Project) -> str:
    """The shapes' verdict on the new graph alone, as ``untoc-kg validate`` gives it for a data file
    ("" when it conforms)."""
    facts = Graph(identifier=graph.identifier)
    for triple in graph:
        if not is_annotation_node(triple[0]):
            facts.add(triple)  # no shape targets the annotation nodes: leaving them out only saves time
    with tempfile.TemporaryDirectory(prefix="untoc-ingest-") as folder:
        candidate = Path(folder) / "candidate.trig"
        dataset_of(facts).serialize(candidate, format="trig")
        result = validate_files([candidate], project.shapes_files(), project.ontology_files())[0]
    return "" if result.conforms else result.text


def _write_all(accepted: dict[Path, Graph], reports: dict[Path, Report]) -> None:
    """Every accepted graph to a temporary file beside its output, then all renamed into place, and
    the reports beside them: a failure before the renames leaves ``data/`` as it was."""
    temporaries: dict[Path, str] = {}
    try:
        for out, graph in accepted.items():
            out.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
            os.close(handle)
            temporaries[out] = temporary
            dataset_of(graph).serialize(temporary, format="trig")
            os.chmod(temporary, 0o644)
        for out, temporary in temporaries.items():
            os.replace(temporary, out)
    finally:
        for temporary in temporaries.values():
            if os.path.exists(temporary):
                os.unlink(temporary)
    for out, report in reports.items():
        out.with_name(out.name + REPORT_SUFFIX).write_text(report.text(), encoding="utf-8")
