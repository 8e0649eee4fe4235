"""The command line: usage errors are one line and a non-zero exit, never a traceback."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import httpx
import pytest

from conftest import PROJECT_ROOT, untoc_kg_command
from untoc_kg import __version__
from untoc_kg.cli import main


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*untoc_kg_command(), *args], capture_output=True, text=True, timeout=300)


def test_unknown_data_file_is_one_line_error() -> None:
    result = run("build", "--data", "/nonexistent/file.ttl")
    assert result.returncode == 2
    assert result.stderr.strip() == "untoc-kg build: no such file: /nonexistent/file.ttl"


def test_bad_graph_option_is_one_line_error() -> None:
    result = run("query", "--graph", "no-equals-sign", "ASK {}")
    assert result.returncode == 2
    assert "--graph takes IRI=FILE" in result.stderr
    assert "Traceback" not in result.stderr


def test_validate_missing_path() -> None:
    result = run("validate", "/nonexistent.trig")
    assert result.returncode == 2
    assert "no such file" in result.stderr


def test_project_option_goes_before_or_after_the_subcommand(tmp_path) -> None:
    for args in (("--project", str(tmp_path), "validate"), ("validate", "--project", str(tmp_path))):
        result = run(*args)
        assert result.returncode == 2
        assert result.stderr.strip() == (f"untoc-kg validate: no graph in {tmp_path}: no files in ontology/, shapes/, "
                                         "data/ (give --project a checkout of untoc-kg)")


@pytest.mark.parametrize("command", [["serve", "--port", "0"], ["build"], ["query", "groups"], ["validate"]])
def test_without_a_graph_every_command_says_so(tmp_path: Path, command: list[str],
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """An empty store is never built nor served in silence: a project lacking a folder's files is refused."""
    (tmp_path / "ontology").mkdir()
    (tmp_path / "ontology" / "untoc.ttl").write_bytes((PROJECT_ROOT / "ontology" / "untoc.ttl").read_bytes())
    assert main(["--project", str(tmp_path), *command]) == 2
    assert capsys.readouterr().err == (f"untoc-kg {command[0]}: no graph in {tmp_path}: no files in shapes/, data/ "
                                       "(give --project a checkout of untoc-kg)\n")
    assert not (tmp_path / ".untoc-kg").exists()


def test_version_is_the_package_version() -> None:
    result = run("--version")
    assert (result.returncode, result.stdout) == (0, f"untoc-kg {__version__}\n")


def test_serve_logs_each_request_unless_told_not_to(serve, tmp_path) -> None:
    data = tmp_path / "one.nt"
    data.write_text('<http://example.org/a> <http://example.org/p> "a" .\n')
    quiet, logged = (serve("--no-project-data", "--data", str(data), *extra) for extra in (("--no-access-log",), ()))
    for server in (quiet, logged):
        assert httpx.get(server.sparql, params={"query": "ASK {}"}).status_code == 200
    deadline = time.monotonic() + 10  # the line is written as the answer ends, so it may trail the answer a little
    while "GET /sparql?query=" not in logged.log.read_text():
        assert time.monotonic() < deadline, "serve must log the request"
        time.sleep(0.05)
    assert "GET /sparql" not in quiet.log.read_text()  # its request was answered first


def test_build_never_replaces_a_folder_it_did_not_build(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--store names where the store goes, and a build replaces that folder whole: someone's folder of
    files is refused with one line, and kept as it was."""
    folder = tmp_path / "papers"
    folder.mkdir()
    (folder / "thesis.txt").write_text("years of work")
    assert main(["build", "--store", str(folder)]) == 2
    assert "the folder holds no store built by untoc-kg" in capsys.readouterr().err
    assert (folder / "thesis.txt").read_text() == "years of work"


@pytest.mark.parametrize(("args", "message"), [
    (("--in-memory", "sometimes"), "--in-memory takes auto, always or never, not 'sometimes'"),
    (("--memory-budget-mb", "lots"), "--memory-budget-mb takes a whole number of MiB, not 'lots'"),
    (("--memory-budget-mb", "-1"), "--memory-budget-mb takes a whole number of MiB, not '-1'"),
])
def test_bad_in_memory_options_are_one_line_errors(args: tuple[str, ...], message: str) -> None:
    result = run("serve", "--port", "0", *args)
    assert (result.returncode, result.stderr) == (2, f"untoc-kg serve: {message}\n")


def test_serve_in_memory_always_is_refused_when_a_copy_cannot_fit_the_worker_cap(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Refused in one line before anything starts: the copy is made under each query worker's cap."""
    from untoc_kg.build import BuildInputs, build

    data = tmp_path / "one.nt"
    data.write_text('<http://example.org/a> <http://example.org/p> "a" .\n')
    build(BuildInputs("http://127.0.0.1:8000/", None, (data,)), tmp_path / "store")
    assert main(["serve", "--store", str(tmp_path / "store"), "--in-memory", "always", "--worker-memory-mb", "256"]) == 2
    assert capsys.readouterr().err == ("untoc-kg serve: --in-memory always: one copy of the store (~191 MiB while it "
                                       "loads) needs --worker-memory-mb 383 or more to leave half for queries, not 256 "
                                       "(or use --in-memory auto)\n")
