"""Fuzzing a real server: hypothesis on the query path, schemathesis on the OpenAPI schema.

Both are bounded in examples and run against one server on loopback with a 2 s query time limit
and no per-client budget (the fuzzer is one client). A run passes when no answer is a 5xx other
than the designed ones (503 saturation, 504 a query stopped at its time limit), the server
never drops a connection, and the canary sees nothing.
"""

from __future__ import annotations

import string
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from canary import Canary
from conftest import Server
from hostile import client, start_hostile

DESIGNED_5XX = {503, 504}
FUZZ_SETTINGS = settings(max_examples=120, deadline=None, derandomize=True,
                         suppress_health_check=list(HealthCheck))
SEEDS = [
    "SELECT * WHERE { ?s ?p ?o } LIMIT 10",
    "ASK { ?s a ?type }",
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 5",
    "DESCRIBE <id/xss>",
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?l WHERE { ?s rdfs:label ?l FILTER regex(?l, 'a+') }",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p HAVING (COUNT(*) > 1) ORDER BY DESC(?n)",
    "SELECT * WHERE { ?a <ontology#next>+ ?b } LIMIT 3",
    "SELECT * WHERE { OPTIONAL { ?s ?p ?o } MINUS { ?s a ?t } FILTER NOT EXISTS { ?s ?q ?r } } LIMIT 1",
]
FRAGMENTS = ["SERVICE <@HTTP@> { ?s ?p ?o }", "FROM <@FILE@>", "FROM NAMED <@HTTP@>", "LOAD <@HTTP@>",
             "INSERT DATA { <a> <b> <c> }", "{", "}", "(", ")", "\\u0000", "'''", '"', "<", ">", "#", "?",
             "SELECT", "WHERE", "GRAPH ?g", "VALUES ?x { 1 }", "BIND(1 AS ?x)", "*", "/", "^", "|", "%",
             "\x00", "\ud7ff", "\U0001f600", "\u202e", "BASE <@HTTP@>", "PREFIX : <@FILE@>", "SERVICE ?x"]


@pytest.fixture(scope="module")
def fuzzed(state_dir: Path, tmp_path_factory: pytest.TempPathFactory, canary: Canary) -> Iterator[Server]:
    server = start_hostile(state_dir, tmp_path_factory.mktemp("fuzz"), canary,
                           "--query-timeout", "2", "--client-rate", "0")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    with client("127.0.0.40") as running:
        yield running


@st.composite
def mutated_queries(draw: st.DrawFn) -> str:
    """A seed query with a few edits: fragments (attacks, brackets, odd characters) put in, pieces cut out."""
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        if draw(st.booleans()):
            text = text[:at] + " " + draw(st.sampled_from(FRAGMENTS)) + " " + text[at:]
        else:
            text = text[:at] + text[at + draw(st.integers(1, 12)):]
    return text


queries = st.one_of(mutated_queries(), st.text(max_size=300),
                    st.text(alphabet=string.printable + "{}()<>?$\"'#", max_size=300))
header_text = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f"),
                      max_size=400)
headers = st.fixed_dictionaries({}, optional={
    "Accept": st.one_of(header_text, st.sampled_from(["application/sparql-results+json", "text/csv;q=0.1, */*;q=0",
                                                       "text/html", "application/ld+json;q=abc"])),
    "Accept-Language": header_text,
    "Content-Type": st.one_of(header_text, st.just("application/sparql-query; charset=latin-1")),
    "Origin": header_text,
})


def fill(text: str, canary: Canary) -> str:
    return text.replace("@HTTP@", canary.http_iris[0]).replace("@FILE@", canary.file_iri)


def assert_designed(response: httpx.Response) -> None:
    assert response.status_code < 500 or response.status_code in DESIGNED_5XX, \
        f"{response.status_code}: {response.text[:300]}"


@FUZZ_SETTINGS
@given(query=queries, extra=headers, how=st.sampled_from(["get", "form", "direct"]))
def test_query_path_fuzz(fuzzed: Server, http: httpx.Client, canary: Canary, query: str, extra: dict,
                         how: str) -> None:
    query = fill(query, canary)
    extra = {name: value.strip(" \t").encode("latin-1") for name, value in extra.items()}
    if how == "get":
        extra.pop("Content-Type", None)
        response = http.get(fuzzed.sparql, params={"query": query}, headers=extra)
    elif how == "form":
        response = http.post(fuzzed.sparql, data={"query": query},
                             headers={**extra, "Content-Type": "application/x-www-form-urlencoded"})
    else:
        response = http.post(fuzzed.sparql, content=query.encode("utf-8", "surrogatepass"),
                             headers={"Content-Type": "application/sparql-query", **extra})
    assert_designed(response)
    canary.assert_untouched(response.content)


@FUZZ_SETTINGS
@given(raw=st.binary(max_size=400), content_type=st.sampled_from(
    ["application/sparql-query", "application/x-www-form-urlencoded", "application/sparql-update", "text/plain"]))
def test_raw_bodies_fuzz(fuzzed: Server, http: httpx.Client, canary: Canary, raw: bytes, content_type: str) -> None:
    response = http.post(fuzzed.sparql, content=raw, headers={"Content-Type": content_type})
    assert_designed(response)
    canary.assert_untouched(response.content)


@FUZZ_SETTINGS
@given(path=st.text(alphabet=string.ascii_letters + string.digits + "/.%-_~:;@!$&'()*+,=?#[]", max_size=120),
       prefix=st.sampled_from(["/id/", "/doc/", "/graph/", "/static/", "/dumps/", "/search?q=", "/", "/sparql?query="]))
def test_paths_fuzz(fuzzed: Server, http: httpx.Client, canary: Canary, path: str, prefix: str) -> None:
    try:
        response = http.get(fuzzed.url.rstrip("/") + prefix + path, headers={"Accept": "text/html"})
    except httpx.InvalidURL:
        return
    assert_designed(response)
    canary.assert_untouched(response.content)


def openapi_operations(server: Server) -> list[schemathesis.APIOperation]:
    """Every operation of the server's OpenAPI schema (schemathesis's pytest plugin does not run on
    this pytest, so its strategies are driven by hypothesis here)."""
    schema = schemathesis.openapi.from_url(server.url + "openapi.json")
    return [result.ok() for result in schema.get_all_operations()]


def test_openapi_schema_fuzz(fuzzed: Server, canary: Canary) -> None:
    """Schema-conforming requests to every operation (the routes declare no typed parameters, so
    schemathesis's negative mode has nothing to violate; the hypothesis tests above cover that)."""
    operations = openapi_operations(fuzzed)
    assert any(operation.path == "/sparql" for operation in operations)
    calls = 0
    for operation in operations:
        @settings(max_examples=20, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def check(case: schemathesis.Case) -> None:
            nonlocal calls
            response = case.call(base_url=fuzzed.url.rstrip("/"), timeout=30)
            calls += 1
            assert response.status_code < 500 or response.status_code in DESIGNED_5XX, \
                f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:300]}"
            canary.assert_untouched(response.content)

        check()
    assert calls >= len(operations)
