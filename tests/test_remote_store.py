"""The remote backend against a real Virtuoso 7: same answers as the embedded store, quirks smoothed over.

Uses the Virtuoso at $UNTOC_KG_VIRTUOSO when set (CI starts one with .ci/virtuoso), else starts a
throw-away one with .ci/virtuoso on free loopback ports.
"""

from __future__ import annotations

import os
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from conftest import PROJECT_ROOT, free_port, require_binary, untoc_kg_command
from untoc_kg.build import BuildInputs, build
from untoc_kg.store import Dataset, StoreError
from untoc_kg.store.oxigraph import OxigraphStore
from untoc_kg.store.footprint import RDF_TYPE, Footprint, may_match_hidden
from untoc_kg.store.remote import RemoteStore, ServiceUnsupported, merge_graph, query_form, without_from

XSD = "http://www.w3.org/2001/XMLSchema#"
G1, G2 = "http://example.org/g1", "http://example.org/g2"
QUIRKY = f"""
<http://example.org/s> <http://example.org/flag> "true"^^<{XSD}boolean> .
<http://example.org/s> <http://example.org/off> "false"^^<{XSD}boolean> .
<http://example.org/s> <http://example.org/ordinal> "12"^^<{XSD}positiveInteger> .
<http://example.org/s> <http://example.org/day> "2024-07-04"^^<{XSD}date> .
<http://example.org/s> <http://example.org/label> "Viena"@es .
<http://example.org/s> <http://example.org/label> "Vienna"@en-GB .
<http://example.org/s> <http://example.org/label> "plain \\"quoted\\" é 日本\\nline" .
<http://example.org/s> <http://example.org/part> _:b1 .
_:b1 <http://example.org/value> "in a blank node" .
<http://example.org/s> <http://example.org/p> "in g1" .
"""
OTHER = '<http://example.org/s> <http://example.org/p> "in g2" .\n'
COMPARED_QUERIES = [
    "SELECT ?p ?o WHERE { <http://example.org/s> ?p ?o FILTER(!isBlank(?o)) } ORDER BY ?p ?o",
    "SELECT ?v WHERE { <http://example.org/s> <http://example.org/part> ?b . ?b <http://example.org/value> ?v }",
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "SELECT ?o WHERE { ?s <http://example.org/ordinal> ?o FILTER(?o > 10) }",
    "SELECT ?o WHERE { ?s <http://example.org/label> ?o FILTER(langMatches(lang(?o), 'en')) }",
    "ASK { ?s <http://example.org/flag> true }",
    "ASK { ?s <http://example.org/flag> false }",
]


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The query endpoint of a running Virtuoso."""
    given = os.environ.get("UNTOC_KG_VIRTUOSO")
    if given:
        yield given
        return
    require_binary("virtuoso-t")
    http_port, isql_port = free_port(), free_port()
    folder = tmp_path_factory.mktemp("virtuoso")
    env = {**os.environ, "VIRTUOSO_HTTP_PORT": str(http_port), "VIRTUOSO_ISQL_PORT": str(isql_port),
           "VIRTUOSO_BUFFERS": "20000"}
    script = PROJECT_ROOT / ".ci" / "virtuoso"
    subprocess.run(["bash", str(script), "start", str(folder)], check=True, env=env, timeout=180,
                   capture_output=True)
    try:
        yield f"http://127.0.0.1:{http_port}/sparql"
    finally:
        subprocess.run(["bash", str(script), "stop", str(folder)], env=env, timeout=60, capture_output=True)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("remote-data")
    (folder / "g1.nt").write_text(QUIRKY)
    (folder / "g2.nt").write_text(OTHER)
    return folder / "g1.nt", folder / "g2.nt"


def untoc_kg(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "UNTOC_KG_ENDPOINT_AUTH": "dba:dba"}
    return subprocess.run([*untoc_kg_command(), *args], capture_output=True, text=True, timeout=timeout, env=env)


def load(endpoint: str, base: str, *graphs: tuple[str, Path]) -> None:
    args = [arg for graph, path in graphs for arg in ("--graph", f"{graph}={path}")]
    result = untoc_kg("build", "--endpoint", endpoint, "--no-project-data", "--base-iri", base, *args)
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="module")
def remote(virtuoso: str, files: tuple[Path, Path]) -> Iterator[RemoteStore]:
    base = "http://remote.test/"
    load(virtuoso, base, (G1, files[0]), (G2, files[1]))
    with RemoteStore.open(virtuoso, base, timeout=30) as store:
        yield store


@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory, files: tuple[Path, Path]) -> Iterator[OxigraphStore]:
    folder = tmp_path_factory.mktemp("embedded") / "store"
    build(BuildInputs("http://remote.test/", None, (), ((G1, files[0]), (G2, files[1]))), folder)
    with OxigraphStore.open(folder) as store:
        yield store


def comparable(results: object) -> object:
    """Results as plain values, rows sorted; blank nodes reduced to their kind (labels differ between engines).

    Rows are sorted because engines may order literals of different kinds differently (SPARQL leaves
    the relative order of a plain and a language-tagged literal open).
    """
    def term(t: object) -> object:
        return "_:" if isinstance(t, ox.BlankNode) else str(t)
    if isinstance(results, ox.QueryBoolean):
        return bool(results)
    if isinstance(results, ox.QueryTriples):
        return sorted(tuple(term(x) for x in (t.subject, t.predicate, t.object)) for t in results)
    return sorted(tuple(term(solution[v]) for v in results.variables) for solution in results)


# --- the lexer that picks a result format, and FROM removal -----------------------------------------

@pytest.mark.parametrize(("query", "form"), [
    ("SELECT * {}", "SELECT"),
    ("PREFIX ask: <http://x/select#> # CONSTRUCT\n describe <http://x/ASK>", "DESCRIBE"),
    ("BASE <http://x/> ASK { ?s ?p 'SELECT' }", "ASK"),
    ('CONSTRUCT WHERE { ?s ?p "ASK" }', "CONSTRUCT"),
])
def test_query_form(query: str, form: str) -> None:
    assert query_form(query) == form


def test_query_form_refuses_what_is_not_a_query() -> None:
    with pytest.raises(SyntaxError):
        query_form("INSERT DATA { <a> <b> <c> }")


def test_without_from_keeps_iris_strings_and_comments() -> None:
    query = 'PREFIX ex: <http://x/> SELECT * FROM <http://g> FROM NAMED ex:h { ?s ?p "FROM <a>" } # FROM <b>'
    assert without_from(query) == 'PREFIX ex: <http://x/> SELECT *     { ?s ?p "FROM <a>" } # FROM <b>'


# --- which queries can go without Virtuoso's exclusion pragmas --------------------------------------

BASE = "http://served.test/"
HIDDEN = Footprint(frozenset({RDF_TYPE, "http://x/shared"}), frozenset({"http://x/SystemClass"}), BASE,
                   base_subjects=False, base_objects=True)
U = "PREFIX u: <http://u/> "


@pytest.mark.parametrize(("query", "may_match"), [
    ("ASK {}", False),
    (U + "SELECT * { ?s u:p ?o ; u:q [ u:r ?x ] , ?y . ?x a u:C FILTER(?o > 3) OPTIONAL { ?s u:s ?z } }", False),
    (U + "SELECT * { { SELECT ?s { ?s u:p ?o } } UNION { ?s u:q/u:r+ ?v } MINUS { ?s ^u:t 1 } }", False),
    (U + 'SELECT * { ?s u:p "x"@en-GB, "y"^^u:dt, -1.5, true, _:b BIND(STR(?s) AS ?t) VALUES ?s { u:a } }', False),
    (U + "CONSTRUCT { ?s ?p ?o } WHERE { ?s u:p ?o } ORDER BY ?o LIMIT 3", False),
    (U + "SELECT * { ?s u:p ?o SERVICE <http://remote.test/sparql> { ?s ?p ?o } }", False),
    (f"BASE <{BASE}> SELECT * {{ <id/x> ?p ?o ; a ?c }}", False),  # a subject of this deployment's own
    ("SELECT * { ?s ?p ?o }", True),
    (U + "SELECT * { ?s u:p ?o ; ?q ?r }", True),
    (U + "SELECT * { ?s u:p ?o . ?x a ?c }", True),  # hidden graphs use rdf:type
    (U + "SELECT * { ?s a u:C, <http://x/SystemClass> }", True),
    (U + "SELECT * { ?s <http://x/shared> ?o }", True),
    (U + "SELECT * { ?s u:p* ?o }", True),  # a zero-length path matches every node of every graph
    (U + "SELECT * { ?s u:p? ?o }", True),
    (U + "SELECT * { ?s !u:p ?o }", True),
    (U + "SELECT * { ?s (u:p|<http://x/shared>) ?o }", True),
    (U + "SELECT * { GRAPH ?g { ?s u:p ?o } }", True),
    (U + "SELECT * FROM <http://g> { ?s u:p ?o }", True),
    (U + "SELECT * { ?s u:p ?o FILTER NOT EXISTS { ?s ?p ?z } }", True),
    (U + "SELECT (EXISTS { ?s ?p ?z } AS ?e) { ?s u:p ?o }", True),
    (U + "SELECT * { { SELECT ?s { ?s ?p ?o } } }", True),
    (U + "SELECT * { ?s u:p (1 2) }", True),  # a collection's rdf:first / rdf:rest
    (U + "SELECT * { ?s undeclared:p ?o }", True),
    (U + "DESCRIBE ?s WHERE { ?s u:p ?o }", True),
    (U + "SELECT * { ?s u:p ?o FILTER(?a<?b)?s?p?o.FILTER(?c>?d) }", True),  # an IRI-looking token hides a pattern
    (U + "SELECT * { << ?a ?b ?c >> u:q ?z }", True),
    (f"SELECT * {{ ?s ?p <{BASE}id/x> }}", True),  # hidden graphs hold objects under the base
    (f"SELECT * {{ <{BASE}id/x> ?p/?q ?o }}", True),
    (f"SELECT * {{ <{BASE}id/x> ?p [ ?q ?r ] }}", True),
    (U + "SELECT * { ?s u:p ?o", True),
])
def test_which_queries_may_match_a_hidden_graph(query: str, may_match: bool) -> None:
    assert may_match_hidden(query, BASE, HIDDEN) is may_match
    assert may_match_hidden(query, BASE, None) is True  # before the footprint is read: always the pragmas


# --- the same answers as the embedded store ----------------------------------------------------------

@pytest.mark.parametrize("query", COMPARED_QUERIES)
def test_same_answers_as_embedded(remote: RemoteStore, embedded: OxigraphStore, query: str) -> None:
    assert comparable(remote.query(query)) == comparable(embedded.query(query))


def test_ask_is_a_boolean(remote: RemoteStore) -> None:
    assert isinstance(remote.query("ASK { ?s ?p ?o }"), ox.QueryBoolean)
    assert bool(remote.query("ASK { ?s ?p ?o }")) is True
    assert bool(remote.query("ASK { ?s <http://example.org/nothing> ?o }")) is False


def test_booleans_dates_and_integers_come_back_as_the_embedded_store_has_them(remote: RemoteStore) -> None:
    """Virtuoso would keep xsd:positiveInteger; Oxigraph stores xsd:integer, and the build loads that."""
    values = {s["p"].value.rsplit("/", 1)[1]: s["o"] for s in remote.query("SELECT ?p ?o { <http://example.org/s> ?p ?o }")}
    assert values["flag"] == ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean"))
    assert values["off"] == ox.Literal("false", datatype=ox.NamedNode(XSD + "boolean"))
    assert values["ordinal"] == ox.Literal("12", datatype=ox.NamedNode(XSD + "integer"))
    assert values["day"] == ox.Literal("2024-07-04", datatype=ox.NamedNode(XSD + "date"))


def test_language_tags_are_lower_case_on_both_backends(remote: RemoteStore, embedded: OxigraphStore) -> None:
    query = "SELECT ?o { ?s <http://example.org/label> ?o FILTER(lang(?o) != '') }"
    assert sorted(s["o"].language for s in remote.query(query)) == ["en-gb", "es"]
    assert sorted(s["o"].language for s in embedded.query(query)) == ["en-gb", "es"]


def test_blank_nodes_are_the_same_node_in_select_and_construct(remote: RemoteStore) -> None:
    selected = next(iter(remote.query("SELECT ?b { <http://example.org/s> <http://example.org/part> ?b }")))["b"]
    constructed = list(remote.query("CONSTRUCT { ?b ?p ?o } WHERE { <http://example.org/s> <http://example.org/part> ?b . ?b ?p ?o }"))
    assert isinstance(selected, ox.BlankNode)
    assert [t.subject for t in constructed] == [selected]


def test_construct_and_describe_are_query_triples(remote: RemoteStore) -> None:
    constructed = remote.query("CONSTRUCT WHERE { <http://example.org/s> <http://example.org/p> ?o }")
    assert isinstance(constructed, ox.QueryTriples)
    assert {str(t.object) for t in constructed} == {'"in g1"', '"in g2"'}
    assert isinstance(remote.query("DESCRIBE <http://example.org/s>"), ox.QueryTriples)


def test_relative_iris_resolve_against_the_base(remote: RemoteStore) -> None:
    assert next(iter(remote.query("SELECT (<id/x> AS ?x) {}")))["x"] == ox.NamedNode("http://remote.test/id/x")


# --- datasets: the protocol's, Virtuoso's union default graph, other deployments ---------------------

def test_default_graph_uri_alone_leaves_no_named_graphs(remote: RemoteStore) -> None:
    query = "SELECT ?o { { ?s <http://example.org/p> ?o } UNION { GRAPH ?g { ?s <http://example.org/p> ?o } } }"
    found = {s["o"].value for s in remote.query(query, Dataset(default_graphs=(G1,)))}
    assert found == {"in g1"}


def test_protocol_dataset_overrides_from(remote: RemoteStore) -> None:
    query = f"SELECT ?o FROM <{G1}> {{ ?s <http://example.org/p> ?o }}"
    assert {s["o"].value for s in remote.query(query)} == {"in g1"}
    assert {s["o"].value for s in remote.query(query, Dataset(default_graphs=(G2,)))} == {"in g2"}


def test_union_hides_system_graphs_and_other_deployments(virtuoso: str, remote: RemoteStore, files: tuple[Path, Path]) -> None:
    load(virtuoso, "http://other.test/", ("http://other.test/graph/x", files[1]))
    time.sleep(2.5)  # a query never uses a list of other deployments' graphs read more than 2 s before
    graphs = {s["g"].value for s in remote.query("SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }")}
    assert graphs == {G1, G2}
    count = next(iter(remote.query("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")))["n"].value
    assert int(count) == sum(remote.graph_sizes().values())


def test_a_later_deployment_with_our_predicate_and_subject_stays_hidden(virtuoso: str, tmp_path: Path) -> None:
    """A query without GRAPH reads the merge graph alone, with no exclusion pragma to cost heavy joins
    several times their time; a deployment loaded after the store opened, with the same predicate and
    a triple about our own resource, stays out of it."""
    unique = f"http://example.org/only-{uuid.uuid4().hex}"
    base, other = f"http://ours-{uuid.uuid4().hex[:8]}.test/", f"http://theirs-{uuid.uuid4().hex[:8]}.test/"
    ours = tmp_path / "ours.nt"
    ours.write_text(f'<{base}id/a> <{unique}> "ours" .\n<{base}id/a> <{RDF_TYPE}> <{base}Thing> .\n')
    theirs = tmp_path / "theirs.nt"
    theirs.write_text(f'<{other}id/b> <{unique}> "theirs" .\n<{base}id/a> <http://example.org/said> "theirs" .\n')
    by_predicate = f"SELECT ?o {{ ?s <{unique}> ?o }}"
    by_subject = f"SELECT ?o {{ <{base}id/a> ?p ?o FILTER(isLiteral(?o)) }}"
    load(virtuoso, base, (f"{base}graph/1", ours))
    with RemoteStore.open(virtuoso, base) as store:
        for query in (by_predicate, by_subject):
            assert store._pragmas(query, None) == f"define input:default-graph-uri <{merge_graph(base)}> "
            assert [s["o"].value for s in store.query(query)] == ["ours"]
        load(virtuoso, other, (f"{other}graph/1", theirs))
        for query in (by_predicate, by_subject):
            assert [s["o"].value for s in store.query(query)] == ["ours"]
        assert {s["g"].value for s in store.query("SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }")} == {f"{base}graph/1"}


def test_a_triple_that_many_graphs_state_is_one_triple_of_the_default_graph(virtuoso: str, tmp_path: Path) -> None:
    """The default graph is the merge of the served graphs, a set, on Virtuoso as in the embedded store
    (tests/test_embedded_store.py): counts are not inflated and joins through restated nodes do not
    multiply, while GRAPH still reaches every copy and the merge graph is never a named graph."""
    base = f"http://merge-{uuid.uuid4().hex[:8]}.test/"
    shared = f'<{base}wg> <{base}label> "working group" .\n'
    (tmp_path / "one.nt").write_text(shared + f"<{base}m1> <{base}meetingOf> <{base}wg> .\n")
    (tmp_path / "two.nt").write_text(shared + f"<{base}m2> <{base}meetingOf> <{base}wg> .\n")
    graphs = (f"{base}graph/1", f"{base}graph/2")
    load(virtuoso, base, (graphs[0], tmp_path / "one.nt"), (graphs[1], tmp_path / "two.nt"))
    with RemoteStore.open(virtuoso, base) as store:
        def count(where: str) -> int:
            return int(next(iter(store.query(f"SELECT (COUNT(*) AS ?n) {{ {where} }}")))["n"].value)
        assert count(f"?s <{base}label> ?o") == 1
        assert count("?s ?p ?o") == 3 == store.manifest().triples
        assert count(f"?m <{base}meetingOf> ?g . ?g <{base}label> ?l") == 2
        assert count(f"GRAPH ?g {{ ?s <{base}label> ?o }}") == 2
        assert count(f"?s <{base}label> ?o GRAPH ?g {{ ?m <{base}meetingOf> ?s }}") == 2
        assert count(f"GRAPH <{graphs[0]}> {{ ?s ?p ?o }}") == 2
        assert {s["g"].value for s in store.query("SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }")} == set(graphs)
        assert store.graph_sizes() == {graphs[0]: 2, graphs[1]: 2}
        assert len(list(store.quads())) == 4


def test_service_with_the_pragmas_is_refused_rather_than_answered_empty(remote: RemoteStore) -> None:
    """Virtuoso would send the SERVICE body with a FILTER on an unbound variable: an empty, wrong answer."""
    query = "SELECT * { ?s ?p ?o SERVICE <http://127.0.0.1:9/sparql> { ?a ?b ?c } }"
    with pytest.raises(ServiceUnsupported, match="SERVICE"):
        remote.query(query)
    with pytest.raises(ServiceUnsupported, match="SERVICE"):
        remote.query(query.replace("?s ?p ?o", ""), Dataset(default_graphs=(G1,)))


def test_virtuoso_define_pragmas_in_a_query_are_refused(remote: RemoteStore) -> None:
    """A query's own ``define input:default-graph-uri`` would undo the exclusions (and ``get:soft`` fetches)."""
    query = "define input:default-graph-uri <http://www.openlinksw.com/schemas/virtrdf#> BASE <http://x/> ASK { ?s ?p ?o }"
    with pytest.raises(SyntaxError, match="DEFINE"):
        remote.query(query)
    assert bool(remote.query("ASK { ?s <http://example.org/define> 'define' }")) is False  # the word elsewhere is fine


