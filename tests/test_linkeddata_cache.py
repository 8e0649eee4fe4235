"""The Linked Data views' caches, in process: what is kept, under which key, and what it saves.

A small store in memory stands in for a built one (the default graph holds the union of its named
graphs, as in a built store) and counts the queries the views send it; requests are Starlette
``Request`` objects over a scope, handed to the route functions themselves.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pyoxigraph as ox
import pytest
from fastapi import Request
from rdflib import Graph, URIRef
from rdflib.namespace import RDFS

from untoc_kg.config import Settings
from untoc_kg.linkeddata import caching, routes
from untoc_kg.linkeddata.describe import describe, subject_triples_query
from untoc_kg.linkeddata.resources import HTML, JSONLD, NTRIPLES, RDFXML, TURTLE
from untoc_kg.linkeddata.site import NoSuchPage, Site, represent
from untoc_kg.store import Dataset, QueryResults, Store
from untoc_kg.store.manifest import Manifest

BASE = "http://ld.test/"
REPORT = BASE + "id/document/R/1"
DATA = f"""
@prefix untoc: <{BASE}ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<{BASE}graph/R/1> {{
  <{BASE}id/document/R/1> a untoc:Report ; rdfs:label "Informe 1"@es, "Report 1"@en ;
      untoc:symbol "R/1" ; untoc:reportOf <{BASE}id/meeting/G/1> ; untoc:statedIn <{BASE}id/document/R/1/passage/1> .
  <{BASE}id/document/R/1/passage/1> untoc:text "The meeting was held."@en ; untoc:paragraphNumber "1" ;
      untoc:passageOf <{BASE}id/document/R/1> .
  <{BASE}id/meeting/G/1> untoc:produces <{BASE}id/document/R/1> ; rdfs:label "Meeting 1"@en .
  <{BASE}id/group/G> untoc:holds <{BASE}id/meeting/G/1> ; rdfs:label "Group G"@en .
  <{BASE}graph/R/1> untoc:sourceDocument <{BASE}id/document/R/1> .
}}
<{BASE}graph/R/2> {{
  <{BASE}id/meeting/G/1> rdfs:label "Meeting 1"@en ; untoc:meetingOf <{BASE}id/group/G> .
}}
"""


class CountingStore(Store):
    """An in-memory store that records every query it is sent."""

    def __init__(self) -> None:
        self.engine = ox.Store()
        self.engine.load(DATA.encode(), format=ox.RdfFormat.TRIG)
        self.engine.extend([ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph())
                            for q in self.engine.quads_for_pattern(None, None, None, None)])
        self.base_iri = BASE
        self.queries: list[str] = []

    def query(self, sparql: str, dataset: Dataset | None = None) -> QueryResults:
        self.queries.append(sparql)
        return self.engine.query(sparql, base_iri=self.base_iri)

    def graph_sizes(self) -> dict[str, int]:
        return {}

    def quads(self):
        return iter(self.engine.quads_for_pattern(None, None, None, None))


def make_site(tmp_path: Path, built_at: str = "2024-05-01T12:00:00+00:00") -> Site:
    manifest = Manifest(base_iri=BASE, inputs_key="inputs", built_at=built_at)
    return Site(CountingStore(), Settings(store_dir=tmp_path, base_iri=BASE), manifest)


def make_request(the_site: Site, path: str, query: str = "", method: str = "GET", **headers: str) -> Request:
    return Request({
        "type": "http", "method": method, "scheme": "http", "server": ("ld.test", 80), "root_path": "",
        "path": path, "raw_path": path.encode(), "query_string": query.encode(),
        "headers": [(name.replace("_", "-").lower().encode(), value.encode()) for name, value in headers.items()],
        "app": SimpleNamespace(state=SimpleNamespace(linkeddata_site=the_site)),
    })


class Renderer:
    """A render function that says what it was asked for, and counts how often it ran."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    def __call__(self, fmt, lang: str) -> bytes:
        self.calls.append((fmt.extension, lang))
        return f"{fmt.extension} {lang} #{len(self.calls)}".encode()


# The LRU itself.

def test_lru_evicts_the_least_recently_used_within_its_capacity() -> None:
    cache = caching.LRU(capacity=3)
    for key in "abc":
        cache.put(key, key.upper())
    assert cache.get("a") == "A"  # a is now the most recent
    cache.put("d", "D")
    assert cache.get("b") is None and [cache.get(k) for k in "acd"] == ["A", "C", "D"]
    assert len(cache) == 3 and cache.size == 3


