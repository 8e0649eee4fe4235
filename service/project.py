"""The project's source files: which file holds what, and the named graph each one goes to.

Layout (documented in docs/model.md):

- ``ontology/*.ttl`` → graph ``{base}ontology``
- ``shapes/*.ttl`` → graph ``{base}shapes``
- ``data/*.trig`` → the named graphs the file declares (one per source document)
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent
PACKAGED_GRAPH = PACKAGE_ROOT / "graph"
"""Where a wheel carries ontology/, shapes/, data/ and queries/ (pyproject.toml maps them there); a
checkout, editable install included, has no such folder: its own files are the graph."""
DEFAULT_PROJECT_DIR = PACKAGED_GRAPH if PACKAGED_GRAPH.is_dir() else PACKAGE_ROOT.parent


@dataclass(frozen=True)
class SourceFile:
    """One RDF file of the project and the graph its triples belong to (None: the file's own graphs)."""

    path: Path
    graph_path: str | None

    @property
    def is_dataset(self) -> bool:
        return self.path.suffix in (".trig", ".nq")


@dataclass(frozen=True)
class Project:
    """The folders that hold the graph: a checkout's, or the copy an installed wheel carries."""

    root: Path = DEFAULT_PROJECT_DIR

    @property
    def packaged(self) -> bool:
        return self.root == PACKAGED_GRAPH

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def shapes_dir(self) -> Path:
        return self.root / "shapes"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"

    def ontology_files(self) -> list[Path]:
        return sorted(self.ontology_dir.glob("*.ttl"))

    def shapes_files(self) -> list[Path]:
        return sorted(self.shapes_dir.glob("*.ttl"))

    def data_files(self) -> list[Path]:
        return sorted(self.data_dir.glob("*.trig"))

    def missing(self) -> list[str]:
        """The graph's folders that hold no file: without them a store would be built empty, and served silently."""
        found = {"ontology": self.ontology_files(), "shapes": self.shapes_files(), "data": self.data_files()}
        return [f"{name}/" for name, files in found.items() if not files]

    def sources(self) -> list[SourceFile]:
        """Every file that the store is built from, in load order."""
        return [
            *(SourceFile(p, "ontology") for p in self.ontology_files()),
            *(SourceFile(p, "shapes") for p in self.shapes_files()),
            *(SourceFile(p, None) for p in self.data_files()),
        ]

    def fingerprint(self) -> str:
        """A digest of every source file's name and bytes: a store built from other bytes is stale."""
        digest = hashlib.sha256()
        for source in self.sources():
            digest.update(source.path.name.encode())
            digest.update(source.path.read_bytes())
        return digest.hexdigest()
