"""``untoc-kg validate`` and ``query`` as CI uses them: bad input is one located line and exit status 2;
violations name the line of their node, in text, JSON (against its schema) and GitHub workflow commands."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import jsonschema
import pytest
from rdflib import RDF, SH, Graph

from conftest import PROJECT, PROJECT_ROOT, untoc_kg_command
from untoc_kg.locations import source_lines
from untoc_kg.validation import _command

SCHEMA = PROJECT_ROOT / "docs" / "validation-report.schema.json"
DATA = PROJECT_ROOT / "data" / "secretariat-note-2024-07-04.trig"
MEETING = "<id/meeting/WG.4/2023-10-02>"
MEETING_IRI = "https://w3id.org/untoc-kg/id/meeting/WG.4/2023-10-02"
LABEL = "Meeting of the Working Group on Trafficking in Persons of 2 October 2023"


def run(*args: str, cwd: Path = PROJECT_ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*untoc_kg_command(), *args], capture_output=True, text=True, timeout=300, cwd=cwd)


def assert_bad_input(result: subprocess.CompletedProcess[str], command: str, expected: str) -> None:
    """Exit status 2, nothing on stdout, and one line on stderr: the command and ``expected``."""
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.strip() == f"untoc-kg {command}: {expected}"


BAD_FILES = {
    "turtle.ttl": ('@prefix ex: <http://example.org/> .\nex:a ex:p "unterminated .\nex:b ex:p ex:c .\n',
                   "turtle.ttl:2:11: Turtle syntax error: "),
    "trig.trig": ("@prefix ex: <http://example.org/> .\nex:g { ex:a ex:p ex:b }\n}\n",
                  "trig.trig:3:1: TriG syntax error: "),
    "quads.nq": ("<http://example.org/a> <http://example.org/p> <http://example.org/b> <http://example.org/g> .\n"
                 "<http://example.org/a> <http://example.org/p> <http://example.org/b .\n",
                 "quads.nq:2:"),
    "document.jsonld": ('{"@id": "http://example.org/a",\n "http://example.org/p": [1,\n}\n',
                        "document.jsonld:3:1: JSON-LD syntax error: "),
    "empty.ttl": ("", "empty.ttl: the file is empty"),
    "comments.ttl": ("# nothing but a comment\n", "comments.ttl: no RDF statements"),
    "latin1.ttl": ('@prefix ex: <http://example.org/> .\nex:a ex:p "caf\xe9" .\n'.encode("latin-1"),
                   "latin1.ttl:2:15: not UTF-8 (byte 0xe9); save the file as UTF-8"),
    "relative.trig": ("<g> { <a> <b> <c> . }\n", None),  # rdflib takes it, the contradiction check (oxigraph) not
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_a_bad_file_is_one_line_naming_file_and_line(tmp_path: Path, name: str) -> None:
    content, expected = BAD_FILES[name]
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    result = run("validate", name, cwd=tmp_path)
    assert_bad_input(result, "validate", result.stderr.strip().removeprefix("untoc-kg validate: "))
    assert name in result.stderr
    if expected is None:
        assert re.search(r"line \d+", result.stderr), result.stderr
    elif expected.endswith((": ", ":")):
        assert result.stderr.startswith(f"untoc-kg validate: {expected}"), result.stderr
    else:
        assert result.stderr.strip() == f"untoc-kg validate: {expected}"


def test_a_folder_or_a_missing_file_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "folder.trig").mkdir()
    assert_bad_input(run("validate", "folder.trig", cwd=tmp_path), "validate",
                     "folder.trig is a folder: give the files in it")
    assert_bad_input(run("validate", "missing.trig", cwd=tmp_path), "validate", "no such file: missing.trig")
    (tmp_path / "notes.txt").write_text("hello\n")
    result = run("validate", "notes.txt", cwd=tmp_path)
    assert_bad_input(result, "validate", "notes.txt: unknown RDF file extension '.txt' "
                                         "(known: .ttl, .trig, .nt, .nq, .rdf, .jsonld)")


def test_an_unknown_query_name_lists_the_close_names() -> None:
    assert_bad_input(run("query", "group"), "query", "no query named 'group'; did you mean groups?")
    result = run("query", "nonexistent-query")
    assert_bad_input(result, "query", result.stderr.strip().removeprefix("untoc-kg query: "))
    assert "no query named 'nonexistent-query'; the queries in" in result.stderr
    assert all(name in result.stderr for name in ("groups", "meetings-by-date"))
    assert_bad_input(run("query", "meetings-by-dat.rq"), "query", "no such query file: meetings-by-dat.rq; "
                                                                    "did you mean meetings-by-date?")


def test_a_store_folder_that_cannot_be_used_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder\n")
    assert_bad_input(run("query", "--store", str(tmp_path / "file"), "groups"), "query",
                     f"--store {tmp_path / 'file'}: not a folder")
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "keep.txt").write_text("someone's files\n")
    assert_bad_input(run("query", "--store", str(tmp_path / "notes"), "groups"), "query",
                     f"--store {tmp_path / 'notes'}: the folder holds no store built by untoc-kg (give a new or "
                     "empty folder, or one made by untoc-kg build --store)")
    assert (tmp_path / "notes" / "keep.txt").is_file()  # and nothing was built over them
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "manifest.json").write_text("{")
    result = run("query", "--store", str(tmp_path / "broken"), "groups")
    assert_bad_input(result, "query", result.stderr.strip().removeprefix("untoc-kg query: "))
    assert f"--store {tmp_path / 'broken'}: unreadable manifest" in result.stderr


# --- A copy of data/ with planted faults --------------------------------------------------------------

@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """data/ with a meeting that ends before it starts and has a word for its ordinal (a.trig), and a
    second document (b.trig) that gives session 12 another first day: a contradiction."""
    root = tmp_path_factory.mktemp("checkout")
    (root / "data").mkdir()
    text = DATA.read_text(encoding="utf-8")
    statement = text[text.index(f"    {MEETING} a untoc:Meeting"):]
    statement = statement[:statement.index(" .\n")]
    planted = (statement.replace('untoc:endDate "2023-10-03"', 'untoc:endDate "2023-10-01"')
               .replace('untoc:ordinal "13"^^xsd:integer', 'untoc:ordinal "thirteen"^^xsd:integer'))
    assert planted.count("2023-10-01") == 1 and "thirteen" in planted
    text = text.replace(statement, planted)
    (root / "data" / "a.trig").write_text(text, encoding="utf-8")
    other = text.replace("<graph/secretariat-note-2024-07-04>", "<graph/copy>")
    (root / "data" / "b.trig").write_text(other.replace('"2024-10-14"^^xsd:date', '"2024-10-13"^^xsd:date'),
                                          encoding="utf-8")
    return root


def meeting_line(path: Path) -> int:
    """The line where the planted meeting's statement starts, found by reading the file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if line.startswith(f"    {MEETING} a "))


