"""One small interface in front of every engine that holds the graph.

Results use pyoxigraph's term and result types on every backend (a remote server's answers are
parsed into them), so that the rooms above (SPARQL protocol, Linked Data views) never learn which
engine runs.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox

QueryResults = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples


@dataclass(frozen=True)
class Dataset:
    """An RDF dataset named by a request (SPARQL Protocol ``default-graph-uri`` / ``named-graph-uri``).

    Graphs are looked up in the store; nothing is ever fetched.
    """

    default_graphs: tuple[str, ...] = field(default_factory=tuple)
    named_graphs: tuple[str, ...] = field(default_factory=tuple)

    def __bool__(self) -> bool:
        return bool(self.default_graphs or self.named_graphs)


class Store(ABC):
    """A read-only view of the graph for the service.

    Without a ``Dataset``, the default graph of a query is the union of every graph in the store,
    so that researchers see all the project's facts although each source lives in its own graph.
    """

    base_iri: str

    @abstractmethod
    def query(self, sparql: str, dataset: Dataset | None = None) -> QueryResults:
        """Evaluate a SPARQL query; relative IRIs resolve against the store's base IRI.

        Raises ``SyntaxError`` for a malformed query and ``StoreError`` when the engine fails.
        """

    @abstractmethod
    def graph_sizes(self) -> dict[str, int]:
        """Every named graph in the store with its number of triples (the default graph as '')."""

    @abstractmethod
    def quads(self) -> Iterator[ox.Quad]:
        """Every quad of the store, for dumps."""

    def close(self) -> None:
        """Release the engine's resources."""

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class StoreError(RuntimeError):
    """The engine failed for a reason that is not the query's fault."""


def named_nodes(iris: Iterable[str]) -> list[ox.NamedNode]:
    return [ox.NamedNode(iri) for iri in iris]
