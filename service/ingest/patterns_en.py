"""How UN English says what the extractor looks for."""

from __future__ import annotations

import re

from .patterns import Patterns, compile_all

PATTERNS = Patterns(
    lang="en",
    distributions={"general": "general", "limited": "limited", "restricted": "restricted"},
    session_noun=r"session",
    mandate_kinds={"decision": "decision", "resolution": "resolution"},
    characteristics=(
        (re.compile(r"\binterim\b", re.I), "interim"),
        (re.compile(r"\bintergovernmental\b", re.I), "intergovernmental"),
        (re.compile(r"\bopen-ended\b", re.I), "openEnded"),
        (re.compile(r"\bgovernment\s+experts\b", re.I), "governmentExperts"),
        (re.compile(r"\bas\s+a\s+constant\s+element\b", re.I), "standing"),
    ),
    meeting_noun=r"meeting",
    **compile_all(
        distribution=r"\bDistr\.\s*:?\s*(?P<value>general|limited|restricted)\b",
        original=r"\bOriginal\s*:\s*(?P<value>\w+)",
        session_heading=r"^(?P<ordinal>\S+(?:[\s-]\S+)?)\s+session$",
        agenda=r"^Items?\s+(?P<items>\d+(?:\s*(?:,|and)\s*\d+)*)\s+of\s+the\s+provisional\s+agenda\b",
        item_separator=r"\s*(?:,|\band\b)\s*",
        note_kind=r"^Note\s+by\s+the\s+Secretariat$",
        section=r"^Reports?\s+on\s+the\s+(?:\S+\s+)?meetings?\s+of\s+the\s",
        mandate=r"\b(?P<kind>decision|resolution)\s+(?P<number>\d+/\d+)",
        mandate_title=r"^(?:\s+of\s+the\s+Conference(?:\s+of\s+the\s+Parties)?"
                      r"(?:\s+to\s+the\s+United\s+Nations\s+Convention\b.*?\bthereto)?)?,\s+"
                      r"on\s+(?:the\s+)?(?P<title>.+?),\s+(?:the\s+Conference|an?\s)",
        establish=r"\b(?:was\s+)?established\b",
        group_clause=r"\ban?\s+[\w\s-]*?working\s+group\b.*?(?=\s+to\s+advise\b|\.(?:\s|$))",
        purpose=r"\bto\s+advise\s+and\s+assist\b.*?(?=\.(?:\s|$))",
        supplements=r",?\s*supplementing\s+the\s+",
        decided=r"\bdecided\b",
        standing=r"\bconstant\s+element\b",
        reports_to=r"\bsubmit\s+its\s+reports\b",
        encourage=r"\bencouraged\b",
        reaffirm=r"\b(?:was|were|has\s+been|have\s+been)\s+(?:\w+\s+)?reaffirmed\b"
                 r"|\b(?:has\s+|have\s+)?(?:\w+ly\s+)?reaffirmed\s+(?:that|this)\s+(?:decision|resolution)\b",
        anaphor=r"\b[Tt](?:hat|his)\s+(?:decision|resolution)\b",
        report_subject=r"\breports?\s+on\s+(?:those|that|these|the)\s+meeting",
        report_title=r"^Report\s+on\s+the\s+(?:\S+\s+)?meeting\s+of\s+the\s",
        respectively=r"\brespectively\b",
        submitted=r"\bwill\s+be\s+(?:submitted\s+to|before)\s+the\s+Conference\b",
        pursuant=r"\b(?:Pursuant\s+to|In\s+accordance\s+with|In\s+line\s+with)\s+$",
        subsidiary=r"\bsubsidiary\s+bodies\s+of\s+the\s+Conference\b",
    ),
)
