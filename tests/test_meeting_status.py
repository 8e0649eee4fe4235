"""A meeting's status as reported, with the source that reports it and that source's date (issue 17).

Over real HTTP: the "In brief" row of a meeting page names, for every status, the document whose
graph states it (by its symbol, else its label) and that document's issue date, newest first, in
English and Spanish; the machine description carries each source document's symbol and date. The
expected sources and dates are read from the served data with SPARQL, not written here.
"""

from __future__ import annotations

import html
import re

import httpx
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from conftest import UNLIMITED, Server, select

WORDS = {"en": ("reported by", "of"), "es": ("según", "de fecha")}
ENTRY = re.compile(r'<a href="(?P<status>[^"]*)">(?P<status_text>[^<]*)</a> — (?P<by>[^<]*?) '
                   r'<a href="(?P<source>[^"]*)">(?P<source_text>[^<]*)</a>'
                   r'(?: (?P<dated>[^<]*?) <time datetime="(?P<date>[^"]*)">(?P=date)</time>)?(?:, |$)')
BASE = "http://status.test/"
REPORT = BASE + "id/document/CTOC/COP/WG.4/2024/5"
MEETING = BASE + "id/meeting/WG.4/2024-07-08"
LATER_SOURCES = f"""
@prefix untoc: <{BASE}ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <{XSD}> .
<{BASE}graph/CTOC/COP/WG.4/2024/5> {{
    <{BASE}graph/CTOC/COP/WG.4/2024/5> a untoc:SourceGraph ; untoc:sourceDocument <{REPORT}> .
    <{REPORT}> untoc:issuedOn "2024-09-20"^^xsd:date .
    <{MEETING}> untoc:statusAsReported untoc:held .
}}
<{BASE}graph/CTOC/COP/WG.4/2024/5/es> {{
    <{BASE}graph/CTOC/COP/WG.4/2024/5/es> a untoc:SourceGraph ; untoc:sourceDocument <{REPORT}> .
    <{MEETING}> untoc:statusAsReported untoc:held .
}}
<{BASE}graph/undated-paper> {{
    <{BASE}graph/undated-paper> a untoc:SourceGraph ; untoc:sourceDocument <{BASE}id/document/undated-paper> .
    <{BASE}id/document/undated-paper> rdfs:label "Undated paper"@en , "Documento sin fecha"@es .
    <{MEETING}> untoc:statusAsReported untoc:held .
}}
<{BASE}graph/no-document> {{
    <{MEETING}> untoc:statusAsReported untoc:scheduled .
}}
"""
"""Three later sources of one meeting's status beside the note's "scheduled" (4 July 2024): its report,
dated, in two language versions (one source); a paper the data gives no date; a graph that names no
document (the graph itself is the source)."""


@pytest.fixture(scope="module")
def seed(serve) -> Server:
    """The project's data, as served to users."""
    return serve(*UNLIMITED)


@pytest.fixture(scope="module")
def later(serve, tmp_path_factory: pytest.TempPathFactory) -> Server:
    """The project's data and ``LATER_SOURCES``, under a base the extra file can name before the server starts."""
    path = tmp_path_factory.mktemp("status") / "later-sources.trig"
    path.write_text(LATER_SOURCES, encoding="utf-8")
    return serve("--data", str(path), "--base-iri", BASE, *UNLIMITED)


def status_row(server: Server, base: str, meeting: str, lang: str) -> list[dict[str, str | None]]:
    """The entries of a meeting page's "In brief" status row (the server's IRIs are under ``base``),
    each with its words checked."""
    untoc = base + "ontology#"
    name = select(server, f'SELECT ?l {{ <{untoc}statusAsReported> <http://www.w3.org/2000/01/rdf-schema#label> ?l '
                          f'FILTER(LANG(?l) = "{lang}") }}')[0]["l"]
    page = httpx.get(server.url + link(base, meeting).lstrip("/"), params={"lang": lang},
                     headers={"Accept": "text/html"}, timeout=30)
    assert page.status_code == 200
    section = re.search(r'<dl class="summary">(.*?)</dl>', page.text, re.S).group(1)
    row = re.search(rf"<dt>{re.escape(html.escape(name))}</dt><dd>(.*?)</dd>", section, re.S).group(1)
    entries = [m.groupdict() for m in ENTRY.finditer(row)]
    assert "".join(m.group(0) for m in ENTRY.finditer(row)) == row, row
    reported_by, dated = WORDS[lang]
    for entry in entries:
        assert entry.pop("by") == reported_by and entry.pop("dated") == (dated if entry["date"] else None)
        entry.update({key: html.unescape(entry[key]) for key in ("status_text", "source_text")})
    return entries


