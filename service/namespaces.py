"""The IRI scheme shared by every room of the house.

The files in ``ontology/``, ``shapes/`` and ``data/`` are written with the *canonical* namespace
below. A deployment serves them under its own base IRI (``--base-iri``, by default the address it
listens on), so that every IRI found in the served data dereferences on the server that serves it:
the build rewrites canonical IRIs to the served base, and nothing else ever needs to know.
"""

from __future__ import annotations

from urllib.parse import quote

CANONICAL_BASE = "https://w3id.org/untoc-kg/"

ONTOLOGY_PATH = "ontology"
SHAPES_PATH = "shapes"


def ontology_namespace(base: str) -> str:
    """The hash namespace of the ontology's terms under ``base``."""
    return f"{base}{ONTOLOGY_PATH}#"


def shapes_namespace(base: str) -> str:
    """The hash namespace of the SHACL shapes under ``base``."""
    return f"{base}{SHAPES_PATH}#"


def rebase(iri: str, source_base: str, target_base: str) -> str:
    """``iri`` moved from one base to another; IRIs outside ``source_base`` are left alone."""
    if iri.startswith(source_base):
        return target_base + iri[len(source_base):]
    return iri


def symbol_path(symbol: str) -> str:
    """A UN document symbol as an IRI path: slashes stay path separators, anything unsafe is escaped.

    ``CTOC/COP/WG.4/2023/5`` stays readable; a symbol can therefore be read back from the path.
    """
    return quote(symbol, safe="/.-_")


def default_base_iri(host: str, port: int) -> str:
    """The base IRI a server listening on ``host:port`` serves by default.

    Wildcard addresses cannot be dereferenced, so they fall back to ``localhost``.
    """
    if host in ("0.0.0.0", "::", ""):
        host = "localhost"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}/"
