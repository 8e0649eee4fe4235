"""Linked Data views over real HTTP: dereferencing, content negotiation, caching, VoID, dumps, pages.

Every RDF answer is parsed back with rdflib and compared with what the SPARQL endpoint of the same
server says about the resource, so the checks follow the project's data rather than a copy of it.
"""

from __future__ import annotations

import gzip
import html
import hashlib
import re
import subprocess
from email.utils import format_datetime, parsedate_to_datetime
from datetime import timedelta
from html.parser import HTMLParser

import httpx
import pytest
from rdflib import Dataset, Graph, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, RDF, RDFS, VOID, XSD

from conftest import UNLIMITED, Server, require_binary, select

RDF_TYPES = {"text/turtle": "turtle", "application/ld+json": "json-ld", "application/n-triples": "nt",
             "application/rdf+xml": "xml"}
EXTENSIONS = {"ttl": "text/turtle", "jsonld": "application/ld+json", "nt": "application/n-triples",
              "rdf": "application/rdf+xml", "html": "text/html"}
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
# One resource of each kind the dataset mints, by its class in the ontology.
KIND_CLASSES = ("Decision", "Resolution", "WorkingGroup", "Meeting", "Session", "Report", "Note",
                "ProvisionalAgenda", "AgendaItem", "Passage", "Place", "Convention", "Protocol", "Conference",
                "Secretariat", "SourceGraph")
REPORT = "id/document/CTOC/COP/WG.4/2023/5"


@pytest.fixture(scope="module")
def ld(serve) -> Server:
    """The project's data on a real server whose client budget does not get in the tests' way."""
    return serve(*UNLIMITED)


def own_triples(server: Server, iri: str) -> set[tuple[str, str]]:
    return {(r["p"], r["o"]) for r in select(server, f"SELECT DISTINCT ?p ?o {{ <{iri}> ?p ?o FILTER(!isBlank(?o)) }}")}


def examples(server: Server) -> dict[str, str]:
    untoc = server.url + "ontology#"
    found = {}
    for name in KIND_CLASSES:
        rows = select(server, f"SELECT (MIN(STR(?s)) AS ?s) {{ ?s a <{untoc}{name}> FILTER(isIRI(?s)) }}")
        assert rows and "s" in rows[0], f"the data has no {name}"
        found[name] = rows[0]["s"]
    return found


@pytest.fixture(scope="module")
def kinds(ld: Server) -> dict[str, str]:
    return examples(ld)


def get(url: str, **headers: str) -> httpx.Response:
    return httpx.get(url, headers=headers, timeout=30)


def parse(text: str, media_type: str, base: str) -> Graph:
    return Graph().parse(data=text, format=RDF_TYPES[media_type], publicID=base)