def test_a_foreign_graph_named_in_a_dataset_is_empty(remote: RemoteStore) -> None:
    dataset = Dataset(default_graphs=("http://www.openlinksw.com/schemas/virtrdf#",))
    assert not bool(remote.query("ASK { ?s ?p ?o }", dataset))


def test_graph_sizes_and_quads(remote: RemoteStore, embedded: OxigraphStore) -> None:
    assert remote.graph_sizes() == embedded.graph_sizes()
    assert len(list(remote.quads())) == sum(embedded.graph_sizes().values())


def test_rebuild_replaces_graphs_and_drops_stale_ones(virtuoso: str, files: tuple[Path, Path]) -> None:
    base = "http://rebuild.test/"
    load(virtuoso, base, ("http://rebuild.test/a", files[0]), ("http://rebuild.test/b", files[1]))
    load(virtuoso, base, ("http://rebuild.test/a", files[1]))
    with RemoteStore.open(virtuoso, base) as store:
        assert store.graph_sizes() == {"http://rebuild.test/a": 1}


# --- failures are clear errors ------------------------------------------------------------------------

def test_syntax_error(remote: RemoteStore) -> None:
    with pytest.raises(SyntaxError):
        remote.query("SELECT * WHERE { ?s ?p ?o ")


def test_unreachable_endpoint_is_a_store_error() -> None:
    with pytest.raises(StoreError, match="cannot reach"):
        RemoteStore.open(f"http://127.0.0.1:{free_port()}/sparql", "http://x.test/", timeout=2)


