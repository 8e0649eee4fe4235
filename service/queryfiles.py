"""The researchers' queries in ``queries/``: finding them and reading their header comments.

A query file starts with comment lines ``# title: …`` and ``# description: …``; the query page,
the CLI and the tests all read them through this module.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from .locations import not_utf8
from .project import Project

HEADER = re.compile(r"^#\s*(title|description):\s*(.*)$")
SPARQL = re.compile(r"[{}]|\b(?:SELECT|ASK|CONSTRUCT|DESCRIBE|PREFIX|BASE)\b", re.IGNORECASE)
"""What only SPARQL text has: an argument without it is a query's name."""


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
    """Query text from the command line: a path to a file, the name of a ``queries/`` file, or the text itself.

    An argument that cannot be SPARQL (no braces, no query keyword) is a name: one that names no
    query is an error listing the names it is close to, not text for the SPARQL parser to reject.
    """
    path = Path(argument)
    if path.suffix == ".rq" and path.is_file():
        return _read(path)
    named = project.queries_dir / f"{argument.removesuffix('.rq')}.rq"
    if "\n" not in argument and named.is_file():
        return _read(named)
    if path.suffix == ".rq" or not SPARQL.search(argument):
        raise ValueError(_unknown(argument, project))
    return argument


def _read(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(not_utf8(path, data, error)) from None


def _unknown(argument: str, project: Project) -> str:
    """No query has this name (or no file this path): the names it is close to, else every name."""
    names = [path.stem for path in sorted(project.queries_dir.glob("*.rq"))]
    close = difflib.get_close_matches(Path(argument).stem, names, n=3)
    what = f"no such query file: {argument}" if argument.endswith(".rq") else f"no query named {argument!r}"
    if close:
        return f"{what}; did you mean {' or '.join(close)}?"
    return f"{what}; the queries in {project.queries_dir} are {', '.join(names)}" if names else what
