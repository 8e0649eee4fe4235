"""Dates as UN documents print them, in Spanish and English: one day, runs of days, ranges, lists.

Every form is a chain of day "points" (``day [month [year]]``) joined by range words ("to", "al",
"–") or list words ("and", "y", ","), because that is how both languages write them: the words
around the numbers differ, the order does not (Spanish adds "de"). A month or year printed once
belongs to the days before it ("3 and 4 May and 5 and 6 July 2023"), never to the days after; a
chain with no year at all is no date unless the caller knows the year from elsewhere. A range that
makes no sense (31 February, 5 to 3 May, a carried year that would put a date after the next one) is
no date at all, not a shorter one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta

MONTHS = {
    "es": ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
           "octubre", "noviembre", "diciembre"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"],
}
_EXTRA_MONTHS = {"setiembre": 9}
# Words between points, per language: "to" joins a range, "and" a list, "lead" may open a list item.
_JOINS = {
    "es": {"to": ("al", "a"), "and": ("y",), "lead": ("los días", "el día", "el", "del", "de")},
    "en": {"to": ("to",), "and": ("and",), "lead": ("on", "from")},
}
_DAY = r"(?<![\d/])(?P<day>[0-3]?\d)(?:º|°|st|nd|rd|th)?(?![\d/])"


@dataclass(frozen=True)
class DateSpan:
    """A day or a run of days, and where the text says it."""

    start: date
    end: date
    span: tuple[int, int]

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def month_number(name: str) -> int | None:
    """The month of a Spanish or English month name, any case."""
    lowered = name.lower()
    for names in MONTHS.values():
        for index, month in enumerate(names, start=1):
            if month.lower() == lowered:
                return index
    return _EXTRA_MONTHS.get(lowered)


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


def _joins(kind: str) -> str:
    return _alternation([word for joins in _JOINS.values() for word in joins[kind]])


_MONTH = _alternation([m for names in MONTHS.values() for m in names] + list(_EXTRA_MONTHS))
_OF = r"(?:\s+de|,)?\s+"  # "14 de octubre de 2024", "14 October 2024", "October, 2024" is not UN style
_POINT = re.compile(_DAY + rf"(?:{_OF}(?P<month>{_MONTH})(?:{_OF}(?P<year>\d{{4}})\b)?)?", re.IGNORECASE)
_RANGE = re.compile(rf"\s*[-–—]\s*|\s+(?:{_joins('to')})\s+", re.IGNORECASE)
_LIST = re.compile(rf"(?:\s*,\s*(?P<comma_and>(?:{_joins('and')})\s+)?|\s+(?P<and>{_joins('and')})\s+)"
                   rf"(?:(?:{_joins('lead')})\s+)?", re.IGNORECASE)


@dataclass(frozen=True)
class _Point:
    """One printed day; ``month``/``year`` are as printed or carried, ``printed`` says which."""

    day: int
    month: int | None
    year: int | None
    printed_month: bool
    carried_year: bool
    span: tuple[int, int]

    @property
    def date(self) -> date | None:
        if self.month is None or self.year is None:
            return None
        try:
            return date(self.year, self.month, self.day)
        except ValueError:
            return None


def find_dates(text: str, year: int | None = None) -> list[DateSpan]:
    """Every date or run of days in ``text``, in order.

    ``year`` is for days the text prints without one ("los días 3 y 4 de mayo") when the caller has
    read the year elsewhere in the same sentence; without it such days are not dates.
    """
    found: list[DateSpan] = []
    for chain, links in _chains(text):
        found += _chain_dates(_carry(chain, year), links)
    return found


def _chains(text: str) -> list[tuple[list[_Point], list[str]]]:
    """Runs of points joined only by range or list words, with each join's kind ("to", "and", ",")."""
    chains: list[tuple[list[_Point], list[str]]] = []
    previous: re.Match[str] | None = None
    for match in _POINT.finditer(text):
        point = _point(match)
        link = _link(text[previous.end():match.start()]) if previous else None
        if link is None:
            chains.append(([point], []))
        else:
            chains[-1][0].append(point)
            chains[-1][1].append(link)
        previous = match
    return chains


def _point(match: re.Match[str]) -> _Point:
    month = month_number(match.group("month")) if match.group("month") else None
    year = int(match.group("year")) if match.group("year") else None
    return _Point(int(match.group("day")), month, year, month is not None, False, match.span())


def _link(gap: str) -> str | None:
    if _RANGE.fullmatch(gap):
        return "to"
    if found := _LIST.fullmatch(gap):
        return "and" if found.group("and") or found.group("comma_and") else ","
    return None


def _carry(chain: list[_Point], year: int | None) -> list[_Point]:
    """Each point with the month and year printed after it, right to left; the default year last."""
    carried: list[_Point] = []
    month, last_year, is_default = None, year, True
    for point in reversed(chain):
        if point.year is not None:
            last_year, is_default = point.year, False
        if point.month is not None:
            month = point.month
            point = replace(point, year=last_year, carried_year=point.year is None and not is_default)
        elif month is not None:
            point = replace(point, month=month, year=last_year, carried_year=not is_default)
        carried.append(point)
    return carried[::-1]


def _chain_dates(chain: list[_Point], links: list[str]) -> list[DateSpan]:
    items: list[list[_Point]] = [[chain[0]]]
    for point, link in zip(chain[1:], links):
        before = items[-1][-1]
        if link == "to" or _same_run(before, point, link):
            items[-1].append(point)
        elif link == "," and not before.printed_month:
            items[-1] = [point]  # "paragraph 12, 2 and 3 May": a bare number before a comma is no day
        else:
            items.append([point])
    spans = [_item(item) for item in items]
    return [span for index, span in enumerate(spans)
            if span is not None and _before_next(items[index], span, spans[index + 1:])]


def _same_run(before: _Point, point: _Point, link: str) -> bool:
    """Two days of one run: "2 and 3 May", or across a month end "31 May and 1 June 2024", where the
    first day shares the second's year (with its own year, "and" lists two dates)."""
    return _next_day(before, point) and (not before.printed_month or (link == "and" and before.carried_year))


def _next_day(before: _Point, point: _Point) -> bool:
    first, second = before.date, point.date
    return first is not None and second is not None and second - first == timedelta(days=1)


def _item(points: list[_Point]) -> DateSpan | None:
    days = [day for day in (point.date for point in points) if day is not None]
    if len(days) < len(points) or days != sorted(days):
        return None
    return DateSpan(days[0], days[-1], (points[0].span[0], points[-1].span[1]))


def _before_next(points: list[_Point], span: DateSpan, following: list[DateSpan | None]) -> bool:
    """A year carried from a later date must not put this one after it ("12 December and 5 January 2024")."""
    later = next((item for item in following if item is not None), None)
    return not any(p.carried_year for p in points) or later is None or span.end < later.start
