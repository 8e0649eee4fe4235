"""The pure parts of the Linked Data views: URL layout, safe embedding of JSON-LD, timeline geometry."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date

import pytest
from hypothesis import given, strategies as st

from untoc_kg.linkeddata.formats import script_json
from untoc_kg.linkeddata.resources import (HTML, TURTLE, candidate_iris, description_path, href, split_extension,
                                          thing_iri_for_description)
from untoc_kg.linkeddata.timeline import Meeting, layout

BASE = "http://example.org/kg/"


@pytest.mark.parametrize("path,stem,fmt", [
    ("document/CTOC/COP/WG.4/2023/5.ttl", "document/CTOC/COP/WG.4/2023/5", TURTLE),
    ("document/CTOC/COP/WG.4/2023/5.html", "document/CTOC/COP/WG.4/2023/5", HTML),
    ("document/CTOC/COP/WG.4/2023/5", "document/CTOC/COP/WG.4/2023/5", None),
    ("group/WG.4", "group/WG.4", None),
    ("group/WG.ttl/x", "group/WG.ttl/x", None),
])
def test_only_a_known_final_extension_is_a_format(path: str, stem: str, fmt: object) -> None:
    assert split_extension(path) == (stem, fmt)


def test_things_and_graphs_map_to_their_descriptions_and_back() -> None:
    assert description_path(BASE, BASE + "id/document/CTOC/COP/WG.4/2023/5") == "/doc/document/CTOC/COP/WG.4/2023/5"
    assert description_path(BASE, BASE + "graph/note") == "/doc/graph/note"
    assert thing_iri_for_description(BASE, "graph/note") == ("graph/", "note")
    assert thing_iri_for_description(BASE, "group/WG.4") == ("id/", "group/WG.4")
    assert description_path(BASE, BASE + "ontology#Meeting") == "/ontology#Meeting"
    assert description_path(BASE, BASE + "shapes#MeetingShape") == "/shapes#MeetingShape"
    assert href(BASE, "https://undocs.org/CTOC/COP/WG.4/2023/5") == "https://undocs.org/CTOC/COP/WG.4/2023/5"


def test_candidates_are_valid_iris_only() -> None:
    assert candidate_iris(BASE, "id/", "place/vienna") == [BASE + "id/place/vienna"]
    assert candidate_iris(BASE, "id/", "a b") == [BASE + "id/a%20b"]
    assert all(">" not in iri for iri in candidate_iris(BASE, "id/", "x> } DROP ALL {<y"))


@given(st.text())
def test_embedded_json_cannot_close_its_script_element(text: str) -> None:
    document = json.dumps({"@id": "x", "text": text + "</script><!-- <script>"}).encode()
    embedded = script_json(document)
    assert "<" not in embedded and ">" not in embedded and "&" not in embedded
    assert json.loads(embedded) == json.loads(document)


def test_timeline_places_meetings_in_date_order_one_mark_each() -> None:
    meetings = [Meeting(f"/doc/meeting/G/{n}", f"meeting {n}", date(2020 + n, 5, 1), date(2020 + n, 5, 3), str(n), "held")
                for n in (3, 1, 2)]
    timeline = layout(meetings)
    assert [m.meeting.ordinal for m in timeline.marks] == ["1", "2", "3"]
    xs = [m.x for m in timeline.marks]
    assert xs == sorted(xs) and 0 < xs[0] and xs[-1] < timeline.width
    assert [t.year for t in timeline.ticks] == [2022, 2023]
    assert layout([]) is None


def test_n_triples_bytes_do_not_depend_on_the_process() -> None:
    """One strong ETag names the bytes of every HTTP worker, whose hash seeds differ."""
    program = (
        "import sys; from rdflib import Graph, Literal, URIRef\n"
        "from untoc_kg.linkeddata.formats import serialize\n"
        "from untoc_kg.linkeddata.resources import NTRIPLES\n"
        "g = Graph()\n"
        "for i in range(40): g.add((URIRef(f'http://e/s{i % 4}'), URIRef(f'http://e/p{i % 7}'), Literal(f'v{i}')))\n"
        "sys.stdout.buffer.write(serialize(g, NTRIPLES, {}, ''))\n"
    )
    bodies = {subprocess.run([sys.executable, "-c", program], capture_output=True, check=True,
                             env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2", "3")}
    assert len(bodies) == 1
    assert len(next(iter(bodies)).splitlines()) == 40
