"""Placeholder: the SPARQL protocol routes (issue 3 replaces this)."""

from fastapi import APIRouter, Request, Response
import pyoxigraph as ox

router = APIRouter()


@router.get("/sparql")
async def sparql(request: Request, query: str) -> Response:
    results = request.app.state.store.query(query)
    return Response(results.serialize(format=ox.QueryResultsFormat.JSON), media_type="application/sparql-results+json")
