"""Lists of resources: the index page of each kind (with a date to sort by), counts, and search.

Every query here is constant text (relative ``PREFIX untoc: <ontology#>`` resolves against the store's
base), except search, whose text enters only as a literal escaped by pyoxigraph.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from ..store import Store

PREFIXES = "PREFIX untoc: <ontology#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
SEARCH_LIMIT = 100
MAX_QUERY_LENGTH = 200


@dataclass(frozen=True)
class Kind:
    """A kind of resource that has an index page at ``/{slug}``; ``where`` binds ?r, ?date, ?note."""

    slug: str
    class_name: str
    where: str


KINDS = {
    kind.slug: kind
    for kind in (
        Kind("mandates", "Mandate", """
            ?r a ?class . ?class rdfs:subClassOf* untoc:Mandate .
            OPTIONAL { ?r untoc:adoptedAt/untoc:startDate ?d }
            OPTIONAL { ?r untoc:mandateNumber ?n }"""),
        Kind("groups", "WorkingGroup", """
            ?r a untoc:WorkingGroup .
            OPTIONAL { { ?r untoc:holds ?m } UNION { ?m untoc:meetingOf ?r } ?m untoc:startDate ?d }
            OPTIONAL { ?r untoc:symbolSeries ?n }"""),
        Kind("meetings", "Meeting", """
            ?r a untoc:Meeting .
            OPTIONAL { ?r untoc:startDate ?d }
            OPTIONAL { ?r (untoc:meetingOf|^untoc:holds)/untoc:symbolSeries ?n }"""),
        Kind("reports", "Report", """
            ?r a untoc:Report .
            OPTIONAL { { ?r untoc:issuedOn ?d } UNION { { ?r untoc:reportOf ?m } UNION { ?m untoc:produces ?r } ?m untoc:startDate ?d } }
            OPTIONAL { ?r untoc:symbol ?n }"""),
        Kind("documents", "Document", """
            ?r a ?class . ?class rdfs:subClassOf* untoc:Document .
            OPTIONAL { ?r untoc:issuedOn ?d }
            OPTIONAL { ?r untoc:symbol ?n }"""),
    )
}


@dataclass(frozen=True)
class Row:
    """One resource of an index: its IRI, its earliest date (ISO text, '' if none), its number or symbol."""

    iri: str
    date: str
    note: str


def rows(store: Store, kind: Kind) -> list[Row]:
    query = f"{PREFIXES}SELECT ?r (MIN(STR(?d)) AS ?date) (MIN(?n) AS ?note) WHERE {{ {kind.where} }} GROUP BY ?r"
    return [Row(s["r"].value, _text(s["date"]), _text(s["note"])) for s in store.query(query)
            if isinstance(s["r"], ox.NamedNode)]


def count(store: Store, kind: Kind) -> int:
    query = f"{PREFIXES}SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE {{ {kind.where} }}"
    return int(next(iter(store.query(query)))["n"].value)


@dataclass(frozen=True)
class Hit:
    iri: str
    matched: str


def search(store: Store, base: str, text: str) -> list[Hit]:
    """Resources of the dataset whose label, symbol or number contains ``text`` (case-insensitive)."""
    needle = str(ox.Literal(text.lower()))
    query = f"""{PREFIXES}SELECT ?r (MIN(STR(?t)) AS ?matched) WHERE {{
        VALUES ?p {{ rdfs:label untoc:symbol untoc:symbolSeries untoc:mandateNumber }}
        ?r ?p ?t . FILTER(isIRI(?r) && STRSTARTS(STR(?r), {ox.Literal(base)}) && CONTAINS(LCASE(STR(?t)), {needle}))
    }} GROUP BY ?r ORDER BY ?matched ?r LIMIT {SEARCH_LIMIT}"""
    return [Hit(s["r"].value, s["matched"].value) for s in store.query(query)]


def graph_rows(store: Store) -> list[tuple[str, int]]:
    """Every named graph with its number of triples, largest first."""
    sizes = store.graph_sizes()
    return sorted(((g, n) for g, n in sizes.items() if g), key=lambda item: (-item[1], item[0]))


def _text(term: ox.Literal | None) -> str:
    return term.value if term is not None else ""
