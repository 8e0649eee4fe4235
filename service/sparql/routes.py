"""The /sparql routes: protocol in, guard, a worker runs the query, the answer streams out.

GET without a query answers with the service description (or, for a browser, the query page).
Every answer allows any origin (CORS), so that query editors on other sites can use the endpoint.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import Response, StreamingResponse

from ..limits import QUERY_RUNS, charged_client
from ..negotiation import negotiate
from . import description, guard
from .formats import NotAcceptable
from .page import render_page
from .protocol import Operation, ProtocolError, read_operation
from .workers import QueryFailed, WorkerPool

ALLOWED_METHODS = "GET, POST, HEAD, OPTIONS"
CORS_HEADERS = {"Access-Control-Allow-Origin": "*"}
PAGE_TYPE = "text/html"
DESCRIPTION_TYPES = [*description.DESCRIPTION_FORMATS, PAGE_TYPE]
DESCRIPTION_NAMES = {"ttl": "text/turtle", "turtle": "text/turtle", "jsonld": "application/ld+json",
                     "json-ld": "application/ld+json", "rdfxml": "application/rdf+xml", "html": PAGE_TYPE}


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Start the warm query workers with the app, stop them with it."""
    pool = WorkerPool(app.state.settings)
    await pool.start()
    app.state.query_pool = pool
    try:
        yield
    finally:
        await pool.close()


BUSY_RETRY_SECONDS = 5
"""What a 503 (every query worker busy) asks the client to wait before trying again."""

router = APIRouter(lifespan=lifespan)


@router.api_route("/sparql", methods=["GET", "POST", "HEAD", "OPTIONS", "PUT", "DELETE", "PATCH"])
@router.api_route("/sparql/", methods=["GET", "POST", "HEAD", "OPTIONS", "PUT", "DELETE", "PATCH"],
                  include_in_schema=False)
async def sparql(request: Request) -> Response:
    """One entry for every method, so that the wrong ones get the protocol's message, not a bare 405."""
    if request.method == "OPTIONS":
        return _preflight(request)
    if request.method not in ("GET", "POST", "HEAD"):
        return _error(request, 405, f"{request.method} is not a SPARQL query method: use GET or POST",
                      {"Allow": ALLOWED_METHODS})
    try:
        operation = await read_operation(request)
        if operation.query is None:
            return _without_query(request, operation)
        return await _answer(request, operation)
    except (ProtocolError, guard.GuardError, QueryFailed) as failure:
        busy = {"Retry-After": str(BUSY_RETRY_SECONDS)} if failure.status == 503 else None
        return _error(request, failure.status, failure.message, busy)
    except NotAcceptable as failure:
        return _error(request, 406, str(failure))


async def _answer(request: Request, operation: Operation) -> Response:
    settings = request.app.state.settings
    job = guard.plan(operation.query or "", operation.dataset, settings.base_iri, settings.service_allowlist,
                     request.headers.get("accept"), operation.format)
    answer = await request.app.state.query_pool.answer(job, charged_client(request.scope), request.scope.get(QUERY_RUNS))
    headers = _headers(answer.result_format.content_type)
    if answer.rest is None:
        return Response(answer.first, headers=headers)
    return StreamingResponse(_body(answer.first, answer.rest), headers=headers)


async def _body(first: bytes, rest: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    yield first
    async for chunk in rest:
        yield chunk


def _headers(content_type: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    return {"Content-Type": content_type, "Vary": "Accept", **CORS_HEADERS, **(extra or {})}


def _without_query(request: Request, operation: Operation) -> Response:
    if request.method == "POST":
        raise ProtocolError(400, "the request carries no query: send a query parameter or an "
                                 "application/sparql-query body")
    chosen = _description_type(request.headers.get("accept"), operation.format)
    if chosen == PAGE_TYPE:
        return Response(render_page(request), headers=_headers("text/html; charset=utf-8"))
    settings = request.app.state.settings
    triples = description.description(
        str(request.url.replace(query="", fragment="")), settings.base_iri,
        request.app.state.store.graph_sizes(), settings.query_timeout, bool(settings.service_allowlist))
    return Response(description.serialize(triples, chosen), headers=_headers(f"{chosen}; charset=utf-8"))


def _description_type(accept: str | None, requested: str | None) -> str:
    if requested:
        wanted = DESCRIPTION_NAMES.get(requested.strip().lower(), requested.split(";")[0].strip().lower())
        if wanted not in DESCRIPTION_TYPES:
            raise NotAcceptable(f"format={requested} is not available for the service description; use one of: "
                                + ", ".join(sorted(DESCRIPTION_NAMES)))
        return wanted
    chosen = negotiate(accept, DESCRIPTION_TYPES)
    if chosen is None:
        raise NotAcceptable(f"the service description is available as {', '.join(DESCRIPTION_TYPES)}, "
                            f"none of which Accept: {accept} allows")
    return chosen


def _preflight(request: Request) -> Response:
    headers = {
        **CORS_HEADERS,
        "Access-Control-Allow-Methods": ALLOWED_METHODS,
        "Access-Control-Allow-Headers": request.headers.get("access-control-request-headers", "Accept, Content-Type"),
        "Access-Control-Max-Age": "86400",
        "Allow": ALLOWED_METHODS,
    }
    return Response(status_code=204, headers=headers)


def _error(request: Request, status: int, message: str, extra: dict[str, str] | None = None) -> Response:
    """A 4xx/5xx with the message as plain text, or as JSON for a client that prefers JSON."""
    if negotiate(request.headers.get("accept"), ["text/plain", "application/json"]) == "application/json":
        body, content_type = json.dumps({"status": status, "message": message}), "application/json"
    else:
        body, content_type = message + "\n", "text/plain; charset=utf-8"
    return Response(body, status_code=status, headers=_headers(content_type, extra))
