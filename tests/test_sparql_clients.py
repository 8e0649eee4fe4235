"""Real SPARQL clients against `untoc-kg serve`: SPARQLWrapper and rdflib's SPARQLStore."""

from __future__ import annotations

import pytest
import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, N3, POST, TSV, TURTLE, XML, SPARQLWrapper

EX = "http://example.org/"
TRIG = f"""\
@prefix ex: <{EX}> .
ex:g1 {{ ex:a ex:name "Ann"@en ; ex:age 41 . }}
ex:g2 {{ ex:b ex:name "Bo" ; ex:knows ex:a . }}
"""
NAMES = f"SELECT ?s ?name WHERE {{ ?s <{EX}name> ?name }} ORDER BY STR(?name)"  # STR: engines order a plain and a tagged literal differently


@pytest.fixture(scope="module")
def endpoint(serve, tmp_path_factory) -> str:
    data = tmp_path_factory.mktemp("sparql-clients") / "people.trig"
    data.write_text(TRIG)
    return serve("--no-project-data", "--data", str(data), "--client-rate", "0").sparql


@pytest.mark.parametrize("method", ["GET", POST])
def test_sparqlwrapper_select_json(endpoint: str, method: str) -> None:
    client = SPARQLWrapper(endpoint)
    client.setMethod(method)
    client.setQuery(NAMES)
    client.setReturnFormat(JSON)
    rows = client.query().convert()["results"]["bindings"]
    assert [(r["s"]["value"], r["name"]["value"], r["name"].get("xml:lang")) for r in rows] == [
        (EX + "a", "Ann", "en"), (EX + "b", "Bo", None)]


def _client(endpoint: str, query: str, return_format: str) -> SPARQLWrapper:
    """A fresh client per format: SPARQLWrapper accumulates format parameters when one is reused."""
    client = SPARQLWrapper(endpoint)
    client.setQuery(query)
    client.setReturnFormat(return_format)
    return client


def test_sparqlwrapper_select_xml_csv_tsv(endpoint: str) -> None:
    document = _client(endpoint, NAMES, XML).query().convert()
    assert [n.firstChild.data for n in document.getElementsByTagName("literal")] == ["Ann", "Bo"]
    for fmt, separator in ((CSV, ","), (TSV, "\t")):
        lines = _client(endpoint, NAMES, fmt).query().convert().decode().splitlines()
        assert len(lines) == 3 and separator in lines[0]


def test_sparqlwrapper_ask_and_construct(endpoint: str) -> None:
    assert _client(endpoint, f"ASK {{ <{EX}b> <{EX}knows> <{EX}a> }}", JSON).query().convert()["boolean"] is True
    for fmt in (TURTLE, N3, XML):
        result = _client(endpoint, "CONSTRUCT WHERE { ?s ?p ?o }", fmt).query().convert()
        graph = result if isinstance(result, rdflib.Graph) else rdflib.Graph().parse(data=result, format="turtle")
        assert len(graph) == 4


def test_sparqlwrapper_sees_the_refusal_of_an_update(endpoint: str) -> None:
    from urllib.error import HTTPError

    client = _client(endpoint, "INSERT DATA { <urn:a> <urn:b> <urn:c> }", JSON)
    client.setMethod(POST)
    with pytest.raises(HTTPError) as refusal:
        client.query()
    assert refusal.value.code == 403 and b"read-only" in refusal.value.read()


def test_rdflib_sparqlstore(endpoint: str) -> None:
    graph = rdflib.Graph(store=SPARQLStore(endpoint, returnFormat="json"))
    rows = list(graph.query(NAMES))
    assert [(str(s), str(name)) for s, name in rows] == [(EX + "a", "Ann"), (EX + "b", "Bo")]
    assert graph.query(f"ASK {{ <{EX}a> <{EX}age> 41 }}").askAnswer is True
    assert (rdflib.URIRef(EX + "b"), rdflib.URIRef(EX + "knows"), rdflib.URIRef(EX + "a")) in graph
    assert len(list(graph.triples((None, rdflib.URIRef(EX + "name"), None)))) == 2


def test_rdflib_sparqlstore_construct_and_named_graphs(endpoint: str) -> None:
    """returnFormat="xml" makes rdflib accept RDF/XML as well as XML results (with "json" it asks
    a CONSTRUCT for SPARQL JSON only, which the endpoint rightly answers with 406)."""
    store = SPARQLStore(endpoint, returnFormat="xml")
    assert len(rdflib.Graph(store=store).query("CONSTRUCT WHERE { ?s ?p ?o }").graph) == 4
    assert {str(c) for c in store.contexts()} >= {EX + "g1", EX + "g2"}
    g1 = rdflib.Graph(store=store, identifier=rdflib.URIRef(EX + "g1"))
    assert {str(o) for o in g1.objects(None, rdflib.URIRef(EX + "name"))} == {"Ann"}


def test_rdflib_sparqlstore_json_construct_is_refused_with_406(endpoint: str) -> None:
    from urllib.error import HTTPError

    with pytest.raises((HTTPError, ValueError)) as refusal:
        rdflib.Graph(store=SPARQLStore(endpoint, returnFormat="json")).query("CONSTRUCT WHERE { ?s ?p ?o }")
    cause = refusal.value if isinstance(refusal.value, HTTPError) else refusal.value.__context__
    assert isinstance(cause, HTTPError) and cause.code == 406
