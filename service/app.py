"""The FastAPI application: wires the rooms (SPARQL endpoint, Linked Data views) to one store."""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from . import __version__
from .config import Settings
from .html import STATIC_DIR
from .limits import Limits, LimitsMiddleware
from .linkeddata.routes import router as linkeddata_router
from .sparql.routes import router as sparql_router
from .store.factory import open_store


def create_app(settings: Settings | None = None) -> FastAPI:
    """The app for ``settings`` (by default those that ``untoc-kg serve`` put in the environment)."""
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.settings = settings
        app.state.store = open_store(settings)
        try:
            yield
        finally:
            app.state.store.close()

    app = FastAPI(title="untoc-kg", version=__version__, lifespan=lifespan)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(sparql_router)
    app.include_router(linkeddata_router)
    app.add_middleware(LimitsMiddleware, limits=Limits.from_settings(settings))
    return app
