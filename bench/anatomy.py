"""Where a small query's milliseconds go: ``python -m bench.anatomy [--store DIR | --triples N]``.

The one-resource lookup and the 2-hop join of bench/run.py cost our /sparql more than the bare
route costs (issue 16, part 2). This times the same query through one more layer at a time, each
layer in the configuration the next one adds to, so each difference is one layer's cost:

in-process (one Python process, no HTTP)
  engine in memory / on disk   pyoxigraph's query and JSON serialization, nothing else
  guard.plan                   alone: what the HTTP process does to a query before a worker sees it
  our code                     guard.plan + execution.run (chunk writer, frames) on the same store
  worker hop                   the same through WorkerPool: a JSON line to a worker, frames back
over HTTP (wrk, one connection, median latency; and httpx as bench/run.py sends)
  floor                        the bare route of bench/peers.py over each store
  hop route                    a route as bare as the floor's that answers through WorkerPool
  app without limits           untoc-kg's whole app (create_app) without LimitsMiddleware
  app                          the whole app, one process, uvicorn's defaults as the floor has them
  serve --workers 1 / 2        ``untoc-kg serve`` with bench/run.py's options, one query worker

Each layer's samples are taken in interleaved rounds, so load on the machine falls on all alike;
the HTTP layers run in small groups (GROUPS) because in memory each of our processes holds a copy
of the store.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
import pyoxigraph as ox

from untoc_kg.config import Settings
from untoc_kg.sparql import guard
from untoc_kg.sparql.execution import Job, run
from untoc_kg.sparql.formats import ResultFormat
from untoc_kg.sparql.workers import WorkerPool
from untoc_kg.store import Dataset, Store
from untoc_kg.store.manifest import ENGINE_DIR, Manifest
from untoc_kg.store.oxigraph import OxigraphStore, copied_into_memory
from untoc_kg.synth import write_corpus

from .run import JSON, LIKE_PEERS, PY, TRIPLES_PER_DOCUMENT, UNTOC_KG, Server, _free_port, _last_line, queries, start

SMALL = ("one-resource lookup", "2-hop join, LIMIT 100")
STARTUP_SECONDS = 300
"""Long enough for a server to copy a 1 M-triple store into memory in each of its processes."""


# --- in-process layers ------------------------------------------------------------------------------------

class MemorySink:
    """execution.run's sink, keeping the answer in memory as the worker's pipe would carry it."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    def head(self, result_format: ResultFormat) -> None:
        self.chunks.clear()

    def data(self, chunk: bytes) -> None:
        self.chunks.append(chunk)

    def error(self, status: int, message: str) -> None:
        raise RuntimeError(f"{status}: {message}")

    def end(self, last: bytes) -> None:
        self.chunks.append(last)


def engine_call(engine: ox.Store, query: str, base: str) -> Callable[[], Awaitable[None]]:
    async def call() -> None:
        engine.query(query, base_iri=base).serialize(format=ox.QueryResultsFormat.JSON)
    return call


def our_code(store: Store, query: str, base: str) -> Callable[[], Awaitable[None]]:
    """What a request runs besides the hop: the guard in the HTTP process, execution.run in the worker."""
    async def call() -> None:
        run(store, guard.plan(query, Dataset(), base, (), JSON, None), MemorySink())
    return call


def guard_plan(query: str, base: str) -> Callable[[], Awaitable[None]]:
    async def call() -> None:
        guard.plan(query, Dataset(), base, (), JSON, None)
    return call


def through_pool(pool: WorkerPool, query: str, base: str) -> Callable[[], Awaitable[None]]:
    async def call() -> None:
        answer = await pool.answer(guard.plan(query, Dataset(), base, (), JSON, None))
        if answer.rest is not None:
            async for _ in answer.rest:
                pass
    return call


def pool_settings(store_dir: Path, base: str, in_memory: bool) -> Settings:
    """One query worker and the limits bench/run.py raises (LIKE_PEERS); the store in memory when ``in_memory``."""
    return Settings(store_dir=store_dir, base_iri=base, query_workers=1, query_timeout=300, client_rate=1e6,
                    client_burst=1e6, max_concurrent=1000, max_result_bytes=200_000_000, in_memory=in_memory)