def link(base: str, iri: str) -> str:
    """Where a page links for an IRI under ``base`` (docs/linked-data.md: id/ and graph/ are described under doc/)."""
    path = iri.removeprefix(base)
    for prefix, described in (("id/", "doc/"), ("graph/", "doc/graph/")):
        if path.startswith(prefix):
            return "/" + described + path.removeprefix(prefix)
    return "/" + path


def expected_entries(server: Server, base: str, meeting: str, lang: str) -> list[dict[str, str | None]]:
    """What the data says: each status with the document of each graph stating it (the graph itself
    when it names none), that document's symbol or label and its issue date; newest first. Plain
    nested OPTIONALs, a shape Virtuoso 7 runs as well as the embedded store."""
    untoc = base + "ontology#"
    rows = select(server, f"""PREFIX untoc: <{untoc}> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT DISTINCT ?status ?statusLabel ?g ?doc ?symbol ?label ?issued {{
          GRAPH ?g {{ <{meeting}> untoc:statusAsReported ?status }}
          ?status rdfs:label ?statusLabel FILTER(LANG(?statusLabel) = "{lang}")
          OPTIONAL {{ ?g untoc:sourceDocument ?doc
                      OPTIONAL {{ ?doc untoc:symbol ?symbol }}
                      OPTIONAL {{ ?doc rdfs:label ?label FILTER(LANG(?label) = "{lang}") }}
                      OPTIONAL {{ ?doc untoc:issuedOn ?issued }} }}
        }}""")
    found = {}
    for r in rows:
        source = r.get("doc") or r["g"]
        found[(r["status"], source)] = {
            "status": link(base, r["status"]), "status_text": r["statusLabel"], "source": link(base, source),
            "source_text": r.get("symbol") or r.get("label") or source.split("://", 1)[1], "date": r.get("issued")}
    return sorted(found.values(), key=lambda e: e["date"] or "", reverse=True)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_seed_meeting_names_the_source_of_its_status_and_its_date(seed: Server, lang: str) -> None:
    untoc = seed.url + "ontology#"
    meetings = [r["m"] for r in select(seed, f"SELECT DISTINCT ?m {{ ?m <{untoc}statusAsReported> ?s }}")]
    assert meetings, "the seed data reports meetings' statuses"
    for meeting in meetings:
        expected = expected_entries(seed, seed.url, meeting, lang)
        assert expected and all(e["date"] for e in expected), "every seed source is dated"
        assert status_row(seed, seed.url, meeting, lang) == expected, meeting


@pytest.mark.parametrize("lang", ["en", "es"])
def test_each_source_reports_its_own_status_newest_first(later: Server, lang: str) -> None:
    shown = status_row(later, BASE, MEETING, lang)
    expected = expected_entries(later, BASE, MEETING, lang)
    assert len(shown) == 4  # the report's two language versions are one source
    assert shown[:2] == expected[:2]
    assert shown[0]["source_text"] == "CTOC/COP/WG.4/2024/5"  # a document with a symbol is named by it
    assert [e["date"] for e in shown[:2]] == ["2024-09-20", "2024-07-04"]
    assert [e["status_text"] for e in shown[:2]] == {"en": ["held", "scheduled"], "es": ["celebrada", "prevista"]}[lang]
    undated = sorted(shown[2:], key=lambda e: e["source"])
    assert undated == sorted(expected[2:], key=lambda e: e["source"])
    assert [(e["source"], e["date"]) for e in undated] == [("/doc/document/undated-paper", None),
                                                           ("/doc/graph/no-document", None)]


def test_a_meeting_description_carries_its_sources_symbols_and_dates(later: Server) -> None:
    untoc = BASE + "ontology#"
    url = later.url + "doc/meeting/WG.4/2024-07-08"
    graph = Graph().parse(data=httpx.get(url, headers={"Accept": "text/turtle"}, timeout=30).text,
                          format="turtle", publicID=url)
    sources = {r["g"]: r["doc"] for r in select(later, f"SELECT DISTINCT ?g ?doc {{ GRAPH ?g {{ <{MEETING}> ?p ?o }} "
                                                       f"?g <{untoc}sourceDocument> ?doc }}")}
    assert len(sources) == 4
    for source_graph, document in sources.items():
        assert graph.value(URIRef(source_graph), URIRef(untoc + "sourceDocument")) == URIRef(document)
        issued = select(later, f"SELECT ?d {{ <{document}> <{untoc}issuedOn> ?d }}")
        assert set(graph.objects(URIRef(document), URIRef(untoc + "issuedOn"))) == \
            {Literal(r["d"], datatype=XSD.date) for r in issued}
    assert str(graph.value(URIRef(REPORT), URIRef(untoc + "symbol"))) == "CTOC/COP/WG.4/2024/5"
    assert graph.value(URIRef(BASE + "id/document/undated-paper"), URIRef(untoc + "issuedOn")) is None
