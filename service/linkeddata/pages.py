"""HTML pages for people: the view models the templates draw, built from description graphs.

Every label is chosen in the page's language (falling back to the other language, then to a prefixed
name such as ``prov:Entity`` or the IRI's last segment); every IRI of the dataset becomes a link to
its description on this server. The ontology's and the shapes' pages are in ``vocabulary.py``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import quote, urlencode

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import FOAF, RDF, RDFS, XSD

from ..html import render
from ..namespaces import ontology_namespace, symbol_path
from . import catalog, void
from .dumps import Dump
from .describe import Description, labels_of, reported_in, term
from .formats import JSONLD, prefixed_name, script_json, serialize
from .i18n import LANGUAGES, MESSAGES
from .resources import RDF_FORMATS, href, local_name, unlabelled
from .site import NoSuchPage, Site
from .summary import summary
from .timeline import Meeting, layout, per_year

PAGE_SIZE = 50
UNDOCS = "https://undocs.org/"


@dataclass(frozen=True)
class Value:
    """One value on a page: a link (IRI) or a literal with its language or datatype."""

    text: str
    href: str | None = None
    lang: str | None = None
    datatype: str | None = None


@dataclass
class Row:
    """A property and its values, as one row of a table."""

    label: str
    href: str
    values: list[Value] = field(default_factory=list)


@dataclass(frozen=True)
class Quote:
    """A passage that states a fact on the page, quoted with where it comes from."""

    href: str
    paragraph: str
    numbered: bool
    text: str
    lang: str | None
    document: Value | None
    official_copy: str | None


class Labels:
    """The rdfs:labels of a graph (or a list), picked in the page's language."""

    def __init__(self, pairs: Iterable[tuple[URIRef, Literal]], lang: str) -> None:
        self.lang = lang
        self.by_iri: dict[str, dict[str, str]] = defaultdict(dict)
        for node, label in pairs:
            self.by_iri[str(node)].setdefault(label.language or "", str(label))

    @classmethod
    def of_graph(cls, graph: Graph, lang: str) -> "Labels":
        return cls(((s, o) for s, o in graph.subject_objects(RDFS.label) if isinstance(o, Literal)), lang)

    def __call__(self, iri: str) -> str:
        found = self.by_iri.get(iri, {})
        for choice in (self.lang, *LANGUAGES, ""):
            if choice in found:
                return found[choice]
        return next(iter(found.values()), prefixed_name(iri) or unlabelled(iri))


def page_context(site: Site, lang: str, path: str, query: dict[str, str] | None = None) -> dict[str, object]:
    """What every page's frame needs: words in its language and links to itself in the other one."""
    query = {k: v for k, v in (query or {}).items() if k != "lang"}
    switch = {other: f"{quote(path)}?{urlencode({**query, 'lang': other})}" for other in LANGUAGES}
    return {"lang": lang, "t": MESSAGES[lang], "languages": switch, "base": site.base}


def value_of(site: Site, node: object, labels: Labels) -> Value:
    if isinstance(node, URIRef):
        return Value(labels(str(node)), href(site.base, str(node)))
    if isinstance(node, Literal):
        datatype = local_name(str(node.datatype)) if node.datatype and node.datatype != XSD.string else None
        return Value(str(node), lang=node.language, datatype=datatype)
    return Value(f"_:{node}")


def _rows(site: Site, pairs: Iterable[tuple[object, object]], labels: Labels) -> list[Row]:
    rows: dict[str, Row] = {}
    for predicate, obj in pairs:
        key = str(predicate)
        if key not in rows:
            rows[key] = Row(labels(key), href(site.base, key))
        rows[key].values.append(value_of(site, obj, labels))
    for row in rows.values():
        row.values.sort(key=lambda v: (v.lang not in (labels.lang, None), v.text))
    return sorted(rows.values(), key=lambda r: (r.href != href(site.base, str(RDF.type)), r.label.lower()))


