"""The facts a reader asks first about a thing, above its full property table: one list per class.

Each entry is a path from the thing: a property (``reportOf``), a property of what it points to
(``reportOf startDate``: the report's meeting's first day, which the description carries as one hop
of context, ``describe.CONTEXT``), or a property pointing at the thing (``^preparedFor``: the
documents prepared for a meeting). Row names are the ontology's labels of the properties, in the
page's language, so the summary speaks the words the property table speaks.

A property in ``AS_REPORTED`` says what one source reports on its own date (a meeting's status,
docs/model.md), so its row shows each value with the document whose graph states it and that
document's issue date, newest first: two sources may report two statuses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

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
AS_REPORTED = frozenset({"statusAsReported"})
"""Properties whose value is what one source reports as of its date: a one-step path in a summary,
shown with its sources."""
Reports = Callable[[str], list[tuple[object, URIRef]]]
"""For a property's IRI, each value the subject has with each named graph stating it."""


@dataclass(frozen=True)
class Entry:
    """One value of a summary row; for a property in ``AS_REPORTED``, with the source reporting it
    (its document, else its graph when the data names no document) and that document's issue date
    (None when the data records none: a date is never guessed)."""

    value: object
    source: object = None
    date: str | None = None


@dataclass
class Fact:
    """One row of a summary: what it says (the properties' labels) and the values found."""

    label: str
    values: list[Entry] = field(default_factory=list)


def summary(graph: Graph, subject: URIRef, untoc: str, label: Callable[[str], str],
            value: Callable[[object], object], reports: Reports) -> list[Fact]:
    """The summary of ``subject`` by the first of its classes that has one; ``label`` names an IRI in
    the page's language, ``value`` turns a node into what the page shows, ``reports`` says which
    graphs state a value (asked only for the properties in ``AS_REPORTED``)."""
    types = set(graph.objects(subject, RDF.type))
    paths = next((SUMMARIES[name] for name in SUMMARIES if URIRef(untoc + name) in types), ())
    facts = []
    for path in paths:
        if path[0] in AS_REPORTED:
            entries = _reported(graph, untoc, value, reports(untoc + path[0]))
        else:
            found = _follow(graph, subject, [URIRef(untoc + step.lstrip("^")) for step in path],
                            [step.startswith("^") for step in path])
            entries = sorted((Entry(value(node)) for node in found), key=lambda e: e.value.text)
        if entries:
            names = [("← " if step.startswith("^") else "") + label(untoc + step.lstrip("^")) for step in path]
            facts.append(Fact(" › ".join(names), entries))
    return facts


def _follow(graph: Graph, start: URIRef, predicates: list[URIRef], inverse: list[bool]) -> list:
    nodes = [start]
    for predicate, backwards in zip(predicates, inverse):
        nodes = [n for node in nodes
                 for n in (graph.subjects(predicate, node) if backwards else graph.objects(node, predicate))]
    return list(dict.fromkeys(nodes))


def _reported(graph: Graph, untoc: str, value: Callable[[object], object],
              stated: list[tuple[object, URIRef]]) -> list[Entry]:
    """Each value with each source that reports it, newest source first, undated sources last. The
    description carries each source graph's document with its symbol and issue date
    (``describe._add_sources``); two graphs of one document (its language versions) are one source."""
    found = {}
    for node, source_graph in stated:
        document = graph.value(source_graph, URIRef(untoc + "sourceDocument")) or source_graph
        issued = min((str(d) for d in graph.objects(document, URIRef(untoc + "issuedOn"))), default=None)
        symbol = graph.value(document, URIRef(untoc + "symbol"))
        source = value(document)
        found[(node, document)] = Entry(value(node), replace(source, text=str(symbol)) if symbol else source, issued)
    return sorted(sorted(found.values(), key=lambda e: (e.source.text, e.value.text)),
                  key=lambda e: e.date or "", reverse=True)
