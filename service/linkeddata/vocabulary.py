"""The ontology and the shapes as documentation for people: every term and shape, anchored by name.

``{base}ontology#Term`` and ``{base}shapes#Shape`` are hash IRIs, so each term's section carries the
fragment as its id and a link to a term lands on it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH

from ..html import render
from ..namespaces import ontology_namespace, shapes_namespace
from .i18n import MESSAGES
from .pages import Labels, Value, page_context, value_of
from .resources import RDF_FORMATS, local_name
from .site import Site

PROPERTY_FACETS = (("domain", RDFS.domain), ("range", RDFS.range), ("subproperty_of", RDFS.subPropertyOf),
                   ("inverse_of", OWL.inverseOf), ("equivalent", OWL.equivalentProperty))
CLASS_FACETS = (("subclass_of", RDFS.subClassOf), ("equivalent", OWL.equivalentClass))
CHARACTERISTICS = (OWL.FunctionalProperty, OWL.InverseFunctionalProperty, OWL.TransitiveProperty, OWL.SymmetricProperty)


@dataclass
class Term:
    """One term of the ontology with everything a reader needs to use it."""

    anchor: str
    iri: str
    labels: list[Value]
    comments: list[Value]
    facets: list[tuple[str, list[Value]]]


def ontology_page(site: Site, graph: Graph, lang: str, path: str, query: dict[str, str]) -> str:
    """Documentation of every class, property and individual of the ontology, anchored by local name."""
    namespace = ontology_namespace(site.base)
    labels = Labels.of_graph(graph, lang)
    sections: dict[str, list[Term]] = defaultdict(list)
    for iri in sorted({s for s in graph.subjects() if isinstance(s, URIRef) and str(s).startswith(namespace)}):
        types = set(graph.objects(iri, RDF.type))
        if OWL.Class in types or RDFS.Class in types:
            section, facets = "classes", CLASS_FACETS
        elif OWL.ObjectProperty in types:
            section, facets = "object_properties", PROPERTY_FACETS
        elif OWL.DatatypeProperty in types or RDF.Property in types:
            section, facets = "datatype_properties", PROPERTY_FACETS
        elif types:
            section, facets = "individuals", ()
        else:
            section, facets = "other_terms", ()
        sections[section].append(_term(site, graph, iri, namespace, labels, lang, facets, types))
    ontology = URIRef(site.base + "ontology")
    context = {
        **page_context(site, lang, path, query),
        "title": next((v.text for v in _literals(graph, ontology, DCTERMS.title, lang)), MESSAGES[lang]["ontology"]),
        "header": [*_literals(graph, ontology, DCTERMS.description, lang), *_literals(graph, ontology, RDFS.comment, lang),
                   *_literals(graph, ontology, OWL.versionInfo, lang)],
        "sections": [(key, sections[key]) for key in ("classes", "object_properties", "datatype_properties", "individuals", "other_terms") if sections[key]],
        "alternates": [(f.extension, f.media_type, f"{path}.{f.extension}") for f in RDF_FORMATS],
        "document": "ontology",
    }
    return render("vocabulary.html", **context)


def _term(site: Site, graph: Graph, iri: URIRef, namespace: str, labels: Labels, lang: str,
          facets: tuple[tuple[str, URIRef], ...], types: set) -> Term:
    words = MESSAGES[lang]
    rows = [(words[name], [value_of(site, o, labels) for o in sorted(graph.objects(iri, predicate)) if not isinstance(o, BNode)])
            for name, predicate in facets]
    characteristics = [value_of(site, t, labels) for t in CHARACTERISTICS if t in types]
    if characteristics:
        rows.append((words["characteristics"], characteristics))
    if not facets:
        rows.append((words["instance_of"], [value_of(site, t, labels) for t in sorted(types)]))
    return Term(
        anchor=str(iri)[len(namespace):],
        iri=str(iri),
        labels=[Value(str(o), lang=o.language) for o in sorted(graph.objects(iri, RDFS.label))],
        comments=_literals(graph, iri, RDFS.comment, lang),
        facets=[(name, values) for name, values in rows if values],
    )


def _literals(graph: Graph, subject: URIRef, predicate: URIRef, lang: str) -> list[Value]:
    """Literal values, those in the page's language only when there are any."""
    values = [o for o in graph.objects(subject, predicate) if isinstance(o, Literal)]
    preferred = [o for o in values if o.language == lang] or values
    return [Value(str(o), lang=o.language) for o in sorted(preferred)]


