"""Facts with their evidence, and the graph that carries both.

Each fact triple is stated by one or more *evidence* spans: a passage and a character range of its
``untoc:text``. The graph gets, per (triple, span), one W3C Web Annotation node that is also an
``rdf:Statement`` of the triple, targeting the passage with a TextQuoteSelector (the exact words) and
a TextPositionSelector (offsets into the passage text), so a SPARQL query can go from any triple to
the words that state it. Node-level ``untoc:statedIn`` (docs/model.md) is the union of the passages
of the facts whose subject the node is: the same provenance model as the curated graphs.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from rdflib import RDF, RDFS, XSD, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from ..namespaces import CANONICAL_BASE, ontology_namespace

UNTOC = Namespace(ontology_namespace(CANONICAL_BASE))
OA = Namespace("http://www.w3.org/ns/oa#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
PROV = Namespace("http://www.w3.org/ns/prov#")
ANNOTATION_CONTEXT = 32  # characters of prefix and suffix kept by a TextQuoteSelector

Triple = tuple[URIRef, URIRef, Node]


@dataclass(frozen=True)
class Passage:
    """A numbered paragraph or a named heading of the source, with its exact (clean) text."""

    iri: URIRef
    name: str
    text: str
    lang: str
    labels: tuple[str, str]  # (es, en)
    number: int | None = None


@dataclass(frozen=True)
class Evidence:
    """The span ``passage.text[start:end]`` that states a fact."""

    passage: Passage
    start: int
    end: int

    @property
    def exact(self) -> str:
        return self.passage.text[self.start:self.end]


@dataclass
class Facts:
    """Triples in insertion order, each with every span that states it."""

    graph_iri: URIRef
    document: URIRef
    evidence: dict[Triple, list[Evidence]] = field(default_factory=dict)
    passages: dict[str, Passage] = field(default_factory=dict)

    def add(self, triple: Triple, *spans: Evidence) -> None:
        """Record ``triple`` as stated by ``spans`` (at least one: no fact without its words)."""
        if not spans:
            raise ValueError(f"a fact needs evidence: {triple}")
        known = self.evidence.setdefault(triple, [])
        known.extend(span for span in spans if span not in known)

    def objects(self, subject: URIRef, predicate: URIRef) -> list[Node]:
        return [o for (s, p, o) in self.evidence if s == subject and p == predicate]

    def graph(self) -> Graph:
        """The named graph: facts, statedIn, passages, the graph's self-description and annotations."""
        graph = Graph(identifier=self.graph_iri)
        for triple in self.evidence:
            graph.add(triple)
        for subject, passages in self._stated_in().items():
            for passage in passages:
                graph.add((subject, UNTOC.statedIn, passage))
        for passage in self.passages.values():
            _add_passage(graph, passage, self.document)
        for triple, spans in self.evidence.items():
            for span in spans:
                _annotate(graph, triple, span, self.document)
        return graph

    def _stated_in(self) -> dict[URIRef, list[URIRef]]:
        stated: dict[URIRef, list[URIRef]] = {}
        for (subject, _, _), spans in self.evidence.items():
            if subject == self.graph_iri:
                continue  # the source graph describes itself; it is not stated by a passage
            known = stated.setdefault(subject, [])
            known.extend(span.passage.iri for span in spans if span.passage.iri not in known)
        return stated


def _add_passage(graph: Graph, passage: Passage, document: URIRef) -> None:
    graph.add((passage.iri, RDF.type, UNTOC.Passage))
    graph.add((passage.iri, RDFS.label, Literal(passage.labels[0], lang="es")))
    graph.add((passage.iri, RDFS.label, Literal(passage.labels[1], lang="en")))
    graph.add((passage.iri, UNTOC.passageOf, document))
    graph.add((passage.iri, UNTOC.text, Literal(passage.text, lang=passage.lang)))
    if passage.number is not None:
        graph.add((passage.iri, UNTOC.paragraphNumber, Literal(passage.number, datatype=XSD.integer)))


def annotation_iri(triple: Triple, span: Evidence, document: URIRef) -> URIRef:
    """A stable IRI per (triple, span): the same input always gives the same bytes out."""
    # The language too: two language versions share passage IRIs, and may share offsets by chance.
    key = "\x00".join((*(t.n3() for t in triple), str(span.passage.iri), span.passage.lang, str(span.start),
                        str(span.end)))
    return URIRef(f"{document}/annotation/{hashlib.sha256(key.encode()).hexdigest()[:16]}")


def _annotate(graph: Graph, triple: Triple, span: Evidence, document: URIRef) -> None:
    """One oa:Annotation (and rdf:Statement) tying ``triple`` to the exact words of ``span``."""
    node = annotation_iri(triple, span, document)
    target, quote, position = (URIRef(f"{node}#{part}") for part in ("target", "quote", "position"))
    text = span.passage.text
    graph.add((node, RDF.type, OA.Annotation))
    graph.add((node, RDF.type, RDF.Statement))
    graph.add((node, RDF.subject, triple[0]))
    graph.add((node, RDF.predicate, triple[1]))
    graph.add((node, RDF.object, triple[2]))
    graph.add((node, OA.motivatedBy, OA.describing))
    graph.add((node, DCTERMS.source, document))
    graph.add((node, PROV.wasDerivedFrom, span.passage.iri))
    graph.add((node, OA.hasTarget, target))
    graph.add((target, RDF.type, OA.SpecificResource))
    graph.add((target, OA.hasSource, span.passage.iri))
    graph.add((target, OA.hasSelector, quote))
    graph.add((target, OA.hasSelector, position))
    graph.add((quote, RDF.type, OA.TextQuoteSelector))
    graph.add((quote, OA.exact, Literal(span.exact)))
    graph.add((quote, OA.prefix, Literal(text[max(0, span.start - ANNOTATION_CONTEXT):span.start])))
    graph.add((quote, OA.suffix, Literal(text[span.end:span.end + ANNOTATION_CONTEXT])))
    graph.add((position, RDF.type, OA.TextPositionSelector))
    graph.add((position, OA.start, Literal(span.start, datatype=XSD.nonNegativeInteger)))
    graph.add((position, OA.end, Literal(span.end, datatype=XSD.nonNegativeInteger)))


def is_annotation_node(node: Node) -> bool:
    """True for the annotation machinery (annotations, targets, selectors) of this module."""
    return isinstance(node, URIRef) and "/annotation/" in str(node)


def dataset_of(graph: Graph) -> Dataset:
    """A Dataset holding ``graph`` as its one named graph, for TriG output and as a witness of the
    conflict checks (its default graph the union, as for the data files read)."""
    dataset = Dataset(default_union=True)
    dataset.bind("untoc", UNTOC)
    dataset.bind("oa", OA)
    dataset.bind("dcterms", DCTERMS)
    dataset.bind("prov", PROV)
    named = dataset.graph(graph.identifier)
    for triple in graph:
        named.add(triple)
    return dataset
