"""Content negotiation (RFC 9110 §12.5): ``Accept`` and ``Accept-Language`` to one choice.

Every route negotiates through this module, so q-values, wildcards and parameters are handled the
same way everywhere. Malformed headers never raise: a part that cannot be read is ignored, as the
RFC lets a server do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

MAX_HEADER_PARTS = 64


@dataclass(frozen=True)
class MediaRange:
    """One element of an Accept header."""

    type: str
    subtype: str
    quality: float
    params: tuple[tuple[str, str], ...]

    def specificity(self) -> int:
        return (self.type != "*") + (self.subtype != "*") + bool(self.params)

    def matches(self, media_type: str) -> bool:
        main, _, sub = media_type.partition("/")
        return self.type in ("*", main) and self.subtype in ("*", sub)


def _quality(value: str) -> float | None:
    try:
        quality = float(value)
    except ValueError:
        return None
    return quality if 0.0 <= quality <= 1.0 else None


def parse_accept(header: str | None) -> list[MediaRange]:
    """The media ranges of an Accept header; an absent or empty header accepts anything."""
    if not header or not header.strip():
        return [MediaRange("*", "*", 1.0, ())]
    ranges = []
    for part in header.split(",")[:MAX_HEADER_PARTS]:
        pieces = [piece.strip() for piece in part.split(";")]
        main, slash, sub = pieces[0].lower().partition("/")
        if not slash or not main or not sub or (main == "*" and sub != "*"):
            continue
        quality, params = 1.0, []
        for param in pieces[1:]:
            name, _, value = param.partition("=")
            name, value = name.strip().lower(), value.strip().strip('"')
            if name == "q":
                parsed = _quality(value)
                if parsed is None:
                    break
                quality = parsed
            elif name:
                params.append((name, value))
        else:
            ranges.append(MediaRange(main, sub, quality, tuple(params)))
    return ranges


def negotiate(header: str | None, offered: Sequence[str]) -> str | None:
    """The offered media type the client prefers, or None when it accepts none of them (406).

    For each offer, the most specific matching range gives its quality; ties keep the server's
    order of preference, so the first offer is the default for ``*/*``.
    """
    ranges = parse_accept(header)
    best, best_quality = None, 0.0
    for media_type in offered:
        matching = [r for r in ranges if r.matches(media_type)]
        if not matching:
            continue
        quality = max(matching, key=MediaRange.specificity).quality
        if quality > best_quality:
            best, best_quality = media_type, quality
    return best


def negotiate_language(header: str | None, offered: Sequence[str]) -> str:
    """The offered language the client prefers (RFC 4647 basic filtering); the first offer by default."""
    best, best_quality = offered[0], 0.0
    for part in (header or "").split(",")[:MAX_HEADER_PARTS]:
        tag, _, param = part.strip().partition(";")
        tag = tag.strip().lower()
        quality = 1.0
        if param.strip().lower().startswith("q="):
            quality = _quality(param.strip()[2:]) or 0.0
        for language in offered:
            if tag == "*" or language == tag or language.startswith(tag + "-") or tag.startswith(language + "-"):
                if quality > best_quality:
                    best, best_quality = language, quality
                break
    return best
