"""``untoc-kg ingest``: a graph is written only when it conforms and agrees with data/; otherwise
nothing changes on disk and the reasons are shown."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from rdflib import RDFS, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from conftest import PROJECT_ROOT, SOURCE_NOTE, require_shared, untoc_kg_command
from untoc_kg.cli import main
from untoc_kg.ingest.provenance import UNTOC, is_annotation_node
from untoc_kg.ingest.reconcile import Merged

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
CURATED = PROJECT_ROOT / "data" / "secretariat-note-2024-07-04.trig"
ID = "https://w3id.org/untoc-kg/id/"


def flat(path: Path, facts_only: bool = False) -> Graph:
    dataset = Dataset()
    dataset.parse(path, format="trig")
    graph = Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        if not (facts_only and is_annotation_node(s)):
            graph.add((s, p, o))
    return graph


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    """A copy of the checkout's graph files: what a refused ingest must leave byte for byte."""
    root = tmp_path / "project"
    for folder in ("ontology", "shapes", "data"):
        shutil.copytree(PROJECT_ROOT / folder, root / folder)
    return root


def snapshot(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_ingesting_the_note_writes_the_curated_facts_and_a_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "note.trig"
    assert main(["ingest", str(require_shared(SOURCE_NOTE)), "--out", str(out)]) == 0
    assert isomorphic(flat(out, facts_only=True), flat(CURATED))
    report = out.with_name("note.trig.report.txt").read_text(encoding="utf-8")
    assert "not understood (no fact taken from these): none" in report
    assert report in capsys.readouterr().out


def test_a_document_that_breaks_the_shapes_is_refused_and_data_is_untouched(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(project / "data")
    status = main(["--project", str(project), "ingest", str(FIXTURES / "held-after-date.en.md")])
    assert status == 1
    assert snapshot(project / "data") == before
    err = capsys.readouterr().err
    assert "reported status contradicts the source's date" in err
    assert "The Secretariat thanks the Government of Austria for hosting the meeting." in err
    assert "nothing was written" in err


def test_an_existing_file_is_not_overwritten_without_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "taken.trig"
    out.write_bytes(b"# someone else's graph\n")
    assert main(["ingest", str(FIXTURES / "wg-firearms-2018-oneline.en.txt"), "--out", str(out)]) == 2
    assert out.read_bytes() == b"# someone else's graph\n"
    assert "use --force" in capsys.readouterr().err
    assert main(["ingest", str(FIXTURES / "wg-firearms-2018-oneline.en.txt"), "--out", str(out), "--force"]) == 0
    assert (URIRef(ID + "meeting/WG.6/2018-05-02"), None, None) in flat(out)


def test_another_date_for_a_known_meeting_is_a_conflict(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(project / "data")
    source = str(FIXTURES / "wg-trafficking-conflict.es.txt")
    assert main(["--project", str(project), "ingest", source]) == 1
    assert snapshot(project / "data") == before
    err = capsys.readouterr().err
    assert ("group/WG.4 holds two meetings numbered 14: https://w3id.org/untoc-kg/id/meeting/WG.4/2024-07-08 in "
            "https://w3id.org/untoc-kg/graph/secretariat-note-2024-07-04 (\"El Grupo de Trabajo sobre la Trata de "
            "Personas celebró su 13ª reunión") in err
    assert ("https://w3id.org/untoc-kg/id/meeting/WG.4/2024-07-10 in https://w3id.org/untoc-kg/graph/CTOC/COP/WG.4/2024/3 "
            '("10 y 11 de julio de 2024")') in err
    assert main(["--project", str(project), "ingest", source, "--allow-conflicts"]) == 0
    assert set(snapshot(project / "data")) - set(before) == {"CTOC-COP-WG.4-2024-3.trig",
                                                             "CTOC-COP-WG.4-2024-3.trig.report.txt"}
    capsys.readouterr()
    # Each file conforms on its own; their merge holds the contradiction, which validate and build refuse.
    assert main(["--project", str(project), "validate"]) == 1
    out = capsys.readouterr().out
    files = len(list((project / "data").glob("*.trig")))  # the checkout's data files and the ingested one
    assert f"{files} of {files} data file(s) conform to the shapes; 1 contradiction(s) between them" in out
    assert "contradiction: https://w3id.org/untoc-kg/id/group/WG.4 holds two meetings numbered 14:" in out
    assert main(["--project", str(project), "build", "--store", str(project / "store")]) == 1
    err = capsys.readouterr().err
    assert "1 contradiction(s) between data files; nothing was loaded" in err and not (project / "store").exists()


def test_a_meeting_named_by_its_dates_joins_the_known_meeting(project: Path) -> None:
    """Two more documents about meetings of the note: the same IRIs, no conflict, both conform."""
    assert main(["--project", str(project), "ingest", str(FIXTURES / "wg-trafficking-2024.es.txt")]) == 0
    written = flat(project / "data" / "CTOC-COP-WG.4-2024-2.trig", facts_only=True)
    assert (URIRef(ID + "meeting/WG.4/2024-07-08"), UNTOC.place, URIRef(ID + "place/vienna")) in written
    assert main(["--project", str(project), "ingest", str(FIXTURES / "report-trafficking-2023.es.txt")]) == 0
    report = flat(project / "data" / "CTOC-COP-WG.4-2023-5.trig", facts_only=True)
    assert (URIRef(ID + "document/CTOC/COP/WG.4/2023/5"), UNTOC.reportOf, URIRef(ID + "meeting/WG.4/2023-10-02")) in report


def test_a_missing_file_is_a_one_line_usage_error() -> None:
    result = subprocess.run([*untoc_kg_command(), "ingest", "/nonexistent/note.txt"], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 2
    assert result.stderr.strip() == "untoc-kg ingest: no such file or folder: /nonexistent/note.txt"


def test_a_text_that_names_no_document_is_a_one_line_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "letter.txt"
    source.write_text("Dear colleagues,\n\nthe meeting went well.\n", encoding="utf-8")
    assert main(["ingest", str(source), "--out", str(tmp_path / "letter.trig")]) == 2
    assert ("outcome: refused: the document prints no symbol and is not a dated note: it cannot be named"
            in capsys.readouterr().err)
    assert not (tmp_path / "letter.trig").exists()


def test_conflicts_are_other_values_of_one_valued_properties() -> None:
    merged = Merged([CURATED])
    group, meeting = URIRef(ID + "group/WG.4"), URIRef(ID + "meeting/WG.4/2023-10-02")
    new = Graph(identifier=URIRef("https://w3id.org/untoc-kg/graph/other"))
    new.add((group, RDFS.label, Literal("Grupo de Trabajo sobre la Trata de Personas", lang="es")))
    new.add((group, RDFS.label, Literal("Trafficking group", lang="fr")))
    new.add((meeting, UNTOC.startDate, Literal(date(2023, 10, 2))))
    assert merged.check(new, None) == []
    merged.refuse()
    assert not merged.holds(str(new.identifier))
    new.add((group, RDFS.label, Literal("Grupo sobre Trata", lang="es")))
    new.add((meeting, UNTOC.endDate, Literal(date(2023, 10, 4))))
    found = [contradiction.describe() for contradiction in merged.check(new, None)]
    assert len(found) == 2
    assert any("meeting/WG.4/2023-10-02" in line and "endDate" in line and "2023-10-04" in line for line in found)
    assert any("group/WG.4" in line and "Grupo sobre Trata" in line for line in found)


def test_documents_of_the_session_join_the_notes_agenda_without_conflict(project: Path, tmp_path: Path) -> None:
    """The note cites the agenda CTOC/COP/2024/1 and its items 2, 4 and 5. Another session document
    issued under item 4, and the agenda itself, label them by the same keys: no conflict, one node each."""
    under_item = tmp_path / "session-paper.txt"
    under_item.write_text(
        "CTOC/COP/2024/9 Distr.: General 1 August 2024 Original: English Conference of the Parties to the United "
        "Nations Convention against Transnational Organized Crime Twelfth session Vienna, 14–18 October 2024 "
        "Item 4 of the provisional agenda* Extradition requests in numbers Note by the Secretariat\n\n"
        "* CTOC/COP/2024/1.\n\nI. Introduction\n\n1. This note counts requests.\n", encoding="utf-8")
    agenda = tmp_path / "agenda.txt"
    agenda.write_text(
        "CTOC/COP/2024/1 Distr.: General 2 July 2024 Original: English Conference of the Parties to the United "
        "Nations Convention against Transnational Organized Crime Twelfth session Vienna, 14–18 October 2024 "
        "Provisional agenda and annotations I. Provisional agenda 1. Organizational matters.\n", encoding="utf-8")
    assert main(["--project", str(project), "ingest", str(under_item), str(agenda)]) == 0
    merged = Graph()
    for path in (project / "data").glob("*.trig"):
        merged += flat(path, facts_only=True)
    agenda_node, item = URIRef(ID + "document/CTOC/COP/2024/1"), URIRef(ID + "document/CTOC/COP/2024/1/item/4")
    assert (URIRef(ID + "document/CTOC/COP/2024/9"), UNTOC.underAgendaItem, item) in merged
    assert (agenda_node, UNTOC.agendaOf, URIRef(ID + "session/12")) in merged
    assert len(set(merged.objects(item, RDFS.label))) == 2 and len(set(merged.objects(agenda_node, RDFS.label))) == 2
