"""The facts a CTOC/COP document's first page states, quoted from one passage: the masthead.

A masthead is read as fields with spans (``masthead.py``); here each field becomes facts about the
document, the Conference, the session or meeting the document is for, the group that meets and, for
a report, the meeting it reports on. Whatever layout the page came in (flattened, interleaved,
broken), the masthead region is one passage whose text is the printed words with whitespace
collapsed, so every fact quotes exactly what the page prints.

Identity follows docs/model.md: the document by its symbol, a group by its symbol series, a meeting
by that series and its first day, a session by its ordinal. A group the lexicon does not name is
labelled by its series and keeps the names documents print for it as ``skos:altLabel``.
"""

from __future__ import annotations

import bisect
import re
from typing import TYPE_CHECKING

from rdflib import RDF, RDFS, SKOS, Literal, URIRef
from rdflib.namespace import XSD

from . import glossary, lexicon, names
from .dates import DateSpan
from .masthead import Found, Masthead
from .meetings import BodyNames
from .ordinals import ordinals_before
from .provenance import UNTOC, Evidence, Passage
from .symbols import find_symbols

if TYPE_CHECKING:
    from .extract import _Reader

FIRST_PAGE = "first-page"
KINDS = {
    "background-paper": UNTOC.BackgroundPaper,
    "draft-resolution": UNTOC.DraftResolution,
    "draft-decision": UNTOC.DraftDecision,
    "provisional-agenda": UNTOC.ProvisionalAgenda,
    "conference-room-paper": UNTOC.ConferenceRoomPaper,
    "information": UNTOC.InformationDocument,
}
_SECRETARIAT = re.compile(r"Secretar[ií]", re.IGNORECASE)


