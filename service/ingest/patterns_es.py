"""How UN Spanish says what the extractor looks for."""

from __future__ import annotations

import re

from .patterns import Patterns, compile_all

PATTERNS = Patterns(
    lang="es",
    distributions={"general": "general", "limitada": "limited", "restringida": "restricted"},
    session_noun=r"período\s+de\s+sesiones",
    mandate_kinds={"decisión": "decision", "resolución": "resolution"},
    characteristics=(
        (re.compile(r"\bprovisional\b", re.I), "interim"),
        (re.compile(r"\bintergubernamental\b", re.I), "intergovernmental"),
        (re.compile(r"\bde\s+composición\s+abierta\b", re.I), "openEnded"),
        (re.compile(r"\bexpertos\s+gubernamentales\b", re.I), "governmentExperts"),
        (re.compile(r"\bcomo\s+elemento\s+constante\b", re.I), "standing"),
    ),
    meeting_noun=r"reunión",
    **compile_all(
        distribution=r"\bDistr\.\s*:?\s*(?P<value>general|limitada|restringida)\b",
        original=r"\bOriginal\s*:\s*(?P<value>\w+)",
        session_heading=r"^(?P<ordinal>\S+(?:\s\S+)?)\s+período\s+de\s+sesiones$",
        agenda=r"^Temas?\s+(?P<items>\d+(?:\s*(?:,|y)\s*\d+)*)\s+del\s+programa\s+provisional\b",
        item_separator=r"\s*(?:,|\by\b)\s*",
        note_kind=r"^Nota\s+de\s+la\s+Secretaría$",
        section=r"^Informes?\s+sobre\s+las?\s+(?:\S+\s+)?reuni(?:ones|ón)\s+del?\s",
        mandate=r"\b(?P<kind>decisión|resolución)\s+(?P<number>\d+/\d+)",
        mandate_title=r"^(?:\s+de\s+la\s+Conferencia(?:\s+de\s+las\s+Partes)?"
                      r"(?:\s+en\s+la\s+Convención\b.*?\bProtocolos)?)?,\s+"
                      r"(?:relativa\s+a(?:l\s+|\s+(?:la|las|el|los)\s+|\s+)|sobre\s+(?:(?:la|las|el|los)\s+)?)"
                      r"(?P<title>.+?),\s+(?:se\s+estableció|la\s+Conferencia)\b",
        establish=r"\b(?:se\s+)?estableció\b",
        group_clause=r"\bun\s+grupo\s+de\s+trabajo\b.*?(?=\s+para\s+que\b|\.(?:\s|$))",
        purpose=r"\bpara\s+que\s+asesorara\b.*?(?=\.(?:\s|$))",
        supplements=r",?\s*que\s+complementa\s+la\s+",
        decided=r"\bdecidió\b",
        standing=r"\belemento\s+constante\b",
        reports_to=r"\bpresentara\s+sus\s+informes\b",
        encourage=r"\balentó\b",
        reaffirm=r"\bse\s+(?:\w+\s+)?reafirmó\b|\bfue\s+reafirmada\b|\bha\s+(?:\w+\s+)?reafirmado\b",
        anaphor=r"\b[Ee](?:sa|sta)\s+(?:decisión|resolución)\b|\b[Dd]icha\s+(?:decisión|resolución)\b",
        report_subject=r"\binformes?\s+sobre\s+(?:esas|esta|dichas|las)\s+reuni",
        report_title=r"^Informe\s+sobre\s+la\s+(?:\S+\s+)?reunión\s+del\s",
        respectively=r"\brespectivamente\b",
        submitted=r"\bse\s+(?:presentar|someter)(?:á|án)\s+a\s+(?:la\s+consideración\s+de\s+)?la\s+Conferencia\b",
        pursuant=r"\b(?:Conforme\s+a|De\s+conformidad\s+con|En\s+virtud\s+de)\s+la\s+$",
        subsidiary=r"\bórganos\s+subsidiarios\s+de\s+la\s+Conferencia\b",
    ),
)
