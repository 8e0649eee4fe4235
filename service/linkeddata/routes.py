"""The Linked Data routes: dereferencing (303 from things to descriptions), pages, VoID, dumps.

Only the dataset's own path spaces are routed here (``/id/``, ``/doc/``, ``/graph/``, ``/ontology``,
``/shapes``, the index pages, ``/search``, ``/dumps``, ``/.well-known/void``, ``/context.jsonld``
and ``/``), so ``/sparql``, ``/static``, ``/docs`` and ``/openapi.json`` are never shadowed.
Handlers are plain functions: FastAPI runs them in its thread pool while the store works.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from urllib.parse import unquote

from fastapi import APIRouter, Request, Response
from fastapi.responses import FileResponse

from ..namespaces import ONTOLOGY_PATH, SHAPES_PATH
from ..negotiation import negotiate
from . import caching, catalog, pages, vocabulary, void
from .describe import describe, describe_graph, renamed_meeting
from .dumps import DUMP_FORMATS, dumps_dir, ensure_dumps
from .formats import CONTEXT_PATH, serialize
from .i18n import MESSAGES
from .resources import (DOC_PREFIX, FORMATS_BY_EXTENSION, GRAPH_PREFIX, HTML, JSONLD, NTRIPLES, RDFXML, THING_PREFIX,
                        TURTLE, candidate_iris, location, split_extension, thing_iri_for_description)
from .site import BadRequest, NoSuchPage, Site, language, page_number, represent, site

router = APIRouter()
GET_HEAD = ["GET", "HEAD"]
SORTS = ("date", "-date", "label")
VOID_OFFERS = (TURTLE, HTML, JSONLD, NTRIPLES, RDFXML)


def _wants_html(request: Request) -> bool:
    """Whether an error is for a person (a browser asks for HTML by name) or a program (one line of text)."""
    return negotiate(request.headers.get("accept"), ["text/plain", "text/html"]) == "text/html"


def _message(request: Request, status: int, title_key: str, message: str) -> Response:
    """An error answer a person can read: a page for browsers, one line of text for other clients."""
    headers = caching.CORS_HEADERS
    if _wants_html(request):
        lang = request.query_params.get("lang") if request.query_params.get("lang") in MESSAGES else "en"
        body = pages.message_page(site(request), lang, MESSAGES[lang][title_key], message, request.url.path)
        return Response(body, status_code=status, media_type="text/html", headers=headers)
    return Response(f"{status} {message}\n", status_code=status, media_type="text/plain", headers=headers)


def guarded(handler: Callable[..., Response]) -> Callable[..., Response]:
    """Answer bad parameters with 400 and pages past the end with 404, each with its reason."""

    @wraps(handler)
    def wrapper(request: Request, *args: object, **kwargs: object) -> Response:
        try:
            return handler(request, *args, **kwargs)
        except BadRequest as error:
            return _message(request, 400, "bad_request", str(error))
        except NoSuchPage as error:
            return _message(request, 404, "not_found", str(error))

    return wrapper


def _query(request: Request) -> dict[str, str]:
    return dict(request.query_params)


def _not_found(request: Request, address: str, guess: str) -> Response:
    """404 for an address in the dataset's space that names nothing, with a search for what was meant."""
    headers = {**caching.CORS_HEADERS, "Cache-Control": "no-cache"}
    if _wants_html(request):
        the_site = site(request)
        body = pages.not_found_page(the_site, address, guess, language(request), request.url.path)
        return Response(body, status_code=404, media_type="text/html", headers=headers)
    return Response(f"404 nothing in this dataset is named {address}; try /search?q=\n", status_code=404,
                    media_type="text/plain", headers=headers)


def _guess(rest: str) -> str:
    """Search text for a path that names nothing: a symbol-like tail without its kind."""
    parts = [p for p in rest.split("/") if p]
    if parts and parts[0] in ("document", "group", "meeting", "decision", "resolution", "place", "instrument", "session"):
        parts = parts[1:]
    return "/".join(parts)[: catalog.MAX_QUERY_LENGTH]


def _moved(request: Request, the_site: Site, prefix: str, path: str, space: str, extension: str = "") -> Response | None:
    """301 from an IRI of the first scheme (a meeting by its ordinal) to the same thing's address now,
    in the same path space (``id/`` or ``doc/``) and format."""
    renamed = renamed_meeting(the_site.store, the_site.base, path) if prefix == THING_PREFIX else None
    if renamed is None:
        return None
    target = "/" + location(space + renamed[len(the_site.base + THING_PREFIX):] + extension)
    if request.url.query:
        target += "?" + request.url.query
    headers = {"Location": target, **caching.standard_headers()}
    return Response(f"301 Moved Permanently: now {target}\n", status_code=301, media_type="text/plain", headers=headers)