async def in_process(store_dir: Path, base: str, mix: dict[str, str], samples: int,
                     in_memory: bool) -> dict[tuple[str, str], float]:
    """Median seconds per in-process layer and query, on the built store and an in-memory copy of it."""
    disk = ox.Store.read_only(str(store_dir / ENGINE_DIR))
    memory = copied_into_memory(disk)
    manifest = Manifest.read(store_dir)
    assert manifest is not None
    ours = OxigraphStore(memory if in_memory else disk, manifest)
    pool = WorkerPool(pool_settings(store_dir, base, in_memory))
    await pool.start()
    try:
        layers = {q: {"engine in memory": engine_call(memory, text, base),
                      "engine on disk": engine_call(disk, text, base),
                      "guard.plan": guard_plan(text, base),
                      "our code": our_code(ours, text, base),
                      "worker hop": through_pool(pool, text, base)} for q, text in mix.items()}
        return await _sample(layers, samples)
    finally:
        await pool.close()


async def _sample(layers: dict[str, dict[str, Callable[[], Awaitable[None]]]],
                  samples: int) -> dict[tuple[str, str], float]:
    """Median seconds per (layer, query); each round visits every layer, from a different one each time."""
    times: dict[tuple[str, str], list[float]] = {(n, q): [] for q, by in layers.items() for n in by}
    for number in range(samples + 1):
        for query, by_name in layers.items():
            names = list(by_name)
            for name in names[number % len(names):] + names[:number % len(names)]:
                started = time.perf_counter()
                await by_name[name]()
                if number:  # the first visit warms up
                    times[(name, query)].append(time.perf_counter() - started)
    return {key: statistics.median(values) for key, values in times.items()}


# --- HTTP layers ---------------------------------------------------------------------------------------------

def serve_variant(kind: str, store_dir: str, base: str, port: str, in_memory: str) -> None:
    """``python -m bench.anatomy serve KIND STORE BASE PORT {memory,disk}``: one HTTP layer, on uvicorn's defaults."""
    import uvicorn
    from fastapi import FastAPI, Query
    from fastapi.responses import Response

    from untoc_kg.app import create_app
    from untoc_kg.limits import LimitsMiddleware
    from untoc_kg.sparql.routes import lifespan

    settings = pool_settings(Path(store_dir), base, in_memory == "memory")
    if kind == "hop":
        app = FastAPI(lifespan=lifespan)
        app.state.settings = settings

        @app.get("/sparql")
        async def sparql(query: str = Query(...)) -> Response:
            job = Job(query, accept=JSON)
            answer = await app.state.query_pool.answer(job)
            body = answer.first + b"".join([chunk async for chunk in answer.rest]) if answer.rest else answer.first
            return Response(body, media_type=answer.result_format.content_type)
    else:
        app = create_app(settings)
        if kind == "app-without-limits":
            app.user_middleware = [m for m in app.user_middleware if m.cls is not LimitsMiddleware]
    uvicorn.run(app, host="127.0.0.1", port=int(port), log_level="warning")


GROUPS = [("floor memory", "floor disk", "hop", "app-without-limits"),
          ("app-without-limits", "app", "serve --workers 1"),
          ("serve --workers 1", "serve --workers 2")]
"""The HTTP layers, run a group at a time: in memory, each of our processes holds a copy of the store
(about 0.8 GiB at 1 M triples), too many for all layers at once. Each layer shares a group with the
layer it is compared with, so every difference is measured in the same interleaved rounds."""


def start_layer(kind: str, store_dir: Path, base: str, in_memory: bool, work: Path) -> Server:
    """One HTTP layer as a server process. ``serve`` gets one query worker, like the other layers:
    a client sending one query at a time is answered by one worker (idle workers are a stack)."""
    port = _free_port()
    if kind.startswith("floor "):
        cmd = [PY, "-m", "bench.peers", "floor", str(store_dir / ENGINE_DIR), base, str(port), kind.split()[1]]
    elif kind.startswith("serve "):
        memory = ["--in-memory", "always" if in_memory else "never"]
        cmd = [UNTOC_KG, "serve", "--store", str(store_dir), "--base-iri", base, "--port", str(port),
               "--workers", kind.rsplit(" ", 1)[1], "--query-workers", "1", *memory, *LIKE_PEERS]
    else:
        cmd = [PY, "-m", "bench.anatomy", "serve", kind, str(store_dir), base, str(port),
               "memory" if in_memory else "disk"]
    return start(kind, cmd, f"http://127.0.0.1:{port}/sparql", work / f"{kind.replace(' ', '-')}.log",
                 startup_seconds=STARTUP_SECONDS)


