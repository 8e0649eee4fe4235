"""Repairing the text a PDF tool extracts from a UN document, before ``segment`` cuts it into blocks.

Extraction leaves print furniture in the text (the job number and barcode of page 1, running headers
and page numbers), footnote numbers glued to words ("Crime1"), words hyphenated at line ends and
paragraph numbers run into the paragraph before ("… ammunition. 2. In its …"). Each repair here
matches only what print furniture looks like, so Markdown and already-clean text pass unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .patterns import SYMBOL

LANGUAGES = {"E": "en", "S": "es", "F": "fr", "R": "ru", "C": "zh", "A": "ar"}

_JOB = re.compile(r"[ \t]*(?<![\w.])(?P<office>[A-Z])\.(?P<year>\d{2})-(?P<serial>\d{5})[ \t]*"
                  r"\((?P<language>[ESFRCA])\)(?:\s+\d{6}(?!\d)){0,2}")
_PAGE = r"(?:-[ \t]*\d{1,3}[ \t]*-|\d{1,3}/\d{1,3}|\d{1,3})"
_LOWER = "a-zß-öø-ÿ"
_LETTER = "A-Za-zÀ-ÖØ-öø-ÿ"
_SPACE = r"[^\S\n]*"  # spaces on one line, with the \r of CRLF and the \f pdftotext puts between pages
_HYPHENATED = re.compile(rf"(?<![\w-])(?P<head>[{_LETTER}]*[{_LOWER}])-{_SPACE}\n{_SPACE}(?P<tail>[{_LOWER}]+)")
# Line-end hyphens after these stay: the word is a compound ("open-ended", "non-governmental"). No
# syllable-like prefixes ("co", "ex", "pre"): Spanish breaks "co-rrupción", "ex-tradición" there.
_COMPOUND_HEADS = frozenset({"open", "non", "self", "cross", "follow", "long", "short", "well", "high", "low",
                             "large", "small", "full", "part", "decision", "policy", "capacity", "evidence"})
_MARKER = re.compile(rf"(?<![\w/.@-])(?P<word>[{_LETTER}]*[{_LOWER}][{_LETTER}]*)(?P<punct>[,.;:]?)"
                     r"(?P<digits>\d{1,3})(?=[,.;:)\]”’\"']?(?:\s|$))")
# A period between these and a number belongs to a reference ("Rev.1", "para.3"), not to a sentence.
_ABBREVIATIONS = frozenset({"rev", "add", "corr", "amend", "no", "nos", "vol", "para", "paras", "art",
                            "arts", "sect", "chap", "pp", "núm", "párr", "pág", "cap", "secc"})
# Four dots or more and a page number: an ellipsis ("then.... nothing") has no page number after it.
_LEADER = re.compile(r"[ \t]*(?:[.…][ \t]?){4,}[ \t]*\d{1,3}(?![\w/.])[ \t]*(?P<end>$)?", re.MULTILINE)
_NUMBERED_LINE = re.compile(r"[ \t]*(\d{1,3})\.[ \t]")
_INLINE_NUMBER = re.compile(r"(?<=\S)[ \t]+(?P<number>\d{1,3})\.[ \t]+(?=[A-ZÀ-ÖØ-Þ“\"(¿¡])")
# A number after these words is what they refer to ("article 2. The"), not a paragraph's number.
_REFERRING_WORDS = frozenset({"article", "articles", "paragraph", "paragraphs", "resolution", "resolutions",
                              "decision", "decisions", "item", "items", "rule", "rules", "chapter", "section",
                              "annex", "table", "figure", "recommendation", "no.", "and", "or", "to", "of",
                              "artículo", "artículos", "párrafo", "párrafos", "resolución", "resoluciones",
                              "decisión", "decisiones", "tema", "temas", "regla", "capítulo", "sección",
                              "anexo", "cuadro", "recomendación", "núm.", "y", "o", "a", "de"})
_GONE = "\ue000"  # stands where something was removed until empty lines are dropped


@dataclass(frozen=True)
class JobNumber:
    """The print job of one language version ("V.18-00932 (E)"): not the issue date, not the symbol."""

    office: str
    year: int
    serial: str
    language: str  # ISO 639-1

    @property
    def bare(self) -> str:
        """As later pages print it in their footer, without the language."""
        return f"{self.office}.{self.year % 100:02d}-{self.serial}"

    @property
    def barcode(self) -> str:
        return f"*{self.year % 100:02d}{self.serial}*"

    @property
    def printed(self) -> str:
        """As page 1 prints it, with its language letter: "V.18-00932 (E)"."""
        letter = next(key for key, code in LANGUAGES.items() if code == self.language)
        return f"{self.bare} ({letter})"


def parse_job_number(text: str) -> JobNumber | None:
    """The job number that ``text`` is, whole (a line of its own), or None."""
    match = _JOB.fullmatch(text.strip())
    return _job(match) if match else None


def _job(match: re.Match[str]) -> JobNumber:
    # The CTOC/COP series starts in 2004: a two-digit year is in this century.
    return JobNumber(match["office"], 2000 + int(match["year"]), match["serial"], LANGUAGES[match["language"]])


@dataclass(frozen=True)
class Cleaned:
    """Repaired text, the job number found in it, and what was dropped (for the ingest report)."""

    text: str
    job_number: JobNumber | None
    removed: tuple[str, ...]


def clean_extracted(text: str) -> Cleaned:
    """``text`` as a PDF tool extracted it, with print furniture removed and line-end damage repaired."""
    removed: list[str] = []
    text, job = _strip_job_number(text, removed)
    text = _strip_running_lines(text, job, removed)
    text = _drop_empty_lines(text)
    text = _join_hyphenated(text, removed)
    text = _strip_footnote_markers(text, removed)
    text = _drop_dot_leaders(text, removed)
    text = _split_inline_paragraphs(text)
    return Cleaned(text, job, tuple(removed))


def _strip_job_number(text: str, removed: list[str]) -> tuple[str, JobNumber | None]:
    """The first job number (with its processing dates) and its barcode removed wherever they stand."""
    match = _JOB.search(text)
    if match is None:
        return text, None
    job = _job(match)
    removed.append(f"job number: {' '.join(match.group().split())}")
    text = text[:match.start()] + _GONE + text[match.end():]
    barcode = re.compile(rf"[ \t]*{re.escape(job.barcode)}")
    return _removing(barcode, text, lambda found: f"barcode: {found.strip()}", removed), job


def _strip_running_lines(text: str, job: JobNumber | None, removed: list[str]) -> str:
    """Lines made only of the symbol, a page number and the bare job number; the masthead's symbol stays."""
    symbol = SYMBOL.search(text)
    tokens = [_PAGE] + ([re.escape(symbol.group())] if symbol else []) + ([re.escape(job.bare)] if job else [])
    running = re.compile(rf"{_SPACE}(?:(?:{'|'.join(tokens)})(?![\w/]){_SPACE})+")
    lines = text.split("\n")
    position = 0
    for index, line in enumerate(lines):
        is_masthead = symbol is not None and position <= symbol.start() < position + len(line) + 1
        if line.strip() and not is_masthead and running.fullmatch(line):
            removed.append(f"running header or footer: {line.strip()}")
            lines[index] = _GONE
        position += len(line) + 1
    return "\n".join(lines)


