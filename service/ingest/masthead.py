"""The masthead of a CTOC/COP document's first page, whatever the layout PDF extraction left it in.

Extraction may flatten the masthead to one line, interleave its two columns line by line, or break
every phrase; so no field is read by line position. Each is found by its own words, in the order a
masthead always keeps: symbol, distribution and issue date, original language and version (the
*head*), then the body or session, the meeting's place and dates, the agenda line (the *meeting
lines*), then title and kind, up to where the body of the document begins. A field is only looked for
in its own part, which is what keeps a date in a title from passing for the issue date and a symbol
in a footnote from passing for the document's own. Anything not found is None: nothing is guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Generic, TypeVar

from .dates import DateSpan, find_dates
from .lexicon import LANGUAGES, find_bodies, find_languages, find_places
from .ordinals import ordinals_before
from .symbols import Symbol, find_symbols

T = TypeVar("T")
Span = tuple[int, int]
_WINDOW = 6000  # no masthead runs longer; the body may cite anything, so it is never searched
_DATE_GAP = 24  # at most this many characters between a place and its dates


@dataclass(frozen=True)
class Words:
    """How one language prints a masthead; kinds are tried in order."""

    lang: str
    marks: re.Pattern[str]  # words only this language's masthead prints, to detect it
    distribution: re.Pattern[str]  # group "value"
    distributions: dict[str, str]
    original: re.Pattern[str]  # group "value"
    only: re.Pattern[str]  # after a language name: "English only"
    body_name: re.Pattern[str]  # the start of a subsidiary body's name
    name_stop: re.Pattern[str]  # words that end a body's name where no line break or comma does
    date_lead: re.Pattern[str]  # words allowed between a place and its dates
    session_noun: str
    agenda: re.Pattern[str]  # group "items"
    opening_kinds: tuple[tuple[re.Pattern[str], str], ...]  # kind words that open the title itself
    byline_kinds: tuple[tuple[re.Pattern[str], str], ...]  # kind words beside a title
    body_start: re.Pattern[str]  # where the document's body begins


def _c(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


_NUMBERED = r"(?:^|(?<=\s))(?:I|1)\.\s+(?=[A-ZÁÉÍÓÚÑ])"  # "I. Introduction", "1. In its resolution"
_ITEM = re.compile(r"\d+")

EN = Words(
    lang="en",
    marks=_c(r"\bUnited\s+Nations\b|\bConference\s+of\s+the\s+Parties\s+to\b|\bDistr\.:\s*(?:general|limited)\b"
             r"|\bOriginal\s*:\s*(?:English|French|Spanish|Russian|Arabic|Chinese)\b|\bEnglish\s+only\b"),
    distribution=_c(r"\bDistr\.\s*:?\s*(?P<value>general|limited|restricted)\b"),
    distributions={"general": "general", "limited": "limited", "restricted": "restricted"},
    original=_c(r"\bOriginal\s*:\s*(?P<value>\w+)"),
    only=_c(r"\s+only\b"),
    body_name=re.compile(r"(?:(?:Open-ended|Interim|Intergovernmental)\s+)*Working\s+Group\s+(?:of|on)\s"),
    name_stop=_c(r"\s+(?:held|on\s+its)\b"),
    date_lead=_c(r"[,\s]*(?:(?:on|from)\s+)?"),
    session_noun=r"session",
    agenda=_c(r"\bItems?\s+(?P<items>\d+(?:\s*\([a-z]\))?(?:\s*(?:,|and)\s*\d+(?:\s*\([a-z]\))?)*)"
              r"\s+of\s+the\s+provisional\s+agenda\b"),
    opening_kinds=(
        (_c(r"\bProvisional\s+agenda\s+and\s+annotations\b|\bAnnotated\s+provisional\s+agenda\b"),
         "provisional-agenda"),
        # A report of a meeting, a group or the Conference; "Report on the … Workshop" is someone's paper.
        (_c(r"\bReport(?=\s+(?:on|of)\s+the\s+(?:(?:\S+\s+){1,2}?meeting|meeting|Conference"
            r"|(?:(?:Open-ended|Interim|Intergovernmental)\s+)*Working\s+Group)\b)"), "report"),
    ),
    byline_kinds=(
        (_c(r"\bNote\s+by\s+the\s+Secretariat\b"), "note"),
        (_c(r"\bBackground\s+paper\s+prepared\s+by\s+the\s+Secretariat\b"), "background-paper"),
        (_c(r"\bConference\s+room\s+paper\b(?:\s+prepared\s+by\s+the\s+Secretariat\b)?"), "conference-room-paper"),
        (_c(r"\b(?:revised\s+)?draft\s+resolution\b"), "draft-resolution"),
        (_c(r"\b(?:revised\s+)?draft\s+decision\b"), "draft-decision"),
    ),
    body_start=re.compile(_NUMBERED + r"|^\s*(?:Contents|Summary)\s*$|\bThe\s+Conference\s+of\s+the\s+Parties\b"
                          r"[^.]*?\bCrime\s*,", re.MULTILINE),
)

ES = Words(
    lang="es",
    marks=_c(r"\bNaciones\s+Unidas\b|\bConferencia\s+de\s+las\s+Partes\b|\bDistr\.\s+(?:general|limitada|restringida)\b"
             r"|\bOriginal\s*:\s*(?:inglés|español|francés|ruso|árabe|chino)\b"),
    distribution=_c(r"\bDistr\.\s*:?\s*(?P<value>general|limitada|restringida)\b"),
    distributions={"general": "general", "limitada": "limited", "restringida": "restricted"},
    original=_c(r"\bOriginal\s*:\s*(?P<value>\w+)"),
    only=_c(r"\s+únicamente\b"),
    body_name=re.compile(r"Grupo\s+de\s+Trabajo\s+(?:(?:Intergubernamental|Provisional|de\s+Composición\s+Abierta|"
                         r"de\s+Expertos\s+Gubernamentales)\s+)*(?:sobre|de|del)\s"),
    name_stop=_c(r"\s+(?:celebrad[ao]|en\s+su)\b"),
    date_lead=_c(r"[,\s]*(?:(?:el|los\s+días|del|de)\s+)?"),
    session_noun=r"período\s+de\s+sesiones",
    agenda=_c(r"\bTemas?\s+(?P<items>\d+(?:\s*\([a-z]\))?(?:\s*(?:,|y)\s*\d+(?:\s*\([a-z]\))?)*)"
              r"\s+del\s+programa\s+provisional\b"),
    opening_kinds=(
        (_c(r"\bPrograma\s+provisional\s+y\s+anotaciones\b|\bPrograma\s+provisional\s+anotado\b"),
         "provisional-agenda"),
        (_c(r"\bInforme(?=\s+(?:(?:sobre|de)\s+la\s+(?:(?:\S+\s+){0,2}?reunión|Conferencia)"
            r"|del\s+Grupo\s+de\s+Trabajo)\b)"),
         "report"),
    ),
    byline_kinds=(
        (_c(r"\bNota\s+de\s+la\s+Secretaría\b"), "note"),
        (_c(r"\bDocumento\s+de\s+antecedentes\s+preparado\s+por\s+la\s+Secretaría\b"), "background-paper"),
        (_c(r"\bDocumento\s+de\s+sesión\b(?:\s+preparado\s+por\s+la\s+Secretaría\b)?"), "conference-room-paper"),
        (_c(r"\bproyecto\s+de\s+resolución(?:\s+revisado)?\b"), "draft-resolution"),
        (_c(r"\bproyecto\s+de\s+decisión(?:\s+revisado)?\b"), "draft-decision"),
    ),
    body_start=re.compile(_NUMBERED + r"|^\s*(?:Índice|Resumen)\s*$|\bLa\s+Conferencia\s+de\s+las\s+Partes\b"
                          r"[^.]*?\bTransnacional\s*,", re.MULTILINE),
)

WORDS = {"en": EN, "es": ES}
# After the agenda line: its footnote star, and the footnote's own text when extraction put it there.
_FOOTNOTE = re.compile(r"(?:\s+|\*+(?:\s*CTOC\s*/\s*COP/[\w./]+)?)*")


@dataclass(frozen=True)
class Found(Generic[T]):
    """A value and the span of ``text`` that prints it, so that a caller can quote the words."""

    value: T
    span: Span


@dataclass(frozen=True)
class Masthead:
    """What a first page's masthead says; ``end`` is where the body of the document begins."""

    lang: str
    end: int
    symbol: Found[Symbol] | None = None
    distribution: Found[str] | None = None
    issued: Found[date] | None = None
    original: Found[str] | None = None
    version: Found[str] | None = None
    body_name: Found[str] | None = None
    session: Found[int] | None = None
    place: Found[str] | None = None
    dates: Found[DateSpan] | None = None
    agenda_items: Found[tuple[int, ...]] | None = None
    kind: Found[str] | None = None
    title: Found[str] | None = None


