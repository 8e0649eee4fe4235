"""One command for every figure of docs/benchmarks.md: ``python -m bench.run --triples 1000000``.

Everything is measured in the same run, on the same synthetic corpus (service/synth.py), against
real server processes on loopback: our /sparql (embedded, in memory and on disk, and
on Virtuoso), two floors (a bare pyoxigraph store behind a minimal FastAPI route, over the on-disk
store and over an in-memory copy of it: the limit), rdflib-endpoint, and Virtuoso queried directly.
Each query is sent once to every target as a warm-up, then in interleaved rounds (every target per
round, in rotating order), and the median is kept. Targets are ratios, so the machine's speed and
the other load on it cancel out as far as they can.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from untoc_kg.html import STATIC_DIR
from untoc_kg.store.manifest import ENGINE_DIR
from untoc_kg.store.remote import merge_graph
from untoc_kg.synth import write_corpus

from .peers import LOADED

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
UNTOC_KG = str(Path(PY).with_name("untoc-kg"))
TRIPLES_PER_DOCUMENT = 205
STARTUP_SECONDS = 900
LIKE_PEERS = ["--client-rate", "1000000", "--client-burst", "1000000", "--max-concurrent", "1000",
              "--max-result-bytes", "200000000", "--query-timeout", "300", "--no-access-log"]
"""Serve as the peers do: without limits and without a line logged per request."""
JSON = "application/sparql-results+json"


BARE_BULK_LOAD = ("import pyoxigraph as ox, sys; s = ox.Store(sys.argv[1]); "
                  "s.bulk_load(path=sys.argv[2], format=ox.RdfFormat.N_QUADS); s.flush(); ")
BARE_MERGE = ("ox.serialize((q.triple for q in ox.parse(path=sys.argv[2], format=ox.RdfFormat.N_QUADS)), "
              "sys.argv[1] + '/merged.nt', ox.RdfFormat.N_TRIPLES); "
              "s.bulk_load(path=sys.argv[1] + '/merged.nt', format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph(), "
              "lenient=True); ")
"""Bare pyoxigraph building a store from the corpus; BARE_MERGE adds what ``untoc-kg build`` adds for a set union."""


def queries(base: str) -> dict[str, str]:
    """The query mix; IRIs under the corpus's base, ``BASE`` given so relative IRIs mean the same everywhere."""
    untoc = f"PREFIX untoc: <{base}ontology#>\n"
    report = f"<{base}id/document/CTOC/COP/WG.1/2001/4>"
    per_year = (ROOT / "queries" / "meetings-per-group-per-year.rq").read_text()
    return {
        "one-resource lookup": f"SELECT ?p ?o WHERE {{ {report} ?p ?o }}",
        "2-hop join, LIMIT 100": untoc + "SELECT ?report ?group WHERE { ?report untoc:reportOf ?m . "
                                         "?m untoc:meetingOf ?group } LIMIT 100",
        "GROUP BY count, top 10": untoc + "SELECT ?s (COUNT(?p) AS ?n) WHERE { ?p untoc:passageOf ?d . "
                                          "?d untoc:submittedTo ?s } GROUP BY ?s ORDER BY DESC(?n) LIMIT 10",
        "FILTER scan": untoc + "SELECT (COUNT(*) AS ?n) WHERE { ?p untoc:text ?t "
                               "FILTER(CONTAINS(STR(?t), \"protección de las víctimas\")) }",
        "10,000 rows (JSON)": untoc + "SELECT ?p ?t WHERE { ?p untoc:text ?t } LIMIT 10000",
        "queries/meetings-per-group-per-year.rq": f"BASE <{base}>\n" + per_year,
    }


# --- processes and memory ----------------------------------------------------------------------------

