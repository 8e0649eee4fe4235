"""The peers the endpoint is measured against, each a real server process on loopback.

``python -m bench.peers floor ENGINE_DIR BASE PORT`` serves untoc-kg's built store with bare pyoxigraph
behind one minimal FastAPI route (the floor: what any endpoint on this engine costs at least);
``python -m bench.peers rdflib FILE PORT`` serves the same N-Quads with rdflib-endpoint.
"""

from __future__ import annotations

import sys

import pyoxigraph as ox
import uvicorn
from fastapi import FastAPI, Query
from fastapi.responses import Response

FORMATS = {
    "json": (ox.QueryResultsFormat.JSON, "application/sparql-results+json"),
    "nt": (ox.RdfFormat.N_TRIPLES, "application/n-triples"),
}


def floor_app(store_dir: str, base: str) -> FastAPI:
    """GET /sparql?query=…: JSON for solutions, N-Triples for graphs.

    ``store_dir`` is the engine folder of a store made by ``untoc-kg build``, whose default graph
    already holds the merge of every graph, so the floor answers the same as untoc-kg.
    """
    store = ox.Store.read_only(store_dir)
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
        store_dir, base, port = args
        uvicorn.run(floor_app(store_dir, base), host="127.0.0.1", port=int(port), log_level="warning")
    elif kind == "rdflib":
        path, port = args
        uvicorn.run(rdflib_app(path), host="127.0.0.1", port=int(port), log_level="warning")
    else:
        raise SystemExit(f"unknown peer {kind!r}: floor or rdflib")


if __name__ == "__main__":
    main(sys.argv[1:])
