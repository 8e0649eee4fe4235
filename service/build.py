"""Building the embedded store: validate, load into a fresh directory, then swap it in.

A graph that fails validation is never loaded, and the store in place stays as it was.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from .namespaces import CANONICAL_BASE, rebase
from .project import Project, SourceFile
from .store.manifest import ENGINE_DIR, STORE_FORMAT, Manifest
from .store.oxigraph import ONLY_IN_THE_DEFAULT_GRAPH
from .consistency import Contradiction, contradictions, load
from .validation import FileReport, validate_files

Progress = Callable[[str], None]


@dataclass(frozen=True)
class BuildInputs:
    """Everything a store is built from: the project's files (optional) and extra RDF files."""

    base_iri: str
    project: Project | None = Project()
    extra_files: tuple[Path, ...] = ()
    graph_files: tuple[tuple[str, Path], ...] = field(default_factory=tuple)

    def key(self) -> str:
        """A digest naming this combination of inputs: equal inputs share one built store."""
        digest = hashlib.sha256(f"{STORE_FORMAT}\0{self.base_iri}".encode())
        if self.project is not None:
            digest.update(self.project.fingerprint().encode())
        for path in self.extra_files:
            digest.update(b"data\0" + str(path.resolve()).encode() + b"\0" + path.read_bytes())
        for graph, path in self.graph_files:
            digest.update(b"graph\0" + graph.encode() + b"\0" + path.read_bytes())
        return digest.hexdigest()[:16]


class ValidationFailed(Exception):
    """The project's data violates the shapes, or its documents contradict each other; the reports
    and the contradictions say where."""

    def __init__(self, reports: list[FileReport], contradictions: list[Contradiction]) -> None:
        failed = sum(not r.conforms for r in reports)
        super().__init__(f"{failed} data file(s) violate the shapes" if failed else
                         f"{len(contradictions)} contradiction(s) between data files")
        self.reports = reports
        self.contradictions = contradictions


def state_dir(project: Project) -> Path:
    """Where built stores live: ``$UNTOC_KG_STATE``, else ``.untoc-kg/`` in the checkout. The graph a
    wheel carries lies among installed files, often read-only, so its stores go to the user's cache."""
    if "UNTOC_KG_STATE" in os.environ:
        return Path(os.environ["UNTOC_KG_STATE"])
    if project.packaged:
        return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "untoc-kg"
    return project.root / ".untoc-kg"


def default_store_dir(inputs: BuildInputs) -> Path:
    return state_dir(inputs.project or Project()) / "stores" / inputs.key()


def validate_project(project: Project) -> tuple[list[FileReport], list[Contradiction]]:
    """Each data file with the shapes, then the merge of them all for contradictions between them."""
    reports = validate_files(project.data_files(), project.shapes_files(), project.ontology_files())
    return reports, contradictions(load(project.data_files()))