def process_tree(pid: int) -> list[int]:
    """A process and all its descendants."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(children.get(current, []))
    return tree


def _started_at(pid: int) -> int | None:
    """When process ``pid`` started (clock ticks since boot), None once it is gone."""
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19])
    except (OSError, IndexError, ValueError):
        return None


def tree_rss(pid: int) -> int:
    """Resident memory of a process and all its descendants, in bytes."""
    total = 0
    for member in process_tree(pid):
        try:
            for line in Path(f"/proc/{member}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total


def run_measured(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, int, str]:
    """Run ``cmd`` to completion: wall seconds, peak resident memory of its process tree, stdout."""
    started = time.perf_counter()
    process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT, text=True)
    peak = 0
    while process.poll() is None:
        peak = max(peak, tree_rss(process.pid))
        time.sleep(0.2)
    out, err = process.communicate()
    if process.returncode:
        raise RuntimeError(f"{' '.join(cmd)} failed ({process.returncode}): {err[-2000:]}")
    return time.perf_counter() - started, peak, out


@dataclass
class Server:
    name: str
    sparql: str
    process: subprocess.Popen | None = None
    dataset: dict[str, str] = field(default_factory=dict)
    """Protocol parameters sent with every query, so that a bare server answers from the same graph."""
    startup: float = 0.0
    """Seconds from the process's start to its first answer (the in-memory targets copy the store first)."""
    log: Path | None = None

    def stop(self) -> None:
        """Terminate the server, then kill whatever of its process tree is left (a child that holds the
        GIL, copying a store, neither handles the signal nor lets its parent exit)."""
        if self.process is None or self.process.poll() is not None:
            return
        tree = {member: _started_at(member) for member in process_tree(self.process.pid)[1:]}
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for member, started in tree.items():
            if started is not None and _started_at(member) == started:  # not a new process under a reused id
                with contextlib.suppress(ProcessLookupError):
                    os.kill(member, signal.SIGKILL)

    @property
    def rss(self) -> int:
        return tree_rss(self.process.pid) if self.process is not None else 0


def start(name: str, cmd: list[str], sparql: str, log: Path, env: dict[str, str] | None = None,
          startup_seconds: float = STARTUP_SECONDS) -> Server:
    """Start a server and wait until ``ASK {}`` answers 200; the log's last line says why it did not."""
    started = time.monotonic()
    process = subprocess.Popen(cmd, stdout=log.open("wb"), stderr=subprocess.STDOUT, cwd=ROOT, env=env)
    server = Server(name, sparql, process, log=log)
    while time.monotonic() < started + startup_seconds:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited: {log.read_text()[-2000:]}")
        try:
            if httpx.get(sparql, params={"query": "ASK {}"}, headers={"Accept": JSON}, timeout=5).status_code == 200:
                server.startup = time.monotonic() - started
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    server.stop()
    raise RuntimeError(f"{name} did not start within {startup_seconds:g} s: {log.read_text()[-2000:]}")


# --- the targets -----------------------------------------------------------------------------------------

FLOORS = {"memory": "floor in memory", "disk": "floor on disk"}
"""The bare pyoxigraph route over an in-memory copy of the built store, and over the store itself."""
LIMIT = FLOORS["memory"]
"""The floor the /sparql targets are judged against (issue 16): Oxigraph's memory store is faster on most of the mix."""
OURS = {"always": "untoc-kg in memory", "never": "untoc-kg on disk"}
"""``untoc-kg serve --in-memory MODE``, by mode."""


def serving_modes(in_memory_workers: int) -> dict[str, int]:
    """The ``--in-memory`` modes to serve with, each with its number of HTTP processes."""
    return {"always": in_memory_workers, "never": 2}


def start_ours(mode: str, workers: int, work: Path, base: str, port: int, env: dict[str, str]) -> Server:
    """``untoc-kg serve --workers N`` on the built store, in ``mode`` (all modes serve the same base)."""
    name = OURS[mode]
    return start(name, [UNTOC_KG, "serve", "--store", str(work / "store"), "--base-iri", base, "--port", str(port),
                        "--workers", str(workers), "--in-memory", mode, *LIKE_PEERS],
                 f"http://127.0.0.1:{port}/sparql", work / f"{name.replace(' ', '-')}.log", env)


