"""SHACL validation of the project's data: the gate that every graph passes before it is loaded.

Each data file (one source document) is validated on its own together with the ontology, so that
validation time grows linearly with the number of documents instead of with one giant graph.

The validator is pyshacl, and the results are exactly those of ``pyshacl.validate(data,
shacl_graph=shapes, ont_graph=ontology, inference="rdfs")``; only the way there is faster. That call
spent ~0.9 s on a 200-triple document, nearly all of it redoing per document what is the same for
every document: mixing the ontology in and closing it under RDFS, reading the shapes graph, parsing
each SPARQL constraint, and evaluating the same SPARQL constraint once per focus node. A ``Gate``
does the ontology's part once (with pyshacl's own code) and adds only what each document entails, so
pyshacl validates the very graph its inference would have built, with inference off; the caches
around pyshacl and rdflib (``_speedups``, ``_Entailed``) are each exact, and say why. Many files are
spread over worker processes, one gate each.

A file that is not valid RDF is a ValueError in one line naming the file, line and column. What
validation finds (``Verdict``) is written as text, JSON, GitHub workflow commands or a SHACL report,
each violation at the line of its file where its node is written (``locations.py``, docs/validation.md).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain, islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pyshacl.shape
from pyshacl import Validator
from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP
from pyshacl.errors import ValidationFailure
from pyshacl.graph_abstraction import DataGraph
from pyshacl.helper.sparql_query_helper import SPARQLQueryHelper
from pyshacl.rdfutil.inoculate import inoculate
from pyshacl.shapes_graph import ShapesGraph
from rdflib import RDF, RDFS, SH, BNode, Dataset, Graph, Literal, URIRef, Variable
from rdflib.extras.shacl import parse_shacl_path
from rdflib.namespace import NamespaceManager
from rdflib.paths import Path as RdfPath
from rdflib.plugins.sparql.evaluate import evalQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.processor import SPARQLResult, translateQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.plugins.stores.memory import Memory
from rdflib.term import Node

from .locations import not_utf8, source_lines
from .namespaces import CANONICAL_BASE

if TYPE_CHECKING:
    from .consistency import Contradiction

PREFIXES = {
    "untoc": CANONICAL_BASE + "ontology#",
    "untocsh": CANONICAL_BASE + "shapes#",
    "id": CANONICAL_BASE + "id/",
    "graph": CANONICAL_BASE + "graph/",
}
PARALLEL_FROM = 64  # files; fewer are validated in this process, as worker start-up would cost more than it saves
BATCH = 8  # sources sent to a worker at a time
Source = TypeVar("Source")
Triple = tuple[Node, Node, Node]


@dataclass(frozen=True)
class Violation:
    """One SHACL validation result, reduced to what a person fixing the data needs."""

    focus: Node
    path: Node | RdfPath | None
    value: Node | None
    source_shape: Node
    component: URIRef
    severity: URIRef
    message: str

    def describe(self, names: NamespaceManager) -> str:
        """Two lines: where (focus node, path, value) and why (the shape's message, the shape)."""
        return f"{self.where(names)}\n    {self.why(names)}"

    def where(self, names: NamespaceManager) -> str:
        """The focus node, the path and the value at fault."""
        where = _name(self.focus, names)
        if self.path is not None:
            where += f" {_name(self.path, names)}"
        if self.value is not None:
            where += f" = {_name(self.value, names)}"
        return where

    def why(self, names: NamespaceManager) -> str:
        """The shape's message, its severity unless a violation, the shape and the kind of constraint."""
        component = _name(self.component, names).removeprefix("sh:").removesuffix("ConstraintComponent")
        severity = "" if self.severity == SH.Violation else f"{_name(self.severity, names)}: "
        return f"{severity}{self.message} [{_name(self.source_shape, names)}, {component}]"


@dataclass(frozen=True)
class FileReport:
    """The outcome of validating one data file."""

    path: Path
    conforms: bool
    violations: tuple[Violation, ...]
    graph: Graph

    @property
    def text(self) -> str:
        """A readable report: one entry per violation, sorted by focus node, IRIs in prefixed form."""
        if not self.violations:
            return "conforms"
        names = _names()
        lines = [f"{len(self.violations)} result(s):"]
        lines += [f"  {v.describe(names)}" for v in sorted(self.violations, key=_sort_key)]
        return "\n".join(lines)


Outcome = tuple[bool, tuple[Violation, ...], Graph]


def read_graph(paths: list[Path]) -> Graph:
    """Every triple of ``paths`` in one rdflib graph, named graphs flattened.

    A file that cannot be read as RDF is a ValueError in one line that says where (``_parse``).
    """
    graph = Graph()
    for path in paths:
        for s, p, o, _ in _parse(path).quads((None, None, None, None)):
            graph.add((s, p, o))
    return graph


FORMATS = {".ttl": "turtle", ".trig": "trig", ".nt": "nt", ".nq": "nquads", ".rdf": "xml", ".jsonld": "json-ld"}
FORMAT_NAMES = {"turtle": "Turtle", "trig": "TriG", "nt": "N-Triples", "nquads": "N-Quads", "xml": "RDF/XML",
                "json-ld": "JSON-LD"}


def rdf_format(path: Path) -> str:
    """The rdflib parser name for a file, from its extension."""
    try:
        return FORMATS[path.suffix]
    except KeyError:
        known = ", ".join(FORMATS)
        raise ValueError(f"{path}: unknown RDF file extension {path.suffix!r} (known: {known})") from None


def _parse(path: Path) -> Dataset:
    """One file's quads. Bad input is a ValueError in one line: a folder, an empty file, or a parse
    error with the file, line and column where the parser knows them (``_syntax_error``)."""
    kind = rdf_format(path)
    if not path.is_file():
        raise ValueError(f"{path} is a folder, not an RDF file" if path.is_dir() else f"no such file: {path}")
    dataset = Dataset()
    try:
        with _ill_typed_literals_quiet():
            dataset.parse(path, format=kind)
    except OSError:
        raise
    except Exception as error:  # each parser has its own exceptions; all mean the file is not valid
        raise ValueError(_syntax_error(path, kind, error)) from None
    if next(iter(dataset.quads((None, None, None, None))), None) is None:
        raise ValueError(f"{path}: {'the file is empty' if not path.stat().st_size else 'no RDF statements'}")
    return dataset


def _syntax_error(path: Path, kind: str, error: Exception) -> str:
    """Where and why a file is not valid RDF, in one line.

    rdflib knows the line for some formats only, and words it over several lines with the raw text;
    oxigraph's parsers give line, column and a short reason for every format, so the file is read
    again with oxigraph to say where. Only if oxigraph accepts the file is rdflib's reason given.
    """
    import pyoxigraph as ox

    if isinstance(error, UnicodeDecodeError):
        data = path.read_bytes()
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as bad:
            return not_utf8(path, data, bad)
    oxigraph = {"turtle": ox.RdfFormat.TURTLE, "trig": ox.RdfFormat.TRIG, "nt": ox.RdfFormat.N_TRIPLES,
                "nquads": ox.RdfFormat.N_QUADS, "xml": ox.RdfFormat.RDF_XML, "json-ld": ox.RdfFormat.JSON_LD}
    try:
        for _ in ox.parse(path=str(path), format=oxigraph[kind]):
            pass
    except SyntaxError as located:
        reason = located.msg.partition(": ")[2] or located.msg
        return f"{path}:{located.lineno}:{located.offset}: {FORMAT_NAMES[kind]} syntax error: {reason}"
    reason = " ".join(str(error).split())
    return f"{path}: not valid {FORMAT_NAMES[kind]}: {reason[:300]}"


@contextmanager
def _ill_typed_literals_quiet() -> Iterator[None]:
    """rdflib logs a traceback for each literal that does not fit its datatype ("thirteen"^^xsd:integer),
    above the report that names it, located: the shapes judge literals (sh:datatype), so while a
    file is parsed those records are dropped."""
    logger = logging.getLogger("rdflib.term")
    logger.addFilter(_not_a_conversion_failure)
    try:
        yield
    finally:
        logger.removeFilter(_not_a_conversion_failure)


def _not_a_conversion_failure(record: logging.LogRecord) -> bool:
    return not record.getMessage().startswith("Failed to convert Literal lexical form")


def validate_graph(data: Graph, shapes: Graph, ontology: Graph) -> Outcome:
    """Validate one source document's triples, with the ontology's class hierarchy and RDFS inference.

    SHACL Core and SHACL-SPARQL only: advanced features (rules, SPARQL targets) would run code from
    the shapes graph, and owl:imports would fetch from the network.
    """
    return _gate_for(shapes, ontology).validate(data)


def validate_files(data_files: list[Path], shapes_files: list[Path], ontology_files: list[Path]) -> list[FileReport]:
    """Validate each data file against the shapes, with the ontology for class and property hierarchy.

    Many files are validated in worker processes, one per CPU; the reports come in the files' order.
    """
    workers = _cpus() if len(data_files) >= PARALLEL_FROM else 1
    outcomes = validate_many(data_files, _read_file, shapes_files, ontology_files, workers)
    return [FileReport(path, *outcome) for path, outcome in outcomes]


def validate_many(sources: Iterable[Source], load: Callable[[Source], Graph], shapes_files: list[Path],
                  ontology_files: list[Path], workers: int = 1) -> Iterator[tuple[Source, Outcome]]:
    """Each source's graph (``load(source)``) validated on its own, in order, lazily.

    With ``workers`` > 1 the sources go, a batch at a time, to that many processes, each with its own
    gate: so ``load`` and the sources must pickle, and parsing is spread too. Only a few batches are in
    flight at once, so that millions of triples never sit in memory together.
    """
    if workers <= 1:
        gate = Gate(read_graph(shapes_files), read_graph(ontology_files))
        yield from ((source, gate.validate(load(source))) for source in sources)
        return
    with ProcessPoolExecutor(workers, initializer=_start_worker, initargs=(shapes_files, ontology_files)) as pool:
        pending: deque[tuple[list[Source], Future[list[Outcome]]]] = deque()
        for batch in _batches(sources, BATCH):
            pending.append((batch, pool.submit(_validate_batch, load, batch)))
            if len(pending) > 2 * workers:
                yield from _finished(pending.popleft())
        while pending:
            yield from _finished(pending.popleft())


def violations(report: Graph) -> tuple[Violation, ...]:
    """The results of a pyshacl report graph."""
    found = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        messages = sorted(str(m) for m in report.objects(result, SH.resultMessage))
        found.append(Violation(
            focus=report.value(result, SH.focusNode),
            path=_path(report, report.value(result, SH.resultPath)),
            value=report.value(result, SH.value),
            source_shape=report.value(result, SH.sourceShape),
            component=report.value(result, SH.sourceConstraintComponent),
            severity=report.value(result, SH.resultSeverity),
            message=" / ".join(messages) or "(no message)",
        ))
    return tuple(found)


def _path(report: Graph, node: Node | None) -> Node | RdfPath | None:
    """A result path; a complex one (alternative, inverse) as an rdflib path that prints as SPARQL."""
    if isinstance(node, BNode):
        return parse_shacl_path(report, node)
    return node


def _names() -> NamespaceManager:
    names = NamespaceManager(Graph(), bind_namespaces="core")
    for prefix, namespace in PREFIXES.items():
        names.bind(prefix, namespace)
    names.bind("sh", SH)
    return names


def _name(node: Node | RdfPath, names: NamespaceManager) -> str:
    if isinstance(node, (RdfPath, Literal)):
        return node.n3(names)
    if isinstance(node, URIRef):
        return names.normalizeUri(node)
    return str(node)


def _sort_key(violation: Violation) -> tuple[str, str]:
    return str(violation.focus), str(violation.source_shape)


# --- Reports for people and for CI: text, JSON, GitHub workflow commands, a SHACL report ------------

SEVERITIES = {SH.Violation: "error", SH.Warning: "warning", SH.Info: "notice"}  # GitHub's annotation levels
REPORT_FORMATS = ("text", "json", "github")


@dataclass(frozen=True)
class Located:
    """A violation with where its focus node is written: the file, the line (None: not found in the
    text, as for a blank node), and the node's label, so that a maintainer goes straight to it."""

    file: Path
    line: int | None
    label: str | None
    violation: Violation

    @property
    def place(self) -> str:
        return f"{self.file}:{self.line}" if self.line else f"{self.file} (line unknown)"


@dataclass(frozen=True)
class Verdict:
    """What ``untoc-kg validate`` found: each file's report, its violations located, and the
    contradictions between the files (which have graphs, not lines)."""

    reports: list[FileReport]
    located: list[Located]
    contradictions: list[Contradiction]

    @classmethod
    def of(cls, reports: list[FileReport], contradictions: list[Contradiction]) -> Verdict:
        return cls(reports, [found for report in reports for found in locate(report)], contradictions)

    @property
    def conforms(self) -> bool:
        return all(report.conforms for report in self.reports) and not self.contradictions

    @property
    def summary(self) -> str:
        failed = sum(not report.conforms for report in self.reports)
        return (f"{len(self.reports) - failed} of {len(self.reports)} data file(s) conform to the shapes; "
                f"{len(self.contradictions)} contradiction(s) between them")

    def text(self) -> str:
        """Each file ok or FAIL, each violation as ``file:line: node path = value — "label"`` and the
        shape's message, each contradiction, then the summary."""
        names = _names()
        lines = []
        for report in self.reports:
            lines.append(f"{'ok  ' if report.conforms else 'FAIL'} {report.path}")
            for found in (f for f in self.located if f.file == report.path):
                label = f' — "{found.label}"' if found.label else ""
                lines += [f"  {found.place}: {found.violation.where(names)}{label}",
                          f"    {found.violation.why(names)}"]
        lines += [f"contradiction: {contradiction.describe()}" for contradiction in self.contradictions]
        return "\n".join([*lines, self.summary])

    def json(self) -> dict[str, Any]:
        """The report as docs/validation-report.schema.json describes it."""
        return {
            "conforms": self.conforms,
            "files": [{"file": str(r.path), "conforms": r.conforms, "violations": len(r.violations)}
                      for r in self.reports],
            "violations": [_violation_json(found) for found in self.located],
            "contradictions": [{"subject": c.subject, "predicate": c.predicate,
                                "statements": [{"value": value, "graph": graph, "words": words}
                                               for value, graph, words in c.sides]}
                               for c in self.contradictions],
        }

    def github(self, workspace: Path) -> str:
        """GitHub Actions workflow commands: one annotation per violation on its file and line (paths
        relative to ``workspace``, the checkout), one per contradiction, then the summary as a log line."""
        names = _names()
        lines = []
        for found in self.located:
            v = found.violation
            properties = {"file": _relative(found.file, workspace), "line": found.line,
                          "title": f"{_name(v.source_shape, names)} ({found.label or _name(v.focus, names)})"}
            lines.append(_command(SEVERITIES.get(v.severity, "error"), properties, f"{v.message} — {v.where(names)}"))
        for contradiction in self.contradictions:
            lines.append(_command("error", {"title": "contradiction between documents"}, contradiction.describe()))
        return "\n".join([*lines, self.summary])

    def shacl(self) -> Graph:
        """One SHACL validation report (sh:ValidationReport) holding every file's results, as
        pyshacl's tools read it; contradictions are not SHACL results and are left out."""
        merged = Graph(bind_namespaces="core")
        merged.bind("sh", SH)
        top = BNode()
        merged.add((top, RDF.type, SH.ValidationReport))
        merged.add((top, SH.conforms, Literal(all(report.conforms for report in self.reports))))
        for report in self.reports:
            tops = set(report.graph.subjects(RDF.type, SH.ValidationReport))
            for s, p, o in report.graph:
                if s not in tops:
                    merged.add((s, p, o))
                elif p == SH.result:
                    merged.add((top, p, o))
        return merged


def locate(report: FileReport) -> list[Located]:
    """The report's violations with their lines in the file and their focus nodes' labels, in the
    order of the file."""
    if not report.violations:
        return []
    lines = source_lines(report.path.read_text(encoding="utf-8"), rdf_format(report.path))
    graph = read_graph([report.path])
    found = [Located(report.path, lines.line(str(v.focus)) if isinstance(v.focus, URIRef) else None,
                     _label(graph, v.focus), v) for v in report.violations]
    return sorted(found, key=lambda f: (f.line or 0, *_sort_key(f.violation)))


def _label(graph: Graph, node: Node) -> str | None:
    """The node's rdfs:label, in English where it has one (the shapes' messages are in English)."""
    labels = sorted(graph.objects(node, RDFS.label),
                    key=lambda label: (getattr(label, "language", None) != "en", str(label)))
    return str(labels[0]) if labels else None


def _violation_json(found: Located) -> dict[str, Any]:
    v = found.violation
    return {"file": str(found.file), "line": found.line, "focus": _term(v.focus), "label": found.label,
            "path": None if v.path is None else _term(v.path), "value": None if v.value is None else v.value.n3(),
            "message": v.message, "shape": _term(v.source_shape), "component": str(v.component),
            "severity": str(v.severity).removeprefix(str(SH))}


def _term(node: Node | RdfPath) -> str:
    """An IRI as it is, a blank node as ``_:id``, a complex path in SPARQL syntax."""
    return str(node) if isinstance(node, URIRef) else node.n3()


def _relative(path: Path, workspace: Path) -> str:
    """The path from the checkout's root, as GitHub names files in a pull request (else as given)."""
    try:
        return str(path.resolve().relative_to(workspace.resolve()))
    except ValueError:
        return str(path)


def _command(name: str, properties: Mapping[str, object], message: str) -> str:
    """One workflow command, escaped as the Actions runner reads it: in the message ``%``, CR and LF;
    in a property value also ``:`` and ``,``. A property without a value is left out."""
    def data(text: str) -> str:
        return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    def value(text: str) -> str:
        return data(text).replace(":", "%3A").replace(",", "%2C")

    given = ",".join(f"{key}={value(str(v))}" for key, v in properties.items() if v is not None)
    return f"::{name} {given}::{data(message)}" if given else f"::{name}::{data(message)}"


# --- Many files: worker processes ------------------------------------------------------------------

_worker_gate: Gate | None = None


def _cpus() -> int:
    """The CPUs this process may use; 1 in a daemon process, which may not start workers of its own."""
    if multiprocessing.current_process().daemon:
        return 1
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _read_file(path: Path) -> Graph:
    return read_graph([path])


def _start_worker(shapes_files: list[Path], ontology_files: list[Path]) -> None:
    global _worker_gate
    _worker_gate = Gate(read_graph(shapes_files), read_graph(ontology_files))


def _validate_batch(load: Callable[[Source], Graph], batch: list[Source]) -> list[Outcome]:
    assert _worker_gate is not None, "the worker was started without its gate"
    return [_worker_gate.validate(load(source)) for source in batch]


def _batches(sources: Iterable[Source], size: int) -> Iterator[list[Source]]:
    iterator = iter(sources)
    while batch := list(islice(iterator, size)):
        yield batch


def _finished(job: tuple[list[Source], Future[list[Outcome]]]) -> Iterator[tuple[Source, Outcome]]:
    batch, future = job
    return zip(batch, future.result())


# --- The gate: pyshacl's set-up done once -----------------------------------------------------------

_OPTIONS = {"inference": "none", "inplace": True, "advanced": False, "allow_warnings": True}


class Gate:
    """The shapes and the ontology, prepared once for validating many graphs as ``pyshacl.validate`` would.

    ``pyshacl.validate(..., ont_graph=ontology, inference="rdfs")`` copies the data graph, mixes the
    ontology's schema into it and runs owlrl's RDFS closure over both, every call. Here the ontology's
    part of that graph is built once, by the same pyshacl and owlrl code, and each data graph adds
    only its own consequences (``_entail``); pyshacl then validates that graph with inference off.
    The shapes are copied, so that later changes to the caller's graph cannot reach a gate kept for
    reuse, and read by pyshacl once instead of once per data graph.
    """

    def __init__(self, shapes: Graph, ontology: Graph) -> None:
        self._shapes = ShapesGraph(_frozen(shapes, ShapesGraph.system_triples))
        self._ontology = _ontology_closure(ontology)
        self._prefixes = list(ontology.namespaces())
        reuse: dict[type, _Reuse] = {}
        self._components = {parameter: reuse.setdefault(component, _Reuse(component))
                            for parameter, component in CONSTRAINT_PARAMETERS_MAP.items()}

    def validate(self, data: Graph) -> Outcome:
        """Conforms, the violations, and pyshacl's report graph, for ``data`` on its own."""
        validator = Validator(DataGraph.from_rdflib(self._entailed(data)), shacl_graph=self._shapes.graph,
                              options=dict(_OPTIONS))
        validator.shacl_graph = self._shapes
        try:
            with _speedups(self._components):
                conforms, report, _ = validator.run()
        except ValidationFailure as failure:
            raise ValueError(f"the shapes could not be applied: {failure}") from failure
        return bool(conforms), violations(report), report

    def _entailed(self, data: Graph) -> _Entailed:
        """The graph pyshacl's own inference would validate: data, ontology, closure, and their prefixes.

        The prefixes are bound as pyshacl's copy and mix-in bind them: pyshacl writes them in its
        messages, and rdflib parses every SPARQL query with them.
        """
        graph = _Entailed(_Layers(data.identifier, self._ontology, _entail(self._ontology, data)))
        for prefix, namespace in data.namespaces():
            graph.bind(prefix, namespace, override=True, replace=True)
        bound = {prefix for prefix, _ in graph.namespaces()}
        for prefix, namespace in self._prefixes:
            if prefix not in bound:
                graph.bind(prefix, namespace)
        return graph


_gates: dict[tuple[frozenset[Triple], frozenset[Triple]], Gate] = {}


def _gate_for(shapes: Graph, ontology: Graph) -> Gate:
    """A gate for these shapes and this ontology, reused while their contents stay the same."""
    key = (frozenset(shapes), frozenset(ontology))
    if key not in _gates:
        if len(_gates) >= 4:
            _gates.clear()
        _gates[key] = Gate(shapes, ontology)
    return _gates[key]


def _frozen(graph: Graph, extra: Iterable[Triple]) -> Graph:
    """A read-only copy of ``graph`` and ``extra``, with the same prefixes."""
    triples = _Triples()
    for s, p, o in [*graph, *extra]:
        triples.add(s, p, o)
    copy = _Frozen(_Layers(graph.identifier, triples), bind_namespaces="none")
    for prefix, namespace in graph.namespaces():
        copy.bind(prefix, namespace, override=True, replace=True)
    return copy


# --- RDFS: the ontology's closure once, each graph's own consequences ----------------------------------

TYPE, DOMAIN, RANGE, SUBPROPERTY, SUBCLASS = RDF.type, RDFS.domain, RDFS.range, RDFS.subPropertyOf, RDFS.subClassOf
# owlrl's one-premise rules on "x rdf:type C": (predicate, object) of what follows; None stands for x.
TYPE_RULES = {RDF.Property: ((SUBPROPERTY, None),), RDFS.Class: ((SUBCLASS, RDFS.Resource), (SUBCLASS, None)),
              RDFS.ContainerMembershipProperty: ((SUBPROPERTY, RDFS.member),),
              RDFS.Datatype: ((SUBCLASS, RDFS.Literal),)}
PREDICATE_SCHEMA = frozenset((DOMAIN, RANGE, SUBPROPERTY))
NOTHING: frozenset[Any] = frozenset()
NO_INDEX: dict[Any, Any] = {}  # never written


class _Triples:
    """Triples indexed three ways, for the RDFS rules' joins and for rdflib's triple patterns.

    The index by object is made when a pattern first needs it: the rules never do, and most graphs'
    patterns seldom.
    """

    def __init__(self) -> None:
        self.spo: dict[Node, dict[Node, set[Node]]] = {}
        self.pos: dict[Node, dict[Node, set[Node]]] = {}
        self.by_object: dict[Node, dict[Node, set[Node]]] | None = None
        self.size = 0

    def add(self, s: Node, p: Node, o: Node) -> bool:
        """Add a triple; False if it was there already."""
        objects = self.spo.setdefault(s, {}).setdefault(p, set())
        if o in objects:
            return False
        objects.add(o)
        self.pos.setdefault(p, {}).setdefault(o, set()).add(s)
        self.by_object = None
        self.size += 1
        return True

    @property
    def osp(self) -> dict[Node, dict[Node, set[Node]]]:
        if self.by_object is None:
            self.by_object = {}
            for p, by_o in self.pos.items():
                for o, subjects in by_o.items():
                    for s in subjects:
                        self.by_object.setdefault(o, {}).setdefault(s, set()).add(p)
        return self.by_object

    def __contains__(self, triple: Triple) -> bool:
        s, p, o = triple
        return o in self.spo.get(s, NO_INDEX).get(p, NOTHING)

    def objects(self, s: Node, p: Node) -> set[Node]:
        return self.spo.get(s, NO_INDEX).get(p, NOTHING)

    def subjects(self, p: Node, o: Node) -> set[Node]:
        return self.pos.get(p, NO_INDEX).get(o, NOTHING)

    def match(self, s: Node | None, p: Node | None, o: Node | None) -> Iterator[Triple]:
        """The triples that match a pattern (None: any term), as rdflib's stores answer ``triples``."""
        if s is not None and p is not None:
            found = self.objects(s, p)
            if o is None:
                return ((s, p, y) for y in found)
            return iter(((s, p, o),) if o in found else ())
        if s is not None:
            if o is None:
                return ((s, x, y) for x, objects in self.spo.get(s, NO_INDEX).items() for y in objects)
            return ((s, x, o) for x in self.osp.get(o, NO_INDEX).get(s, NOTHING))
        if p is not None:
            if o is None:
                return ((x, p, y) for y, subjects in self.pos.get(p, NO_INDEX).items() for x in subjects)
            return ((x, p, o) for x in self.subjects(p, o))
        if o is not None:
            return ((x, y, o) for x, predicates in self.osp.get(o, NO_INDEX).items() for y in predicates)
        return ((x, y, z) for x, by_p in self.spo.items() for y, objects in by_p.items() for z in objects)


def _ontology_closure(ontology: Graph) -> _Triples:
    """What pyshacl's pre-inference makes of the ontology alone: mixed into an empty graph, RDFS-closed.

    It is pyshacl's and owlrl's own code, so that this part of each validated graph is theirs exactly
    (owlrl also switches rdflib's lexical conversions of some datatypes, once, as before).
    """
    graph = DataGraph.from_rdflib(Graph())
    inoculate(graph, ontology)
    Validator._run_pre_inference(graph, "rdfs")
    closure = _Triples()
    for s, p, o in graph.impl:
        closure.add(s, p, o)
    return closure


def _entail(ontology: _Triples, data: Graph) -> _Triples:
    """The triples that data, mixed with the ontology, adds to the ontology's closure: data, then what follows.

    owlrl's RDFS closure (pyshacl's "rdfs" inference, axioms off) is a fixpoint of rules with at most
    two premises, plus "x rdf:type rdfs:Resource" for each subject and object of the starting graph
    (its first cycle only). The closure of ontology and data is therefore the ontology's closure, the
    data, the data's "rdfs:Resource" typing, and the fixpoint of the rules over these, which a worklist
    reaches by firing each new triple against everything already known: both premises of every rule
    meet when the later of the two is taken from the list.
    """
    rules = _Rules(ontology, _Triples())
    for triple in data:
        rules.add(triple)
    for term in {term for s, _, o in data for term in (s, o)}:
        rules.add((term, TYPE, RDFS.Resource))
    while rules.todo:
        for triple in rules.consequences(rules.todo.pop()):
            rules.add(triple)
    return rules.new


class _Rules:
    """owlrl's RDFS rules, fired by one triple against the ontology's closure and the triples ``new`` so far."""

    def __init__(self, ontology: _Triples, new: _Triples) -> None:
        self.ontology = ontology
        self.new = new
        self.todo: list[Triple] = []
        self.of_predicates: dict[Node, tuple[list[Node], list[Node], list[Node]]] = {}

    def add(self, triple: Triple) -> None:
        if triple not in self.ontology and self.new.add(*triple):
            self.todo.append(triple)
            if triple[1] in PREDICATE_SCHEMA:
                self.of_predicates.pop(triple[0], None)

    def of_predicate(self, p: Node) -> tuple[list[Node], list[Node], list[Node]]:
        """The domains, ranges and super-properties of ``p``, kept until a triple adds one.

        The first time, also "p rdf:type rdf:Property", which every triple with ``p`` concludes.
        """
        if p not in self.of_predicates:
            self.add((p, TYPE, RDF.Property))
            supers = [q for q in self.objects(p, SUBPROPERTY) if not isinstance(q, Literal)]  # see consequences
            self.of_predicates[p] = (self.objects(p, DOMAIN), self.objects(p, RANGE), supers)
        return self.of_predicates[p]

    def objects(self, s: Node, p: Node) -> list[Node]:
        return [*self.ontology.objects(s, p), *self.new.objects(s, p)]

    def subjects(self, p: Node, o: Node) -> list[Node]:
        return [*self.ontology.subjects(p, o), *self.new.subjects(p, o)]

    def pairs(self, p: Node) -> list[tuple[Node, Node]]:
        return [(s, o) for layer in (self.ontology, self.new) for o, subjects in layer.pos.get(p, NO_INDEX).items()
                for s in subjects]

    def consequences(self, triple: Triple) -> list[Triple]:
        """What the rules conclude from ``triple`` and any one known triple (a snapshot: ``new`` grows).

        Only "rdfs:subPropertyOf" makes predicates of objects; owlrl stores no triple whose predicate
        is a literal, so neither is such a conclusion drawn here.
        """
        s, p, o = triple
        domains, ranges, supers = self.of_predicate(p)
        found: list[Triple] = [(s, TYPE, c) for c in domains]
        found += [(o, TYPE, c) for c in ranges]
        found += [(s, q, o) for q in supers]
        if p == DOMAIN:
            found += [(x, TYPE, o) for x, _ in self.pairs(s)]
        elif p == RANGE:
            found += [(y, TYPE, o) for _, y in self.pairs(s)]
        elif p == SUBPROPERTY:
            found += [(s, SUBPROPERTY, y) for y in self.objects(o, SUBPROPERTY)]
            found += [(x, SUBPROPERTY, o) for x in self.subjects(SUBPROPERTY, s)]
            found += [] if isinstance(o, Literal) else [(x, o, y) for x, y in self.pairs(s)]
        elif p == SUBCLASS:
            found += [(x, TYPE, o) for x in self.subjects(TYPE, s)]
            found += [(s, SUBCLASS, y) for y in self.objects(o, SUBCLASS)]
            found += [(x, SUBCLASS, o) for x in self.subjects(SUBCLASS, s)]
        elif p == TYPE:
            found += [(s, q, s if y is None else y) for q, y in TYPE_RULES.get(o, ())]
            found += [(s, TYPE, c) for c in self.objects(o, SUBCLASS)]
        return found


class _Layers(Memory):
    """A read-only rdflib store of disjoint layers of triples, all in the one graph named ``name``.

    Copying the ~1,000 triples of the ontology's closure into a new ``Memory`` store for every data
    graph cost more than validating the graph, and ``Memory``'s bookkeeping of graphs slowed every
    lookup; these layers are the indexes ``_entail`` builds anyway. It answers as a ``Memory`` store
    holding them would, and keeps ``Memory``'s prefixes. Adding a triple it holds changes nothing, as
    in ``Memory``; any other change is refused.
    """

    def __init__(self, name: Node, *layers: _Triples) -> None:
        super().__init__()
        self.name = name
        self.layers = layers
        self.graph: Graph | None = None  # the graph named ``name``, once made
        self.binds = 0  # prefix changes, for the queries' parse cache

    def triples(self, triple_pattern: tuple[Any, Any, Any], context: Graph | None = None) -> Iterator[Any]:
        if context is not None and context is not self.graph and context.identifier != self.name:
            return
        graphs = (self.graph,)
        for triple in self.match(*triple_pattern):
            yield triple, iter(graphs)

    def match(self, s: Node | None, p: Node | None, o: Node | None) -> Iterator[Triple]:
        """The layers' matches; the values of a subject's predicate, most asked for, without generators."""
        if s is not None and p is not None and o is None:
            return iter([(s, p, y) for layer in self.layers for y in layer.objects(s, p)])
        return chain.from_iterable(layer.match(s, p, o) for layer in self.layers)

    def __len__(self, context: Graph | None = None) -> int:
        if context is not None and context is not self.graph and context.identifier != self.name:
            return 0
        return sum(layer.size for layer in self.layers)

    def contexts(self, triple: Triple | None = None) -> Iterator[Graph]:
        return iter((self.graph,))

    def add(self, triple: Triple, context: Graph | None = None, quoted: bool = False) -> None:
        if not any(triple in layer for layer in self.layers):
            raise TypeError("this graph is read-only")

    def remove(self, triple: tuple[Any, Any, Any], context: Graph | None = None) -> None:
        raise TypeError("this graph is read-only")

    def bind(self, prefix: str, namespace: URIRef, override: bool = True) -> None:
        self.binds += 1
        super().bind(prefix, namespace, override)


class _Frozen(Graph):
    """A graph on a ``_Layers`` store, whose triple patterns go straight to the layers.

    ``Graph.triples`` asks the store, which answers with the graphs each triple is in, for every one
    of the thousands of lookups pyshacl makes per data graph; the answers are the same without that.
    """

    def __init__(self, store: _Layers, bind_namespaces: str) -> None:
        super().__init__(store, identifier=store.name, bind_namespaces=bind_namespaces)
        store.graph = self

    def triples(self, triple: tuple[Any, Any, Any]) -> Iterator[Any]:  # type: ignore[override]
        s, p, o = triple
        if isinstance(p, RdfPath):
            return ((x, p, y) for x, y in p.eval(self, s, o))
        return self.store.match(s, p, o)


class _Entailed(_Frozen):
    """One data graph as a gate validates it: read-only, its SPARQL queries parsed once and shared.

    pyshacl hands rdflib the same query text for every focus node ($this is an initial binding), and
    rdflib parsed it every time; a parsed query is reusable with other bindings (rdflib's prepared
    queries), so the parse cache changes no result. ``_answer`` then answers a focus node's query from
    work done for others where that is exact. Anything else goes to rdflib as it is.
    """

    def __init__(self, store: _Layers) -> None:
        super().__init__(store, bind_namespaces="core")
        self.answers: dict[Query, dict[Node, list[Mapping[Variable, Node]]]] = {}
        self._parse_key: tuple[int, tuple[tuple[str, Any], ...]] = (-1, ())

    def query(self, query_object: str | Query, processor: str = "sparql",  # type: ignore[override]
              result: str = "sparql", initNs: Mapping[str, Any] | None = None,  # noqa: N803
              initBindings: Mapping[str, Node] | None = None, use_store_provided: bool = True,  # noqa: N803
              **kwargs: Any) -> Any:
        if isinstance(query_object, str) and processor == result == "sparql":
            query_object = _prepare(query_object, kwargs.get("base"), self._prefixes(initNs))
            answer = _answer(query_object, initBindings or {}, self, kwargs.get("base"))
            if answer is not None:
                return SPARQLResult(answer)
        return super().query(query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs)

    def _prefixes(self, given: Mapping[str, Any] | None) -> tuple[tuple[str, Any], ...]:
        """The namespaces rdflib would parse a query with (``given``, else the graph's), as a cache key."""
        if given:
            return tuple(sorted(given.items(), key=lambda item: item[0]))
        binds = self.store.binds
        if self._parse_key[0] != binds:
            namespaces = tuple(sorted(self.namespaces(), key=lambda item: item[0]))
            self._parse_key = (binds, _namespace_sets.setdefault(namespaces, namespaces))
        return self._parse_key[1]


# One object per set of namespaces: the parse cache then finds its key by identity, not term by term.
_namespace_sets: dict[tuple[tuple[str, Any], ...], tuple[tuple[str, Any], ...]] = {}


# --- Exact caches inside pyshacl, while a gate validates --------------------------------------------

_PATTERN_NAMES = [name for name, value in vars(SPARQLQueryHelper).items() if hasattr(value, "search")]
_PATTERNS = {name: getattr(SPARQLQueryHelper, name) for name in _PATTERN_NAMES}


@contextmanager
def _speedups(components: Mapping[URIRef, Callable[[Any], Any]]) -> Iterator[None]:
    """Caches inside pyshacl that change no result, installed while one graph is validated.

    - pyshacl builds every constraint of a shape anew, re-reading the shapes graph, each time it checks
      one focus node; ``_Reuse`` keeps them (their ``evaluate`` changes nothing in them), and
      ``_Parameters`` finds each shape's constraint parameters without scanning a list per predicate.
    - pyshacl runs nine regular expressions over a SPARQL constraint's text per focus node; the texts
      are the shapes' few, so the answers are kept (``_Remembered``).
    Another thread's validation that meets them gets the same results; pyshacl's own values come back
    at the end, whatever another thread installed in between.
    """
    pyshacl.shape.CONSTRAINT_PARAMS = (_PARAMETERS, components)
    for name in _PATTERN_NAMES:
        setattr(SPARQLQueryHelper, name, _REMEMBERED[name])
    try:
        yield
    finally:
        pyshacl.shape.CONSTRAINT_PARAMS = (ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP)
        for name, pattern in _PATTERNS.items():
            setattr(SPARQLQueryHelper, name, pattern)


class _Parameters(list):
    """pyshacl's list of constraint parameters, searched as a set; a copy is the plain list."""

    def __init__(self, parameters: list[URIRef]) -> None:
        super().__init__(parameters)
        self.members = frozenset(parameters)

    def __contains__(self, item: object) -> bool:
        return item in self.members


_PARAMETERS = _Parameters(ALL_CONSTRAINT_PARAMETERS)


class _Reuse:
    """Stands for a constraint component class in pyshacl's parameter map: one instance per shape."""

    def __init__(self, component: type) -> None:
        self.component = component
        self.made: dict[Any, Any] = {}

    def __call__(self, shape: Any) -> Any:
        if shape not in self.made:
            self.made[shape] = self.component(shape)
        return self.made[shape]


class _Remembered:
    """A compiled regular expression whose answers are kept, for the few texts it is asked about."""

    def __init__(self, pattern: Any) -> None:
        self.pattern = pattern
        self.search = lru_cache(maxsize=256)(pattern.search)
        self.sub = lru_cache(maxsize=256)(pattern.sub)
        self.findall = lru_cache(maxsize=256)(pattern.findall)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.pattern, name)