def test_body_cache_counts_bytes_and_keeps_no_body_too_large() -> None:
    cache = caching.representations(capacity=8 * 4096)
    key = lambda n: ("/doc/x", f"page={n}", "text/turtle", "")
    for n in range(100):
        cache.put(key(n), b"x" * 1000)
        assert cache.size <= cache.capacity
    assert cache.size == sum(caching.body_cost(key(n), b"x" * 1000) for n in range(100 - len(cache), 100))
    assert cache.get(key(99)) == b"x" * 1000 and cache.get(key(0)) is None
    cache.put(key(99), b"y" * 10)  # replacing an entry counts only the new body
    assert cache.get(key(99)) == b"y" * 10
    assert cache.size == sum(caching.body_cost(key(n), b"x" * 1000) for n in range(100 - len(cache), 99)) + \
        caching.body_cost(key(99), b"y" * 10)
    cache.put(("/big", "", "text/html", "en"), b"z" * 4096)
    assert cache.get(("/big", "", "text/html", "en")) is None


# represent(): one render per variant, never an answer for another variant.

def test_a_variant_is_rendered_once_then_sent_from_the_cache(tmp_path: Path) -> None:
    the_site, render = make_site(tmp_path), Renderer()
    first = represent(make_request(the_site, "/doc/x", accept="text/turtle"), render, path="/doc/x")
    again = represent(make_request(the_site, "/doc/x", accept="text/turtle"), render, path="/doc/x")
    head = represent(make_request(the_site, "/doc/x", method="HEAD", accept="text/turtle"), render, path="/doc/x")
    assert render.calls == [("ttl", "")]
    assert first.body == again.body == head.body == b"ttl  #1"
    assert first.headers["etag"] == again.headers["etag"] == head.headers["etag"]
    assert again.headers["content-type"] == "text/turtle; charset=utf-8"


@pytest.mark.parametrize("accept", ["text/turtle", "application/ld+json", "application/n-triples",
                                    "application/rdf+xml", "text/html"])
def test_every_format_and_language_is_its_own_entry(tmp_path: Path, accept: str) -> None:
    the_site, render = make_site(tmp_path), Renderer()
    asked = [("text/turtle", "en"), ("text/html", "en"), ("application/ld+json", "en"),
             ("application/n-triples", "en"), ("application/rdf+xml", "en")]
    for media_type, lang in asked:  # fill the cache with every variant but the Spanish page first
        represent(make_request(the_site, "/doc/x", accept=media_type, accept_language=lang), render, path="/doc/x")
    for _ in range(2):
        answer = represent(make_request(the_site, "/doc/x", accept=accept, accept_language="es"), render, path="/doc/x")
        fmt = {f.media_type: f for f in (HTML, TURTLE, JSONLD, NTRIPLES, RDFXML)}[accept]
        lang = "es" if fmt == HTML else ""
        assert answer.headers["content-type"].startswith(accept)
        assert answer.body.decode().startswith(f"{fmt.extension} {lang} #")
        assert answer.body == the_site.representations.get(
            (*caching.store_key(the_site.manifest), "/doc/x", "", accept, lang))
    assert len(render.calls) == len(asked) + (accept == "text/html")  # only the Spanish page was new


def test_extension_urls_query_strings_and_paths_are_distinct_variants(tmp_path: Path) -> None:
    the_site, render = make_site(tmp_path), Renderer()
    bodies = {}
    for path, query in [("/doc/x", ""), ("/doc/x.ttl", ""), ("/doc/x", "page=1&page=2"), ("/doc/x", "page=2&page=1"),
                        ("/search", "q=a&q=b"), ("/search", "q=a%26q%3Db"), ("/doc/a?b", ""), ("/doc/a%3Fb", "")]:
        answer = represent(make_request(the_site, path, query, accept="text/turtle"), render, path="/doc/x")
        bodies[(path, query)] = (answer.body, answer.headers["etag"])
    assert len(render.calls) == len(bodies)
    assert len({etag for _, etag in bodies.values()}) == len(bodies)
    # the same parameters in another order of names are the same variant
    same = represent(make_request(the_site, "/doc/x", "lang=en&page=2", accept="text/turtle"), render, path="/doc/x")
    other = represent(make_request(the_site, "/doc/x", "page=2&lang=en", accept="text/turtle"), render, path="/doc/x")
    assert same.body == other.body and same.headers["etag"] == other.headers["etag"]


