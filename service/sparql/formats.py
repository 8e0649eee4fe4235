"""Result formats: which media types each query form can be written in, and choosing one.

SELECT and ASK answers are SPARQL results (JSON, XML, CSV, TSV); CONSTRUCT and DESCRIBE answers are
RDF graphs (Turtle, N-Triples, JSON-LD, RDF/XML, and the dataset formats TriG and N-Quads, whose
triples then sit in the default graph). The first format of each list is the default for a client
that sends no Accept header or ``*/*``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from ..negotiation import negotiate


@dataclass(frozen=True)
class ResultFormat:
    """One way of writing a result: its names, its media type and pyoxigraph's serializer for it."""

    name: str
    media_type: str
    aliases: tuple[str, ...]
    extension: str

    @property
    def content_type(self) -> str:
        """The Content-Type header: every format here is UTF-8 text."""
        return f"{self.media_type}; charset=utf-8"

    def engine_format(self) -> ox.QueryResultsFormat | ox.RdfFormat:
        return ENGINE_FORMATS[self.name]


SOLUTION_FORMATS = (
    ResultFormat("json", "application/sparql-results+json", ("application/json",), "srj"),
    ResultFormat("xml", "application/sparql-results+xml", ("application/xml", "text/xml"), "srx"),
    ResultFormat("csv", "text/csv", (), "csv"),
    ResultFormat("tsv", "text/tab-separated-values", (), "tsv"),
)
GRAPH_FORMATS = (
    ResultFormat("turtle", "text/turtle", ("ttl", "application/x-turtle", "n3", "text/n3"), "ttl"),
    ResultFormat("nt", "application/n-triples", ("ntriples", "n-triples"), "nt"),
    ResultFormat("jsonld", "application/ld+json", ("json-ld",), "jsonld"),
    ResultFormat("rdfxml", "application/rdf+xml", ("rdf", "xml"), "rdf"),
    ResultFormat("trig", "application/trig", (), "trig"),
    ResultFormat("nq", "application/n-quads", ("nquads", "n-quads"), "nq"),
)
ENGINE_FORMATS: dict[str, ox.QueryResultsFormat | ox.RdfFormat] = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "trig": ox.RdfFormat.TRIG,
    "nq": ox.RdfFormat.N_QUADS,
}
BY_NAME = {f.name: f for f in (*SOLUTION_FORMATS, *GRAPH_FORMATS)}


class NotAcceptable(Exception):
    """No format fits both the query form and the client's wishes (HTTP 406)."""


def formats_for(form: str | None) -> tuple[ResultFormat, ...]:
    """The formats a query form can be written in (an unknown form: SPARQL results, the parser will refuse it)."""
    return GRAPH_FORMATS if form in ("CONSTRUCT", "DESCRIBE") else SOLUTION_FORMATS


def choose(form: str | None, accept: str | None, requested: str | None) -> ResultFormat:
    """The format for a query form: the ``format=`` parameter if given, else negotiated from ``accept``."""
    candidates = formats_for(form)
    if requested:
        return _by_parameter(candidates, requested.strip().lower(), form)
    offered = {c.media_type: c for c in candidates}  # canonical types first: they win a wildcard
    for candidate in candidates:
        for alias in candidate.aliases:
            if "/" in alias:
                offered.setdefault(alias, candidate)
    chosen = negotiate(accept, list(offered))
    if chosen is None:
        raise NotAcceptable(f"none of the media types in Accept: {accept} can express a {form or 'query'} result; "
                            f"available: {', '.join(c.media_type for c in candidates)}")
    return offered[chosen]


def named_by(requested: str) -> set[str]:
    """The formats a ``format=`` value can mean (for any query form): "xml" is XML results or RDF/XML."""
    media_type = requested.split(";")[0].strip().lower()
    return {name for name, f in BY_NAME.items() if media_type in (f.name, f.media_type, *f.aliases)}


def _by_parameter(candidates: tuple[ResultFormat, ...], requested: str, form: str | None) -> ResultFormat:
    media_type = requested.split(";")[0].strip()
    for candidate in candidates:
        if media_type in (candidate.name, candidate.media_type, *candidate.aliases):
            return candidate
    raise NotAcceptable(f"format={requested} cannot express a {form or 'query'} result; use one of: "
                        + ", ".join(f"{c.name} ({c.media_type})" for c in candidates))
