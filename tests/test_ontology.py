"""The ontology: OWL Lite, documented in English and Spanish, and in step with docs/model.md and the data."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.term import Node

from conftest import PROJECT_ROOT

UNTOC = Namespace("https://w3id.org/untoc-kg/ontology#")
ONTOLOGY_IRI = URIRef("https://w3id.org/untoc-kg/ontology")
DCTERMS = Namespace("http://purl.org/dc/terms/")
VANN = Namespace("http://purl.org/vocab/vann/")
PROV = Namespace("http://www.w3.org/ns/prov#")
ONTOLOGY_FILE = PROJECT_ROOT / "ontology" / "untoc.ttl"
MODEL_FILE = PROJECT_ROOT / "docs" / "model.md"

# OWL constructs outside OWL Lite: OWL 1 DL's extras, and OWL 2's class and property axioms.
FORBIDDEN_PREDICATES = {
    OWL.unionOf, OWL.complementOf, OWL.disjointWith, OWL.oneOf, OWL.hasValue, OWL.disjointUnionOf,
    OWL.propertyDisjointWith, OWL.hasSelf, OWL.qualifiedCardinality, OWL.minQualifiedCardinality,
    OWL.maxQualifiedCardinality, OWL.hasKey, OWL.propertyChainAxiom,
}
FORBIDDEN_TYPES = {OWL.AllDisjointClasses, OWL.AllDisjointProperties, OWL.DataRange}
CARDINALITIES = {OWL.cardinality, OWL.minCardinality, OWL.maxCardinality}

# Pairs of external properties that are each other's inverse: an aligned inverse pair must map onto one.
EXTERNAL_INVERSES = {
    (PROV.influenced, PROV.wasInfluencedBy),
    (PROV.generated, PROV.wasGeneratedBy),
    (DCTERMS.hasPart, DCTERMS.isPartOf),
}


def owl_lite_violations(graph: Graph) -> list[str]:
    """Every construct of ``graph`` that OWL Lite forbids, one line each (empty when it is OWL Lite)."""
    problems = []
    for s, p, o in graph:
        if p in FORBIDDEN_PREDICATES:
            problems.append(f"{s} uses {p}")
        if p == RDF.type and o in FORBIDDEN_TYPES:
            problems.append(f"{s} is a {o}")
        if p in CARDINALITIES and (not isinstance(o, Literal) or str(o) not in ("0", "1")):
            problems.append(f"{s} has {p} {o} (only 0 or 1 in OWL Lite)")
        if p == OWL.intersectionOf:
            for member in graph.items(o):
                if isinstance(member, BNode) and (member, RDF.type, OWL.Restriction) not in graph:
                    problems.append(f"{s} intersects an anonymous class that is not a restriction")
    return problems


def ontology() -> Graph:
    return Graph().parse(ONTOLOGY_FILE, format="turtle")


def terms(graph: Graph, kind: URIRef) -> set[URIRef]:
    return {s for s in graph.subjects(RDF.type, kind) if isinstance(s, URIRef) and s.startswith(UNTOC)}


def properties(graph: Graph) -> set[URIRef]:
    return terms(graph, OWL.ObjectProperty) | terms(graph, OWL.DatatypeProperty)


def individuals(graph: Graph) -> set[URIRef]:
    classes = terms(graph, OWL.Class)
    return {s for s, o in graph.subject_objects(RDF.type) if o in classes and s.startswith(UNTOC)}


def declared_terms(graph: Graph) -> set[URIRef]:
    return terms(graph, OWL.Class) | properties(graph) | individuals(graph)


def test_ontology_parses_with_both_parsers() -> None:
    import pyoxigraph as ox

    assert len(ontology()) > 100
    with ONTOLOGY_FILE.open("rb") as stream:
        assert len(list(ox.parse(stream, format=ox.RdfFormat.TURTLE))) == len(ontology())


def test_header() -> None:
    graph = ontology()
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in graph
    titles = {t.language for t in graph.objects(ONTOLOGY_IRI, DCTERMS.title)}
    assert titles == {"en", "es"}
    assert graph.value(ONTOLOGY_IRI, OWL.versionInfo) is not None
    version_iri = graph.value(ONTOLOGY_IRI, OWL.versionIRI)
    assert isinstance(version_iri, URIRef) and version_iri.startswith(str(ONTOLOGY_IRI) + "/")
    assert graph.value(ONTOLOGY_IRI, DCTERMS.license) == URIRef("https://creativecommons.org/publicdomain/zero/1.0/")
    assert graph.value(ONTOLOGY_IRI, VANN.preferredNamespacePrefix) == Literal("untoc")
    assert graph.value(ONTOLOGY_IRI, VANN.preferredNamespaceUri) == Literal(str(UNTOC))


def test_ontology_is_owl_lite() -> None:
    assert owl_lite_violations(ontology()) == []


def test_no_imports() -> None:
    assert list(ontology().triples((None, OWL.imports, None))) == []


LITE_PREFIXES = """
@prefix : <http://example.org/#> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
NOT_LITE = {
    "unionOf": ":C owl:unionOf (:A :B) .",
    "complementOf": ":C owl:complementOf :A .",
    "disjointWith": ":A owl:disjointWith :B .",
    "oneOf": ":C owl:oneOf (:x :y) .",
    "hasValue": ":C owl:equivalentClass [ a owl:Restriction ; owl:onProperty :p ; owl:hasValue :x ] .",
    "cardinality 2": ":C rdfs:subClassOf [ a owl:Restriction ; owl:onProperty :p ; owl:cardinality 2 ] .",
    "maxCardinality 5": ':C rdfs:subClassOf [ a owl:Restriction ; owl:onProperty :p ; owl:maxCardinality "5"^^xsd:nonNegativeInteger ] .',
    "minCardinality 3": ":C rdfs:subClassOf [ a owl:Restriction ; owl:onProperty :p ; owl:minCardinality 3 ] .",
    "qualifiedCardinality": ":C rdfs:subClassOf [ a owl:Restriction ; owl:onProperty :p ; owl:qualifiedCardinality 1 ; owl:onClass :A ] .",
    "AllDisjointClasses": "[] a owl:AllDisjointClasses ; owl:members (:A :B) .",
    "disjointUnionOf": ":C owl:disjointUnionOf (:A :B) .",
    "intersection with a class expression": ":C owl:intersectionOf (:A [ owl:complementOf :B ]) .",
}


