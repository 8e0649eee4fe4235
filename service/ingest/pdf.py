"""The text of a UN document's PDF in reading order, laid out for ``segment``.

Text extraction tools read a page line by line across its whole width, so the two columns of a UN
masthead interleave ("Conference of the Parties to the Distr.: General 4 July 2014 United Nations
Convention"). Here each text line keeps its position: on the first page the masthead's left column is
read before its right column, everything else top to bottom. Vertical gaps wider than a line's spacing
become blank lines, which is where ``segment`` cuts blocks; pages are separated by a blank line.
"""

from __future__ import annotations

import io
import statistics
from dataclasses import dataclass
from pathlib import Path

from pdfminer.high_level import extract_pages
from pdfminer.layout import LAParams, LTPage, LTTextContainer, LTTextLine
from pdfminer.pdfdocument import PDFPasswordIncorrect

# A gap between two rows wider than this share of a row's height is a paragraph break: single spacing
# leaves about a third of the height between rows, UN paragraph spacing about a whole height.
_BLANK_GAP = 0.6
# Masthead lines of one column follow each other closely; a wider gap ends the column (the barcode at
# the foot of page 1 is in the right half too, but far below).
_COLUMN_GAP = 3.0


@dataclass(frozen=True)
class _Line:
    """One text line of a page, in PDF points (origin bottom left)."""

    x0: float
    bottom: float
    x1: float
    top: float
    text: str

    @property
    def height(self) -> float:
        return self.top - self.bottom


def read_pdf(path: Path) -> str:
    """The text of the PDF at ``path``, masthead columns unmixed, a blank line between blocks and pages.

    Raises ``ValueError`` (one line saying what is wrong) when the file is not a readable PDF with text.
    """
    data = path.read_bytes()
    if not data:
        raise ValueError(f"{path.name}: empty file, not a PDF")
    if b"%PDF-" not in data[:1024]:
        raise ValueError(f"{path.name}: not a PDF (no %PDF- header)")
    pages = _pages(data, path.name)
    texts = [_page_text(lines, width, first=index == 0) for index, (lines, width) in enumerate(pages)]
    text = "\n\n".join(text for text in texts if text)
    if not text.strip():
        raise ValueError(f"{path.name}: no text layer (a scanned image?); run OCR first")
    return text + "\n"


def _pages(data: bytes, name: str) -> list[tuple[list[_Line], float]]:
    """Each page's text lines and width; pdfminer's many exception types become one ``ValueError``."""
    try:
        return [(_lines(page), page.width) for page in extract_pages(io.BytesIO(data), laparams=LAParams())]
    except PDFPasswordIncorrect:
        raise ValueError(f"{name}: encrypted PDF that needs a password") from None
    except Exception as error:  # pdfminer raises anything from PSEOF to KeyError on damaged files
        raise ValueError(f"{name}: unreadable PDF ({type(error).__name__}: {error})".replace("\n", " ")) from None


def _lines(page: LTPage) -> list[_Line]:
    """The page's non-empty text lines, top first."""
    lines = [_Line(line.x0, line.y0, line.x1, line.y1, line.get_text().strip())
             for box in page if isinstance(box, LTTextContainer)
             for line in box if isinstance(line, LTTextLine)]
    return sorted((line for line in lines if line.text), key=lambda line: (-line.top, line.x0))


def _page_text(lines: list[_Line], width: float, first: bool) -> str:
    """The page's text; on the first page the masthead's columns come first, left then right."""
    if not first:
        return _layout(lines)
    left, right, body = _split_masthead(lines, width / 2)
    return "\n\n".join(part for part in (_layout(left), _layout(right), _layout(body)) if part)


def _split_masthead(lines: list[_Line], middle: float) -> tuple[list[_Line], list[_Line], list[_Line]]:
    """The masthead's left column, its right column, and the rest of the page.

    The masthead lies above the first line that crosses the middle of the page; its right column is
    the run of right-half lines from the top; its left column the left-half lines beside it, and those
    that continue them without a paragraph gap.
    """
    crossing = next((line for line in lines if line.x0 < middle < line.x1), None)
    region = [line for line in lines if crossing is None or line.bottom >= crossing.top]
    right = _top_run([line for line in region if line.x0 >= middle])
    if not right:
        return [], [], lines
    floor = right[-1].bottom
    left = [line for line in region if line.x1 <= middle and line.top > floor]
    for line in region:
        if line.x1 <= middle and line.top <= floor and left and _gap(left[-1], line) <= _BLANK_GAP * line.height:
            left.append(line)
    masthead = {id(line) for line in left + right}
    return left, right, [line for line in lines if id(line) not in masthead]


def _top_run(lines: list[_Line]) -> list[_Line]:
    """The first lines of ``lines`` (top first) that follow each other without a wide gap."""
    run = lines[:1]
    for line in lines[1:]:
        if _gap(run[-1], line) > _COLUMN_GAP * max(line.height, run[-1].height):
            break
        run.append(line)
    return run


def _layout(lines: list[_Line]) -> str:
    """Lines grouped into rows (top to bottom, each row left to right), a blank line at paragraph gaps."""
    rows = _rows(lines)
    if not rows:
        return ""
    height = statistics.median(_height(row) for row in rows)
    out = [_row_text(rows[0])]
    for above, row in zip(rows, rows[1:]):
        gap = min(line.bottom for line in above) - max(line.top for line in row)
        out.append(("\n" if gap > _BLANK_GAP * min(height, _height(row)) else "") + _row_text(row))
    return "\n".join(out)


def _rows(lines: list[_Line]) -> list[list[_Line]]:
    """Lines that share a baseline (a paragraph number and its indented text) as one row."""
    rows: list[list[_Line]] = []
    for line in sorted(lines, key=lambda line: -line.top):
        if rows and _overlap(rows[-1], line) > 0.5 * min(line.height, _height(rows[-1])):
            rows[-1].append(line)
        else:
            rows.append([line])
    return rows


def _overlap(row: list[_Line], line: _Line) -> float:
    return min(max(item.top for item in row), line.top) - max(min(item.bottom for item in row), line.bottom)


def _height(row: list[_Line]) -> float:
    return max(line.top for line in row) - min(line.bottom for line in row)


def _gap(above: _Line, below: _Line) -> float:
    return above.bottom - below.top


def _row_text(row: list[_Line]) -> str:
    return " ".join(line.text for line in sorted(row, key=lambda line: line.x0))
