"""Running one query and writing its answer: the code every /sparql request goes through.

It runs inside a query worker process (see ``workers``) and writes *frames* to a sink: a head
naming the chosen format, data chunks as the engine serializes them (so a million rows never sit
in memory), then an end mark carrying the last bytes, or an error with the HTTP status that fits
it. An answer smaller than one chunk is therefore a head and an end: the server sends it whole,
with its length, instead of streaming it. The W3C conformance tests call ``run`` directly with an
in-memory sink, so they test exactly this code.
"""

from __future__ import annotations

import io
import json
from dataclasses import asdict, dataclass, field
from typing import Protocol

import pyoxigraph as ox

from ..store import Dataset, Store, StoreError
from .formats import NotAcceptable, ResultFormat, choose

CHUNK_BYTES = 64 * 1024


@dataclass(frozen=True)
class Job:
    """One query with everything needed to answer it; travels to a worker as one JSON line."""

    query: str
    default_graphs: tuple[str, ...] = field(default_factory=tuple)
    named_graphs: tuple[str, ...] = field(default_factory=tuple)
    accept: str | None = None
    format: str | None = None

    @property
    def dataset(self) -> Dataset:
        return Dataset(tuple(self.default_graphs), tuple(self.named_graphs))

    def to_line(self) -> bytes:
        return json.dumps(asdict(self)).encode() + b"\n"

    @classmethod
    def from_line(cls, line: bytes) -> "Job":
        values = json.loads(line)
        values["default_graphs"] = tuple(values["default_graphs"])
        values["named_graphs"] = tuple(values["named_graphs"])
        return cls(**values)


class Sink(Protocol):
    """Where an answer goes: a pipe to the server process, or memory in the tests."""

    def head(self, result_format: ResultFormat) -> None: ...
    def data(self, chunk: bytes) -> None: ...
    def error(self, status: int, message: str) -> None: ...
    def end(self, last: bytes) -> None: ...


class _ChunkWriter(io.RawIOBase):
    """A file object for pyoxigraph's serializers that hands ``CHUNK_BYTES`` pieces to a sink."""

    def __init__(self, sink: Sink) -> None:
        super().__init__()
        self.sink = sink
        self.buffer = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:  # type: ignore[override]
        self.buffer += data
        if len(self.buffer) >= CHUNK_BYTES:
            self.flush_chunk()
        return len(data)

    def flush_chunk(self) -> None:
        if self.buffer:
            self.sink.data(self.rest())

    def rest(self) -> bytes:
        """What is buffered and not yet handed on, taken out of the buffer."""
        taken = bytes(self.buffer)
        self.buffer.clear()
        return taken


def form_of(results: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples) -> str:
    """The query form that produced ``results`` (what the result formats depend on)."""
    if isinstance(results, ox.QueryTriples):
        return "CONSTRUCT"
    return "ASK" if isinstance(results, ox.QueryBoolean) else "SELECT"


def run(store: Store, job: Job, sink: Sink) -> None:
    """Evaluate ``job`` on ``store`` and write the answer to ``sink``; every failure becomes an error frame."""
    try:
        results = store.query(job.query, job.dataset or None)
    except SyntaxError as error:
        sink.error(400, f"syntax error: {error}")
        return
    except StoreError as error:
        sink.error(500, f"the store failed: {error}")
        return
    except RuntimeError as error:  # valid SPARQL the engine cannot run, e.g. an unknown extension function
        sink.error(501, f"the engine cannot evaluate this query: {error}")
        return
    try:
        result_format = choose(form_of(results), job.accept, job.format)
    except NotAcceptable as error:
        sink.error(406, str(error))
        return
    sink.head(result_format)
    writer = _ChunkWriter(sink)
    try:
        results.serialize(writer, format=result_format.engine_format())
    except (OSError, ValueError, RuntimeError) as error:
        sink.error(500, f"evaluation failed: {error}")
        return
    sink.end(writer.rest())
