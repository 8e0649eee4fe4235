"""SHACL validation of the project's data: the gate that every graph passes before it is loaded.

Each data file (one source document) is validated on its own together with the ontology, so that
validation time grows linearly with the number of documents instead of with one giant graph.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyshacl
from rdflib import RDF, SH, BNode, Dataset, Graph, Literal, URIRef
from rdflib.extras.shacl import parse_shacl_path
from rdflib.namespace import NamespaceManager
from rdflib.paths import Path as RdfPath
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.processor import SPARQLProcessor, translateQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Node

from .namespaces import CANONICAL_BASE

PREFIXES = {
    "untoc": CANONICAL_BASE + "ontology#",
    "untocsh": CANONICAL_BASE + "shapes#",
    "id": CANONICAL_BASE + "id/",
    "graph": CANONICAL_BASE + "graph/",
}


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
        where = _name(self.focus, names)
        if self.path is not None:
            where += f" {_name(self.path, names)}"
        if self.value is not None:
            where += f" = {_name(self.value, names)}"
        component = _name(self.component, names).removeprefix("sh:").removesuffix("ConstraintComponent")
        severity = "" if self.severity == SH.Violation else f"{_name(self.severity, names)}: "
        return f"{where}\n    {severity}{self.message} [{_name(self.source_shape, names)}, {component}]"


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


def read_graph(paths: list[Path]) -> Graph:
    """Every triple of ``paths`` in one rdflib graph, named graphs flattened."""
    dataset = Dataset()
    for path in paths:
        dataset.parse(path, format=rdf_format(path))
    graph = Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


def rdf_format(path: Path) -> str:
    """The rdflib parser name for a file, from its extension."""
    formats = {".ttl": "turtle", ".trig": "trig", ".nt": "nt", ".nq": "nquads", ".rdf": "xml", ".jsonld": "json-ld"}
    try:
        return formats[path.suffix]
    except KeyError:
        raise ValueError(f"{path}: unknown RDF file extension {path.suffix!r}") from None


def validate_graph(data: Graph, shapes: Graph, ontology: Graph) -> tuple[bool, tuple[Violation, ...], Graph]:
    """Validate one source document's triples, with the ontology's class hierarchy and RDFS inference.

    SHACL Core and SHACL-SPARQL only: advanced features (rules, SPARQL targets) would run code from
    the shapes graph, and owl:imports would fetch from the network.
    """
    with _prepared_queries():
        conforms, report, _ = pyshacl.validate(
            data,
            shacl_graph=shapes,
            ont_graph=ontology,
            inference="rdfs",
            advanced=False,
            do_owl_imports=False,
            allow_warnings=True,
        )
    if isinstance(report, BaseException):
        raise ValueError(f"the shapes could not be applied: {report}") from report
    return bool(conforms), violations(report), report


def validate_files(data_files: list[Path], shapes_files: list[Path], ontology_files: list[Path]) -> list[FileReport]:
    """Validate each data file against the shapes, with the ontology for class and property hierarchy."""
    shapes = read_graph(shapes_files)
    ontology = read_graph(ontology_files)
    reports = []
    for path in data_files:
        conforms, found, report = validate_graph(read_graph([path]), shapes, ontology)
        reports.append(FileReport(path, conforms, found, report))
    return reports


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


_PARSING_QUERY = SPARQLProcessor.query


@contextmanager
def _prepared_queries() -> Iterator[None]:
    """Parse each SPARQL constraint once instead of once per focus node.

    pyshacl hands rdflib the same query text for every focus node ($this is an initial binding), and
    rdflib parses it every time: that parsing was most of the validation time. A parsed query is
    reusable with other bindings (rdflib's prepared queries), so the cache changes no result; and
    since it changes none, another thread's query that meets the patch is not harmed either.
    """
    SPARQLProcessor.query = _query_prepared
    try:
        yield
    finally:
        SPARQLProcessor.query = _PARSING_QUERY


def _query_prepared(self, strOrQuery, initBindings=None, initNs=None, base=None, DEBUG=False):  # noqa: N803
    if isinstance(strOrQuery, str):
        strOrQuery = _prepare(strOrQuery, base, tuple(sorted((initNs or {}).items(), key=lambda item: item[0])))
    return _PARSING_QUERY(self, strOrQuery, initBindings, initNs, base, DEBUG)


@lru_cache(maxsize=512)
def _prepare(text: str, base: str | None, namespaces: tuple[tuple[str, object], ...]) -> Query:
    """A parsed query, kept across validations: the shapes' few query texts are the keys."""
    return translateQuery(parseQuery(text), base, dict(namespaces))
