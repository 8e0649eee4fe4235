"""The SPARQL 1.1 Protocol's request side: an HTTP request to one query and its dataset.

Three ways to send a query (GET, form POST with URL and body parameters merged, direct POST of
``application/sparql-query``); anything else is a 4xx with a message saying what to send instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl

import pyoxigraph as ox
from starlette.requests import Request

from ..store import Dataset
from .formats import named_by

FORM_TYPE = "application/x-www-form-urlencoded"
QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"
MAX_BODY_BYTES = 1024 * 1024


class ProtocolError(Exception):
    """The request breaks the protocol; ``status`` is the HTTP status that says how."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Operation:
    """What a request asks: a query (None: no query, i.e. the service description or the page)."""

    query: str | None
    dataset: Dataset
    format: str | None


def _parameters(raw: bytes, where: str) -> list[tuple[str, str]]:
    try:
        return parse_qsl(raw.decode("utf-8"), keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise ProtocolError(400, f"the {where} is not UTF-8: percent-encode the query as UTF-8") from None


def _media_type(request: Request) -> tuple[str, dict[str, str]]:
    header = request.headers.get("content-type", "")
    main, *params = header.split(";")
    parsed = {}
    for param in params:
        name, _, value = param.partition("=")
        parsed[name.strip().lower()] = value.strip().strip('"').lower()
    return main.strip().lower(), parsed


async def _body(request: Request) -> bytes:
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise ProtocolError(413, f"the request body is larger than {MAX_BODY_BYTES // 1024} KiB")
    return bytes(body)


async def read_operation(request: Request) -> Operation:
    """The operation of a GET or POST request; raises ProtocolError for anything the protocol forbids."""
    parameters = _parameters(request.scope.get("query_string", b""), "query string")
    direct_query = None
    if request.method == "POST":
        media_type, params = _media_type(request)
        body = await _body(request)
        if media_type == FORM_TYPE:
            parameters += _parameters(body, "request body")
        elif media_type == QUERY_TYPE:
            direct_query = _decode_direct(body, params.get("charset"))
        elif media_type == UPDATE_TYPE:
            raise ProtocolError(403, "this endpoint is read-only: SPARQL Update is not accepted")
        else:
            shown = media_type or "no Content-Type"
            raise ProtocolError(415, f"{shown} is not a SPARQL request: POST a query as {QUERY_TYPE} "
                                     f"or as a {FORM_TYPE} form with a query parameter")
    return _operation(parameters, direct_query)


def _decode_direct(body: bytes, charset: str | None) -> str:
    if charset not in (None, "utf-8", "utf8"):
        raise ProtocolError(415, f"a {QUERY_TYPE} body must be UTF-8, not {charset}")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise ProtocolError(400, f"the {QUERY_TYPE} body is not valid UTF-8") from None


def _operation(parameters: list[tuple[str, str]], direct_query: str | None) -> Operation:
    values: dict[str, list[str]] = {}
    for name, value in parameters:
        values.setdefault(name, []).append(value)
    if "update" in values:
        raise ProtocolError(403, "this endpoint is read-only: SPARQL Update is not accepted")
    queries = values.get("query", []) + ([direct_query] if direct_query is not None else [])
    if len(queries) > 1:
        raise ProtocolError(400, "the request carries more than one query; send exactly one")
    formats = values.get("format", [])
    if formats and not set.intersection(*(named_by(f) or {f} for f in formats)):
        raise ProtocolError(400, f"the format parameters name different formats ({', '.join(formats)}); send one")
    dataset = Dataset(tuple(values.get("default-graph-uri", [])), tuple(values.get("named-graph-uri", [])))
    for iri in (*dataset.default_graphs, *dataset.named_graphs):
        try:
            ox.NamedNode(iri)
        except ValueError:
            raise ProtocolError(400, f"default-graph-uri and named-graph-uri take absolute IRIs, not {iri!r}") from None
    return Operation(queries[0] if queries else None, dataset, formats[0] if formats else None)
