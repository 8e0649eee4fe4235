"""The remote backend: any SPARQL 1.1 server over HTTP, with Virtuoso 7's quirks smoothed over.

Every answer is parsed into pyoxigraph's types, so the rooms above cannot tell the backends apart:
SELECT and ASK are asked for as SPARQL JSON results, CONSTRUCT and DESCRIBE as N-Triples. Queries
go as a form POST (``application/x-www-form-urlencoded``): Virtuoso 7 never answers a direct POST of
``application/sparql-query``, and a form carries long dataset lists that a GET could not.

The served graphs are those that ``untoc-kg build --endpoint`` loaded, listed in a small manifest
graph on the server (``manifest_graph(base)``), so several deployments and the server's own system
graphs can share one server without leaking into each other's default graph. The build also loads
the RDF merge of the served graphs into one graph (``merge_graph(base)``), a set as the embedded
store's default graph is, where Virtuoso's union default graph is a bag:

- on Virtuoso, a query without a dataset reads the merge graph as its default graph
  (``define input:default-graph-uri``), with the served graphs declared as its named graphs
  (``input:named-graph-uri``) when it has GRAPH patterns. Where that cannot be done (a SERVICE call,
  FROM clauses of the query's own, more named graphs than Virtuoso takes in one list, data loaded
  without a manifest), the other graphs are excluded from Virtuoso's union instead with its
  ``input:default-graph-exclude`` / ``input:named-graph-exclude`` pragmas. The list of those graphs
  is kept fresh by a watcher thread (a query never uses one older than 2 s), and so is their
  footprint (the predicates, classes and base IRIs they hold): the pragmas make Virtuoso check the
  graph of every quad, so a query that provably cannot match any of those graphs goes without them
  (``may_match_hidden``). Past Virtuoso's limit of about 4,090 graphs in one list, the served graphs
  are named instead, as on other servers;
- on any other server, the merge graph is named with ``default-graph-uri`` and the served graphs
  with ``named-graph-uri``.

Virtuoso quirks handled here (each tested in tests/test_remote_store.py): ASK comes back as a
one-row SELECT of ``__ASK_RETVAL``; a stored ``xsd:boolean`` comes back in JSON as ``"1"``/``"0"``;
blank nodes come back as ``nodeID://b123``; CONSTRUCT in JSON turns blank nodes into IRIs (hence
N-Triples for graphs); ``default-graph-uri`` alone leaves every named graph visible (the named
graphs are then pinned to a graph that does not exist); FROM is merged with ``default-graph-uri``
instead of being overridden (FROM is removed); ``GRAPH <iri>`` and DESCRIBE answer nothing under the
exclude pragmas (constant graphs are declared, DESCRIBE becomes a CONSTRUCT); a syntax error is a
400 with ``SP030``; an answer cut at ``ResultSetMaxRows`` says so in ``X-SPARQL-MaxRows`` (an error
here, like an anytime answer); SERVICE is sent with the caller's dataset applied to it (refused
unless the query needs none); a query's own ``define`` pragmas would undo the exclusions (refused).
docs/benchmarks.md lists them all.

Beside this module: ``untoc_kg.store.footprint`` proves when a query can go without the pragmas,
``untoc_kg.store.connections`` carries the requests and bodies, and ``untoc_kg.store.graphstore``
loads the graphs and writes the manifest graph that this store reads.
"""

from __future__ import annotations

import io
import itertools
import json
import math
import os
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urljoin

import httpx
import pyoxigraph as ox

from . import Dataset, QueryResults, Store, StoreError
from .connections import HTTP_ERRORS, READ_BYTES, TIMEOUTS, ChunkReader, Endpoint, Response, Spool, query_client
from .footprint import RDF_TYPE, Footprint, MayMatch, Patterns, calls_service, may_match_hidden
from .manifest import STORE_FORMAT, Manifest

