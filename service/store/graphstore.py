"""Loading graphs onto a SPARQL server, and recording which ones a build loaded (``build --endpoint``).

Writes go through the Graph Store HTTP Protocol on a separate, authenticated endpoint, so that the
query endpoint the service reads from never needs the right to update. The manifest written last
is what ``RemoteStore`` (``untoc_kg.store.remote``) reads to know which graphs it serves.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import httpx
import pyoxigraph as ox

from . import StoreError
from .connections import CONNECT_SECONDS
from .remote import (DCT_IDENTIFIER, DCT_MODIFIED, MERGED_INTO, VOID_SUBSET, default_graph, manifest_graph, merge_graph,
                     raise_for_status)


class GraphStore:
    """Writes graphs through the SPARQL 1.1 Graph Store HTTP Protocol (``?graph=IRI``).

    On Virtuoso this is ``/sparql-graph-crud-auth`` with the dba account (digest auth), so that the
    public ``/sparql`` never needs the SPARQL_UPDATE grant.
    """

    def __init__(self, url: str, auth: tuple[str, str] | None = None, timeout: float = 300.0) -> None:
        self.url = url
        self.client = httpx.Client(
            timeout=httpx.Timeout(timeout, connect=CONNECT_SECONDS),
            auth=httpx.DigestAuth(*auth) if auth else None,
        )

    def close(self) -> None:
        self.client.close()

    def put(self, graph: str, triples: bytes) -> None:
        """Replace ``graph`` with ``triples`` (N-Triples, sent as Turtle, which every server reads)."""
        self._send("PUT", graph, triples)

    def post(self, graph: str, triples: bytes) -> None:
        """Add ``triples`` to ``graph``."""
        self._send("POST", graph, triples)

    def delete(self, graph: str) -> None:
        """Remove ``graph``; a graph that is not there is no error."""
        response = self._request("DELETE", graph, None)
        if response.status_code not in (200, 204, 404):
            raise_for_status(response, self.url)

    def _send(self, method: str, graph: str, triples: bytes) -> None:
        response = self._request(method, graph, triples)
        raise_for_status(response, self.url)

    def _request(self, method: str, graph: str, body: bytes | None) -> httpx.Response:
        headers = {"Content-Type": "text/turtle"} if body is not None else {}
        try:
            return self.client.request(method, self.url, params={"graph": graph}, content=body, headers=headers)
        except httpx.TimeoutException as error:
            raise StoreError(f"{self.url} did not answer in time") from error
        except httpx.HTTPError as error:
            raise StoreError(f"cannot reach {self.url}: {error}") from error


def load_graphs(
    graph_store: GraphStore, quads: Iterable[ox.Quad], base_iri: str, batch: int = 200_000
) -> Iterator[tuple[str, int]]:
    """Send ``quads`` graph by graph, replacing each graph the first time it is seen; yields (graph, triples).

    Graphs are sent whole when they fit in ``batch`` triples, so that a graph's blank nodes stay one
    document's blank nodes; a bigger graph goes in several POSTs (its blank nodes must then not span
    a batch boundary, which per-document graphs never do in practice).
    """
    seen: set[str] = set()
    current: str | None = None
    buffer: list[ox.Triple] = []

    def flush() -> Iterator[tuple[str, int]]:
        if current is None or not buffer:
            return
        data = _canonical_ntriples(buffer)
        (graph_store.post if current in seen else graph_store.put)(current, data)
        seen.add(current)
        yield current, len(buffer)
        buffer.clear()

    for quad in quads:
        graph = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else default_graph(base_iri)
        if graph != current or len(buffer) >= batch:
            yield from flush()
            current = graph
        buffer.append(ox.Triple(quad.subject, quad.predicate, quad.object))
    yield from flush()


def load_merge(graph_store: GraphStore, quads: Iterable[ox.Quad], base_iri: str, batch: int = 200_000) -> int:
    """Write the RDF merge of every graph of ``quads`` into ``merge_graph(base_iri)``; returns the triples sent.

    The server keeps a graph as a set, so a triple that many documents state is stored once. Batches
    end only where a source graph ends, so that one document's blank nodes stay one set of nodes.
    """
    merged = merge_graph(base_iri)
    sent, current = 0, None
    buffer: list[ox.Triple] = []

    def send() -> None:
        (graph_store.post if sent else graph_store.put)(merged, _canonical_ntriples(buffer))

    for quad in quads:
        if quad.graph_name != current and len(buffer) >= batch:
            send()
            sent += len(buffer)
            buffer.clear()
        current = quad.graph_name
        buffer.append(quad.triple)
    if buffer or not sent:
        send()
    return sent + len(buffer)


def write_manifest(graph_store: GraphStore, base_iri: str, graphs: Iterable[str], built_at: str, key: str) -> None:
    """Record on the server which graphs this build loaded for ``base_iri``, and the graph of their merge."""
    node = ox.NamedNode(manifest_graph(base_iri))
    triples = [ox.Triple(node, ox.NamedNode(VOID_SUBSET), ox.NamedNode(g)) for g in sorted(graphs)]
    triples.append(ox.Triple(node, ox.NamedNode(MERGED_INTO), ox.NamedNode(merge_graph(base_iri))))
    triples.append(ox.Triple(node, ox.NamedNode(DCT_MODIFIED), ox.Literal(built_at)))
    triples.append(ox.Triple(node, ox.NamedNode(DCT_IDENTIFIER), ox.Literal(key)))
    graph_store.put(node.value, ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))


def default_graph_store(endpoint: str) -> str:
    """Virtuoso's layout: the authenticated Graph Store endpoint beside ``/sparql``."""
    return endpoint.rstrip("/") + "-graph-crud-auth"


def _canonical_ntriples(triples: list[ox.Triple]) -> bytes:
    """The triples as Oxigraph stores them, so both backends hold the same terms.

    Oxigraph keeps values, not lexical forms: ``"12"^^xsd:positiveInteger`` becomes ``xsd:integer``,
    ``"1.50"`` becomes ``"1.5"``. Going through an in-memory store gives the remote server those
    very terms (and drops duplicates), so a query answers alike on both backends.
    """
    scratch = ox.Store()
    scratch.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    return ox.serialize((q.triple for q in scratch.quads_for_pattern(None, None, None, None)),
                        format=ox.RdfFormat.N_TRIPLES)