def _drop_empty_lines(text: str) -> str:
    """Lines left empty by a removal go (so a paragraph cut by a page footer stays one run of lines)."""
    lines = text.split("\n")
    kept = [line.replace(_GONE, "") for line in lines if not (_GONE in line and not line.replace(_GONE, "").strip())]
    return "\n".join(kept)


def _join_hyphenated(text: str, removed: list[str]) -> str:
    """ "transna-\\ntional" → "transnational"; "open-\\nended" → "open-ended"."""
    def join(match: re.Match[str]) -> str:
        head, tail = match["head"], match["tail"]
        removed.append(f"line-end hyphen: {head}-{tail}")
        return f"{head}-{tail}" if head.lower() in _COMPOUND_HEADS else head + tail
    return _HYPHENATED.sub(join, text)


def _strip_footnote_markers(text: str, removed: list[str]) -> str:
    """ "Crime1" → "Crime", "Protocols,2" → "Protocols,"; "WG.4", "G20", "Rev.1", "7/1" stay."""
    def strip(match: re.Match[str]) -> str:
        word, punct = match["word"], match["punct"]
        if len(word) < 2 or (punct == "." and word.lower() in _ABBREVIATIONS):
            return match.group()
        removed.append(f"footnote marker: {match.group()}")
        return word + punct
    return _MARKER.sub(strip, text)


def _drop_dot_leaders(text: str, removed: list[str]) -> str:
    """ "Introduction ........ 3" → "Introduction"; a leader inside a flattened line ends the entry."""
    def drop(match: re.Match[str]) -> str:
        removed.append(f"dot leader: {match.group().strip()}")
        return "" if match["end"] is not None else "\n"
    return _LEADER.sub(drop, text)


def _split_inline_paragraphs(text: str) -> str:
    """ "… ammunition. 2. In its …" → "… ammunition.\\n\\n2. In its …" when 2 is the next paragraph number."""
    last = 0
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if match := _NUMBERED_LINE.match(line):
            last = int(match.group(1))
        lines[index], last = _split_line(line, last)
    return "\n".join(lines)


def _split_line(line: str, last: int) -> tuple[str, int]:
    """``line`` with each inline next-in-sequence paragraph number moved to a new block."""
    pieces: list[str] = []
    start = 0
    for match in _INLINE_NUMBER.finditer(line):
        number = int(match["number"])
        before = line[:match.start()].split()
        if number != last + 1 or (before and before[-1].lower() in _REFERRING_WORDS):
            continue
        pieces.append(line[start:match.start()] + "\n\n")
        start, last = match.start("number"), number
    return "".join(pieces) + line[start:], last


def _removing(pattern: re.Pattern[str], text: str, describe: Callable[[str], str], removed: list[str]) -> str:
    """``text`` with each match of ``pattern`` marked gone and described in ``removed``."""
    def mark(match: re.Match[str]) -> str:
        removed.append(describe(match.group()))
        return _GONE
    return pattern.sub(mark, text)
