"""``python -m bench.validate FILE.nq``: SHACL-validate a corpus one source graph at a time, as the build does.

Prints one line: graphs, triples, failing graphs, seconds. Run as its own process so that the
harness can read its peak memory.
"""

from __future__ import annotations

import sys
import time

import pyoxigraph as ox
from rdflib import Graph

from service.project import Project
from service.validation import read_graph, validate_graph


def graphs(path: str) -> dict[str, list[ox.Triple]]:
    found: dict[str, list[ox.Triple]] = {}
    for quad in ox.parse(path=path, format=ox.RdfFormat.N_QUADS):
        found.setdefault(quad.graph_name.value, []).append(quad.triple)
    return found


def main(path: str) -> None:
    project = Project()
    shapes, ontology = read_graph(project.shapes_files()), read_graph(project.ontology_files())
    started = time.perf_counter()
    failing = triples = 0
    by_graph = graphs(path)
    for found in by_graph.values():
        data = Graph()
        data.parse(data=ox.serialize(found, format=ox.RdfFormat.N_TRIPLES).decode(), format="nt")
        triples += len(found)
        failing += not validate_graph(data, shapes, ontology)[0]
    print(f"{len(by_graph)} {triples} {failing} {time.perf_counter() - started:.3f}")


if __name__ == "__main__":
    main(sys.argv[1])
