"""The ``untoc-kg`` command: argument parsing, then one call into the room that does the work."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .build import (BuildInputs, ValidationFailed, build, build_remote, default_store_dir, print_progress, state_dir,
                    validate_project)
from .config import SETTINGS_VARIABLE, Settings
from .namespaces import default_base_iri
from .project import Project
from .store import StoreError
from .store.manifest import Manifest
from .store.memory import MODES, copies, decide, default_budget_mb
from .consistency import contradictions, load
from .validation import REPORT_FORMATS, Verdict, validate_files

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
AUTH_VARIABLE = "UNTOC_KG_ENDPOINT_AUTH"
HEAD_HARD_CAP_FACTOR = 4
"""uvicorn drops (400) a request whose head exceeds this many times ``max_header_bytes``, before
the limits middleware could name the limit with a 431; between the two, the 431 answers."""


class UsageError(Exception):
    """Bad input from the command line: reported in one line, exit status 2."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except (UsageError, StoreError, ValueError, OSError, SyntaxError) as error:  # SyntaxError: pyoxigraph's parsers
        print(f"untoc-kg {args.command}: {error}", file=sys.stderr)
        return 2
    except ValidationFailed as failure:
        for report in failure.reports:
            if not report.conforms:
                print(f"--- {report.path}\n{report.text}", file=sys.stderr)
        for contradiction in failure.contradictions:
            print(f"contradiction: {contradiction.describe()}", file=sys.stderr)
        print(f"untoc-kg {args.command}: {failure}; nothing was loaded", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="untoc-kg", description=__doc__)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--project", type=Path, default=Project().root, help=PROJECT_HELP)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="serve the SPARQL endpoint and Linked Data views")
    serve.add_argument("--host", default=DEFAULT_HOST)
    serve.add_argument("--port", type=int, default=DEFAULT_PORT)
    _add_store_options(serve)
    serve.add_argument("--workers", type=int, default=1, help="HTTP worker processes over the same store")
    serve.add_argument("--query-workers", type=int, default=2, help="processes per HTTP worker that run queries")
    serve.add_argument("--query-timeout", type=float, default=30.0, help="seconds before a query is stopped")
    serve.add_argument("--allow-service", action="append", default=[], metavar="IRI", help="an IRI that SERVICE may call")
    serve.add_argument("--no-access-log", action="store_true",
                       help="log no line per request (a busy endpoint spends some 5%% of its CPU on them)")
    _add_limit_options(serve)
    serve.add_argument("--in-memory", default="auto", metavar="{auto,always,never}",
                       help="copy the store into the memory of each process that queries it (most queries run faster, "
                            "docs/sparql.md; each process holds a copy); auto: when every copy fits --memory-budget-mb "
                            "and one leaves half of --worker-memory-mb for queries (default auto)")
    serve.add_argument("--memory-budget-mb", metavar="N",
                       help="memory that all in-memory copies may take together, in MiB "
                            "(default: half of the memory available at start)")
    serve.add_argument("--endpoint", metavar="URL", help="serve a SPARQL 1.1 server's data instead of the embedded store")
    serve.set_defaults(run=_serve)

    build_cmd = commands.add_parser("build", help="validate the data and load it into the embedded store")
    _add_store_options(build_cmd)
    build_cmd.add_argument("--endpoint", metavar="URL", help="load a SPARQL 1.1 server (its query endpoint) instead")
    build_cmd.add_argument("--graph-store", metavar="URL", help="its Graph Store Protocol endpoint "
                           "(default: Virtuoso's ENDPOINT-graph-crud-auth)")
    build_cmd.add_argument("--auth", metavar="USER:PASSWORD", default=os.environ.get(AUTH_VARIABLE),
                           help=f"credentials for the Graph Store endpoint (default: ${AUTH_VARIABLE})")
    build_cmd.set_defaults(run=_build)

    synth = commands.add_parser("synth", help="write a synthetic UN-like corpus (N-Quads) for benchmarks")
    synth.add_argument("--documents", type=int, required=True, help="number of source documents (one graph each)")
    synth.add_argument("--out", type=Path, required=True, help="output N-Quads file (.nq)")
    synth.add_argument("--base-iri", default=None, help="write IRIs under this base (default: the canonical base)")
    synth.add_argument("--seed", type=int, default=1, help="random seed: equal seeds give equal files")
    synth.set_defaults(run=_synth)

    validate = commands.add_parser("validate", help="check data files against the SHACL shapes")
    validate.add_argument("paths", nargs="*", type=Path, help="data files (default: every file in data/)")
    validate.add_argument("--format", choices=REPORT_FORMATS, default="text",
                          help="text; json (docs/validation-report.schema.json); github (workflow commands that "
                               "annotate a pull request). Exit status 0 conforms, 1 violations, 2 bad input")
    validate.add_argument("--report", type=Path, metavar="FILE", help="also write a SHACL validation report (Turtle)")
    validate.set_defaults(run=_validate)

    query = commands.add_parser("query", help="run a SPARQL query, or a queries/ file, and print a table")
    query.add_argument("query", help="query text, a .rq file, or the name of a file in queries/")
    _add_store_options(query)
    query.add_argument("--format", choices=["table", "csv", "tsv", "json"], default="table")
    query.set_defaults(run=_query)

    ingest = commands.add_parser("ingest", help="extract documents' facts into one named graph each (TriG in data/)")
    ingest.add_argument("paths", type=Path, nargs="+", metavar="PATH",
                        help="documents (PDF, text as PDF extraction gives it, or Markdown) and folders of them")
    ingest.add_argument("--lang", choices=["es", "en"], help="the documents' language (default: guessed for each)")
    ingest.add_argument("--out", type=Path, help="output TriG file, for one document (default: data/{graph name}.trig)")
    ingest.add_argument("--force", action="store_true", help="replace an existing output file")
    ingest.add_argument("--allow-conflicts", action="store_true", help="write even if facts contradict data/")
    ingest.set_defaults(run=_ingest)
    for command in commands.choices.values():
        # SUPPRESS: given after the subcommand it overrides, left out it keeps the one given before
        command.add_argument("--project", type=Path, default=argparse.SUPPRESS, help=PROJECT_HELP)
    return parser


