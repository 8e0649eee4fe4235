"""The W3C SPARQL 1.1 Protocol tests, read from their manifest and sent over HTTP to `untoc-kg serve`.

Each test's requests are rebuilt from the manifest (method, path, headers, body in its declared
character encoding) and its response is checked for the expected status class, result format and
boolean. The tests of SPARQL Update that expect success do not apply to this read-only endpoint.
"""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import rdflib
from rdflib import RDF, Namespace
from rdflib.collection import Collection

from conftest import W3C_DIR, require_shared

MANIFEST = W3C_DIR / "protocol" / "manifest.ttl"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = "http://www.w3.org/2011/http-statusCodes#StatusCode"
TABULAR = {"application/sparql-results+xml", "application/sparql-results+json", "text/csv", "text/tab-separated-values"}
RDF_TYPES = {"application/rdf+xml": "xml", "text/turtle": "turtle", "application/n-triples": "nt"}
SRX = "{http://www.w3.org/2005/sparql-results#}"


@dataclass(frozen=True)
class HttpRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: frozenset[str]
    format: str | None
    boolean: bool | None


@dataclass(frozen=True)
class ProtocolTest:
    name: str
    title: str
    requests: tuple[HttpRequest, ...]
    graphs: tuple[tuple[str, Path], ...]

    @property
    def is_positive_update(self) -> bool:
        """An update that must succeed: not applicable to a read-only endpoint."""
        first = self.requests[0]
        sends_update = (first.headers.get("content-type", "").startswith("application/sparql-update")
                        or (first.body or b"").startswith(b"update="))
        return sends_update and "2xx" in first.statuses


def _list(graph: rdflib.Graph, node) -> list:
    return list(Collection(graph, node))


def _request(graph: rdflib.Graph, node) -> HttpRequest:
    body = None
    body_node = graph.value(node, HT.body)
    if body_node is not None:
        encoding = str(graph.value(body_node, CNT.characterEncoding) or "UTF-8")
        body = str(graph.value(body_node, CNT.chars)).encode(encoding)
    headers = {}
    headers_node = graph.value(node, HT.headers)
    if headers_node is not None:
        for header in _list(graph, headers_node):
            headers[str(graph.value(header, HT.fieldName)).lower()] = str(graph.value(header, HT.fieldValue))
    response = graph.value(node, HT.resp)
    statuses = frozenset(str(s).removeprefix(HTS) for s in graph.objects(response, MF.expectedStatus))
    expected_format = graph.value(response, MF.expectedFormat)
    expected_boolean = graph.value(response, MF.expectedBoolean)
    return HttpRequest(
        str(graph.value(node, HT.methodName)), str(graph.value(node, HT.absolutePath)), headers, body, statuses,
        None if expected_format is None else str(expected_format),
        None if expected_boolean is None else expected_boolean.toPython(),
    )


def load_tests() -> list[ProtocolTest]:
    graph = rdflib.Graph().parse(MANIFEST, format="turtle")
    manifest = next(graph.subjects(RDF.type, MF.Manifest))
    tests = []
    for test in _list(graph, graph.value(manifest, MF.entries)):
        action = graph.value(test, MF.action)
        requests = tuple(_request(graph, r) for r in _list(graph, graph.value(action, HT.requests)))
        graphs = tuple(sorted(
            (str(graph.value(data, rdflib.RDFS.label)), MANIFEST.parent / Path(str(graph.value(data, UT.graph))).name)
            for data in graph.objects(test, UT.graphData)
        ))
        tests.append(ProtocolTest(str(test).rpartition("#")[2], str(graph.value(test, MF.name)), requests, graphs))
    return tests


TESTS = load_tests() if MANIFEST.is_file() else []


@pytest.fixture(scope="module")
def protocol_server(serve):
    """One server holding every graph the manifest's tests load, under the names they give them."""
    graphs = sorted({pair for test in TESTS for pair in test.graphs})
    arguments = [argument for name, path in graphs for argument in ("--graph", f"{name}={path}")]
    return serve("--no-project-data", *arguments)


def _status_class(status: int) -> str:
    return f"{status // 100}xx"


def _boolean(response: httpx.Response) -> bool:
    media_type = response.headers["content-type"].split(";")[0]
    if media_type == "application/sparql-results+json":
        return json.loads(response.content)["boolean"]
    assert media_type == "application/sparql-results+xml", media_type
    return ET.fromstring(response.content).find(f"{SRX}boolean").text == "true"


def _check(request: HttpRequest, response: httpx.Response) -> None:
    assert _status_class(response.status_code) in request.statuses, response.text
    media_type = response.headers.get("content-type", "").split(";")[0]
    if request.format == "boolean":
        assert media_type in ("application/sparql-results+json", "application/sparql-results+xml")
    elif request.format == "tabular":
        assert media_type in TABULAR
    elif request.format == "RDF":
        assert media_type in RDF_TYPES
        rdflib.Graph().parse(io.BytesIO(response.content), format=RDF_TYPES[media_type])
    if request.boolean is not None:
        assert _boolean(response) is request.boolean
    if _status_class(response.status_code) == "4xx":
        assert response.text.strip(), "a refusal must say why"


@pytest.mark.parametrize("test", TESTS, ids=[t.name for t in TESTS])
def test_protocol(test: ProtocolTest, protocol_server) -> None:
    if test.is_positive_update:
        pytest.skip(f"not applicable: {test.title!r} needs SPARQL Update, and this endpoint is read-only")
    with httpx.Client(timeout=30) as client:
        for request in test.requests:
            url = protocol_server.url.rstrip("/") + "/sparql" + request.path.removeprefix("/sparql/")
            response = client.request(request.method, url, headers=request.headers, content=request.body)
            _check(request, response)


def test_manifest_has_the_applicable_tests() -> None:
    require_shared(MANIFEST)
    assert len([t for t in TESTS if not t.is_positive_update]) == 27
