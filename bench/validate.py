"""``python -m bench.validate FILE.nq | --documents N [--workers W]``: SHACL-validate a corpus graph by graph.

Validation runs as the build's does (``untoc_kg.validation.validate_many``): each source graph on its
own, in ``W`` worker processes (default: one per CPU), each graph sent as N-Triples and parsed in its
worker. The corpus is read as a stream of consecutive quads per graph (``untoc-kg synth`` writes
them so), so memory stays flat at any size. ``--documents N`` synthesises the corpus first.

stdout, one line for ``bench/run.py``: graphs, triples, failing graphs, seconds of set-up (one gate:
shapes and ontology read, the ontology's closure; each worker makes its own, at the same time), then
wall seconds per graph and triples per second over the rest of the run. stderr: the same in words,
with the CPU time of all processes (so a busy machine's figure can be told from a quiet one's) and
the peak resident memory of this process and of the largest worker.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from untoc_kg.project import Project
from untoc_kg.synth import write_corpus
from untoc_kg.validation import Gate, read_graph, validate_many

Source = tuple[str, int, bytes]  # graph name, triples, the triples as N-Triples


def sources(path: Path) -> Iterator[Source]:
    """Each graph of an N-Quads file whose quads come graph by graph, as it is read."""
    seen: set[str] = set()
    name, triples = None, []
    for quad in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS):
        if quad.graph_name.value != name:
            if name is not None:
                yield name, len(triples), ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
            name, triples = quad.graph_name.value, []
            if name in seen:
                raise SystemExit(f"{path}: the quads of graph {name} are not together")
            seen.add(name)
        triples.append(quad.triple)
    if name is not None:
        yield name, len(triples), ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)


def parse(source: Source) -> Graph:
    """One source graph, parsed in the worker that validates it."""
    return Graph().parse(data=source[2], format="nt")


def main(path: Path, workers: int) -> None:
    project = Project()
    setup = time.perf_counter()
    Gate(read_graph(project.shapes_files()), read_graph(project.ontology_files()))
    setup = time.perf_counter() - setup
    started, cpu_before = time.perf_counter(), cpu_seconds()
    graphs = triples = failing = 0
    first = 0.0
    for (_, count, _), (conforms, _, _) in validate_many(sources(path), parse, project.shapes_files(),
                                                         project.ontology_files(), workers):
        graphs += 1
        triples += count
        failing += not conforms
        first = first or time.perf_counter() - started
    later = max(time.perf_counter() - started - setup, 1e-9)
    each, rate = later / max(graphs, 1), triples / later
    print(f"{graphs} {triples} {failing} {setup:.3f} {each:.4f} {rate:.1f}")
    cpu = cpu_seconds() - cpu_before
    memory = f"peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB here"
    if workers > 1:
        memory += f", {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:,.0f} MiB in the largest worker"
    print(f"{triples:,} triples in {graphs:,} graphs ({failing} failing), {workers} worker(s): "
          f"{time.perf_counter() - started:,.1f} s in all, first result after {first:.1f} s; set-up "
          f"{setup:.1f} s, then {rate:,.0f} triples/s ({each * 1000:.1f} ms per graph); {cpu:,.1f} CPU seconds "
          f"in all ({triples / max(cpu, 1e-9):,.0f} triples per CPU second); {memory}", file=sys.stderr)


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the workers, once they are done)."""
    usage = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    return sum(u.ru_utime + u.ru_stime for u in usage)


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.validate", description=__doc__.split("\n\n")[0])
    corpus = parser.add_mutually_exclusive_group(required=True)
    corpus.add_argument("path", nargs="?", type=Path, help="an N-Quads corpus, graph after graph")
    corpus.add_argument("--documents", type=int, help="synthesise a corpus of this many documents first")
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)),
                        help="worker processes (default: one per CPU)")
    return parser.parse_args()


if __name__ == "__main__":
    args = arguments()
    if args.documents:
        with tempfile.TemporaryDirectory(prefix="untoc-validate-") as folder:
            corpus = Path(folder) / "corpus.nq"
            write_corpus(corpus, args.documents)
            main(corpus, args.workers)
    else:
        main(args.path, args.workers)