PROJECT_HELP = ("checkout holding ontology/, shapes/, data/, queries/ (before or after the subcommand; "
                "default: the checkout this code runs from, else the graph installed with it)")


LIMIT_OPTIONS = {
    "worker_memory_mb": (int, "heap cap of each query worker in MiB (0: none)"),
    "max_body_bytes": (int, "largest request body"),
    "max_header_bytes": (int, "largest request line plus headers"),
    "max_query_length": (int, "longest SPARQL text, in characters"),
    "max_result_bytes": (int, "largest query answer: a declared larger one gets 422, a streamed one is cut"),
    "max_concurrent": (int, "requests in progress per HTTP worker before 503"),
    "client_rate": (float, "per-client budget refill, tokens/s; a request costs 1 + this per second it ran; 0: off"),
    "client_burst": (float, "per-client budget: most tokens a client may save (429 when spent)"),
    "max_slow_queries": (int, "queries past --slow-query-seconds that may run at once per HTTP worker; "
                              "one more is stopped with 503 (keep it below --query-workers)"),
    "slow_query_seconds": (float, "when a running query counts as slow"),
}
"""The limits of docs/security.md: one ``--max-body-bytes``-style flag per Settings field."""


def _add_limit_options(parser: argparse.ArgumentParser) -> None:
    defaults = Settings(store_dir=Path(), base_iri="")
    for name, (kind, text) in LIMIT_OPTIONS.items():
        default = getattr(defaults, name)
        parser.add_argument("--" + name.replace("_", "-"), type=kind, default=default, help=f"{text} (default {default})")


def _add_store_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", type=Path, help="store directory (default: one per input under .untoc-kg/)")
    parser.add_argument("--data", type=Path, action="append", default=[], metavar="FILE",
                        help="an RDF file for the default graph (TriG/N-Quads keep their graphs); repeatable")
    parser.add_argument("--graph", action="append", default=[], metavar="IRI=FILE",
                        help="an RDF file loaded into the named graph IRI; repeatable")
    parser.add_argument("--no-project-data", action="store_true", help="serve only --data and --graph files")
    parser.add_argument("--base-iri", help="base IRI the data is served under (serve: http://HOST:PORT/; "
                        "otherwise http://127.0.0.1:8000/)")


def _project(args: argparse.Namespace) -> Project:
    """The ``--project`` graph, refused in one line when a folder of it is empty, rather than served empty."""
    project = Project(args.project)
    if missing := project.missing():
        raise UsageError(f"no graph in {project.root}: no files in {', '.join(missing)} "
                         "(give --project a checkout of untoc-kg)")
    return project


