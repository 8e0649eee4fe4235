"""What no single document's graph can show: contradictions between documents, on their merge.

Each data file is validated with the shapes on its own (``validation.py``): a document states what
its text states, and the world stays open. The rules that need the whole picture are checked here, on
the union of the source graphs in a pyoxigraph store: a one-valued property with two values for one
thing (two first days of a session, two parent bodies of a group), two labels, titles or passage
texts in one language for one thing, two meetings of one group with one ordinal (the same meeting
given two first days). Each finding names every value with the graphs that state it and, where a
graph carries the annotations of the ingest, the words that state it.

The queries group instead of joining pairs of graphs, so that a group named in ten thousand
documents costs ten thousand rows, not a hundred million pairs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .namespaces import CANONICAL_BASE, ontology_namespace

UNTOC = ontology_namespace(CANONICAL_BASE)
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
ONE_VALUED = tuple(UNTOC + name for name in (
    "startDate", "endDate", "place", "ordinal", "issuedOn", "symbol", "distribution", "originallyIn",
    "mandateNumber", "adoptedAt", "establishedBy", "symbolSeries", "subsidiaryOf", "meetingOf", "reportOf",
    "itemNumber", "itemOf", "agendaOf", "sessionOf", "paragraphNumber", "passageOf", "sourceDocument"))
# The shapes allow one per language: a second one contradicts. A passage's text is one per language
# version, so the English version of a paragraph joins the Spanish one instead of contradicting it.
ONE_PER_LANGUAGE = (RDFS_LABEL, UNTOC + "title", UNTOC + "text")
_PREFIXES = ("PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\nPREFIX oa: <http://www.w3.org/ns/oa#>\n"
             f"PREFIX dcterms: <http://purl.org/dc/terms/>\nPREFIX untoc: <{UNTOC}>\n")


@dataclass(frozen=True)
class Contradiction:
    """One thing said two ways: ``sides`` are (value, graph, quoted words or "") per statement."""

    subject: str
    predicate: str
    sides: tuple[tuple[str, str, str], ...]

    def describe(self) -> str:
        said = "; ".join(f"{value} in {graph}" + (f' ("{words}")' if words else "")
                         for value, graph, words in self.sides)
        return f"{self.subject} {self.predicate}: {said}"


def load(paths: Iterable[Path], store: ox.Store | None = None) -> ox.Store:
    """An in-memory store holding every quad of the TriG files ``paths`` (their named graphs kept)."""
    store = store if store is not None else ox.Store()
    for path in paths:
        store.bulk_load(path=str(path), format=ox.RdfFormat.TRIG)
    return store


def contradictions(store: ox.Store, within: str | None = None) -> list[Contradiction]:
    """Every contradiction of the store's union of graphs; with ``within`` (a graph IRI), only those
    about the things that graph describes."""
    scope = f"GRAPH <{within}> {{ ?s ?p [] }}" if within else ""
    found = []
    one_valued = " ".join(f"<{p}>" for p in ONE_VALUED)
    for row in _select(store, f"""SELECT DISTINCT ?s ?p WHERE {{ {{
            SELECT ?s ?p WHERE {{ VALUES ?p {{ {one_valued} }} GRAPH ?g {{ ?s ?p ?o }} }}
            GROUP BY ?s ?p HAVING (COUNT(DISTINCT ?o) > 1) }} {scope} }}"""):
        found.append(_sides(store, row["s"], row["p"], ""))
    per_language = " ".join(f"<{p}>" for p in ONE_PER_LANGUAGE)
    for row in _select(store, f"""SELECT DISTINCT ?s ?p ?lang WHERE {{ {{
            SELECT ?s ?p ?lang WHERE {{ VALUES ?p {{ {per_language} }} GRAPH ?g {{ ?s ?p ?o }}
                                        BIND (LANG(?o) AS ?lang) }}
            GROUP BY ?s ?p ?lang HAVING (COUNT(DISTINCT ?o) > 1) }} {scope} }}"""):
        found.append(_sides(store, row["s"], row["p"], row["lang"].value))
    meeting_scope = f"GRAPH <{within}> {{ ?m untoc:meetingOf ?group }}" if within else ""
    for row in _select(store, f"""{_PREFIXES}SELECT DISTINCT ?group ?n WHERE {{ {{
            SELECT ?group ?n WHERE {{ GRAPH ?g {{ ?m untoc:meetingOf ?group }} GRAPH ?h {{ ?m untoc:ordinal ?n }} }}
            GROUP BY ?group ?n HAVING (COUNT(DISTINCT ?m) > 1) }}
            {meeting_scope} {"GRAPH ?c { ?m untoc:ordinal ?n }" if within else ""} }}"""):
        found.append(_shared_ordinal(store, row["group"], row["n"]))
    return sorted(found, key=lambda c: (c.subject, c.predicate))


def _select(store: ox.Store, query: str) -> list[ox.QuerySolution]:
    return list(store.query(query))


# The words of a statement: the exact quote of its annotation where the ingest wrote one, else the
# text of a passage its subject is stated in (the curated graphs carry passages, not annotations).
_WORDS = """OPTIONAL {{ ?a rdf:subject {s} ; rdf:predicate {p} ; rdf:object {o} ;
                           oa:hasTarget/oa:hasSelector/oa:exact ?exact }}
            OPTIONAL {{ {s} untoc:statedIn ?passage . ?passage untoc:text ?passageText }}"""


def _sides(store: ox.Store, subject: ox.NamedNode, predicate: ox.NamedNode, lang: str) -> Contradiction:
    same_language = f'FILTER (LANG(?o) = "{lang}")' if lang else ""
    words = _WORDS.format(s=subject, p=predicate, o="?o")
    rows = _select(store, f"""{_PREFIXES}SELECT ?o ?g (SAMPLE(?exact) AS ?quote) (SAMPLE(?passageText) AS ?text) WHERE {{
        GRAPH ?g {{ {subject} {predicate} ?o {same_language} {words} }}
        }} GROUP BY ?o ?g ORDER BY STR(?o) STR(?g)""")
    return Contradiction(subject.value, _short(predicate.value) + (f"@{lang}" if lang else ""),
                         tuple((_value(r["o"]), r["g"].value, _words(r)) for r in rows))


def _shared_ordinal(store: ox.Store, group: ox.NamedNode, ordinal: ox.Literal) -> Contradiction:
    words = _WORDS.format(s="?m", p="untoc:startDate", o="?start")
    rows = _select(store, f"""{_PREFIXES}SELECT ?m ?g (SAMPLE(?exact) AS ?quote) (SAMPLE(?passageText) AS ?text) WHERE {{
        GRAPH ?h {{ ?m untoc:meetingOf {group} }}
        GRAPH ?g {{ ?m untoc:ordinal {ordinal} ; untoc:startDate ?start {words} }}
        }} GROUP BY ?m ?g ORDER BY STR(?m) STR(?g)""")
    return Contradiction(group.value, f"holds two meetings numbered {ordinal.value}",
                         tuple((r["m"].value, r["g"].value, _words(r)) for r in rows))


def _words(row: ox.QuerySolution) -> str:
    found = row["quote"] or row["text"]
    return "" if found is None else _cut(found.value)


def _short(iri: str) -> str:
    return "untoc:" + iri.removeprefix(UNTOC) if iri.startswith(UNTOC) else f"<{iri}>"


def _value(term: ox.NamedNode | ox.Literal | ox.BlankNode) -> str:
    return _cut(term.value if isinstance(term, ox.Literal) else str(term))


def _cut(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"