@dataclass(frozen=True)
class _Meeting:
    body_name: Found[str] | None
    session: Found[int] | None
    place: Found[str] | None
    dates: Found[DateSpan] | None
    agenda_items: Found[tuple[int, ...]] | None

    def spans(self) -> list[Span]:
        fields = (self.body_name, self.session, self.place, self.dates, self.agenda_items)
        return [field.span for field in fields if field is not None]


def detect_language(text: str) -> str:
    """The language whose masthead words the start of ``text`` prints most; English on a tie."""
    head = text[:_WINDOW]
    counts = {lang: len(words.marks.findall(head)) for lang, words in WORDS.items()}
    return max(counts, key=lambda lang: (counts[lang], lang == "en"))


def read_masthead(text: str, lang: str | None = None) -> Masthead:
    """The masthead fields of ``text``, each with its span in ``text``."""
    words = WORDS[lang or detect_language(text)]
    window = text[:_WINDOW]
    distribution = _distribution(window, words)
    original = _original(window, words)
    anchor = max((f.span[1] for f in (distribution, original) if f), default=0)
    body = words.body_start.search(window, anchor)
    region_end = body.start() if body else len(window)
    opening = _first_kind(window, anchor, region_end, words.opening_kinds)
    bound = opening.span[0] if opening else region_end
    meeting = _meeting(window, anchor, bound, words)
    if opening and opening.value == "report" and not meeting.spans():
        meeting = _meeting(window, bound, region_end, words)  # a report names its meeting in its title
    meeting_spans = meeting.spans()
    head_end = min((s[0] for s in meeting_spans), default=bound)
    symbol = _symbol(text, head_end)
    tail_start = max([anchor, *(s[1] for s in meeting_spans if s[1] <= bound)])
    item_title = meeting.agenda_items is not None and meeting.agenda_items.span[1] <= tail_start
    kind, title = _kind_and_title(window, tail_start, region_end, body is not None, opening, symbol, words,
                                  item_title)
    ends = [f.span[1] for f in (distribution, original, symbol, kind, title) if f] + [s[1] for s in meeting_spans]
    end = body.start() if body else max(ends, default=0)
    return Masthead(
        lang=words.lang, end=end, symbol=symbol, distribution=distribution,
        issued=_issued(window, distribution or symbol, head_end), original=original,
        version=_version(window, head_end, original, words),
        body_name=meeting.body_name, session=meeting.session, place=meeting.place, dates=meeting.dates,
        agenda_items=meeting.agenda_items, kind=kind, title=title,
    )


