"""A working group's meetings on a time axis, and counted per year, laid out on the server for
inline SVG (no script).

This module only computes geometry; ``templates/_timeline.html`` and ``_years.html`` draw it,
escaping every label.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

WIDTH = 880
HEIGHT = 120
MARGIN = 40
AXIS_Y = 70
PADDING_DAYS = 45


@dataclass(frozen=True)
class Meeting:
    """What the timeline needs of one meeting."""

    href: str
    label: str
    start: date
    end: date
    ordinal: str
    status: str
    place: str = ""
    reports: tuple[tuple[str, str], ...] = ()  # (symbol, href)


@dataclass(frozen=True)
class Mark:
    meeting: Meeting
    x: float
    width: float
    label_y: float


@dataclass(frozen=True)
class Tick:
    x: float
    year: int


@dataclass(frozen=True)
class Timeline:
    width: int
    height: int
    axis_y: int
    marks: list[Mark]
    ticks: list[Tick]


def layout(meetings: list[Meeting]) -> Timeline | None:
    """Marks placed by date between the first start and the last end; None when nothing has a date."""
    if not meetings:
        return None
    first = min(m.start for m in meetings) - timedelta(days=PADDING_DAYS)
    last = max(m.end for m in meetings) + timedelta(days=PADDING_DAYS)
    span = max((last - first).days, 1)
    scale = (WIDTH - 2 * MARGIN) / span

    def x_of(day: date) -> float:
        return round(MARGIN + (day - first).days * scale, 1)

    ordered = sorted(meetings, key=lambda m: (m.start, m.ordinal))
    marks = [
        Mark(m, x_of(m.start), max(round((m.end - m.start).days * scale, 1), 0.0), AXIS_Y - 22 - 16 * (i % 2))
        for i, m in enumerate(ordered)
    ]
    ticks = [Tick(x_of(date(year, 1, 1)), year) for year in range(first.year + 1, last.year + 1)]
    return Timeline(WIDTH, HEIGHT, AXIS_Y, marks, ticks)


CHART_HEIGHT = 140
CHART_TOP = 20
CHART_BOTTOM = 110


@dataclass(frozen=True)
class Bar:
    year: int
    count: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class YearChart:
    width: int
    height: int
    baseline: int
    bars: list[Bar]


def per_year(meetings: list[Meeting]) -> YearChart | None:
    """One bar per year from the first meeting's to the last's (years without one included, at zero),
    as high as the meetings starting that year."""
    if not meetings:
        return None
    counts = {year: 0 for year in range(min(m.start.year for m in meetings), max(m.start.year for m in meetings) + 1)}
    for meeting in meetings:
        counts[meeting.start.year] += 1
    slot = (WIDTH - 2 * MARGIN) / len(counts)
    unit = (CHART_BOTTOM - CHART_TOP) / max(counts.values())
    bars = [Bar(year, count, round(MARGIN + i * slot + slot * 0.15, 1), round(CHART_BOTTOM - count * unit, 1),
                round(slot * 0.7, 1), round(count * unit, 1)) for i, (year, count) in enumerate(sorted(counts.items()))]
    return YearChart(WIDTH, CHART_HEIGHT, CHART_BOTTOM, bars)