class FirstPage:
    """States the masthead's facts through the reader's statements (entities, meetings, reports)."""

    def __init__(self, reader: _Reader, passage: Passage, masthead: Masthead, offsets: tuple[int, ...],
                 bodies: BodyNames) -> None:
        self.r = reader
        self.passage = passage
        self.m = masthead
        self.offsets = offsets
        self.bodies = bodies
        self.lang = passage.lang

    def ev(self, found: Found | tuple[int, int]) -> Evidence:
        """The evidence of a masthead span: source offsets mapped into the passage's collapsed text."""
        start, end = found.span if isinstance(found, Found) else found
        first = bisect.bisect_left(self.offsets, start)
        last = bisect.bisect_left(self.offsets, end)
        return Evidence(self.passage, first, max(last, first + 1))

    def note(self, text: str) -> None:
        self.r.out.notes.append(f"{FIRST_PAGE}: {text}")

    def read(self) -> None:
        m, doc = self.m, self.r.doc
        symbol = self.ev(m.symbol)
        self.r.add(doc, RDF.type, UNTOC.Document, symbol)
        self.r.add(doc, UNTOC.symbol, Literal(m.symbol.value.text), symbol)
        self.r.add(doc, UNTOC.officialCopy, names.official_copy(m.symbol.value.text), symbol)
        self.issue()
        self.conference()
        # A group's document that prints "Thirteenth session" means the group's thirteenth meeting.
        of_conference = m.session is not None and m.symbol.value.body is None
        target = self.session() if of_conference else self.meeting()
        reports_on_target = self.kind(target)
        if target is not None and not reports_on_target:  # a report's meeting line is the meeting it reports on
            self.r.add(doc, UNTOC.preparedFor, target, *self.target_spans())
        self.title()
        self.agenda(target)

    def issue(self) -> None:
        """How this version was issued: distribution, date, original language, its own language."""
        m, doc = self.m, self.r.doc
        if m.distribution:
            self.r.add(doc, UNTOC.distribution, Literal(m.distribution.value), self.ev(m.distribution))
        if m.issued:
            self.r.add(doc, UNTOC.issuedOn, Literal(m.issued.value, datatype=XSD.date), self.ev(m.issued))
        if m.original:
            self.r.add(doc, UNTOC.originallyIn, Literal(m.original.value, datatype=XSD.language), self.ev(m.original))
        if m.version:
            self.r.add(doc, UNTOC.writtenIn, Literal(m.version.value, datatype=XSD.language), self.ev(m.version))

    def conference(self) -> None:
        """The Conference, by its name where the page prints it whole, else by the symbol's organ
        (``CTOC/COP`` is the Conference's series); its span is also the evidence that the groups
        whose documents it heads are its subsidiary bodies."""
        mention = next(iter(lexicon.find_conference(self.passage.text, self.lang)), None)
        if mention is not None:
            span = Evidence(self.passage, *mention.span)
        else:
            symbol = self.ev(self.m.symbol)
            span = Evidence(self.passage, symbol.start, symbol.start + len(self.m.symbol.value.root))
        self.r.conference(span)
        self.r.subsidiary.append(span)

    def target_spans(self) -> list[Evidence]:
        m = self.m
        return [self.ev(f) for f in (m.session, m.body_name, m.dates) if f is not None]

    def session(self) -> URIRef:
        m = self.m
        ordinal = self.ev(m.session)
        node = self.r.session_node(m.session.value, ordinal)
        self.r.session = m.session.value
        if m.place:
            place = self.ev(m.place)
            self.r.add(node, UNTOC.place, self.r.place(m.place.value, place), place)
        if m.dates:
            days = self.ev(m.dates)
            self.r.add(node, UNTOC.startDate, Literal(m.dates.value.start, datatype=XSD.date), days)
            self.r.add(node, UNTOC.endDate, Literal(m.dates.value.end, datatype=XSD.date), days)
        return node

    def series(self) -> str | None:
        """The group the page is about: its symbol's body, else the printed name of a known group."""
        symbol = self.m.symbol.value
        if symbol.body is not None:
            return symbol.series
        if self.m.body_name is None:
            return None
        return self.bodies.get(" ".join(lexicon.fold(self.m.body_name.value).split()))

    def meeting(self) -> URIRef | None:
        """The meeting the page is for (or, for a report, on): its group's series and first day."""
        m = self.m
        series = self.series()
        if series is None or m.dates is None:
            if m.body_name is not None:
                self.note(f"{m.body_name.value!r} meets on no date printed here, or its series is not known: "
                          "no meeting recorded")
            return None
        named = self.ev(m.body_name) if m.body_name else self.ev(m.symbol)
        group = self.r.group(series, named)
        known_name = lexicon.group_names(series)[0 if self.lang == "es" else 1]
        if m.body_name and lexicon.fold(m.body_name.value) != lexicon.fold(known_name):
            self.r.add(group, SKOS.altLabel, Literal(m.body_name.value, lang=self.lang), named)
        days = self.ev(m.dates)
        day = DateSpan(m.dates.value.start, m.dates.value.end, (days.start, days.end))
        ordinal = self.ordinal()
        name_span = ordinal[1] if ordinal else named
        place = (m.place.value, self.ev(m.place)) if m.place else None
        node = names.meeting(series, day.start)
        from .extract import NamedMeeting  # extract reads first pages with this module: imported when used
        self.r.meeting(NamedMeeting(node, series, group, ordinal and ordinal[0], name_span, day, None, place),
                       self.passage)
        return node

    def ordinal(self) -> tuple[int, Evidence] | None:
        """A meeting's ordinal where the meeting line or a report's title prints one ("sixth meeting")."""
        m = self.m
        spans = [f.span for f in (m.body_name, m.dates, m.title) if f is not None]
        start, end = min(s[0] for s in spans), max(s[1] for s in spans)
        lookup = self.ev((start, end))
        found = ordinals_before(self.passage.text[lookup.start:lookup.end], self.r.p.meeting_noun)
        if not found:
            return (m.session.value, self.ev(m.session)) if m.session else None
        return found[0].value, Evidence(self.passage, lookup.start + found[0].span[0], lookup.start + found[0].span[1])

    def kind(self, target: URIRef | None) -> bool:
        """The document's class; True when it is the report on ``target``: a group's meeting, or a
        session of the Conference (a report is not prepared for what it reports on)."""
        m, doc = self.m, self.r.doc
        kind = m.kind.value if m.kind else None
        words = self.ev(m.kind) if m.kind else None
        symbol = m.symbol.value
        whole = symbol.special is None and not symbol.suffixes  # not a draft (L.), addendum, corrigendum
        if kind == "report" and target is not None and whole:
            if symbol.body is not None:
                self.r.report(symbol.text, target, self.ev(m.title or m.kind), None, None)
            else:
                self.session_report(target, self.ev(m.title or m.kind))
            return True
        if kind == "report":
            self.note("a report on no meeting or session the page dates, or a draft, revision or corrigendum of "
                      "one: not typed a report, not linked")
            kind, words = symbol.kind_hint, self.ev(m.symbol)  # a conference room paper, say
        if kind == "note" and words is not None and _SECRETARIAT.search(words.exact):
            self.r.add(doc, RDF.type, UNTOC.Note, words)
        elif kind in KINDS and words is not None and (kind != "provisional-agenda" or target is not None):
            self.r.add(doc, RDF.type, KINDS[kind], words)
            if kind == "provisional-agenda":
                self.r.add(doc, UNTOC.agendaOf, target, words, *self.target_spans())
        elif kind not in (None, "other"):
            self.note(f"a {kind} ({words.exact if words else symbol.text!r}) is typed a document only")
        if symbol.kind_hint in KINDS and symbol.kind_hint != kind:  # a CRP. or INF. symbol says so anyway
            self.r.add(doc, RDF.type, KINDS[symbol.kind_hint], self.ev(m.symbol))
        if words is not None and _SECRETARIAT.search(words.exact):
            secretariat = names.iri("secretariat")
            self.r.entity(secretariat, UNTOC.Secretariat, (lexicon.SECRETARIAT["es"], lexicon.SECRETARIAT["en"]), words)
            self.r.add(doc, UNTOC.authoredBy, secretariat, words)
        # Labels from keys, as every other document that mentions this one builds them: a provisional
        # agenda cited in a footnote is labelled after its session or meeting, anything else by its symbol.
        text = symbol.text
        es, en = names.agenda_labels_of(target, text) if kind == "provisional-agenda" and target else (text, text)
        self.r.add(doc, RDFS.label, Literal(es, lang="es"), self.ev(m.symbol))
        self.r.add(doc, RDFS.label, Literal(en, lang="en"), self.ev(m.symbol))
        return False

    def session_report(self, session: URIRef, span: Evidence) -> None:
        """"Report of the Conference of the Parties … on its fourth session, held in Vienna …"."""
        text = self.m.symbol.value.text
        self.r.entity(self.r.doc, UNTOC.Report, names.session_report_labels(self.m.session.value, text), span)
        self.r.add(self.r.doc, UNTOC.reportOf, session, span)
        self.r.add(session, UNTOC.produces, self.r.doc, span)

    def title(self) -> None:
        """The title as printed, in the page's language; the other language only from the glossary."""
        if self.m.title is None:
            return
        printed, span = self.m.title.value, self.ev(self.m.title)
        self.r.add(self.r.doc, UNTOC.title, Literal(printed, lang=self.lang), span)
        pair = glossary.both_titles(printed, self.lang)
        if pair is not None:
            other = "en" if self.lang == "es" else "es"
            self.r.add(self.r.doc, UNTOC.title, Literal(pair[0 if other == "es" else 1], lang=other), span)

    def agenda(self, target: URIRef | None) -> None:
        """"Item 3 of the provisional agenda*" with the footnote "* CTOC/COP/WG.6/2018/1.": the
        document is issued under those items of that agenda, which is the agenda of the target."""
        items = self.m.agenda_items
        if items is None:
            return
        agenda_span = self.ev(items)
        printed = agenda_span.exact
        found = self.agenda_symbol(agenda_span.end)
        if target is None or found is None:
            reason = "no footnote gives the agenda's symbol" if found is None else "no session or meeting is dated"
            self.note(f"{printed!r}: agenda items not recorded: {reason}")
            return
        symbol, note_span = found
        agenda = names.document(symbol)
        self.r.entity(agenda, UNTOC.ProvisionalAgenda, names.agenda_labels_of(target, symbol), agenda_span, note_span)
        self.r.add(agenda, UNTOC.symbol, Literal(symbol), note_span)
        self.r.add(agenda, UNTOC.officialCopy, names.official_copy(symbol), note_span)
        self.r.add(agenda, UNTOC.agendaOf, target, agenda_span, *self.target_spans())
        for number in items.value:
            item = names.agenda_item(symbol, number)
            self.r.entity(item, UNTOC.AgendaItem, names.item_labels(number, symbol), agenda_span, note_span)
            self.r.add(item, UNTOC.itemNumber, Literal(number, datatype=XSD.integer), agenda_span)
            self.r.add(item, UNTOC.itemOf, agenda, agenda_span, note_span)
            self.r.add(agenda, UNTOC.hasItem, item, agenda_span)
            self.r.add(self.r.doc, UNTOC.underAgendaItem, item, agenda_span, note_span)

    def agenda_symbol(self, after: int) -> tuple[str, Evidence] | None:
        """The agenda's symbol from the footnote of the agenda line: the page's footnote, or (a flattened
        or interleaved page) a "* CTOC/COP/…" inside the masthead after the agenda line."""
        footnote = self.r.facts.passages.get("footnote")
        found = next(iter(find_symbols(footnote.text)), None) if footnote is not None else None
        if found is not None:
            self.r.consumed.add(footnote.name)
            return found[0].text, Evidence(footnote, *found[1])
        text = self.passage.text
        for symbol, (start, end) in find_symbols(text):
            if start > after and text[:start].rstrip().endswith("*"):
                return symbol.text, Evidence(self.passage, start, end)
        return None