@pytest.fixture(scope="module")
def outputs(checkout: Path) -> dict[str, subprocess.CompletedProcess[str]]:
    files = ("data/a.trig", "data/b.trig")
    return {form: run("validate", "--format", form, *files, *(("--report", "report.ttl") if form == "json" else ()),
                      cwd=checkout)
            for form in ("text", "json", "github")}


def test_every_format_exits_1_without_a_traceback(outputs: dict[str, subprocess.CompletedProcess[str]]) -> None:
    for result in outputs.values():
        assert result.returncode == 1, result.stdout + result.stderr
        assert result.stderr == ""  # not even rdflib's traceback for "thirteen"^^xsd:integer


def test_text_gives_file_line_label_message_and_value(checkout: Path, outputs) -> None:
    line = meeting_line(checkout / "data" / "a.trig")
    text = outputs["text"].stdout
    assert f'  data/a.trig:{line}: <{MEETING_IRI}> untoc:endDate = "2023-10-01"^^xsd:date — "{LABEL}"\n' in text
    assert "    An event ends on or after the day it starts" in text
    assert f'data/a.trig:{line}: <{MEETING_IRI}> untoc:ordinal = "thirteen"^^xsd:integer' in text
    assert "contradiction: https://w3id.org/untoc-kg/id/session/12 untoc:startDate: 2024-10-13 in" in text
    assert text.endswith("0 of 2 data file(s) conform to the shapes; 1 contradiction(s) between them\n")


