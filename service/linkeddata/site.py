"""The served dataset as the views see it, and the one way every view answers a request.

``represent`` does content negotiation (Accept, or a file extension), language choice, the ETag and
304, and the headers every answer carries (Link to the alternates, Vary, Cache-Control, CORS), so
each view only says which formats it offers and how to render one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from fastapi import Request, Response

from ..config import Settings
from ..namespaces import ONTOLOGY_PATH
from ..negotiation import negotiate, negotiate_language
from ..store import Store
from ..store.manifest import Manifest
from . import caching
from .describe import describe_graph, first_existing
from .formats import CONTEXT_PATH, jsonld_context
from .i18n import LANGUAGES
from .resources import HTML, OFFERED_MEDIA_TYPES, RDF_FORMATS, Format, format_for_media_type

Render = Callable[[Format, str], bytes]


class BadRequest(Exception):
    """A request parameter the views cannot use; answered with 400 and the message."""


class NoSuchPage(Exception):
    """A page number past the last page; answered with 404 and the message."""


@dataclass
class Site:
    """The store, its manifest and base, and what is computed once per store: the JSON-LD context,
    the representations already rendered, the IRIs request paths were found to name."""

    store: Store
    settings: Settings
    manifest: Manifest
    cache: dict[str, Any] = field(default_factory=dict)
    representations: caching.LRU[bytes] = field(default_factory=caching.representations)
    resolved: caching.LRU[str] = field(default_factory=lambda: caching.LRU(caching.RESOLUTION_CACHE_ENTRIES))

    @property
    def base(self) -> str:
        return self.manifest.base_iri

    @cached_property
    def context(self) -> dict[str, Any]:
        return jsonld_context(describe_graph(self.store, self.base, self.base + ONTOLOGY_PATH), self.base)

    @property
    def context_url(self) -> str:
        return self.base + CONTEXT_PATH

    def first_existing(self, iris: Sequence[str]) -> str | None:
        """The first of ``iris`` the store says anything about; remembered when found (the store
        never changes), so a thing asked for again costs no query. Misses are not kept: anyone
        can make up paths that name nothing."""
        key = tuple(iris)
        found = self.resolved.get(key)
        if found is None:
            found = first_existing(self.store, iris)
            if found is not None:
                self.resolved.put(key, found)
        return found


def site(request: Request) -> Site:
    """The Site of this app, made at the first request (the store is opened by the app's lifespan)."""
    state = request.app.state
    if getattr(state, "linkeddata_site", None) is None:
        settings: Settings = state.settings
        manifest = Manifest.read(settings.store_dir)
        if manifest is None:
            raise RuntimeError(f"{settings.store_dir} has no manifest")
        state.linkeddata_site = Site(state.store, settings, manifest)
    return state.linkeddata_site


def language(request: Request) -> str:
    """``?lang=`` when given (es or en), else the browser's preference from Accept-Language."""
    asked = request.query_params.get("lang")
    if asked is not None:
        if asked not in LANGUAGES:
            raise BadRequest(f"lang must be one of {', '.join(LANGUAGES)}, not {asked!r}")
        return asked
    return negotiate_language(request.headers.get("accept-language"), LANGUAGES)


def page_number(request: Request) -> int:
    raw = request.query_params.get("page", "1")
    if not raw.isdigit() or int(raw) < 1 or len(raw) > 9:
        raise BadRequest(f"page must be a positive whole number, not {raw!r}")
    return int(raw)


def choose_format(request: Request, offers: Sequence[Format]) -> Format | None:
    offered = [m for m in OFFERED_MEDIA_TYPES if format_for_media_type(m) in offers]
    chosen = negotiate(request.headers.get("accept"), offered)
    return format_for_media_type(chosen) if chosen else None


def alternates_link(path: str, offers: Sequence[Format]) -> str:
    """The Link header naming every format of a description by its extension URL."""
    return ", ".join(f'<{path}.{f.extension}>; rel="alternate"; type="{f.media_type}"' for f in offers)


def not_acceptable(offers: Sequence[Format]) -> Response:
    types = ", ".join(f.media_type for f in offers)
    return Response(f"406 Not Acceptable: this resource is available as {types}\n", status_code=406,
                    media_type="text/plain", headers={"Vary": caching.VARY, **caching.CORS_HEADERS})


def represent(request: Request, render: Render, *, path: str, offers: Sequence[Format] = (HTML, *RDF_FORMATS),
              fixed: Format | None = None) -> Response:
    """Answer with the representation of ``path`` the client asked for, or 304, or 406.

    ``path`` is the generic URL of the document (without extension); ``fixed`` is the format its
    extension named, in which case Accept is not consulted.
    """
    fmt = fixed or choose_format(request, offers)
    if fmt is None:
        return not_acceptable(offers)
    lang = language(request) if fmt == HTML else ""
    the_site = site(request)
    variant = caching.variant_key(request, fmt.media_type, lang)
    etag = caching.entity_tag(the_site.manifest, *variant)
    vary = "Accept-Language" if fixed else caching.VARY
    headers = {**caching.standard_headers(vary), **caching.validators(the_site.manifest, etag)}
    if len(offers) > 1:
        headers["Link"] = alternates_link(path, offers)
    if not fixed and len(offers) > 1:
        headers["Content-Location"] = f"{path}.{fmt.extension}"
    if lang:
        headers["Content-Language"] = lang
    if caching.is_fresh(request, the_site.manifest, etag):
        return caching.not_modified(headers)
    charset = "; charset=utf-8" if fmt.media_type.startswith("text/") or fmt.media_type.endswith("json") else ""
    key = (*caching.store_key(the_site.manifest), *variant)
    body = the_site.representations.get(key)
    if body is None:
        try:
            body = render(fmt, lang)
        except ValueError:  # rdflib cannot write every graph in every format: RDF/XML needs XML names for properties
            if fmt == HTML:
                raise
            return not_acceptable([offer for offer in offers if offer != fmt])
        the_site.representations.put(key, body)
    return Response(body, media_type=fmt.media_type + charset, headers=headers)
