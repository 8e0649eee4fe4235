"""Links out to Wikidata (docs/model.md, "Links out"): every Wikidata IRI in data/ lives in a graph of
links that cites where it was verified, and in the model's table; the shapes accept the real graph of
links and refuse a malformed or uncited link; the served description and page of Vienna carry the link.
"""

from __future__ import annotations

import re
from functools import cache

import httpx
import pytest
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from conftest import PROJECT, PROJECT_ROOT, Server, select
from untoc_kg.build import validate_project
from untoc_kg.validation import read_graph, validate_files, validate_graph

BASE = "https://w3id.org/untoc-kg/"
UNTOC = Namespace(BASE + "ontology#")
SHAPES = Namespace(BASE + "shapes#")
LINKS_FILE = PROJECT_ROOT / "data" / "links-wikidata.trig"
NOTE_FILE = PROJECT_ROOT / "data" / "secretariat-note-2024-07-04.trig"
LINKS_GRAPH = URIRef(BASE + "graph/links-wikidata")
VIENNA = URIRef(BASE + "id/place/vienna")
Q1741 = URIRef("http://www.wikidata.org/entity/Q1741")
WIKIDATA = re.compile(r"^https?://([a-z0-9-]+\.)*wikidata\.org(/|$)")
WIKIDATA_ENTITY = re.compile(r"http://www\.wikidata\.org/entity/Q[0-9]+")
NOT_LINKED = ("the Convention", "the Protocols", "the Conference", "UNODC")
# Where Vienna's identifier was verified (docs/model.md, "Links out"), each at a fixed commit.
RECONCILER_README = URIRef("https://github.com/acdh-oeaw/acdh-id-reconciler/blob/"
                           "01f9ad2054cada531705e3651a201f7eccc5eb56/README.md")
PMB_RECORD_COPY = URIRef("https://github.com/arthur-schnitzler/schnitzler-briefe-arbeit/blob/"
                         "b50bb1460b3c72b4605e02db8cc75a37df843177/xslts/brief_back-element/brief_backElement-2.xsl")
PMB_RECORD = URIRef("https://pmb.acdh.oeaw.ac.at/entity/50/")


@cache
def data() -> Dataset:
    """Every data file's quads, each in its named graph."""
    dataset = Dataset()
    for path in PROJECT.data_files():
        dataset.parse(path, format="trig")
    return dataset


def wikidata_quads() -> list[tuple[Node, Node, Node, Node]]:
    """Every quad of data/ with a Wikidata IRI in any position."""
    return [quad for quad in data().quads((None, None, None, None))
            if any(isinstance(term, URIRef) and WIKIDATA.match(str(term)) for term in quad[:3])]


def links() -> set[tuple[str, str]]:
    """(thing's path after the canonical base, Wikidata IRI) of every skos:exactMatch in data/."""
    return {(str(s).removeprefix(BASE), str(o)) for s, _, o, _ in data().quads((None, SKOS.exactMatch, None, None))}


def links_section() -> str:
    model = (PROJECT_ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    assert "\n## Links out\n" in model, "docs/model.md has no Links out section"
    return model.split("\n## Links out\n", 1)[1].split("\n## ", 1)[0]


def table_rows() -> list[list[str]]:
    """The cells of the Links out table (entity, IRI, Wikidata, verified at), header left out."""
    lines = [line for line in links_section().splitlines() if line.startswith("|")]
    assert lines[0].startswith("| entity | IRI | Wikidata |")
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in lines[2:]]


# ---------------------------------------------------------------- what is linked, and where it is cited

def test_vienna_is_the_one_thing_linked() -> None:
    assert links() == {("id/place/vienna", str(Q1741))}
    for thing in ("id/conference", "id/instrument/convention", "id/instrument/trafficking-in-persons-protocol",
                  "id/instrument/smuggling-of-migrants-protocol", "id/instrument/firearms-protocol"):
        assert not list(data().quads((URIRef(BASE + thing), SKOS.exactMatch, None, None))), thing
    assert not list(data().quads((None, OWL.sameAs, None, None)))


def test_the_links_live_in_their_own_graph_not_in_a_source_graph() -> None:
    graphs = {graph for _, _, _, graph in data().quads((None, SKOS.exactMatch, None, None))}
    assert graphs == {LINKS_GRAPH}
    assert (LINKS_GRAPH, RDF.type, UNTOC.LinkGraph, LINKS_GRAPH) in data()
    assert not list(data().quads((LINKS_GRAPH, RDF.type, UNTOC.SourceGraph, None)))
    assert {graph for _, _, _, graph in data().quads((None, None, None, None))} >= {
        LINKS_GRAPH, URIRef(BASE + "graph/secretariat-note-2024-07-04")}


