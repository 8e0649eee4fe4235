"""The dataset described with VoID and DCAT, from the store itself and its dumps.

The dataset is ``{base}.well-known/void#dataset`` (a hash IRI: it dereferences to this description);
each source graph is a ``void:subset``, each dump a ``dcat:Distribution`` with its size and SHA-256.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, RDFS, VOID, XSD

from ..namespaces import ontology_namespace
from ..store import Store
from .describe import bind_prefixes, term
from .dumps import Dump

SPDX = Namespace("http://spdx.org/rdf/terms#")
VOID_PATH = ".well-known/void"
LICENCE = URIRef("https://creativecommons.org/publicdomain/zero/1.0/")
EXAMPLE_CLASSES = ("WorkingGroup", "Meeting", "Report", "Mandate", "Decision", "Resolution")


@dataclass(frozen=True)
class Facts:
    """What the description says, for the HTML page as well as for the graph."""

    triples: int
    classes: list[tuple[str, int]]
    properties: int
    vocabularies: list[str]
    examples: list[str]
    subsets: list[tuple[str, int]]


def facts(store: Store, base: str, graph_sizes: dict[str, int], triples: int) -> Facts:
    classes = [(r["c"].value, int(r["n"].value)) for r in store.query(
        "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) { ?s a ?c FILTER(isIRI(?c)) } GROUP BY ?c ORDER BY DESC(?n) ?c")]
    predicates = [r["p"].value for r in store.query("SELECT DISTINCT ?p { ?s ?p ?o }")]
    vocabularies = sorted({_namespace(iri) for iri in [*predicates, *(c for c, _ in classes)]})
    untoc = ontology_namespace(base)
    examples = []
    for name in EXAMPLE_CLASSES:
        found = next(iter(store.query(f"SELECT ?s {{ ?s a {term(untoc + name)} FILTER(isIRI(?s)) }} ORDER BY ?s LIMIT 1")), None)
        if found is not None and found["s"].value not in examples:
            examples.append(found["s"].value)
    subsets = sorted((g, n) for g, n in graph_sizes.items() if g)
    return Facts(triples, classes, len(predicates), vocabularies, examples, subsets)


def _namespace(iri: str) -> str:
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[:cut + 1]


def void_graph(base: str, found: Facts, dumps: list[Dump]) -> Graph:
    graph = bind_prefixes(Graph(), base)
    for prefix, namespace in (("void", VOID), ("dcat", DCAT), ("spdx", SPDX)):
        graph.bind(prefix, namespace)
    dataset = URIRef(f"{base}{VOID_PATH}#dataset")
    service = URIRef(f"{base}{VOID_PATH}#sparql-service")
    add = graph.add
    add((dataset, RDF.type, VOID.Dataset))
    add((dataset, RDF.type, DCAT.Dataset))
    add((dataset, DCTERMS.title, Literal("UNTOC Conference of the Parties knowledge graph", lang="en")))
    add((dataset, DCTERMS.title, Literal("Grafo de conocimiento de la Conferencia de las Partes en la UNTOC", lang="es")))
    add((dataset, DCTERMS.description, Literal("Mandates, working groups, meetings and reports of the Conference of the "
                                               "Parties to UNTOC, each fact traced to its source paragraph.", lang="en")))
    add((dataset, DCTERMS.license, LICENCE))
    add((dataset, VOID.triples, Literal(found.triples, datatype=XSD.integer)))
    add((dataset, VOID.classes, Literal(len(found.classes), datatype=XSD.integer)))
    add((dataset, VOID.properties, Literal(found.properties, datatype=XSD.integer)))
    add((dataset, VOID.uriSpace, Literal(base + "id/")))
    add((dataset, VOID.sparqlEndpoint, URIRef(base + "sparql")))
    add((dataset, VOID.rootResource, URIRef(base + "id/conference")))
    for vocabulary in found.vocabularies:
        add((dataset, VOID.vocabulary, URIRef(vocabulary)))
    for example in found.examples:
        add((dataset, VOID.exampleResource, URIRef(example)))
    for cls, n in found.classes:
        partition = BNode()
        add((dataset, VOID.classPartition, partition))
        add((partition, VOID["class"], URIRef(cls)))
        add((partition, VOID.entities, Literal(n, datatype=XSD.integer)))
    for graph_iri, n in found.subsets:
        subset = URIRef(graph_iri)
        add((dataset, VOID.subset, subset))
        add((subset, RDF.type, VOID.Dataset))
        add((subset, VOID.triples, Literal(n, datatype=XSD.integer)))
    add((service, RDF.type, DCAT.DataService))
    add((service, DCAT.endpointURL, URIRef(base + "sparql")))
    add((service, DCAT.servesDataset, dataset))
    add((service, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    for dump in dumps:
        _add_dump(graph, dataset, base, dump)
    return graph


def _add_dump(graph: Graph, dataset: URIRef, base: str, dump: Dump) -> None:
    url = URIRef(f"{base}dumps/{dump.name}")
    checksum = BNode()
    graph.add((dataset, VOID.dataDump, url))
    graph.add((dataset, DCAT.distribution, url))
    graph.add((url, RDF.type, DCAT.Distribution))
    graph.add((url, DCAT.downloadURL, url))
    graph.add((url, DCAT.mediaType, URIRef(f"https://www.iana.org/assignments/media-types/{dump.media_type}")))
    graph.add((url, DCAT.compressFormat, URIRef("https://www.iana.org/assignments/media-types/application/gzip")))
    graph.add((url, DCAT.byteSize, Literal(dump.bytes, datatype=XSD.nonNegativeInteger)))
    graph.add((url, RDFS.label, Literal(dump.name)))
    graph.add((url, SPDX.checksum, checksum))
    graph.add((checksum, RDF.type, SPDX.Checksum))
    graph.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
    graph.add((checksum, SPDX.checksumValue, Literal(dump.sha256, datatype=XSD.hexBinary)))

