"""Full dumps of the store, gzip-compressed, written once per store beside it.

A store never changes once built, so its dumps are made at the first request that needs them and
kept under ``{store_dir}/dumps/`` with a JSON list of their sizes and SHA-256 checksums. Workers of
one server share them: a file lock lets one process write while the others wait, and every file is
renamed into place only when complete. Gzip headers carry no time stamp, so a rebuilt dump of the
same data has the same checksum.
"""

from __future__ import annotations

import fcntl
import gzip
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import pyoxigraph as ox

from ..store import Store

DUMPS_DIR = "dumps"
LIST_NAME = "dumps.json"
STEM = "untoc-kg"
PREFIXES = {"rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
            "xsd": "http://www.w3.org/2001/XMLSchema#", "owl": "http://www.w3.org/2002/07/owl#",
            "prov": "http://www.w3.org/ns/prov#", "sh": "http://www.w3.org/ns/shacl#"}


@dataclass(frozen=True)
class DumpFormat:
    extension: str
    media_type: str
    rdf_format: ox.RdfFormat
    quads: bool

    @property
    def name(self) -> str:
        return f"{STEM}.{self.extension}.gz"


DUMP_FORMATS = (
    DumpFormat("ttl", "text/turtle", ox.RdfFormat.TURTLE, False),
    DumpFormat("nt", "application/n-triples", ox.RdfFormat.N_TRIPLES, False),
    DumpFormat("trig", "application/trig", ox.RdfFormat.TRIG, True),
    DumpFormat("nq", "application/n-quads", ox.RdfFormat.N_QUADS, True),
)


@dataclass(frozen=True)
class Dump:
    """One written dump: what it holds and how to check it."""

    name: str
    media_type: str
    bytes: int
    sha256: str
    statements: int


def dumps_dir(store_dir: Path) -> Path:
    return store_dir / DUMPS_DIR


def ensure_dumps(store: Store, store_dir: Path, base: str) -> list[Dump]:
    """The store's dumps, written now if this store has none yet."""
    folder = dumps_dir(store_dir)
    listing = folder / LIST_NAME
    if listing.is_file():
        return _read(listing)
    folder.mkdir(exist_ok=True)
    with (folder / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if listing.is_file():
            return _read(listing)
        dumps = [_write(store, folder, fmt, base) for fmt in DUMP_FORMATS]
        temporary = listing.with_suffix(".tmp")
        temporary.write_text(json.dumps([asdict(d) for d in dumps], indent=2))
        os.replace(temporary, listing)
    return dumps


def _read(listing: Path) -> list[Dump]:
    return [Dump(**item) for item in json.loads(listing.read_text())]


def _statements(store: Store, quads: bool) -> Iterator[ox.Quad] | Iterator[ox.Triple]:
    """Every quad, or every distinct triple of the union graph (Turtle and N-Triples hold no graphs)."""
    if quads:
        return store.quads()
    return iter(store.query("CONSTRUCT { ?s ?p ?o } WHERE { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }"))


def _counted(items: Iterator, counter: list[int]) -> Iterator:
    """``items`` streamed through, counting them in ``counter[0]``."""
    for item in items:
        counter[0] += 1
        yield item


def _write(store: Store, folder: Path, fmt: DumpFormat, base: str) -> Dump:
    counter = [0]
    statements = _counted(_statements(store, fmt.quads), counter)
    path = folder / fmt.name
    temporary = path.with_suffix(".partial")
    prefixes = {"untoc": base + "ontology#", "id": base + "id/", **PREFIXES} if fmt.extension in ("ttl", "trig") else None
    with temporary.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as stream:
        ox.serialize(statements, stream, fmt.rdf_format, prefixes=prefixes)
    digest = hashlib.sha256(temporary.read_bytes()).hexdigest()
    os.replace(temporary, path)
    return Dump(fmt.name, fmt.media_type, path.stat().st_size, digest, counter[0])
