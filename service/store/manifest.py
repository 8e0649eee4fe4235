"""What a built store records about itself, so that serving never has to scan it to describe it."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

MANIFEST_NAME = "manifest.json"
ENGINE_DIR = "oxigraph"


@dataclass
class Manifest:
    """The base IRI a store was built for, what it was built from, and its graphs' sizes."""

    base_iri: str
    inputs_key: str
    built_at: str
    graph_sizes: dict[str, int] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)

    @property
    def triples(self) -> int:
        return sum(self.graph_sizes.values())

    def write(self, store_dir: Path) -> None:
        (store_dir / MANIFEST_NAME).write_text(json.dumps(asdict(self), indent=2, sort_keys=True))

    @classmethod
    def read(cls, store_dir: Path) -> "Manifest | None":
        path = store_dir / MANIFEST_NAME
        if not path.is_file():
            return None
        return cls(**json.loads(path.read_text()))
