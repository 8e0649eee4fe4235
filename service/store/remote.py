"""The remote backend: any SPARQL 1.1 server over HTTP, with Virtuoso 7's quirks smoothed over.

Every answer is parsed into pyoxigraph's types, so the rooms above cannot tell the backends apart:
SELECT and ASK are asked for as SPARQL JSON results, CONSTRUCT and DESCRIBE as N-Triples. Queries
go as a form POST (``application/x-www-form-urlencoded``): Virtuoso 7 never answers a direct POST of
``application/sparql-query``, and a form carries long dataset lists that a GET could not.

The served graphs are those that ``untoc-kg build --endpoint`` loaded, listed in a small manifest
graph on the server (``manifest_graph(base)``), so several deployments and the server's own system
graphs can share one server without leaking into each other's union default graph:

- on Virtuoso, whose default graph is the union of *every* graph it holds, the other graphs are
  excluded with its ``define input:default-graph-exclude`` / ``input:named-graph-exclude`` pragmas
  (cheap: the list is short, and is refreshed every few seconds as other deployments load);
- on any other server, the served graphs are named with ``default-graph-uri`` and
  ``named-graph-uri``, the protocol's portable way to ask for a union default graph.

Virtuoso quirks handled here (each tested in tests/test_remote_store.py): ASK comes back as a
one-row SELECT of ``__ASK_RETVAL``; a stored ``xsd:boolean`` comes back in JSON as ``"1"``/``"0"``;
blank nodes come back as ``nodeID://b123``; CONSTRUCT in JSON turns blank nodes into IRIs (hence
N-Triples for graphs); ``default-graph-uri`` alone leaves every named graph visible (the named
graphs are then pinned to a graph that does not exist); FROM is merged with ``default-graph-uri``
instead of being overridden (FROM is removed); ``GRAPH <iri>`` and DESCRIBE answer nothing under the
exclude pragmas (constant graphs are declared, DESCRIBE becomes a CONSTRUCT); a syntax error is a
400 with ``SP030``. docs/benchmarks.md lists them all.
"""

from __future__ import annotations

import io
import itertools
import re
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO
from urllib.parse import urljoin

import httpx
import pyoxigraph as ox

from . import Dataset, QueryResults, Store, StoreError
from .manifest import STORE_FORMAT, Manifest

MANIFEST_PREFIX = "urn:x-untoc-kg:manifest:"
DEFAULT_PREFIX = "urn:x-untoc-kg:default:"
NO_GRAPH = "urn:x-untoc-kg:no-graph"
VOID_SUBSET = "http://rdfs.org/ns/void#subset"
DCT_MODIFIED = "http://purl.org/dc/terms/modified"
DCT_IDENTIFIER = "http://purl.org/dc/terms/identifier"
JSON_RESULTS = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
CONNECT_SECONDS = 5.0
FOREIGN_GRAPHS_TTL = 2.0
SPOOL_BYTES = 8 * 1024 * 1024
VIRTUOSO_SYSTEM_GRAPHS = (
    "http://www.openlinksw.com/schemas/virtrdf#",
    "http://www.w3.org/ns/ldp#",
    "http://localuriqaserver/sparql",
)

_SKIPPED = r"""(<[^<>"{}|^`\\\s]*> | "(?:[^"\\]|\\.)*" | '(?:[^'\\]|\\.)*' | \#[^\n]*)"""
"""An IRI, a string or a comment: group 1 of every lexer below, so a keyword inside one is never seen."""
_KEYWORD_START = r"(?<![\w:?$])"
_FORM = re.compile(_SKIPPED + r"| " + _KEYWORD_START + r"(SELECT|ASK|CONSTRUCT|DESCRIBE)(?![\w:])", re.I | re.X)
_FROM = re.compile(_SKIPPED + r"| " + _KEYWORD_START +
                   r"""FROM\s+(?:NAMED\s+)?(?:<[^<>"{}|^`\\\s]*>|[\w.-]*:[\w.:%-]*)""", re.I | re.X)
