"""Cutting a UN document (plain text or the Markdown-ish text of the source note) into blocks.

A block is a numbered paragraph, a heading or any other run of lines. Its text is *clean* (Markdown
marks and hard line breaks removed, whitespace collapsed) because that is the text a reader quotes and
the text a Passage stores; every character keeps the offset it had in the source file, so that the
clean text can be checked, character by character, against what the file prints.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUMBERED = re.compile(r"(\d{1,3})\.\s+")
_HEADING = re.compile(r"(#{1,6})\s+")
_FOOTNOTE = re.compile(r"\\?\*\s+\S")
_RULE = re.compile(r"[-*_]{3,}\s*$")
_DROPPED = re.compile(r"\*\*|\\(?=[*_#\[\]])|\]\([^)\s]*\)|\[(?=[^\]\n]*\]\()")
_TERMINAL = (".", ";", ":", "!", "?")


@dataclass(frozen=True)
class Block:
    """One paragraph or heading: clean text, and the source offset of each of its characters."""

    kind: str  # "numbered", "heading" (# or bold), "footnote" or "text"
    text: str
    offsets: tuple[int, ...]
    number: int | None = None
    level: int = 0


def segment(source: str) -> list[Block]:
    """The blocks of ``source`` in reading order, numbered paragraphs rejoined across page breaks."""
    return _rejoin([_clean(raw, start) for raw, start in _raw_blocks(source) if raw.strip()])


def _raw_blocks(source: str) -> list[tuple[str, int]]:
    """Runs of lines with their start offset: split at blank lines and rules, a heading alone, and a
    numbered paragraph or a footnote opening a new run even without a blank line before it."""
    blocks: list[tuple[str, int]] = []
    current, current_start, position = "", 0, 0
    for line in source.splitlines(keepends=True):
        stripped = line.strip()
        starts_block = not stripped or _RULE.match(stripped) or _HEADING.match(stripped) \
            or _NUMBERED.match(stripped) or _FOOTNOTE.match(stripped)
        if starts_block and current:
            blocks.append((current, current_start))
            current = ""
        if _HEADING.match(stripped):
            blocks.append((line, position))
        elif stripped and not _RULE.match(stripped):
            current, current_start = (current + line, current_start) if current else (line, position)
        position += len(line)
    if current:
        blocks.append((current, current_start))
    return blocks


def _clean(raw: str, start: int) -> Block:
    """A block from raw lines: prefix (``#``, ``12.``, ``*``) read, Markdown marks dropped, spaces collapsed."""
    lead = len(raw) - len(raw.lstrip())
    body, offset = raw[lead:], start + lead
    kind, number, level = "text", None, 0
    if match := _HEADING.match(body):
        kind, level = "heading", len(match.group(1))
    elif match := _NUMBERED.match(body):
        kind, number = "numbered", int(match.group(1))
    elif _FOOTNOTE.match(body):
        kind = "footnote"  # the marker is part of the printed text
    if match:
        body, offset = body[match.end():], offset + match.end()
    if kind == "text" and body.strip().startswith("**") and body.strip().endswith("**"):
        kind = "heading"
    keep = _kept_characters(body)
    text, offsets = _collapse(body, keep, offset)
    return Block(kind, text, offsets, number, level)


def collapse_whitespace(raw: str) -> tuple[str, tuple[int, ...]]:
    """``raw`` with every whitespace run one space and the ends stripped, and each kept character's
    offset in ``raw``: how a first page's masthead, in whatever layout, becomes one passage."""
    return _collapse(raw, [True] * len(raw), 0)


def _kept_characters(body: str) -> list[bool]:
    """Which characters of ``body`` are text rather than Markdown marks."""
    keep = [True] * len(body)
    for match in _DROPPED.finditer(body):
        for index in range(match.start(), match.end()):
            keep[index] = False
    return keep


def _collapse(body: str, keep: list[bool], offset: int) -> tuple[str, tuple[int, ...]]:
    """The kept characters with every whitespace run turned into one space, ends stripped."""
    chars: list[str] = []
    offsets: list[int] = []
    for index, char in enumerate(body):
        if not keep[index]:
            continue
        if char.isspace():
            if chars and chars[-1] != " ":
                chars.append(" ")
                offsets.append(offset + index)
            continue
        chars.append(char)
        offsets.append(offset + index)
    while chars and chars[-1] == " ":
        chars.pop()
        offsets.pop()
    return "".join(chars), tuple(offsets)


def _rejoin(blocks: list[Block]) -> list[Block]:
    """Numbered paragraphs cut by a page break (footnotes between) joined with their continuation."""
    result: list[Block] = []
    pending_notes: list[Block] = []
    for block in blocks:
        open_paragraph = next((b for b in reversed(result) if b.kind != "footnote"), None)
        if block.kind == "footnote" and open_paragraph is not None and _is_open(open_paragraph):
            pending_notes.append(block)
            continue
        if block.kind == "text" and open_paragraph is not None and _is_open(open_paragraph):
            result[result.index(open_paragraph)] = _joined(open_paragraph, block)
            result.extend(pending_notes)
            pending_notes = []
            continue
        result.extend(pending_notes)
        pending_notes = []
        result.append(block)
    return result + pending_notes


def _is_open(block: Block) -> bool:
    return block.kind == "numbered" and not block.text.endswith(_TERMINAL)


def _joined(first: Block, rest: Block) -> Block:
    return Block(first.kind, f"{first.text} {rest.text}", (*first.offsets, first.offsets[-1] + 1, *rest.offsets),
                 first.number, first.level)
