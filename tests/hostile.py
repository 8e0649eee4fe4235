"""What the hostile tests share: the data they serve, a server on a known port, and HTTP helpers.

The data file holds XSS payloads in IRIs and literals, links to the canary (so that a page that
followed ``owl:imports`` or ``rdfs:seeAlso`` would be caught) and a chain of filler triples big
enough to make cartesian products and property paths run far past a short time limit.
"""

from __future__ import annotations

import http.client
import json
import statistics
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import httpx

from canary import Canary
from conftest import Server, free_port, start_server

FILLER = 400
CHEAP_QUERY = "ASK { ?s ?p ?o }"
XSS_LABEL = "<script>alert('xss-label')</script>"
XSS_ATTRIBUTE = "\"><img src=x onerror=alert('xss-attr')>"
XSS_TEXTAREA = "</textarea><script>alert('xss-textarea')</script>"
XSS_JSON = "</script><script>alert('xss-json')</script>"
XSS_LOCAL = "x'onmouseover='alert(1)'"
SLOW_FACTOR, SLOW_MARGIN = 10.0, 1.0


def hostile_data(path: Path, base: str, canary: Canary) -> Path:
    """Turtle for ``base``: XSS payloads, canary links and the filler chain; returns ``path``."""
    def lit(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    ont, xss = f"<{base}ontology#", f"<{base}id/xss>"
    lines = [
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .",
        f"{xss} rdfs:label {lit(XSS_LABEL)}@en , {lit(XSS_LABEL)}@es ;",
        f"  rdfs:comment {lit(XSS_ATTRIBUTE)} , {lit(XSS_TEXTAREA)} , {lit(XSS_JSON)} ;",
        f"  {ont}title> {lit(XSS_LABEL)}@en ;",
        "  rdfs:seeAlso <javascript:alert('xss-href')> , <data:text/html,<script>alert(1)</script>> ;"
        .replace("<script>alert(1)</script>", "%3Cscript%3Ealert(1)%3C/script%3E"),
        f"  {ont}note> {lit('x')}^^<javascript:alert('xss-datatype')> ;",
        f"  <javascript:alert('xss-predicate')> {lit('a value under a hostile property')} ;",
        f"  owl:imports <{canary.http_iris[0]}> ;",
        f"  rdfs:seeAlso <{canary.file_iri}> , <{canary.http_iris[-1]}> ;",
        f"  {ont}related> <{base}id/{XSS_LOCAL}> .",
        f"<{base}id/{XSS_LOCAL}> rdfs:label {lit(XSS_ATTRIBUTE)} ; {ont}related> {xss} .",
    ]
    for index in range(FILLER):
        node = f"<{base}id/n/{index}>"
        lines.append(f"{node} {ont}next> <{base}id/n/{index + 1}> ; rdfs:label \"node {index} aaaaaaaaaaaaaaaaaaaa\" .")
    path.write_text("\n".join(lines) + "\n")
    return path


def start_hostile(state_dir: Path, directory: Path, canary: Canary, *args: str) -> Server:
    """A server on a port chosen first, so that its data can use its base IRI."""
    port = free_port()
    data = hostile_data(directory / f"hostile-{port}.ttl", f"http://127.0.0.1:{port}/", canary)
    return start_server(state_dir, "--no-project-data", "--data", str(data), *args, port=port)


def client(source: str = "127.0.0.1", timeout: float = 30.0) -> httpx.Client:
    """An HTTP client bound to a loopback source address: each address has its own budget."""
    return httpx.Client(transport=httpx.HTTPTransport(local_address=source), timeout=timeout)


def cheap_seconds(server: Server, http: httpx.Client) -> float:
    started = time.perf_counter()
    response = http.get(server.sparql, params={"query": CHEAP_QUERY})
    assert response.status_code == 200, response.text
    return time.perf_counter() - started


@dataclass
class Baseline:
    """The idle latency of the cheap query, measured on the same server before any attack."""

    p50: float

    @classmethod
    def measure(cls, server: Server, http: httpx.Client, rounds: int = 20) -> "Baseline":
        cheap_seconds(server, http)
        return cls(statistics.median(cheap_seconds(server, http) for _ in range(rounds)))

    @property
    def bound(self) -> float:
        return SLOW_FACTOR * self.p50 + SLOW_MARGIN

    def assert_still_fast(self, server: Server, http: httpx.Client) -> float:
        seconds = cheap_seconds(server, http)
        assert seconds <= self.bound, f"a cheap query took {seconds:.3f} s after the attack (idle p50 {self.p50:.4f} s)"
        return seconds


@dataclass
class RawResponse:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        return next((value for key, value in self.headers if key.lower() == name.lower()), None)


def raw_request(server: Server, method: str, target: str, headers: dict[str, str] | None = None,
                body: bytes | None = None) -> RawResponse:
    """A request sent exactly as written: no client-side normalisation of ``..`` or encodings."""
    host, port = server.url.removeprefix("http://").rstrip("/").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        connection.putrequest(method, target, skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        if body is not None:
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        return RawResponse(response.status, response.getheaders(), response.read())
    finally:
        connection.close()


class ScriptFinder(HTMLParser):
    """Everything in a page that would run script: inline scripts, on* handlers, javascript: links."""

    URL_ATTRIBUTES = ("href", "src", "action", "formaction", "data", "xlink:href", "poster")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.open_script: str | None = None
        self.script_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            value = (value or "").strip().lower()
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
            if name in self.URL_ATTRIBUTES and value.replace("\t", "").replace("\n", "").startswith(("javascript:", "data:text/html", "vbscript:")):
                self.problems.append(f"<{tag} {name}={value!r}>")
        if tag == "script":
            kind = dict(attrs).get("type") or "text/javascript"
            src = dict(attrs).get("src")
            self.open_script = kind
            self.script_text = []
            if src is not None and not src.startswith("/static/"):
                self.problems.append(f"<script src={src!r}>")
        if tag in ("iframe", "object", "embed", "base"):
            self.problems.append(f"<{tag}>")

    def handle_data(self, data: str) -> None:
        if self.open_script is not None:
            self.script_text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self.open_script is not None:
            text = "".join(self.script_text)
            if self.open_script.endswith("json"):
                try:
                    json.loads(text)
                except ValueError:
                    self.problems.append(f"embedded {self.open_script} broken open: {text[-80:]!r}")
            elif "alert(" in text:
                self.problems.append(f"script ({self.open_script}) holds a payload: {text[:80]!r}")
            self.open_script = None


def script_problems(page: str) -> list[str]:
    finder = ScriptFinder()
    finder.feed(page)
    finder.close()
    return finder.problems
