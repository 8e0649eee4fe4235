"""The W3C SPARQL 1.1 query tests (manifest-sparql11-query.ttl), through the endpoint's own code.

Each evaluation test's data goes into a store (the default-graph file under a private graph name
passed as ``default-graph-uri``, each ``qt:graphData`` file as a named graph), then the query goes
through exactly what /sparql does with it: ``guard.plan`` (checks, dataset) and ``execution.run``
(engine, serializer). The answer is read back from the bytes of every lossless HTTP format and
compared with the expected one: blank nodes up to renaming, rows unordered unless ORDER BY,
numeric and boolean literals by value (``"0"^^xsd:boolean`` is ``false``). Syntax tests check that a bad query is a 400 and a good one is not.

Known failures live in tests/w3c-query-evaluation-failures.txt with their reasons; such a test is
an expected failure, and one that starts passing fails the run until its line is removed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import RDF, Namespace
from rdflib.collection import Collection
from rdflib.compare import isomorphic

from conftest import PROJECT_ROOT, W3C_DIR, require_shared
from untoc_kg.sparql import guard
from untoc_kg.sparql.execution import run
from untoc_kg.sparql.formats import ResultFormat
from untoc_kg.store import Dataset
from untoc_kg.store.manifest import Manifest
from untoc_kg.store.oxigraph import OxigraphStore

MANIFEST = W3C_DIR / "manifest-sparql11-query.ttl"
FAILURES_FILE = PROJECT_ROOT / "tests" / "w3c-query-evaluation-failures.txt"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
QT = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-query#")
DAWGT = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-dawg#")
RS = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/result-set#")
XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC = {XSD + name for name in ("integer", "decimal", "double", "float", "int", "long", "short", "byte",
                                   "nonNegativeInteger", "positiveInteger", "negativeInteger", "nonPositiveInteger",
                                   "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte")}
SOLUTION_FORMATS = ("json", "xml", "tsv")
GRAPH_FORMATS = ("nt", "turtle", "rdfxml", "jsonld", "nq")
DEFAULT_GRAPH_PREFIX = "urn:x-untoc-kg-test:default:"


@dataclass(frozen=True)
class Case:
    name: str
    kind: str  # "evaluation", "positive-syntax", "negative-syntax"
    query: Path
    data: tuple[Path, ...] = ()
    graph_data: tuple[Path, ...] = ()
    result: Path | None = None


def _path(node) -> Path:
    return Path(str(node).removeprefix("file://"))


def load_cases() -> list[Case]:
    root = rdflib.Graph().parse(MANIFEST, format="turtle")
    top = next(root.subjects(RDF.type, MF.Manifest))
    cases = []
    for include in Collection(root, root.value(top, MF.include)):
        graph = rdflib.Graph().parse(_path(include), format="turtle")
        manifest = next(graph.subjects(RDF.type, MF.Manifest))
        folder = _path(include).parent.name
        for test in Collection(graph, graph.value(manifest, MF.entries)):
            if graph.value(test, DAWGT.approval) == DAWGT.Withdrawn:
                continue
            name = f"{folder}/{str(test).rpartition('#')[2]}"
            kind = graph.value(test, RDF.type)
            action = graph.value(test, MF.action)
            if kind == MF.QueryEvaluationTest:
                result = graph.value(test, MF.result)
                cases.append(Case(name, "evaluation", _path(graph.value(action, QT.query)),
                                  tuple(_path(d) for d in graph.objects(action, QT.data)),
                                  tuple(sorted(_path(d) for d in graph.objects(action, QT.graphData))),
                                  None if result is None else _path(result)))
            elif kind in (MF.PositiveSyntaxTest11, MF.NegativeSyntaxTest11):
                syntax = "positive-syntax" if kind == MF.PositiveSyntaxTest11 else "negative-syntax"
                cases.append(Case(name, syntax, _path(action)))
    return cases


def known_failures() -> dict[str, str]:
    failures = {}
    for line in FAILURES_FILE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, reason = line.partition(" ")
            failures[name] = reason.strip()
    return failures


CASES = load_cases() if MANIFEST.is_file() else []
FAILURES = known_failures() if FAILURES_FILE.is_file() else {}


class MemorySink:
    """Collects what a worker would send over its pipe."""

    def __init__(self) -> None:
        self.result_format: ResultFormat | None = None
        self.body = bytearray()
        self.failure: tuple[int, str] | None = None
        self.ended = False

    def head(self, result_format: ResultFormat) -> None:
        self.result_format = result_format

    def data(self, chunk: bytes) -> None:
        self.body += chunk

    def error(self, status: int, message: str) -> None:
        self.failure = (status, message)

    def end(self, last: bytes) -> None:
        self.body += last
        self.ended = True


def _file_format(path: Path) -> ox.RdfFormat:
    return ox.RdfFormat.from_extension(path.suffix[1:]) or ox.RdfFormat.TURTLE


def _store(case: Case) -> tuple[OxigraphStore, Dataset]:
    engine = ox.Store()
    default_graphs = []
    for path in case.data:
        graph = DEFAULT_GRAPH_PREFIX + path.as_uri()
        engine.load(path=str(path), format=_file_format(path), base_iri=path.as_uri(), to_graph=ox.NamedNode(graph))
        default_graphs.append(graph)
    for path in case.graph_data:
        engine.load(path=str(path), format=_file_format(path), base_iri=path.as_uri(),
                    to_graph=ox.NamedNode(path.as_uri()))
    manifest = Manifest(base_iri=case.query.as_uri(), inputs_key="w3c", built_at="")
    return OxigraphStore(engine, manifest), Dataset(tuple(default_graphs), tuple(p.as_uri() for p in case.graph_data))


def answer(store: OxigraphStore, query: str, dataset: Dataset, result_format: str | None) -> MemorySink:
    """What /sparql answers, in ``result_format`` (None: the default), computed by its own functions."""
    sink = MemorySink()
    try:
        job = guard.plan(query, dataset, store.base_iri, (), None, result_format)
    except guard.GuardError as refusal:
        sink.error(refusal.status, refusal.message)
        return sink
    run(store, job, sink)
    return sink


# --- comparing answers ------------------------------------------------------------------------


def _same_term(left, right, blanks: dict[str, str]) -> bool:
    if isinstance(left, ox.BlankNode) or isinstance(right, ox.BlankNode):
        if not (isinstance(left, ox.BlankNode) and isinstance(right, ox.BlankNode)):
            return False
        if left.value in blanks:
            return blanks[left.value] == right.value
        if right.value in blanks.values():
            return False
        blanks[left.value] = right.value
        return True
    if isinstance(left, ox.Literal) and isinstance(right, ox.Literal):
        if left.datatype != right.datatype or left.language != right.language:
            return False
        if left.value == right.value:
            return True
        if left.datatype.value == XSD + "boolean":
            return left.value.strip() in ("1", "true") and right.value.strip() in ("1", "true") or \
                left.value.strip() in ("0", "false") and right.value.strip() in ("0", "false")
        return left.datatype.value in NUMERIC and _number(left.value) == _number(right.value) is not None
    return left == right


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(text.strip())
    except InvalidOperation:
        return None


def _same_row(left: dict, right: dict, blanks: dict[str, str]) -> bool:
    if left.keys() != right.keys():
        return False
    trial = dict(blanks)
    if all(_same_term(left[k], right[k], trial) for k in left):
        blanks.clear()
        blanks.update(trial)
        return True
    return False


def _match_unordered(actual: list[dict], expected: list[dict], blanks: dict[str, str]) -> bool:
    """Backtracking search for a row bijection consistent with one blank node renaming."""
    if not actual:
        return not expected
    first, rest = actual[0], actual[1:]
    for index, candidate in enumerate(expected):
        trial = dict(blanks)
        if _same_row(first, candidate, trial) and _match_unordered(rest, expected[:index] + expected[index + 1:], trial):
            return True
    return False


def _rows(solutions) -> list[dict]:
    return [{v.value: s[v] for v in solutions.variables if s[v] is not None} for s in solutions]


def _expected_rows(path: Path) -> tuple[list[dict] | bool, list[str] | None]:
    if path.suffix in (".srx", ".srj", ".tsv"):
        fmt = {".srx": ox.QueryResultsFormat.XML, ".srj": ox.QueryResultsFormat.JSON,
               ".tsv": ox.QueryResultsFormat.TSV}[path.suffix]
        parsed = ox.parse_query_results(path=str(path), format=fmt)
        if isinstance(parsed, ox.QueryBoolean):
            return bool(parsed), None
        return _rows(parsed), [v.value for v in parsed.variables]
    return _rdf_result_set(path), None


def _rdf_result_set(path: Path) -> list[dict] | bool:
    """A result set written in the DAWG result-set vocabulary (rs:ResultSet)."""
    graph = rdflib.Graph().parse(path, format="turtle")
    result_set = next(graph.subjects(RDF.type, RS.ResultSet))
    boolean = graph.value(result_set, RS.boolean)
    if boolean is not None:
        return boolean.toPython()
    rows = []
    for solution in graph.objects(result_set, RS.solution):
        row = {}
        for binding in graph.objects(solution, RS.binding):
            row[str(graph.value(binding, RS.variable))] = _ox_term(graph.value(binding, RS.value))
        rows.append(row)
    return rows


def _ox_term(term):
    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD + "string")))


def _ordered(query: str) -> bool:
    words = [t.text.upper() for t in guard.tokens(query) if t.kind == "word"]
    return any(a == "ORDER" and b == "BY" for a, b in zip(words, words[1:]))


def _check_solutions(sink: MemorySink, case: Case, query: str) -> None:
    fmt = sink.result_format
    parsed = ox.parse_query_results(bytes(sink.body), format=fmt.engine_format())
    expected, _ = _expected_rows(case.result)
    if isinstance(expected, bool):
        assert isinstance(parsed, ox.QueryBoolean), f"{fmt.name}: expected a boolean"
        assert bool(parsed) is expected, f"{fmt.name}: boolean differs"
        return
    actual = _rows(parsed)
    assert len(actual) == len(expected), f"{fmt.name}: {len(actual)} rows, expected {len(expected)}"
    if _ordered(query):
        blanks: dict[str, str] = {}
        assert all(_same_row(a, e, blanks) for a, e in zip(actual, expected)), \
            f"{fmt.name}: rows differ or come in another order\nactual: {actual}\nexpected: {expected}"
    else:
        assert _match_unordered(actual, expected, {}), f"{fmt.name}: rows differ\nactual: {actual}\nexpected: {expected}"


def _check_graph(sink: MemorySink, case: Case) -> None:
    fmt = sink.result_format
    actual = rdflib.Graph()
    actual_triples = list(ox.parse(bytes(sink.body), format=fmt.engine_format(), base_iri="http://example.invalid/"))
    actual.parse(data=ox.serialize([ox.Triple(q.subject, q.predicate, q.object) for q in actual_triples],
                                   format=ox.RdfFormat.N_TRIPLES).decode(), format="nt")
    expected = rdflib.Graph().parse(case.result, format="turtle", publicID=case.result.as_uri())
    assert isomorphic(actual, expected), f"{fmt.name}: graphs differ\n{actual.serialize(format='nt')}"


def evaluate(case: Case) -> None:
    query = case.query.read_text(encoding="utf-8")
    if case.kind != "evaluation":
        sink = answer(OxigraphStore(ox.Store(), Manifest(case.query.as_uri(), "w3c", "")), query, Dataset(), None)
        rejected = sink.failure is not None and sink.failure[0] == 400
        assert rejected == (case.kind == "negative-syntax"), sink.failure
        return
    store, dataset = _store(case)
    form = guard.query_form(guard.tokens(query))
    names = GRAPH_FORMATS if form in ("CONSTRUCT", "DESCRIBE") else SOLUTION_FORMATS
    for name in names:
        sink = answer(store, query, dataset, name)
        assert sink.failure is None, sink.failure
        assert sink.ended
        if form in ("CONSTRUCT", "DESCRIBE"):
            _check_graph(sink, case)
        else:
            _check_solutions(sink, case, query)


@pytest.fixture(scope="module")
def tally(request):
    counts = {"passed": 0, "failed": 0}
    yield counts
    total = counts["passed"] + counts["failed"]
    line = f"W3C SPARQL 1.1 query tests: {counts['passed']} of {total} passed, {counts['failed']} known failures"
    with request.config.pluginmanager.get_plugin("capturemanager").global_and_fixture_disabled():
        print(f"\n{line}")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_w3c_query(case: Case, tally) -> None:
    try:
        evaluate(case)
    except AssertionError:
        tally["failed"] += 1
        if case.name in FAILURES:
            pytest.xfail(FAILURES[case.name])
        raise
    tally["passed"] += 1
    assert case.name not in FAILURES, f"{case.name} passes now: remove it from {FAILURES_FILE.name}"


def test_failures_file_names_real_tests() -> None:
    require_shared(MANIFEST)
    unknown = set(FAILURES) - {c.name for c in CASES}
    assert not unknown, f"{FAILURES_FILE.name} lists tests that do not exist: {sorted(unknown)}"
    assert all(FAILURES.values()), "every listed failure needs a reason"
