"""The hostile corpus (issue 6): every attack aimed at the canary, each with its exact status.

Each case is sent exactly as written (no client-side normalisation), then the test checks the
status, that the canary saw no connection and that no answer holds its secret, and that a cheap
query still answers at its idle speed. The server runs with a 2 s query time limit, so that the
CPU bombs end quickly.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

import httpx
import pytest

from canary import Canary, process_tree, remote_addresses, tree_cpu_seconds
from conftest import Server
from hostile import (XSS_LOCAL, Baseline, RawResponse, client, raw_request, script_problems,
                     start_hostile)

TIMEOUT = 2
PAGE = {"Accept": "text/html"}
RDFS = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
SECRET_FILES = ("root:x:0:0", "SETTINGS_VARIABLE", "[build-system]")


@dataclass(frozen=True)
class Case:
    """One attack. ``@HTTP4@``, ``@HTTP6@``, ``@FILE@``, ``@DIR4@`` and ``@BASE@`` are filled in per run."""

    id: str
    status: int
    query: str | None = None
    target: str | None = None
    method: str = "GET"
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    check: Callable[[RawResponse], None] | None = None
    may_reset: bool = False  # past uvicorn's hard cap the connection may be dropped instead


def sparql_get(query: str, **extra: str) -> str:
    return "/sparql?" + urlencode({"query": query, **extra})


def post(id: str, status: int, body: bytes, content_type: str, **kwargs) -> Case:
    return Case(id, status, target="/sparql", method="POST", body=body,
                headers={"Content-Type": content_type, **kwargs.pop("headers", {})}, **kwargs)


def no_script(response: RawResponse) -> None:
    assert script_problems(response.body.decode("utf-8", "replace")) == []


def not_html_or_clean(response: RawResponse) -> None:
    if "html" in (response.header("content-type") or ""):
        no_script(response)


def no_injected_header(response: RawResponse) -> None:
    assert response.header("set-cookie") is None
    assert response.header("x-injected") is None
    location = response.header("location") or ""
    assert "\r" not in location and "\n" not in location
    assert_on_site(location)


def assert_on_site(location: str) -> None:
    """A redirect stays on this server: a path, or an absolute IRI on loopback."""
    if location:
        assert location.startswith("/") and not location.startswith(("//", "/\\")) or \
            location.startswith("http://127.0.0.1:"), f"off-site redirect: {location!r}"


def no_secret_file(response: RawResponse) -> None:
    text = response.body.decode("utf-8", "replace")
    assert not any(marker in text for marker in SECRET_FILES)


def limit_named(name: str) -> Callable[[RawResponse], None]:
    def check(response: RawResponse) -> None:
        assert name in response.body.decode("utf-8", "replace")
        assert (response.header("x-limit") or "").startswith(name + "=")
    return check


SERVICE_ALL = "SELECT * WHERE { SERVICE <@HTTP4@> { ?s ?p ?o } }"

SSRF = [
    Case("service-loopback-v4", 400, SERVICE_ALL),
    Case("service-loopback-v6", 400, "SELECT * WHERE { SERVICE <@HTTP6@> { ?s ?p ?o } }"),
    Case("service-silent", 400, "SELECT * WHERE { SERVICE SILENT <@HTTP4@> { ?s ?p ?o } }"),
    Case("service-file", 400, "SELECT * WHERE { SERVICE <@FILE@> { ?s ?p ?o } }"),
    Case("service-variable", 400, "SELECT * WHERE { VALUES ?e { <@HTTP4@> } SERVICE ?e { ?s ?p ?o } }"),
    Case("service-prefixed-name", 400, "PREFIX c: <@DIR4@> SELECT * WHERE { SERVICE c:canary { ?s ?p ?o } }"),
    Case("service-unicode-escape", 400, "SELECT * WHERE { SERVICE <\\u0068ttp://@HOSTPORT4@/canary> { ?s ?p ?o } }"),
    Case("service-relative-to-base", 400, "BASE <@DIR4@> SELECT * WHERE { SERVICE <canary> { ?s ?p ?o } }"),
    Case("service-in-subquery", 400, "SELECT * WHERE { { SELECT * WHERE { OPTIONAL { SERVICE <@HTTP4@> { ?s ?p ?o } } } } }"),
    Case("service-comment-split", 400, "select * {\n sErViCe #x\n <@HTTP4@> { ?s ?p ?o } }"),
    Case("service-in-exists", 400, "ASK { FILTER EXISTS { SERVICE <@FILE@> { ?s ?p ?o } } }"),
    post("service-post-direct", 400, SERVICE_ALL.encode(), "application/sparql-query"),
    post("service-post-form", 400, urlencode({"query": SERVICE_ALL}).encode(), "application/x-www-form-urlencoded"),
]

FROM = [
    Case("from-http", 200, "SELECT * FROM <@HTTP4@> WHERE { ?s ?p ?o }"),
    Case("from-http-v6", 200, "SELECT * FROM <@HTTP6@> WHERE { ?s ?p ?o }"),
    Case("from-file", 200, "SELECT * FROM <@FILE@> WHERE { ?s ?p ?o }"),
    Case("from-named-file", 200, "SELECT * FROM NAMED <@FILE@> WHERE { GRAPH ?g { ?s ?p ?o } }"),
    Case("dataset-parameters", 200, target="/sparql?" + urlencode(
        {"query": "SELECT * WHERE { ?s ?p ?o }", "default-graph-uri": "@HTTP4@", "named-graph-uri": "@FILE@"})),
    Case("owl-imports-in-construct", 200, "CONSTRUCT { <urn:x> <http://www.w3.org/2002/07/owl#imports> <@HTTP4@> } WHERE {}",
         headers={"Accept": "application/rdf+xml"}),
    Case("jsonld-output-with-iris", 200, "CONSTRUCT { <urn:x> <http://www.w3.org/ns/json-ld#context> <@HTTP4@> } WHERE {}",
         headers={"Accept": "application/ld+json"}),
    Case("jsonld-description-with-imports", 200, target="/doc/xss", headers={"Accept": "application/ld+json"}),
    Case("rdfxml-description-with-imports", 406, target="/doc/xss", headers={"Accept": "application/rdf+xml"}),
    Case("void-description", 200, target="/.well-known/void", headers={"Accept": "text/turtle"}),
    post("xml-entity-body", 415, b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "@FILE@">]><r>&x;</r>',
         "application/rdf+xml"),
    post("jsonld-remote-context-body", 415, b'{"@context": "@HTTP4@", "@id": "urn:x"}', "application/ld+json"),
]

UPDATES = [Case(f"update-{name}", 403, text) for name, text in [
    ("load-http", "LOAD <@HTTP4@>"),
    ("load-file", "LOAD SILENT <@FILE@> INTO GRAPH <urn:g>"),
    ("insert-data", "INSERT DATA { <urn:a> <urn:b> <urn:c> }"),
    ("delete-data", "DELETE DATA { <urn:a> <urn:b> <urn:c> }"),
    ("delete-insert-where", "DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }"),
    ("delete-where", "DELETE WHERE { ?s ?p ?o }"),
    ("clear", "CLEAR ALL"),
    ("drop", "DROP GRAPH <urn:g>"),
    ("create", "CREATE GRAPH <urn:g>"),
    ("add", "ADD DEFAULT TO <urn:g>"),
    ("move", "MOVE <urn:g> TO DEFAULT"),
    ("copy", "COPY DEFAULT TO <urn:g>"),
    ("with", "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }"),
    ("after-prologue", "# SELECT * {}\nPREFIX x: <urn:x#>\nBASE <urn:b>\ninsert data { x:a x:b x:c }"),
]] + [
    Case("update-get-parameter", 403, target="/sparql?" + urlencode({"update": "CLEAR ALL"})),
    post("update-form", 403, urlencode({"update": "DROP ALL"}).encode(), "application/x-www-form-urlencoded"),
    post("update-body", 403, b"CLEAR ALL", "application/sparql-update"),
]

NEXT = "<@BASE@ontology#next>"
BOMBS = [
    Case("cartesian-product", 504, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"),
    Case("property-path-closure", 504,
         f"SELECT (COUNT(*) AS ?n) WHERE {{ ?a ({NEXT}|^{NEXT})* ?b . ?c ({NEXT}|^{NEXT})* ?d }}"),
    Case("property-path-nested-stars", 504,
         f"SELECT (COUNT(*) AS ?n) WHERE {{ ?a (({NEXT}*)*/(^{NEXT}*)*)* ?b . ?c ?p ?d }}"),
    Case("regex-over-cartesian", 504, RDFS + "SELECT (COUNT(*) AS ?n) WHERE { ?a rdfs:label ?x . ?b rdfs:label ?y . "
         "?c rdfs:label ?z FILTER regex(concat(?x, ?y, ?z), '^(a+)+$') }"),
    Case("regex-huge-pattern", 200, RDFS + "SELECT * WHERE { ?a rdfs:label ?x FILTER regex(?x, '((a{1000}){1000}){1000}') }"),
]

SIZES = [
    post("ten-mb-post-direct", 413, b"SELECT * WHERE { ?s ?p ?o } #" + b"x" * 10_000_000, "application/sparql-query",
         check=limit_named("max_body_bytes")),
    post("ten-mb-post-form", 413, b"query=" + b"x" * 10_000_000, "application/x-www-form-urlencoded",
         check=limit_named("max_body_bytes")),
    post("query-over-length-limit", 413, b"ASK {} #" + b"x" * 70_000, "application/sparql-query",
         check=limit_named("max_query_length")),
    Case("hundred-kb-get", 431, target=sparql_get("ASK {} #" + "x" * 100_000), check=limit_named("max_header_bytes")),
    Case("one-mb-get", 400, target=sparql_get("ASK {} #" + "x" * 1_000_000), may_reset=True),
    post("deep-nested-groups", 400, b"SELECT * WHERE " + b"{" * 30_000 + b"}" * 30_000, "application/sparql-query"),
    post("deep-nested-parentheses", 400, b"ASK { FILTER(" + b"(" * 30_000 + b"1" + b")" * 30_000 + b") }",
         "application/sparql-query"),
    post("deep-nested-optionals", 400, b"ASK { " + b"OPTIONAL { " * 5_000 + b"}" * 5_000 + b" }",
         "application/sparql-query"),
]

ENCODINGS = [
    Case("non-utf8-get", 400, target="/sparql?query=SELECT%20*%20%FF%FE"),
    post("non-utf8-post-direct", 400, b"SELECT * WHERE { ?s ?p \xff\xfe }", "application/sparql-query"),
    post("non-utf8-post-form", 400, b"query=ASK%20%7B%7D%FF", "application/x-www-form-urlencoded"),
    post("latin1-charset", 415, "ASK { FILTER('é') }".encode("latin-1"), "application/sparql-query; charset=latin-1"),
    Case("broken-percent-encoding", 400, target="/sparql?query=SELECT%ZZ%2"),
    Case("null-byte", 400, target="/sparql?query=ASK%20%7B%7D%00"),
    Case("overlong-utf8", 400, target="/sparql?query=ASK%20%7B%7D%C0%AE"),
]

HEADERS = [
    Case("accept-long-but-allowed", 200, "ASK {}",
         headers={"Accept": "application/sparql-results+json, " + "a/b;q=0.1, " * 2_000}),
    Case("accept-over-header-limit", 431, "ASK {}", headers={"Accept": "a/b;q=0.1, " * 4_000},
         check=limit_named("max_header_bytes")),
    Case("accept-malformed", 406, "ASK {}", headers={"Accept": ";;;,,=q/,/;q=x,*/html"}),
    Case("accept-bad-q-values", 200, "ASK {}",
         headers={"Accept": "application/sparql-results+json;q=NaN, text/csv;q=1e309, */*;q=-1, text/tab-separated-values"}),
    Case("accept-language-huge", 200, target="/sparql", headers={**PAGE, "Accept-Language": "x-" * 10_000}),
    Case("accept-language-malformed", 200, target="/sparql",
         headers={**PAGE, "Accept-Language": ";q=;;,*-*-*;q=2,\u00e9".encode("utf-8").decode("latin-1")}),
    Case("many-headers", 431, "ASK {}", headers={f"X-H{i}": "v" * 20 for i in range(1_500)},
         check=limit_named("max_header_bytes")),
]

OUTPUT = [
    Case("xss-literal-page", 200, target="/doc/xss", headers=PAGE, check=no_script),
    Case("xss-literal-page-es", 200, target="/doc/xss?lang=es", headers={**PAGE, "Accept-Language": "es"}, check=no_script),
    Case("xss-iri-page", 200, target="/doc/" + quote(XSS_LOCAL, safe=""), headers=PAGE, check=no_script),
    Case("xss-in-parameters", 400, target="/doc/xss?lang=%3Cscript%3Ealert(1)%3C/script%3E&x=%22%3E%3Cscript%3Ealert(2)%3C/script%3E",
         headers=PAGE, check=no_script),
    Case("xss-in-search", 200, target="/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert(2)%3E",
         headers=PAGE, check=no_script),
    Case("xss-in-missing-doc", 404, target="/doc/%22%3E%3Cscript%3Ealert(1)%3C/script%3E", headers=PAGE, check=no_script),
    Case("thing-redirect", 303, target="/id/xss", headers=PAGE, check=no_injected_header),
    Case("xss-in-missing-path", 404, target="/id/%3Cscript%3Ealert(1)%3C/script%3E", headers=PAGE, check=no_script),
    Case("xss-in-query-error", 400, "<script>alert(1)</script>", headers=PAGE, check=not_html_or_clean),
    Case("xss-query-page", 200, target="/sparql?x=%3Cscript%3Ealert(1)%3C/script%3E", headers=PAGE, check=no_script),
    Case("crlf-in-path", 404, target="/id/xss%0D%0ASet-Cookie:%20pwned=1%0D%0AX-Injected:%201", headers=PAGE,
         check=no_injected_header),
    Case("crlf-in-parameter", 303, target="/id/xss?x=%0D%0ASet-Cookie:%20pwned=1", headers=PAGE, check=no_injected_header),
    Case("redirect-double-slash", 404, target="//evil.example/id/xss", headers=PAGE, check=no_injected_header),
    Case("redirect-encoded-slashes", 404, target="/id/%2F%2Fevil.example%2F", headers=PAGE, check=no_injected_header),
    Case("redirect-backslash", 404, target="/id/%5C%5Cevil.example", headers=PAGE, check=no_injected_header),
]

TRAVERSAL = [Case(f"traversal-{name}", 404, target=target, check=no_secret_file) for name, target in [
    ("static-dotdot", "/static/../../../../../../etc/passwd"),
    ("static-dotdot-project", "/static/../../pyproject.toml"),
    ("static-encoded-dots", "/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd"),
    ("static-encoded-slash", "/static/..%2f..%2f..%2f..%2f..%2fetc%2fpasswd"),
    ("static-double-encoded", "/static/%252e%252e%252f%252e%252e%252fetc%252fpasswd"),
    ("static-backslash", "/static/..%5c..%5cconfig.py"),
    ("static-overlong-utf8", "/static/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd"),
    ("static-null", "/static/style.css%00.js"),
    ("static-absolute", "/static//etc/passwd"),
    ("dumps-dotdot", "/dumps/../../../../etc/passwd"),
    ("dumps-encoded", "/dumps/%2e%2e%2f%2e%2e%2f%2e%2e%2fpyproject.toml"),
    ("dumps-double-encoded", "/dumps/%252e%252e%252fpyproject.toml"),
]]

CORPUS = SSRF + FROM + UPDATES + BOMBS + SIZES + ENCODINGS + HEADERS + OUTPUT + TRAVERSAL


@pytest.fixture(scope="module")
def hostile(state_dir: Path, tmp_path_factory: pytest.TempPathFactory, canary: Canary) -> Iterator[Server]:
    """The server under attack: a short time limit, and no per-client budget (tested on its own)."""
    server = start_hostile(state_dir, tmp_path_factory.mktemp("hostile"), canary,
                           "--query-timeout", str(TIMEOUT), "--client-rate", "0")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    with client() as running:
        yield running


@pytest.fixture(scope="module")
def baseline(hostile: Server, http: httpx.Client) -> Baseline:
    return Baseline.measure(hostile, http)


def fill(text: str, canary: Canary, server: Server) -> str:
    http4 = canary.http_iris[0]
    values = {
        "@HTTP4@": http4, "@HTTP6@": canary.http_iris[-1], "@FILE@": canary.file_iri,
        "@DIR4@": http4.removesuffix("canary"), "@HOSTPORT4@": http4.split("/")[2], "@BASE@": server.url,
    }
    for key, value in values.items():
        text = text.replace(key, value).replace(quote(key, safe=""), quote(value, safe=""))
    return text


def send(case: Case, canary: Canary, server: Server) -> RawResponse:
    target = case.target if case.target is not None else sparql_get(case.query or "")
    body = case.body
    if body is not None and b"@" in body[:200]:
        body = fill(body.decode("latin-1"), canary, server).encode("latin-1")
    return raw_request(server, case.method, fill(target, canary, server), case.headers, body)


@pytest.mark.parametrize("case", CORPUS, ids=lambda case: case.id)
def test_hostile_case(case: Case, canary: Canary, hostile: Server, http: httpx.Client, baseline: Baseline) -> None:
    try:
        response = send(case, canary, hostile)
    except ConnectionError:
        if not case.may_reset:
            raise
        response = RawResponse(case.status, [], b"")
    assert response.status == case.status, response.body[:500]
    canary.assert_untouched(response.body, json.dumps(response.headers))
    if case.check is not None:
        case.check(response)
    baseline.assert_still_fast(hostile, http)
    assert hostile.process.poll() is None, "the server died"


def test_corpus_is_large_enough() -> None:
    assert len(CORPUS) >= 30
    assert len({case.id for case in CORPUS}) == len(CORPUS)


def test_link_local_service_refused_before_any_connect(canary: Canary, hostile: Server) -> None:
    """169.254.169.254 is never contacted: the same query aimed at the canary first must be refused
    without a connection, then every connect() of the server's processes is traced (when strace
    is installed) while the link-local query is refused."""
    twin = raw_request(hostile, "GET", sparql_get(fill(SERVICE_ALL, canary, hostile)))
    assert twin.status == 400 and canary.connections() == [], "the guard let SERVICE through: not sending link-local"
    query = "SELECT * WHERE { SERVICE <http://169.254.169.254/latest/meta-data/> { ?s ?p ?o } }"
    with connect_trace(hostile) as trace:
        response = raw_request(hostile, "GET", sparql_get(query))
    assert response.status == 400
    assert "169.254" not in trace.read_text() if trace else True
    assert not any(address.startswith("169.254.") for address in remote_addresses(hostile.process.pid))


class connect_trace:
    """strace of every connect() in the server's process tree; yields the log (None without strace)."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Path | None:
        strace = shutil.which("strace")
        if strace is None:
            return None
        self.log = self.server.log.with_suffix(".strace")
        pids = [arg for pid in process_tree(self.server.process.pid) for arg in ("-p", str(pid))]
        self.process = subprocess.Popen([strace, "-f", "-qq", "-e", "trace=connect", "-o", str(self.log), *pids],
                                        stderr=subprocess.DEVNULL)
        time.sleep(1.0)  # strace attaches asynchronously
        return self.log

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            time.sleep(0.5)
            self.process.terminate()
            self.process.wait(timeout=10)