_GRAPH = re.compile(_SKIPPED + r"| " + _KEYWORD_START + r"""GRAPH\s+(<[^<>"{}|^`\\\s]*>|\S+)""", re.I | re.X)
_EMPTY_GRAPH = re.compile(_SKIPPED + r"| " + _KEYWORD_START + r"GRAPH\s+([?$]\w+)\s*\{\s*\}", re.I | re.X)
_DESCRIBE = re.compile(_KEYWORD_START + r"DESCRIBE\s", re.I)
_DESCRIBED = re.compile(r"""\s*(<[^<>"{}|^`\\\s]*>|[A-Za-z][\w.-]*:[\w.:%-]*|:[\w.:%-]*)\s*""")
_BASE = re.compile(_KEYWORD_START + r"BASE\s*<", re.I)
_VIRTUOSO_BOOLEAN = re.compile(rb'("datatype": "http://www\.w3\.org/2001/XMLSchema#boolean", "value": ")([01])"')
_VIRTUOSO_BNODE = re.compile(rb'("type": "bnode", "value": ")nodeID://')
_ASK_HEAD = re.compile(rb'^\s*\{\s*"head":\s*\{\s*"link":\s*\[\s*\],\s*"vars":\s*\[\s*"__ASK_RETVAL"\s*\]')


def without_from(sparql: str) -> str:
    """``sparql`` without its FROM and FROM NAMED clauses, which a protocol dataset replaces.

    Virtuoso merges the query's FROM graphs with ``default-graph-uri`` instead of letting the
    protocol's dataset win, so the clauses are removed before the query is sent.
    """
    return _FROM.sub(lambda m: m.group(1) or " ", sparql)


def _masked(sparql: str) -> str:
    """``sparql`` with IRIs, strings and comments blanked (IRIs keep their ``<`` and ``>``), same length."""
    def mask(match: re.Match[str]) -> str:
        token = match.group(1)
        if token is None:
            return match.group(0)
        return "<" + " " * (len(token) - 2) + ">" if token.startswith("<") else " " * len(token)
    return _FROM.sub(mask, sparql)


def graph_targets(sparql: str, base_iri: str) -> list[str | None]:
    """The graphs that ``GRAPH`` patterns name: an absolute IRI, or None for a variable or a prefixed name."""
    targets: list[str | None] = []
    for match in _GRAPH.finditer(sparql):
        token = match.group(2)
        if token is not None:
            targets.append(urljoin(base_iri, token[1:-1]) if token.startswith("<") else None)
    return targets


def describe_as_construct(sparql: str) -> str:
    """``DESCRIBE <a> ex:b`` as the CONSTRUCT of the resources' triples and their blank nodes' triples.

    Virtuoso's DESCRIBE comes back empty under the dataset pragmas, and Oxigraph describes a
    resource as its triples plus its blank nodes' (a concise bounded description): this is that.
    A DESCRIBE with a WHERE clause or variables goes to the server unchanged.
    """
    masked = _masked(sparql)
    found = _DESCRIBE.search(masked)
    if found is None:
        return sparql
    tail = sparql[found.end():]
    resources = []
    position = 0
    while position < len(tail):
        match = _DESCRIBED.match(tail, position)
        if match is None or match.end() == position:
            return sparql
        resources.append(match.group(1))
        position = match.end()
    if not resources:
        return sparql
    return (f"{sparql[:found.start()]}CONSTRUCT {{ ?s ?p ?o . ?o ?q ?v }} WHERE {{ VALUES ?s {{ {' '.join(resources)} }} "
            "?s ?p ?o OPTIONAL { FILTER(isBlank(?o)) ?o ?q ?v } }")


def default_graph(base_iri: str) -> str:
    """The named graph that holds, on a server, what the embedded store keeps in its default graph."""
    return DEFAULT_PREFIX + base_iri


def manifest_graph(base_iri: str) -> str:
    """The graph on the server that lists what ``untoc-kg build`` loaded for ``base_iri``."""
    return MANIFEST_PREFIX + base_iri