@pytest.mark.parametrize("construct", NOT_LITE)
def test_checker_rejects_constructs_outside_owl_lite(construct: str) -> None:
    graph = Graph().parse(data=LITE_PREFIXES + NOT_LITE[construct], format="turtle")
    assert owl_lite_violations(graph)


def test_checker_accepts_what_owl_lite_allows() -> None:
    allowed = """
    :C owl:intersectionOf (:A [ a owl:Restriction ; owl:onProperty :p ; owl:someValuesFrom :B ]) .
    :D rdfs:subClassOf [ a owl:Restriction ; owl:onProperty :p ; owl:maxCardinality 1 ] ,
        [ a owl:Restriction ; owl:onProperty :q ; owl:minCardinality 0 ] .
    :p a owl:ObjectProperty , owl:FunctionalProperty ; owl:inverseOf :q .
    """
    assert owl_lite_violations(Graph().parse(data=LITE_PREFIXES + allowed, format="turtle")) == []


def test_every_term_has_english_and_spanish_label_and_english_comment() -> None:
    graph = ontology()
    declared = declared_terms(graph)
    assert len(declared) > 60
    for term in declared:
        labels = {label.language for label in graph.objects(term, RDFS.label)}
        assert {"en", "es"} <= labels, term
        assert any(c.language == "en" for c in graph.objects(term, RDFS.comment)), term


def test_every_property_has_one_kind_a_domain_and_a_range() -> None:
    graph = ontology()
    for prop in properties(graph):
        object_property = (prop, RDF.type, OWL.ObjectProperty) in graph
        assert object_property != ((prop, RDF.type, OWL.DatatypeProperty) in graph), prop
        assert len(list(graph.objects(prop, RDFS.domain))) == 1, prop
        ranges = list(graph.objects(prop, RDFS.range))
        assert len(ranges) == 1, prop
        literal_range = ranges[0].startswith(str(XSD)) or ranges[0] == RDF.langString
        assert literal_range != object_property, f"{prop} has range {ranges[0]}"


def test_inverses_are_declared_both_ways_and_stay_consistent() -> None:
    graph = ontology()
    pairs = list(graph.subject_objects(OWL.inverseOf))
    assert len(pairs) == 12
    for a, b in pairs:
        assert (b, OWL.inverseOf, a) in graph, f"{b} does not declare itself the inverse of {a}"
        assert graph.value(a, RDFS.domain) == graph.value(b, RDFS.range), (a, b)
        assert graph.value(a, RDFS.range) == graph.value(b, RDFS.domain), (a, b)
        aligned_a = set(graph.objects(a, RDFS.subPropertyOf))
        aligned_b = set(graph.objects(b, RDFS.subPropertyOf))
        for x in aligned_a:
            for y in aligned_b:
                assert (x, y) in EXTERNAL_INVERSES or (y, x) in EXTERNAL_INVERSES, f"{a} ⊑ {x} but its inverse {b} ⊑ {y}"


