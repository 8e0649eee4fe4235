"""HTTP caching and cross-origin headers for every Linked Data response.

A store never changes once built, so a representation is fully determined by the store (its
manifest's ``inputs_key`` and ``built_at``), the code that renders it, and the variant asked for
(path, query, media type, language). The strong ETag is a digest of exactly those, so every worker
process gives the same ETag for the same bytes, and a conditional request is answered with 304
without rendering anything. Last-Modified is the store's build time.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from functools import cache
from pathlib import Path

from fastapi import Request, Response

from ..html import STATIC_DIR, TEMPLATES_DIR
from ..store.manifest import Manifest

CACHE_CONTROL = "public, max-age=300"
VARY = "Accept, Accept-Language"
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag, Last-Modified, Link, Content-Location, Vary",
}
PREFLIGHT_HEADERS = {
    **CORS_HEADERS,
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Accept-Language, If-None-Match, If-Modified-Since",
    "Access-Control-Max-Age": "86400",
}


@cache
def code_fingerprint() -> str:
    """A digest of the code and templates that render representations: new code, new ETags."""
    digest = hashlib.sha256()
    for folder in (Path(__file__).parent, TEMPLATES_DIR, STATIC_DIR):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix in (".py", ".html", ".css", ".svg", ".js"):
                digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def entity_tag(manifest: Manifest, *variant: str) -> str:
    """The strong ETag of one representation of the store's data."""
    digest = hashlib.sha256("\0".join((manifest.inputs_key, manifest.built_at, code_fingerprint(), *variant)).encode())
    return f'"{digest.hexdigest()[:32]}"'


def last_modified(manifest: Manifest) -> datetime:
    return datetime.fromisoformat(manifest.built_at).replace(microsecond=0)


def validators(manifest: Manifest, etag: str) -> dict[str, str]:
    return {"ETag": etag, "Last-Modified": format_datetime(last_modified(manifest), usegmt=True)}


def is_fresh(request: Request, manifest: Manifest, etag: str) -> bool:
    """Whether the client's cached copy is current (RFC 9110 §13.1.2-3: If-None-Match wins)."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or etag in tags
    if_modified_since = request.headers.get("if-modified-since")
    if if_modified_since:
        try:
            since = parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return False
        if since.tzinfo is None:
            return False
        return last_modified(manifest) <= since
    return False


def variant_key(request: Request, media_type: str, language: str = "") -> tuple[str, ...]:
    """What distinguishes one representation from another at the same store and code."""
    query = "&".join(sorted(f"{k}={v}" for k, v in request.query_params.multi_items()))
    return request.url.path, query, media_type, language


def not_modified(headers: dict[str, str]) -> Response:
    return Response(status_code=304, headers=headers)


def standard_headers(vary: str = VARY) -> dict[str, str]:
    """Headers every cacheable answer carries (200, 303, 304)."""
    return {"Cache-Control": CACHE_CONTROL, "Vary": vary, **CORS_HEADERS}