def _distribution(window: str, words: Words) -> Found[str] | None:
    match = words.distribution.search(window)
    if match is None:
        return None
    return Found(words.distributions[match.group("value").lower()], match.span())


def _original(window: str, words: Words) -> Found[str] | None:
    match = words.original.search(window)
    code = LANGUAGES[words.lang].get(match.group("value").lower()) if match else None
    return Found(code, match.span()) if match and code else None


def _symbol(text: str, head_end: int) -> Found[Symbol] | None:
    """The first symbol of the head; one after a footnote star is a reference, not the document."""
    for symbol, span in find_symbols(text[:head_end]):
        if not re.search(r"\*\s*$", text[:span[0]]):
            return Found(symbol, span)
    return None


def _issued(window: str, anchor: Found | None, head_end: int) -> Found[date] | None:
    """The first single day after the distribution (or, on a conference room paper that prints none,
    after the symbol) and before the meeting lines: a range is a meeting's."""
    if anchor is None:
        return None
    start = anchor.span[1]
    for found in find_dates(window[start:head_end]):
        if found.start == found.end:
            return Found(found.start, (start + found.span[0], start + found.span[1]))
    return None


def _version(window: str, head_end: int, original: Found[str] | None, words: Words) -> Found[str] | None:
    """The version's language, printed alone in the head ("Español") or as "English only"."""
    for mention in find_languages(window[:head_end], words.lang):
        if original and original.span[0] <= mention.span[0] < original.span[1]:
            continue
        only = words.only.match(window, mention.span[1])
        return Found(mention.key, (mention.span[0], only.end() if only else mention.span[1]))
    return None