def model_tables() -> tuple[set[str], dict[str, bool], set[tuple[str, str]], dict[str, set[str]]]:
    """Classes, properties (name → functional), inverse pairs and individuals, read from docs/model.md."""
    text = MODEL_FILE.read_text(encoding="utf-8")
    classes_section = text.split("## Classes", 1)[1].split("## Properties", 1)[0]
    properties_section = text.split("## Properties", 1)[1].split("\n## ", 1)[0]
    classes, individuals_of = set(), {}
    for row in re.findall(r"^\| `(\w+)` \|(.*)$", classes_section, re.M):
        classes.add(row[0])
        individuals_of[row[0]] = set(re.findall(r"`untoc:(\w+)`", row[1]))
    props: dict[str, bool] = {}
    inverses: set[tuple[str, str]] = set()
    for first_cell in re.findall(r"^\| (`[^|]*) \|", properties_section, re.M):
        for name, functional in re.findall(r"`(\w+)`( \*\*F\*\*)?", first_cell):
            props[name] = bool(functional)
        inverses.update(re.findall(r"`(\w+)` \*?\*?F?\*?\*? ?/ inverse `(\w+)`", first_cell))
    return classes, props, inverses, individuals_of


def test_ontology_declares_exactly_the_terms_of_the_model() -> None:
    graph = ontology()
    classes, props, inverses, individuals_of = model_tables()
    assert len(classes) == 27 and len(props) >= 45
    assert {c.removeprefix(str(UNTOC)) for c in terms(graph, OWL.Class)} == classes
    assert {p.removeprefix(str(UNTOC)) for p in properties(graph)} == set(props)
    for name, functional in props.items():
        assert ((UNTOC[name], RDF.type, OWL.FunctionalProperty) in graph) == functional, name
    for a, b in inverses:
        assert (UNTOC[a], OWL.inverseOf, UNTOC[b]) in graph, (a, b)
    for cls, names in individuals_of.items():
        assert {i.removeprefix(str(UNTOC)) for i in graph.subjects(RDF.type, UNTOC[cls])} == names, cls


def data_files() -> list[Path]:
    files = sorted((PROJECT_ROOT / "data").glob("*.trig"))
    assert files, "no data files"
    return files


@pytest.mark.parametrize("path", data_files(), ids=lambda p: p.name)
def test_every_term_used_in_data_is_declared_with_its_kind(path: Path) -> None:
    graph = ontology()
    classes, object_props = terms(graph, OWL.Class), terms(graph, OWL.ObjectProperty)
    datatype_props, known_individuals = terms(graph, OWL.DatatypeProperty), individuals(graph)
    dataset = Dataset()
    dataset.parse(path, format="trig")
    used: set[Node] = set()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        if p == RDF.type and o.startswith(str(UNTOC)):
            assert o in classes, f"{o} is used as a class but not declared as one"
        elif p.startswith(str(UNTOC)):
            expected = object_props if isinstance(o, URIRef) else datatype_props
            assert p in expected, f"{p} is used with {o!r} but not declared with that kind"
            if isinstance(o, URIRef) and o.startswith(str(UNTOC)):
                assert o in known_individuals, f"{o} is not a declared individual"
        assert not s.startswith(str(UNTOC)), f"data must not describe ontology term {s}"
        used.update({p, o})
    if any(dataset.quads((None, RDF.type, UNTOC.SourceGraph, None))):  # a source document's facts use most of the vocabulary
        assert len({t for t in used if isinstance(t, URIRef) and t.startswith(str(UNTOC))}) > 40


def test_every_class_and_property_it_refers_to_is_typed() -> None:
    """OWL Lite wants every class and property of a document typed, other vocabularies' terms included."""
    graph = ontology()
    datatypes = {RDF.langString}
    for s, p, o in graph:
        if p in (RDFS.subClassOf, RDFS.domain) or (p == RDFS.range and (s, RDF.type, OWL.ObjectProperty) in graph):
            assert o == OWL.Thing or (o, RDF.type, OWL.Class) in graph, f"{o} ({p.fragment} of {s}) is not an owl:Class"
        if p == RDFS.range and (s, RDF.type, OWL.DatatypeProperty) in graph:
            assert o in datatypes or o.startswith(str(XSD)), (s, o)
        if p == RDFS.subPropertyOf:
            kind = OWL.ObjectProperty if (s, RDF.type, OWL.ObjectProperty) in graph else OWL.DatatypeProperty
            assert (o, RDF.type, kind) in graph, f"{s} specialises {o}, which is not typed {kind.fragment}"


def test_class_alignments_are_those_of_the_model() -> None:
    graph = ontology()
    section = MODEL_FILE.read_text(encoding="utf-8").split("## Classes", 1)[1].split("## Properties", 1)[0]
    rows = re.findall(r"^\| `(\w+)` \| ([^|]*) \|", section, re.M)
    assert len(rows) == 27
    for name, superclasses in rows:
        expected = {f"untoc:{n}" if ":" not in n else n for n in re.findall(r"`([\w:]+)`", superclasses)}
        actual = {graph.namespace_manager.normalizeUri(o) for o in graph.objects(UNTOC[name], RDFS.subClassOf)}
        assert actual == expected, name