_REMEMBERED = {name: _Remembered(pattern) for name, pattern in _PATTERNS.items()}


# --- SPARQL constraints: answers shared between focus nodes ----------------------------------------

THIS = Variable("this")
# Algebra that reads only the graph's triples and computes the same answer from the same bindings every time.
PURE = {"SelectQuery", "Distinct", "Project", "Filter", "BGP", "Join", "Builtin_EXISTS", "Builtin_NOTEXISTS",
        "GroupGraphPatternSub", "TriplesBlock", "ConditionalAndExpression", "ConditionalOrExpression",
        "RelationalExpression", "AdditiveExpression", "MultiplicativeExpression", "UnaryNot", "UnaryMinus",
        "UnaryPlus"}
RANDOM = {"Builtin_NOW", "Builtin_RAND", "Builtin_UUID", "Builtin_STRUUID", "Builtin_BNODE"}
_STAR_LIMIT = 4096
_star_answers: dict[tuple[Query, frozenset[tuple[Node, Node]]], tuple[Any, list[dict[Variable, Node]]]] = {}


@lru_cache(maxsize=512)
def _prepare(text: str, base: str | None, namespaces: tuple[tuple[str, Any], ...]) -> Query:
    """A parsed query, kept across validations: the shapes' few query texts are the keys."""
    return translateQuery(parseQuery(text), base, dict(namespaces))


