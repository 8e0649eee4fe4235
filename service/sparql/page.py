"""The query page: what a browser gets at /sparql, an editor that works with no internet access.

Everything it needs (script, style, highlighter) is served from ``/static``; the examples are the
researchers' queries in ``queries/``, read through ``untoc_kg.queryfiles``.
"""

from __future__ import annotations

from starlette.requests import Request

from ..html import render
from ..project import Project
from ..queryfiles import query_files
from .formats import GRAPH_FORMATS, SOLUTION_FORMATS

DEFAULT_QUERY = """PREFIX untoc: <ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

SELECT ?thing ?label WHERE {
  ?thing rdfs:label ?label .
  FILTER(LANG(?label) = "en")
}
LIMIT 25
"""


def render_page(request: Request) -> str:
    """The editor page, with the examples of the project the server was started for."""
    settings = request.app.state.settings
    examples = query_files(Project(settings.project_dir))
    return render(
        "sparql.html",
        examples=examples,
        query=examples[0].text if examples else DEFAULT_QUERY,
        solution_formats=SOLUTION_FORMATS,
        graph_formats=GRAPH_FORMATS,
        timeout=settings.query_timeout,
        base_iri=settings.base_iri,
    )