class _ClosesIdleConnections(BaseHTTPRequestHandler):
    """Answers over HTTP/1.1 keep-alive (true to an ASK, no rows to a SELECT), then drops the connection
    without saying so, as a server does when a keep-alive connection idles past its timeout."""

    protocol_version = "HTTP/1.1"
    requests: list[str] = []

    def do_POST(self) -> None:  # noqa: N802
        form = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).requests.append(self.path)
        ask = b"query=ASK" in form
        body = b'{"head": {}, "boolean": true}' if ask else b'{"head": {"vars": ["x"]}, "results": {"bindings": []}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in self.extra_headers(form).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    def extra_headers(self, form: bytes) -> dict[str, str]:
        return {}

    def log_message(self, *args: object) -> None:
        pass


def test_a_keep_alive_connection_the_server_dropped_is_replaced() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _ClosesIdleConnections)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with RemoteStore.open(f"http://127.0.0.1:{server.server_address[1]}/sparql", "http://x.test/", timeout=5) as store:
            for _ in range(3):
                assert bool(store.query("ASK {}")) is True
    finally:
        server.shutdown()
    assert len(_ClosesIdleConnections.requests) == 6  # open: ASK, graphs, manifest; then the three queries


class _CutsAnswers(_ClosesIdleConnections):
    """Says, as Virtuoso does, that it cut the answer at its ResultSetMaxRows (for queries about ex:many)."""

    def extra_headers(self, form: bytes) -> dict[str, str]:
        return {"X-SPARQL-MaxRows": "10"} if b"many" in form else {}


