"""SHACL validation of the project's data: the gate that every graph passes before it is loaded.

Each data file (one source document) is validated on its own together with the ontology, so that
validation time grows linearly with the number of documents instead of with one giant graph.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyshacl
from rdflib import Dataset, Graph


@dataclass(frozen=True)
class FileReport:
    """The outcome of validating one data file."""

    path: Path
    conforms: bool
    text: str
    graph: Graph


def read_graph(paths: list[Path]) -> Graph:
    """Every triple of ``paths`` in one rdflib graph, named graphs flattened."""
    dataset = Dataset()
    for path in paths:
        dataset.parse(path, format=rdf_format(path))
    graph = Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


def rdf_format(path: Path) -> str:
    """The rdflib parser name for a file, from its extension."""
    formats = {".ttl": "turtle", ".trig": "trig", ".nt": "nt", ".nq": "nquads", ".rdf": "xml", ".jsonld": "json-ld"}
    try:
        return formats[path.suffix]
    except KeyError:
        raise ValueError(f"{path}: unknown RDF file extension {path.suffix!r}") from None


def validate_files(data_files: list[Path], shapes_files: list[Path], ontology_files: list[Path]) -> list[FileReport]:
    """Validate each data file against the shapes, with the ontology for class and property hierarchy."""
    shapes = read_graph(shapes_files)
    ontology = read_graph(ontology_files)
    reports = []
    for path in data_files:
        data = read_graph([path])
        conforms, report_graph, text = pyshacl.validate(
            data,
            shacl_graph=shapes,
            ont_graph=ontology,
            inference="rdfs",
            allow_warnings=True,
        )
        reports.append(FileReport(path, bool(conforms), str(text), report_graph))
    return reports
