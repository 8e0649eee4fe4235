"""The SPARQL 1.1 Service Description that GET /sparql returns when it carries no query.

It tells clients (and federating endpoints) what this endpoint speaks: languages, result formats,
features, and the default dataset: the union of every named graph in the store, each listed with
its number of triples.
"""

from __future__ import annotations

import pyoxigraph as ox

from .formats import GRAPH_FORMATS, SOLUTION_FORMATS

SD = "http://www.w3.org/ns/sparql-service-description#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
VOID_TRIPLES = ox.NamedNode("http://rdfs.org/ns/void#triples")
XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
DCTERMS_DESCRIPTION = ox.NamedNode("http://purl.org/dc/terms/description")
FORMAT_IRIS = {
    "json": "http://www.w3.org/ns/formats/SPARQL_Results_JSON",
    "xml": "http://www.w3.org/ns/formats/SPARQL_Results_XML",
    "csv": "http://www.w3.org/ns/formats/SPARQL_Results_CSV",
    "tsv": "http://www.w3.org/ns/formats/SPARQL_Results_TSV",
    "turtle": "http://www.w3.org/ns/formats/Turtle",
    "nt": "http://www.w3.org/ns/formats/N-Triples",
    "jsonld": "http://www.w3.org/ns/formats/JSON-LD",
    "rdfxml": "http://www.w3.org/ns/formats/RDF_XML",
    "trig": "http://www.w3.org/ns/formats/TriG",
    "nq": "http://www.w3.org/ns/formats/N-Quads",
}
DESCRIPTION_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
UNION_NOTE = ("Without FROM, FROM NAMED, default-graph-uri or named-graph-uri, the default graph of a "
              "query is the union of all the named graphs listed here; GRAPH reaches each one. "
              "Relative IRIs in queries resolve against {base}. Read-only: SPARQL Update is refused.")


def _sd(name: str) -> ox.NamedNode:
    return ox.NamedNode(SD + name)


def description(endpoint: str, base_iri: str, graph_sizes: dict[str, int], timeout: float,
                federated: bool) -> list[ox.Triple]:
    """The service description of the endpoint at ``endpoint`` for a store with ``graph_sizes``.

    ``federated``: SERVICE may call some endpoints (the --allow-service list is not empty).
    """
    service, dataset, default_graph = ox.NamedNode(endpoint), ox.BlankNode(), ox.BlankNode()
    triples = [
        ox.Triple(service, RDF_TYPE, _sd("Service")),
        ox.Triple(service, _sd("endpoint"), service),
        ox.Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Query")),
        ox.Triple(service, _sd("feature"), _sd("UnionDefaultGraph")),
        ox.Triple(service, DCTERMS_DESCRIPTION, ox.Literal(
            UNION_NOTE.format(base=base_iri) + f" Each query is stopped after {timeout:g} s.", language="en")),
        ox.Triple(service, _sd("defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, _sd("Dataset")),
        ox.Triple(dataset, _sd("defaultGraph"), default_graph),
        ox.Triple(default_graph, RDF_TYPE, _sd("Graph")),  # no void:triples: the union may share triples
    ]
    if federated:
        triples.append(ox.Triple(service, _sd("feature"), _sd("BasicFederatedQuery")))
    for result_format in (*SOLUTION_FORMATS, *GRAPH_FORMATS):
        triples.append(ox.Triple(service, _sd("resultFormat"), ox.NamedNode(FORMAT_IRIS[result_format.name])))
    for name, size in sorted(graph_sizes.items()):
        if name:
            triples += _named_graph(dataset, name, size)
    return triples


def _named_graph(dataset: ox.BlankNode, name: str, size: int) -> list[ox.Triple]:
    node, graph = ox.BlankNode(), ox.BlankNode()
    return [
        ox.Triple(dataset, _sd("namedGraph"), node),
        ox.Triple(node, RDF_TYPE, _sd("NamedGraph")),
        ox.Triple(node, _sd("name"), ox.NamedNode(name)),
        ox.Triple(node, _sd("graph"), graph),
        ox.Triple(graph, RDF_TYPE, _sd("Graph")),
        ox.Triple(graph, VOID_TRIPLES, ox.Literal(str(size), datatype=XSD_INTEGER)),
    ]


def serialize(triples: list[ox.Triple], media_type: str) -> bytes:
    prefixes = {"sd": SD, "void": "http://rdfs.org/ns/void#", "dcterms": "http://purl.org/dc/terms/"}
    return ox.serialize(triples, format=DESCRIPTION_FORMATS[media_type], prefixes=prefixes)
