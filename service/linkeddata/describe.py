"""From an IRI to the graph that describes it: its triples, what points to it, labels, provenance.

Descriptions are small, so they are assembled as rdflib graphs, which serialize to every format the
views offer (JSON-LD compacted with the published context included). Every IRI enters a query as a
``pyoxigraph.NamedNode`` (validated, then written as ``<…>``), never as raw text from a request.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, XSD

from ..namespaces import ontology_namespace, shapes_namespace
from ..store import Store

PROV = Namespace("http://www.w3.org/ns/prov#")
LABEL_BATCH = 500
_DOCUMENT_KEYS = ("symbol", "issuedOn", "reportOf", "preparedFor")
CONTEXT: dict[str, tuple[str, ...]] = {
    "Meeting": ("startDate", "endDate", "place", "ordinal", "meetingOf"),
    "Session": ("ordinal", "startDate", "endDate", "place"),
    "WorkingGroup": ("symbolSeries", "establishedBy", "subsidiaryOf"),
    "Decision": ("mandateNumber", "adoptedAt"),
    "Resolution": ("mandateNumber", "adoptedAt"),
    **{kind: _DOCUMENT_KEYS for kind in ("Document", "Report", "Note", "BackgroundPaper", "DraftResolution",
                                         "DraftDecision", "ProvisionalAgenda", "ConferenceRoomPaper",
                                         "InformationDocument")},
}
"""One hop of context (docs/linked-data.md): for each class, the facts of a linked resource of that
class that a description carries along, so that a client reading a report learns its meeting's dates,
place and group, and one reading a meeting its reports' symbols, without a second request."""


@dataclass(frozen=True)
class Description:
    """The graph describing ``iri``, and how many triples point to it."""

    iri: str
    graph: Graph
    inverse_count: int


def term(iri: str) -> str:
    """``iri`` as a SPARQL IRI term; raises ValueError for anything that is not a valid IRI."""
    return str(ox.NamedNode(iri))


def to_rdflib(node: ox.NamedNode | ox.BlankNode | ox.Literal) -> URIRef | BNode | Literal:
    if isinstance(node, ox.NamedNode):
        return URIRef(node.value)
    if isinstance(node, ox.BlankNode):
        return BNode(node.value)
    if node.language:
        return Literal(node.value, lang=node.language)
    if node.datatype.value == str(XSD.string):
        return Literal(node.value)  # RDF 1.1: one literal; rdflib tells them apart, and JSON-LD drops the type
    return Literal(node.value, datatype=URIRef(node.datatype.value))


def exists(store: Store, iri: str) -> bool:
    """Whether the store says anything about ``iri``, as subject, object or graph name."""
    return bool(store.query(f"ASK {{ {{ {term(iri)} ?p ?o }} UNION {{ ?s ?p {term(iri)} }} }}"))


def first_existing(store: Store, iris: Iterable[str]) -> str | None:
    return next((iri for iri in iris if exists(store, iri)), None)


_ORDINAL_MEETING = re.compile(r"meeting/(?P<body>[A-Za-z]+\.\d+)/(?P<ordinal>\d{1,3})")


def renamed_meeting(store: Store, base: str, path: str) -> str | None:
    """The meeting a path of the first IRI scheme names (``meeting/WG.4/13``: series and ordinal),
    now named by series and first day (docs/model.md); None when no single meeting fits."""
    match = _ORDINAL_MEETING.fullmatch(path)
    if match is None:
        return None
    untoc = ontology_namespace(base)
    series = ox.Literal("CTOC/COP/" + match.group("body"))
    ordinal = ox.Literal(match.group("ordinal"), datatype=ox.NamedNode(str(XSD.integer)))
    rows = list(store.query(f"SELECT DISTINCT ?m {{ ?m <{untoc}meetingOf> ?g ; <{untoc}ordinal> {ordinal} . "
                            f"?g <{untoc}symbolSeries> {series} }} LIMIT 2"))
    return rows[0]["m"].value if len(rows) == 1 else None


def bind_prefixes(graph: Graph, base: str) -> Graph:
    """Prefixes that make the Turtle readable: the dataset's own namespaces and the aligned ones."""
    graph.bind("untoc", ontology_namespace(base))
    graph.bind("untocsh", shapes_namespace(base))
    graph.bind("id", base + "id/")
    graph.bind("prov", PROV)
    graph.bind("dcterms", DCTERMS)
    graph.bind("foaf", FOAF)
    return graph


def describe(store: Store, base: str, iri: str, document_url: str) -> Description:
    """The description of ``iri`` as served at ``document_url``."""
    untoc = ontology_namespace(base)
    graph = bind_prefixes(Graph(), base)
    subject = URIRef(iri)
    for row in store.query(f"SELECT DISTINCT ?p ?o {{ {term(iri)} ?p ?o }}"):
        graph.add((subject, to_rdflib(row["p"]), to_rdflib(row["o"])))
    inverse = 0
    for row in store.query(f"SELECT DISTINCT ?s ?p {{ ?s ?p {term(iri)} }}"):
        graph.add((to_rdflib(row["s"]), to_rdflib(row["p"]), subject))
        inverse += 1
    _add_context(store, graph, untoc, subject)
    passages = [o for o in graph.objects(subject, URIRef(untoc + "statedIn")) if isinstance(o, URIRef)]
    _add_subject_triples(store, graph, passages)
    documents = {o for p in passages for o in graph.objects(p, URIRef(untoc + "passageOf")) if isinstance(o, URIRef)}
    _add_subject_triples(store, graph, documents, predicates=(RDFS.label, URIRef(untoc + "symbol")))
    _add_sources(store, graph, untoc, iri, document_url)
    _add_labels(store, graph)
    return Description(iri, graph, inverse)


