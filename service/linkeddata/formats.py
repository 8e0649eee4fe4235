"""Serializing descriptions: Turtle, N-Triples, RDF/XML, and compact JSON-LD with a published context.

The JSON-LD context is generated from the ontology itself: one short term per class and property of
the ``untoc:`` namespace, object properties typed ``@id`` and dated properties typed ``xsd:date``, so
that every description compacts the same way and clients can fetch the context once.
"""

from __future__ import annotations

import json
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from ..namespaces import ontology_namespace
from .resources import JSONLD, Format

CONTEXT_PATH = "context.jsonld"
PREFIXES = {
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "owl": str(OWL),
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "schema": "https://schema.org/",
    "org": "http://www.w3.org/ns/org#",
    "void": "http://rdfs.org/ns/void#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "sh": "http://www.w3.org/ns/shacl#",
    "eli": "http://data.europa.eu/eli/ontology#",
    "undo": "https://w3id.org/un/ontology/undo/",
    "vann": "http://purl.org/vocab/vann/",
}
# Ranges whose values are plain strings or language-tagged strings: no type coercion in the context.
UNCOERCED_RANGES = {XSD.string, RDF.langString, RDFS.Literal}


def jsonld_context(ontology: Graph, base: str) -> dict[str, Any]:
    """The ``@context`` object for the dataset: prefixes, then one term per ontology class and property."""
    namespace = ontology_namespace(base)
    context: dict[str, Any] = {"untoc": namespace, "id": base + "id/", **PREFIXES, "label": {"@id": str(RDFS.label)}}
    terms = {s for s in ontology.subjects() if isinstance(s, URIRef) and str(s).startswith(namespace)}
    for iri in sorted(terms):
        name = str(iri)[len(namespace):]
        if not name or name in context:
            continue
        context[name] = _term_definition(ontology, iri)
    return context


def _term_definition(ontology: Graph, iri: URIRef) -> str | dict[str, str]:
    types = set(ontology.objects(iri, RDF.type))
    if OWL.ObjectProperty in types:
        return {"@id": str(iri), "@type": "@id"}
    if OWL.DatatypeProperty in types or RDF.Property in types:
        ranges = [r for r in ontology.objects(iri, RDFS.range) if isinstance(r, URIRef)]
        if len(ranges) == 1 and str(ranges[0]).startswith(str(XSD)) and ranges[0] not in UNCOERCED_RANGES:
            return {"@id": str(iri), "@type": str(ranges[0])}
        return {"@id": str(iri)}
    return str(iri)


def prefixed_name(iri: str) -> str | None:
    """``prefix:local`` for an IRI in a well-known namespace (how the ontology's alignments are read)."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return None


def serialize(graph: Graph, fmt: Format, context: dict[str, Any], context_url: str) -> bytes:
    """``graph`` in ``fmt``; JSON-LD is compacted with ``context`` and refers to it by ``context_url``."""
    if fmt == JSONLD:
        document = json.loads(graph.serialize(format="json-ld", context=context, auto_compact=True))
        document["@context"] = context_url
        if isinstance(document.get("@graph"), list):
            document["@graph"].sort(key=lambda node: str(node.get("@id", "")))
        return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True).encode()
    body = graph.serialize(format=fmt.rdflib_name, encoding="utf-8")
    if fmt.rdflib_name == "nt":
        # rdflib writes in hash order, which differs between processes: sorted, every worker sends the same bytes
        return b"".join(sorted(body.splitlines(keepends=True)))
    return body


def script_json(document: bytes) -> str:
    """JSON for an HTML ``<script>`` element: ``<``, ``>`` and ``&`` escaped so no text can close it."""
    text = json.dumps(json.loads(document), ensure_ascii=False, indent=1)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
