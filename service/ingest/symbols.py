"""The grammar of CTOC/COP document symbols, and where symbols occur in running text.

A document is its symbol (docs/model.md), so a symbol must be read exactly or not at all: a token
that only starts like a symbol ("CTOC/COP/WG.4/2023/5x") is no symbol, not a shorter one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

ROOT = "CTOC/COP"
_GRAMMAR = re.compile(
    r"(?P<root>CTOC/COP)"
    r"(?:/(?P<body>WG\.\d{1,2}))?"
    r"(?:/(?P<year>(?:19|20)\d\d))?"
    r"/(?:(?P<special>L|CRP|INF)\.(?P<special_number>\d{1,3})|(?P<number>\d{1,3}))"
    r"(?P<suffixes>(?:/(?:Rev|Add|Corr)\.\d{1,2})*)"
)
_SUFFIX = re.compile(r"/(Rev|Add|Corr)\.(\d{1,2})")
# Loose on purpose: the whole token is taken, then the grammar must match all of it.
# A PDF line break may fall right after the series ("CTOC\n/COP/…").
_TOKEN = re.compile(r"(?<![\w/])CTOC\s*/\s*COP(?:/[A-Za-z0-9.]+)*")
_KIND_HINTS = {"L": "draft", "CRP": "conference-room-paper", "INF": "information"}


@dataclass(frozen=True)
class Symbol:
    """A parsed symbol; ``text`` is the symbol as printed, any line break inside it removed."""

    text: str
    root: str
    body: str | None  # short form of the subsidiary body, "WG.4"
    year: int | None
    number: int | None
    special: tuple[str, int] | None  # ("L", 3) for L.3
    suffixes: tuple[tuple[str, int], ...] = ()

    def __str__(self) -> str:
        return self.text

    @property
    def series(self) -> str:
        """The series a body's documents share: the group's identity (docs/model.md)."""
        return f"{self.root}/{self.body}" if self.body else self.root

    @property
    def kind_hint(self) -> str | None:
        """What the special series alone says the document is."""
        return _KIND_HINTS[self.special[0]] if self.special else None

    @property
    def base(self) -> Symbol:
        """The symbol without Rev/Add/Corr: the document a revision or addendum belongs to."""
        if not self.suffixes:
            return self
        text = _SUFFIX.sub("", self.text)
        return replace(self, text=text, suffixes=())


def parse_symbol(text: str) -> Symbol | None:
    """The symbol ``text`` spells, or None when any part of it is outside the grammar."""
    match = _GRAMMAR.fullmatch(text.strip())
    if match is None:
        return None
    special = match.group("special")
    return Symbol(
        text=match.group(0),
        root=match.group("root"),
        body=match.group("body"),
        year=_int(match.group("year")),
        number=_int(match.group("number")),
        special=(special, int(match.group("special_number"))) if special else None,
        suffixes=tuple((kind, int(n)) for kind, n in _SUFFIX.findall(match.group("suffixes"))),
    )


def find_symbols(text: str) -> list[tuple[Symbol, tuple[int, int]]]:
    """Every CTOC/COP symbol in ``text`` with its printed span, in order.

    A sentence's final period is not part of the symbol; a footnote star never matches the token.
    """
    found = []
    for match in _TOKEN.finditer(text):
        printed = match.group(0).rstrip(".")
        symbol = parse_symbol(re.sub(r"\s+", "", printed))
        if symbol is not None:
            found.append((symbol, (match.start(), match.start() + len(printed))))
    return found


def _int(value: str | None) -> int | None:
    return int(value) if value is not None else None
