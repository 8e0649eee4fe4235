"""From a UN document's text to facts with evidence: the reading itself.

The document is read the way a person reads a first page and its numbered paragraphs: header blocks
are recognised by what they say (distribution line, session heading, agenda items, "Note by the
Secretariat", section headings), paragraphs sentence by sentence. Each recogniser states facts about
entities named by keys the text prints (symbols, ordinals, mandate numbers, lexicon names), with
the span that says so. A block or sentence no recogniser understands is kept in ``not_understood``;
an inconsistency (a report symbol of another series, a "held" meeting after the document's date) is
kept in ``notes``: the caller reports both, nothing is dropped in silence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from rdflib import RDF, RDFS, SKOS, XSD, Literal, URIRef

from . import glossary, lexicon, names
from .dates import DateSpan, find_dates
from .cleanup import parse_job_number
from .firstpage import FIRST_PAGE, FirstPage
from .masthead import Masthead, read_masthead
from .meetings import BodyNames, body_names, find_meetings, lexicon_names
from .ordinals import ordinals_before
from .patterns import SYMBOL, Patterns, for_language
from .provenance import UNTOC, Evidence, Facts, Passage
from .segment import Block, collapse_whitespace, segment

_SENTENCE_END = re.compile(r"(?<=[.;])\s+(?=[A-ZÁÉÍÓÚÑ(])")


@dataclass(frozen=True)
class Role:
    """What a run of blocks is: its passage name (``3``, ``session``, ``heading-2``) and the blocks."""

    name: str
    blocks: tuple[Block, ...]

    @property
    def text(self) -> str:
        return " ".join(block.text for block in self.blocks)


@dataclass
class Outcome:
    """What the reading gives: the facts, and everything the caller must tell the user."""

    facts: Facts
    issued: date | None
    not_understood: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class ExtractionError(ValueError):
    """The document cannot be named (no symbol, and not a dated note): nothing can be stated."""


def extract(source: str, lang: str, learnt: Iterable[tuple[str, str]] = ()) -> Outcome:
    """Read ``source`` (text or Markdown) written in ``lang`` and return its facts.

    A document whose masthead prints its symbol is read from its first page (``firstpage.py``)
    and numbered paragraphs; one without (the Secretariat's note) by the roles of its header blocks.
    ``learnt`` are (name, series) pairs of groups that other documents print with their series.
    """
    patterns = for_language(lang)
    masthead = read_masthead(source, lang)
    if masthead.symbol is None:
        roles, unknown = assign_roles(segment(source), patterns)
        document, issued = _identity(roles, patterns)
        symbol = next((role.text for role in roles if role.name == "symbol"), None)
    else:
        roles, unknown = first_page_roles(source, masthead)
        symbol = masthead.symbol.value.text
        document, issued = names.document(symbol), masthead.issued and masthead.issued.value
        if masthead.body_name and masthead.symbol.value.body:
            learnt = [*learnt, (masthead.body_name.value, masthead.symbol.value.series)]
    facts = Facts(names.source_graph(document), document)
    for role in roles:
        facts.passages[role.name] = Passage(names.passage(document, role.name), role.name, role.text, lang,
                                            names.passage_labels(role.name, symbol, issued),
                                            int(role.name) if role.name.isdigit() else None)
    outcome = Outcome(facts, issued, [(f"block {i + 1}", b.text) for i, b in unknown])
    bodies = body_names([*lexicon_names(), *learnt])
    _Reader(patterns, outcome, bodies, masthead if masthead.symbol else None).read(roles)
    return outcome


def first_page_roles(source: str, masthead: Masthead) -> tuple[list[Role], list[tuple[int, Block]]]:
    """The masthead region as one passage, then the body's numbered paragraphs, footnotes and the job
    number; other blocks of the body (headings, tables of contents) are returned apart."""
    end = masthead.end + len(re.match(r"\**", source[masthead.end:]).group())  # the agenda line's footnote mark
    text, offsets = collapse_whitespace(source[:end])
    roles = [Role(FIRST_PAGE, (Block("text", text, offsets),))]
    unknown: list[tuple[int, Block]] = []
    for index, block in enumerate(segment(source[end:])):
        if block.kind == "numbered":
            roles.append(Role(str(block.number), (block,)))
        elif block.kind == "footnote":
            roles.append(Role("footnote", (block,)))
        elif parse_job_number(block.text):
            roles.append(Role("job-number", (block,)))
        else:
            unknown.append((index, block))
    return _unique(roles), unknown


def assign_roles(blocks: list[Block], patterns: Patterns) -> tuple[list[Role], list[tuple[int, Block]]]:
    """Name each block by what it says; blocks of no known kind are returned apart, with their index."""
    roles: list[Role] = []
    unknown: list[tuple[int, Block]] = []
    items_pending: list[int] = []
    sections = 0
    index = 0
    while index < len(blocks):
        block, text = blocks[index], blocks[index].text
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        if block.kind == "numbered":
            roles.append(Role(str(block.number), (block,)))
        elif block.kind == "footnote":
            roles.append(Role("footnote", (block,)))
        elif items_pending:
            roles.append(Role(f"agenda-item-{items_pending.pop(0)}", (block,)))
        elif _is_masthead(block, patterns):
            roles.append(Role("masthead", (block,)))
        elif patterns.distribution.search(text):
            with_languages = following is not None and _is_language_line(following, patterns)
            roles.append(Role("distribution", (block, following) if with_languages else (block,)))
            index += with_languages
        elif SYMBOL.fullmatch(text):
            roles.append(Role("symbol", (block,)))
        elif patterns.session_heading.match(text) or _is_body_name(text, patterns):
            name = "session" if patterns.session_heading.match(text) else "body"
            with_place = (following is not None and following.kind == "text" and not find_dates(text)
                          and bool(find_dates(following.text)))
            roles.append(Role(name, (block, following) if with_place else (block,)))
            index += with_place
        elif match := patterns.agenda.match(text):
            roles.append(Role("agenda-items", (block,)))
            items_pending = [int(n) for n in patterns.item_separator.split(match.group("items"))]
        elif patterns.note_kind.match(text):
            roles.append(Role("document-kind", (block,)))
        elif patterns.section.match(text) and lexicon.find_bodies(text, patterns.lang):
            sections += 1
            roles.append(Role(f"heading-{sections}", (block,)))
        elif block.kind == "heading" and not any(r.name == "title" for r in roles):
            roles.append(Role("title", (block,)))
        else:
            unknown.append((index, block))
        index += 1
    return _unique(roles), unknown


def _unique(roles: list[Role]) -> list[Role]:
    """A second block of one role ("body", a repeated paragraph number) gets ``-2``: one passage each."""
    seen: dict[str, int] = {}
    unique = []
    for role in roles:
        seen[role.name] = seen.get(role.name, 0) + 1
        count = seen[role.name]
        unique.append(role if count == 1 else Role(f"{role.name}-{count}", role.blocks))
    return unique


def _is_body_name(text: str, patterns: Patterns) -> bool:
    """A first page's body line: it opens with a group's name ("Working Group on Firearms, Vienna, ...")."""
    mentions = lexicon.find_bodies(text, patterns.lang)
    return bool(mentions) and mentions[0].span[0] == 0 and not patterns.section.match(text)


def _is_masthead(block: Block, patterns: Patterns) -> bool:
    """The Conference's name as the first heading, or alone on its line in plain text."""
    mentions = lexicon.find_conference(block.text, patterns.lang)
    return bool(mentions) and (block.level == 1 or mentions[0].span == (0, len(block.text)))


def _is_language_line(block: Block, patterns: Patterns) -> bool:
    """"Original: English" (and the language of the version) printed apart from the distribution line."""
    rest = patterns.original.sub("", block.text)
    names_at = [m.span for m in lexicon.find_languages(rest, patterns.lang)]
    rest = "".join(c for i, c in enumerate(rest) if not any(start <= i < end for start, end in names_at))
    return block.kind == "text" and bool(patterns.original.search(block.text)) and not rest.strip()


def _identity(roles: list[Role], patterns: Patterns) -> tuple[URIRef, date | None]:
    """The document's IRI: from its printed symbol, or (a note without one) from issuer, kind and date."""
    by_name = {role.name: role for role in roles}
    issued = None
    if "distribution" in by_name and (days := find_dates(by_name["distribution"].text)):
        issued = days[0].start
    if "symbol" in by_name:
        return names.document(by_name["symbol"].text), issued
    if "document-kind" in by_name and issued is not None:
        return names.unsymboled_document("secretariat", "note", issued), issued
    raise ExtractionError("the document prints no symbol and is not a dated note: it cannot be named")


@dataclass
class _Section:
    """The section heading in force: its group, the dates it lists, its place."""

    series: str | None = None
    passage: Passage | None = None
    dates: list[DateSpan] = field(default_factory=list)
    place: tuple[str, Evidence] | None = None
    reports: Evidence | None = None


@dataclass(frozen=True)
class NamedMeeting:
    """A meeting as one sentence or header names it (``day`` in passage offsets)."""

    iri: URIRef
    series: str
    group: URIRef
    ordinal: int | None  # printed only sometimes: the meeting's key is its series and first day
    name_span: Evidence
    day: DateSpan
    status: tuple[URIRef, Evidence] | None
    place: tuple[str, Evidence] | None


class _Reader:
    """One pass over the roles, stating facts; keeps the context a reader keeps (section, last mandate)."""

    def __init__(self, patterns: Patterns, outcome: Outcome, bodies: BodyNames, masthead: Masthead | None) -> None:
        self.p = patterns
        self.bodies = bodies
        self.masthead = masthead
        self.out = outcome
        self.facts = outcome.facts
        self.doc = outcome.facts.document
        self.section = _Section()
        self.cited: set[URIRef] = set()
        self.last_mandate: URIRef | None = None
        self.last_meetings: list[URIRef] = []
        self.session: int | None = None
        self.subsidiary: list[Evidence] = []
        self.roles: dict[str, Role] = {}
        self.consumed: set[str] = set()

    # -- helpers ------------------------------------------------------------------------------------

    def ev(self, passage: Passage, start: int, end: int) -> Evidence:
        return Evidence(passage, start, end)

    def add(self, s: URIRef, p: URIRef, o, *spans: Evidence) -> None:
        self.facts.add((s, p, o), *spans)

    def entity(self, node: URIRef, cls: URIRef, labels: tuple[str, str], *spans: Evidence) -> None:
        """A typed, labelled node (labels in both languages, built from keys, not printed words)."""
        self.add(node, RDF.type, cls, *spans)
        self.add(node, RDFS.label, Literal(labels[0], lang="es"), *spans)
        self.add(node, RDFS.label, Literal(labels[1], lang="en"), *spans)

    def conference(self, *spans: Evidence) -> URIRef:
        node = names.iri("conference")
        self.entity(node, UNTOC.Conference, (lexicon.CONFERENCE["es"], lexicon.CONFERENCE["en"]), *spans)
        return node

    def session_node(self, ordinal: int, *spans: Evidence) -> URIRef:
        node = names.session(ordinal)
        self.entity(node, UNTOC.Session, names.session_labels(ordinal), *spans)
        self.add(node, UNTOC.ordinal, Literal(ordinal, datatype=XSD.integer), *spans)
        self.add(node, UNTOC.sessionOf, names.iri("conference"), *spans)
        return node

    def place(self, key: str, *spans: Evidence) -> URIRef:
        node = names.iri(f"place/{key}")
        self.entity(node, UNTOC.Place, (lexicon.PLACES[key]["es"], lexicon.PLACES[key]["en"]), *spans)
        return node

    def group(self, series: str, *spans: Evidence) -> URIRef:
        node = names.group(series)
        self.entity(node, UNTOC.WorkingGroup, lexicon.group_names(series), *spans)
        self.add(node, UNTOC.symbolSeries, Literal(series), *spans)
        return node

    def instrument(self, mention: lexicon.Mention, span: Evidence) -> URIRef:
        item = lexicon.instrument(mention.key)
        node = names.iri(f"instrument/{item.key}")
        self.entity(node, UNTOC[item.kind], (item.names["es"][0], item.names["en"][0]), span)
        printed = span.exact
        if lexicon.fold(printed) != lexicon.fold(item.names[self.p.lang][0]):
            self.add(node, SKOS.altLabel, Literal(printed, lang=self.p.lang), span)
        return node

    def title(self, node: URIRef, printed: str, span: Evidence) -> None:
        pair = glossary.both_titles(printed, self.p.lang)
        if pair is None:
            self.out.notes.append(f"{span.passage.name}: no {'en' if self.p.lang == 'es' else 'es'} title known for "
                                  f"{printed!r} (glossary); the title of {node} is left out")
            return
        self.add(node, UNTOC.title, Literal(pair[0], lang="es"), span)
        self.add(node, UNTOC.title, Literal(pair[1], lang="en"), span)

    # -- the pass ----------------------------------------------------------------------------------

    def read(self, roles: list[Role]) -> None:
        self.roles = {role.name: role for role in roles}
        passages = self.facts.passages
        readers = {FIRST_PAGE: self.first_page, "job-number": self.job_number,
                   "masthead": self.masthead_block, "distribution": self.distribution, "symbol": self.symbol,
                   "session": self.session_heading, "agenda-items": self.agenda, "document-kind": self.document_kind,
                   "title": self.doc_title, "body": self.body}
        for role in roles:
            passage = passages[role.name]
            if role.name in readers:
                readers[role.name](passage)
            elif role.name.startswith("heading-"):
                self.section_heading(passage)
            elif role.name.isdigit():
                self.paragraph(passage)
            elif role.name not in self.consumed:  # footnote and item titles are read with the agenda line
                self.out.not_understood.append((role.name, role.text))
        self.finish()

    def first_page(self, passage: Passage) -> None:
        FirstPage(self, passage, self.masthead, self.roles[FIRST_PAGE].blocks[0].offsets, self.bodies).read()

    def job_number(self, passage: Passage) -> None:
        """"V.18-00932 (E)": the language of this version, where the masthead does not print it."""
        job = parse_job_number(passage.text)
        if self.masthead is None or self.masthead.version is None:
            self.add(self.doc, UNTOC.writtenIn, Literal(job.language, datatype=XSD.language),
                     self.ev(passage, 0, len(passage.text)))

    def masthead_block(self, passage: Passage) -> None:
        mention = lexicon.find_conference(passage.text, self.p.lang)[0]
        span = self.ev(passage, *mention.span)
        self.conference(span)
        for instrument in lexicon.find_instruments(passage.text, self.p.lang):
            self.instrument(instrument, self.ev(passage, *instrument.span))
        self.subsidiary.append(span)

    def distribution(self, passage: Passage) -> None:
        text = passage.text
        match = self.p.distribution.search(text)
        self.add(self.doc, UNTOC.distribution, Literal(self.p.distributions[match.group("value").lower()]),
                 self.ev(passage, *match.span()))
        if days := find_dates(text):
            self.add(self.doc, UNTOC.issuedOn, Literal(days[0].start, datatype=XSD.date), self.ev(passage, *days[0].span))
        original = self.p.original.search(text)
        for mention in lexicon.find_languages(text, self.p.lang):
            if original and original.start() <= mention.span[0] < original.end():
                self.add(self.doc, UNTOC.originallyIn, Literal(mention.key, datatype=XSD.language),
                         self.ev(passage, original.start(), mention.span[1]))
            else:
                self.add(self.doc, UNTOC.writtenIn, Literal(mention.key, datatype=XSD.language),
                         self.ev(passage, *mention.span))

    def symbol(self, passage: Passage) -> None:
        span = self.ev(passage, 0, len(passage.text))
        self.add(self.doc, RDF.type, UNTOC.Document, span)
        self.add(self.doc, UNTOC.symbol, Literal(passage.text), span)
        self.add(self.doc, UNTOC.officialCopy, names.official_copy(passage.text), span)

    def session_heading(self, passage: Passage) -> None:
        found = ordinals_before(passage.text, self.p.session_noun)
        if not found:
            self.out.not_understood.append((passage.name, passage.text))
            return
        ordinal = found[0]
        self.session = ordinal.value
        span = self.ev(passage, *ordinal.span)
        node = self.session_node(ordinal.value, span)
        self.add(self.doc, UNTOC.preparedFor, node, span, *self._masthead_span())
        self.place_and_dates(node, passage, start_at=ordinal.span[1])

    def _masthead_span(self) -> list[Evidence]:
        if "masthead" not in self.roles:
            return []
        passage = self.facts.passages["masthead"]
        mention = lexicon.find_conference(passage.text, self.p.lang)[0]
        return [self.ev(passage, *mention.span)]

    def place_and_dates(self, node: URIRef, passage: Passage, start_at: int = 0) -> None:
        text = passage.text
        for mention in lexicon.find_places(text[start_at:], self.p.lang)[:1]:
            span = self.ev(passage, start_at + mention.span[0], start_at + mention.span[1])
            self.add(node, UNTOC.place, self.place(mention.key, span), span)
        for day in find_dates(text[start_at:])[:1]:
            span = self.ev(passage, start_at + day.span[0], start_at + day.span[1])
            self.add(node, UNTOC.startDate, Literal(day.start, datatype=XSD.date), span)
            self.add(node, UNTOC.endDate, Literal(day.end, datatype=XSD.date), span)

    def agenda(self, passage: Passage) -> None:
        match = self.p.agenda.match(passage.text)
        footnote = self.facts.passages.get("footnote")
        symbol = SYMBOL.search(footnote.text) if footnote and passage.text.endswith("*") else None
        if symbol is None or self.session is None:
            reason = "no footnote gives the agenda's symbol" if symbol is None else \
                "it is the agenda of a meeting, which only a first page with its symbol states (firstpage.py)"
            self.out.notes.append(f"{passage.name}: agenda items not recorded: {reason}")
            return
        self.consumed.add(footnote.name)
        agenda_span, note_span = self.ev(passage, *match.span()), self.ev(footnote, *symbol.span())
        agenda = names.document(symbol.group())
        self.entity(agenda, UNTOC.ProvisionalAgenda, names.agenda_labels(self.session, symbol.group()),
                    agenda_span, note_span)
        self.add(agenda, UNTOC.symbol, Literal(symbol.group()), note_span)
        self.add(agenda, UNTOC.officialCopy, names.official_copy(symbol.group()), note_span)
        self.add(agenda, UNTOC.agendaOf, names.session(self.session), agenda_span)
        numbers = list(re.finditer(r"\d+", match.group("items")))
        for number in numbers:
            self.agenda_item(agenda, symbol.group(), int(number.group()),
                             self.ev(passage, match.start("items") + number.start(), match.start("items") + number.end()),
                             agenda_span, note_span)

    def agenda_item(self, agenda: URIRef, symbol: str, number: int, number_span: Evidence,
                    agenda_span: Evidence, note_span: Evidence) -> None:
        item = names.agenda_item(symbol, number)
        title_passage = self.facts.passages.get(f"agenda-item-{number}")
        title_span = self.ev(title_passage, 0, len(title_passage.text)) if title_passage else None
        pair = glossary.both_titles(title_passage.text, self.p.lang) if title_passage else None
        if pair is None:
            self.out.notes.append(f"agenda item {number}: no title in both languages; the item is not recorded")
            return
        self.consumed.add(title_passage.name)
        self.entity(item, UNTOC.AgendaItem, names.item_labels(number, symbol), agenda_span, title_span)
        self.title(item, title_passage.text, title_span)
        self.add(item, UNTOC.itemNumber, Literal(number, datatype=XSD.integer), number_span)
        self.add(item, UNTOC.itemOf, agenda, agenda_span, note_span)
        self.add(agenda, UNTOC.hasItem, item, agenda_span)
        self.add(self.doc, UNTOC.underAgendaItem, item, agenda_span, note_span)

    def document_kind(self, passage: Passage) -> None:
        span = self.ev(passage, 0, len(passage.text))
        self.add(self.doc, RDF.type, UNTOC.Note, span)
        secretariat = names.iri("secretariat")
        self.entity(secretariat, UNTOC.Secretariat, (lexicon.SECRETARIAT["es"], lexicon.SECRETARIAT["en"]), span)
        self.add(self.doc, UNTOC.authoredBy, secretariat, span)

    def doc_title(self, passage: Passage) -> None:
        span = self.ev(passage, 0, len(passage.text))
        self.title(self.doc, passage.text, span)
        for mention in lexicon.find_conference(passage.text, self.p.lang):
            self.conference(self.ev(passage, *mention.span))
        if match := self.p.subsidiary.search(passage.text):
            self.subsidiary = [self.ev(passage, *match.span())]

    def body(self, passage: Passage) -> None:
        """A body line of a first page ("Working Group on Firearms", then "Vienna, 2 and 3 May 2018")."""
        mention = lexicon.find_bodies(passage.text, self.p.lang)[0]
        self.group(mention.key, self.ev(passage, *mention.span))
        self.section = _Section(mention.key, passage, find_dates(passage.text))
        places = lexicon.find_places(passage.text, self.p.lang)
        if places:
            self.section.place = (places[0].key, self.ev(passage, *places[0].span))
        if self.section.dates:
            self._header_meeting(passage, self.ev(passage, *mention.span), passage.text)
        for part in re.split(r",\s*", passage.text):
            if self.p.agenda.match(part):
                self.out.notes.append(f"{passage.name}: {part!r} names the agenda of a meeting, which only a first "
                                      "page with its symbol states (firstpage.py): not recorded")

    def _header_meeting(self, passage: Passage, name_span: Evidence, ordinal_text: str) -> URIRef:
        """The meeting a first page is about, named by its group and first day; its ordinal when printed."""
        series, day = self.section.series, self.section.dates[0]
        ordinal = next(iter(ordinals_before(ordinal_text, self.p.meeting_noun)), None)
        if ordinal is not None:
            name_span = self.ev(passage, *ordinal.span)
        meeting = names.meeting(series, day.start)
        self.meeting(NamedMeeting(meeting, series, names.group(series), ordinal and ordinal.value, name_span, day, None,
                              None), passage)
        return meeting

    def section_heading(self, passage: Passage) -> None:
        text = passage.text
        bodies = lexicon.find_bodies(text, self.p.lang)
        if not bodies:
            self.out.not_understood.append((passage.name, text))
            self.section = _Section()
            return
        self.group(bodies[0].key, self.ev(passage, *bodies[0].span))
        self.section = _Section(bodies[0].key, passage, find_dates(text),
                                reports=self.ev(passage, *self.p.section.match(text).span()))
        places = lexicon.find_places(text, self.p.lang)
        if places:
            self.section.place = (places[0].key, self.ev(passage, *places[0].span))
        if "symbol" in self.roles and (title := self.p.report_title.match(text)):
            self._own_report(passage, self.ev(passage, *title.span()))

    def _own_report(self, passage: Passage, title: Evidence) -> None:
        """A report's first page: "Report on the [sixth] meeting of the … held in Vienna on …"."""
        if not self.section.dates:
            self.out.notes.append(f"{passage.name}: the meeting this report covers cannot be told; report not linked")
            return
        meeting = self._header_meeting(passage, title, passage.text[:title.end])
        self.report(self.facts.passages["symbol"].text, meeting, title, None, None)

    # -- paragraphs ---------------------------------------------------------------------------------

    def paragraph(self, passage: Passage) -> None:
        offset = 0
        for sentence in _SENTENCE_END.split(passage.text):
            start = passage.text.index(sentence, offset)
            offset = start + len(sentence)
            cited = list(self.p.mandate.finditer(sentence))
            mandates = [names.mandate(self.p.mandate_kinds[m.group("kind").lower()], m.group("number")) for m in cited]
            understood = [reader(passage, start, sentence, mandates)
                          for reader in (self.establishment, self.standing, self.encouragement, self.reaffirmation,
                                         self.meetings, self.reports)]
            if not any(understood):
                self.out.not_understood.append((passage.name, sentence))
                continue  # "no fact taken": not even the mandates it cites
            for match in cited:
                self.cite(passage, start, match)

    def cite(self, passage: Passage, start: int, match: re.Match[str]) -> None:
        """A mandate mention: type, number and label here; its session and title where first cited."""
        kind = self.p.mandate_kinds[match.group("kind").lower()]
        number = match.group("number")
        node = names.mandate(kind, number)
        span = self.ev(passage, start + match.start(), start + match.end())
        self.entity(node, UNTOC.Decision if kind == "decision" else UNTOC.Resolution, names.mandate_labels(kind, number), span)
        self.add(node, UNTOC.mandateNumber, Literal(number), span)
        if node not in self.cited:
            self.cited.add(node)
            session = self.session_node(int(number.split("/")[0]), span)
            self.add(node, UNTOC.adoptedAt, session, span)
        rest = passage.text[start + match.end():]
        if title := self.p.mandate_title.match(rest):
            base = start + match.end()
            self.title(node, title.group("title"), self.ev(passage, base + title.start("title"), base + title.end("title")))
        self.last_mandate = node

    def establishment(self, passage: Passage, start: int, sentence: str, mandates: list[URIRef]) -> bool:
        clause = self.p.group_clause.search(sentence)
        if not (mandates and self.p.establish.search(sentence) and clause):
            return False
        series = self._established_series(passage, sentence)
        if series is None:
            self.out.notes.append(f"{passage.name}: a group is established but which one cannot be told")
            return False
        group = names.group(series)
        clause_span = self.ev(passage, start + clause.start(), start + clause.end())
        cited = self.p.mandate.search(sentence)
        mandate_span = self.ev(passage, start + cited.start(), start + cited.end())
        self.add(mandates[0], UNTOC.establishes, group, mandate_span, clause_span)
        self.add(group, UNTOC.establishedBy, mandates[0], mandate_span, clause_span)
        for pattern, key in self.p.characteristics:
            if found := pattern.search(sentence):
                self.add(group, UNTOC.establishedAs, UNTOC[key], self.ev(passage, start + found.start(), start + found.end()))
        self._topic(group, series, passage, start, sentence)
        self._purpose(group, passage, start, sentence)
        return True

    def _established_series(self, passage: Passage, sentence: str) -> str | None:
        """The group a sentence establishes: the section's group, checked against the topics it names;
        without a section, the one group whose topic it names."""
        named = [b.series for b in lexicon.BODIES if lexicon.fold(b.topics[self.p.lang]) in lexicon.fold(sentence)]
        if self.section.series:
            if named and self.section.series not in named:
                self.out.notes.append(f"{passage.name}: the section is about {self.section.series} but the sentence "
                                      f"names the topic of {', '.join(named)}")
            return self.section.series
        return named[0] if len(named) == 1 else None

    def _topic(self, group: URIRef, series: str, passage: Passage, start: int, sentence: str) -> None:
        topics = lexicon.body(series).topics
        index = lexicon.fold(sentence).find(lexicon.fold(topics[self.p.lang]))
        if index < 0:
            return
        span = self.ev(passage, start + index, start + index + len(topics[self.p.lang]))
        self.add(group, UNTOC.topic, Literal(topics["es"], lang="es"), span)
        self.add(group, UNTOC.topic, Literal(topics["en"], lang="en"), span)

    def _purpose(self, group: URIRef, passage: Passage, start: int, sentence: str) -> None:
        purpose = self.p.purpose.search(sentence)
        if not purpose:
            return
        span = self.ev(passage, start + purpose.start(), start + purpose.end())
        self.add(group, UNTOC.purpose, Literal(purpose.group(), lang=self.p.lang), span)
        other = glossary.translate_purpose(purpose.group(), self.p.lang)
        if other is not None:
            self.add(group, UNTOC.purpose, Literal(other, lang="en" if self.p.lang == "es" else "es"), span)
        else:
            self.out.notes.append(f"{passage.name}: purpose not translated (not the standard formula)")
        instruments = lexicon.find_instruments(purpose.group(), self.p.lang)
        for mention in instruments:
            mention_span = self.ev(passage, span.start + mention.span[0], span.start + mention.span[1])
            node = self.instrument(mention, mention_span)
            if mention.key != "convention":
                self.add(group, UNTOC.serves, node, mention_span)
        self._supplements(passage, start, sentence)

    def _supplements(self, passage: Passage, start: int, sentence: str) -> None:
        """"Protocol X, supplementing the Convention": every such pair the sentence prints."""
        mentions = lexicon.find_instruments(sentence, self.p.lang)
        for before, after in zip(mentions, mentions[1:]):
            between = sentence[before.span[1]:after.span[0]]
            if after.key == "convention" and before.key != "convention" and self.p.supplements.fullmatch(between):
                protocol_span = self.ev(passage, start + before.span[0], start + before.span[1])
                convention_span = self.ev(passage, start + after.span[0], start + after.span[1])
                protocol = self.instrument(before, protocol_span)
                convention = self.instrument(after, convention_span)
                self.add(protocol, UNTOC.supplements, convention,
                         self.ev(passage, start + before.span[1], start + after.span[1]))

    def standing(self, passage: Passage, start: int, sentence: str, mandates: list[URIRef]) -> bool:
        found = self.p.standing.search(sentence)
        if not (mandates and found and self.p.decided.search(sentence)):
            return False
        bodies = lexicon.find_bodies(sentence, self.p.lang)
        reports = self.p.reports_to.search(sentence)
        for body in bodies:
            group = names.group(body.key)
            body_span = self.ev(passage, start + body.span[0], start + body.span[1])
            standing_span = self.ev(passage, start + found.start(), start + found.end())
            self.add(mandates[0], UNTOC.makesStandingElement, group, body_span, standing_span)
            if body.key == self.section.series:
                self.add(group, UNTOC.madeStandingElementBy, mandates[0], body_span, standing_span)
            if reports:
                self.add(mandates[0], UNTOC.requiresReportsFrom, group, body_span,
                         self.ev(passage, start + reports.start(), start + reports.end()))
        return bool(bodies)

    def encouragement(self, passage: Passage, start: int, sentence: str, mandates: list[URIRef]) -> bool:
        verb = self.p.encourage.search(sentence)
        bodies = lexicon.find_bodies(sentence, self.p.lang)
        if not (mandates and verb and bodies):
            return False
        verb_span = self.ev(passage, start + verb.start(), start + verb.end())
        for body in bodies:
            group = names.group(body.key)
            body_span = self.ev(passage, start + body.span[0], start + body.span[1])
            self.add(mandates[0], UNTOC.encouragesAnnualConsecutiveMeetings, group, verb_span, body_span)
            if body.key == self.section.series:
                self.add(group, UNTOC.encouragedToMeetAnnuallyBy, mandates[0], verb_span, body_span)
        return True

    def reaffirmation(self, passage: Passage, start: int, sentence: str, mandates: list[URIRef]) -> bool:
        if not (self.p.reaffirm.search(sentence) and self.p.anaphor.search(sentence) and self.last_mandate):
            return False
        self.add(self.last_mandate, UNTOC.reaffirmedInLaterResolutions, Literal(True),
                 self.ev(passage, start, start + len(sentence)))
        return True

    def meetings(self, passage: Passage, start: int, sentence: str, mandates: list[URIRef]) -> bool:
        """Every meeting ``find_meetings`` sees: with or without ordinal, in lists, of a group named or
        (a bare "the Working Group") of the document's own group."""
        own = self.masthead.symbol.value.series if self.masthead and self.masthead.symbol.value.body else None
        found = []
        for mention in find_meetings(sentence, self.p.lang, self.bodies):
            series = mention.series or (own if mention.body_name is None else None)
            if series is None:
                what = mention.body_name or "a group this document does not name"
                self.out.notes.append(f"{passage.name}: a meeting of {what!r} on {mention.dates.start}: its series is "
                                      "not known, not recorded")
                continue
            named = mention.ordinal_span or mention.body_span or mention.dates.span
            name_span = self.ev(passage, start + named[0], start + named[1])
            group = self.group(series, name_span)
            day = DateSpan(mention.dates.start, mention.dates.end,
                           (start + mention.dates.span[0], start + mention.dates.span[1]))
            place = (mention.place, self.ev(passage, start + mention.place_span[0], start + mention.place_span[1])) \
                if mention.place else None
            status = ({"held": UNTOC.held, "scheduled": UNTOC.scheduled}[mention.status],
                      self.ev(passage, start + mention.status_span[0], start + mention.status_span[1])) \
                if mention.status else None
            node = names.meeting(series, day.start)
            self.meeting(NamedMeeting(node, series, group, mention.ordinal, name_span, day, status, place), passage)
            found.append(node)
        if found:
            self.last_meetings = found
        return bool(found)

    def meeting(self, mention: NamedMeeting, passage: Passage) -> None:
        """A meeting's facts; dates and place also from the section heading that lists the same dates."""
        node, day = mention.iri, mention.day
        labels = names.meeting_labels(day.start, lexicon.group_names(mention.series))
        self.entity(node, UNTOC.Meeting, labels, mention.name_span)
        if mention.ordinal is not None:
            self.add(node, UNTOC.ordinal, Literal(mention.ordinal, datatype=XSD.integer), mention.name_span)
        self.add(node, UNTOC.meetingOf, mention.group, mention.name_span)
        self.add(mention.group, UNTOC.holds, node, mention.name_span)
        day_spans = [self.ev(passage, *day.span)]
        in_section = self.section.series == mention.series
        heading_day = next((d for d in self.section.dates if (d.start, d.end) == (day.start, day.end)), None)
        if in_section and heading_day and self.section.passage is not passage:
            day_spans.append(self.ev(self.section.passage, *heading_day.span))
        self.add(node, UNTOC.startDate, Literal(day.start, datatype=XSD.date), *day_spans)
        self.add(node, UNTOC.endDate, Literal(day.end, datatype=XSD.date), *day_spans)
        place = mention.place
        if place is None and in_section and self.section.place and (heading_day or self.section.passage is passage):
            place = self.section.place
        if place is not None:
            self.add(node, UNTOC.place, self.place(place[0], place[1]), place[1])
        if mention.status is not None:
            self._check_status(node, day.start, mention.status[0])
            self.add(node, UNTOC.statusAsReported, mention.status[0], mention.status[1])

    def _check_status(self, meeting: URIRef, start: date, status: URIRef) -> None:
        issued = self.out.issued
        if issued is not None and (status == UNTOC.held) != (start <= issued):
            self.out.notes.append(f"{meeting}: reported {status.split('#')[-1]} but starts {start}, and the document "
                                  f"is dated {issued}")

    def reports(self, passage: Passage, start: int, sentence: str, mandates: list[URIRef]) -> bool:
        symbols = [m for m in SYMBOL.finditer(sentence) if not self.p.mandate.search(sentence[max(0, m.start() - 12):m.end()])]
        if not (symbols and self.p.report_subject.search(sentence)):
            return False
        if len(symbols) != len(self.last_meetings) or (len(symbols) > 1 and not self.p.respectively.search(sentence)):
            self.out.notes.append(f"{passage.name}: {len(symbols)} report symbol(s) for {len(self.last_meetings)} "
                                  "meeting(s) just named: not paired")
            return False
        session = self._submitted_session(passage, start, sentence)
        pursuant = self._pursuant(passage, start, sentence, mandates)
        for symbol, meeting in zip(symbols, self.last_meetings):
            self.report(symbol.group(), meeting, self.ev(passage, start + symbol.start(), start + symbol.end()),
                        session, pursuant)
        return True

    def _submitted_session(self, passage: Passage, start: int, sentence: str) -> tuple[URIRef, Evidence] | None:
        submitted = self.p.submitted.search(sentence)
        found = [o for o in ordinals_before(sentence, self.p.session_noun) if submitted and o.span[0] > submitted.start()]
        if not found:
            return None
        span = self.ev(passage, start + submitted.start(), start + found[0].span[1])
        return self.session_node(found[0].value, self.ev(passage, start + found[0].span[0], start + found[0].span[1])), span

    def _pursuant(self, passage: Passage, start: int, sentence: str, mandates: list[URIRef]) -> tuple[URIRef, Evidence] | None:
        for match, mandate in zip(self.p.mandate.finditer(sentence), mandates):
            if self.p.pursuant.search(sentence[:match.start()]):
                return mandate, self.ev(passage, start + match.start(), start + match.end())
        return None

    def report(self, symbol: str, meeting: URIRef, span: Evidence, session: tuple[URIRef, Evidence] | None,
               pursuant: tuple[URIRef, Evidence] | None) -> None:
        node = names.document(symbol)
        series = "/".join(symbol.split("/")[:3])
        meeting_series = "CTOC/COP/" + str(meeting).split("/meeting/")[1].split("/")[0]
        if series != meeting_series:
            self.out.notes.append(f"{span.passage.name}: report {symbol} is not of the series {meeting_series} "
                                  "of the meeting it is paired with")
        start = date.fromisoformat(str(meeting).rsplit("/", 1)[1])
        spans = [span] + ([self.section.reports] if self.section.reports and self.section.series == meeting_series else [])
        self.entity(node, UNTOC.Report, names.report_labels(start, lexicon.group_names(meeting_series), symbol), *spans)
        self.add(node, UNTOC.symbol, Literal(symbol), span)
        self.add(node, UNTOC.officialCopy, names.official_copy(symbol), span)
        self.add(node, UNTOC.reportOf, meeting, span)
        self.add(meeting, UNTOC.produces, node, span)
        if session:
            self.add(node, UNTOC.submittedTo, session[0], session[1])
        if pursuant:
            self.add(node, UNTOC.submittedPursuantTo, pursuant[0], pursuant[1])

    # -- after the pass -----------------------------------------------------------------------------

    def finish(self) -> None:
        """Facts that need the whole document: groups as subsidiary bodies, the note's label, the graph."""
        groups = sorted({s for (s, p, o) in self.facts.evidence if p == RDF.type and o == UNTOC.WorkingGroup})
        conference = names.iri("conference")
        for group in groups:
            if self.subsidiary:
                self.add(group, UNTOC.subsidiaryOf, conference, *self.subsidiary)
            else:
                self.out.notes.append(f"{group}: the text does not say whose subsidiary body it is")
        self._describe_note()
        if "symbol" in self.roles and not self.facts.objects(self.doc, RDFS.label):
            symbol = self.facts.passages["symbol"]
            span = Evidence(symbol, 0, len(symbol.text))
            self.add(self.doc, RDFS.label, Literal(symbol.text, lang="es"), span)
            self.add(self.doc, RDFS.label, Literal(symbol.text, lang="en"), span)
        self._describe_graph()

    def _describe_note(self) -> None:
        titles = {o.language: str(o) for o in self.facts.objects(self.doc, UNTOC.title)}
        kind = self.facts.passages.get("document-kind")
        if kind is None or self.out.issued is None or len(titles) < 2:
            return
        spans = [Evidence(kind, 0, len(kind.text))]
        title = self.facts.passages.get("title")
        if title is not None:
            spans.append(Evidence(title, 0, len(title.text)))
        labels = names.note_labels((titles["es"], titles["en"]), self.out.issued)
        self.add(self.doc, RDFS.label, Literal(labels[0], lang="es"), *spans)
        self.add(self.doc, RDFS.label, Literal(labels[1], lang="en"), *spans)

    def _describe_graph(self) -> None:
        graph = self.facts.graph_iri
        passages = self.facts.passages
        anchor = passages.get("document-kind") or passages.get("symbol") or passages.get(FIRST_PAGE)
        if anchor is None:
            return
        span = Evidence(anchor, 0, len(anchor.text))
        self.add(graph, RDF.type, UNTOC.SourceGraph, span)
        self.add(graph, UNTOC.sourceDocument, self.doc, span)
        if self.out.issued is not None and "document-kind" in passages:
            es, en = names.source_graph_labels(self.out.issued)
        else:
            symbol = self.masthead.symbol.value.text if self.masthead else passages["symbol"].text
            es, en = f"Hechos del documento {symbol}", f"Facts of document {symbol}"
        self.add(graph, RDFS.label, Literal(es, lang="es"), span)
        self.add(graph, RDFS.label, Literal(en, lang="en"), span)