def _meeting(window: str, start: int, stop: int, words: Words) -> _Meeting:
    """The meeting lines between ``start`` and ``stop``: body or session, place and dates, agenda."""
    segment = window[start:stop]
    agenda = words.agenda.search(segment)
    items = Found(tuple(int(n) for n in _ITEM.findall(agenda.group("items"))), _shift(agenda.span(), start)) \
        if agenda else None
    session = next(iter(ordinals_before(segment, words.session_noun)), None)
    place, dates = _place_and_dates(segment, words)
    return _Meeting(
        body_name=_body_name(segment, words, start),
        session=Found(session.value, _shift(session.span, start)) if session else None,
        place=Found(place.value, _shift(place.span, start)) if place else None,
        dates=Found(replace(dates.value, span=_shift(dates.span, start)), _shift(dates.span, start)) if dates else None,
        agenda_items=items,
    )


def _body_name(segment: str, words: Words, offset: int) -> Found[str] | None:
    """A known body by its lexicon name (which may wrap lines), else any working group's name as printed."""
    known = find_bodies(segment, words.lang)
    if known:
        span = known[0].span
        return Found(" ".join(segment[span[0]:span[1]].split()), _shift(span, offset))
    match = words.body_name.search(segment)
    if match is None:
        return None
    stops = [len(segment)]
    stops += [m.start() for m in (re.compile(r"[\n,]").search(segment, match.end()),
                                  words.name_stop.search(segment, match.end()),
                                  words.agenda.search(segment, match.end())) if m]
    stops += [p.span[0] for p in find_places(segment, words.lang) if p.span[0] >= match.end()]
    stops += [d.span[0] for d in find_dates(segment) if d.span[0] >= match.end()]
    end = len(segment[:min(stops)].rstrip())
    return Found(" ".join(segment[match.start():end].split()), _shift((match.start(), end), offset))


def _place_and_dates(segment: str, words: Words) -> tuple[Found[str] | None, Found[DateSpan] | None]:
    """The first place and its dates ("Vienna, 2 and 3 May 2018"); a place alone names no meeting, and
    a later place is a title's ("a seminar held in Vienna on 3 May"), never the meeting line's."""
    place = next(iter(find_places(segment, words.lang)), None)
    for found in find_dates(segment) if place else ():
        gap = segment[place.span[1]:found.span[0]]
        if found.span[0] >= place.span[1] and len(gap) <= _DATE_GAP and words.date_lead.fullmatch(gap):
            return Found(place.key, place.span), Found(found, found.span)
    return None, None


