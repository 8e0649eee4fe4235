"""The command line: usage errors are one line and a non-zero exit, never a traceback."""

from __future__ import annotations

import subprocess

from conftest import untoc_kg_command


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
        assert result.stderr.strip() == f"untoc-kg validate: no data files to validate in {tmp_path / 'data'}"
