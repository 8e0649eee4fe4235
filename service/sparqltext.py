"""The lexical side of SPARQL text, shared by the endpoint's guard and the remote store's query reader.

Both must see a query as the engine will: an IRI, a string or a comment is one token, so a keyword
or a name inside one is never mistaken for syntax.
"""

from __future__ import annotations

import re

TOKEN = re.compile(
    r"""
      (?P<space>\s+)
    | (?P<comment>\#[^\n\r]*)
    | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
    | (?P<iri><(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>)
    | (?P<var>[?$][\w\u00B7\u0300-\u036F\u203F-\u2040\u00C0-\uFFFF]+)
    | (?P<pname>(?:[A-Za-z\u00C0-\uFFFF][\w.\-\u00B7\u00C0-\uFFFF]*)?:(?:[\w:%\\\-\u00B7\u00C0-\uFFFF]|\.(?=[\w:%\\\-]))*)
    | (?P<number>(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)
    | (?P<word>[A-Za-z_][\w\-]*)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
"""One SPARQL token; the group name is its kind."""

_ESCAPE = re.compile(r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}")


def unescape(iri: str) -> str:
    """IRIs may spell characters as \\uXXXX or \\UXXXXXXXX; the engine decodes them, so must we."""
    return _ESCAPE.sub(lambda match: chr(int(match.group()[2:], 16)), iri)
