"""Choosing the backend from the settings: the only place that knows which engines exist."""

from __future__ import annotations

import sys
import time

from ..config import Settings
from . import Store
from .memory import resident_mb
from .oxigraph import OxigraphStore
from .remote import RemoteStore

REMOTE_TIMEOUT_MARGIN = 5.0
"""Seconds the HTTP read timeout adds to the query timeout, so the worker's own limit fires first."""


def open_store(settings: Settings) -> Store:
    """The store the service reads from, opened in this process: remote when an endpoint is set.

    An embedded store says on stderr how it was opened, how long that took and the memory this
    process then holds: start-up cost and memory per process are what ``--in-memory`` trades.
    """
    if settings.endpoint:
        return RemoteStore.open(settings.endpoint, settings.base_iri, settings.query_timeout + REMOTE_TIMEOUT_MARGIN,
                                server_timeout=settings.query_timeout)
    started = time.perf_counter()
    store = OxigraphStore.open(settings.store_dir, settings.in_memory)
    print(f"untoc-kg: store {'in memory' if settings.in_memory else 'on disk'} ({store.manifest.quads:,} quads) "
          f"in {time.perf_counter() - started:.1f} s, {resident_mb():,.0f} MiB resident", file=sys.stderr, flush=True)
    return store