def _inputs(args: argparse.Namespace, base_iri: str) -> BuildInputs:
    graph_files = []
    for spec in args.graph:
        iri, sep, path = spec.partition("=")
        if not sep or not iri or not path:
            raise UsageError(f"--graph takes IRI=FILE, not {spec!r}")
        graph_files.append((iri, Path(path)))
    for path in [*args.data, *(p for _, p in graph_files)]:
        if not path.is_file():
            raise UsageError(f"no such file: {path}")
    return BuildInputs(
        base_iri=base_iri,
        project=None if args.no_project_data else _project(args),
        extra_files=tuple(args.data),
        graph_files=tuple(graph_files),
    )


def _ensure_store(args: argparse.Namespace, base_iri: str) -> Path:
    """The store to use: ``--store`` as built, or one built for exactly these inputs."""
    if args.store is not None and (built := Manifest.read(args.store)) is not None:
        if not built.current:
            raise UsageError(f"{args.store} was built by another version of untoc-kg: run untoc-kg build --store {args.store}")
        return args.store
    inputs = _inputs(args, base_iri)
    store_dir = args.store or default_store_dir(inputs)
    if Manifest.read(store_dir) is None:
        manifest = build(inputs, store_dir, print_progress)
        print_progress(f"built {manifest.triples:,} triples into {store_dir}")
    return store_dir


def _base(args: argparse.Namespace) -> str:
    return args.base_iri or default_base_iri(DEFAULT_HOST, DEFAULT_PORT)


def _build(args: argparse.Namespace) -> int:
    inputs = _inputs(args, _base(args))
    if args.endpoint:
        return _build_remote(args, inputs)
    store_dir = args.store or default_store_dir(inputs)
    manifest = build(inputs, store_dir, print_progress)
    print(f"built {manifest.triples:,} triples in {len(manifest.graph_sizes)} graph(s) for {manifest.base_iri} into {store_dir}")
    return 0


def _build_remote(args: argparse.Namespace, inputs: BuildInputs) -> int:
    from .store.graphstore import default_graph_store

    auth = None
    if args.auth:
        user, sep, password = args.auth.partition(":")
        if not sep:
            raise UsageError("--auth takes USER:PASSWORD")
        auth = (user, password)
    graph_store = args.graph_store or default_graph_store(args.endpoint)
    manifest = build_remote(inputs, args.endpoint, graph_store, auth, print_progress)
    print(f"built {manifest.triples:,} triples in {len(manifest.graph_sizes)} graph(s) for {manifest.base_iri} "
          f"into {args.endpoint}")
    return 0


def _remote_store_dir(args: argparse.Namespace, base_iri: str) -> Path:
    """A local folder for a remote store's manifest and dumps, named by endpoint, base and build."""
    import hashlib

    from .store.remote import RemoteStore

    with RemoteStore.open(args.endpoint, base_iri, args.query_timeout) as store:
        manifest = store.manifest()
    key = hashlib.sha256(f"{args.endpoint}\0{base_iri}\0{manifest.inputs_key}\0{manifest.built_at}".encode())
    folder = args.store or state_dir(Project(args.project)) / "remote" / key.hexdigest()[:16]
    folder.mkdir(parents=True, exist_ok=True)
    manifest.write(folder)
    return folder


def _synth(args: argparse.Namespace) -> int:
    from .synth import write_corpus

    if args.documents < 1:
        raise UsageError("--documents must be at least 1")
    if args.out.suffix != ".nq":
        raise UsageError(f"--out must be an N-Quads file ending in .nq, not {args.out}")
    written = write_corpus(args.out, args.documents, args.base_iri, args.seed, print_progress)
    print(f"wrote {written:,} quads in {args.documents:,} document graph(s) to {args.out}")
    return 0


def _validate(args: argparse.Namespace) -> int:
    """Each file against the shapes, then the files together for contradictions, reported in
    ``--format``; docs/validation.md documents the formats and the exit status."""
    project = _project(args)
    if args.report is not None and args.report.is_dir():
        raise UsageError(f"--report takes a file, and {args.report} is a folder")
    if args.paths:
        for path in args.paths:
            if not path.is_file():
                raise UsageError(f"{path} is a folder: give the files in it" if path.is_dir()
                                 else f"no such file: {path}")
        reports = validate_files(list(args.paths), project.shapes_files(), project.ontology_files())
        found = contradictions(load(p for p in args.paths if p.suffix == ".trig"))
    else:
        reports, found = validate_project(project)
    verdict = Verdict.of(reports, found)
    if args.report is not None:
        verdict.shacl().serialize(args.report, format="turtle")
    if args.format == "json":
        print(json.dumps(verdict.json(), indent=2, ensure_ascii=False))
    else:
        print(verdict.github(Path.cwd()) if args.format == "github" else verdict.text())
    return 0 if verdict.conforms else 1