def _see_other(request: Request, the_site: Site, prefix: str, path: str, doc_prefix: str) -> Response:
    """303 from a thing to the document describing it (or 404 when the dataset names no such thing)."""
    iri = the_site.first_existing(candidate_iris(the_site.base, prefix, path))
    if iri is None:
        return _moved(request, the_site, prefix, path, prefix) or _not_found(request, the_site.base + prefix + path, _guess(path))
    target = "/" + location(doc_prefix + unquote(iri[len(the_site.base + prefix):]))
    if request.url.query:
        target += "?" + request.url.query
    headers = {"Location": target, **caching.standard_headers()}
    return Response(f"303 See Other: described at {target}\n", status_code=303, media_type="text/plain", headers=headers)


@router.api_route("/id/{path:path}", methods=GET_HEAD)
@guarded
def thing(request: Request, path: str) -> Response:
    return _see_other(request, site(request), THING_PREFIX, path, DOC_PREFIX)


@router.api_route("/graph/{path:path}", methods=GET_HEAD)
@guarded
def named_graph(request: Request, path: str) -> Response:
    return _see_other(request, site(request), GRAPH_PREFIX, path, DOC_PREFIX + GRAPH_PREFIX)


@router.api_route("/doc/{path:path}", methods=GET_HEAD)
@guarded
def description(request: Request, path: str) -> Response:
    """The description of a thing or graph, in the format of the extension or of Accept."""
    the_site = site(request)
    stem, fixed = split_extension(path)
    prefix, rest = thing_iri_for_description(the_site.base, stem)
    iri = the_site.first_existing(candidate_iris(the_site.base, prefix, rest))
    if iri is None:
        extension = path[len(stem):]
        return _moved(request, the_site, prefix, rest, DOC_PREFIX, extension) or _not_found(
            request, the_site.base + prefix + rest, _guess(rest))
    doc_path = "/" + location(DOC_PREFIX + stem)
    page = page_number(request)

    def render(fmt, lang: str) -> bytes:
        described = describe(the_site.store, the_site.base, iri, the_site.base + doc_path[1:])
        if fmt == HTML:
            return pages.resource_page(the_site, described, lang, page, doc_path, _query(request)).encode()
        return serialize(described.graph, fmt, the_site.context, the_site.context_url)

    return represent(request, render, path=doc_path, fixed=fixed)


def _vocabulary(request: Request, name: str, extension: str | None) -> Response:
    """The ontology or the shapes: the whole graph as RDF, or as documentation for people."""
    the_site = site(request)
    fixed = FORMATS_BY_EXTENSION.get(extension) if extension else None
    graph = the_site.cache.get(name)
    if graph is None:
        graph = the_site.cache[name] = describe_graph(the_site.store, the_site.base, the_site.base + name)
    if (extension and fixed is None) or len(graph) == 0:
        return _not_found(request, the_site.base + name + (f".{extension}" if extension else ""), name)
    page = vocabulary.ontology_page if name == ONTOLOGY_PATH else vocabulary.shapes_page

    def render(fmt, lang: str) -> bytes:
        if fmt == HTML:
            return page(the_site, graph, lang, "/" + name, _query(request)).encode()
        return serialize(graph, fmt, the_site.context, the_site.context_url)

    return represent(request, render, path="/" + name, fixed=fixed)


@router.api_route("/ontology", methods=GET_HEAD)
@guarded
def ontology(request: Request) -> Response:
    return _vocabulary(request, ONTOLOGY_PATH, None)


@router.api_route("/ontology.{extension}", methods=GET_HEAD)
@guarded
def ontology_file(request: Request, extension: str) -> Response:
    return _vocabulary(request, ONTOLOGY_PATH, extension)


@router.api_route("/shapes", methods=GET_HEAD)
@guarded
def shapes(request: Request) -> Response:
    return _vocabulary(request, SHAPES_PATH, None)


@router.api_route("/shapes.{extension}", methods=GET_HEAD)
@guarded
def shapes_file(request: Request, extension: str) -> Response:
    return _vocabulary(request, SHAPES_PATH, extension)


@router.api_route("/" + CONTEXT_PATH, methods=GET_HEAD)
@guarded
def context(request: Request) -> Response:
    """The JSON-LD context every JSON-LD description refers to, generated from the ontology."""
    the_site = site(request)
    body = json.dumps({"@context": the_site.context}, indent=2, ensure_ascii=False).encode()
    return represent(request, lambda fmt, lang: body, path="/" + CONTEXT_PATH, offers=(JSONLD,), fixed=JSONLD)


