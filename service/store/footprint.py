"""What the graphs hidden from a deployment hold, and whether a query's patterns could match it.

On Virtuoso a deployment hides the other graphs on the server with exclusion pragmas, which make
the server check the graph of every quad a pattern reads (a heavy join pays 2 to 8 times its time).
A query whose every triple pattern provably cannot match a hidden graph's triple answers the same
without them; ``may_match_hidden`` proves that from the hidden graphs' ``Footprint``, reading the
query's patterns with a small SPARQL reader (``Patterns``) that gives up on whatever it does not
recognise. ``RemoteStore`` (``untoc_kg.store.remote``) reads the footprints and sends the pragmas.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

from ..sparqltext import TOKEN, unescape
from . import Dataset

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@dataclass(frozen=True)
class Footprint:
    """What the graphs hidden from this deployment hold that a triple pattern could match: the
    predicates they use, the classes they give with ``rdf:type``, and whether any of their triples
    has a subject, or an IRI object, under ``base`` (the served base)."""

    predicates: frozenset[str] = frozenset()
    classes: frozenset[str] = frozenset()
    base: str = ""
    base_subjects: bool = False
    base_objects: bool = False
    objects: frozenset[str] = frozenset()
    """IRIs under ``base`` that are objects in hidden graphs although ``base_objects`` is False: the
    served graphs' names, which this deployment's own manifest graph lists."""

    def __or__(self, other: "Footprint") -> "Footprint":
        assert self.base == other.base or not (self.base and other.base)
        return Footprint(self.predicates | other.predicates, self.classes | other.classes, self.base or other.base,
                         self.base_subjects or other.base_subjects, self.base_objects or other.base_objects,
                         self.objects | other.objects)

    def private(self, iri: str | None, position: str) -> bool:
        """Whether no hidden triple has ``iri`` as its subject (or object): it lies under the served
        base, and no hidden graph holds a subject (an object) there."""
        if iri is None or not self.base or not iri.startswith(self.base):
            return False
        if position == "subject":
            return not self.base_subjects
        return not self.base_objects and iri not in self.objects


_END = ("end", "")


class MayMatch(Exception):
    """A pattern of the query could match a triple of a hidden graph, or the query was not understood."""


class Patterns:
    """Reads the triple patterns of a query, just far enough to prove that none can match a hidden graph.

    A triple pattern only matches triples with its constant parts. It cannot match a hidden graph's
    triple when its predicate is a constant that no hidden graph uses (for ``rdf:type`` hidden graphs
    do use: when its class is a constant they do not use), or when it is one plain predicate (or
    variable) whose subject, or every object, is an IRI under the served base that no hidden graph
    has there. A query whose every pattern is such answers the same with or without Virtuoso's
    exclusion pragmas, and is sent without them. Anything else raises ``MayMatch``: a variable or
    negated property set as predicate, a ``*`` or ``?`` path (a zero-length path matches every node
    of every graph), ``GRAPH``, ``FROM``, ``DESCRIBE``, ``DEFINE``, collections, RDF-star,
    undeclared prefixes, and whatever this reader does not recognise. ``SERVICE`` bodies are
    skipped: the remote endpoint evaluates them.
    """

    def __init__(self, sparql: str, base_iri: str, footprint: Footprint) -> None:
        self.tokens = [(m.lastgroup or "other", m.group()) for m in TOKEN.finditer(sparql)
                       if m.lastgroup not in ("space", "comment")]
        self.at = 0
        self.base = base_iri
        self.prefixes: dict[str, str] = {}
        self.footprint = footprint

    def check(self) -> None:
        self.query(inside_group=False)

    def dataset(self) -> Dataset:
        """The graphs that the query's FROM and FROM NAMED clauses name (read in the prologue's scope)."""
        default: list[str] = []
        named: list[str] = []
        while self.peek() is not _END:
            word = self.keyword(self.take())
            if word == "PREFIX":
                name, iri = self.take(), self.take()
                self.prefixes[name[1][:-1]] = self.iri(iri)
            elif word == "BASE":
                self.base = self.iri(self.take())
            elif word == "FROM":
                into = default
                if self.keyword(self.peek()) == "NAMED":
                    self.at += 1
                    into = named
                into.append(self.iri(self.take()))
        return Dataset(tuple(default), tuple(named))

    # --- tokens ---

    def peek(self, ahead: int = 0) -> tuple[str, str]:
        index = self.at + ahead
        return self.tokens[index] if index < len(self.tokens) else _END

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is _END:
            raise MayMatch("the query ends early")
        self.at += 1
        return token

    def keyword(self, token: tuple[str, str]) -> str:
        return token[1].upper() if token[0] == "word" else ""

    def expect(self, text: str) -> None:
        if self.take() != ("other", text):
            raise MayMatch(f"expected {text}")

    def iri(self, token: tuple[str, str]) -> str:
        kind, text = token
        if kind == "iri":
            value = unescape(text[1:-1])
            if re.match(r"[A-Za-z][\w+.-]*:", value):
                return value
            if any(part in value for part in ("./", "/.", "//", "\\")) or value in (".", ".."):
                raise MayMatch("a relative IRI this reader does not resolve")
            return urljoin(self.base, value)
        if kind == "pname":
            prefix, _, local = text.partition(":")
            if prefix not in self.prefixes or "\\" in local:
                raise MayMatch(f"prefix {prefix}: is not declared in the query")
            return self.prefixes[prefix] + local
        raise MayMatch("not an IRI")

    # --- the query and its groups ---

    def query(self, inside_group: bool) -> None:
        """A whole query, or a subquery up to the ``}`` that closes its group."""
        while True:
            token = self.peek()
            if token is _END:
                if inside_group:
                    raise MayMatch("unclosed group")
                return
            self.at += 1
            word = self.keyword(token)
            if token == ("other", "}"):
                if inside_group:
                    return
                raise MayMatch("unbalanced }")
            if token == ("other", "{"):
                self.group()
            elif token[0] == "iri" and ("(" in token[1] or ")" in token[1]):
                raise MayMatch("an IRI-looking token that may hide a bracket")
            elif word == "PREFIX":
                name, iri = self.take(), self.take()
                if name[0] != "pname" or not name[1].endswith(":"):
                    raise MayMatch("malformed PREFIX")
                self.prefixes[name[1][:-1]] = self.iri(iri)
            elif word == "BASE":
                self.base = self.iri(self.take())
            elif word == "CONSTRUCT" and self.peek() == ("other", "{"):
                self.at += 1
                self.skip_block()  # the template matches nothing
            elif word == "VALUES":
                self.skip_values()
            elif word in ("FROM", "DESCRIBE", "GRAPH", "SERVICE", "WITH", "USING", "LOAD", "DEFINE"):
                raise MayMatch(f"{word} at the top of the query")

    def group(self) -> None:
        """A group graph pattern, its ``{`` already read."""
        first = True
        while True:
            token = self.peek()
            word = self.keyword(token)
            if token is _END:
                raise MayMatch("unclosed group")
            if token == ("other", "}"):
                self.at += 1
                return
            if token == ("other", "."):
                self.at += 1
            elif token == ("other", "{"):
                self.at += 1
                self.group()
            elif word == "SELECT" and first:
                self.at += 1
                self.query(inside_group=True)
                return
            elif word in ("OPTIONAL", "MINUS"):
                self.at += 1
                self.expect("{")
                self.group()
            elif word == "UNION":
                self.at += 1
            elif word == "FILTER":
                self.at += 1
                self.constraint()
            elif word == "BIND":
                self.at += 1
                self.expect("(")
                self.expression()
            elif word == "VALUES":
                self.at += 1
                self.skip_values()
            elif word == "SERVICE":
                self.at += 1
                if self.keyword(self.peek()) == "SILENT":
                    self.at += 1
                if self.take()[0] not in ("iri", "pname", "var"):
                    raise MayMatch("malformed SERVICE")
                self.expect("{")
                self.skip_block()
            else:
                self.triples()
            first = False

    def constraint(self) -> None:
        token = self.take()
        word = self.keyword(token)
        if token == ("other", "("):
            self.expression()
        elif word in ("EXISTS", "NOT"):
            if word == "NOT" and self.keyword(self.take()) != "EXISTS":
                raise MayMatch("NOT without EXISTS")
            self.expect("{")
            self.group()
        elif token[0] in ("word", "iri", "pname"):
            self.expect("(")
            self.expression()
        else:
            raise MayMatch("malformed FILTER")

    def expression(self) -> None:
        """Up to the ``)`` that closes an expression, its ``(`` already read; EXISTS groups are read."""
        depth = 1
        while depth:
            kind, text = self.take()
            if kind == "iri" and ("(" in text or ")" in text):
                raise MayMatch("an IRI-looking token that may hide a bracket")  # ``?a<(?b)>?c``
            if kind == "other":
                if text == "(":
                    depth += 1
                elif text == ")":
                    depth -= 1
                elif text == "{":
                    self.group()
                elif text == "}":
                    raise MayMatch("unbalanced }")

    def skip_block(self) -> None:
        """Up to the ``}`` that closes a block, its ``{`` already read (no pattern in it is read)."""
        depth = 1
        while depth:
            token = self.take()
            if token == ("other", "{"):
                depth += 1
            elif token == ("other", "}"):
                depth -= 1

    def skip_values(self) -> None:
        while self.peek() != ("other", "{"):
            self.take()
        self.at += 1
        self.skip_block()

    # --- triples ---

    def triples(self) -> None:
        if self.peek() == ("other", "["):
            self.at += 1
            if self.peek() == ("other", "]"):
                self.at += 1
                self.properties(required=True)
                return
            self.properties(required=True)
            self.expect("]")
            self.properties(required=False)
            return
        subject = self.term()
        self.properties(required=True, private=self.footprint.private(subject, "subject"))

    def starts_verb(self) -> bool:
        kind, text = self.peek()
        return kind in ("var", "iri", "pname") or (kind, text) in (("word", "a"), ("other", "^"), ("other", "("),
                                                                 ("other", "!"))

    def properties(self, required: bool, private: bool = False) -> None:
        if not self.starts_verb():
            if required:
                raise MayMatch("a subject without a predicate")
            return
        while True:
            self.verb_and_objects(private)
            if self.peek() != ("other", ";"):
                return
            while self.peek() == ("other", ";"):
                self.at += 1
            if not self.starts_verb():
                return

    def verb_and_objects(self, private_subject: bool) -> None:
        """A predicate (or path) and its objects: safe when the subject, or every object, is an IRI
        no hidden triple has there (one plain predicate, which may be a variable), or when hidden
        graphs do not use the predicate (for ``rdf:type``: the classes)."""
        iris: list[str] | None = None
        if self.peek()[0] == "var":
            self.at += 1
            simple = True
        else:
            iris = []
            simple = self.path(iris)
        objects = self.objects()
        if simple and (private_subject or all(self.footprint.private(o, "object") for o in objects)):
            return
        if iris is None:
            raise MayMatch("a variable predicate")
        if simple and iris == [RDF_TYPE] and RDF_TYPE in self.footprint.predicates:
            if any(o is None or o in self.footprint.classes for o in objects):
                raise MayMatch("a class that a hidden graph may use")
            return
        if any(iri in self.footprint.predicates for iri in iris):
            raise MayMatch("a predicate that a hidden graph uses")

    def path(self, iris: list[str]) -> bool:
        """A property path; its IRIs go to ``iris``; True when it is one plain IRI."""
        simple = self.path_sequence(iris)
        while self.peek() == ("other", "|"):
            self.at += 1
            self.path_sequence(iris)
            simple = False
        return simple

    def path_sequence(self, iris: list[str]) -> bool:
        simple = self.path_step(iris)
        while self.peek() == ("other", "/"):
            self.at += 1
            self.path_step(iris)
            simple = False
        return simple

    def path_step(self, iris: list[str]) -> bool:
        simple = True
        if self.peek() == ("other", "^"):
            self.at += 1
            simple = False
        token = self.take()
        if token == ("word", "a"):
            iris.append(RDF_TYPE)
        elif token[0] in ("iri", "pname"):
            iris.append(self.iri(token))
        elif token == ("other", "("):
            self.path(iris)
            self.expect(")")
            simple = False
        else:
            raise MayMatch("a negated property set or a variable in a path")
        if self.peek()[0] == "other" and self.peek()[1] in ("*", "?", "{"):
            raise MayMatch("a path that may have length zero")
        if self.peek() == ("other", "+"):
            self.at += 1
            simple = False
        return simple

    def objects(self) -> list[str | None]:
        """An object list: each object's IRI, or None for anything else."""
        found: list[str | None] = []
        while True:
            if self.peek() == ("other", "["):
                self.at += 1
                if self.peek() != ("other", "]"):
                    self.properties(required=True)
                self.expect("]")
                found.append(None)
            else:
                found.append(self.term())
            if self.peek() != ("other", ","):
                return found
            self.at += 1

    def term(self) -> str | None:
        """A variable or RDF term; its IRI when it is one."""
        kind, text = self.take()
        if kind in ("var", "number"):
            return None
        if kind in ("iri", "pname"):
            return self.iri((kind, text))
        if (kind, text) in (("word", "true"), ("word", "false")):
            return None
        if (kind, text) == ("word", "_") and self.peek()[0] == "pname":  # a blank node label, _:b1
            self.at += 1
            return None
        if kind == "other" and text in "+-" and self.peek()[0] == "number":
            self.at += 1
            return None
        if kind == "string":
            if self.peek() == ("other", "@") and self.peek(1)[0] == "word":
                self.at += 2
            elif self.peek() == ("other", "^") and self.peek(1) == ("other", "^"):
                self.at += 2
                self.iri(self.take())
            return None
        raise MayMatch(f"not a term: {text!r}")


def may_match_hidden(sparql: str, base_iri: str, footprint: Footprint | None) -> bool:
    """Whether a pattern of ``sparql`` could match a triple of a graph with ``footprint`` (None: unknown).

    False only when no pattern provably can (see ``Patterns``); then those graphs cannot change the
    answer, and the query needs no exclusion pragmas.
    """
    if footprint is None:
        return True
    try:
        Patterns(sparql, base_iri, footprint).check()
    except MayMatch:
        return True
    return False


def calls_service(sparql: str) -> bool:
    """Whether ``sparql`` has a SERVICE clause (a keyword, not a word inside an IRI, string or comment)."""
    if "service" not in sparql.lower():
        return False
    return any(kind == "word" and text.upper() == "SERVICE"
               for kind, text in (((m.lastgroup or "other"), m.group()) for m in TOKEN.finditer(sparql)))