MANIFEST_PREFIX = "urn:x-untoc-kg:manifest:"
DEFAULT_PREFIX = "urn:x-untoc-kg:default:"
MERGE_PREFIX = "urn:x-untoc-kg:merge:"
MERGED_INTO = "urn:x-untoc-kg:mergedInto"
"""Links a manifest to the graph that holds the RDF merge of its graphs: the served default graph."""
NO_GRAPH = "urn:x-untoc-kg:no-graph"
VOID_SUBSET = "http://rdfs.org/ns/void#subset"
DCT_MODIFIED = "http://purl.org/dc/terms/modified"
DCT_IDENTIFIER = "http://purl.org/dc/terms/identifier"
JSON_RESULTS = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
HIDDEN_REFRESH_SECONDS = 1.0
"""How often the watcher thread re-reads the list of hidden graphs while queries come."""
HIDDEN_STALE_SECONDS = 2.0
"""A query never uses a list of hidden graphs older than this: it re-reads the list itself."""
FOOTPRINT_BATCH = 100
FOOTPRINT_MAX_GRAPHS = 1000
"""More hidden graphs than this to read (another deployment of thousands of documents on the server):
no footprint is read, at a few ms a graph, and every query that might match them gets the pragmas."""
MAX_GRAPH_LIST = 4000
"""Graphs Virtuoso 7 takes in one exclusion (or dataset) list: past about 4,090 every query is refused
("Too many arguments for standard built-in function in operator()")."""
WATCH_TICK_SECONDS = 0.25
WATCH_IDLE_SECONDS = 30.0
"""The watcher stops asking the server after this long without a query (the next query wakes it)."""
WHOLE_ANSWER_BYTES = 8 * 1024 * 1024
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
_DEFINE = re.compile(_KEYWORD_START + r"DEFINE\s", re.I)
_VIRTUOSO_BOOLEAN = re.compile(rb'("datatype": "http://www\.w3\.org/2001/XMLSchema#boolean", "value": ")([01])"')
_VIRTUOSO_BNODE = re.compile(rb'("type": "bnode", "value": ")nodeID://')
_ASK_HEAD = re.compile(rb'^\s*\{\s*"head":\s*\{\s*"link":\s*\[\s*\],\s*"vars":\s*\[\s*"__ASK_RETVAL"\s*\]')


def without_from(sparql: str) -> str:
    """``sparql`` without its FROM and FROM NAMED clauses, which a protocol dataset replaces.

    Virtuoso merges the query's FROM graphs with ``default-graph-uri`` instead of letting the
    protocol's dataset win, so the clauses are removed before the query is sent.
    """
    return _FROM.sub(lambda m: m.group(1) or " ", sparql)


def _names_from(sparql: str) -> bool:
    """Whether the query has FROM or FROM NAMED clauses of its own."""
    return any(m.group(1) is None for m in _FROM.finditer(sparql))


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


def merge_graph(base_iri: str) -> str:
    """The graph on the server that holds the RDF merge of every served graph (a set, as SPARQL's
    default graph is), which queries without a dataset read instead of Virtuoso's union (a bag)."""
    return MERGE_PREFIX + base_iri


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


class ServiceUnsupported(RuntimeError):
    """A SERVICE call this backend cannot make correctly (answered 501, not with a wrong answer)."""


@dataclass(frozen=True)
class _Hidden:
    """The graphs hidden from this deployment, when they were listed, and what they hold."""

    graphs: tuple[str, ...]
    members: frozenset[tuple[str, str]]
    """(manifest, graph) of the other deployments."""
    versions: frozenset[tuple[str, str]]
    """(manifest, dct:modified) of the other deployments: a rebuild may change what its graphs hold."""
    listed_at: float
    footprint: Footprint | None
    """What ``graphs`` hold; None until read (the pragmas are then always sent)."""


@dataclass(frozen=True)
class RemoteManifest:
    """What the manifest graph on the server says: the served graphs and when they were loaded."""

    graphs: tuple[str, ...]
    built_at: str
    inputs_key: str
    merged: str = ""
    """The graph holding the merge of ``graphs``; empty for data that ``untoc-kg build`` did not load."""


