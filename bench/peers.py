"""The peers the endpoint is measured against, each a real server process on loopback.

``python -m bench.peers floor ENGINE_DIR BASE PORT {disk,memory}`` serves untoc-kg's built store with
bare pyoxigraph behind one minimal FastAPI route (the floor: what any endpoint on this engine costs at
least), either opened read-only on disk or copied whole into an in-memory ``pyoxigraph.Store()``: the
in-memory floor is the limit, since Oxigraph's memory store answers small queries faster than its
on-disk one. ``python -m bench.peers rdflib FILE PORT`` serves the same N-Quads with rdflib-endpoint.
"""

from __future__ import annotations

import json
import sys
import time

import pyoxigraph as ox
import uvicorn
from fastapi import FastAPI, Query
from fastapi.responses import Response

from untoc_kg.store.oxigraph import copied_into_memory

FORMATS = {
    "json": (ox.QueryResultsFormat.JSON, "application/sparql-results+json"),
    "nt": (ox.RdfFormat.N_TRIPLES, "application/n-triples"),
}
LOADED = "LOADED "
"""Prefix of the line the in-memory floor prints once its copy is made (bench/run.py reads it from the log)."""


def floor_store(store_dir: str, where: str) -> ox.Store:
    """The built store read-only, or (``memory``) every quad of it, merged default graph included, in memory.

    The on-disk handle is dropped after the copy, so the process's memory is the in-memory store's.
    """
    disk = ox.Store.read_only(store_dir)
    if where == "disk":
        return disk
    started = time.perf_counter()
    memory = copied_into_memory(disk)  # the very copy `serve --in-memory` makes
    del disk
    print(LOADED + json.dumps({"quads": len(memory), "seconds": time.perf_counter() - started}), flush=True)
    return memory


def floor_app(store: ox.Store, base: str) -> FastAPI:
    """GET /sparql?query=…: JSON for solutions, N-Triples for graphs.

    ``store`` holds what a store made by ``untoc-kg build`` holds, whose default graph already holds
    the merge of every graph, so the floor answers the same as untoc-kg.
    """
    app = FastAPI()

    @app.get("/sparql")
    def sparql(query: str = Query(...)) -> Response:
        results = store.query(query, base_iri=base)
        fmt, media = FORMATS["nt" if isinstance(results, ox.QueryTriples) else "json"]
        return Response(results.serialize(format=fmt), media_type=media)

    return app


def rdflib_app(path: str):  # noqa: ANN201 - rdflib_endpoint's own type
    """rdflib-endpoint over an rdflib Dataset whose default graph is the union of the named graphs."""
    from rdflib import Dataset
    from rdflib_endpoint import SparqlEndpoint

    dataset = Dataset(default_union=True)
    dataset.parse(path, format="nquads")
    return SparqlEndpoint(graph=dataset, path="/sparql")


def main(argv: list[str]) -> None:
    kind, *args = argv
    if kind == "floor":
        store_dir, base, port, where = args
        if where not in ("disk", "memory"):
            raise SystemExit(f"the floor's store is on disk or in memory, not {where!r}")
        uvicorn.run(floor_app(floor_store(store_dir, where), base), host="127.0.0.1", port=int(port),
                    log_level="warning")
    elif kind == "rdflib":
        path, port = args
        uvicorn.run(rdflib_app(path), host="127.0.0.1", port=int(port), log_level="warning")
    else:
        raise SystemExit(f"unknown peer {kind!r}: floor or rdflib")


if __name__ == "__main__":
    main(sys.argv[1:])