def test_a_second_slow_query_is_stopped_and_quick_ones_go_on(hostile: Server, baseline: Baseline) -> None:
    """With one slow query running (the default max_slow_queries), a second is stopped once it
    turns slow (503 naming the limit, its worker killed), and cheap queries keep their speed
    while the first still runs."""
    import threading

    results: dict[str, httpx.Response] = {}

    def bomb(name: str, source: str) -> None:
        with client(source) as http:
            results[name] = http.get(hostile.sparql, params={"query": BOMBS[0].query})

    first = threading.Thread(target=bomb, args=("first", "127.0.0.51"))
    first.start()
    time.sleep(0.3)
    bomb("second", "127.0.0.52")  # returns when stopped, about 1 s later
    wait_for_workers(hostile, 2)  # the stopped query's worker was killed: its replacement starts
    with client("127.0.0.53") as http:
        quick = [baseline.assert_still_fast(hostile, http) for _ in range(5)]
    first.join(timeout=30)
    assert results["first"].status_code == 504
    assert results["second"].status_code == 503 and "max_slow_queries = 1" in results["second"].text
    assert results["second"].headers["retry-after"] == "1" and max(quick) <= baseline.bound


def wait_for_workers(server: Server, count: int, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while len(process_tree(server.process.pid)) < 1 + count and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.5)  # a started worker still opens the store