def start_floor(where: str, work: Path, base: str) -> Server:
    port = _free_port()
    cmd = [PY, "-m", "bench.peers", "floor", str(work / "store" / ENGINE_DIR), base, str(port), where]
    return start(FLOORS[where], cmd, f"http://127.0.0.1:{port}/sparql", work / f"floor-{where}.log")


def floor_load(server: Server) -> tuple[int, float]:
    """Quads copied and seconds taken by the in-memory floor, from the line it logs (bench.peers.LOADED)."""
    assert server.log is not None
    for line in server.log.read_text().splitlines():
        if line.startswith(LOADED):
            loaded = json.loads(line[len(LOADED):])
            return loaded["quads"], loaded["seconds"]
    raise RuntimeError(f"{server.name} logged no {LOADED.strip()} line")


# --- timing --------------------------------------------------------------------------------------------

def timed_get(client: httpx.Client, url: str, params: dict[str, str] | None, accept: str) -> float:
    started = time.perf_counter()
    response = client.get(url, params=params, headers={"Accept": accept})
    response.read()
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}: {response.text[:300]}")
    return elapsed


def one_round(client: httpx.Client, servers: list[Server], mix: dict[str, str],
              number: int) -> dict[tuple[str, str], float]:
    """Every query of ``mix`` once to every server, the servers' order rotated by ``number``: seconds each."""
    times = {}
    for name, text in mix.items():
        order = servers[number % len(servers):] + servers[:number % len(servers)]
        for server in order:
            times[(server.name, name)] = timed_get(client, server.sparql, {"query": text, **server.dataset}, JSON)
    return times


def interleaved(servers: list[Server], mix: dict[str, str], rounds: int) -> dict[tuple[str, str], float]:
    """Median seconds per (server, query): one warm-up, then ``rounds`` rounds in rotating order."""
    times: dict[tuple[str, str], list[float]] = {(s.name, q): [] for s in servers for q in mix}
    with httpx.Client(timeout=600) as client:
        for number in range(rounds + 1):
            measured = one_round(client, servers, mix, number)
            if number:
                for key, seconds in measured.items():
                    times[key].append(seconds)
            print(f"  round {number}/{rounds} done", file=sys.stderr, flush=True)
    return {key: statistics.median(values) for key, values in times.items()}


def throughput(url: str, texts: list[str], clients: int, seconds: float, work: Path) -> tuple[float, int]:
    """Requests per second completed by ``clients`` concurrent connections, and the number of errors.

    The load comes from wrk, not from Python: a Python client spends about a core of its own on
    32 connections, which on two cores leaves the server less than it would have in use.
    """
    paths = work / "throughput-paths.txt"
    paths.write_text("".join(f"{httpx.URL(url, params={'query': text}).raw_path.decode()}\n" for text in texts))
    completed = subprocess.run(
        ["wrk", f"--threads={min(clients, 2)}", f"--connections={clients}", f"--duration={seconds:g}s",
         "--timeout=120s", "--script", str(ROOT / "bench" / "mix.lua"), url, "--", str(paths)],
        capture_output=True, text=True, check=True)
    return _requests_per_second(completed.stdout), _errors(completed.stdout)


def _requests_per_second(report: str) -> float:
    return float(re.search(r"^Requests/sec:\s+([\d.]+)", report, re.MULTILINE).group(1))  # type: ignore[union-attr]


def _errors(report: str) -> int:
    """Failed and non-2xx/3xx responses as wrk reports them (it prints neither line when there are none)."""
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", report)
    status = re.search(r"Non-2xx or 3xx responses: (\d+)", report)
    return (sum(int(n) for n in socket.groups()) if socket else 0) + (int(status.group(1)) if status else 0)


def geomean(values: list[float]) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values))


# --- the tables ------------------------------------------------------------------------------------------

