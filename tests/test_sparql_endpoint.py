"""The /sparql endpoint over real HTTP: protocol, dataset, formats, negotiation, errors, discovery, CORS."""

from __future__ import annotations

import csv
import io
import json
import threading
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
import rdflib

from conftest import cartesian

TRIG = """\
@prefix ex: <http://example.org/> .
ex:g1 { ex:a ex:p "in g1" ; ex:name "Ann"@en . }
ex:g2 { ex:b ex:p "in g2" ; ex:n 42 . }
"""
G1, G2 = "http://example.org/g1", "http://example.org/g2"
SELECT_ALL = "SELECT ?o WHERE { ?s <http://example.org/p> ?o }"
CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
SOLUTION_TYPES = {
    "json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
    "csv": "text/csv", "tsv": "text/tab-separated-values",
}
GRAPH_TYPES = {
    "ttl": "text/turtle", "turtle": "text/turtle", "nt": "application/n-triples", "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml", "trig": "application/trig", "nq": "application/n-quads",
}
RDFLIB_FORMATS = {"text/turtle": "turtle", "application/n-triples": "nt", "application/ld+json": "json-ld",
                  "application/rdf+xml": "xml", "application/trig": "trig", "application/n-quads": "nquads"}


@pytest.fixture(scope="module")
def endpoint(serve, tmp_path_factory) -> str:
    data = tmp_path_factory.mktemp("sparql-endpoint") / "two-graphs.trig"
    data.write_text(TRIG)
    return serve("--no-project-data", "--data", str(data)).sparql


def media_type(response: httpx.Response) -> str:
    return response.headers["content-type"].split(";")[0].strip()


def objects(response: httpx.Response) -> set[str]:
    """The ?o values of a SPARQL JSON answer."""
    assert media_type(response) == "application/sparql-results+json", response.text
    return {b["o"]["value"] for b in response.json()["results"]["bindings"]}


# --- protocol: the three ways to send a query, and the dataset ----------------------------------


def test_get_sees_the_union_of_the_named_graphs(endpoint: str) -> None:
    response = httpx.get(endpoint, params={"query": SELECT_ALL})
    assert response.status_code == 200
    assert objects(response) == {"in g1", "in g2"}


def test_post_form_and_post_direct_answer_alike(endpoint: str) -> None:
    form = httpx.post(endpoint, data={"query": SELECT_ALL})
    direct = httpx.post(endpoint, content=SELECT_ALL.encode(), headers={"content-type": "application/sparql-query"})
    assert objects(form) == objects(direct) == {"in g1", "in g2"}


def test_form_post_merges_url_and_body_parameters(endpoint: str) -> None:
    response = httpx.post(endpoint, params={"default-graph-uri": G2}, data={"query": SELECT_ALL})
    assert objects(response) == {"in g2"}


def test_from_selects_a_graph_and_the_protocol_dataset_overrides_it(endpoint: str) -> None:
    with_from = f"SELECT ?o FROM <{G1}> WHERE {{ ?s <http://example.org/p> ?o }}"
    assert objects(httpx.get(endpoint, params={"query": with_from})) == {"in g1"}
    overridden = httpx.get(endpoint, params={"query": with_from, "default-graph-uri": G2})
    assert objects(overridden) == {"in g2"}


def test_named_graph_uri_limits_graph_patterns(endpoint: str) -> None:
    query = "SELECT ?o WHERE { GRAPH ?g { ?s <http://example.org/p> ?o } }"
    assert objects(httpx.get(endpoint, params={"query": query})) == {"in g1", "in g2"}
    assert objects(httpx.get(endpoint, params={"query": query, "named-graph-uri": G1})) == {"in g1"}


def test_relative_iris_resolve_against_the_served_base(endpoint: str) -> None:
    response = httpx.get(endpoint, params={"query": "SELECT (<id/x> AS ?o) {}"})
    assert objects(response) == {endpoint.removesuffix("sparql") + "id/x"}