@dataclass
class Shape:
    anchor: str
    iri: str
    targets: list[Value]
    labels: list[Value]
    comments: list[Value]
    constraints: list[tuple[str, list[Value]]]
    properties: list[tuple[str, Value, list[tuple[str, list[Value]]]]]


def shapes_page(site: Site, graph: Graph, lang: str, path: str, query: dict[str, str]) -> str:
    """Documentation of every node shape: what it targets and each property's constraints."""
    labels = Labels.of_graph(graph, lang)
    namespace = shapes_namespace(site.base)
    shapes, anchored = [], set()
    for shape in sorted(s for s in graph.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef)):
        properties = []
        for p in sorted(graph.objects(shape, SH.property), key=str):
            anchor = _anchor(p, namespace)
            properties.append((anchor if anchor not in anchored else "", _path_value(site, graph, p, labels),
                               _constraints(site, graph, p, labels, skip={SH.path, RDF.type})))
            anchored.add(anchor)
        shapes.append(Shape(
            anchor=_anchor(shape, namespace),
            iri=str(shape),
            targets=[value_of(site, o, labels) for o in sorted(graph.objects(shape, SH.targetClass))],
            labels=_literals(graph, shape, RDFS.label, lang),
            comments=_literals(graph, shape, RDFS.comment, lang),
            constraints=_constraints(site, graph, shape, labels, skip={SH.property, SH.targetClass, RDF.type, RDFS.comment, RDFS.label}),
            properties=sorted(properties, key=lambda item: item[1].text),
        ))
    context = {
        **page_context(site, lang, path, query),
        "title": MESSAGES[lang]["shapes"],
        "shapes": shapes,
        "alternates": [(f.extension, f.media_type, f"{path}.{f.extension}") for f in RDF_FORMATS],
    }
    return render("shapes.html", **context)


def _anchor(node: object, namespace: str) -> str:
    """The fragment a shape IRI ``{base}shapes#X`` lands on; blank nodes get none."""
    return str(node)[len(namespace):] if isinstance(node, URIRef) and str(node).startswith(namespace) else ""


def _path_value(site: Site, graph: Graph, shape: object, labels: Labels) -> Value:
    path = next(iter(graph.objects(shape, SH.path)), None)
    if isinstance(path, URIRef):
        return value_of(site, path, labels)
    return Value(_node_text(graph, path) if path is not None else "")


def _constraints(site: Site, graph: Graph, shape: object, labels: Labels, skip: set) -> list[tuple[str, list[Value]]]:
    rows: dict[str, list[Value]] = defaultdict(list)
    for predicate, obj in graph.predicate_objects(shape):
        if predicate in skip:
            continue
        name = local_name(str(predicate))
        if isinstance(obj, BNode):
            rows[name].append(Value(_node_text(graph, obj)))
        else:
            rows[name].append(value_of(site, obj, labels))
    return sorted(rows.items())


def _node_text(graph: Graph, node: object) -> str:
    """A blank node written out: an RDF list as its items, otherwise its predicate-object pairs."""
    if (node, RDF.first, None) in graph:
        return "(" + " ".join(_short(graph, item) for item in Collection(graph, node)) + ")"
    pairs = [f"{local_name(str(p))} {_short(graph, o)}" for p, o in sorted(graph.predicate_objects(node))]
    return "[" + "; ".join(pairs) + "]"


def _short(graph: Graph, node: object) -> str:
    if isinstance(node, URIRef):
        return local_name(str(node))
    if isinstance(node, BNode):
        return _node_text(graph, node)
    return str(node)
