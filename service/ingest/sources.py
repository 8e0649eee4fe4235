"""Document files as the ingest reads them: PDF through its text layer, extracted text repaired,
Markdown as it is; folders give the documents they hold."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .cleanup import clean_extracted
from .pdf import read_pdf

SUFFIXES = (".pdf", ".txt", ".md")
REPORT_SUFFIX = ".report.txt"  # what the ingest writes beside its output: never a document


@dataclass(frozen=True)
class Source:
    """A document's text, and the print furniture removed from it (for the report)."""

    path: Path
    text: str
    removed: tuple[str, ...]


def document_files(paths: Iterable[Path]) -> list[Path]:
    """The files named, and the documents (by suffix) under the folders named, each once, in order."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if _is_document(p))
        elif path.is_file():
            found.append(path)
        else:
            raise ValueError(f"no such file or folder: {path}")
    return list(dict.fromkeys(found))


def _is_document(path: Path) -> bool:
    return (path.is_file() and path.suffix.lower() in SUFFIXES and not path.name.endswith(REPORT_SUFFIX)
            and not any(part.startswith(".") for part in path.parts))


def read_source(path: Path) -> Source:
    """The text to extract from; raises ValueError with one line for a file that cannot be read.

    A job number found in extracted text is put back as a block of its own at the end: it is printed
    words, and the only place some versions say their language ("V.18-00932 (E)").
    """
    if path.suffix.lower() == ".pdf":
        raw = read_pdf(path)
    else:
        try:
            raw = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as error:
            raise ValueError(f"{path}: not UTF-8 text (byte {error.start} cannot be decoded)") from None
    if not raw.strip():
        raise ValueError(f"{path}: empty document")
    if path.suffix.lower() == ".md":
        return Source(path, raw, ())
    cleaned = clean_extracted(raw)
    text = cleaned.text
    if cleaned.job_number is not None:
        text = f"{text.rstrip()}\n\n{cleaned.job_number.printed}\n"
    return Source(path, text, cleaned.removed)
