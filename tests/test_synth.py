"""The synthetic corpus: the model's shape at any size, passing the shapes one source graph at a time."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from conftest import untoc_kg_command
from untoc_kg.namespaces import CANONICAL_BASE
from untoc_kg.project import Project
from untoc_kg.synth import DOCUMENTS_PER_MEETING, documents, write_corpus
from untoc_kg.validation import read_graph, validate_graph


def graphs_of(path: Path) -> dict[str, list[ox.Quad]]:
    found: dict[str, list[ox.Quad]] = {}
    for quad in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS):
        found.setdefault(quad.graph_name.value, []).append(quad)
    return found


def test_one_graph_per_document_with_canonical_iris(tmp_path: Path) -> None:
    out = tmp_path / "corpus.nq"
    written = write_corpus(out, 9)
    graphs = graphs_of(out)
    assert len(graphs) == 9
    assert sum(len(quads) for quads in graphs.values()) == written
    assert all(name.startswith(CANONICAL_BASE + "graph/CTOC/COP/WG.") for name in graphs)


def test_same_seed_same_bytes_other_seed_other_text(tmp_path: Path) -> None:
    first, second, other = tmp_path / "a.nq", tmp_path / "b.nq", tmp_path / "c.nq"
    write_corpus(first, 5, seed=7)
    write_corpus(second, 5, seed=7)
    write_corpus(other, 5, seed=8)
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes() != other.read_bytes()


def test_served_base_is_written_directly(tmp_path: Path) -> None:
    out = tmp_path / "served.nq"
    write_corpus(out, 2, base_iri="http://127.0.0.1:9999/")
    assert CANONICAL_BASE not in out.read_text()
    assert "<http://127.0.0.1:9999/id/group/WG.1>" in out.read_text()


def test_meetings_have_notes_before_and_a_report_after() -> None:
    docs = list(documents(DOCUMENTS_PER_MEETING * 3, seed=1))
    for doc in docs:
        assert (doc.issued > doc.start) == (doc.kind == "Report")
        assert doc.symbol.startswith(f"CTOC/COP/WG.{doc.group}/{doc.start.year}/")
    assert len({doc.symbol for doc in docs}) == len(docs)


@pytest.mark.slow
def test_every_source_graph_conforms_to_the_shapes(tmp_path: Path) -> None:
    project = Project()
    if not project.shapes_files():
        pytest.skip("shapes/ is empty")
    out = tmp_path / "small.nq"
    write_corpus(out, DOCUMENTS_PER_MEETING + 1)  # a whole meeting (3 notes, 1 report) and the next note
    shapes, ontology = read_graph(project.shapes_files()), read_graph(project.ontology_files())
    for name, quads in graphs_of(out).items():
        data = Graph()
        triples = ox.serialize([ox.Triple(q.subject, q.predicate, q.object) for q in quads], format=ox.RdfFormat.N_TRIPLES)
        data.parse(data=triples.decode(), format="nt")
        conforms, found, _ = validate_graph(data, shapes, ontology)
        assert conforms, f"{name}: {found}"


@pytest.mark.parametrize(("args", "message"), [
    (["--documents", "0", "--out", "x.nq"], "--documents must be at least 1"),
    (["--documents", "3", "--out", "x.ttl"], "must be an N-Quads file"),
    (["--documents", "3", "--out", "/nonexistent/dir/x.nq"], "No such file or directory"),
])
def test_bad_arguments_are_one_line_errors(args: list[str], message: str, tmp_path: Path) -> None:
    result = subprocess.run([*untoc_kg_command(), "synth", *args], capture_output=True, text=True, timeout=60,
                            cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_cli_writes_the_corpus(tmp_path: Path) -> None:
    out = tmp_path / "cli.nq"
    result = subprocess.run([*untoc_kg_command(), "synth", "--documents", "4", "--out", str(out)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "in 4 document graph(s)" in result.stdout
    assert len(graphs_of(out)) == 4