def build(inputs: BuildInputs, store_dir: Path, progress: Progress = lambda _: None, *, validate: bool = True) -> Manifest:
    """Validate the project's data, then load every input into ``store_dir``, replacing it atomically."""
    _refuse_foreign(store_dir)
    if validate:
        _validate_gate(inputs, progress)
    store_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = store_dir.with_name(f"{store_dir.name}.building-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        manifest = _load(inputs, staging, progress)
        _swap(staging, store_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return manifest


def _validate_gate(inputs: BuildInputs, progress: Progress) -> None:
    """Raise ``ValidationFailed`` before anything is written if a data file violates the shapes."""
    if inputs.project is None:
        return
    started = time.perf_counter()
    reports, found = validate_project(inputs.project)
    if found or not all(report.conforms for report in reports):
        raise ValidationFailed(reports, found)
    progress(f"validated {len(reports)} data file(s) and their merge in {time.perf_counter() - started:.1f} s")


def build_remote(inputs: BuildInputs, endpoint: str, graph_store: str, auth: tuple[str, str] | None,
                 progress: Progress = lambda _: None, *, validate: bool = True) -> Manifest:
    """Validate, then load every input into a SPARQL server, each source graph into its named graph.

    Graphs are rebased to the served base like the embedded build. The graphs a previous build loaded
    for the same base and this one does not are removed, and a manifest graph on the server records
    what is served (see ``untoc_kg.store.graphstore``). A server cannot swap atomically: a failure half-way
    leaves the previous manifest in place, so the previous graph list is still what is served.
    """
    from .store.graphstore import GraphStore, load_graphs, load_merge, write_manifest
    from .store.remote import RemoteStore

    if validate:
        _validate_gate(inputs, progress)
    with RemoteStore.open(endpoint, inputs.base_iri) as before:
        previous = set(before.remote_manifest.graphs) if before.remote_manifest.inputs_key else set()
    writer = GraphStore(graph_store, auth)
    loaded: dict[str, int] = {}
    started = time.perf_counter()
    try:
        for graph, count in load_graphs(writer, _input_quads(inputs), inputs.base_iri):
            loaded[graph] = loaded.get(graph, 0) + count
            if len(loaded) % 100 == 0:
                progress(f"loaded {sum(loaded.values()):>11,} triples in {len(loaded):,} graphs "
                         f"({sum(loaded.values()) / (time.perf_counter() - started):,.0f} triples/s)")
        merge_started = time.perf_counter()
        sent = load_merge(writer, _input_quads(inputs), inputs.base_iri)
        progress(f"merged every graph into the served default graph: {sent:,} triples sent "
                 f"in {time.perf_counter() - merge_started:.1f} s")
        for stale in sorted(previous - set(loaded)):
            writer.delete(stale)
        built_at = datetime.now(UTC).isoformat(timespec="seconds")
        write_manifest(writer, inputs.base_iri, loaded, built_at, inputs.key())
    finally:
        writer.close()
    with RemoteStore.open(endpoint, inputs.base_iri) as after:
        return after.manifest()


def _input_quads(inputs: BuildInputs) -> Iterator[ox.Quad]:
    """Every input quad, rebased like the embedded build; ``--graph`` files go to their graph."""
    if inputs.project is not None:
        for source in inputs.project.sources():
            yield from _rebased_quads(source, inputs.base_iri)
    for path in inputs.extra_files:
        yield from _parsed(path, None)
    for graph, path in inputs.graph_files:
        yield from _parsed(path, ox.NamedNode(graph))


def _parsed(path: Path, graph: ox.NamedNode | None) -> Iterator[ox.Quad]:
    fmt = ox.RdfFormat.from_extension(path.suffix[1:])
    if fmt is None:
        raise ValueError(f"{path}: unknown RDF file extension {path.suffix!r}")
    try:
        for quad in ox.parse(path=str(path), format=fmt):
            yield quad if graph is None else ox.Quad(quad.subject, quad.predicate, quad.object, graph)
    except SyntaxError as error:
        raise ValueError(f"{path}: {error}") from error


def _load(inputs: BuildInputs, staging: Path, progress: Progress) -> Manifest:
    staging.mkdir(parents=True)
    engine = ox.Store(str(staging / ENGINE_DIR))
    sources: list[str] = []
    if inputs.project is not None:
        for source in inputs.project.sources():
            before, started = len(engine), time.perf_counter()
            engine.bulk_extend(_rebased_quads(source, inputs.base_iri))
            progress(_loaded_line(len(engine) - before, source.path.name, started))
            sources.append(str(source.path))
    for path in inputs.extra_files:
        _bulk_load(engine, path, None, progress)
        sources.append(str(path))
    for graph, path in inputs.graph_files:
        _bulk_load(engine, path, ox.NamedNode(graph), progress)
        sources.append(f"{graph}={path}")
    engine.flush()
    stated_in_default = _default_graph_size(engine)
    _merge_into_default_graph(inputs, engine, staging, progress)
    engine.optimize()
    manifest = Manifest(
        base_iri=inputs.base_iri,
        inputs_key=inputs.key(),
        built_at=datetime.now(UTC).isoformat(timespec="seconds"),
        graph_sizes=_graph_sizes(engine, stated_in_default),
        sources=sources,
        triples=_default_graph_size(engine),
        store_format=STORE_FORMAT,
    )
    del engine
    manifest.write(staging)
    return manifest


def _rebased_quads(source: SourceFile, base_iri: str) -> Iterator[ox.Quad]:
    """The file's quads with canonical IRIs moved to ``base_iri``; ontology and shapes get their own graph."""
    graph = ox.NamedNode(base_iri + source.graph_path) if source.graph_path else None
    with source.path.open("rb") as stream:
        for quad in ox.parse(stream, format=ox.RdfFormat.from_extension(source.path.suffix[1:])):
            yield ox.Quad(
                _rebase_term(quad.subject, base_iri),
                _rebase_term(quad.predicate, base_iri),
                _rebase_term(quad.object, base_iri),
                graph or _rebase_term(quad.graph_name, base_iri),
            )


def _rebase_term(term, base_iri: str):
    if isinstance(term, ox.NamedNode):
        return ox.NamedNode(rebase(term.value, CANONICAL_BASE, base_iri))
    if isinstance(term, ox.Literal) and term.datatype.value.startswith(CANONICAL_BASE):
        return ox.Literal(term.value, datatype=_rebase_term(term.datatype, base_iri))
    return term


def _bulk_load(engine: ox.Store, path: Path, graph: ox.NamedNode | None, progress: Progress) -> None:
    fmt = ox.RdfFormat.from_extension(path.suffix[1:])
    if fmt is None:
        raise ValueError(f"{path}: unknown RDF file extension {path.suffix!r}")
    before, started = len(engine), time.perf_counter()
    options = {"to_graph": graph} if graph is not None and not fmt.supports_datasets else {}
    try:
        engine.bulk_load(path=str(path), format=fmt, **options)
    except SyntaxError as error:
        raise ValueError(f"{path}: {error}") from error
    progress(_loaded_line(len(engine) - before, path.name, started))


def _loaded_line(triples: int, name: str, started: float) -> str:
    """One progress line per loaded file, with its loading rate."""
    seconds = time.perf_counter() - started
    return f"loaded {triples:>11,} triples from {name} in {seconds:.1f} s ({triples / max(seconds, 1e-9):,.0f} triples/s)"


def _merge_into_default_graph(inputs: BuildInputs, engine: ox.Store, staging: Path, progress: Progress) -> None:
    """Write the RDF merge of every input graph into the default graph, which queries without a dataset see.

    Oxigraph's own union default graph is a bag: a triple that two documents state comes back twice,
    so counts are inflated and joins through nodes that many documents restate multiply. A graph is a
    set, so the default graph loaded with every input triple is the merge SPARQL means. The inputs'
    triples go through a file so that Oxigraph's bulk loader, not Python, writes them; reading them
    back out of the store instead (a CONSTRUCT over every graph) takes several times longer.
    """
    started = time.perf_counter()
    merged = staging / "merged.nt"
    with merged.open("wb") as stream:
        ox.serialize((quad.triple for quad in _input_quads(inputs)), stream, ox.RdfFormat.N_TRIPLES)
    engine.bulk_load(path=str(merged), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph(), lenient=True)
    merged.unlink()
    progress(f"merged every graph into the default graph: {_default_graph_size(engine):,} distinct triples "
             f"in {time.perf_counter() - started:.1f} s")


def _default_graph_size(engine: ox.Store) -> int:
    return int(next(iter(engine.query("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")))["n"].value)


def _graph_sizes(engine: ox.Store, stated_in_default: int) -> dict[str, int]:
    """Each named graph's size, and '' for the triples stated in the default graph and no named graph."""
    sizes: dict[str, int] = {}
    for result in engine.query("SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"):
        sizes[result["g"].value] = int(result["n"].value)
    if stated_in_default:
        only_default = next(iter(engine.query(f"SELECT (COUNT(*) AS ?n) {ONLY_IN_THE_DEFAULT_GRAPH}")))
        sizes[""] = int(only_default["n"].value)
    return sizes


def _refuse_foreign(store_dir: Path) -> None:
    """A build replaces its store folder whole: never a folder that is not a store it built (someone's
    files), only an empty or missing one, or one with a manifest."""
    if store_dir.is_file():
        raise ValueError(f"--store {store_dir}: not a folder")
    if store_dir.is_dir() and any(store_dir.iterdir()) and Manifest.read(store_dir) is None:
        raise ValueError(f"--store {store_dir}: the folder holds no store built by untoc-kg "
                         "(give a new or empty folder, or one made by untoc-kg build --store)")


def _swap(staging: Path, store_dir: Path) -> None:
    retired = store_dir.with_name(f"{store_dir.name}.retired-{os.getpid()}")
    if store_dir.exists():
        store_dir.rename(retired)
    staging.rename(store_dir)
    shutil.rmtree(retired, ignore_errors=True)


def print_progress(line: str) -> None:
    print(line, file=sys.stderr, flush=True)