@dataclass(frozen=True)
class _Plan:
    """How a SPARQL constraint may be answered for one focus node ($this) without being run for it.

    ``star``: every triple pattern is "$this <predicate> ?x" and $this appears nowhere else, so the
    answer depends only on $this's values for those predicates: nodes with the same values share it,
    in every graph. Otherwise, when $this is bound by the top-level basic graph pattern under filters
    only, running the query once per graph with $this free and grouping the rows by $this gives each
    focus node its answer (rdflib binds $this before evaluating: the same as selecting its rows).
    """

    star: frozenset[URIRef] | None


@lru_cache(maxsize=512)
def _plan(query: Query) -> _Plan | None:
    triples: list[tuple[Any, ...]] = []
    names: set[str] = set()
    uses = _walk(query.algebra, triples, names)
    if not all(name in PURE or (name.startswith("Builtin_") and name not in RANDOM) for name in names):
        return None
    if all(t[0] == THIS and isinstance(t[1], URIRef) and t[2] != THIS for t in triples) and uses == len(triples):
        return _Plan(star=frozenset(t[1] for t in triples))
    top = query.algebra.p
    while top.name in ("Distinct", "Project", "Filter"):
        top = top.p
    batch = THIS in query.algebra.PV and top.name == "BGP" and any(THIS in t for t in top.triples)
    return _Plan(star=None) if batch else None