def http_groups(store_dir: Path, base: str, in_memory: bool, work: Path, mix: dict[str, str], rounds: int,
                seconds: int, failed: dict[str, str]) -> list[dict[tuple[str, str, str], float]]:
    """Each group's medians, its servers started for it and stopped before the next group starts.

    A layer that does not start is left out, with the last line of its log in ``failed``.
    """
    results = []
    for group in GROUPS:
        servers: list[Server] = []
        try:
            for kind in group:
                try:
                    servers.append(start_layer(kind, store_dir, base, in_memory, work))
                except RuntimeError as error:
                    failed[kind] = _last_line(str(error))
            results.append(over_http(servers, mix, rounds, seconds))
        finally:
            for server in servers:
                server.stop()
    return results


def wrk_median(url: str, query: str, seconds: int) -> float:
    """Median latency in seconds of one connection sending ``query`` back to back (wrk's own timing)."""
    target = str(httpx.URL(url, params={"query": query}))
    report = subprocess.run(["wrk", "--threads=1", "--connections=1", f"--duration={seconds}s", "--latency",
                             "--header", f"Accept: {JSON}", target], capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in report:
        raise RuntimeError(f"{url} answered errors: {report}")
    median = re.search(r"^\s+50%\s+([\d.]+)(us|ms|s)\s*$", report, re.MULTILINE)
    if median is None:
        raise RuntimeError(f"wrk printed no median latency: {report}")
    return float(median.group(1)) * {"us": 1e-6, "ms": 1e-3, "s": 1.0}[median.group(2)]


def httpx_median(client: httpx.Client, url: str, query: str, count: int) -> float:
    """Median seconds of ``count`` requests as bench/run.py sends them (one keep-alive httpx client)."""
    times = []
    for _ in range(count):
        started = time.perf_counter()
        response = client.get(url, params={"query": query}, headers={"Accept": JSON})
        response.read()
        times.append(time.perf_counter() - started)
        response.raise_for_status()
    return statistics.median(times)


def over_http(servers: list[Server], mix: dict[str, str], rounds: int,
              seconds: int) -> dict[tuple[str, str, str], float]:
    """Median over rounds of each (client, server, query)'s median, servers in rotating order."""
    times: dict[tuple[str, str, str], list[float]] = {}
    with httpx.Client(timeout=60) as client:
        for number in range(rounds):
            order = servers[number % len(servers):] + servers[:number % len(servers)]
            for query, text in mix.items():
                for server in order:
                    times.setdefault(("wrk", server.name, query), []).append(wrk_median(server.sparql, text, seconds))
                    times.setdefault(("httpx", server.name, query), []).append(
                        httpx_median(client, server.sparql, text, 50))
            print(f"  round {number + 1}/{rounds} done", file=sys.stderr, flush=True)
    return {key: statistics.median(values) for key, values in times.items()}


# --- the report -------------------------------------------------------------------------------------------------

ROWS = [
    # (layer, what it adds, the layer it is compared with)
    ("engine in memory", "pyoxigraph in memory: query + JSON, in-process", None),
    ("engine on disk", "the on-disk store instead of memory", "engine in memory"),
    ("guard.plan", "alone: the query read and checked (in the HTTP process)", None),
    ("our code", "guard.plan + execution.run (format choice, chunk writer, frames) on our store", "{engine}"),
    ("worker hop", "WorkerPool: the job to a worker process and the frames back", "our code"),
    ("floor memory", "HTTP: uvicorn (h11) + FastAPI route, over the in-memory engine", "engine in memory"),
    ("floor disk", "the same over the on-disk engine", "engine on disk"),
    ("hop", "the worker hop behind the floor's HTTP, instead of the engine in-process", "{floor}"),
    ("app-without-limits", "untoc-kg's app: protocol, guard, routing, headers (no LimitsMiddleware)", "hop"),
    ("app", "LimitsMiddleware", "app-without-limits"),
    ("serve --workers 1", "untoc-kg serve: NoDelayH11Protocol, its uvicorn settings", "app"),
    ("serve --workers 2", "two HTTP processes (as bench/run.py serves), each with its own workers",
     "serve --workers 1"),
]


def report(local: dict[tuple[str, str], float], groups: list[dict[tuple[str, str, str], float]],
           mix: dict[str, str], in_memory: bool) -> str:
    """Per query, every layer's median and what it adds over the layer it builds on.

    The httpx column holds HTTP layers only: in-process layers have no client to time them with.
    """
    engine, floor = ("engine in memory", "floor memory") if in_memory else ("engine on disk", "floor disk")
    out = []
    for query in mix:
        out += [f"### {query}", "", "| layer | adds | median (in-process / wrk) | + over | median (httpx) | + over |",
                "|---|---|---|---|---|---|"]
        for layer, adds, over in ROWS:
            over = over.format(engine=engine, floor=floor) if over else None
            cells = [_cells(local, groups, client, layer, over, query) for client in ("wrk", "httpx")]
            out.append(f"| {layer} | {adds} | {cells[0]} | {cells[1]} |")
        out.append("")
    return "\n".join(out)


def _cells(local: dict[tuple[str, str], float], groups: list[dict[tuple[str, str, str], float]], client: str,
           layer: str, over: str | None, query: str) -> str:
    """A layer's median and its difference over ``over``, both from the first group that holds the two."""
    if (layer, query) in local:
        if client == "httpx":
            return " | "
        seconds, base = local[(layer, query)], local.get((over, query)) if over else None
    else:
        group = next((g for g in groups if (client, layer, query) in g
                      and (over is None or (over, query) in local or (client, over, query) in g)), None)
        if group is None:
            return "not measured | "
        seconds = group[(client, layer, query)]
        base = local[(over, query)] if (over, query) in local else group[(client, over, query)]
    return f"{seconds * 1000:.2f} ms | " + ("" if base is None else f"{(seconds - base) * 1000:+.2f} ms over {over}")


# --- the run ------------------------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["serve"]:
        serve_variant(*argv[1:])
        return 0
    parser = argparse.ArgumentParser(prog="python -m bench.anatomy", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path, help="a store built by untoc-kg build (default: build one)")
    parser.add_argument("--triples", type=int, default=1_000_000, help="corpus size when building (approximate)")
    parser.add_argument("--samples", type=int, default=300, help="in-process samples per layer and query")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds over the HTTP layers")
    parser.add_argument("--seconds", type=int, default=2, help="wrk's seconds per layer, query and round")
    parser.add_argument("--on-disk", action="store_true",
                        help="run our pool and servers on the on-disk store (default: in memory, when they can)")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        parser.error("wrk is not installed (Debian: apt-get install wrk)")
    with tempfile.TemporaryDirectory(prefix="untoc-anatomy-") as folder:
        work = Path(folder)
        store_dir = args.store or _build(work, args.triples)
        print(measure(store_dir, work, args))
    return 0


def measure(store_dir: Path, work: Path, args: argparse.Namespace) -> str:
    manifest = Manifest.read(store_dir)
    if manifest is None:
        raise SystemExit(f"{store_dir} is not a store built by untoc-kg build")
    base = manifest.base_iri
    mix = {name: text for name, text in queries(base).items() if name in SMALL}
    in_memory = not args.on_disk
    local = asyncio.run(in_process(store_dir, base, mix, args.samples, in_memory))
    failed: dict[str, str] = {}
    groups = http_groups(store_dir, base, in_memory, work, mix, args.rounds, args.seconds, failed)
    mode = "in memory (`--in-memory always`)" if in_memory else "on disk (`--in-memory never`)"
    head = (f"Store: {store_dir} ({manifest.quads:,} quads); "
            f"our server and pool: {mode}.")
    failures = "".join(f"\n- {kind} did not start; its log ends: {why}" for kind, why in failed.items())
    return head + failures + "\n\n" + report(local, groups, mix, in_memory)


def _build(work: Path, triples: int) -> Path:
    """A store of the synthetic corpus under a loopback base, as bench/run.py builds it."""
    base = f"http://127.0.0.1:{_free_port()}/"
    corpus = work / "corpus.nq"
    write_corpus(corpus, max(1, triples // TRIPLES_PER_DOCUMENT), base)
    subprocess.run([UNTOC_KG, "build", "--no-project-data", "--data", str(corpus), "--store", str(work / "store"),
                    "--base-iri", base], check=True, capture_output=True,
                   env={**os.environ, "UNTOC_KG_STATE": str(work / "state")})
    return work / "store"


if __name__ == "__main__":
    sys.exit(main())
