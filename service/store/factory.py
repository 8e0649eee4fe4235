"""Choosing the backend from the settings: the only place that knows which engines exist."""

from __future__ import annotations

from ..config import Settings
from . import Store
from .oxigraph import OxigraphStore


def open_store(settings: Settings) -> Store:
    """The store the service reads from, opened in this process."""
    return OxigraphStore.open(settings.store_dir)