def query_form(sparql: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: which result format to ask the server for.

    A short lexer, not a parser: IRIs, strings and comments are skipped so that a keyword inside
    them is never taken for the query form.
    """
    for match in _FORM.finditer(sparql):
        if match.group(2):
            return match.group(2).upper()
    raise SyntaxError("not a SPARQL query: no SELECT, ASK, CONSTRUCT or DESCRIBE")


@dataclass(frozen=True)
class RemoteManifest:
    """What the manifest graph on the server says: the served graphs and when they were loaded."""

    graphs: tuple[str, ...]
    built_at: str
    inputs_key: str


class RemoteStore(Store):
    """A SPARQL 1.1 server seen through the store interface (read-only)."""

    def __init__(self, endpoint: str, base_iri: str, timeout: float = 30.0, server_timeout: float | None = None) -> None:
        self.endpoint = endpoint
        self.base_iri = base_iri
        self.timeout = timeout
        self.server_timeout = server_timeout
        self.client = httpx.Client(timeout=httpx.Timeout(timeout, connect=CONNECT_SECONDS), follow_redirects=False)
        self.virtuoso = False
        self.remote_manifest = RemoteManifest((), "", "")
        self._foreign: tuple[tuple[str, ...], float] = ((), 0.0)
        self._sizes: dict[str, int] = {}
        self._unknown: set[str] = set()
        self.default_graph = default_graph(base_iri)

    @classmethod
    def open(cls, endpoint: str, base_iri: str, timeout: float = 30.0,
             server_timeout: float | None = None) -> "RemoteStore":
        """Connect, recognise the server, and read which graphs it serves for ``base_iri``.

        ``timeout`` bounds every HTTP call; ``server_timeout`` (Virtuoso only) asks the server itself
        to stop a query after that many seconds, so that an abandoned query does not keep its CPU.
        """
        store = cls(endpoint, base_iri, timeout, server_timeout)
        try:
            response = store._post({"query": "ASK {}"}, JSON_RESULTS)
            store.virtuoso = "virtuoso" in response.headers.get("server", "").lower()
            every = store._count_graphs()
            store.remote_manifest = store._read_manifest(every)
            store._sizes = {g: n for g, n in every.items() if g in set(store.remote_manifest.graphs)}
            store._unknown = set(every) - set(store.remote_manifest.graphs)
        except BaseException:
            store.close()
            raise
        return store

    def close(self) -> None:
        self.client.close()

    # --- queries -------------------------------------------------------------------------------

    def query(self, sparql: str, dataset: Dataset | None = None) -> QueryResults:
        form = query_form(sparql)
        params = self._dataset_params(dataset)
        if dataset:
            sparql = without_from(sparql)
        if form == "DESCRIBE":
            sparql = describe_as_construct(sparql)
        if self.virtuoso:
            sparql = _EMPTY_GRAPH.sub(lambda m: self._named_values(m, dataset), sparql)
        base = "" if _BASE.search(_masked(sparql)) else f"BASE <{self.base_iri}> "
        text = f"{self._pragmas(sparql, dataset)}{base}{sparql}"
        if self.virtuoso and self.server_timeout:
            params["timeout"] = [str(int(self.server_timeout * 1000))]
        if form in ("CONSTRUCT", "DESCRIBE"):
            return _as_query_triples(self._parse_triples({"query": text, **params}))
        return self._solutions({"query": text, **params})

    def _dataset_params(self, dataset: Dataset | None) -> dict[str, list[str]]:
        """Protocol dataset parameters: the request's own (kept to served graphs), or the served union."""
        served = self.remote_manifest.graphs
        if dataset:
            allowed = set(served)
            return {
                "default-graph-uri": [g for g in dataset.default_graphs if g in allowed] or [NO_GRAPH],
                "named-graph-uri": [g for g in dataset.named_graphs if g in allowed] or [NO_GRAPH],
            }
        if self.virtuoso:
            return {}
        named = [g for g in served if g != self.default_graph] or [NO_GRAPH]
        return {"default-graph-uri": list(served) or [NO_GRAPH], "named-graph-uri": named}

    def _named_values(self, match: re.Match[str], dataset: Dataset | None) -> str:
        """``GRAPH ?g {}`` as ``VALUES ?g { … }`` of the named graphs: Virtuoso answers the empty
        pattern with one unbound row instead of one row per graph."""
        if match.group(2) is None:
            return match.group(0)
        served = set(self.remote_manifest.graphs) - {self.default_graph}
        named = [g for g in dataset.named_graphs if g in served] if dataset else sorted(served)
        return f"VALUES {match.group(2)} {{ {' '.join(f'<{g}>' for g in named)} }}"

    def _pragmas(self, sparql: str, dataset: Dataset | None) -> str:
        """Virtuoso: hide every graph that this deployment did not load from its union default graph.

        Virtuoso answers ``GRAPH <iri>`` with nothing once any ``*-exclude`` pragma is set, unless the
        graph is also declared with ``input:named-graph-uri``; so a query naming constant graphs gets
        those declared (all served graphs when it also has ``GRAPH ?var`` or prefixed names).
        """
        if not self.virtuoso or dataset:
            return ""
        foreign = self._foreign_graphs()
        pragmas = [f"define input:default-graph-exclude <{g}> " for g in foreign]
        targets = graph_targets(sparql, self.base_iri)
        served = set(self.remote_manifest.graphs) - {self.default_graph}
        if not targets or all(t is None for t in targets):
            hidden = [*foreign, self.default_graph] if self.default_graph in self.remote_manifest.graphs else foreign
            pragmas += [f"define input:named-graph-exclude <{g}> " for g in hidden]
        else:
            named = served if None in targets else {t for t in targets if t in served}
            pragmas += [f"define input:named-graph-uri <{g}> " for g in sorted(named or {NO_GRAPH})]
        return "".join(pragmas)

    def _foreign_graphs(self) -> tuple[str, ...]:
        """Graphs on the server that are not ours: those there when we opened, and those that other
        deployments' manifests list, re-read every few seconds (they may load while we serve)."""
        graphs, listed_at = self._foreign
        if time.monotonic() - listed_at > FOREIGN_GRAPHS_TTL:
            ours = set(self.remote_manifest.graphs)
            own_manifest = manifest_graph(self.base_iri)
            listed = self._select(f"SELECT ?m ?g WHERE {{ GRAPH ?m {{ ?m <{VOID_SUBSET}> ?g }} "
                                  f"FILTER(?m != <{own_manifest}>) }}")
            others = {v.value for row in listed for v in (row["m"], row["g"])}
            graphs = tuple(sorted((self._unknown | others) - ours))
            self._foreign = (graphs, time.monotonic())
        return graphs

    def _solutions(self, form: dict[str, object]) -> ox.QuerySolutions | ox.QueryBoolean:
        """SPARQL JSON results parsed while they arrive: a million rows never sit in memory at once."""
        response = self._open(form, JSON_RESULTS)
        chunks = _network_chunks(response, self)
        head = b""
        for chunk in chunks:
            head += chunk
            if len(head) >= 256:
                break
        if self.virtuoso and _ASK_HEAD.match(head):
            response.close()
            return ox.parse_query_results(_virtuoso_ask(head), ox.QueryResultsFormat.JSON)
        body = itertools.chain([head], chunks)
        stream = _ChunkReader(_virtuoso_rows(body) if self.virtuoso else body, response)
        try:
            return ox.parse_query_results(stream, ox.QueryResultsFormat.JSON)
        except SyntaxError as error:
            response.close()
            raise StoreError(f"unreadable results from {self.endpoint}: {error}") from error

    def _parse_triples(self, form: dict[str, object]) -> Iterator[ox.Triple]:
        """The server's N-Triples, parsed as they are read from a spooled copy of the body."""
        with self._download(form, N_TRIPLES) as body:
            try:
                yield from ox.parse(body, ox.RdfFormat.N_TRIPLES)
            except SyntaxError as error:
                raise StoreError(f"unreadable N-Triples from {self.endpoint}: {error}") from error

    def _select(self, sparql: str) -> list[ox.QuerySolution]:
        results = self._solutions({"query": sparql})
        if not isinstance(results, ox.QuerySolutions):
            raise StoreError(f"{self.endpoint} answered a SELECT with a boolean")
        return list(results)

    # --- HTTP ----------------------------------------------------------------------------------

    def _post(self, form: dict[str, object], accept: str) -> httpx.Response:
        try:
            response = self.client.post(self.endpoint, data=form, headers={"Accept": accept})
        except httpx.TimeoutException as error:
            raise StoreError(f"{self.endpoint} did not answer within {self.timeout:g} s") from error
        except httpx.HTTPError as error:
            raise StoreError(f"cannot reach {self.endpoint}: {error}") from error
        _raise_for_status(response, self.endpoint)
        return response

    def _open(self, form: dict[str, object], accept: str) -> httpx.Response:
        """A streamed answer whose status and headers were checked; the caller reads and closes it."""
        request = self.client.build_request("POST", self.endpoint, data=form, headers={"Accept": accept})
        try:
            response = self.client.send(request, stream=True)
        except httpx.TimeoutException as error:
            raise StoreError(f"{self.endpoint} did not answer within {self.timeout:g} s") from error
        except httpx.HTTPError as error:
            raise StoreError(f"cannot reach {self.endpoint}: {error}") from error
        if response.status_code >= 400 or response.headers.get("x-sql-state") == "S1TAT":
            try:
                response.read()
            finally:
                response.close()
            if response.status_code < 400:
                raise StoreError(f"{self.endpoint} stopped the query after {self.server_timeout:g} s")
            _raise_for_status(response, self.endpoint)
        return response

    def _download(self, form: dict[str, object], accept: str) -> "_Spool":
        """The answer's body in a spooled file (memory up to a few MiB, then disk), for graph results."""
        spool = _Spool()
        try:
            for chunk in _network_chunks(self._open(form, accept), self):
                spool.file.write(chunk)
        except BaseException:
            spool.close()
            raise
        spool.file.seek(0)
        return spool

    # --- what the store holds --------------------------------------------------------------------

    def _count_graphs(self) -> dict[str, int]:
        """Every graph on the server with its size: one scan, when the store is opened."""
        rows = self._select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        return {r["g"].value: int(r["n"].value) for r in rows}

    def _read_manifest(self, every: dict[str, int]) -> RemoteManifest:
        """The served graphs from the manifest graph; without one, every non-system graph is served."""
        graph = manifest_graph(self.base_iri)
        rows = self._select(f"SELECT ?p ?o WHERE {{ GRAPH <{graph}> {{ <{graph}> ?p ?o }} }}")
        if rows:
            listed = tuple(sorted(r["o"].value for r in rows if r["p"].value == VOID_SUBSET))
            built_at = next((r["o"].value for r in rows if r["p"].value == DCT_MODIFIED), "")
            key = next((r["o"].value for r in rows if r["p"].value == DCT_IDENTIFIER), "")
            return RemoteManifest(listed, built_at, key)
        system = set(VIRTUOSO_SYSTEM_GRAPHS) if self.virtuoso else set()
        listed = tuple(sorted(g for g in every if g not in system and not g.startswith(MANIFEST_PREFIX)))
        return RemoteManifest(listed, datetime.now(UTC).isoformat(timespec="seconds"), "")

    def graph_sizes(self) -> dict[str, int]:
        """Triples per served graph, counted by the server when the store was opened (one scan)."""
        return {("" if g == self.default_graph else g): n for g, n in self._sizes.items()}

    def quads(self) -> Iterator[ox.Quad]:
        """Every served quad, one graph at a time (a graph per source document keeps each answer small)."""
        for graph in self.remote_manifest.graphs:
            name = ox.DefaultGraph() if graph == self.default_graph else ox.NamedNode(graph)
            query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
            for triple in self._parse_triples({"query": query}):
                yield ox.Quad(triple.subject, triple.predicate, triple.object, name)

    def manifest(self) -> Manifest:
        """A local manifest describing the remote data, for the views that cache by build."""
        built = self.remote_manifest
        return Manifest(
            base_iri=self.base_iri,
            inputs_key=built.inputs_key or "remote",
            built_at=built.built_at,
            graph_sizes=self.graph_sizes(),
            sources=[self.endpoint],
            triples=sum(self.graph_sizes().values()),
            store_format=STORE_FORMAT,
        )


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
            _raise_for_status(response, self.url)

    def _send(self, method: str, graph: str, triples: bytes) -> None:
        response = self._request(method, graph, triples)
        _raise_for_status(response, self.url)

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


def write_manifest(graph_store: GraphStore, base_iri: str, graphs: Iterable[str], built_at: str, key: str) -> None:
    """Record on the server which graphs this build loaded for ``base_iri``."""
    node = ox.NamedNode(manifest_graph(base_iri))
    triples = [ox.Triple(node, ox.NamedNode(VOID_SUBSET), ox.NamedNode(g)) for g in sorted(graphs)]
    triples.append(ox.Triple(node, ox.NamedNode(DCT_MODIFIED), ox.Literal(built_at)))
    triples.append(ox.Triple(node, ox.NamedNode(DCT_IDENTIFIER), ox.Literal(key)))
    graph_store.put(node.value, ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))


