"""What a query is and whether it may run: read before any engine sees it.

A small SPARQL tokenizer (strings, comments and IRIs are single tokens, so a ``SERVICE`` inside
them is not a keyword) finds the query form, refuses updates (this endpoint is read-only) and
refuses ``SERVICE`` calls to endpoints outside the allow-list, because the engine would fetch them.
Anything the tokenizer cannot read is left to the engine's parser, which reports syntax errors.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import NamedTuple
from urllib.parse import urljoin

from ..sparqltext import TOKEN, unescape
from ..store import Dataset
from .execution import Job
from .formats import choose

QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"})

MAX_NESTING = 500
"""Deepest bracket nesting a query may have: the engine's parser recurses once per level and
overflows its stack (killing the worker) a few thousand levels down; no real query nests 500."""


class GuardError(Exception):
    """The query may not run here; ``status`` is the HTTP status that says why."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class Token(NamedTuple):
    kind: str
    text: str


Clause = tuple[str, str | None]
"""A SERVICE, FROM or FROM NAMED keyword and the IRI it names (None for a variable or anything unreadable)."""


def tokens(text: str) -> list[Token]:
    """The significant tokens of ``text`` (no spaces, no comments); read once per query, then shared."""
    return [Token(match.lastgroup or "other", match.group()) for match in TOKEN.finditer(text)
            if match.lastgroup not in ("space", "comment")]


def query_form(sequence: Sequence[Token]) -> str | None:
    """SELECT, ASK, CONSTRUCT or DESCRIBE; 'UPDATE' for an update; None when unreadable (the parser will say why)."""
    for token in sequence:
        if token.kind != "word":
            continue
        word = token.text.upper()
        if word in QUERY_FORMS:
            return word
        if word in UPDATE_KEYWORDS:
            return "UPDATE"
        if word not in ("BASE", "PREFIX"):
            return None
    return None


def clause_targets(sequence: Sequence[Token], base_iri: str) -> Iterator[Clause]:
    """Every SERVICE, FROM and FROM NAMED clause with its IRI resolved as the engine would."""
    prefixes: dict[str, str] = {}
    base = base_iri
    for index, token in enumerate(sequence):
        word = token.text.upper() if token.kind == "word" else ""
        following = sequence[index + 1 : index + 3]
        if word == "BASE" and following and following[0].kind == "iri":
            base = urljoin(base, unescape(following[0].text[1:-1]))
        elif word == "PREFIX" and len(following) == 2 and following[0].kind == "pname" and following[1].kind == "iri":
            prefixes[following[0].text[:-1]] = urljoin(base, unescape(following[1].text[1:-1]))
        elif word in ("SERVICE", "FROM"):
            rest = iter(sequence[index + 1 :])
            target = next(rest, None)
            if target is not None and target.kind == "word" and target.text.upper() in ("SILENT", "NAMED"):
                word = f"{word} {target.text.upper()}" if word == "FROM" else word
                target = next(rest, None)
            yield word, _resolve(target, base, prefixes)
        elif "SERVICE" in word:  # glued to something this tokenizer reads otherwise than the engine: refuse
            yield "SERVICE", None


def dataset_clauses(clauses: Sequence[Clause]) -> Dataset | None:
    """The dataset named by the query's FROM and FROM NAMED clauses, or None when it has none."""
    if not any(keyword.startswith("FROM") for keyword, _ in clauses):
        return None
    return Dataset(
        tuple(iri for keyword, iri in clauses if keyword == "FROM" and iri),
        tuple(iri for keyword, iri in clauses if keyword == "FROM NAMED" and iri),
    )


def _resolve(token: Token | None, base: str, prefixes: dict[str, str]) -> str | None:
    if token is None or token.kind == "var":
        return None
    if token.kind == "iri":
        return urljoin(base, unescape(token.text[1:-1]))
    if token.kind == "pname":
        prefix, _, local = token.text.partition(":")
        return prefixes[prefix] + local if prefix in prefixes else None
    return None


def nesting_depth(sequence: Sequence[Token]) -> int:
    """How deep ``{``, ``(`` and ``[`` nest (brackets inside strings, IRIs and comments are not tokens of their own)."""
    depth = deepest = 0
    for token in sequence:
        if token.kind == "other" and token.text in "({[":
            depth += 1
            deepest = max(deepest, depth)
        elif token.kind == "other" and token.text in ")}]":
            depth = max(0, depth - 1)
    return deepest


def check(sequence: Sequence[Token], clauses: Sequence[Clause], allowed_services: Sequence[str]) -> str | None:
    """The query form if the query may run here; raises GuardError (403 update, 400 SERVICE) otherwise."""
    depth = nesting_depth(sequence)
    if depth > MAX_NESTING:
        raise GuardError(400, f"the query nests brackets {depth} levels deep; at most {MAX_NESTING} are allowed")
    form = query_form(sequence)
    if form == "UPDATE":
        raise GuardError(403, "this endpoint is read-only: SPARQL Update is not accepted")
    for keyword, iri in clauses:
        if keyword != "SERVICE":
            continue
        if iri is None or iri not in allowed_services:
            target = "with a variable or unreadable endpoint" if iri is None else f"<{iri}>"
            raise GuardError(400, f"SERVICE {target} is not allowed: this endpoint only calls the services "
                                  f"it was started with (--allow-service); allowed: {', '.join(allowed_services) or 'none'}")
    return form


def plan(query: str, dataset: Dataset, base_iri: str, allowed_services: Sequence[str],
         accept: str | None = None, requested_format: str | None = None) -> Job:
    """The job that answers ``query``: checked, with its dataset (protocol, else FROM, else the union).

    Raises GuardError, or formats.NotAcceptable when no format fits (so no worker starts for nothing).
    """
    sequence = tokens(query)
    clauses = list(clause_targets(sequence, base_iri))
    form = check(sequence, clauses, allowed_services)
    if form is not None:
        choose(form, accept, requested_format)
    chosen = dataset or dataset_clauses(clauses) or Dataset()
    return Job(query, chosen.default_graphs, chosen.named_graphs, accept, requested_format)
