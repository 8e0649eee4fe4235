"""Writing PDFs laid out like UN documents of the CTOC/COP series, for ingest tests.

Real documents cannot be checked in, so tests generate look-alikes with invented wording: a two-column
masthead (organ and body on the left; symbol, distribution, date and original language on the right),
full-width body text, footnotes and the job number with its barcode at the foot of page 1, and a
running header (the symbol) and footer (page number, bare job number) on later pages.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from fpdf import FPDF

_MARGIN = 72.0
_BODY_SIZE = 11.0
_LEADING = 14.0
_PARAGRAPH_GAP = 10.0


def write_un_pdf(path: Path, masthead_left: Sequence[str], masthead_right: Sequence[str], blocks: Sequence[str],
                 job_number: str | None = None, *, footnotes: Sequence[str] = (),
                 later_pages: Sequence[Sequence[str]] = (), processing_dates: str = "020318 050318") -> Path:
    """Write a PDF at ``path`` in the UN layout and return ``path``.

    ``masthead_left``: lines of the left column ("United Nations", then the body's name in short
    lines). ``masthead_right``: lines of the right column; the first is the symbol (printed large) and
    also the running header of later pages. ``blocks``: page 1 below the masthead, full width; each
    string is one block (meeting line, title, numbered paragraph "1. ..."), wrapped to the text width,
    "\\n" forcing a line break, blocks a paragraph gap apart. ``footnotes``: small print at the foot of
    page 1. ``job_number``: e.g. "V.18-00932 (E)", printed at the foot of page 1 followed by
    ``processing_dates``, with the barcode "*1800932*" on the line below, and bare ("V.18-00932") in
    the footer of later pages. ``later_pages``: the blocks of each further page. Text must be Latin-1
    (Helvetica core font), which covers Spanish and French accents.
    """
    pdf = FPDF(unit="pt", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(_MARGIN, _MARGIN, _MARGIN)
    total = 1 + len(later_pages)
    pdf.add_page()
    _masthead(pdf, masthead_left, masthead_right)
    _blocks(pdf, blocks)
    _foot_of_first_page(pdf, footnotes, job_number, processing_dates)
    bare_job = job_number.split(" ")[0] if job_number else ""
    for number, page_blocks in enumerate(later_pages, start=2):
        pdf.add_page()
        _running_header(pdf, masthead_right[0] if masthead_right else "", f"{number}/{total}", bare_job)
        pdf.set_y(_MARGIN + 2 * _LEADING)
        _blocks(pdf, page_blocks)
    pdf.output(str(path))
    return path


def _masthead(pdf: FPDF, left: Sequence[str], right: Sequence[str]) -> None:
    """Left column from the margin, right column from just past the middle, both from the top."""
    middle = pdf.w / 2
    pdf.set_font("Helvetica", "B", 12)
    for index, line in enumerate(left):
        pdf.set_xy(_MARGIN, _MARGIN + index * _LEADING)
        pdf.cell(middle - _MARGIN - 20, _LEADING, line)
    y = _MARGIN
    for index, line in enumerate(right):
        size = 16.0 if index == 0 else 10.0
        pdf.set_font("Helvetica", "B" if index == 0 else "", size)
        pdf.set_xy(middle + 30, y)
        pdf.cell(pdf.w - _MARGIN - middle - 30, size * 1.25, line)
        y += size * 1.25 + (4 if index == 0 else 0)
    bottom = max(_MARGIN + len(left) * _LEADING, y) + 6
    pdf.line(_MARGIN, bottom, pdf.w - _MARGIN, bottom)
    pdf.set_y(bottom + 12)


def _blocks(pdf: FPDF, blocks: Sequence[str]) -> None:
    """Each block wrapped at the full text width, a paragraph gap after it."""
    pdf.set_font("Helvetica", "", _BODY_SIZE)
    for block in blocks:
        pdf.set_x(_MARGIN)
        pdf.multi_cell(pdf.w - 2 * _MARGIN, _LEADING, block, align="L")
        pdf.set_y(pdf.get_y() + _PARAGRAPH_GAP)


def _foot_of_first_page(pdf: FPDF, footnotes: Sequence[str], job_number: str | None, dates: str) -> None:
    """Footnotes in small print, then the job number, its processing dates and the barcode."""
    y = pdf.h - _MARGIN - 2 * _LEADING - 10 * len(footnotes)
    pdf.set_font("Helvetica", "", 8)
    for note in footnotes:
        pdf.set_xy(_MARGIN, y)
        pdf.cell(pdf.w - 2 * _MARGIN, 10, note)
        y += 10
    if job_number is None:
        return
    pdf.set_xy(_MARGIN, pdf.h - _MARGIN - _LEADING)
    pdf.cell(200, 10, f"{job_number} {dates}")
    pdf.set_xy(_MARGIN, pdf.h - _MARGIN)
    pdf.set_font("Helvetica", "B", 12)
    digits = "".join(re.findall(r"\d", job_number.split(" ")[0]))
    pdf.cell(200, 12, f"*{digits}*")


def _running_header(pdf: FPDF, symbol: str, page: str, bare_job: str) -> None:
    """The symbol at the top right; the page number and the bare job number at the foot."""
    pdf.set_font("Helvetica", "", 9)
    pdf.set_xy(pdf.w / 2, _MARGIN - 30)
    pdf.cell(pdf.w / 2 - _MARGIN, 10, symbol, align="R")
    pdf.set_xy(_MARGIN, pdf.h - _MARGIN + 20)
    pdf.cell(100, 10, page)
    if bare_job:
        pdf.set_xy(pdf.w / 2, pdf.h - _MARGIN + 20)
        pdf.cell(pdf.w / 2 - _MARGIN, 10, bare_job, align="R")
