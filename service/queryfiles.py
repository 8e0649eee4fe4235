"""The researchers' queries in ``queries/``: finding them and reading their header comments.

A query file starts with comment lines ``# title: …`` and ``# description: …``; the query page,
the CLI and the tests all read them through this module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .project import Project

HEADER = re.compile(r"^#\s*(title|description):\s*(.*)$")


@dataclass(frozen=True)
class QueryFile:
    """One ``.rq`` file with its header."""

    name: str
    title: str
    description: str
    text: str


def read_query_file(path: Path) -> QueryFile:
    text = path.read_text(encoding="utf-8")
    header: dict[str, str] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        match = HEADER.match(line)
        if match:
            header[match.group(1)] = match.group(2).strip()
    return QueryFile(path.stem, header.get("title", path.stem), header.get("description", ""), text)


def query_files(project: Project) -> list[QueryFile]:
    return [read_query_file(path) for path in sorted(project.queries_dir.glob("*.rq"))]


def resolve_query(argument: str, project: Project) -> str:
    """Query text from the command line: a path to a file, the name of a ``queries/`` file, or the text itself."""
    path = Path(argument)
    if path.suffix == ".rq" and path.is_file():
        return path.read_text(encoding="utf-8")
    named = project.queries_dir / f"{argument.removesuffix('.rq')}.rq"
    if "\n" not in argument and named.is_file():
        return named.read_text(encoding="utf-8")
    if path.suffix == ".rq":
        raise ValueError(f"no such query file: {argument}")
    return argument