class RemoteStore(Store):
    """A SPARQL 1.1 server seen through the store interface (read-only)."""

    def __init__(self, endpoint: str, base_iri: str, timeout: float = 30.0, server_timeout: float | None = None) -> None:
        self.endpoint = endpoint
        self.base_iri = base_iri
        self.timeout = timeout
        self.server_timeout = server_timeout
        self.client = query_client(endpoint, timeout)
        self.virtuoso = False
        self.remote_manifest = RemoteManifest((), "", "")
        self._hidden = _Hidden((), frozenset(), frozenset(), -math.inf, None)
        self._covered: tuple[frozenset[str], frozenset[tuple[str, str]], Footprint] = (
            frozenset(), frozenset(), Footprint(base=base_iri))
        self._listing = threading.Lock()
        self._footprinting = threading.Lock()
        self._starting = threading.Lock()
        self._watcher: threading.Thread | None = None
        self._watcher_pid = 0
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._last_query = 0.0
        self._sizes: dict[str, int] = {}
        self._distinct = 0
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
            store._distinct = every.get(store.remote_manifest.merged, sum(store._sizes.values()))
            store._unknown = set(every) - set(store.remote_manifest.graphs)
        except BaseException:
            store.close()
            raise
        return store

    def close(self) -> None:
        self._stop.set()
        self._wake.set()
        watcher = self._watcher
        if watcher is not None and self._watcher_pid == os.getpid() and watcher.is_alive():
            watcher.join(timeout=2)  # a daemon: a long footprint read does not hold the caller
        self.client.close()

    # --- queries -------------------------------------------------------------------------------

    def query(self, sparql: str, dataset: Dataset | None = None) -> QueryResults:
        form = query_form(sparql)
        if self.virtuoso and _DEFINE.search(_masked(sparql)):
            # Virtuoso's pragmas are not SPARQL (the embedded store refuses them too); a query's own
            # could undo the graph exclusions (input:default-graph-uri) or make the server fetch (get:soft)
            raise SyntaxError("DEFINE pragmas are Virtuoso's, not SPARQL: not accepted here")
        params = self._dataset_params(dataset)
        if dataset:
            sparql = without_from(sparql)
        if form == "DESCRIBE":
            sparql = describe_as_construct(sparql)
        if self.virtuoso:
            sparql = _EMPTY_GRAPH.sub(lambda m: self._named_values(m, dataset), sparql)
        base = "" if _BASE.search(_masked(sparql)) else f"BASE <{self.base_iri}> "
        sparql = f"{base}{sparql}"
        pragmas = self._pragmas(sparql, dataset)
        if pragmas is None:  # more hidden graphs than Virtuoso can exclude: name the served ones instead
            pragmas = ""
            if _names_from(sparql):  # FROM: its graphs, kept to ours
                try:
                    params = self._dataset_params(Patterns(sparql, self.base_iri, Footprint()).dataset())
                except MayMatch as error:
                    raise StoreError(f"{self.endpoint} holds more than {MAX_GRAPH_LIST:,} graphs of other "
                                     "deployments, and the FROM clauses of this query could not be read") from error
                sparql = without_from(sparql)
            else:
                params = self._served_params()
        if self.virtuoso and (pragmas or "default-graph-uri" in params) and calls_service(sparql):
            raise ServiceUnsupported(
                "Virtuoso sends a SERVICE call with the calling query's dataset applied to it (graph exclusions "
                "become a FILTER on an unbound variable, default-graph-uri becomes GRAPH), so the remote "
                "endpoint would answer nothing. On this backend a query may call SERVICE only when it names no "
                "dataset (no FROM, no default-graph-uri) and each of its own triple patterns provably cannot "
                "match another deployment's or Virtuoso's own graphs: a constant predicate (for rdf:type, a "
                "constant class) that no other graph uses, or a subject or object IRI of this deployment's own")
        text = pragmas + sparql
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
        return self._served_params()

    def _served_params(self) -> dict[str, list[str]]:
        """The served dataset as protocol parameters: the merge graph (else the served graphs) as the
        default graph, the served graphs but the default one as the named graphs."""
        served = self.remote_manifest.graphs
        if self.virtuoso and len(served) > MAX_GRAPH_LIST:
            raise StoreError(f"{self.endpoint} holds more than {MAX_GRAPH_LIST:,} graphs of other deployments and "
                             f"this one serves {len(served):,}: Virtuoso can neither exclude the former nor list "
                             "the latter in one query")
        named = [g for g in served if g != self.default_graph] or [NO_GRAPH]
        default = [self.remote_manifest.merged] if self.remote_manifest.merged else list(served) or [NO_GRAPH]
        return {"default-graph-uri": default, "named-graph-uri": named}

    def _named_values(self, match: re.Match[str], dataset: Dataset | None) -> str:
        """``GRAPH ?g {}`` as ``VALUES ?g { … }`` of the named graphs: Virtuoso answers the empty
        pattern with one unbound row instead of one row per graph."""
        if match.group(2) is None:
            return match.group(0)
        served = set(self.remote_manifest.graphs) - {self.default_graph}
        named = [g for g in dataset.named_graphs if g in served] if dataset else sorted(served)
        return f"VALUES {match.group(2)} {{ {' '.join(f'<{g}>' for g in named)} }}"

    def _pragmas(self, sparql: str, dataset: Dataset | None) -> str | None:
        """Virtuoso: hide every graph that this deployment did not load from its union default graph.

        None when there are more such graphs than Virtuoso takes in one exclusion list
        (``MAX_GRAPH_LIST``): the query then names the served graphs as its dataset instead.

        The pragmas make Virtuoso check the graph of every quad a pattern reads (a heavy join pays
        2 to 8 times its time), so a query none of whose patterns can match a hidden graph's triple
        (``may_match_hidden``) goes without them: its answer is the same.

        Virtuoso answers ``GRAPH <iri>`` with nothing once any ``*-exclude`` pragma is set, unless the
        graph is also declared with ``input:named-graph-uri``; so a query naming constant graphs gets
        those declared (all served graphs when it also has ``GRAPH ?var`` or prefixed names).
        """
        if not self.virtuoso or dataset:
            return ""
        service = calls_service(sparql)
        merged = self.remote_manifest.merged
        if merged and not service and not _names_from(sparql):
            declared = self._merged_pragmas(sparql, merged)
            if declared is not None:
                return declared
        hidden = self._hidden_graphs(footprint_now=service)
        if not may_match_hidden(sparql, self.base_iri, hidden.footprint):
            return ""
        foreign = hidden.graphs
        if len(foreign) + 1 > MAX_GRAPH_LIST:
            return None
        pragmas = [f"define input:default-graph-exclude <{g}> " for g in foreign]
        targets = graph_targets(sparql, self.base_iri)
        served = set(self.remote_manifest.graphs) - {self.default_graph}
        if not targets or all(t is None for t in targets):
            unnamed = [*foreign, self.default_graph] if self.default_graph in self.remote_manifest.graphs else foreign
            pragmas += [f"define input:named-graph-exclude <{g}> " for g in unnamed]
        else:
            named = served if None in targets else {t for t in targets if t in served}
            pragmas += [f"define input:named-graph-uri <{g}> " for g in sorted(named or {NO_GRAPH})]
        return "".join(pragmas)

    def _merged_pragmas(self, sparql: str, merged: str) -> str | None:
        """Virtuoso: the merge graph as the default graph, and the served graphs as the named graphs.

        The named graphs are declared one by one rather than the others excluded: Virtuoso answers a
        query that reads its default graph with nothing once that graph is also excluded from the
        named ones. None when the query may read more named graphs than Virtuoso takes in one list.
        """
        pragmas = f"define input:default-graph-uri <{merged}> "
        targets = graph_targets(sparql, self.base_iri)
        if not targets:
            return pragmas
        served = set(self.remote_manifest.graphs) - {self.default_graph}
        named = served if None in targets else {t for t in targets if t in served}
        if len(named) > MAX_GRAPH_LIST:
            return None
        return pragmas + "".join(f"define input:named-graph-uri <{g}> " for g in sorted(named or {NO_GRAPH}))

    # --- the graphs hidden from this deployment (Virtuoso) ------------------------------------------

    def _hidden_graphs(self, footprint_now: bool = False) -> "_Hidden":
        """Graphs on the server that are not ours, as listed at most ``HIDDEN_STALE_SECONDS`` ago.

        A watcher thread re-reads the list every ``HIDDEN_REFRESH_SECONDS`` while queries come, and
        reads the footprint of a new list, so a query normally waits for neither. After a pause (or
        in a forked process) the query re-reads the list itself. ``footprint_now`` reads a missing
        footprint here rather than in the watcher (a SERVICE query cannot run with the pragmas).
        """
        self._last_query = time.monotonic()
        self._ensure_watcher()
        if time.monotonic() - self._hidden.listed_at > HIDDEN_STALE_SECONDS:
            with self._listing:
                if time.monotonic() - self._hidden.listed_at > HIDDEN_STALE_SECONDS:
                    self._read_hidden(self.client)
            self._wake.set()
        if footprint_now and self._hidden.footprint is None:
            self._complete_footprint(self.client)
        return self._hidden

    def _read_hidden(self, client: "Endpoint | httpx.Client") -> None:
        """Re-read which graphs are hidden: those there when we opened, and those that other
        deployments' manifests list (they may load, or load again, while we serve)."""
        asked_at = time.monotonic()
        ours = set(self.remote_manifest.graphs)
        own_manifest = manifest_graph(self.base_iri)
        rows = self._select(f"SELECT ?m ?g ?t WHERE {{ GRAPH ?m {{ {{ ?m <{VOID_SUBSET}> ?g }} UNION "
                            f"{{ ?m <{MERGED_INTO}> ?g }} UNION "
                            f"{{ ?m <{DCT_MODIFIED}> ?t }} }} FILTER(?m != <{own_manifest}>) }}", client)
        members = frozenset((row["m"].value, row["g"].value) for row in rows if row["g"] is not None)
        versions = frozenset((row["m"].value, row["t"].value) for row in rows if row["t"] is not None)
        others = {m for m, _ in members} | {g for _, g in members} | {m for m, _ in versions}
        graphs = tuple(sorted((self._unknown | others) - ours))
        current = self._hidden
        same = (graphs, members, versions) == (current.graphs, current.members, current.versions)
        self._hidden = _Hidden(graphs, members, versions, asked_at, current.footprint if same else None)

    def _complete_footprint(self, client: "Endpoint | httpx.Client") -> None:
        """Give the current list of hidden graphs its footprint, if it has none yet.

        Footprints only grow: the graphs already read are not read again, except those of a
        deployment that loaded again (its manifest's date changed); a graph gone keeps its share.
        """
        with self._footprinting:
            hidden = self._hidden
            if hidden.footprint is not None:
                return
            covered, versions, footprint = self._covered
            reloaded = {m for m, _ in hidden.versions - versions}
            todo = ((set(hidden.graphs) - covered) | {g for m, g in hidden.members if m in reloaded}
                    | (reloaded & set(hidden.graphs)))
            if len(todo) > FOOTPRINT_MAX_GRAPHS:
                return  # another large deployment: reading it would cost minutes; the pragmas stay
            if todo:
                footprint = footprint | self._read_footprint(sorted(todo), client)
            self._covered = (covered | todo, versions | hidden.versions, footprint)
            with self._listing:
                current = self._hidden
                if (current.graphs, current.members, current.versions) == (hidden.graphs, hidden.members,
                                                                           hidden.versions):
                    self._hidden = _Hidden(current.graphs, current.members, current.versions, current.listed_at,
                                           footprint)

    def _read_footprint(self, graphs: list[str], client: "Endpoint | httpx.Client") -> Footprint:
        """What ``graphs`` hold that a pattern could match, asked graph by graph (``GRAPH <g>`` reads
        one graph's quads; a dataset of many graphs, or the exclusion pragmas, make Virtuoso scan
        everything): a few ms a graph, 100 graphs a request."""
        footprint = Footprint(base=self.base_iri)
        own_manifest = manifest_graph(self.base_iri)
        if own_manifest in graphs:  # our graphs' names, as objects of void:subset: no need to ask
            footprint = Footprint(base=self.base_iri, objects=frozenset(self.remote_manifest.graphs))
        base = json.dumps(self.base_iri)
        for start in range(0, len(graphs), FOOTPRINT_BATCH):
            batch = graphs[start:start + FOOTPRINT_BATCH]
            others = [g for g in batch if g != own_manifest]

            def union(pattern: str, graphs: list[str]) -> str:
                return " UNION ".join(f"{{ GRAPH <{g}> {{ {pattern} }} }}" for g in graphs)
            predicates = self._select(f"SELECT DISTINCT ?x WHERE {{ {union('?s ?x ?o', batch)} }}", client)
            classes = self._select(f"SELECT DISTINCT ?x WHERE {{ {union(f'?s <{RDF_TYPE}> ?x', batch)} }}", client)
            under_base = "FILTER(isIRI(?{0}) && STRSTARTS(STR(?{0}), " + base + "))"
            subjects = self._ask(f"ASK {{ {union('?s ?p ?o ' + under_base.format('s'), batch)} }}", client)
            objects = bool(others) and self._ask(f"ASK {{ {union('?s ?p ?o ' + under_base.format('o'), others)} }}",
                                                 client)
            footprint = footprint | Footprint(
                frozenset(r["x"].value for r in predicates if isinstance(r["x"], ox.NamedNode)),
                frozenset(r["x"].value for r in classes if isinstance(r["x"], ox.NamedNode)),
                self.base_iri, subjects, objects)
        return footprint

    def _ensure_watcher(self) -> None:
        if self._watcher is not None and self._watcher_pid == os.getpid() and self._watcher.is_alive():
            return
        with self._starting:
            if self._watcher is not None and self._watcher_pid == os.getpid() and self._watcher.is_alive():
                return
            self._watcher_pid = os.getpid()
            self._watcher = threading.Thread(target=self._watch, name="untoc-kg hidden graphs", daemon=True)
            self._watcher.start()

    def _watch(self) -> None:
        """Keep the list of hidden graphs (and its footprint) fresh while queries come."""
        client = query_client(self.endpoint, self.timeout)
        try:
            while not self._stop.is_set():
                self._wake.wait(WATCH_TICK_SECONDS)
                self._wake.clear()
                if self._stop.is_set() or time.monotonic() - self._last_query > WATCH_IDLE_SECONDS:
                    continue
                try:
                    if time.monotonic() - self._hidden.listed_at >= HIDDEN_REFRESH_SECONDS:
                        with self._listing:
                            self._read_hidden(client)
                    self._complete_footprint(client)
                except (StoreError, SyntaxError):
                    continue  # the query path reads the list itself once it is stale, and reports
        finally:
            client.close()

    def _solutions(self, form: dict[str, object], client: "Endpoint | httpx.Client | None" = None
                   ) -> ox.QuerySolutions | ox.QueryBoolean:
        """SPARQL JSON results parsed while they arrive: a million rows never sit in memory at once.

        An answer of known length up to a few MiB is read whole first: it is parsed faster from memory,
        and its connection goes back to the pool (a parser stops at the closing brace and would leave
        the connection half-read).
        """
        response = self._open(form, JSON_RESULTS, client)
        length = response.headers.get("content-length")
        if length is not None and length.isdigit() and int(length) <= WHOLE_ANSWER_BYTES:
            body = b"".join(_network_chunks(response, self))
            if self.virtuoso and _ASK_HEAD.match(body):
                return ox.parse_query_results(_virtuoso_ask(body), ox.QueryResultsFormat.JSON)
            try:
                return ox.parse_query_results(_virtuoso_fixed(body) if self.virtuoso else body,
                                              ox.QueryResultsFormat.JSON)
            except SyntaxError as error:
                raise StoreError(f"unreadable results from {self.endpoint}: {error}") from error
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
        stream = io.BufferedReader(ChunkReader(_virtuoso_rows(body) if self.virtuoso else body, response),
                                   READ_BYTES)  # the parser reads a few hundred bytes at a time
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

    def _ask(self, sparql: str, client: "Endpoint | httpx.Client | None" = None) -> bool:
        results = self._solutions({"query": sparql}, client)
        if not isinstance(results, ox.QueryBoolean):
            raise StoreError(f"{self.endpoint} answered an ASK with solutions")
        return bool(results)

    def _select(self, sparql: str, client: "Endpoint | httpx.Client | None" = None) -> list[ox.QuerySolution]:
        results = self._solutions({"query": sparql}, client)
        if not isinstance(results, ox.QuerySolutions):
            raise StoreError(f"{self.endpoint} answered a SELECT with a boolean")
        return list(results)

    # --- HTTP ----------------------------------------------------------------------------------

    def _post(self, form: dict[str, object], accept: str) -> "Response | httpx.Response":
        response = self._open(form, accept)
        with _reading(response, self):
            response.read()
        return response

    def _open(self, form: dict[str, object], accept: str, client: "Endpoint | httpx.Client | None" = None
              ) -> "Response | httpx.Response":
        """A streamed answer whose status and headers were checked; the caller reads and closes it."""
        client = client or self.client
        try:
            if isinstance(client, Endpoint):
                response = client.post(form, accept)
            else:
                request = client.build_request("POST", self.endpoint, data=form, headers={"Accept": accept})
                response = client.send(request, stream=True)
        except TIMEOUTS as error:
            raise StoreError(f"{self.endpoint} did not answer within {self.timeout:g} s") from error
        except HTTP_ERRORS as error:
            raise StoreError(f"cannot reach {self.endpoint}: {error}") from error
        if response.status_code >= 400 or response.headers.get("x-sql-state") == "S1TAT":
            try:
                response.read()
            finally:
                response.close()
            # Virtuoso stops a query at its time limit two ways, by the clock: an anytime answer
            # flagged S1TAT, or (the limit reached while it cancels) a 500 "HY008 … killed by SQLCancel".
            if response.status_code < 400 or (self.server_timeout and _CANCELLED in response.text):
                raise StoreError(f"{self.endpoint} stopped the query after {self.server_timeout:g} s")
            raise_for_status(response, self.endpoint)
        cap = response.headers.get("x-sparql-maxrows")
        if cap is not None:  # Virtuoso cut the answer at its ResultSetMaxRows: partial, so not an answer
            response.close()
            raise StoreError(f"{self.endpoint} cut the answer at {cap} rows (its ResultSetMaxRows limit)")
        return response

    def _download(self, form: dict[str, object], accept: str) -> "Spool":
        """The answer's body in a spooled file (memory up to a few MiB, then disk), for graph results."""
        spool = Spool()
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
            merged = next((r["o"].value for r in rows if r["p"].value == MERGED_INTO and r["o"].value in every), "")
            return RemoteManifest(listed, built_at, key, merged)
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
            triples=self._distinct,
            store_format=STORE_FORMAT,
        )