def test_timeout_frees_the_cpu(hostile: Server, http: httpx.Client, baseline: Baseline) -> None:
    """After a bomb's time limit, the worker is killed: the tree's CPU time stops growing."""
    started = time.perf_counter()
    response = http.get(hostile.sparql, params={"query": BOMBS[0].query})
    elapsed = time.perf_counter() - started
    assert response.status_code == 504 and TIMEOUT <= elapsed <= TIMEOUT + 5
    time.sleep(2.0)  # the replacement worker starts
    before = tree_cpu_seconds(hostile.process.pid)
    time.sleep(3.0)
    grown = tree_cpu_seconds(hostile.process.pid) - before
    assert grown < 0.5, f"the server used {grown:.2f} s of CPU in 3 idle seconds after the time limit"
    baseline.assert_still_fast(hostile, http)


MEMORY_BOMB = ('SELECT (STRLEN(?s34) AS ?n) WHERE { BIND("aaaaaaaaaaaaaaaa" AS ?s0) '
               + " ".join(f"BIND(CONCAT(?s{i}, ?s{i}) AS ?s{i + 1})" for i in range(34)) + " }")
TIGHT_MEMORY_MB = 256


@pytest.fixture(scope="module")
def tight(state_dir: Path, tmp_path_factory: pytest.TempPathFactory, canary: Canary) -> Iterator[Server]:
    """A server with every limit small enough to hit in a test; each test uses its own source address."""
    server = start_hostile(state_dir, tmp_path_factory.mktemp("tight"), canary,
                           "--query-timeout", "3", "--query-workers", "2", "--max-concurrent", "3",
                           "--client-rate", "2", "--client-burst", "4", "--max-result-bytes", "20000",
                           "--max-query-length", "2000", "--worker-memory-mb", str(TIGHT_MEMORY_MB),
                           "--max-slow-queries", "5")
    yield server
    server.stop()


