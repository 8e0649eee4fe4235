"""The facts a reader asks first about a thing, above its full property table: one list per class.

Each entry is a path from the thing: a property (``reportOf``), a property of what it points to
(``reportOf startDate``: the report's meeting's first day, which the description carries as one hop
of context, ``describe.CONTEXT``), or a property pointing at the thing (``^preparedFor``: the
documents prepared for a meeting). Row names are the ontology's labels of the properties, in the
page's language, so the summary speaks the words the property table speaks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

Path = tuple[str, ...]
_REPORT = (("reportOf",), ("reportOf", "meetingOf"), ("reportOf", "ordinal"), ("reportOf", "startDate"),
           ("reportOf", "endDate"), ("reportOf", "place"), ("submittedPursuantTo",), ("submittedTo",),
           ("issuedOn",), ("writtenIn",))  # official copies are linked right below every document's summary
_MANDATE = (("adoptedAt",), ("establishes",), ("makesStandingElement",), ("encouragesAnnualConsecutiveMeetings",),
            ("requiresReportsFrom",), ("reaffirmedInLaterResolutions",))
SUMMARIES: dict[str, tuple[Path, ...]] = {
    "Report": _REPORT,
    "Meeting": (("meetingOf",), ("ordinal",), ("startDate",), ("endDate",), ("place",), ("statusAsReported",),
                ("produces",), ("^preparedFor",), ("^agendaOf",)),
    "WorkingGroup": (("establishedBy",), ("madeStandingElementBy",), ("encouragedToMeetAnnuallyBy",), ("serves",),
                     ("subsidiaryOf",), ("symbolSeries",)),
    "Decision": _MANDATE,
    "Resolution": _MANDATE,
    "Session": (("ordinal",), ("startDate",), ("endDate",), ("place",), ("^preparedFor",), ("^submittedTo",),
                ("^agendaOf",), ("^reportOf",)),
}


@dataclass
class Fact:
    """One row of a summary: what it says (the properties' labels) and the values found."""

    label: str
    values: list = field(default_factory=list)


def summary(graph: Graph, subject: URIRef, untoc: str, label: Callable[[str], str],
            value: Callable[[object], object]) -> list[Fact]:
    """The summary of ``subject`` by the first of its classes that has one; ``label`` names an IRI in
    the page's language, ``value`` turns a node into what the page shows."""
    types = set(graph.objects(subject, RDF.type))
    paths = next((SUMMARIES[name] for name in SUMMARIES if URIRef(untoc + name) in types), ())
    facts = []
    for path in paths:
        found = _follow(graph, subject, [URIRef(untoc + step.lstrip("^")) if step.startswith("^") else
                                         URIRef(untoc + step) for step in path], [s.startswith("^") for s in path])
        if found:
            names = [("← " if step.startswith("^") else "") + label(untoc + step.lstrip("^")) for step in path]
            facts.append(Fact(" › ".join(names), sorted((value(node) for node in found), key=lambda v: v.text)))
    return facts


def _follow(graph: Graph, start: URIRef, predicates: list[URIRef], inverse: list[bool]) -> list:
    nodes = [start]
    for predicate, backwards in zip(predicates, inverse):
        nodes = [n for node in nodes
                 for n in (graph.subjects(predicate, node) if backwards else graph.objects(node, predicate))]
    return list(dict.fromkeys(nodes))