def _query(args: argparse.Namespace) -> int:
    from .queryfiles import resolve_query
    from .tables import print_results
    from .store.oxigraph import OxigraphStore

    text = resolve_query(args.query, Project(args.project) if args.no_project_data else _project(args))
    folder = args.store  # a file, or a folder of someone's files, is refused by the build (build.py)
    if folder is not None and folder.is_dir():
        if not os.access(folder, os.R_OK | os.X_OK):
            raise UsageError(f"--store {folder}: cannot read this folder")
        try:
            Manifest.read(folder)
        except (ValueError, TypeError) as error:
            raise UsageError(f"--store {folder}: unreadable manifest ({error}); "
                             "rebuild it with untoc-kg build") from None
    with OxigraphStore.open(_ensure_store(args, _base(args))) as store:
        try:
            results = store.query(text)
        except SyntaxError as error:
            raise UsageError(f"syntax error: {error}") from None
        print_results(results, args.format, sys.stdout)
    return 0


def _ingest(args: argparse.Namespace) -> int:
    """Each document's report (refused ones on stderr), then the summary; the exit status is the
    worst of the documents' (0 all written, 1 a document's fault, 2 what was asked cannot be done)."""
    from .ingest.report import summary
    from .ingest.run import Options, ingest

    project = Project(args.project)
    if project.packaged and args.out is None:
        raise UsageError("the installed graph is read-only: give --project a checkout of untoc-kg, or --out FILE")
    options = Options(tuple(args.paths), args.lang, args.out, args.force, args.allow_conflicts)
    reports = ingest(options, project, _progress_bar if sys.stderr.isatty() else None)
    for report in reports:
        print(report.text(), file=sys.stderr if report.status else sys.stdout)
    print(summary(reports), end="")
    return max(report.status for report in reports)


def _progress_bar(done: int, total: int, path: Path) -> None:
    """One line redrawn in place on a terminal: how far the run is, and the document being read."""
    width = 30
    filled = width * done // total
    line = f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {path.name}"
    end = "\n" if done == total else ""
    print(f"\r{line[:120]:<120}", end=end, file=sys.stderr, flush=True)


def _memory_budget_mb(args: argparse.Namespace) -> int | None:
    """``--memory-budget-mb`` (None when not given), after checking ``--in-memory``: both refused in one
    line before anything is built. Not argparse's own checks, which print the usage too."""
    if args.in_memory not in MODES:
        raise UsageError(f"--in-memory takes auto, always or never, not {args.in_memory!r}")
    budget = args.memory_budget_mb
    if budget is not None and not (budget.isascii() and budget.isdigit()):
        raise UsageError(f"--memory-budget-mb takes a whole number of MiB, not {budget!r}")
    return None if budget is None else int(budget)


def _in_memory(args: argparse.Namespace, store_dir: Path, budget_mb: int | None) -> bool:
    """``--in-memory`` resolved once, in the parent, so that every process agrees; the decision and
    why go to stderr."""
    quads = Manifest.read(store_dir).quads
    budget = default_budget_mb() if budget_mb is None else budget_mb
    decision = decide(args.in_memory, quads, copies(args.workers, args.query_workers), budget, args.worker_memory_mb)
    print(f"untoc-kg: --in-memory {decision.reason}", file=sys.stderr, flush=True)
    return decision.in_memory


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from .transport import NoDelayH11Protocol

    budget_mb = _memory_budget_mb(args)
    base_iri = args.base_iri or default_base_iri(args.host, args.port)
    store_dir = _remote_store_dir(args, base_iri) if args.endpoint else _ensure_store(args, base_iri)
    settings = Settings(
        store_dir=store_dir,
        in_memory=False if args.endpoint else _in_memory(args, store_dir, budget_mb),
        endpoint=args.endpoint,
        base_iri=base_iri,
        project_dir=args.project,
        query_timeout=args.query_timeout,
        service_allowlist=tuple(args.allow_service),
        query_workers=args.query_workers,
        **{name: getattr(args, name) for name in LIMIT_OPTIONS},
    )
    os.environ[SETTINGS_VARIABLE] = settings.to_env()
    uvicorn.run("untoc_kg.app:create_app", factory=True, host=args.host, port=args.port, workers=args.workers,
                http=NoDelayH11Protocol, access_log=not args.no_access_log,
                h11_max_incomplete_event_size=HEAD_HARD_CAP_FACTOR * settings.max_header_bytes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