def test_every_wikidata_iri_is_cited_in_its_graph() -> None:
    """A Wikidata IRI appears only as a link or as what a cited source references, in a graph of links
    whose own citation names it: a source (dcterms:source) that references it, and the comment that
    says how it was verified."""
    found = wikidata_quads()
    assert found
    for s, p, o, graph in found:
        assert isinstance(o, URIRef) and WIKIDATA.match(str(o)) and not WIKIDATA.match(str(s)), (s, p, o)
        assert p in (SKOS.exactMatch, DCTERMS.references), f"{o} is used with {p}: only a link or a citation"
        assert (graph, RDF.type, UNTOC.LinkGraph, graph) in data(), f"{o} is in {graph}, not a graph of links"
        sources = {source for _, _, source, _ in data().quads((graph, DCTERMS.source, None, graph))}
        citing = {source for source in sources if (source, DCTERMS.references, o, graph) in data()}
        assert citing, f"no dcterms:source of {graph} references {o}"
        assert all(isinstance(source, URIRef) and str(source).startswith("https://") for source in citing)
        comments = [str(c) for _, _, c, _ in data().quads((graph, RDFS.comment, None, graph))
                    if isinstance(c, Literal) and c.language == "en"]
        assert any(str(o) in comment for comment in comments), f"{graph}'s comment does not say how {o} was verified"


def test_vienna_is_cited_to_both_sources_at_their_commits() -> None:
    cited = {source for _, _, source, _ in data().quads((LINKS_GRAPH, DCTERMS.source, None, LINKS_GRAPH))
             if (source, DCTERMS.references, Q1741, LINKS_GRAPH) in data()}
    assert cited == {RECONCILER_README, PMB_RECORD_COPY}
    assert (PMB_RECORD_COPY, DCTERMS.source, PMB_RECORD, LINKS_GRAPH) in data()


def test_every_wikidata_iri_is_cited_in_the_model() -> None:
    """The model's table lists exactly the links of data/, each with where it was verified, and says of
    the other entities the issue names that they are not linked; the section cites every source."""
    rows = table_rows()
    listed = {(iri.strip("`"), wikidata)
              for entity, iris, cell, _ in rows
              for iri in re.findall(r"`(id/[^`]+)`", iris)
              for wikidata in WIKIDATA_ENTITY.findall(cell)}
    assert listed == links()
    for entity, _, cell, verified in rows:
        if WIKIDATA_ENTITY.search(cell):
            assert re.search(r"\[\d\]", verified), f"{entity}: no citation"
        else:
            assert cell.startswith("not linked: no source to verify against here"), entity
    assert {row[0] for row in rows} == {*NOT_LINKED, "Vienna"}
    assert all(not WIKIDATA_ENTITY.search(row[2]) for row in rows if row[0] in NOT_LINKED)
    section = links_section()
    for _, _, o, graph in data().quads((None, SKOS.exactMatch, None, None)):
        for _, _, source, _ in data().quads((graph, DCTERMS.source, None, graph)):
            assert f"<{source}>" in section, f"docs/model.md does not cite {source}"
    assert f"<{PMB_RECORD}>" in section
    assert "skos:exactMatch" in section and "owl:sameAs" in section


def test_linked_things_are_things_of_a_source_graph() -> None:
    """A link's subject is a thing some source document states (a typo would link nothing)."""
    for s, _, _, _ in data().quads((None, SKOS.exactMatch, None, None)):
        typed_in = {graph for _, _, _, graph in data().quads((s, RDF.type, None, None))}
        assert any((graph, RDF.type, UNTOC.SourceGraph, graph) in data() for graph in typed_in), s


def test_the_links_graph_states_no_fact_but_links() -> None:
    """Facts about the things come from documents' passages: the graph of links only links them."""
    for s, p, _, _ in data().quads((None, None, None, LINKS_GRAPH)):
        if str(s).startswith(BASE + "id/"):
            assert p == SKOS.exactMatch, (s, p)


# ---------------------------------------------------------------- the shapes

def test_the_links_file_conforms() -> None:
    [report] = validate_files([LINKS_FILE], PROJECT.shapes_files(), PROJECT.ontology_files())
    assert report.conforms, report.text


