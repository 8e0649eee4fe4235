"""Where in a data file a node is written: the line a maintainer opens to fix what the shapes found.

rdflib keeps no positions, so the source text is scanned again: a small tokenizer of the Turtle
family (Turtle, TriG, N-Triples, N-Quads) that knows just enough (prefixes, base, strings, the
punctuation that ends a statement) to tell where each subject is written, as a full IRI. It only
reads files that rdflib has parsed already, so it never has to judge bad syntax; for other formats
(JSON-LD, RDF/XML) a node's line is where its IRI is first written in full. Also here: where a file
stops being UTF-8, which Python's decoder gives as a byte offset only.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

TURTLE_FAMILY = ("turtle", "trig", "nt", "nquads")
TOKEN = re.compile(r'''
    (?P<space>\s+) | (?P<comment>\#[^\n]*)
  | (?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\'
                |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\s]*>)
  | (?P<punct>[.;,{}\[\]()]|\^\^)
  | (?P<word>(?:\\.|[^\s.;,{}\[\]()<>"'\\^\#]|\.(?=[^\s.;,{}\[\]()<>"'^\#]))+)
  | (?P<other>.)''', re.VERBOSE | re.DOTALL)
ENDS_STATEMENT = frozenset(".{}")
LOCAL_ESCAPE = re.compile(r"\\(.)")


@dataclass(frozen=True)
class SourceLines:
    """The line of each IRI of one file: where it is first written as a subject, and first written at all."""

    subjects: dict[str, int]
    mentions: dict[str, int]

    def line(self, iri: str) -> int | None:
        """The line that describes ``iri``: its first statement as subject, else its first mention."""
        return self.subjects.get(iri) or self.mentions.get(iri)


def source_lines(text: str, rdf_format: str) -> SourceLines:
    """Scan a file's text (``rdf_format`` is rdflib's parser name) for the lines of its IRIs."""
    if rdf_format in TURTLE_FAMILY:
        return _scan(text)
    mentions: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        for iri in re.findall(r'(?:"@id"\s*:\s*"|about="|<)([a-zA-Z][\w+.-]*:[^"<>\s]*)', line):
            mentions.setdefault(iri, number)
    return SourceLines({}, mentions)


def _scan(text: str) -> SourceLines:
    tokens = [(m.lastgroup, m.group(), m.start()) for m in TOKEN.finditer(text)
              if m.lastgroup not in ("space", "comment")]
    line_starts = [0, *(m.end() for m in re.finditer("\n", text))]
    prefixes: dict[str, str] = {}
    base = ""
    subjects: dict[str, int] = {}
    mentions: dict[str, int] = {}
    at_start = True
    index = 0
    while index < len(tokens):
        kind, value, offset = tokens[index]
        directive = value.lower()
        if kind == "word" and directive in ("@prefix", "prefix") and index + 2 < len(tokens):
            prefixes[tokens[index + 1][1].removesuffix(":")] = urljoin(base, tokens[index + 2][1][1:-1])
            index += 3
            continue
        if kind == "word" and directive in ("@base", "base") and index + 1 < len(tokens):
            base = urljoin(base, tokens[index + 1][1][1:-1])
            index += 2
            continue
        iri = _iri(kind, value, prefixes, base)
        if iri is not None:
            line = bisect_right(line_starts, offset)
            mentions.setdefault(iri, line)
            graph_name = index + 1 < len(tokens) and tokens[index + 1][1] == "{"
            if at_start and not graph_name:
                subjects.setdefault(iri, line)
        at_start = value in ENDS_STATEMENT or (at_start and directive == "graph")
        index += 1
    return SourceLines(subjects, mentions)


def _iri(kind: str | None, value: str, prefixes: dict[str, str], base: str) -> str | None:
    """The full IRI a token writes, if it writes one: <relative> against the base, prefix:local expanded."""
    if kind == "iri":
        return urljoin(base, value[1:-1]) if base else value[1:-1]
    if kind == "word" and ":" in value and not value.startswith(("_:", "@")):
        prefix, _, local = value.partition(":")
        if prefix in prefixes:
            return prefixes[prefix] + LOCAL_ESCAPE.sub(r"\1", local)
    return None


def not_utf8(path: Path, data: bytes, error: UnicodeDecodeError) -> str:
    """Where a file stops being UTF-8, in one line; ``error`` is from decoding all of ``data``."""
    line = data.count(b"\n", 0, error.start) + 1
    column = error.start - data.rfind(b"\n", 0, error.start)
    return f"{path}:{line}:{column}: not UTF-8 (byte 0x{data[error.start]:02x}); save the file as UTF-8"
