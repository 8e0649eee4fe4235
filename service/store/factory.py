"""Choosing the backend from the settings: the only place that knows which engines exist."""

from __future__ import annotations

from ..config import Settings
from . import Store
from .oxigraph import OxigraphStore
from .remote import RemoteStore

REMOTE_TIMEOUT_MARGIN = 5.0
"""Seconds the HTTP read timeout adds to the query timeout, so the worker's own limit fires first."""


def open_store(settings: Settings) -> Store:
    """The store the service reads from, opened in this process: remote when an endpoint is set."""
    if settings.endpoint:
        return RemoteStore.open(settings.endpoint, settings.base_iri, settings.query_timeout + REMOTE_TIMEOUT_MARGIN,
                                server_timeout=settings.query_timeout)
    return OxigraphStore.open(settings.store_dir)
