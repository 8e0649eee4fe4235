"""The fast validation path gives pyshacl's own results: ``validate_graph`` against plain
``pyshacl.validate(..., ont_graph=ontology, inference="rdfs")`` on every shape fixture, mutation and
data file; the graph it validates against the one pyshacl's inference builds; and each of its caches
against what it stands for.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
from pyshacl import Validator
from pyshacl.graph_abstraction import DataGraph
from rdflib import RDF, RDFS, BNode, Graph, Literal, Namespace
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.processor import SPARQLProcessor, translateQuery

from untoc_kg.synth import write_corpus
from untoc_kg.validation import (Gate, Violation, _Frozen, _Layers, _plan, _Triples, read_graph, validate_graph,
                                validate_many, violations)
from conftest import PROJECT
from test_shapes import LINK_RULES, RULES, UPDATE_PREFIXES, VALID, copy

EX = Namespace("http://example.org/")
UNTOC = Namespace("https://w3id.org/untoc-kg/ontology#")


@pytest.fixture(scope="module")
def valid() -> Graph:
    return read_graph([VALID])


def pyshacl_alone(data: Graph, shapes: Graph, ontology: Graph) -> tuple[bool, set[tuple[str, ...]]]:
    with parsed_once():
        conforms, report, _ = pyshacl.validate(data, shacl_graph=copy(shapes), ont_graph=ontology, inference="rdfs",
                                               advanced=False, do_owl_imports=False, allow_warnings=True)
    return bool(conforms), results(violations(report))


@contextmanager
def parsed_once() -> Iterator[None]:
    """rdflib parsing each SPARQL text once (its prepared queries) instead of once per focus node.

    Only to keep the reference runs to seconds: a parsed query evaluates as its text does.
    """
    parsing = SPARQLProcessor.query

    def query(self, text, initBindings=None, initNs=None, base=None, DEBUG=False):  # noqa: N803
        if isinstance(text, str):
            text = prepare(text, base, tuple(sorted((initNs or {}).items(), key=lambda item: item[0])))
        return parsing(self, text, initBindings, initNs, base, DEBUG)

    SPARQLProcessor.query = query
    try:
        yield
    finally:
        SPARQLProcessor.query = parsing


@lru_cache(maxsize=256)
def prepare(text: str, base: str | None, namespaces: tuple[tuple[str, object], ...]):
    return translateQuery(parseQuery(text), base, dict(namespaces))


def fast(data: Graph, shapes: Graph, ontology: Graph) -> tuple[bool, set[tuple[str, ...]]]:
    conforms, found, _ = validate_graph(data, shapes, ontology)
    return conforms, results(found)


def results(found: tuple[Violation, ...]) -> set[tuple[str, ...]]:
    """Focus, path, value, source shape, component, severity and message of each result, comparable."""
    def text(term: object) -> str:
        return term.n3() if hasattr(term, "n3") else repr(term)
    return {tuple(map(text, (v.focus, v.path, v.value, v.source_shape, v.component, v.severity))) + (v.message,)
            for v in found}


def mutated(valid: Graph, update: str) -> Graph:
    broken = copy(valid)
    broken.update(UPDATE_PREFIXES + update)
    return broken


@pytest.mark.slow
@pytest.mark.parametrize("rule", RULES, ids=[rule.id for rule in RULES])
def test_every_mutation_gets_pyshacls_results(rule, valid: Graph, shapes: Graph, hierarchy: Graph) -> None:
    broken = mutated(valid, rule.update)
    expected = pyshacl_alone(broken, shapes, hierarchy)
    assert not expected[0] and expected[1], "the mutation must break the fixture"
    assert fast(broken, shapes, hierarchy) == expected


@pytest.mark.slow
@pytest.mark.parametrize("rule", LINK_RULES, ids=[rule.id for rule in LINK_RULES])
def test_every_wrong_link_gets_pyshacls_results_with_the_ontology(rule, valid: Graph, shapes: Graph,
                                                                  ontology: Graph) -> None:
    broken = mutated(valid, rule.update)
    assert fast(broken, shapes, ontology) == pyshacl_alone(broken, shapes, ontology)


def test_fixtures_and_data_get_pyshacls_results(valid: Graph, shapes: Graph, hierarchy: Graph,
                                                ontology: Graph) -> None:
    graphs = [valid, *(read_graph([path]) for path in PROJECT.data_files())]
    for data in graphs:
        for schema in (hierarchy, ontology):
            assert fast(data, shapes, schema) == pyshacl_alone(data, shapes, schema)


def test_synthetic_graphs_get_pyshacls_results(tmp_path: Path, shapes: Graph, ontology: Graph) -> None:
    """Graphs alike enough to share cached answers, one of them broken where a cached answer would hide it."""
    corpus = tmp_path / "corpus.nq"
    write_corpus(corpus, 5)
    quads: dict[str, list[ox.Triple]] = {}
    for quad in ox.parse(path=str(corpus), format=ox.RdfFormat.N_QUADS):
        quads.setdefault(quad.graph_name.value, []).append(quad.triple)
    data = [Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
            for triples in quads.values()]
    passage = next(data[-1].subjects(RDF.type, UNTOC.Passage))
    data[-1].add((passage, RDF.type, UNTOC.Place))
    for graph in data:
        assert fast(graph, shapes, ontology) == pyshacl_alone(graph, shapes, ontology)
    assert not fast(data[-1], shapes, ontology)[0]


def pyshacl_inferred(data: Graph, ontology: Graph) -> Graph:
    """The graph pyshacl validates: the data copied, the ontology mixed in, RDFS-closed (pyshacl's own steps)."""
    validator = Validator(DataGraph.from_rdflib(data), shacl_graph=Graph(), ont_graph=ontology,
                          options={"inference": "rdfs"})
    graph = validator.mix_in_ontology()
    validator._run_pre_inference(graph, "rdfs")
    return graph.impl


def schema_in_the_data() -> Graph:
    """Data that extends the schema, so that every RDFS rule fires on data triples too."""
    data = Graph()
    data.bind("ex", EX)
    for triple in [
        (EX.Finding, RDFS.subClassOf, UNTOC.Document), (EX.Detail, RDFS.subClassOf, EX.Finding),
        (EX.says, RDFS.subPropertyOf, UNTOC.title), (EX.whispers, RDFS.subPropertyOf, EX.says),
        (EX.about, RDFS.domain, EX.Detail), (EX.about, RDFS.range, UNTOC.Session),
        (EX.d1, RDF.type, EX.Detail), (EX.d1, EX.whispers, Literal("hola", lang="es")),
        (EX.d1, EX.about, EX.s1), (EX.kind, RDF.type, RDFS.Class), (EX.p, RDF.type, RDF.Property),
        (EX.member, RDF.type, RDFS.ContainerMembershipProperty), (EX.code, RDF.type, RDFS.Datatype),
        (EX.bag, RDF["_1"], EX.d1), (BNode("b1"), EX.about, Literal("2024", datatype=EX.code)),
        (EX.alias, RDFS.subPropertyOf, RDFS.subClassOf), (EX.Other, EX.alias, EX.Finding),
        (UNTOC.title, RDFS.domain, EX.Titled), (EX.odd, RDFS.subPropertyOf, Literal("odd")), (EX.d1, EX.odd, EX.s1),
    ]:
        data.add(triple)
    return data


def test_the_validated_graph_is_pyshacls(valid: Graph, shapes: Graph, hierarchy: Graph, ontology: Graph) -> None:
    cases = [(valid, hierarchy), (valid, ontology), (schema_in_the_data(), ontology), (schema_in_the_data(), hierarchy)]
    cases += [(read_graph([path]), ontology) for path in PROJECT.data_files()]
    for data, schema in cases:
        ours, theirs = Gate(shapes, schema)._entailed(data), pyshacl_inferred(data, schema)
        assert set(ours) == set(theirs)
        assert dict(ours.namespaces()) == dict(theirs.namespaces())


def test_the_store_answers_every_pattern_as_rdflib_does() -> None:
    data = schema_in_the_data()
    layers = _Triples(), _Triples()
    for index, (s, p, o) in enumerate(data):
        layers[index % 2].add(s, p, o)
    store = _Layers(EX.g, *layers)
    frozen = _Frozen(store, bind_namespaces="none")
    for ours in (frozen, Graph(store, identifier=EX.g)):
        for s in [None, EX.d1, BNode("b1"), EX.absent]:
            for p in [None, RDF.type, EX.about, EX.absent, RDFS.subPropertyOf / RDFS.subClassOf]:
                for o in [None, EX.Detail, EX.s1, Literal("2024", datatype=EX.code), EX.absent]:
                    assert sorted(ours.triples((s, p, o))) == sorted(data.triples((s, p, o))), (s, p, o)
        assert len(ours) == len(data)
    assert list(Graph(store, identifier=EX.other).triples((None, None, None))) == []
    frozen.add((EX.d1, RDF.type, EX.Detail))  # held already: no change, as in any store
    with pytest.raises(TypeError):
        frozen.add((EX.new, RDF.type, EX.Detail))


def plan_of(select: str):
    return _plan(translateQuery(parseQuery("PREFIX ex: <http://example.org/>\n" + select)))


def test_answers_are_shared_only_where_exact() -> None:
    star = plan_of("SELECT DISTINCT $this ?value WHERE { $this a ?value, ?other . FILTER (STR(?value) < STR(?other)) }")
    assert star is not None and star.star == {RDF.type}
    exists = plan_of("SELECT $this WHERE { $this ex:p ?x FILTER NOT EXISTS { $this ex:q ?y FILTER (?y = ?x) } }")
    assert exists is not None and exists.star == {EX.p, EX.q}
    # $this read beyond its own statements: answers are per graph, by $this.
    for select in ["SELECT $this ?value WHERE { $this ex:p ?value FILTER (STRSTARTS(STR($this), ?value)) }",
                   "SELECT $this WHERE { $this ex:p ?x FILTER NOT EXISTS { ?x ex:q $this } }",
                   "SELECT $this ?value WHERE { $this ex:p/ex:q ?value }",
                   "SELECT $this ?value WHERE { ?value ex:p $this }"]:
        plan = plan_of(select)
        assert plan is not None and plan.star is None, select
    # Not a filtered pattern that binds $this, or not the same answer every time: run for each focus node.
    for select in ["SELECT $this ?value WHERE { $this ex:p ?value OPTIONAL { $this ex:q ?other } }",
                   "SELECT $this ?value WHERE { $this ex:p ?value FILTER (?value < NOW()) }",
                   "SELECT $this ?value WHERE { $this ex:p ?value BIND (RAND() AS ?r) }",
                   "SELECT ?value WHERE { $this ex:p ?value FILTER (STR($this) != ?value) }",
                   "SELECT $this ?value WHERE { { $this ex:p ?value } UNION { $this ex:q ?value } }",
                   "SELECT $this ?value WHERE { ?value ex:p ?other FILTER (?other = $this) }"]:
        assert plan_of(select) is None, select


def test_many_sources_in_workers_as_in_one_process(valid: Graph) -> None:
    sources = [VALID, *PROJECT.data_files(), VALID]
    one = list(validate_many(sources, lambda path: read_graph([path]), PROJECT.shapes_files(),
                             PROJECT.ontology_files()))
    two = list(validate_many(sources, _read, PROJECT.shapes_files(), PROJECT.ontology_files(), workers=2))
    assert [source for source, _ in two] == sources
    assert [(c, results(found)) for _, (c, found, _) in two] == [(c, results(found)) for _, (c, found, _) in one]


def _read(path: Path) -> Graph:
    return read_graph([path])