def test_an_answer_cut_at_the_servers_row_limit_is_an_error_not_a_partial_answer() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _CutsAnswers)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with RemoteStore.open(f"http://127.0.0.1:{server.server_address[1]}/sparql", "http://x.test/", timeout=5) as store:
            with pytest.raises(StoreError, match="cut the answer at 10 rows"):
                list(store.query("SELECT * { ?s <http://example.org/many> ?o }"))
    finally:
        server.shutdown()


def test_silent_endpoint_times_out() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
        started = time.monotonic()
        with pytest.raises(StoreError, match="did not answer within 1 s"):
            RemoteStore.open(url, "http://x.test/", timeout=1)
        assert time.monotonic() - started < 10


def test_serve_with_unreachable_endpoint_is_one_line(tmp_path: Path) -> None:
    result = untoc_kg("serve", "--endpoint", f"http://127.0.0.1:{free_port()}/sparql", "--port", str(free_port()),
                      timeout=60)
    assert result.returncode == 2
    assert result.stderr.startswith("untoc-kg serve: cannot reach")
    assert len(result.stderr.strip().splitlines()) == 1


def test_build_with_bad_auth_option_is_one_line(virtuoso: str, files: tuple[Path, Path]) -> None:
    result = untoc_kg("build", "--endpoint", virtuoso, "--no-project-data", "--auth", "nocolon",
                      "--graph", f"{G1}={files[0]}")
    assert result.returncode == 2
    assert result.stderr.strip() == "untoc-kg build: --auth takes USER:PASSWORD"


