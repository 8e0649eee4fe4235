"""Query results as text for a terminal: an aligned table, or a SPARQL results format."""

from __future__ import annotations

import sys
from typing import TextIO

import pyoxigraph as ox

from .store import QueryResults

RESULT_FORMATS = {"csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV, "json": ox.QueryResultsFormat.JSON}


def term_text(term: object) -> str:
    """A term as a person reads it: IRIs bare, literals by their lexical form."""
    if term is None:
        return ""
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(term)


def print_results(results: QueryResults, fmt: str, out: TextIO = sys.stdout) -> None:
    if isinstance(results, ox.QueryBoolean):
        out.write(("true" if bool(results) else "false") + "\n")
        return
    if isinstance(results, ox.QueryTriples):
        out.write(ox.serialize(results, format=ox.RdfFormat.TURTLE).decode())
        return
    if fmt != "table":
        out.write(results.serialize(format=RESULT_FORMATS[fmt]).decode())
        return
    names = [variable.value for variable in results.variables]
    rows = [[term_text(solution[name]) for name in names] for solution in results]
    widths = [max([len(name), *(len(row[i]) for row in rows)]) for i, name in enumerate(names)]
    line = lambda cells: "  ".join(cell.ljust(width) for cell, width in zip(cells, widths)).rstrip()
    out.write(line(names) + "\n" + line(["-" * w for w in widths]) + "\n")
    for row in rows:
        out.write(line(row) + "\n")
    out.write(f"({len(rows)} row{'s' if len(rows) != 1 else ''})\n")