def _walk(node: Any, triples: list[tuple[Any, ...]], names: set[str]) -> int:
    """Collect the triple patterns and algebra names under ``node``; the number of times $this occurs.

    rdflib keeps some translated parts as attributes that hide the parsed ones (the patterns of
    EXISTS): both are walked, so nothing that is evaluated is missed.
    """
    if isinstance(node, CompValue):
        names.add(node.name)
        parts = [(k, v) for k, v in dict.items(node) if k not in ("_vars", "PV")]
        parts += [(k, v) for k, v in vars(node).items() if k not in ("name", "_evalfn")]
        uses = 0
        for key, value in parts:
            if key == "triples":
                triples.extend(tuple(t) for t in value)
            uses += _walk(value, triples, names)
        return uses
    if isinstance(node, (list, tuple)):
        return sum(_walk(item, triples, names) for item in node)
    return int(node == THIS)


def _answer(query: Query, bindings: Mapping[str, Node], graph: _Entailed, base: str | None) -> Mapping[str, Any] | None:
    """The query's answer for $this, from what was computed for other focus nodes; None: run it."""
    plan = _plan(query) if [str(name) for name in bindings] == ["this"] else None
    if plan is None:
        return None
    this = next(iter(bindings.values()))
    if plan.star is not None:
        return _star_answer(query, plan.star, this, graph, base)
    rows = graph.answers.get(query)
    if rows is None:
        rows = graph.answers[query] = {}
        for row in evalQuery(graph, query, {}, base)["bindings"]:
            rows.setdefault(row[THIS], []).append(row)
    return {"type_": "SELECT", "vars_": query.algebra.PV, "bindings": rows.get(this, [])}


def _star_answer(query: Query, predicates: frozenset[URIRef], this: Node, graph: Graph,
                 base: str | None) -> Mapping[str, Any]:
    key = (query, frozenset((p, o) for p in predicates for o in graph.objects(this, p)))
    known = _star_answers.get(key)
    if known is None:
        if len(_star_answers) >= _STAR_LIMIT:
            _star_answers.clear()
        found = evalQuery(graph, query, {"this": this}, base)
        known = _star_answers[key] = (found["vars_"], [dict(row) for row in found["bindings"]])
    variables, rows = known
    return {"type_": "SELECT", "vars_": variables,
            "bindings": [{k: (this if k == THIS else v) for k, v in row.items()} for row in rows]}