def test_build_with_wrong_password_is_one_line(virtuoso: str, files: tuple[Path, Path]) -> None:
    result = untoc_kg("build", "--endpoint", virtuoso, "--no-project-data", "--auth", "dba:wrong",
                      "--base-iri", "http://wrong.test/", "--graph", f"http://wrong.test/g={files[0]}")
    assert result.returncode == 2
    assert "answered 401" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_serve_on_virtuoso_answers_like_embedded(virtuoso: str, files: tuple[Path, Path], tmp_path: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    load(virtuoso, base, (G1, files[0]))
    env = {**os.environ, "UNTOC_KG_STATE": str(tmp_path)}
    process = subprocess.Popen([*untoc_kg_command(), "serve", "--endpoint", virtuoso, "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                response = httpx.get(base + "sparql", params={"query": "ASK { ?s ?p 'in g1' }"},
                                     headers={"Accept": "application/sparql-results+json"}, timeout=5)
                break
            except httpx.TransportError:
                time.sleep(0.3)
        assert response.json()["boolean"] is True
    finally:
        process.terminate()
        process.wait(timeout=15)


def test_two_http_workers_share_one_store(serve, files: tuple[Path, Path]) -> None:
    """``serve --workers 2`` over one store (read-only on the embedded backend): both processes answer."""
    server = serve("--no-project-data", "--graph", f"{G1}={files[0]}", "--workers", "2")
    with httpx.Client(timeout=30) as client:
        for _ in range(40):
            response = client.get(server.sparql, params={"query": "ASK { ?s ?p 'in g1' }"},
                                  headers={"Accept": "application/sparql-results+json", "Connection": "close"})
            assert response.json()["boolean"] is True
    assert server.process.poll() is None


def test_virtuoso_stops_a_slow_query_and_it_is_an_error_not_a_partial_answer(virtuoso: str) -> None:
    """Virtuoso's anytime query would return partial results with a 200: they must never pass as an answer."""
    digits = " ".join(f"VALUES ?{v} {{ 0 1 2 3 4 5 6 7 8 9 }}" for v in "abcdefghi")
    with RemoteStore.open(virtuoso, "http://remote.test/", timeout=60, server_timeout=0.5) as store, \
            pytest.raises(StoreError, match="stopped the query after 0.5 s"):
        store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {digits} }}")


def test_graph_variable_with_empty_pattern_lists_the_named_graphs(remote: RemoteStore) -> None:
    assert {s["g"].value for s in remote.query("SELECT ?g WHERE { GRAPH ?g { } }")} == {G1, G2}
    only = remote.query("SELECT ?g WHERE { GRAPH ?g {} }", Dataset(named_graphs=(G1,)))
    assert [s["g"].value for s in only] == [G1]