def test_json_follows_its_schema(checkout: Path, outputs) -> None:
    found = json.loads(outputs["json"].stdout)
    jsonschema.validate(found, json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert found["conforms"] is False
    end = next(v for v in found["violations"] if v["path"].endswith("#endDate") and v["file"] == "data/a.trig")
    assert end == {"file": "data/a.trig", "line": meeting_line(checkout / "data" / "a.trig"), "focus": MEETING_IRI,
                   "label": LABEL, "path": "https://w3id.org/untoc-kg/ontology#endDate",
                   "value": '"2023-10-01"^^<http://www.w3.org/2001/XMLSchema#date>',
                   "message": end["message"], "shape": "https://w3id.org/untoc-kg/shapes#endsAfterStart",
                   "component": str(SH.SPARQLConstraintComponent), "severity": "Violation"}
    assert end["message"].startswith("An event ends on or after the day it starts")
    [contradiction] = found["contradictions"]
    assert contradiction["predicate"] == "untoc:startDate"
    graphs = {s["graph"].removeprefix("https://w3id.org/untoc-kg/graph/") for s in contradiction["statements"]}
    assert graphs == {"copy", "secretariat-note-2024-07-04"}


def test_the_shacl_report_holds_every_result(checkout: Path, outputs) -> None:
    report = Graph().parse(checkout / "report.ttl", format="turtle")
    [top] = report.subjects(RDF.type, SH.ValidationReport)
    assert not report.value(top, SH.conforms).toPython()
    assert len(set(report.objects(top, SH.result))) == len(json.loads(outputs["json"].stdout)["violations"])


def test_github_commands_are_as_actions_reads_them(checkout: Path, outputs) -> None:
    line = meeting_line(checkout / "data" / "a.trig")
    lines = outputs["github"].stdout.splitlines()
    assert (f"::error file=data/a.trig,line={line},title=untocsh%3AendsAfterStart ({LABEL})::An event ends on or "
            f"after the day it starts: its untoc:endDate precedes its untoc:startDate. — <{MEETING_IRI}> "
            'untoc:endDate = "2023-10-01"^^xsd:date') in lines
    commands = [c for c in lines if c.startswith("::")]
    command = re.compile(r"::(error|warning|notice)( (file=[^,:]+,line=\d+,)?title=[^,:]+)?::[^\r\n]+")
    assert all(command.fullmatch(c) for c in commands), commands
    assert any(c.startswith("::error title=contradiction between documents::https://w3id.org/untoc-kg/id/session/12")
               for c in commands)
    assert lines[-1] == "0 of 2 data file(s) conform to the shapes; 1 contradiction(s) between them"


def test_workflow_command_escaping() -> None:
    assert _command("error", {"file": "a,b:c.trig", "line": 3, "title": "50% a\nb"}, "100%: x, y\r\nz") == \
        "::error file=a%2Cb%3Ac.trig,line=3,title=50%25 a%0Ab::100%25: x, y%0D%0Az"
    assert _command("notice", {"line": None}, "m") == "::notice::m"


def test_the_project_data_conforms_in_every_format() -> None:
    result = run("validate", "--format", "json")
    assert result.returncode == 0, result.stdout + result.stderr
    found = json.loads(result.stdout)
    jsonschema.validate(found, json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert found["conforms"] and not found["violations"]
    assert [f["file"] for f in found["files"]] == [str(p) for p in PROJECT.data_files()]


# --- Lines of nodes in the source text ------------------------------------------------------------

def test_a_node_is_found_where_it_is_the_subject() -> None:
    text = """@prefix id: <https://example.org/id/> .
@base <https://example.org/> .
<graph/g> {
    id:a id:p <id/b>, id:c .
    <graph/g> a id:Graph .
    <id/b> id:p "a string with id:c in it" .
    id:meeting\\/WG.4\\/1 id:p <https://example.org/id/b> .
}
"""
    lines = source_lines(text, "trig")
    assert lines.line("https://example.org/id/a") == 4
    assert lines.line("https://example.org/graph/g") == 5  # its statement, not the graph's block
    assert lines.line("https://example.org/id/b") == 6
    assert lines.line("https://example.org/id/meeting/WG.4/1") == 7
    assert lines.line("https://example.org/id/c") == 4  # never a subject: its first mention
    assert lines.line("https://example.org/id/absent") is None


def test_lines_of_nodes_in_n_quads_and_json_ld() -> None:
    quads = "<http://e.org/a> <http://e.org/p> <http://e.org/b> <http://e.org/g> .\n" \
            "<http://e.org/b> <http://e.org/p> \"x\" <http://e.org/g> .\n"
    assert source_lines(quads, "nquads").line("http://e.org/b") == 2
    document = '{\n  "@graph": [\n    {"@id": "http://e.org/a"}\n  ]\n}\n'
    assert source_lines(document, "json-ld").line("http://e.org/a") == 3