@contextmanager
def _reading(response: "Response | httpx.Response", store: RemoteStore) -> Iterator[None]:
    """Reading an answer's body: a server that stalls or drops mid-answer is a StoreError, not a hang.
    The response is closed in every case."""
    try:
        yield
    except TIMEOUTS as error:
        raise StoreError(f"{store.endpoint} stalled for {store.timeout:g} s mid-answer") from error
    except HTTP_ERRORS as error:
        raise StoreError(f"{store.endpoint} broke off its answer: {error}") from error
    finally:
        response.close()


def _network_chunks(response: "Response | httpx.Response", store: RemoteStore) -> Iterator[bytes]:
    """The body's chunks, read under ``_reading``."""
    with _reading(response, store):
        yield from response.iter_bytes()


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


def _as_query_triples(triples: Iterator[ox.Triple]) -> ox.QueryTriples:
    """pyoxigraph makes ``QueryTriples`` only from a query, so the triples go through a small in-memory store."""
    scratch = ox.Store()
    scratch.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    return scratch.query("CONSTRUCT WHERE { ?s ?p ?o }")


def _virtuoso_ask(data: bytes) -> bytes:
    """Virtuoso's ``__ASK_RETVAL`` row as a SPARQL JSON boolean."""
    return b'{"head":{},"boolean":' + (b"true" if b'"value": "1"' in data else b"false") + b"}"


_CANCELLED = "Async statement killed by SQLCancel"


def raise_for_status(response: httpx.Response, url: str) -> None:
    if response.status_code < 400:
        return
    text = response.text.strip().splitlines()
    message = " ".join(line.strip() for line in text[:3])[:500]
    if response.status_code == 400 and ("SP030" in message or "syntax" in message.lower()):
        raise SyntaxError(message)
    raise StoreError(f"{url} answered {response.status_code}: {message}")