def resource_page(site: Site, description: Description, lang: str, page: int, path: str, query: dict[str, str]) -> str:
    """The page of one resource: its facts, what refers to it (paged), provenance, timeline, JSON-LD."""
    graph, subject = description.graph, URIRef(description.iri)
    untoc = ontology_namespace(site.base)
    labels = Labels.of_graph(graph, lang)
    inverse = sorted(((p, s) for s, p in graph.subject_predicates(subject) if p != FOAF.primaryTopic),
                     key=lambda ps: (labels(str(ps[0])).lower(), labels(str(ps[1])).lower(), str(ps[1])))
    pages = max(1, -(-len(inverse) // PAGE_SIZE))
    if page > pages:
        raise NoSuchPage(f"there are only {pages} page(s)")
    shown = inverse[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
    symbols = [str(o) for o in graph.objects(subject, URIRef(untoc + "symbol"))]
    types = {str(t) for t in graph.objects(subject, RDF.type)}
    context = {
        **page_context(site, lang, path, query),
        "title": labels(description.iri),
        "iri": description.iri,
        "types": [value_of(site, URIRef(t), labels) for t in sorted(types)],
        "rows": _rows(site, graph.predicate_objects(subject), labels),
        "inverse": _rows(site, shown, labels),
        "inverse_total": len(inverse),
        "pager": _pager(path, query, page, pages),
        "quotes": _quotes(site, graph, subject, untoc, labels),
        "official_copies": [(s, UNDOCS + s) for s in sorted(symbols)],
        "alternates": [(f.extension, f.media_type, f"{path}.{f.extension}") for f in RDF_FORMATS],
        "jsonld": script_json(serialize(graph, JSONLD, site.context, site.context_url)),
        **_history(site, description.iri, lang, untoc + "WorkingGroup" in types),
        "summary": summary(graph, subject, untoc, labels, lambda node: value_of(site, node, labels),
                           lambda predicate: reported_in(site.store, description.iri, predicate)),
    }
    return render("resource.html", **context)


def _history(site: Site, group: str, lang: str, is_group: bool) -> dict[str, object]:
    """A group's meetings three ways: on a time axis, counted per year, and as a table."""
    meetings = sorted(_meetings(site, group, lang), key=lambda m: m.start) if is_group else []
    return {"timeline": layout(meetings), "years": per_year(meetings), "meetings": meetings}


def _pager(path: str, query: dict[str, str], page: int, pages: int) -> dict[str, object] | None:
    if pages == 1:
        return None
    link = lambda n: f"{quote(path)}?{urlencode({**query, 'page': str(n)})}"
    return {"page": page, "pages": pages,
            "previous": link(page - 1) if page > 1 else None, "next": link(page + 1) if page < pages else None}


def _quotes(site: Site, graph: Graph, subject: URIRef, untoc: str, labels: Labels) -> list[Quote]:
    quotes = []
    for passage in graph.objects(subject, URIRef(untoc + "statedIn")):
        text = next(iter(graph.objects(passage, URIRef(untoc + "text"))), None)
        number = next(iter(graph.objects(passage, URIRef(untoc + "paragraphNumber"))), None)
        document = next(iter(graph.objects(passage, URIRef(untoc + "passageOf"))), None)
        symbol = next(iter(graph.objects(document, URIRef(untoc + "symbol"))), None) if document else None
        quotes.append(Quote(
            href=href(site.base, str(passage)),
            paragraph=str(number) if number is not None else labels(str(passage)),
            numbered=number is not None,
            text=str(text) if text is not None else "",
            lang=text.language if isinstance(text, Literal) else None,
            document=value_of(site, document, labels) if document is not None else None,
            official_copy=UNDOCS + str(symbol) if symbol is not None else None,
        ))
    return sorted(quotes, key=lambda q: (not q.numbered, len(q.paragraph), q.paragraph))


MEETINGS_QUERY = """PREFIX untoc: <ontology#>
SELECT ?m ?start (SAMPLE(?e) AS ?end) (SAMPLE(?o) AS ?ordinal) (SAMPLE(?st) AS ?status) (SAMPLE(?pl) AS ?place)
       (GROUP_CONCAT(DISTINCT ?symbol; separator=" ") AS ?reports) WHERE {
  { $group untoc:holds ?m } UNION { ?m untoc:meetingOf $group }
  ?m untoc:startDate ?start .
  OPTIONAL { ?m untoc:endDate ?e } OPTIONAL { ?m untoc:ordinal ?o } OPTIONAL { ?m untoc:statusAsReported ?st }
  OPTIONAL { ?m untoc:place ?pl }
  OPTIONAL { { ?m untoc:produces ?r } UNION { ?r untoc:reportOf ?m } ?r untoc:symbol ?symbol }
} GROUP BY ?m ?start"""


def _meetings(site: Site, group: str, lang: str) -> list[Meeting]:
    """The group's dated meetings; a start or end that is not a valid date leaves the meeting out."""
    found = []
    for s in site.store.query(MEETINGS_QUERY.replace("$group", term(group))):
        try:
            start = date.fromisoformat(s["start"].value)
            end = date.fromisoformat(s["end"].value) if s["end"] is not None else start
        except ValueError:
            continue
        found.append((s["m"].value, start, max(start, end), s["ordinal"].value if s["ordinal"] else "",
                      local_name(s["status"].value) if s["status"] else "", s["place"].value if s["place"] else "",
                      s["reports"].value.split() if s["reports"] else []))
    labels = Labels(labels_of(site.store, [URIRef(m[0]) for m in found] + [URIRef(m[5]) for m in found if m[5]]), lang)
    report = lambda symbol: (symbol, href(site.base, f"{site.base}id/document/{symbol_path(symbol)}"))
    return [Meeting(href(site.base, iri), labels(iri), start, end, ordinal, status, labels(place) if place else "",
                    tuple(report(symbol) for symbol in sorted(symbols)))
            for iri, start, end, ordinal, status, place, symbols in found]


def index_page(site: Site, kind: catalog.Kind, lang: str, sort: str, page: int, path: str, query: dict[str, str]) -> str:
    """All resources of one kind, sorted by date (either way) or by name, fifty to a page."""
    rows = catalog.rows(site.store, kind)
    labels = Labels(labels_of(site.store, [URIRef(r.iri) for r in rows]), lang)
    by_label = lambda r: (labels(r.iri).lower(), r.iri)
    if sort == "label":
        rows.sort(key=by_label)
    else:
        rows.sort(key=by_label)
        dated = sorted((r for r in rows if r.date), key=lambda r: r.date, reverse=sort == "-date")
        rows = dated + [r for r in rows if not r.date]
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    if page > pages:
        raise NoSuchPage(f"there are only {pages} page(s)")
    shown = rows[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
    context = {
        **page_context(site, lang, path, query),
        "kind": kind,
        "title": MESSAGES[lang][kind.slug],
        "rows": [(Value(labels(r.iri), href(site.base, r.iri)), r.date, r.note) for r in shown],
        "total": len(rows),
        "sort": sort,
        "sorts": [(s, f"{quote(path)}?{urlencode({**query, 'sort': s, 'page': '1'})}") for s in ("date", "-date", "label")],
        "pager": _pager(path, query, page, pages),
    }
    return render("index.html", **context)


def _kind_counts(site: Site) -> list[tuple[str, int]]:
    """How many things of each kind, counted once per store (it never changes): the documents' count
    follows rdfs:subClassOf*, which under load cost cheap queries of other clients their latency."""
    counts = site.cache.get("kind counts")
    if counts is None:
        counts = site.cache["kind counts"] = [(slug, catalog.count(site.store, kind)) for slug, kind in catalog.KINDS.items()]
    return counts


def home_page(site: Site, lang: str, path: str, query: dict[str, str]) -> str:
    graphs = catalog.graph_rows(site.store)
    vocabularies = [(URIRef(site.base + name), Literal(MESSAGES[lang][name], lang=lang)) for name in ("ontology", "shapes")]
    labels = Labels([*labels_of(site.store, [URIRef(g) for g, _ in graphs]), *vocabularies], lang)
    context = {
        **page_context(site, lang, path, query),
        "kinds": _kind_counts(site),
        "triples": site.manifest.triples,
        "graphs": [(Value(labels(g), href(site.base, g)), n) for g, n in graphs],
        "built_at": site.manifest.built_at,
    }
    return render("home.html", **context)


def search_page(site: Site, text: str, lang: str, path: str, query: dict[str, str]) -> str:
    hits = catalog.search(site.store, site.base, text) if text else []
    labels = Labels(labels_of(site.store, [URIRef(h.iri) for h in hits]), lang)
    context = {
        **page_context(site, lang, path, query),
        "q": text,
        "hits": [(Value(labels(h.iri), href(site.base, h.iri)), h.matched) for h in hits],
        "limit": catalog.SEARCH_LIMIT,
    }
    return render("search.html", **context)


def not_found_page(site: Site, address: str, guess: str, lang: str, path: str) -> str:
    """The 404 page, with what a search finds for the address's tail, shortened until something matches."""
    hits: list[catalog.Hit] = []
    asked = guess
    while guess and not hits:
        hits = catalog.search(site.store, site.base, guess)
        if not hits:
            guess = guess.rpartition("/")[0]
    labels = Labels(labels_of(site.store, [URIRef(h.iri) for h in hits]), lang)
    context = {
        **page_context(site, lang, path),
        "address": address,
        "q": guess if hits else asked,
        "hits": [(Value(labels(h.iri), href(site.base, h.iri)), h.matched) for h in hits],
    }
    return render("not_found.html", **context)


def message_page(site: Site, lang: str, title: str, message: str, path: str) -> str:
    return render("message.html", **page_context(site, lang, path), title=title, message=message)


def void_page(site: Site, found: void.Facts, dumps: list[Dump], lang: str, path: str, query: dict[str, str]) -> str:
    """The dataset description for people: counts, classes, vocabularies, examples, dumps."""
    labels = Labels(labels_of(site.store, [URIRef(i) for i in [*found.examples, *(c for c, _ in found.classes),
                                                                *(g for g, _ in found.subsets)]]), lang)
    context = {
        **page_context(site, lang, path, query),
        "title": MESSAGES[lang]["void"],
        "found": found,
        "licence": str(void.LICENCE),
        "classes": [(value_of(site, URIRef(c), labels), n) for c, n in found.classes],
        "subsets": [(value_of(site, URIRef(g), labels), n) for g, n in found.subsets],
        "examples": [value_of(site, URIRef(e), labels) for e in found.examples],
        "dumps": dumps,
        "alternates": [(f.extension, f.media_type, f"{path}.{f.extension}") for f in RDF_FORMATS],
    }
    return render("void.html", **context)


def dumps_page(site: Site, dumps: list[Dump], lang: str, path: str, query: dict[str, str]) -> str:
    return render("dumps.html", **page_context(site, lang, path, query), title=MESSAGES[lang]["dumps"], dumps=dumps)