def _first_kind(window: str, start: int, stop: int,
                kinds: tuple[tuple[re.Pattern[str], str], ...]) -> Found[str] | None:
    """The kind whose words come first between ``start`` and ``stop``."""
    matches = [(m.span(), kind) for pattern, kind in kinds if (m := pattern.search(window, start, stop))]
    if not matches:
        return None
    span, kind = min(matches)
    return Found(kind, span)


def _kind_and_title(window: str, start: int, stop: int, bounded: bool, opening: Found[str] | None,
                    symbol: Found[Symbol] | None, words: Words,
                    item_title: bool) -> tuple[Found[str] | None, Found[str] | None]:
    """Kind and title from the words after the meeting lines.

    A byline ("Note by the Secretariat") follows its title, or precedes it when nothing or only the
    sponsors ("Austria: draft resolution") come first; an opening kind ("Report on the meeting …")
    is the title itself. Without a byline the title is bounded only by the body's start, so a masthead
    whose body start is not recognised has no title rather than a title that swallows the body.
    ``item_title``: an agenda line comes first, so the agenda item's own title is printed before the
    document's (see ``_after_item_title``).
    """
    start = _FOOTNOTE.match(window, start).end()
    byline = _first_kind(window, start, stop, words.byline_kinds)
    if byline:
        before = _trimmed(window, start, byline.span[0])
        if before and not window[before[0]:before[1]].endswith(":"):
            return byline, _title(window, _after_item_title(window, before) if item_title else before)
        return byline, _title(window, _trimmed(window, byline.span[1], stop)) if bounded else None
    if opening:
        return opening, _title(window, _report_title(window, opening.span[0], stop, bounded))
    title = None
    if bounded:
        span = _trimmed(window, start, stop)
        title = _title(window, _after_item_title(window, span) if item_title and span else span)
    if symbol and symbol.value.kind_hint not in (None, "draft"):  # "L." says draft, not of what
        return Found(str(symbol.value.kind_hint), symbol.span), title
    return (Found("other", title.span) if title else None), title


def _after_item_title(window: str, span: Span) -> Span | None:
    """The document's title where the agenda item's title is printed above it: the last block of
    ``span`` after a blank line. Without one (a flattened or broken page) the two titles run into each
    other and nothing tells where one ends, so there is no title rather than a title of both."""
    breaks = list(re.finditer(r"\n[^\S\n]*\n\s*", window[span[0]:span[1]]))
    return (span[0] + breaks[-1].end(), span[1]) if breaks else None


def _report_title(window: str, start: int, stop: int, bounded: bool) -> Span | None:
    """A report's title ends with the meeting's dates, or else where the body starts."""
    stop = _before_footnote(window, start, stop)
    dates = find_dates(window[start:stop])
    if dates:
        return start, start + dates[0].span[1]
    return _trimmed(window, start, stop) if bounded else None


def _before_footnote(window: str, start: int, stop: int) -> int:
    """Where a footnote run into a title starts (a flattened page: "… Human Trafficking * Hosted in
    Vienna …"), else ``stop``."""
    footnote = re.compile(r"\S\s*(\*+)\s+[A-ZÁÉÍÓÚÑ]").search(window, start, stop)
    return footnote.start(1) if footnote else stop


def _trimmed(window: str, start: int, stop: int) -> Span | None:
    """The span without surrounding whitespace, footnote stars and a footnote run into it; None when
    nothing is left."""
    piece = window[start:_before_footnote(window, start, stop)]
    left = len(piece) - len(piece.lstrip("* \n\t\r"))
    right = len(piece.rstrip("* \n\t\r"))
    return (start + left, start + right) if right > left else None


def _title(window: str, span: Span | None) -> Found[str] | None:
    return Found(" ".join(window[span[0]:span[1]].split()), span) if span else None


def _shift(span: Span, offset: int) -> Span:
    return span[0] + offset, span[1] + offset