def default_graph_store(endpoint: str) -> str:
    """Virtuoso's layout: the authenticated Graph Store endpoint beside ``/sparql``."""
    return endpoint.rstrip("/") + "-graph-crud-auth"


class _ChunkReader(io.RawIOBase):
    """Byte chunks as a file object for pyoxigraph's parsers; closes the response when done."""

    def __init__(self, chunks: Iterator[bytes], response: httpx.Response) -> None:
        super().__init__()
        self.chunks = chunks
        self.response = response
        self.pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self.pending:
            chunk = next(self.chunks, None)
            if chunk is None:
                self.close()
                return 0
            self.pending = chunk
        size = min(len(buffer), len(self.pending))
        buffer[:size] = self.pending[:size]
        self.pending = self.pending[size:]
        return size

    def close(self) -> None:
        self.response.close()
        super().close()


def _network_chunks(response: httpx.Response, store: RemoteStore) -> Iterator[bytes]:
    """The body's chunks; a server that stalls or drops mid-answer is a StoreError, not a hang."""
    try:
        yield from response.iter_bytes()
    except httpx.TimeoutException as error:
        raise StoreError(f"{store.endpoint} stalled for {store.timeout:g} s mid-answer") from error
    except httpx.HTTPError as error:
        raise StoreError(f"{store.endpoint} broke off its answer: {error}") from error
    finally:
        response.close()