class _Recorder(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        type(self).hits.append(self.path)
        self.send_response(200)
        self.send_header("content-type", "text/turtle")
        self.end_headers()
        self.wfile.write(b'<http://example.org/fetched> <http://example.org/p> "fetched" .')

    def log_message(self, *args: object) -> None:
        pass


def test_from_never_fetches_anything(endpoint: str, tmp_path: Path) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    secret = tmp_path / "secret.ttl"
    secret.write_text('<http://example.org/s> <http://example.org/p> "secret" .')
    try:
        remote = f"http://127.0.0.1:{server.server_address[1]}/graph.ttl"
        for source in (remote, secret.as_uri()):
            query = f"SELECT ?o FROM <{source}> FROM NAMED <{source}> WHERE {{ {{ ?s ?p ?o }} UNION {{ GRAPH ?g {{ ?s ?p ?o }} }} }}"
            assert objects(httpx.get(endpoint, params={"query": query})) == set()
            assert objects(httpx.get(endpoint, params={"query": SELECT_ALL, "default-graph-uri": source})) == set()
    finally:
        server.shutdown()
    assert _Recorder.hits == []


# --- refusals: 4xx with a message -----------------------------------------------------------------


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods_are_refused(endpoint: str, method: str) -> None:
    response = httpx.request(method, endpoint, params={"query": "ASK {}"})
    assert response.status_code == 405
    assert "GET or POST" in response.text
    assert "POST" in response.headers["allow"]


@pytest.mark.parametrize("request_kwargs", [
    {"params": [("query", "ASK {}"), ("query", "ASK {}")]},
    {"method": "POST", "params": {"query": "ASK {}"}, "content": b"ASK {}",
     "headers": {"content-type": "application/sparql-query"}},
    {"method": "POST", "params": {"query": "ASK {}"}, "data": {"query": "ASK {}"}},
])
def test_two_queries_are_refused(endpoint: str, request_kwargs: dict) -> None:
    method = request_kwargs.pop("method", "GET")
    response = httpx.request(method, endpoint, **request_kwargs)
    assert response.status_code == 400
    assert "more than one query" in response.text


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/json"])
def test_wrong_or_missing_media_type_is_refused(endpoint: str, content_type: str | None) -> None:
    headers = {"content-type": content_type} if content_type else {}
    response = httpx.post(endpoint, content=b"ASK {}", headers=headers)
    assert response.status_code == 415
    assert "application/sparql-query" in response.text


def test_non_utf8_bodies_are_refused(endpoint: str) -> None:
    utf16 = httpx.post(endpoint, content="ASK {}".encode("utf-16"),
                       headers={"content-type": "application/sparql-query; charset=UTF-16"})
    assert utf16.status_code == 415 and "UTF-8" in utf16.text
    latin1 = httpx.post(endpoint, content='ASK { FILTER("caf\xe9" = "x") }'.encode("latin-1"),
                        headers={"content-type": "application/sparql-query"})
    assert latin1.status_code == 400 and "UTF-8" in latin1.text
    form = httpx.post(endpoint, content=b"query=ASK%20%7B%7D%E9", headers={"content-type": "application/x-www-form-urlencoded"})
    assert form.status_code == 400 and "UTF-8" in form.text


def test_syntax_errors_name_line_and_column(endpoint: str) -> None:
    response = httpx.get(endpoint, params={"query": "SELECT *\nWHERE { ?s ?p }"})
    assert response.status_code == 400
    assert "syntax error" in response.text and "2:" in response.text


def test_errors_come_as_json_to_a_client_that_prefers_json(endpoint: str) -> None:
    response = httpx.get(endpoint, params={"query": "SELECT"}, headers={"accept": "application/json"})
    assert response.status_code == 400
    assert response.json()["status"] == 400 and "syntax error" in response.json()["message"]


@pytest.mark.parametrize("request_kwargs", [
    {"method": "GET", "params": {"update": "CLEAR ALL"}},
    {"method": "POST", "data": {"update": "INSERT DATA { <a> <b> <c> }"}},
    {"method": "POST", "content": b"CLEAR ALL", "headers": {"content-type": "application/sparql-update"}},
    {"method": "GET", "params": {"query": "PREFIX ex: <http://example.org/>\nINSERT DATA { ex:a ex:b ex:c }"}},
    {"method": "POST", "content": b"DROP ALL", "headers": {"content-type": "application/sparql-query"}},
])
def test_updates_are_refused_and_change_nothing(endpoint: str, request_kwargs: dict) -> None:
    method = request_kwargs.pop("method")
    response = httpx.request(method, endpoint, **request_kwargs)
    assert response.status_code == 403
    assert "read-only" in response.text
    assert objects(httpx.get(endpoint, params={"query": SELECT_ALL})) == {"in g1", "in g2"}


@pytest.mark.parametrize("parameter", ["default-graph-uri", "named-graph-uri"])
def test_dataset_parameters_must_be_iris(endpoint: str, parameter: str) -> None:
    response = httpx.get(endpoint, params={"query": "ASK {}", parameter: "not an IRI"})
    assert response.status_code == 400 and "absolute IRIs" in response.text


def test_post_without_a_query_is_refused(endpoint: str) -> None:
    response = httpx.post(endpoint, data={"default-graph-uri": G1})
    assert response.status_code == 400 and "no query" in response.text


# --- formats and content negotiation --------------------------------------------------------------


def _parse_solutions(response: httpx.Response) -> set[str]:
    kind = media_type(response)
    if kind == "application/sparql-results+json":
        return objects(response)
    if kind == "application/sparql-results+xml":
        ns = "{http://www.w3.org/2005/sparql-results#}"
        return {e.text for e in ET.fromstring(response.content).iter(f"{ns}literal")}
    if kind == "text/csv":
        return {row["o"] for row in csv.DictReader(io.StringIO(response.text))}
    assert kind == "text/tab-separated-values"
    return {line.strip('"') for line in response.text.splitlines()[1:]}


@pytest.mark.parametrize("name", SOLUTION_TYPES)
def test_select_in_every_solution_format(endpoint: str, name: str) -> None:
    by_name = httpx.get(endpoint, params={"query": SELECT_ALL, "format": name})
    by_type = httpx.get(endpoint, params={"query": SELECT_ALL}, headers={"accept": SOLUTION_TYPES[name]})
    for response in (by_name, by_type):
        assert response.status_code == 200
        assert response.headers["content-type"] == f"{SOLUTION_TYPES[name]}; charset=utf-8"
        assert response.headers["vary"] == "Accept"
        assert _parse_solutions(response) == {"in g1", "in g2"}


@pytest.mark.parametrize("name", ["json", "xml"])
def test_ask_in_json_and_xml(endpoint: str, name: str) -> None:
    response = httpx.get(endpoint, params={"query": "ASK { ?s ?p 42 }", "format": name})
    parsed = ox.parse_query_results(response.content, format=getattr(ox.QueryResultsFormat, name.upper()))
    assert bool(parsed) is True


def test_a_small_answer_comes_whole_with_its_length_and_a_large_one_streams(endpoint: str) -> None:
    small = httpx.get(endpoint, params={"query": SELECT_ALL})
    assert small.headers["content-length"] == str(len(small.content)) and "transfer-encoding" not in small.headers
    assert objects(small) == {"in g1", "in g2"}
    large = httpx.get(endpoint, params={"query": cartesian(4), "format": "csv"})  # some 90 kB
    assert large.headers.get("transfer-encoding") == "chunked" and "content-length" not in large.headers
    assert large.content.count(b"\n") == 1 + 10**4


@pytest.mark.parametrize("name", GRAPH_TYPES)
@pytest.mark.parametrize("form", ["CONSTRUCT", "DESCRIBE"])
def test_graphs_in_every_rdf_format(endpoint: str, name: str, form: str) -> None:
    query = CONSTRUCT if form == "CONSTRUCT" else "DESCRIBE <http://example.org/a> <http://example.org/b>"
    for response in (httpx.get(endpoint, params={"query": query, "format": name}),
                     httpx.get(endpoint, params={"query": query}, headers={"accept": GRAPH_TYPES[name]})):
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == f"{GRAPH_TYPES[name]}; charset=utf-8"
        graph = rdflib.Dataset().parse(data=response.content, format=RDFLIB_FORMATS[GRAPH_TYPES[name]])
        assert {str(o) for o in graph.objects(None, rdflib.URIRef("http://example.org/p"))} == {"in g1", "in g2"}


def test_format_parameter_takes_full_media_types_and_overrides_accept(endpoint: str) -> None:
    response = httpx.get(endpoint, params={"query": SELECT_ALL, "format": "text/csv"},
                         headers={"accept": "application/sparql-results+xml"})
    assert media_type(response) == "text/csv"


@pytest.mark.parametrize(("accept", "expected"), [
    (None, "application/sparql-results+json"),
    ("*/*", "application/sparql-results+json"),
    ("text/*", "text/csv"),
    ("text/csv;q=0.5, text/tab-separated-values", "text/tab-separated-values"),
    ("application/sparql-results+xml;q=0.9, application/sparql-results+json;q=0.1", "application/sparql-results+xml"),
    ("text/html, application/xhtml+xml, */*;q=0.8", "application/sparql-results+json"),
    ("application/json", "application/sparql-results+json"),
    ("text/csv;q=0, */*;q=0.1", "application/sparql-results+json"),
])
def test_negotiation_of_solutions(endpoint: str, accept: str | None, expected: str) -> None:
    headers = {"accept": accept} if accept is not None else {}
    response = httpx.get(endpoint, params={"query": SELECT_ALL}, headers=headers)
    assert response.status_code == 200
    assert media_type(response) == expected


@pytest.mark.parametrize(("accept", "expected"), [
    (None, "text/turtle"),
    ("application/rdf+xml;q=0.8, application/ld+json", "application/ld+json"),
    ("application/*", "application/n-triples"),
])
def test_negotiation_of_graphs(endpoint: str, accept: str | None, expected: str) -> None:
    headers = {"accept": accept} if accept is not None else {}
    assert media_type(httpx.get(endpoint, params={"query": CONSTRUCT}, headers=headers)) == expected


@pytest.mark.parametrize(("query", "params", "headers"), [
    (SELECT_ALL, {}, {"accept": "text/turtle"}),
    (CONSTRUCT, {}, {"accept": "text/csv"}),
    (SELECT_ALL, {"format": "ttl"}, {}),
    (CONSTRUCT, {"format": "csv"}, {}),
    (SELECT_ALL, {"format": "image/png"}, {}),
])
def test_406_when_no_format_fits(endpoint: str, query: str, params: dict, headers: dict) -> None:
    response = httpx.get(endpoint, params={"query": query, **params}, headers=headers)
    assert response.status_code == 406
    assert "available" in response.text or "use one of" in response.text


# --- discovery, HEAD, OPTIONS, CORS ---------------------------------------------------------------


SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID_TRIPLES = rdflib.URIRef("http://rdfs.org/ns/void#triples")


@pytest.mark.parametrize(("accept", "rdflib_format"), [
    (None, "turtle"), ("text/turtle", "turtle"), ("application/ld+json", "json-ld"), ("application/rdf+xml", "xml"),
])
def test_service_description(endpoint: str, accept: str | None, rdflib_format: str) -> None:
    response = httpx.get(endpoint, headers={"accept": accept} if accept else {})
    assert response.status_code == 200
    assert response.headers["vary"] == "Accept"
    graph = rdflib.Graph().parse(data=response.content, format=rdflib_format)
    service = rdflib.URIRef(endpoint)
    assert (service, rdflib.RDF.type, SD.Service) in graph
    assert (service, SD.feature, SD.UnionDefaultGraph) in graph
    formats = {str(f).rpartition("/")[2] for f in graph.objects(service, SD.resultFormat)}
    assert {"SPARQL_Results_JSON", "SPARQL_Results_CSV", "SPARQL_Results_TSV", "Turtle", "RDF_XML", "N-Quads"} <= formats
    sizes = {}
    for named in graph.objects(None, SD.namedGraph):
        sizes[str(graph.value(named, SD.name))] = graph.value(graph.value(named, SD.graph), VOID_TRIPLES).toPython()
    assert sizes == {G1: 2, G2: 2}
    assert "union" in str(graph.value(service, rdflib.URIRef("http://purl.org/dc/terms/description")))


def test_browsers_get_the_query_page(endpoint: str) -> None:
    response = httpx.get(endpoint, headers={"accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert 'id="sparql-query"' in response.text


def test_head_and_options(endpoint: str) -> None:
    head = httpx.head(endpoint, params={"query": SELECT_ALL})
    assert head.status_code == 200 and head.content == b""
    assert media_type(head) == "application/sparql-results+json"
    preflight = httpx.options(endpoint, headers={
        "origin": "https://elsewhere.example", "access-control-request-method": "POST",
        "access-control-request-headers": "content-type"})
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert "content-type" in preflight.headers["access-control-allow-headers"].lower()


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_cors_allows_any_origin(endpoint: str, method: str) -> None:
    response = httpx.request(method, endpoint, data={"query": "ASK {}"} if method == "POST" else None,
                             params={"query": "ASK {}"} if method == "GET" else None,
                             headers={"origin": "https://elsewhere.example"})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"


def test_a_json_answer_is_complete_json(endpoint: str) -> None:
    response = httpx.get(endpoint, params={"query": "SELECT * { ?s ?p ?o }"})
    assert len(json.loads(response.content)["results"]["bindings"]) == 4