def _void_facts(the_site: Site) -> void.Facts:
    found = the_site.cache.get("void")
    if found is None:
        found = the_site.cache["void"] = void.facts(the_site.store, the_site.base, the_site.store.graph_sizes(),
                                                    the_site.manifest.triples)
    return found


def _void(request: Request, extension: str | None) -> Response:
    the_site = site(request)
    fixed = FORMATS_BY_EXTENSION.get(extension) if extension else None
    if extension and fixed not in VOID_OFFERS:
        return _not_found(request, the_site.base + void.VOID_PATH + f".{extension}", "")
    path = "/" + void.VOID_PATH

    def render(fmt, lang: str) -> bytes:
        found = _void_facts(the_site)
        dumps = ensure_dumps(the_site.store, the_site.settings.store_dir, the_site.base)
        if fmt == HTML:
            return pages.void_page(the_site, found, dumps, lang, path, _query(request)).encode()
        return serialize(void.void_graph(the_site.base, found, dumps), fmt, the_site.context, the_site.context_url)

    return represent(request, render, path=path, offers=VOID_OFFERS, fixed=fixed)


@router.api_route("/" + void.VOID_PATH, methods=GET_HEAD)
@guarded
def void_description(request: Request) -> Response:
    return _void(request, None)


@router.api_route("/" + void.VOID_PATH + ".{extension}", methods=GET_HEAD)
@guarded
def void_file(request: Request, extension: str) -> Response:
    return _void(request, extension)


@router.api_route("/dumps", methods=GET_HEAD)
@router.api_route("/dumps/", methods=GET_HEAD)
@guarded
def dumps_page(request: Request) -> Response:
    the_site = site(request)

    def render(fmt, lang: str) -> bytes:
        dumps = ensure_dumps(the_site.store, the_site.settings.store_dir, the_site.base)
        return pages.dumps_page(the_site, dumps, lang, "/dumps", _query(request)).encode()

    return represent(request, render, path="/dumps", offers=(HTML,))


@router.api_route("/dumps/{name}", methods=GET_HEAD)
@guarded
def dump_file(request: Request, name: str) -> Response:
    """One dump file, gzip-compressed as stored; its ETag is its SHA-256."""
    the_site = site(request)
    if name not in {fmt.name for fmt in DUMP_FORMATS}:
        return _not_found(request, the_site.base + "dumps/" + name, "")
    dump = next(d for d in ensure_dumps(the_site.store, the_site.settings.store_dir, the_site.base) if d.name == name)
    etag = f'"{dump.sha256[:32]}"'
    headers = {**caching.standard_headers("Accept-Encoding"), **caching.validators(the_site.manifest, etag)}
    if caching.is_fresh(request, the_site.manifest, etag):
        return caching.not_modified(headers)
    return FileResponse(dumps_dir(the_site.settings.store_dir) / name, media_type="application/gzip",
                        filename=name, headers=headers)


@router.api_route("/search", methods=GET_HEAD)
@guarded
def search(request: Request) -> Response:
    text = request.query_params.get("q", "").strip()
    if len(text) > catalog.MAX_QUERY_LENGTH:
        raise BadRequest(f"q is limited to {catalog.MAX_QUERY_LENGTH} characters")
    the_site = site(request)
    return represent(request, lambda fmt, lang: pages.search_page(the_site, text, lang, "/search", _query(request)).encode(),
                     path="/search", offers=(HTML,))


def _index(slug: str) -> Callable[[Request], Response]:
    kind = catalog.KINDS[slug]

    @guarded
    def index(request: Request) -> Response:
        sort = request.query_params.get("sort", "date")
        if sort not in SORTS:
            raise BadRequest(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
        page = page_number(request)
        the_site = site(request)
        return represent(request, lambda fmt, lang: pages.index_page(the_site, kind, lang, sort, page, "/" + slug,
                                                                   _query(request)).encode(),
                         path="/" + slug, offers=(HTML,))

    index.__name__ = f"index_{slug}"
    return index


for _slug in catalog.KINDS:
    router.add_api_route("/" + _slug, _index(_slug), methods=GET_HEAD)


@router.api_route("/", methods=GET_HEAD)
@guarded
def home(request: Request) -> Response:
    the_site = site(request)
    return represent(request, lambda fmt, lang: pages.home_page(the_site, lang, "/", _query(request)).encode(),
                     path="/", offers=(HTML,))


def preflight() -> Response:
    """CORS preflight: every Linked Data resource may be read from any origin."""
    return Response(status_code=204, headers=caching.PREFLIGHT_HEADERS)


for _path in ("/id/{path:path}", "/doc/{path:path}", "/graph/{path:path}", "/ontology", "/shapes",
              "/" + CONTEXT_PATH, "/" + void.VOID_PATH, "/dumps/{name}"):
    router.add_api_route(_path, preflight, methods=["OPTIONS"])