def graph_has(graph: Graph, subject: str, expected: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """The expected (predicate, object) pairs of ``subject`` that are missing from ``graph``."""
    present = {(str(p), str(o)) for p, o in graph.predicate_objects(URIRef(subject))}
    return expected - present


# Dereferencing: 303 from the thing, 200 from the description, 304 when unchanged.

@pytest.mark.parametrize("kind", KIND_CLASSES)
@pytest.mark.parametrize("media_type", [*RDF_TYPES, "text/html"])
def test_thing_303_description_200_then_304(ld: Server, kinds: dict[str, str], kind: str, media_type: str) -> None:
    iri = kinds[kind]
    first = get(iri, Accept=media_type)
    assert first.status_code == 303
    target = httpx.URL(iri).join(first.headers["location"])
    assert str(target).startswith(ld.url + "doc/")
    answer = get(str(target), Accept=media_type)
    assert answer.status_code == 200
    assert answer.headers["content-type"].split(";")[0] == media_type
    assert "Accept" in answer.headers["vary"] and answer.headers["access-control-allow-origin"] == "*"
    assert re.fullmatch(r'"[0-9a-f]{32}"', answer.headers["etag"])
    links = answer.headers["link"]
    for extension, alternate in EXTENSIONS.items():
        assert f'.{extension}>; rel="alternate"; type="{alternate}"' in links
    if media_type == "text/html":
        assert f"<code>{iri}</code>" in answer.text
        embedded = re.search(r'<script type="application/ld\+json">(.*?)</script>', answer.text, re.S)
        graph = Graph().parse(data=embedded.group(1), format="json-ld", publicID=str(target))
    else:
        graph = parse(answer.text, media_type, str(target))
    assert graph_has(graph, iri, own_triples(ld, iri)) == set()
    variant = get(str(target.join(answer.headers["content-location"])), Accept="image/png")
    assert variant.status_code == 200 and variant.headers["content-type"] == answer.headers["content-type"]
    if media_type != "text/html":
        assert isomorphic(parse(variant.text, media_type, str(target)), graph)
    again = get(str(target), Accept=media_type, **{"If-None-Match": answer.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == answer.headers["etag"]
    since = get(str(target), Accept=media_type, **{"If-Modified-Since": answer.headers["last-modified"]})
    assert since.status_code == 304


@pytest.mark.parametrize("extension", EXTENSIONS)
def test_extension_chooses_the_format_whatever_accept_says(ld: Server, extension: str) -> None:
    answer = get(ld.url + "doc/document/CTOC/COP/WG.4/2023/5." + extension, Accept="image/png")
    assert answer.status_code == 200
    assert answer.headers["content-type"].split(";")[0] == EXTENSIONS[extension]
    assert "Content-Location" not in answer.headers
    if extension != "html":
        graph = parse(answer.text, EXTENSIONS[extension], ld.url)
        assert (URIRef(ld.url + REPORT), None, None) in graph


def test_nothing_acceptable_is_406(ld: Server) -> None:
    answer = get(ld.url + "doc/" + REPORT.removeprefix("id/"), Accept="image/png, application/pdf")
    assert answer.status_code == 406
    assert "text/turtle" in answer.text


def test_default_for_any_type_is_turtle_with_content_location(ld: Server) -> None:
    answer = get(ld.url + "doc/" + REPORT.removeprefix("id/"), Accept="*/*")
    assert answer.headers["content-type"].startswith("text/turtle")
    assert answer.headers["content-location"].endswith("/2023/5.ttl")


def test_rdflib_follows_the_303_from_a_report(ld: Server) -> None:
    iri = ld.url + REPORT
    graph = Graph().parse(iri)
    assert graph_has(graph, iri, own_triples(ld, iri)) == set()


def test_rapper_dereferences_a_report(ld: Server) -> None:
    rapper = require_binary("rapper")
    iri = ld.url + REPORT
    done = subprocess.run([rapper, "-q", "-g", "-o", "ntriples", iri], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    graph = Graph().parse(data=done.stdout, format="nt")
    assert graph_has(graph, iri, own_triples(ld, iri)) == set()


@pytest.mark.parametrize("path", ["id/document/CTOC%2FCOP%2FWG.4%2F2023%2F5", "id/document/CTOC/COP%2FWG.4/2023%2F5",
                                  "id/document/CTOC/COP/WG%2E4/2023/5"])
def test_percent_encoded_symbols_resolve(ld: Server, path: str) -> None:
    answer = httpx.get(ld.url + path, headers={"Accept": "text/turtle"}, follow_redirects=True, timeout=30)
    assert answer.status_code == 200
    assert (URIRef(ld.url + REPORT), None, None) in parse(answer.text, "text/turtle", ld.url)


def test_query_string_survives_the_303(ld: Server) -> None:
    answer = get(ld.url + REPORT + "?lang=es", Accept="text/html")
    assert answer.status_code == 303 and answer.headers["location"].endswith("?lang=es")


# What a description holds.

def test_group_description_holds_its_meetings_and_their_labels(ld: Server, kinds: dict[str, str]) -> None:
    untoc = ld.url + "ontology#"
    group = kinds["WorkingGroup"]
    graph = Graph().parse(group)
    pointing = select(ld, f"SELECT DISTINCT ?s ?p {{ ?s ?p <{group}> }}")
    assert pointing, "the group has meetings or mandates pointing to it"
    for row in pointing:
        assert (URIRef(row["s"]), URIRef(row["p"]), URIRef(group)) in graph
        assert any(True for _ in graph.objects(URIRef(row["s"]), RDFS.label)), f"no label for {row['s']}"
    meetings = select(ld, f"SELECT ?m {{ ?m <{untoc}meetingOf> <{group}> }}")
    assert {URIRef(m["m"]) for m in meetings} <= set(graph.subjects(URIRef(untoc + "meetingOf"), URIRef(group)))


def test_report_description_names_the_meeting_that_produced_it(ld: Server) -> None:
    untoc = Namespace(ld.url + "ontology#")
    report = URIRef(ld.url + REPORT)
    graph = Graph().parse(str(report))
    meetings = set(graph.subjects(untoc.produces, report)) | set(graph.objects(report, untoc.reportOf))
    assert meetings == {URIRef(ld.url + "id/meeting/WG.4/2023-10-02")}
    assert [str(s) for s in graph.objects(report, untoc.symbol)] == ["CTOC/COP/WG.4/2023/5"]


def test_provenance_passages_come_with_text_number_and_document(ld: Server, kinds: dict[str, str]) -> None:
    untoc = Namespace(ld.url + "ontology#")
    meeting = URIRef(kinds["Meeting"])
    graph = Graph().parse(str(meeting))
    passages = set(graph.objects(meeting, untoc.statedIn))
    assert passages
    for passage in passages:
        text = graph.value(passage, untoc.text)
        expected = select(ld, f"SELECT ?t {{ <{passage}> <{untoc.text}> ?t }}")
        assert str(text) == expected[0]["t"]
        document = graph.value(passage, untoc.passageOf)
        assert document is not None and graph.value(document, RDFS.label) is not None
    numbered = [p for p in passages if graph.value(p, untoc.paragraphNumber) is not None]
    assert numbered, "a meeting is stated in a numbered paragraph"


def test_jsonld_is_compact_with_the_published_context(ld: Server) -> None:
    answer = get(ld.url + "doc/meeting/WG.4/2023-10-02.jsonld")
    document = answer.json()
    assert document["@context"] == ld.url + "context.jsonld"
    context = get(ld.url + "context.jsonld").json()["@context"]
    assert context["meetingOf"] == {"@id": ld.url + "ontology#meetingOf", "@type": "@id"}
    nodes = {node["@id"]: node for node in document["@graph"]}
    meeting = nodes.get("id:meeting/WG.4/2023-10-02") or nodes[ld.url + "id/meeting/WG.4/2023-10-02"]
    assert meeting["startDate"] == "2023-10-02"
    assert context["startDate"]["@type"] == str(XSD.date)


# The ontology and the shapes: hash IRIs, documentation for people.

class Anchors(HTMLParser):
    """The ids and links of an HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.assets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"])
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])
        if tag in ("script", "img", "link", "iframe", "source") and (values.get("src") or values.get("href")):
            if tag != "link" or values.get("rel") in ("stylesheet", "icon", "preload", "modulepreload"):
                self.assets.append(values.get("src") or values.get("href"))


def anchors(text: str) -> Anchors:
    parser = Anchors()
    parser.feed(text)
    return parser


@pytest.mark.parametrize("document,classes", [("ontology", ("Class", "ObjectProperty", "DatatypeProperty")),
                                               ("shapes", ("NodeShape", "PropertyShape"))])
def test_vocabulary_documents_every_term(ld: Server, document: str, classes: tuple[str, ...]) -> None:
    turtle = get(ld.url + document, Accept="text/turtle")
    assert turtle.status_code == 200
    graph = parse(turtle.text, "text/turtle", ld.url)
    namespaces = {"Class": "http://www.w3.org/2002/07/owl#", "ObjectProperty": "http://www.w3.org/2002/07/owl#",
                  "DatatypeProperty": "http://www.w3.org/2002/07/owl#", "NodeShape": "http://www.w3.org/ns/shacl#",
                  "PropertyShape": "http://www.w3.org/ns/shacl#"}
    terms = {str(s) for name in classes for s in graph.subjects(RDF.type, URIRef(namespaces[name] + name))
             if str(s).startswith(f"{ld.url}{document}#")}
    assert terms
    page = get(ld.url + document, Accept=BROWSER_ACCEPT)
    assert page.headers["content-type"].startswith("text/html")
    ids = anchors(page.text).ids
    assert {t.split("#", 1)[1] for t in terms} <= ids
    for term in terms:
        labels = [str(o) for o in graph.objects(URIRef(term), RDFS.label) if o.language in ("en", None)]
        assert all(label in html.unescape(page.text) for label in labels), term


def test_hash_iris_of_ontology_and_shapes_dereference(ld: Server) -> None:
    graph = Graph().parse(ld.url + "ontology#Meeting")
    assert (URIRef(ld.url + "ontology#Meeting"), RDFS.label, None) in graph
    shape = select(ld, "SELECT (MIN(STR(?s)) AS ?s) { ?s a <http://www.w3.org/ns/shacl#NodeShape> }")[0]["s"]
    assert shape.startswith(ld.url + "shapes#")
    assert (URIRef(shape), RDF.type, None) in Graph().parse(shape)


# HTML pages.

def test_pages_follow_the_browser_language_and_the_switch(ld: Server) -> None:
    url = ld.url + "doc/group/WG.4"
    labels = {r["l"] for r in select(ld, f"SELECT ?l {{ <{ld.url}id/group/WG.4> <{RDFS.label}> ?l }}")}
    spanish = get(url, Accept=BROWSER_ACCEPT, **{"Accept-Language": "es-ES,es;q=0.9,en;q=0.5"})
    english = get(url + "?lang=en", Accept=BROWSER_ACCEPT, **{"Accept-Language": "es"})
    assert '<html lang="es">' in spanish.text and '<html lang="en">' in english.text
    title_es = re.search(r"<h1>(.*?)</h1>", spanish.text).group(1)
    title_en = re.search(r"<h1>(.*?)</h1>", english.text).group(1)
    assert title_es != title_en and {title_es, title_en} <= labels
    assert "Accept-Language" in spanish.headers["vary"] and spanish.headers["content-language"] == "es"
    assert spanish.headers["etag"] != english.headers["etag"]
    assert get(url + "?lang=fr", Accept=BROWSER_ACCEPT).status_code == 400


def test_report_page_links_everything_and_quotes_its_source(ld: Server) -> None:
    page = get(ld.url + "doc/" + REPORT.removeprefix("id/"), Accept=BROWSER_ACCEPT).text
    links = anchors(page).links
    assert "https://undocs.org/CTOC/COP/WG.4/2023/5" in links
    assert "/doc/meeting/WG.4/2023-10-02" in links
    texts = select(ld, f"SELECT ?t {{ <{ld.url}{REPORT}> <{ld.url}ontology#statedIn>/<{ld.url}ontology#text> ?t }}")
    quoted = re.findall(r"<blockquote[^>]*>(.*?)</blockquote>", page, re.S)
    assert {html.unescape(q) for q in quoted} == {t["t"] for t in texts}
    for link in {l for l in links if l.startswith("/doc/")}:
        assert get(ld.url + link.lstrip("/").split("#")[0], Accept=BROWSER_ACCEPT).status_code == 200, link


def test_group_page_draws_one_mark_per_meeting(ld: Server, kinds: dict[str, str]) -> None:
    untoc = ld.url + "ontology#"
    for group in [r["g"] for r in select(ld, f"SELECT ?g {{ ?g a <{untoc}WorkingGroup> }}")]:
        page = get(ld.url + "doc/" + group.removeprefix(ld.url + "id/"), Accept=BROWSER_ACCEPT).text
        svg = re.search(r"<svg class=\"timeline\".*?</svg>", page, re.S).group(0)
        meetings = select(ld, f"SELECT DISTINCT ?m {{ {{ <{group}> <{untoc}holds> ?m }} UNION {{ ?m <{untoc}meetingOf> <{group}> }} "
                              f"?m <{untoc}startDate> ?d }}")
        marks = re.findall(r'<a class="meeting-link" href="([^"]+)"', svg)
        assert sorted(marks) == sorted("/doc/" + m["m"].removeprefix(ld.url + "id/") for m in meetings)


@pytest.mark.parametrize("kind,klass", [("mandates", None), ("groups", "WorkingGroup"), ("meetings", "Meeting"),
                                        ("reports", "Report"), ("documents", None)])
def test_index_pages_sort_by_date_and_label(ld: Server, kind: str, klass: str | None) -> None:
    ascending = get(f"{ld.url}{kind}?sort=date", Accept=BROWSER_ACCEPT)
    descending = get(f"{ld.url}{kind}?sort=-date", Accept=BROWSER_ACCEPT)
    by_label = get(f"{ld.url}{kind}?sort=label&lang=en", Accept=BROWSER_ACCEPT)
    assert ascending.status_code == descending.status_code == by_label.status_code == 200
    dates_up = [d for d in re.findall(r"<time>(.*?)</time>", ascending.text) if d]
    dates_down = [d for d in re.findall(r"<time>(.*?)</time>", descending.text) if d]
    assert dates_up == sorted(dates_up) and dates_down == sorted(dates_down, reverse=True)
    names = [n.lower() for n in re.findall(r"<tr><td><a href=\"[^\"]+\">(.*?)</a>", by_label.text)]
    assert names == sorted(names)
    if klass:
        count = select(ld, f"SELECT (COUNT(DISTINCT ?s) AS ?n) {{ ?s a <{ld.url}ontology#{klass}> }}")[0]["n"]
        assert len(names) == int(count)
    assert get(f"{ld.url}{kind}?sort=size", Accept=BROWSER_ACCEPT).status_code == 400
    assert get(f"{ld.url}{kind}?page=0", Accept=BROWSER_ACCEPT).status_code == 400
    assert get(f"{ld.url}{kind}?page=99", Accept=BROWSER_ACCEPT).status_code == 404


def test_home_page_counts_and_entry_points(ld: Server) -> None:
    page = get(ld.url, Accept=BROWSER_ACCEPT).text
    for kind, klass in (("groups", "WorkingGroup"), ("meetings", "Meeting"), ("reports", "Report")):
        count = select(ld, f"SELECT (COUNT(DISTINCT ?s) AS ?n) {{ ?s a <{ld.url}ontology#{klass}> }}")[0]["n"]
        assert f'<span class="count" data-kind="{kind}">{count}</span>' in page
    documents = select(ld, f"SELECT (COUNT(DISTINCT ?s) AS ?n) {{ ?s a/<{RDFS.subClassOf}>* <{ld.url}ontology#Document> }}")
    assert f'<span class="count" data-kind="documents">{documents[0]["n"]}</span>' in page
    links = anchors(page).links
    assert {"/sparql", "/.well-known/void", "/dumps", "/ontology"} <= set(links)


def test_search_finds_by_symbol_and_label_and_survives_odd_text(ld: Server) -> None:
    found = get(ld.url + "search?q=wg.4/2023", Accept=BROWSER_ACCEPT)
    assert "/doc/document/CTOC/COP/WG.4/2023/5" in anchors(found.text).links
    label = select(ld, f"SELECT ?l {{ <{ld.url}id/place/vienna> <{RDFS.label}> ?l FILTER(lang(?l) = 'en') }}")[0]["l"]
    assert "/doc/place/vienna" in anchors(get(ld.url + "search?q=" + label[1:4].upper(), Accept=BROWSER_ACCEPT).text).links
    for odd in ['"', "\\", "a\"} } SELECT * { ?s ?p ?o", "\n", "<script>", "%00", "'"]:
        answer = httpx.get(ld.url + "search", params={"q": odd}, headers={"Accept": BROWSER_ACCEPT}, timeout=30)
        assert answer.status_code == 200
        assert "<script>" not in answer.text.split("</header>", 1)[1]
    assert httpx.get(ld.url + "search", params={"q": "x" * 201}, timeout=30).status_code == 400


def test_unknown_iri_is_a_helpful_404(ld: Server) -> None:
    page = get(ld.url + "id/document/CTOC/COP/WG.4/2099/5", Accept=BROWSER_ACCEPT)
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert 'action="/search"' in page.text and "CTOC/COP/WG.4/2099/5" in page.text
    hits = get(ld.url + "id/group/WG.4/nothing", Accept=BROWSER_ACCEPT)
    assert hits.status_code == 404 and "/doc/group/WG.4" in anchors(hits.text).links
    plain = get(ld.url + "doc/nothing", Accept="text/turtle")
    assert plain.status_code == 404 and "search" in plain.text
    assert get(ld.url + "doc/group/WG.4?page=abc", Accept=BROWSER_ACCEPT).status_code == 400


def test_a_meeting_iri_of_the_first_scheme_moves_to_its_first_day(ld: Server) -> None:
    """Meetings were named by series and ordinal before they were named by series and first day:
    those IRIs keep dereferencing, with a permanent redirect to the same thing in the same format."""
    moved = get(ld.url + "id/meeting/WG.4/13?lang=en", Accept="text/turtle")
    assert moved.status_code == 301 and moved.headers["location"] == "/id/meeting/WG.4/2023-10-02?lang=en"
    moved = get(ld.url + "doc/meeting/WG.4/14.ttl")
    assert moved.status_code == 301 and moved.headers["location"] == "/doc/meeting/WG.4/2024-07-08.ttl"
    followed = httpx.get(ld.url + "id/meeting/WG.7/11", headers={"Accept": "text/turtle"}, follow_redirects=True,
                         timeout=30)
    assert followed.status_code == 200 and followed.url.path == "/doc/meeting/WG.7/2024-07-11"
    assert get(ld.url + "id/meeting/WG.4/99").status_code == 404  # no meeting has that ordinal


# HTTP: caching, HEAD, CORS.

def test_conditional_requests(ld: Server) -> None:
    url = ld.url + "doc/meeting/WG.4/2023-10-02"
    first = get(url, Accept="text/turtle")
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert get(url, Accept="text/turtle", **{"If-None-Match": f'W/"x", {etag}'}).status_code == 304
    assert get(url, Accept="text/turtle", **{"If-None-Match": "*"}).status_code == 304
    assert get(url, Accept="text/turtle", **{"If-None-Match": '"other"'}).status_code == 200
    earlier = format_datetime(parsedate_to_datetime(modified) - timedelta(seconds=1), usegmt=True)
    assert get(url, Accept="text/turtle", **{"If-Modified-Since": earlier}).status_code == 200
    assert get(url, Accept="text/turtle", **{"If-Modified-Since": "garbage"}).status_code == 200
    assert get(url, Accept="text/turtle", **{"If-None-Match": '"other"', "If-Modified-Since": modified}).status_code == 200
    assert get(url, Accept="application/n-triples").headers["etag"] != etag
    assert get(url, Accept="text/turtle").headers["etag"] == etag
    assert "max-age" in first.headers["cache-control"]


def test_a_served_representation_is_always_the_one_asked_for(ld: Server) -> None:
    """Each worker keeps what it rendered: asked again, in any order, a variant is the same bytes and
    the same ETag, and never another format's or language's answer."""
    url = ld.url + "doc/" + REPORT.removeprefix("id/")
    variants = [(media_type, language) for media_type in RDF_TYPES for language in ("en", "es")]
    variants += [("text/html", "en"), ("text/html", "es")]
    seen: dict[tuple[str, str], httpx.Response] = {}
    with httpx.Client(timeout=30) as client:  # one connection, so one worker
        for variant in [*variants, *reversed(variants), *variants]:
            media_type, language = variant
            answer = client.get(url, headers={"Accept": media_type, "Accept-Language": language})
            assert answer.status_code == 200 and answer.headers["content-type"].split(";")[0] == media_type
            first = seen.setdefault(variant, answer)
            assert answer.content == first.content and answer.headers["etag"] == first.headers["etag"]
    for media_type in RDF_TYPES:  # RDF does not depend on the language; each parses as what it claims to be
        assert seen[(media_type, "en")].content == seen[(media_type, "es")].content
        assert (URIRef(ld.url + REPORT), None, None) in parse(seen[(media_type, "en")].text, media_type, url)
    assert '<html lang="en">' in seen[("text/html", "en")].text and '<html lang="es">' in seen[("text/html", "es")].text
    assert len({answer.content for answer in seen.values()}) == len(RDF_TYPES) + 2


def test_head_and_cors(ld: Server) -> None:
    url = ld.url + "doc/meeting/WG.4/2023-10-02"
    got = get(url, Accept="text/turtle", Origin="http://elsewhere.example")
    head = httpx.head(url, headers={"Accept": "text/turtle"}, timeout=30)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == got.headers["etag"]
    assert got.headers["access-control-allow-origin"] == "*"
    preflight = httpx.options(url, headers={"Origin": "http://elsewhere.example", "Access-Control-Request-Method": "GET",
                                            "Access-Control-Request-Headers": "if-none-match"}, timeout=30)
    assert preflight.status_code == 204
    assert "GET" in preflight.headers["access-control-allow-methods"]
    assert httpx.post(url, timeout=30).status_code == 405


# Dataset metadata and dumps.

def test_void_by_conneg_with_counts_endpoint_and_dumps(ld: Server) -> None:
    turtle = get(ld.url + ".well-known/void", Accept="*/*")
    assert turtle.headers["content-type"].startswith("text/turtle")
    graph = parse(turtle.text, "text/turtle", ld.url)
    dataset = URIRef(ld.url + ".well-known/void#dataset")
    total = select(ld, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")[0]["n"]
    assert graph.value(dataset, VOID.triples).toPython() == int(total)
    assert graph.value(dataset, VOID.sparqlEndpoint) == URIRef(ld.url + "sparql")
    assert str(graph.value(dataset, VOID.uriSpace)) == ld.url + "id/"
    assert graph.value(dataset, URIRef("http://purl.org/dc/terms/license")) is not None
    classes = {graph.value(p, VOID["class"]) for p in graph.objects(dataset, VOID.classPartition)}
    assert URIRef(ld.url + "ontology#Meeting") in classes
    examples = set(graph.objects(dataset, VOID.exampleResource))
    assert examples and all(get(str(e), Accept="text/turtle").status_code == 303 for e in examples)
    dumps = set(graph.objects(dataset, VOID.dataDump))
    assert {str(d).rsplit("/", 1)[1] for d in dumps} == {"untoc-kg.ttl.gz", "untoc-kg.nt.gz", "untoc-kg.trig.gz", "untoc-kg.nq.gz"}
    for dump in dumps:
        body = httpx.get(str(dump), timeout=60).content
        assert graph.value(dump, DCAT.byteSize).toPython() == len(body)
        checksum = graph.value(dump, URIRef("http://spdx.org/rdf/terms#checksum"))
        assert str(graph.value(checksum, URIRef("http://spdx.org/rdf/terms#checksumValue"))) == hashlib.sha256(body).hexdigest()
    page = get(ld.url + ".well-known/void", Accept=BROWSER_ACCEPT)
    assert page.headers["content-type"].startswith("text/html") and total in page.text


@pytest.mark.parametrize("name,fmt", [("untoc-kg.nq.gz", "nquads"), ("untoc-kg.trig.gz", "trig"),
                                      ("untoc-kg.nt.gz", "nt"), ("untoc-kg.ttl.gz", "turtle")])
def test_dumps_hold_the_whole_store(ld: Server, name: str, fmt: str) -> None:
    answer = httpx.get(ld.url + "dumps/" + name, timeout=60)
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/gzip"
    text = gzip.decompress(answer.content).decode()
    if fmt in ("nquads", "trig"):
        dataset = Dataset()
        dataset.parse(data=text, format=fmt)
        expected = select(ld, "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }")[0]["n"]
        assert sum(1 for _ in dataset.quads((None, None, None, None))) == int(expected)
    else:
        expected = select(ld, "SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }")[0]["n"]
        assert len(Graph().parse(data=text, format=fmt)) == int(expected)
    assert get(ld.url + "dumps/" + name, **{"If-None-Match": answer.headers["etag"]}).status_code == 304
    listing = get(ld.url + "dumps", Accept=BROWSER_ACCEPT).text
    assert hashlib.sha256(answer.content).hexdigest() in listing


def test_unknown_dump_and_format_are_404(ld: Server) -> None:
    assert get(ld.url + "dumps/passwd").status_code == 404
    assert get(ld.url + "dumps/..%2F..%2Fmanifest.json").status_code == 404
    assert get(ld.url + "ontology.exe").status_code == 404


def test_other_rooms_are_not_shadowed(ld: Server) -> None:
    assert get(ld.url + "static/style.css").headers["content-type"].startswith("text/css")
    assert get(ld.url + "openapi.json").status_code == 200
    assert select(ld, "SELECT (1 AS ?one) {}") == [{"one": "1"}]


# Long inverse lists are paged (data generated here: the project's data has no resource this popular).

@pytest.fixture(scope="module")
def popular(serve, tmp_path_factory: pytest.TempPathFactory) -> Server:
    base = "http://ld.test/"
    lines = [f"<{base}id/group/G> <{base}ontology#symbolSeries> \"CTOC/COP/G\" ; "
             f"<{RDFS.label}> \"Grupo G\"@es, \"Group G\"@en ; a <{base}ontology#WorkingGroup> ."]
    for n in range(1, 121):
        meeting = f"<{base}id/meeting/G/{n}>"
        day = f"20{10 + n // 12:02d}-{n % 12 + 1:02d}-01"
        lines.append(f"{meeting} <{base}ontology#meetingOf> <{base}id/group/G> ; <{RDFS.label}> \"meeting {n:03d}\"@en ; "
                     f"<{base}ontology#startDate> \"{day}\"^^<{XSD.date}> ; <{base}ontology#ordinal> {n} .")
    path = tmp_path_factory.mktemp("popular") / "popular.ttl"
    path.write_text("\n".join(lines))
    return serve("--no-project-data", "--data", str(path), "--base-iri", base, *UNLIMITED)


def test_long_inverse_lists_are_paged(popular: Server) -> None:
    url = popular.url + "doc/group/G"
    pages = [get(f"{url}?page={n}&lang=en", Accept=BROWSER_ACCEPT) for n in (1, 2, 3)]
    shown = [re.findall(r'<li><a href="(/doc/meeting/G/\d+)">', p.text) for p in pages]
    assert [len(s) for s in shown] == [50, 50, 20]
    assert len({link for s in shown for link in s}) == 120
    assert 'rel="next"' in pages[0].text and 'rel="next"' not in pages[2].text
    assert get(f"{url}?page=4", Accept=BROWSER_ACCEPT).status_code == 404
    assert len(re.findall(r'<a class="meeting-link"', pages[0].text)) == 120
    turtle = Graph().parse(data=get(url, Accept="text/turtle").text, format="turtle")
    assert len(set(turtle.subjects(URIRef("http://ld.test/ontology#meetingOf"), URIRef("http://ld.test/id/group/G")))) == 120


def test_a_repeated_parameter_is_read_as_its_last_value_and_cached_so(popular: Server) -> None:
    url = popular.url + "doc/group/G"
    shown = lambda response: re.findall(r'<li><a href="(/doc/meeting/G/\d+)">', response.text)
    for _ in range(2):
        second = get(f"{url}?lang=en&page=1&page=2", Accept=BROWSER_ACCEPT)
        first = get(f"{url}?lang=en&page=2&page=1", Accept=BROWSER_ACCEPT)
        assert shown(first) == shown(get(f"{url}?page=1&lang=en", Accept=BROWSER_ACCEPT))
        assert shown(second) == shown(get(f"{url}?page=2&lang=en", Accept=BROWSER_ACCEPT))
        assert not set(shown(first)) & set(shown(second))
        assert first.headers["etag"] != second.headers["etag"]


def test_a_report_description_carries_its_meetings_dates_place_and_group(ld: Server) -> None:
    """One hop of context: every report's description, in every RDF format, holds the facts a reader
    of a report asks first about its meeting, without a second request."""
    untoc = ld.url + "ontology#"
    reports = [r["r"] for r in select(ld, f"SELECT ?r {{ ?r a <{untoc}Report> }}")]
    assert len(reports) == 10
    for report in reports:
        url = ld.url + "doc/" + report.removeprefix(ld.url + "id/")
        turtle = parse(get(url, Accept="text/turtle").text, "text/turtle", url)
        meeting = turtle.value(URIRef(report), URIRef(untoc + "reportOf"))
        for key in ("startDate", "endDate", "place", "meetingOf"):
            assert turtle.value(meeting, URIRef(untoc + key)) is not None, (report, key)
        for media_type in ("application/ld+json", "application/n-triples", "application/rdf+xml"):
            other = parse(get(url, Accept=media_type).text, media_type, url)
            assert isomorphic(other, turtle), media_type


def test_a_link_without_label_shows_more_than_its_last_segment(ld: Server) -> None:
    page = get(ld.url + "doc/document/CTOC/COP/WG.6/2024/5", Accept=BROWSER_ACCEPT).text
    assert '>undocs.org/CTOC/COP/WG.6/2024/5</a>' in page and '>5</a>' not in page


def summary_of(server: Server, path: str, lang: str = "en") -> dict[str, list[str]]:
    """The "in brief" list of a page: each row's name and the texts of its values."""
    page = get(f"{server.url}{path}?lang={lang}", Accept=BROWSER_ACCEPT).text
    section = re.search(r'<dl class="summary">(.*?)</dl>', page, re.S).group(1)
    rows = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", section, re.S)
    return {html.unescape(name): [html.unescape(re.sub(r"<[^>]+>", "", v)).strip() for v in re.split(r", (?=<)", values)]
            for name, values in rows}


def test_each_kind_opens_with_the_facts_a_reader_asks_first(ld: Server) -> None:
    report = summary_of(ld, "doc/document/CTOC/COP/WG.4/2023/5")
    assert report["report of › start date"][0].startswith("2023-10-02") and report["report of › end date"][0].startswith("2023-10-03")
    assert report["report of › takes place in"] == ["Vienna"]
    assert report["report of › meeting of"] == ["Working Group on Trafficking in Persons"]
    assert report["submitted pursuant to"] == ["resolution 7/1"]
    assert report["submitted to"] == ["twelfth session of the Conference of the Parties"]
    meeting = summary_of(ld, "doc/meeting/WG.4/2023-10-02")
    assert meeting["meeting of"] == ["Working Group on Trafficking in Persons"] and meeting["ordinal"][0].startswith("13")
    assert any("CTOC/COP/WG.4/2023/5" in v for v in meeting["produces"])
    group = summary_of(ld, "doc/group/WG.4")
    assert group["established by"] == ["decision 4/4"] and group["made standing element by"] == ["resolution 7/1"]
    assert summary_of(ld, "doc/decision/4/4")["establishes"] == ["Working Group on Trafficking in Persons"]
    session = summary_of(ld, "doc/session/12", "es")
    assert len(session["← presentado a"]) == 10 and any("CTOC/COP/2024/1" in v for v in session["← programa de"])


def test_a_group_page_tables_its_meetings_and_counts_them_per_year(ld: Server) -> None:
    page = get(ld.url + "doc/group/WG.4?lang=en", Accept=BROWSER_ACCEPT).text
    table = re.search(r'<table class="meetings">(.*?)</table>', page, re.S).group(1)
    rows = [re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", row))).strip()
            for row in re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1], re.S)]
    assert rows == ["13 2023-10-02 – 2023-10-03 Vienna CTOC/COP/WG.4/2023/5",
                    "14 2024-07-08 – 2024-07-09 Vienna CTOC/COP/WG.4/2024/5"]
    bars = dict(re.findall(r'<g class="year" data-year="(\d+)" data-count="(\d+)">', page))
    assert bars == {"2023": "1", "2024": "1"}