def test_the_project_validates_without_contradictions() -> None:
    reports, contradictions = validate_project(PROJECT)
    assert [r.path.name for r in reports if not r.conforms] == []
    assert LINKS_FILE in [r.path for r in reports]
    assert contradictions == []


def links_graph() -> Graph:
    return read_graph([LINKS_FILE])


def with_link(graph: Graph, value: Node, predicate: URIRef = SKOS.exactMatch) -> Graph:
    graph.remove((VIENNA, SKOS.exactMatch, None))
    graph.add((VIENNA, predicate, value))
    return graph


def uncited(graph: Graph) -> Graph:
    graph.remove((None, DCTERMS.references, None))
    return graph


def unsourced(graph: Graph) -> Graph:
    graph.remove((LINKS_GRAPH, DCTERMS.source, None))
    return graph


MALFORMED = {
    "wikidata page URL": (lambda: with_link(links_graph(), URIRef("https://www.wikidata.org/wiki/Q1741")),
                          {"exactMatch-wikidata", "exactMatch-cited"}),
    "https entity IRI": (lambda: with_link(links_graph(), URIRef("https://www.wikidata.org/entity/Q1741")),
                         {"exactMatch-wikidata", "exactMatch-cited"}),
    "a literal": (lambda: with_link(links_graph(), Literal("Q1741")), {"exactMatch-wikidata", "exactMatch-cited"}),
    "no source references it": (lambda: uncited(links_graph()), {"exactMatch-cited"}),
    "the graph cites no source": (lambda: unsourced(links_graph()), {"LinkGraph-source", "exactMatch-cited"}),
    "another item than the cited one": (
        lambda: with_link(links_graph(), URIRef("http://www.wikidata.org/entity/Q1742")), {"exactMatch-cited"}),
    "in the note's graph, which cites no source": (lambda: with_link(read_graph([NOTE_FILE]), Q1741),
                                                   {"exactMatch-cited"}),
    "owl:sameAs": (lambda: with_link(read_graph([NOTE_FILE]), Q1741, OWL.sameAs), {"sameAs-none"}),
}


@pytest.mark.parametrize("case", MALFORMED)
def test_a_malformed_or_uncited_link_is_refused(case: str, shapes: Graph, ontology: Graph) -> None:
    make, expected = MALFORMED[case]
    conforms, found, _ = validate_graph(make(), shapes, ontology)
    assert not conforms
    fired = {str(v.source_shape).removeprefix(str(SHAPES)) for v in found}
    assert fired == expected, [f"{v.focus} {v.message}" for v in found]
    assert all(v.focus == VIENNA for v in found if v.source_shape != SHAPES["LinkGraph-source"])


# ---------------------------------------------------------------- served

def test_served_description_of_vienna_carries_the_link(server: Server) -> None:
    vienna = server.url + "id/place/vienna"
    answer = httpx.get(vienna, headers={"Accept": "text/turtle"}, follow_redirects=True, timeout=30)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=answer.text, format="turtle", publicID=str(answer.url))
    assert (URIRef(vienna), SKOS.exactMatch, Q1741) in graph
    assert (URIRef(str(answer.url)), DCTERMS.source, URIRef(server.url + "graph/links-wikidata")) in graph


def test_place_page_shows_the_link(server: Server) -> None:
    answer = httpx.get(server.url + "id/place/vienna", headers={"Accept": "text/html"}, follow_redirects=True,
                       timeout=30)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html")
    assert f'<a href="{Q1741}">' in answer.text
    assert "skos:exactMatch" in answer.text


def test_served_link_is_in_the_graph_of_links(server: Server) -> None:
    rows = select(server, f"SELECT ?g ?source {{ GRAPH ?g {{ <{server.url}id/place/vienna> "
                          f"<{SKOS.exactMatch}> <{Q1741}> . ?g <{DCTERMS.source}> ?source }} }}")
    assert {row["g"] for row in rows} == {server.url + "graph/links-wikidata"}
    assert len({row["source"] for row in rows}) == 2
    description = httpx.get(server.url + "graph/links-wikidata", headers={"Accept": "text/turtle"},
                            follow_redirects=True, timeout=30)
    assert description.status_code == 200
    graph = Graph().parse(data=description.text, format="turtle", publicID=str(description.url))
    assert len(set(graph.objects(URIRef(server.url + "graph/links-wikidata"), DCTERMS.source))) == 2
