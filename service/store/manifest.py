"""What a built store records about itself, so that serving never has to scan it to describe it."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

MANIFEST_NAME = "manifest.json"
ENGINE_DIR = "oxigraph"
STORE_FORMAT = 2
"""Bumped when what a built store holds changes; 2: the default graph holds the deduplicated union."""


@dataclass
class Manifest:
    """The base IRI a store was built for, what it was built from, and its graphs' sizes.

    ``graph_sizes`` counts what the inputs stated, graph by graph ('' for triples stated in the default
    graph and in no named graph); ``triples`` counts the distinct triples of their union, the default
    graph that queries see. A triple stated in two documents is in two graphs but is one triple.
    """

    base_iri: str
    inputs_key: str
    built_at: str
    graph_sizes: dict[str, int] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)
    triples: int = 0
    store_format: int = 1

    @property
    def quads(self) -> int:
        """Quads in the built store: every named graph's, plus the merged default graph's triples."""
        return self.triples + sum(size for graph, size in self.graph_sizes.items() if graph)

    @property
    def current(self) -> bool:
        """Whether this version of untoc-kg can serve the store as built."""
        return self.store_format == STORE_FORMAT

    def write(self, store_dir: Path) -> None:
        (store_dir / MANIFEST_NAME).write_text(json.dumps(asdict(self), indent=2, sort_keys=True))

    @classmethod
    def read(cls, store_dir: Path) -> "Manifest | None":
        path = store_dir / MANIFEST_NAME
        if not path.is_file():
            return None
        return cls(**json.loads(path.read_text()))
