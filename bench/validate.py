"""``python -m bench.validate FILE.nq``: SHACL-validate a corpus one source graph at a time, as the build does.

Prints one line: graphs, triples, failing graphs, seconds for the first graph (pyshacl's one-time
setup included), mean seconds per further graph, and triples per second over the further graphs. Run as its own process so that the
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
    failing = triples = 0
    times = []
    by_graph = graphs(path)
    for found in by_graph.values():
        started = time.perf_counter()
        data = Graph()
        data.parse(data=ox.serialize(found, format=ox.RdfFormat.N_TRIPLES).decode(), format="nt")
        triples += len(found)
        failing += not validate_graph(data, shapes, ontology)[0]
        times.append(time.perf_counter() - started)
    later = len(times) - 1
    print(f"{len(by_graph)} {triples} {failing} {times[0]:.3f} {sum(times[1:]) / max(later, 1):.4f} "
          f"{(triples - len(next(iter(by_graph.values())))) / max(sum(times[1:]), 1e-9):.1f}")


if __name__ == "__main__":
    main(sys.argv[1])