@dataclass
class Table:
    rows: list[tuple[str, str, str, str]] = field(default_factory=list)

    def add(self, what: str, measured: str, target: str, met: bool | None) -> None:
        verdict = "n/a" if met is None else ("met" if met else "MISSED")
        self.rows.append((what, measured, target, verdict))
        print(f"| {what} | {measured} | {target} | {verdict} |", file=sys.stderr, flush=True)

    def markdown(self) -> str:
        lines = ["| figure | measured | target | |", "|---|---|---|---|"]
        lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in self.rows]
        return "\n".join(lines)


def query_table(medians: dict[tuple[str, str], float], mix: dict[str, str], names: list[str]) -> str:
    lines = ["| query | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for query in mix:
        lines.append(f"| {query} | " + " | ".join(f"{medians[(n, query)] * 1000:,.1f} ms" for n in names) + " |")
    return "\n".join(lines)


def ratio_table(medians: dict[tuple[str, str], float], mix: dict[str, str], pairs: list[tuple[str, str]]) -> str:
    """Per query, the time of the first of each pair over the second's (below 1: the first is faster)."""
    lines = ["| query | " + " | ".join(f"{a} ÷ {b}" for a, b in pairs) + " |", "|---|" + "---|" * len(pairs)]
    for query in mix:
        cells = [f"{medians[(a, query)] / medians[(b, query)]:.2f}×" for a, b in pairs]
        lines.append(f"| {query} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def ratios(medians: dict[tuple[str, str], float], mix: dict[str, str], ours: str, peer: str) -> list[float]:
    """Our time over the peer's, per query."""
    return [medians[(ours, q)] / medians[(peer, q)] for q in mix]


def _worst(values: list[float], mix: dict[str, str], pick: Callable[[list[float]], float]) -> str:
    """``pick`` (max or min) of ``values``, named by its query."""
    chosen = pick(values)
    return f"{chosen:.2f}×, {list(mix)[values.index(chosen)]}"


# --- the run ------------------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--triples", type=int, default=1_000_000, help="corpus size (approximate)")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds after the warm-up")
    parser.add_argument("--seconds", type=float, default=8.0, help="duration of each throughput measurement")
    parser.add_argument("--validate-documents", type=int, nargs="*", default=[500, 5000],
                        help="corpus sizes (documents) for the SHACL validation figures")
    parser.add_argument("--no-rdflib", action="store_true", help="skip rdflib-endpoint")
    parser.add_argument("--no-virtuoso", action="store_true", help="skip the Virtuoso backend")
    parser.add_argument("--in-memory-workers", type=int, default=2, metavar="N",
                        help="HTTP processes of the in-memory target (default 2, as on disk)")
    parser.add_argument("--memory-only", action="store_true",
                        help="only serving memory: build, start our server in each mode and both floors, send "
                             "every query once, measure (no peers, no bare builds, no validation, no timing)")
    parser.add_argument("--work", type=Path, help="working directory (default: a temporary one, removed)")
    parser.add_argument("--out", type=Path, help="also write the tables (Markdown) to this file")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None and not args.memory_only:
        parser.error("wrk is not installed; the throughput figures need it (Debian: apt-get install wrk)")

    work = args.work or Path(tempfile.mkdtemp(prefix="untoc-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    servers: list[Server] = []
    static_file = STATIC_DIR / f"bench-{os.getpid()}.bin"
    try:
        report = run(args, work, servers, static_file)
    finally:
        for server in servers:
            server.stop()
        static_file.unlink(missing_ok=True)
        if (work / "virtuoso" / "virtuoso.ini").exists():
            subprocess.run(["bash", str(ROOT / ".ci" / "virtuoso"), "stop", str(work / "virtuoso")],
                           env=_virtuoso_env(), capture_output=True, timeout=120)
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    print(report)
    if args.out:
        args.out.write_text(report + "\n")
    return 0


def _virtuoso_env() -> dict[str, str]:
    return {**os.environ, "VIRTUOSO_HTTP_PORT": os.environ.get("BENCH_VIRTUOSO_HTTP_PORT", "8895"),
            "VIRTUOSO_ISQL_PORT": os.environ.get("BENCH_VIRTUOSO_ISQL_PORT", "1115"),
            "UNTOC_KG_ENDPOINT_AUTH": "dba:dba"}


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _log(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def run(args: argparse.Namespace, work: Path, servers: list[Server], static_file: Path) -> str:
    table = Table()
    port = _free_port()
    base = f"http://127.0.0.1:{port}/"
    corpus = work / "corpus.nq"
    documents = max(1, args.triples // TRIPLES_PER_DOCUMENT)
    started = time.perf_counter()
    triples = write_corpus(corpus, documents, base, progress=_log)
    _log(f"synth: {triples:,} quads in {time.perf_counter() - started:.1f} s")
    env = {**os.environ, "UNTOC_KG_STATE": str(work / "state")}
    modes = serving_modes(args.in_memory_workers)
    _log(f"serving: {_modes_line(modes)}")

    bare = None if args.memory_only else _bare_builds(work, corpus)
    ours_seconds, ours_rss, _ = run_measured([UNTOC_KG, "build", "--no-project-data", "--data", str(corpus),
                                              "--store", str(work / "store"), "--base-iri", base], env)
    _build_figures(table, triples, (ours_seconds, ours_rss), bare)
    if not args.memory_only:
        _validation(table, args.validate_documents, work, triples, documents)

    ours = _start_embedded(servers, modes, work, base, port, env, table)
    if not args.memory_only:
        _start_peers(args, servers, work, corpus, base, env, table)

    mix = queries(base)
    if args.memory_only:
        with httpx.Client(timeout=3600) as client:
            one_round(client, servers, mix, 0)
    else:
        medians = interleaved(servers, mix, args.rounds)
        _query_figures(table, medians, mix, list(ours), [s.name for s in servers])
        for server in servers[:len(ours)]:
            _throughput(table, server, mix, args.seconds, work)
        _dereference(table, base, static_file)
    _memory(table, servers, ours, triples)

    report = [f"Corpus: {triples:,} quads in {documents:,} source graphs (service/synth.py).", "",
              f"Our server: {_modes_line(modes)}.", ""]
    if not args.memory_only:
        names = [s.name for s in servers]
        report += ["Median query times (interleaved, after a warm-up):", "", query_table(medians, mix, names), "",
                   "Time ratios per query (below 1×: the first is faster):", "",
                   ratio_table(medians, mix, _ratio_pairs(list(ours), names)), ""]
    return "\n".join(report + [table.markdown()])


def _start_embedded(servers: list[Server], modes: dict[str, int], work: Path, base: str, port: int,
                    env: dict[str, str], table: Table) -> dict[str, int]:
    """Our server in each mode that starts, then both floors; the names of ours, with their HTTP processes.

    A mode ``serve`` refuses (``--in-memory always`` when a copy of the store would not leave a query
    worker half of its heap cap) is a row of the table, not the end of the run. The first of ours
    to start gets the port of the base, so the Linked Data figures are measured on it.
    """
    ours = {}
    for mode, workers in modes.items():
        try:
            servers.append(start_ours(mode, workers, work, base, _free_port() if servers else port, env))
            ours[OURS[mode]] = workers
        except RuntimeError as error:
            table.add(f"serving ({OURS[mode]}, `--workers {workers}`)", f"did not start: {_last_line(str(error))}",
                      "-", None)
    if not ours:
        raise RuntimeError("our server started in no mode")
    for where in FLOORS:
        servers.append(start_floor(where, work, base))
    return ours


def _last_line(text: str) -> str:
    return [line for line in text.splitlines() if line.strip()][-1].strip()


def _modes_line(modes: dict[str, int]) -> str:
    return " and ".join(f"`untoc-kg serve --in-memory {m} --workers {n}` ({OURS[m]})" for m, n in modes.items())


def _bare_builds(work: Path, corpus: Path) -> tuple[float, int, float]:
    """Bare pyoxigraph building a store from the corpus: seconds, peak memory, and seconds with the merge."""
    bare_seconds, bare_rss, _ = run_measured([PY, "-c", BARE_BULK_LOAD + "s.optimize()", str(work / "bare"), str(corpus)])
    merged_seconds, _, _ = run_measured([PY, "-c", BARE_BULK_LOAD + BARE_MERGE + "s.optimize()", str(work / "bare-merged"),
                                         str(corpus)])
    shutil.rmtree(work / "bare")
    shutil.rmtree(work / "bare-merged")
    return bare_seconds, bare_rss, merged_seconds


def _build_figures(table: Table, triples: int, ours: tuple[float, int], bare: tuple[float, int, float] | None) -> None:
    """``untoc-kg build`` against bare pyoxigraph, or (``bare`` None) alone."""
    ours_seconds, ours_rss = ours
    if bare is None:
        table.add("build: untoc-kg build", f"{triples / ours_seconds:,.0f} triples/s ({ours_seconds:,.0f} s), "
                  f"peak {ours_rss / 2**20:,.0f} MiB", "-", None)
        return
    bare_seconds, bare_rss, merged_seconds = bare
    table.add("build: triples/s, untoc-kg build vs bare pyoxigraph bulk_load",
              f"{triples / ours_seconds:,.0f} vs {triples / bare_seconds:,.0f} = {bare_seconds / ours_seconds:.2f}×",
              "≥ 0.8×", bare_seconds / ours_seconds >= 0.8)
    table.add("build: triples/s, untoc-kg build vs bare pyoxigraph bulk_load + the same merge into the default graph",
              f"{triples / ours_seconds:,.0f} vs {triples / merged_seconds:,.0f} = {merged_seconds / ours_seconds:.2f}×",
              "-", None)
    table.add("build: peak memory, untoc-kg build (bare bulk_load)",
              f"{ours_rss / 2**20:,.0f} MiB ({bare_rss / 2**20:,.0f} MiB)", "-", None)


def _validation(table: Table, sizes: list[int], work: Path, triples: int, documents: int) -> None:
    """SHACL validation per source document, so time and memory should grow linearly with documents."""
    per_graph = []
    for count in sizes:
        small = work / f"validate-{count}.nq"
        write_corpus(small, count)
        seconds, rss, out = run_measured([PY, "-m", "bench.validate", str(small)])
        graphs, checked, failing, first, each, rate = out.split()
        per_graph.append(float(each))
        table.add(f"SHACL validation, {int(checked):,} triples ({graphs} graphs, {failing} failing)",
                  f"{seconds:,.1f} s in all; set-up {float(first):.1f} s, then {float(each) * 1000:.0f} ms "
                  f"per graph = {float(rate):,.0f} triples/s on {os.cpu_count()} cores; peak {rss / 2**20:,.0f} MiB "
                  "(all processes)", "linear", None)
    if len(per_graph) > 1:
        growth = per_graph[-1] / per_graph[0]
        table.add("SHACL validation: time per source graph, largest over smallest corpus", f"{growth:.2f}×",
                  "≈ 1× (linear in documents)", 0.67 <= growth <= 1.5)
        table.add(f"SHACL validation, {triples:,} triples in {documents:,} graphs (extrapolated)",
                  f"{per_graph[-1] * documents / 60:,.1f} min", "-", None)


def _start_peers(args: argparse.Namespace, servers: list[Server], work: Path, corpus: Path, base: str,
                 env: dict[str, str], table: Table) -> None:
    """rdflib-endpoint, and Virtuoso both directly and behind ``untoc-kg serve --endpoint``, unless skipped."""
    if not args.no_rdflib:
        rdflib_port = _free_port()
        servers.append(start("rdflib-endpoint", [PY, "-m", "bench.peers", "rdflib", str(corpus), str(rdflib_port)],
                             f"http://127.0.0.1:{rdflib_port}/sparql", work / "rdflib.log"))
    if not args.no_virtuoso and shutil.which("virtuoso-t"):
        direct, loaded = _virtuoso(work, corpus, base, _log)
        # the merge graph that `untoc-kg build --endpoint` writes: Virtuoso's own union would count every triple twice
        servers.append(Server("Virtuoso direct", direct, dataset={"default-graph-uri": merge_graph(base)}))
        remote_port = _free_port()
        servers.append(start("untoc-kg on Virtuoso", [UNTOC_KG, "serve", "--endpoint", direct, "--base-iri", base,
                                                      "--port", str(remote_port), *LIKE_PEERS],
                             f"http://127.0.0.1:{remote_port}/sparql", work / "ours-virtuoso.log", env))
        table.add("remote build: triples/s into Virtuoso (Graph Store Protocol)", f"{loaded:,.0f}", "-", None)


def _query_figures(table: Table, medians: dict[tuple[str, str], float], mix: dict[str, str], ours: list[str],
                   names: list[str]) -> None:
    """Each of our embedded targets against both floors (judged against the in-memory one) and rdflib-endpoint."""
    engine = ratios(medians, mix, FLOORS["disk"], LIMIT)
    table.add(f"{FLOORS['disk']} vs {LIMIT} (the engine's two stores), geometric mean of time ratios",
              f"{geomean(engine):.2f}× (worst {_worst(engine, mix, max)})", "-", None)
    for name in ours:
        for floor in FLOORS.values():
            times = ratios(medians, mix, name, floor)
            judged = floor == LIMIT
            table.add(f"/sparql ({name}) vs {floor}, geometric mean of time ratios",
                      f"{geomean(times):.2f}× (worst {_worst(times, mix, max)})",
                      "≤ 1.25×, no query above 1.5×" if judged else "-",
                      geomean(times) <= 1.25 and max(times) <= 1.5 if judged else None)
    if "rdflib-endpoint" in names:
        for name in [*ours, *FLOORS.values()]:
            speed = [1 / r for r in ratios(medians, mix, name, "rdflib-endpoint")]
            judged = name in ours
            table.add(f"{f'/sparql ({name})' if judged else name} vs rdflib-endpoint, geometric mean speed-up",
                      f"{geomean(speed):.1f}× faster (slowest query {_worst(speed, mix, min)})",
                      "≥ 5×, no query slower" if judged else "-",
                      geomean(speed) >= 5 and min(speed) >= 1 if judged else None)
    if "untoc-kg on Virtuoso" in names:
        remote = ratios(medians, mix, "untoc-kg on Virtuoso", "Virtuoso direct")
        table.add("/sparql on Virtuoso vs Virtuoso direct, geometric mean of time ratios",
                  f"{geomean(remote):.2f}× (worst {_worst(remote, mix, max)})", "≤ 1.5×", geomean(remote) <= 1.5)


def _ratio_pairs(ours: list[str], names: list[str]) -> list[tuple[str, str]]:
    """The per-query ratios to print: ours over each floor, the floors over each other, rdflib-endpoint over ours."""
    pairs = [(name, floor) for name in ours for floor in FLOORS.values()] + [(FLOORS["disk"], LIMIT)]
    if "rdflib-endpoint" in names:
        pairs += [("rdflib-endpoint", name) for name in ours]
    return pairs


def _throughput(table: Table, server: Server, mix: dict[str, str], seconds: float, work: Path) -> None:
    """Concurrency on one embedded target: a light mix, so that the server, not one query, is the bottleneck."""
    light = [mix["one-resource lookup"], mix["2-hop join, LIMIT 100"]]
    single, errors1 = throughput(server.sparql, light, 1, seconds, work)
    for clients in (8, 32):
        many, errors = throughput(server.sparql, light, clients, seconds, work)
        table.add(f"throughput ({server.name}), {clients} clients vs 1 ({single:,.0f} req/s)",
                  f"{many:,.0f} req/s = {many / single:.2f}×, {errors + errors1} errors",
                  "≥ 1.8×, no errors", many / single >= 1.8 and errors + errors1 == 0)


def _memory(table: Table, servers: list[Server], ours: dict[str, int], triples: int) -> None:
    """Resident memory of every process tree that serves the embedded store, after the queries."""
    for server in servers:
        rss = server.rss
        if server.name in ours:
            table.add(f"serving memory ({server.name}, RSS of all processes of `serve --workers {ours[server.name]}`) "
                      f"at {triples:,} triples", f"{rss / 2**20:,.0f} MiB (up in {server.startup:.1f} s)",
                      "≤ 1 GiB", rss <= 2**30)
        elif server.name == LIMIT:
            quads, seconds = floor_load(server)
            table.add(f"serving memory ({LIMIT}, one process) at {triples:,} triples",
                      f"{rss / 2**20:,.0f} MiB ({quads:,} quads copied in {seconds:.1f} s; "
                      f"up in {server.startup:.1f} s)", "-", None)
        elif server.name in FLOORS.values():
            table.add(f"serving memory ({server.name}, one process) at {triples:,} triples",
                      f"{rss / 2**20:,.0f} MiB (up in {server.startup:.1f} s)", "-", None)


def _virtuoso(work: Path, corpus: Path, base: str, log: Callable[[str], None]) -> tuple[str, float]:
    """A throw-away Virtuoso loaded with the corpus through ``untoc-kg build --endpoint``."""
    env = _virtuoso_env()
    folder = work / "virtuoso"
    subprocess.run(["bash", str(ROOT / ".ci" / "virtuoso"), "start", str(folder)], env=env, check=True,
                   capture_output=True, timeout=300)
    direct = f"http://127.0.0.1:{env['VIRTUOSO_HTTP_PORT']}/sparql"
    started = time.perf_counter()
    subprocess.run([UNTOC_KG, "build", "--endpoint", direct, "--no-project-data", "--base-iri", base,
                    "--data", str(corpus)], env={**env, "UNTOC_KG_STATE": str(work / "state")}, check=True,
                   cwd=ROOT, capture_output=True, timeout=3600)
    seconds = time.perf_counter() - started
    quads = sum(1 for _ in corpus.open("rb"))
    log(f"virtuoso: loaded {quads:,} quads in {seconds:.1f} s")
    return direct, quads / seconds


def _dereference(table: Table, base: str, static_file: Path) -> None:
    """A report's Turtle and HTML against a static file of the same size from the same server."""
    iri = f"{base}id/document/CTOC/COP/WG.1/2001/4"
    with httpx.Client(timeout=60, follow_redirects=True) as client:
        probe = client.get(iri, headers={"Accept": "text/turtle"})
        if probe.status_code != 200:
            table.add("dereferencing a report", "n/a (no Linked Data views)", "≥ 0.5× a static file", None)
            return
        for accept, label in (("text/turtle", "Turtle"), ("text/html", "HTML")):
            body = client.get(iri, headers={"Accept": accept}).content
            static_file.write_bytes(b"x" * len(body))
            url = f"{base}static/{static_file.name}"
            deref, static = [], []
            for _ in range(21):
                deref.append(timed_get(client, iri, None, accept))
                static.append(timed_get(client, url, None, "*/*"))
            speed = statistics.median(static) / statistics.median(deref)
            table.add(f"dereferencing a report ({label}, {len(body):,} bytes) vs a static file of that size",
                      f"{statistics.median(deref) * 1000:.1f} ms vs {statistics.median(static) * 1000:.1f} ms = {speed:.2f}×",
                      "≥ 0.5×", speed >= 0.5)


if __name__ == "__main__":
    sys.exit(main())
