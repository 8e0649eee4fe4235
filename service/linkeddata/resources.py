"""The URL layout of the Linked Data views: which IRI a path names, which path describes an IRI.

Following "Cool URIs for the Semantic Web" (303 variant), a thing ``{base}id/X`` is not a document:
it answers 303 See Other with ``{base}doc/X``, the document that describes it. Named graphs
``{base}graph/X`` are described at ``{base}doc/graph/X`` (the IRI scheme has no ``id/graph/``, so the
two never collide). The ontology and the shapes use hash IRIs (``{base}ontology#Term``): a client
strips the fragment, so ``{base}ontology`` and ``{base}shapes`` answer with the whole document.
A description URL may end in a format's extension (``…/5.ttl``) to choose the format without Accept.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

import pyoxigraph as ox

from ..namespaces import ONTOLOGY_PATH, SHAPES_PATH, symbol_path

THING_PREFIX = "id/"
GRAPH_PREFIX = "graph/"
DOC_PREFIX = "doc/"
DOC_GRAPH_PREFIX = DOC_PREFIX + GRAPH_PREFIX
LOCATION_SAFE = "/.-_~!$&'()*+,;=:@"


@dataclass(frozen=True)
class Format:
    """One representation of a description: its extension, media type and rdflib serializer."""

    extension: str
    media_type: str
    rdflib_name: str | None

    @property
    def is_rdf(self) -> bool:
        return self.rdflib_name is not None


HTML = Format("html", "text/html", None)
TURTLE = Format("ttl", "text/turtle", "turtle")
JSONLD = Format("jsonld", "application/ld+json", "json-ld")
NTRIPLES = Format("nt", "application/n-triples", "nt")
RDFXML = Format("rdf", "application/rdf+xml", "xml")
RDF_FORMATS = (TURTLE, JSONLD, NTRIPLES, RDFXML)
FORMATS_BY_EXTENSION = {f.extension: f for f in (HTML, *RDF_FORMATS)}

# Media types a client may ask for, in the server's order of preference (Turtle for */*), with aliases.
_OFFERS = {
    "text/turtle": TURTLE,
    "text/html": HTML,
    "application/xhtml+xml": HTML,
    "application/ld+json": JSONLD,
    "application/json": JSONLD,
    "application/n-triples": NTRIPLES,
    "application/rdf+xml": RDFXML,
    "application/x-turtle": TURTLE,
}
OFFERED_MEDIA_TYPES = tuple(_OFFERS)


def format_for_media_type(media_type: str) -> Format:
    return _OFFERS[media_type]


def split_extension(path: str) -> tuple[str, Format | None]:
    """``path`` without a known format extension, and that format (None when there is none)."""
    stem, dot, extension = path.rpartition(".")
    if dot and "/" not in extension and extension in FORMATS_BY_EXTENSION:
        return stem, FORMATS_BY_EXTENSION[extension]
    return path, None


def candidate_iris(base: str, prefix: str, path: str) -> list[str]:
    """The IRIs a decoded request path may name: as written, and with unsafe characters escaped.

    The server decodes ``%2F`` before routing, so ``CTOC%2FCOP%2FWG.4`` arrives as ``CTOC/COP/WG.4``;
    IRIs that the build minted with escapes (``symbol_path``) are found by the second candidate.
    Anything that is not a valid IRI is dropped, so every candidate is safe to put in a query.
    """
    candidates = []
    for form in (path, symbol_path(path)):
        iri = base + prefix + form
        if iri not in candidates and is_valid_iri(iri):
            candidates.append(iri)
    return candidates


def is_valid_iri(iri: str) -> bool:
    try:
        ox.NamedNode(iri)
    except ValueError:
        return False
    return True


def description_path(base: str, iri: str) -> str | None:
    """The root-relative path of the document describing ``iri`` on this server, or None if not ours.

    Hash IRIs keep their fragment, so a link lands on the term inside the ontology's page.
    """
    if not iri.startswith(base):
        return None
    local = iri[len(base):]
    if local.startswith(THING_PREFIX):
        return "/" + quote(DOC_PREFIX + local[len(THING_PREFIX):], safe=LOCATION_SAFE + "%#")
    if local.startswith(GRAPH_PREFIX):
        return "/" + quote(DOC_GRAPH_PREFIX + local[len(GRAPH_PREFIX):], safe=LOCATION_SAFE + "%#")
    document, _, fragment = local.partition("#")
    if document in (ONTOLOGY_PATH, SHAPES_PATH):
        return "/" + local
    return None


LINKABLE_SCHEMES = ("http://", "https://")


def href(base: str, iri: str) -> str:
    """Where a page links for ``iri``: its description on this server, or the IRI itself when it is
    http(s); otherwise "" (shown as text), since a ``javascript:`` or ``data:`` IRI from the data
    must never become a link, and escaping cannot stop that."""
    local = description_path(base, iri)
    if local:
        return local
    return iri if iri.lower().startswith(LINKABLE_SCHEMES) else ""


def thing_iri_for_description(base: str, doc_path: str) -> tuple[str, str]:
    """For a path after ``doc/``: the prefix and rest of the thing it describes (``id/`` or ``graph/``)."""
    if doc_path.startswith(GRAPH_PREFIX):
        return GRAPH_PREFIX, doc_path[len(GRAPH_PREFIX):]
    return THING_PREFIX, doc_path


def location(path: str) -> str:
    """A decoded path made safe for a Location header (ASCII, reserved characters kept)."""
    return quote(path, safe=LOCATION_SAFE)


def unlabelled(iri: str) -> str:
    """What a link to an IRI without a label shows: the thing's path after ``id/``
    (``meeting/WG.4/2023-10-02``), else the IRI without its scheme (``undocs.org/CTOC/COP/WG.6/2024/5``),
    never a bare last segment such as "5"."""
    _, found, path = iri.partition("/id/")
    return path if found and path else iri.split("://", 1)[-1]


def local_name(iri: str) -> str:
    """The last readable part of an IRI, shown when a resource has no label."""
    for separator in ("#", "/"):
        head, sep, tail = iri.rstrip("/").rpartition(separator)
        if sep and tail:
            return tail
    return iri
