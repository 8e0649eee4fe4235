"""The embedded backend: an on-disk Oxigraph store, opened read-only for serving, or copied into memory."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from pathlib import Path

import pyoxigraph as ox

from . import Dataset, QueryResults, Store, StoreError, named_nodes
from .manifest import ENGINE_DIR, STORE_FORMAT, Manifest

ONLY_IN_THE_DEFAULT_GRAPH = "{ ?s ?p ?o FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } }"
"""The triples an input stated in the default graph and in no named graph (the build merged the rest in)."""


class OxigraphStore(Store):
    """A pyoxigraph store; pyoxigraph releases the GIL while it evaluates a query.

    ``untoc-kg build`` writes the merge of every graph into the default graph, so a query without a
    dataset reads the default graph itself: a set, where Oxigraph's union option would be a bag.
    """

    def __init__(self, engine: ox.Store, manifest: Manifest) -> None:
        self.engine = engine
        self.manifest = manifest
        self.base_iri = manifest.base_iri

    @classmethod
    def open(cls, store_dir: Path, in_memory: bool = False) -> "OxigraphStore":
        """Open a store made by ``untoc-kg build`` read-only, as every serving worker does; ``in_memory``
        copies it into an in-memory store, where most queries run faster (not all: docs/sparql.md)."""
        manifest = Manifest.read(store_dir)
        if manifest is None:
            raise StoreError(f"{store_dir} is not a store built by untoc-kg build (no manifest)")
        if not manifest.current:
            raise StoreError(f"{store_dir} was built by another version of untoc-kg (store format "
                             f"{manifest.store_format}, this one reads {STORE_FORMAT}): run untoc-kg build again")
        try:
            engine = ox.Store.read_only(str(store_dir / ENGINE_DIR))
        except OSError as error:
            raise StoreError(f"cannot open the store at {store_dir}: {error}") from error
        return cls(copied_into_memory(engine) if in_memory else engine, manifest)

    def query(self, sparql: str, dataset: Dataset | None = None) -> QueryResults:
        options: dict[str, object] = {"base_iri": self.base_iri}
        if dataset:
            options["default_graph"] = named_nodes(dataset.default_graphs)
            options["named_graphs"] = named_nodes(dataset.named_graphs)
        try:
            return self.engine.query(sparql, **options)
        except OSError as error:
            raise StoreError(str(error)) from error

    def graph_sizes(self) -> dict[str, int]:
        return dict(self.manifest.graph_sizes)

    def quads(self) -> Iterator[ox.Quad]:
        """Every named graph's quads, then what was stated in the default graph alone (not the merge)."""
        for graph in self.engine.named_graphs():
            yield from self.engine.quads_for_pattern(None, None, None, graph)
        if self.manifest.graph_sizes.get(""):
            for row in self.engine.query(f"SELECT ?s ?p ?o {ONLY_IN_THE_DEFAULT_GRAPH}"):
                yield ox.Quad(row["s"], row["p"], row["o"])


COPY_BATCH = 100_000
"""Quads per ``bulk_extend`` call. One call holds the GIL until it ends (31 s for 1.7 M quads), and
uvicorn's supervisor restarts an HTTP process that misses its 5 s health check; a batch holds it
under 2 s."""


def copied_into_memory(disk: ox.Store) -> ox.Store:
    """Every quad of ``disk`` (named graphs and the merged default graph) in a new in-memory store.

    ``bulk_extend`` over ``quads_for_pattern`` is the fastest copy measured and the one with the
    lowest peak: a transaction (``extend``) peaks at 1.6× the copy's size, an N-Quads dump loaded
    with ``bulk_load`` holds the text as well. Reading RocksDB is most of the time. The disk store
    closes when its last reference goes, on return.
    """
    memory = ox.Store()
    quads = disk.quads_for_pattern(None, None, None, None)
    while batch := list(islice(quads, COPY_BATCH)):
        memory.bulk_extend(batch)
    return memory