def test_client_budget_answers_429_then_recovers(tight: Server) -> None:
    with client("127.0.0.11") as greedy, client("127.0.0.12") as other:
        statuses = [greedy.get(tight.sparql, params={"query": "ASK {}"}) for _ in range(8)]
        refused = [r for r in statuses if r.status_code == 429]
        assert [r.status_code for r in statuses[:4]] == [200] * 4 and refused
        retry = int(refused[0].headers["retry-after"])
        assert 1 <= retry <= 5 and refused[0].headers["x-limit"] == "client_rate=2"
        assert "client_rate = 2" in refused[0].text
        assert other.get(tight.sparql, params={"query": "ASK {}"}).status_code == 200
        time.sleep(retry + 0.5)
        assert greedy.get(tight.sparql, params={"query": "ASK {}"}).status_code == 200


def test_saturation_answers_503_with_retry_after(tight: Server) -> None:
    import threading

    results: list[int] = []

    def bomb(source: str) -> None:
        with client(source) as http:
            results.append(http.get(tight.sparql, params={"query": BOMBS[0].query.replace("@BASE@", tight.url)}).status_code)

    threads = [threading.Thread(target=bomb, args=(f"127.0.0.{21 + i}",)) for i in range(3)]
    for thread in threads:
        thread.start()
    time.sleep(1.0)
    with client("127.0.0.24") as http:
        response = http.get(tight.sparql, params={"query": "ASK {}"})
    for thread in threads:
        thread.join(timeout=30)
    assert response.status_code == 503 and response.headers["retry-after"] == "1"
    assert response.headers["x-limit"] == "max_concurrent=3" and "max_concurrent = 3" in response.text
    assert sorted(results) in ([503, 504, 504], [504, 504, 504])


