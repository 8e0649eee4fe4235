"""The meetings of working groups a sentence mentions: group, ordinal, dates, place and status.

A date is a meeting's only when a meeting cue governs it: the noun ("meeting", "reunión") or a
verb of meeting ("held", "met", "se reunió"), followed by nothing but filler words (articles,
prepositions, the ordinal, the place, the group's name) up to the date, or by an earlier meeting date
and a list word ("and", "y"). An issue date, a deadline ("by 31 December") or a resolution's adoption
has words in between that are not filler, so it names no meeting. A verb that follows a session of
the Conference ("at its fifth session, held in Vienna") is the session's, not a meeting's.

The status comes only from a verb with a tense ("met", "will be held", "se celebrará"); a cue
without one ("celebrada", "would be held", the noun) leaves it unknown rather than guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Literal

from .dates import DateSpan, find_dates
from .lexicon import BODIES, find_places, fold
from .ordinals import Ordinal, ordinals_before

Span = tuple[int, int]
Status = Literal["held", "scheduled"]
BodyNames = Mapping[str, str]
"""A folded group name ("working group on firearms") → its symbol series ("CTOC/COP/WG.6")."""


@dataclass(frozen=True)
class MeetingMention:
    """One meeting as a sentence names it; every span is in sentence offsets.

    ``series`` is None when the sentence does not name the group (the caller takes the document's)
    or names one the caller does not know: then ``body_name`` is the printed name, to report.
    """

    series: str | None
    body_name: str | None
    body_span: Span | None
    ordinal: int | None
    ordinal_span: Span | None
    dates: DateSpan
    place: str | None
    place_span: Span | None
    status: Status | None
    status_span: Span | None


@dataclass(frozen=True)
class _Words:
    """How one language names groups and meetings; regexes unless said otherwise."""

    group: str  # the noun of a working group and its adjectives; group "noun" where names start
    name_tail: str  # what follows the noun in a proper name (case-sensitive: names are capitalised)
    ordinal_noun: str  # the noun an ordinal of a meeting qualifies, for ordinals_before
    cue: str  # a noun, participle or conditional of meeting: a following date is a meeting's, tense unknown
    held: str
    scheduled: str  # tried before ``held`` at each position: "will be held" is not "held"
    participle: str  # a cue that may hang on the noun before it, as "held" on a session of the Conference
    conference_session: str  # text ending in the Conference's session, before a participle
    year: str  # a year the sentence gives apart from any date ("in 2023"); group "year"
    filler: frozenset[str]  # words allowed between a cue and its date
    list_words: frozenset[str]  # words allowed, besides filler, between two dates of one list


_CAPITALISED_EN = r"[A-Z][\w'-]*(?:(?:\s+(?:of|on|in|and|the|to|for|against|from|by))*\s+[A-Z][\w'-]*)*"
_CAPITALISED_ES = (r"[A-ZÁÉÍÓÚÑ][\w-]*(?:(?:\s+(?:de|del|la|las|el|los|y|en|sobre|contra|para))*"
                   r"\s+[A-ZÁÉÍÓÚÑ][\w-]*)*")

WORDS = {
    "en": _Words(
        group=r"\b(?:open-ended\s+)?(?:intergovernmental\s+)?(?P<noun>working\s+group)\b",
        name_tail=rf"\s+(?:on|of)\s+(?:the\s+)?{_CAPITALISED_EN}",
        ordinal_noun=r"meeting|session(?=\s+of\s+the\s+working\s+group)",
        cue=r"\bmeetings?\b|\bsessions?\s+of\s+the\s+working\s+group\b|\bconvened\b"
            r"|\b(?:would|should|shall|could|may|might|must)\s+(?:be\s+held|hold|meet)\b",
        held=r"\b(?:has|had)\s+been\s+held\b|\b(?:was|were)\s+held\b|(?<!\bbe\s)\bheld\b|\bmet\b"
             r"|\btook\s+place\b|\bwas\s+convened\b",
        scheduled=r"\bwill\s+(?:hold|be\s+held|be\s+convened|take\s+place|meet|convene)\b"
                  r"|\b(?:is|are)\s+(?:scheduled|expected)\s+to\s+(?:be\s+held|meet|take\s+place)\b"
                  r"|\bto\s+be\s+held\b|\bscheduled\s+for\b",
        participle=r"(?:held|convened)\b(?!\s+(?:its|their|an?|the)\b)",
        conference_session=r"\bsessions?(?:\s+of\s+the\s+Conference(?:\s+of\s+the\s+Parties)?)?\s*,?\s*$",
        year=r"\b(?:in|during)\s+(?P<year>(?:19|20)\d\d)\b(?![/\d])",
        filler=frozenset({"its", "their", "the", "a", "an", "in", "at", "on", "from", "between", "during", "of",
                          "which", "again"}),
        list_words=frozenset({"and"}),
    ),
    "es": _Words(
        group=r"\b(?P<noun>grupo\s+de\s+trabajo)\b(?:\s+intergubernamental)?(?:\s+de\s+composición\s+abierta)?",
        name_tail=rf"\s+(?:sobre|de|contra)\s+(?:(?:el|la|los|las)\s+)?{_CAPITALISED_ES}",
        ordinal_noun=r"reunión|período\s+de\s+sesiones(?=\s+del\s+grupo\s+de\s+trabajo)",
        cue=r"\breuni(?:ón|ones)\b|\bperíodos?\s+de\s+sesiones\s+del\s+grupo\s+de\s+trabajo\b"
            r"|\bcelebrad[oa]s?\b|\bconvocad[oa]s?\b|\b(?:se\s+)?celebrarían?\b|\bse\s+reuniría[n]?\b",
        held=r"\b(?:se\s+)?celebr(?:ó|aron)\b|\bse\s+reuni(?:ó|eron)\b|\btuvo\s+lugar\b|\btuvieron\s+lugar\b"
             r"|\b(?:se\s+)?ha(?:bía|bían|n)?\s+(?:celebrado|reunido)\b|\bhabían?\s+tenido\s+lugar\b",
        scheduled=r"\b(?:se\s+)?celebrar(?:á|án)\b|\bse\s+reunir(?:á|án)\b|\btendrán?\s+lugar\b"
                  r"|\bha\s+de\s+celebrarse\b|\bprevistas?\s+para\b",
        participle=r"(?:celebrad|convocad)[oa]s?\b",
        conference_session=r"\bperíodos?\s+de\s+sesiones(?:\s+de\s+la\s+Conferencia(?:\s+de\s+las\s+Partes)?)?"
                           r"\s*,?\s*$",
        year=r"\b(?:en|durante)\s+(?:el\s+año\s+)?(?P<year>(?:19|20)\d\d)\b(?![/\d])",
        filler=frozenset({"su", "sus", "la", "las", "el", "los", "un", "una", "en", "de", "del", "días", "día",
                          "que", "nuevamente", "entre"}),
        list_words=frozenset({"y"}),
    ),
}
_PUNCTUATION = frozenset({",", "("})


def lexicon_names() -> Iterator[tuple[str, str]]:
    """(name, series) of every group the lexicon knows, in every language: the start of a BodyNames."""
    for body in BODIES:
        for names in body.names.values():
            for name in names:
                yield name, body.series


def body_names(lexicon_and_learnt: Iterable[tuple[str, str]]) -> BodyNames:
    """The mapping ``find_meetings`` resolves group names with, from (printed name, series) pairs;
    a later pair wins, so names learnt from documents may correct the lexicon's."""
    return MappingProxyType({_name_key(name): series for name, series in lexicon_and_learnt})


def _name_key(name: str) -> str:
    return " ".join(fold(name).split())


@dataclass(frozen=True)
class _Body:
    series: str | None
    name: str | None
    span: Span


@dataclass(frozen=True)
class _Cue:
    span: Span
    status: Status | None


def find_meetings(sentence: str, lang: str, bodies: BodyNames) -> list[MeetingMention]:
    """Every meeting ``sentence`` (written in ``lang``) mentions, in order of its dates."""
    words = _words(lang)
    groups = _groups(sentence, words, bodies)
    ordinals = ordinals_before(sentence, words.ordinal_noun)
    places = [(m.key, m.span) for m in find_places(sentence, lang)]
    cues = _cues(sentence, words)
    masks = [g.span for g in groups] + [o.span for o in ordinals] + [p[1] for p in places] + [c.span for c in cues]
    reading = _Reading(sentence, words, tuple(masks))
    found: list[MeetingMention] = []
    previous: MeetingMention | None = None
    for day in find_dates(sentence, _sentence_year(sentence, words)):
        listed = previous is not None and reading.filler(previous.dates.span[1], day.span[0], words.list_words)
        if not (listed or any(reading.filler(cue.span[1], day.span[0]) for cue in cues)):
            previous = None
            continue
        status = next((c for c in reversed(cues) if c.status and reading.filler(c.span[1], day.span[0])), None)
        ordinal = next((o for o in reversed(ordinals) if reading.filler(o.span[1], day.span[0])), None)
        mention = _mention(day, _body_for(groups, day), ordinal, reading.place(places, day), status)
        if listed and previous is not None:
            mention = _inherit(mention, previous)
        found.append(mention)
        previous = mention
    return found


@dataclass(frozen=True)
class _Reading:
    """A sentence with the spans that count as filler wherever they are (names, ordinals, places, cues)."""

    sentence: str
    words: _Words
    masks: tuple[Span, ...]

    def filler(self, start: int, end: int, extra: frozenset[str] = frozenset()) -> bool:
        """Whether ``sentence[start:end]``, once the masked spans are blanked, holds only filler words."""
        if start > end:
            return False
        chars = list(self.sentence[start:end])
        for mask_start, mask_end in self.masks:
            for index in range(max(mask_start, start), min(mask_end, end)):
                chars[index - start] = " "
        allowed = self.words.filler | extra
        return all(token.lower() in allowed or token in _PUNCTUATION
                   for token in re.findall(r"\w+|[^\w\s]", "".join(chars)))

    def place(self, places: list[tuple[str, Span]], day: DateSpan) -> tuple[str, Span] | None:
        """The place printed before the date with only filler between, else the one just after it."""
        before = [p for p in places if p[1][1] <= day.span[0] and self.filler(p[1][1], day.span[0])]
        after = [p for p in places if p[1][0] >= day.span[1] and self.filler(day.span[1], p[1][0])]
        return before[-1] if before else next(iter(after), None)


def _words(lang: str) -> _Words:
    try:
        return WORDS[lang]
    except KeyError:
        raise ValueError(f"unsupported language {lang!r}: {' or '.join(WORDS)}") from None


def _groups(sentence: str, words: _Words, bodies: BodyNames) -> list[_Body]:
    """Every working group named: by a name in ``bodies``, by an unknown proper name, or as "the Working Group"."""
    folded = fold(sentence)
    found = []
    for match in re.finditer(words.group, sentence, re.IGNORECASE):
        known = _known(folded, (match.start(), match.start("noun")), bodies)
        if known is not None:
            found.append(known)
            continue
        tail = re.compile(words.name_tail).match(sentence, match.end())
        if tail is None:
            found.append(_Body(None, None, match.span()))
        else:
            found.append(_Body(None, sentence[match.start():tail.end()], (match.start(), tail.end())))
    return found


def _known(folded: str, starts: tuple[int, int], bodies: BodyNames) -> _Body | None:
    """The longest name of ``bodies`` printed from one of ``starts`` (adjectives may precede the noun)."""
    best: _Body | None = None
    for name, series in bodies.items():
        pattern = re.compile(re.escape(name).replace(r"\ ", r"\s+") + r"(?!\w)")
        for start in starts:
            if (match := pattern.match(folded, start)) and (best is None or match.end() - start > _length(best)):
                best = _Body(series, None, (start, match.end()))
    return best


def _length(body: _Body) -> int:
    return body.span[1] - body.span[0]


def _cues(sentence: str, words: _Words) -> list[_Cue]:
    """Meeting cues in order, each with the status its tense says; the Conference's sessions' are left out."""
    verbs = re.compile(rf"(?P<scheduled>{words.scheduled})|(?P<held>{words.held})|(?P<cue>{words.cue})",
                       re.IGNORECASE)
    cues = []
    for match in verbs.finditer(sentence):
        status: Status | None = "scheduled" if match.group("scheduled") else "held" if match.group("held") else None
        if not _on_conference_session(sentence, match.start(), words):
            cues.append(_Cue(match.span(), status))
    return cues


def _on_conference_session(sentence: str, start: int, words: _Words) -> bool:
    """Whether the cue at ``start`` is a participle hanging on a session of the Conference."""
    return bool(re.compile(words.participle, re.IGNORECASE).match(sentence, start)
                and re.search(words.conference_session, sentence[:start], re.IGNORECASE))


def _sentence_year(sentence: str, words: _Words) -> int | None:
    """The year a sentence gives for days printed without one, when it gives exactly one."""
    years = {int(m.group("year")) for m in re.finditer(words.year, sentence, re.IGNORECASE)}
    return years.pop() if len(years) == 1 else None


def _body_for(groups: list[_Body], day: DateSpan) -> _Body | None:
    """The group named last before the date, by name rather than "the Working Group" if both precede
    (the anaphor means the named one); else the first after it."""
    before = [g for g in groups if g.span[0] < day.span[0]]
    named = [g for g in before if g.series or g.name]
    return (named or before)[-1] if before else next(iter(groups), None)


def _mention(day: DateSpan, body: _Body | None, ordinal: Ordinal | None, place: tuple[str, Span] | None,
             status: _Cue | None) -> MeetingMention:
    return MeetingMention(
        series=body.series if body else None, body_name=body.name if body else None,
        body_span=body.span if body else None,
        ordinal=ordinal.value if ordinal else None, ordinal_span=ordinal.span if ordinal else None,
        dates=day, place=place[0] if place else None, place_span=place[1] if place else None,
        status=status.status if status else None, status_span=status.span if status else None)


def _inherit(mention: MeetingMention, previous: MeetingMention) -> MeetingMention:
    """A date listed after another meeting's shares its verb and place unless it prints its own."""
    if mention.place is None:
        mention = replace(mention, place=previous.place, place_span=previous.place_span)
    if mention.status is None:
        mention = replace(mention, status=previous.status, status_span=previous.status_span)
    return mention