def _virtuoso_rows(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """Virtuoso's JSON with its booleans and blank node labels fixed, rewritten line by line.

    Virtuoso writes one solution per line and a JSON string never holds a raw newline, so cutting
    at newlines never splits a pattern.
    """
    carry = b""
    for chunk in chunks:
        carry += chunk
        cut = carry.rfind(b"\n") + 1
        if cut:
            yield _virtuoso_fixed(carry[:cut])
            carry = carry[cut:]
    if carry:
        yield _virtuoso_fixed(carry)


def _virtuoso_fixed(data: bytes) -> bytes:
    data = _VIRTUOSO_BOOLEAN.sub(lambda m: m.group(1) + (b"true" if m.group(2) == b"1" else b"false") + b'"', data)
    return _VIRTUOSO_BNODE.sub(rb"\1", data)


class _Spool:
    """A response body kept in memory up to a few MiB, then on disk."""

    def __init__(self) -> None:
        self.file = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)

    def close(self) -> None:
        self.file.close()

    def read(self) -> bytes:
        return self.file.read()

    def __enter__(self) -> IO[bytes]:
        return self.file  # type: ignore[return-value]

    def __exit__(self, *exc: object) -> None:
        self.close()


def _as_query_triples(triples: Iterator[ox.Triple]) -> ox.QueryTriples:
    """pyoxigraph makes ``QueryTriples`` only from a query, so the triples go through a small in-memory store."""
    scratch = ox.Store()
    scratch.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    return scratch.query("CONSTRUCT WHERE { ?s ?p ?o }")


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


def _virtuoso_ask(data: bytes) -> bytes:
    """Virtuoso's ``__ASK_RETVAL`` row as a SPARQL JSON boolean."""
    return b'{"head":{},"boolean":' + (b"true" if b'"value": "1"' in data else b"false") + b"}"


def _raise_for_status(response: httpx.Response, url: str) -> None:
    if response.status_code < 400:
        return
    text = response.text.strip().splitlines()
    message = " ".join(line.strip() for line in text[:3])[:500]
    if response.status_code == 400 and ("SP030" in message or "syntax" in message.lower()):
        raise SyntaxError(message)
    raise StoreError(f"{url} answered {response.status_code}: {message}")
