"""What /sparql decides before any engine runs: query form, updates, SERVICE, FROM, result format."""

from __future__ import annotations

import pytest

from untoc_kg.sparql import guard
from untoc_kg.sparql.formats import NotAcceptable, choose, named_by
from untoc_kg.store import Dataset

BASE = "http://127.0.0.1:8000/"


@pytest.mark.parametrize(("query", "form"), [
    ("SELECT * {}", "SELECT"),
    ("PREFIX ex: <http://example.org/>\nBASE <http://b/>\n  ask {}", "ASK"),
    ("# CONSTRUCT in a comment\nDESCRIBE <x>", "DESCRIBE"),
    ("CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
    ("PREFIX ex: <http://example.org/> INSERT DATA { ex:a ex:b ex:c }", "UPDATE"),
    ("with <g> delete { ?s ?p ?o } where { ?s ?p ?o }", "UPDATE"),
    ("LOAD <http://example.org/x>", "UPDATE"),
    ("SELEC * {}", None),
    ("", None),
])
def test_query_form(query: str, form: str | None) -> None:
    assert guard.query_form(guard.tokens(query)) == form


def test_updates_are_refused_with_403() -> None:
    with pytest.raises(guard.GuardError) as refusal:
        guard.plan("CLEAR ALL", Dataset(), BASE, ())
    assert refusal.value.status == 403 and "read-only" in refusal.value.message


@pytest.mark.parametrize(("query", "endpoints"), [
    ("SELECT * { SERVICE <http://a.example/sparql> { ?s ?p ?o } }", ["http://a.example/sparql"]),
    ("PREFIX e: <http://a.example/> SELECT * { SERVICE SILENT e:sparql {} }", ["http://a.example/sparql"]),
    ("BASE <http://b.example/x/> SELECT * { SERVICE <../sparql> {} }", ["http://b.example/sparql"]),
    ("SELECT * { SERVICE <sparql> {} }", [BASE + "sparql"]),
    ("SELECT * { SERVICE <http://a.example/\\u0073parql> {} }", ["http://a.example/sparql"]),
    ("SELECT * { service ?endpoint {} }", [None]),
    ("SELECT * { SERVICE unknown:prefix {} }", [None]),
    ('SELECT ("SERVICE <http://x/>" AS ?s) {}', []),
    ("SELECT ('''\nSERVICE <http://x/>\n''' AS ?s) {}", []),
    ("SELECT * { ?s <http://x/#SERVICE> ?o } # SERVICE <http://y/>", []),
    ("SELECT ?service { ?service ?p ?o }", []),
    ("PREFIX service: <http://x/> SELECT * { ?s service:SERVICE ?o }", []),
    ("SELECT * { FILTER(?a<?b) SERVICE <http://a.example/> {} }", ["http://a.example/"]),
    ("SELECT * { ?s ?p 1e5SERVICE <http://a.example/> {} }", ["http://a.example/"]),
    ("SELECT * { ?s ?p .5E-1SERVICE <http://a.example/> {} }", ["http://a.example/"]),
    ("SELECT * { ?s ?p 12.SERVICE <http://a.example/> {} }", ["http://a.example/"]),
    ('SELECT * { ?s ?p "x"@en-service }', [None]),
])
def test_service_endpoints_are_found_as_the_engine_reads_them(query: str, endpoints: list) -> None:
    assert [iri for keyword, iri in guard.clause_targets(guard.tokens(query), BASE) if keyword == "SERVICE"] == endpoints


def test_service_needs_the_allow_list() -> None:
    query = "SELECT * { SERVICE <http://a.example/sparql> {} }"
    with pytest.raises(guard.GuardError) as refusal:
        guard.plan(query, Dataset(), BASE, ())
    assert refusal.value.status == 400 and "<http://a.example/sparql> is not allowed" in refusal.value.message
    assert guard.plan(query, Dataset(), BASE, ("http://a.example/sparql",)).query == query
    with pytest.raises(guard.GuardError):
        guard.plan(query.replace("sparql>", "other>"), Dataset(), BASE, ("http://a.example/sparql",))


def test_from_clauses_name_the_dataset() -> None:
    query = "PREFIX g: <http://g.example/> SELECT * FROM g:one FROM <two> FROM NAMED g:three { ?s ?p ?o }"
    assert _dataset_clauses(query) == Dataset(("http://g.example/one", BASE + "two"), ("http://g.example/three",))
    assert _dataset_clauses("SELECT * { ?s ?p ?o }") is None


def _dataset_clauses(query: str) -> Dataset | None:
    return guard.dataset_clauses(list(guard.clause_targets(guard.tokens(query), BASE)))


def test_plan_prefers_the_protocol_dataset_over_from() -> None:
    query = "SELECT * FROM <http://g/from> { ?s ?p ?o }"
    assert guard.plan(query, Dataset(), BASE, ()).default_graphs == ("http://g/from",)
    assert guard.plan(query, Dataset(("http://g/protocol",)), BASE, ()).default_graphs == ("http://g/protocol",)
    assert not guard.plan("SELECT * { ?s ?p ?o }", Dataset(), BASE, ()).dataset


@pytest.mark.parametrize(("form", "accept", "requested", "name"), [
    ("SELECT", None, None, "json"),
    ("ASK", "application/sparql-results+xml", None, "xml"),
    ("SELECT", "text/csv;q=0.4, text/tab-separated-values;q=0.5", None, "tsv"),
    ("SELECT", "text/csv", "json", "json"),
    ("SELECT", None, "application/sparql-results+xml", "xml"),
    ("CONSTRUCT", None, None, "turtle"),
    ("DESCRIBE", "application/ld+json", None, "jsonld"),
    ("CONSTRUCT", None, "xml", "rdfxml"),
    ("CONSTRUCT", None, "nq", "nq"),
    ("CONSTRUCT", "text/n3", None, "turtle"),
])
def test_choose(form: str, accept: str | None, requested: str | None, name: str) -> None:
    assert choose(form, accept, requested).name == name


@pytest.mark.parametrize(("form", "accept", "requested"), [
    ("SELECT", "text/turtle", None), ("CONSTRUCT", "text/csv", None), ("SELECT", None, "ttl"),
    ("ASK", "image/*", None), ("SELECT", "application/sparql-results+json;q=0", None),
])
def test_choose_refuses(form: str, accept: str | None, requested: str | None) -> None:
    with pytest.raises(NotAcceptable):
        choose(form, accept, requested)


def test_format_synonyms() -> None:
    assert named_by("tsv") == named_by("text/tab-separated-values") == {"tsv"}
    assert named_by("xml") == {"xml", "rdfxml"}
    assert named_by("nonsense") == set()