def test_another_store_never_sees_this_ones_bodies(tmp_path: Path) -> None:
    old, render = make_site(tmp_path), Renderer()
    new = make_site(tmp_path, built_at="2024-06-01T12:00:00+00:00")
    new.representations = old.representations  # even a shared cache keys by the store
    first = represent(make_request(old, "/doc/x", accept="text/turtle"), render, path="/doc/x")
    second = represent(make_request(new, "/doc/x", accept="text/turtle"), render, path="/doc/x")
    assert len(render.calls) == 2 and first.body != second.body
    assert first.headers["etag"] != second.headers["etag"]


def test_failures_and_304s_are_not_cached(tmp_path: Path) -> None:
    the_site, render = make_site(tmp_path), Renderer()

    def no_rdfxml(fmt, lang):
        if fmt == RDFXML:
            raise ValueError("Can't split")
        return render(fmt, lang)

    for _ in range(2):
        assert represent(make_request(the_site, "/doc/x", accept="application/rdf+xml"), no_rdfxml,
                         path="/doc/x").status_code == 406

    def past_the_end(fmt, lang):
        raise NoSuchPage("there is only 1 page")

    for _ in range(2):
        with pytest.raises(NoSuchPage):
            represent(make_request(the_site, "/doc/x", "page=9", accept="text/html"), past_the_end, path="/doc/x")
    etag = caching.entity_tag(the_site.manifest, "/doc/x", "", "text/turtle", "")
    answer = represent(make_request(the_site, "/doc/x", accept="text/turtle", if_none_match=etag), render, path="/doc/x")
    assert answer.status_code == 304 and render.calls == [] and len(the_site.representations) == 0


# The description route: what a first and a repeated request cost in queries.

def test_repeated_dereferencing_sends_no_query(tmp_path: Path) -> None:
    the_site = make_site(tmp_path)
    store = the_site.store
    first = routes.description(make_request(the_site, "/doc/document/R/1", accept="text/turtle"), path="document/R/1")
    assert first.status_code == 200 and len(store.queries) >= 2
    store.queries.clear()
    see_other = routes.thing(make_request(the_site, "/id/document/R/1", accept="text/turtle"), path="document/R/1")
    again = routes.description(make_request(the_site, "/doc/document/R/1", accept="text/turtle"), path="document/R/1")
    assert see_other.status_code == 303 and see_other.headers["location"] == "/doc/document/R/1"
    assert again.status_code == 200 and again.body == first.body
    assert store.queries == []
    page = routes.description(make_request(the_site, "/doc/document/R/1", accept="text/html"), path="document/R/1")
    assert page.status_code == 200 and store.queries  # another format is rendered, from the store


def test_names_that_name_nothing_are_asked_again(tmp_path: Path) -> None:
    the_site = make_site(tmp_path)
    for _ in range(2):
        answer = routes.thing(make_request(the_site, "/id/document/R/9", accept="text/plain"), path="document/R/9")
        assert answer.status_code == 404
    assert len(the_site.store.queries) >= 2 and len(the_site.resolved) == 0


# The description's queries.

def test_restricted_subject_query_reads_only_the_named_predicates(tmp_path: Path) -> None:
    """One VALUES block (with two, Oxigraph does not use them to look triples up), and the same rows."""
    store = CountingStore()
    nodes = [URIRef(REPORT), URIRef(BASE + "id/meeting/G/1")]
    predicates = (RDFS.label, URIRef(BASE + "ontology#symbol"))
    query = subject_triples_query(nodes, predicates)
    assert query.count("VALUES") == 1
    values = lambda items: " ".join(f"<{i}>" for i in items)
    two_values = (f"SELECT DISTINCT ?s ?p ?o {{ VALUES ?s {{ {values(nodes)} }} VALUES ?p {{ {values(predicates)} }} "
                  "?s ?p ?o }")
    rows = lambda text: {tuple(str(row[v]) for v in ("s", "p", "o")) for row in store.query(text)}
    assert rows(query) == rows(two_values) and len(rows(query)) == 4  # 2 labels and a symbol, 1 label


def test_description_holds_labels_provenance_and_sources(tmp_path: Path) -> None:
    store = CountingStore()
    described = describe(store, BASE, REPORT, BASE + "doc/document/R/1")
    graph: Graph = described.graph
    untoc = BASE + "ontology#"
    assert (URIRef(BASE + "id/document/R/1/passage/1"), URIRef(untoc + "text"), None) in graph
    assert (URIRef(BASE + "id/meeting/G/1"), RDFS.label, None) in graph
    assert described.inverse_count == 3  # produced by the meeting, its passage's document, its graph's source
    assert {str(g) for g in graph.objects(URIRef(BASE + "doc/document/R/1"), URIRef("http://purl.org/dc/terms/source"))} \
        == {BASE + "graph/R/1"}