def test_result_over_limit_is_cut_with_the_limit_named(tight: Server) -> None:
    received = bytearray()
    with client("127.0.0.31") as http:
        with pytest.raises(httpx.RemoteProtocolError):
            with http.stream("GET", tight.sparql, params={"query": "SELECT * WHERE { ?s ?p ?o }"}) as response:
                assert response.status_code == 200
                for chunk in response.iter_raw():
                    received += chunk
        assert len(received) <= 20000 + 200
        assert received.rstrip().endswith(b"max_result_bytes = 20000 bytes")
        assert http.get(tight.sparql, params={"query": "ASK {}"}).status_code == 200


def test_long_query_in_url_answers_414(tight: Server) -> None:
    with client("127.0.0.32") as http:
        response = http.get(tight.sparql, params={"query": "ASK {} #" + "x" * 2500})
    assert response.status_code == 414 and "max_query_length = 2000 characters" in response.text


def test_worker_memory_limit_stops_a_memory_bomb(tight: Server) -> None:
    """A query that doubles a string 34 times dies at the worker's cap, named, and the server lives."""
    with client("127.0.0.33") as http:
        response = http.get(tight.sparql, params={"query": MEMORY_BOMB})
        assert response.status_code == 422, response.text
        assert f"worker_memory_mb = {TIGHT_MEMORY_MB}" in response.text
        time.sleep(2.0)
        assert http.get(tight.sparql, params={"query": "ASK {}"}).status_code == 200
