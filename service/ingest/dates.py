"""Dates as UN documents print them, in Spanish and English: one day, two days, ranges.

Every form reduces to one pattern, ``[first day [month [year]]] separator last day month year`` or a
single ``day month year``, because that is how both languages write them: the words around the
numbers differ, the order does not (Spanish adds "de"). A missing first month or year is the last
one's ("2 y 3 de octubre de 2023"); a first year later than the last is rejected, not guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

MONTHS = {
    "es": ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
           "octubre", "noviembre", "diciembre"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"],
}
_EXTRA_MONTHS = {"setiembre": 9}
_DAY = r"(?<![\d/])(?P<{0}>[0-3]?\d)(?:º|°|st|nd|rd|th)?(?![\d/])"


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


def _month_alternation() -> str:
    names = [m for names in MONTHS.values() for m in names] + list(_EXTRA_MONTHS)
    return "|".join(sorted(names, key=len, reverse=True))


_MONTH = _month_alternation()
_OF = r"(?:\s+de|,)?\s+"  # "14 de octubre de 2024", "14 October 2024", "October, 2024" is not UN style
_RANGE = re.compile(
    _DAY.format("d1")
    + rf"(?:{_OF}(?P<m1>{_MONTH})(?:{_OF}(?P<y1>\d{{4}}))?)?"
    + r"\s*(?P<sep>,?\s+y\s+|\s+and\s+|\s+a(?:l)?\s+|\s+to\s+|\s*[-–—]\s*)"
    + _DAY.format("d2")
    + rf"{_OF}(?P<m2>{_MONTH}){_OF}(?P<y2>\d{{4}})\b",
    re.IGNORECASE,
)
_SINGLE = re.compile(_DAY.format("d") + rf"{_OF}(?P<m>{_MONTH}){_OF}(?P<y>\d{{4}})\b", re.IGNORECASE)


def find_dates(text: str) -> list[DateSpan]:
    """Every date or date range in ``text``, in order; ranges are matched before single days."""
    found: list[DateSpan] = []
    taken: list[tuple[int, int]] = []
    for match in _RANGE.finditer(text):
        taken.append(match.span())  # a range that makes no sense is no date at all, not a shorter one
        span = _range(match)
        if span is not None:
            found.append(span)
    for match in _SINGLE.finditer(text):
        if any(start <= match.start() < end for start, end in taken):
            continue
        day = _day(match.group("d"), match.group("m"), match.group("y"))
        if day is not None:
            found.append(DateSpan(day, day, match.span()))
    return sorted(found, key=lambda item: item.span)


def _range(match: re.Match[str]) -> DateSpan | None:
    last = _day(match.group("d2"), match.group("m2"), match.group("y2"))
    if last is None:
        return None
    first = _day(match.group("d1"), match.group("m1") or match.group("m2"), match.group("y1") or match.group("y2"))
    if first is None or first > last:
        return None
    return DateSpan(first, last, match.span())


def _day(day: str, month: str, year: str) -> date | None:
    number = month_number(month)
    if number is None:
        return None
    try:
        return date(int(year), number, int(day))
    except ValueError:
        return None
