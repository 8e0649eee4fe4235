"""The wording a language uses for each thing the extractor recognises, as regular expressions.

One instance per language (``patterns_es``, ``patterns_en``); the extractor never contains words of
either language, so adding a language is adding one file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SYMBOL = re.compile(r"\b[A-Z][A-Z0-9]*(?:\.[0-9]+)?(?:/[A-Za-z0-9-]+(?:\.[A-Za-z0-9]+)*)+\b")


@dataclass(frozen=True)
class Patterns:
    """Everything language-specific the extractor matches."""

    lang: str
    distribution: re.Pattern[str]  # group "value"
    distributions: dict[str, str]  # printed → "general" / "limited" / "restricted"
    original: re.Pattern[str]  # group "value": a language name
    session_noun: str  # regex of the noun an ordinal qualifies
    session_heading: re.Pattern[str]
    agenda: re.Pattern[str]  # group "items"
    item_separator: re.Pattern[str]
    note_kind: re.Pattern[str]
    section: re.Pattern[str]
    mandate: re.Pattern[str]  # groups "kind", "number"
    mandate_kinds: dict[str, str]
    mandate_title: re.Pattern[str]  # group "title", searched from the end of a mandate mention
    establish: re.Pattern[str]
    group_clause: re.Pattern[str]
    characteristics: tuple[tuple[re.Pattern[str], str], ...]
    purpose: re.Pattern[str]
    supplements: re.Pattern[str]
    decided: re.Pattern[str]
    standing: re.Pattern[str]
    reports_to: re.Pattern[str]
    encourage: re.Pattern[str]
    reaffirm: re.Pattern[str]
    anaphor: re.Pattern[str]  # "That decision"
    meeting_noun: str
    report_subject: re.Pattern[str]  # "the reports on those meetings"
    report_title: re.Pattern[str]  # a report's own title: "Report on the meeting of the ..."
    respectively: re.Pattern[str]
    submitted: re.Pattern[str]
    pursuant: re.Pattern[str]
    subsidiary: re.Pattern[str]  # "subsidiary bodies of the Conference" in a title


def compile_all(**fields: str) -> dict[str, re.Pattern[str]]:
    """Each value compiled case-insensitively; patterns are written for reading, not speed."""
    return {name: re.compile(value, re.IGNORECASE) for name, value in fields.items()}


def for_language(lang: str) -> Patterns:
    """The patterns of ``lang`` ("es" or "en")."""
    from . import patterns_en, patterns_es

    try:
        return {"es": patterns_es.PATTERNS, "en": patterns_en.PATTERNS}[lang]
    except KeyError:
        raise ValueError(f"unsupported language {lang!r}: es or en") from None
