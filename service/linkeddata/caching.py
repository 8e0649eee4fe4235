"""HTTP caching and cross-origin headers for every Linked Data response.

A store never changes once built, so a representation is fully determined by the store (its
manifest's ``inputs_key`` and ``built_at``), the code that renders it, and the variant asked for
(path, query, media type, language). The strong ETag is a digest of exactly those, so every worker
process gives the same ETag for the same bytes, and a conditional request is answered with 304
without rendering anything. Last-Modified is the store's build time.

For the same reason each worker process keeps the bodies it rendered (``representations``, a
least-recently-used cache bounded in bytes), keyed by the store and the variant exactly as the ETag
is, and which IRI each request path was found to name: a representation asked for again is sent
without querying the store or rendering. A new store means a new server (and the key names the
store anyway), so nothing in them can go stale.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from functools import cache
from pathlib import Path
from typing import Generic, TypeVar
from urllib.parse import urlencode

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
    """What distinguishes one representation from another at the same store and code.

    Parameters are put in order of name, but a repeated name keeps the order of its values: the
    views read the last one (``?page=1&page=2`` is page 2), so the two orders are two variants.
    Names and values are percent-encoded again, so ``?q=a%26q%3Db`` (one parameter) and
    ``?q=a&q=b`` (two) stay apart. The path is the decoded one the routes read (``request.url.path``
    writes ``?`` as ``%3F``, which ``%253F`` also decodes to).
    """
    items = sorted(request.query_params.multi_items(), key=lambda item: item[0])
    return request.scope["path"], urlencode(items), media_type, language


def store_key(manifest: Manifest) -> tuple[str, str]:
    """What names the store's data in a cache key (the same as in the ETag)."""
    return manifest.inputs_key, manifest.built_at


REPRESENTATION_CACHE_BYTES = 32 * 1024 * 1024
"""Bodies kept per HTTP worker process (a report's description is 5-20 kB in each format)."""
RESOLUTION_CACHE_ENTRIES = 4096
"""Request paths kept per HTTP worker process with the IRI they were found to name."""
LARGEST_CACHED_FRACTION = 8
"""An entry costing more than this fraction of a cache is not kept, so one cannot flush the rest."""
ENTRY_OVERHEAD = 256
"""Bytes counted per body beyond its own and its key's, so that many small bodies stay bounded too."""


def body_cost(key: tuple[str, ...], body: bytes) -> int:
    return len(body) + sum(len(part) for part in key) + ENTRY_OVERHEAD


V = TypeVar("V")


class LRU(Generic[V]):
    """Values by key, least recently used evicted first, at most ``capacity`` in all as ``cost`` counts.

    Handlers run in a thread pool, so every operation holds a lock. Two requests for the same
    missing key may both compute its value; the second ``put`` replaces the first's equal value.
    """

    def __init__(self, capacity: int, cost: Callable[[Hashable, V], int] = lambda key, value: 1) -> None:
        self.capacity = capacity
        self.largest = max(1, capacity // LARGEST_CACHED_FRACTION)
        self.cost = cost
        self.size = 0
        self.hits = 0
        self.misses = 0
        self._values: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._values)

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            value = self._values.get(key)
            if value is None:
                self.misses += 1
                return None
            self._values.move_to_end(key)
            self.hits += 1
            return value

    def put(self, key: Hashable, value: V) -> None:
        cost = self.cost(key, value)
        if cost > self.largest:
            return
        with self._lock:
            old = self._values.pop(key, None)
            if old is not None:
                self.size -= self.cost(key, old)
            self._values[key] = value
            self.size += cost
            while self.size > self.capacity:
                evicted_key, evicted = self._values.popitem(last=False)
                self.size -= self.cost(evicted_key, evicted)


def representations(capacity: int = REPRESENTATION_CACHE_BYTES) -> LRU[bytes]:
    """The cache of rendered bodies, keyed by ``store_key`` + ``variant_key``, bounded in bytes."""
    return LRU(capacity, body_cost)


def not_modified(headers: dict[str, str]) -> Response:
    return Response(status_code=304, headers=headers)


def standard_headers(vary: str = VARY) -> dict[str, str]:
    """Headers every cacheable answer carries (200, 303, 304)."""
    return {"Cache-Control": CACHE_CONTROL, "Vary": vary, **CORS_HEADERS}
