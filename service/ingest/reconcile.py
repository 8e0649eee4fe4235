"""The merged graph a new document joins: the project's source graphs and the documents accepted
earlier in the same run, in one pyoxigraph store.

A new document is checked against it (``consistency.contradictions`` on the merge, about what the
new graph describes), learns the names of groups from it, and finds there whether its document is
already in the project in another language. A refused document leaves the merge as it was.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from ..consistency import UNTOC, Contradiction, contradictions, load

_SKOS_ALT = "http://www.w3.org/2004/02/skos/core#altLabel"
_RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


class Merged:
    """The store, and which data file holds which graphs (a file replaced with --force is no witness)."""

    def __init__(self, data_files: list[Path]) -> None:
        self.store = ox.Store()
        self.graphs_of: dict[Path, set[str]] = {}
        for path in data_files:
            before = {g.value for g in self.store.named_graphs()}
            load([path], self.store)
            self.graphs_of[path.resolve()] = {g.value for g in self.store.named_graphs()} - before
        self._pending: tuple[str, list[ox.Quad]] | None = None

    def holds(self, graph_iri: str) -> bool:
        return self.store.contains_named_graph(ox.NamedNode(graph_iri))

    def text_languages(self, graph_iri: str) -> set[str]:
        """The languages of the passage texts of a graph: which version of its document it holds."""
        rows = self.store.query(f"SELECT DISTINCT (LANG(?t) AS ?lang) {{ GRAPH <{graph_iri}> {{ ?p <{UNTOC}text> ?t }} }}")
        return {row["lang"].value for row in rows}

    def learnt_names(self) -> list[tuple[str, str]]:
        """(name, series) of every group the merge knows: its labels and the names documents print."""
        rows = self.store.query(f"""SELECT DISTINCT ?name ?series {{
            GRAPH ?g {{ ?group <{UNTOC}symbolSeries> ?series }} GRAPH ?h {{ ?group <{_RDFS_LABEL}>|<{_SKOS_ALT}> ?name }} }}""")
        return [(row["name"].value, row["series"].value) for row in rows]

    def check(self, graph: Graph, replaces: Path | None) -> list[Contradiction]:
        """The contradictions ``graph`` brings into the merge, with the graphs of the file it replaces
        (and a graph of its own name, which it replaces in the merge) set aside; ``accept`` or
        ``refuse`` must follow."""
        candidate = str(graph.identifier)
        replaced = self.graphs_of.get(replaces.resolve(), set()) if replaces is not None else set()
        replaced |= {candidate} if self.holds(candidate) else set()
        saved = [quad for iri in replaced for quad in self.store.quads_for_pattern(None, None, None, ox.NamedNode(iri))]
        for iri in replaced:
            self.store.remove_graph(ox.NamedNode(iri))
        self.store.load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES,
                        to_graph=ox.NamedNode(candidate))
        self._pending = (candidate, saved)
        return contradictions(self.store, within=candidate)

    def accept(self) -> None:
        self._pending = None

    def refuse(self) -> None:
        """The merge as it was before ``check``: the candidate out, the replaced file's graphs back."""
        candidate, saved = self._pending
        self.store.remove_graph(ox.NamedNode(candidate))
        self.store.extend(saved)
        self._pending = None