def describe_graph(store: Store, base: str, graph_iri: str) -> Graph:
    """Every triple of one named graph (the ontology, the shapes), as a whole document."""
    graph = bind_prefixes(Graph(), base)
    for triple in store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {term(graph_iri)} {{ ?s ?p ?o }} }}"):
        graph.add((to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)))
    return graph


def _values(nodes: Iterable[URIRef]) -> str:
    return " ".join(term(str(node)) for node in nodes)


def _batches(nodes: Iterable[URIRef]) -> Iterable[list[URIRef]]:
    ordered = sorted(set(nodes))
    for start in range(0, len(ordered), LABEL_BATCH):
        yield ordered[start:start + LABEL_BATCH]


def subject_triples_query(nodes: Iterable[URIRef], predicates: tuple[URIRef, ...] = ()) -> str:
    """The triples of ``nodes``, only ``predicates`` when given.

    The predicates are a UNION of one pattern each, not a second ``VALUES``: with two ``VALUES``
    blocks Oxigraph 0.5 does not use them to look the triples up (on a million triples, 3-4 s
    instead of 12-20 ms for a group whose passages come from 192 documents).
    """
    subjects = f"VALUES ?s {{ {_values(nodes)} }}"
    if not predicates:
        return f"SELECT DISTINCT ?s ?p ?o {{ {subjects} ?s ?p ?o }}"
    patterns = " UNION ".join(f"{{ ?s {term(str(p))} ?o BIND({term(str(p))} AS ?p) }}" for p in predicates)
    return f"SELECT DISTINCT ?s ?p ?o {{ {subjects} {patterns} }}"


def _add_subject_triples(store: Store, graph: Graph, nodes: Iterable[URIRef], predicates: tuple[URIRef, ...] = ()) -> None:
    """Add the triples of ``nodes`` (only ``predicates`` when given): passages with their text, documents."""
    for batch in _batches(nodes):
        for row in store.query(subject_triples_query(batch, predicates)):
            graph.add((to_rdflib(row["s"]), to_rdflib(row["p"]), to_rdflib(row["o"])))


def _add_context(store: Store, graph: Graph, untoc: str, subject: URIRef) -> None:
    """One hop: the types of every thing the subject links to, then the facts ``CONTEXT`` declares
    for their classes (not of everything that links to the subject: a group is named by thousands of
    documents, and its description must stay small). Two plain queries, each a shape both engines
    run: a two-variable VALUES inside a UNION stops Virtuoso 7's compiler (error SQ156)."""
    linked = {o for o in graph.objects(subject) if isinstance(o, URIRef)} - {subject}
    _add_subject_triples(store, graph, linked, predicates=(RDF.type,))
    by_keys: dict[tuple[URIRef, ...], set[URIRef]] = {}
    for node in linked:
        for kind in graph.objects(node, RDF.type):
            keys = CONTEXT.get(str(kind).removeprefix(untoc)) if str(kind).startswith(untoc) else None
            if keys:
                by_keys.setdefault(tuple(URIRef(untoc + key) for key in keys), set()).add(node)
    for predicates, nodes in by_keys.items():
        _add_subject_triples(store, graph, nodes, predicates)


def _add_sources(store: Store, graph: Graph, untoc: str, iri: str, document_url: str) -> None:
    """State what the description is about, the source graphs its facts come from, and their documents
    with the symbol and issue date of each: a fact such as a meeting's status holds as of its source's
    date, so the date comes along with the source (``reported_in`` says which graph states which value)."""
    document = URIRef(document_url)
    graph.add((document, RDF.type, FOAF.Document))
    graph.add((document, FOAF.primaryTopic, URIRef(iri)))
    source_document = term(untoc + "sourceDocument")
    query = f"SELECT DISTINCT ?g ?doc {{ GRAPH ?g {{ {term(iri)} ?p ?o }} OPTIONAL {{ ?g {source_document} ?doc }} }}"
    documents: set[URIRef] = set()
    for row in store.query(query):
        graph.add((document, DCTERMS.source, to_rdflib(row["g"])))
        if isinstance(row["doc"], ox.NamedNode):
            documents.add(URIRef(row["doc"].value))
            graph.add((to_rdflib(row["g"]), URIRef(untoc + "sourceDocument"), URIRef(row["doc"].value)))
    _add_subject_triples(store, graph, documents, predicates=(URIRef(untoc + "symbol"), URIRef(untoc + "issuedOn")))


def reported_in(store: Store, iri: str, predicate: str) -> list[tuple[URIRef | BNode | Literal, URIRef]]:
    """Each value of ``predicate`` for ``iri`` with each named graph that states it: a value that holds
    as of its source's date (a meeting's status) is only meaningful with the source that reports it."""
    query = f"SELECT DISTINCT ?o ?g {{ GRAPH ?g {{ {term(iri)} {term(predicate)} ?o }} }}"
    return [(to_rdflib(row["o"]), URIRef(row["g"].value)) for row in store.query(query)]


def _add_labels(store: Store, graph: Graph) -> None:
    """Add the rdfs:label of every IRI the description mentions, so that no link is shown bare."""
    nodes = {node for triple in graph for node in triple if isinstance(node, URIRef)}
    for node, label in labels_of(store, nodes):
        graph.add((node, RDFS.label, label))


def labels_of(store: Store, nodes: Iterable[URIRef]) -> Iterator[tuple[URIRef, Literal]]:
    """Every rdfs:label of ``nodes``, read in batches so that a long list stays one query per batch."""
    for batch in _batches(nodes):
        for row in store.query(f"SELECT DISTINCT ?s ?l {{ VALUES ?s {{ {_values(batch)} }} ?s {term(str(RDFS.label))} ?l }}"):
            yield to_rdflib(row["s"]), to_rdflib(row["l"])
