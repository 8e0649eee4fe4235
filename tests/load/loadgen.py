"""A bounded load run against a server on loopback: many clients mixing cheap queries, page views
and hostile requests, each client from its own 127.0.0.x address (so each has its own budget).

Run the full run (figures for docs/security.md) with::

    .venv/bin/python tests/load/loadgen.py --clients 64 --seconds 60

It starts its own ``untoc-kg serve`` on a free loopback port unless ``--url`` and ``--pid`` name
one. Every loop stops at its deadline; nothing is sent off loopback.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx

TESTS_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TESTS_DIR))

from canary import tree_cpu_seconds, tree_rss_bytes  # noqa: E402

CHEAP = "ASK { ?s ?p ?o }"
PAGES = ("/doc/xss", "/", "/sparql", "/doc/n/7", "/search?q=node")
THINK_SECONDS = (1.0, 3.0)
"""A person's pause between two requests: 64 such clients offer about 32 requests a second."""
DESIGNED_5XX = {503, 504}
"""503: saturation (limits) or no free worker (pool); 504: a query stopped at its time limit."""

HOSTILE = (
    ("GET", "/sparql", {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"}, None),
    ("GET", "/sparql", {"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } }"}, None),
    ("GET", "/sparql", {"query": "CLEAR ALL"}, None),
    ("POST", "/sparql", None, b"ASK {} #" + b"x" * 2_000_000),
    ("GET", "/static/%2e%2e/%2e%2e/etc/passwd", None, None),
    ("GET", "/sparql", {"query": "SELECT * WHERE { ?s ?p ?o } ORDER BY ?o"}, None),
    ("GET", "/doc/%3Cscript%3E", None, None),
)


@dataclass
class Sample:
    kind: str
    status: int
    seconds: float
    limit: str = ""  # the X-Limit a refusal named


def sample(kind: str, response: httpx.Response, started: float) -> Sample:
    limit = response.headers.get("x-limit", "").split("=")[0]
    return Sample(kind, response.status_code, time.perf_counter() - started, limit)


@dataclass
class Report:
    """What a run measured; ``verdict`` lists the behaviour that breaks the bar (empty: passed).

    Latencies are figures to read against the idle server's, not a verdict: on a shared machine
    they measure the neighbours as much as the server (docs/security.md has the runs).
    """

    clients: int
    seconds: float
    requests: int
    statuses: dict[str, dict[str, int]]
    transport_errors: int
    errors: dict[str, int]
    undesigned_5xx: int
    idle_p99_ms: float
    cheap_p50_ms: float
    cheap_p99_ms: float
    page_p50_ms: float
    page_p99_ms: float
    rss_mb_start: float
    rss_mb_max: float
    rss_mb_end: float
    cpu_seconds: float
    server_alive: bool
    verdict: list[str] = field(default_factory=list)

    def judge(self, memory_growth_mb: float = 150.0) -> "Report":
        if self.transport_errors:
            self.verdict.append(f"{self.transport_errors} transport errors")
        if self.undesigned_5xx:
            self.verdict.append(f"{self.undesigned_5xx} undesigned 5xx")
        for kind in ("cheap", "page"):
            refused = {status: n for status, n in self.statuses.get(kind, {}).items() if status != "200"}
            if refused:
                self.verdict.append(f"a bystander's {kind} request was not answered 200: {refused}")
        if self.rss_mb_end - self.rss_mb_start > memory_growth_mb:
            self.verdict.append(f"memory grew {self.rss_mb_end - self.rss_mb_start:.0f} MB")
        if not self.server_alive:
            self.verdict.append("the server died")
        return self


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def source_address(index: int) -> str:
    """127.0.1.2 and up: one loopback address per client, never 127.0.0.1 (uvicorn trusts its proxy headers)."""
    return f"127.0.{1 + index // 250}.{index % 250 + 2}"


async def idle_p99(base: str, rounds: int = 200) -> float:
    """The cheap query's p99 on the idle server, one at a time, on kept-alive connections from
    20 addresses in turn (one address would spend its budget)."""
    clients = [make_client(base, f"127.0.9.{i + 1}") for i in range(20)]
    seconds = []
    try:
        for round_ in range(rounds):
            started = time.perf_counter()
            response = await clients[round_ % len(clients)].get("/sparql", params={"query": CHEAP})
            response.raise_for_status()
            seconds.append(time.perf_counter() - started)
    finally:
        for http in clients:
            await http.aclose()
    return percentile(seconds[len(clients):], 0.99)


def make_client(base: str, address: str) -> httpx.AsyncClient:
    """A client from ``address``; made before the clock starts, since building one costs the
    load generator's event loop a few milliseconds of CPU (TLS set-up, though the URLs are http)."""
    transport = httpx.AsyncHTTPTransport(local_address=address, verify=False)
    return httpx.AsyncClient(base_url=base, timeout=60, transport=transport, verify=False)


async def normal_client(http: httpx.AsyncClient, index: int, deadline: float, samples: list[Sample],
                        errors: Counter) -> None:
    rng = random.Random(index)
    async with http:
        await asyncio.sleep(rng.uniform(0, 1))
        while time.monotonic() < deadline:
            kind = "cheap" if rng.random() < 0.7 else "page"
            started = time.perf_counter()
            try:
                if kind == "cheap":
                    response = await http.get("/sparql", params={"query": CHEAP})
                else:
                    response = await http.get(rng.choice(PAGES), headers={"Accept": "text/html"})
                samples.append(sample(kind, response, started))
            except httpx.TransportError as error:
                errors[f"{kind}: {type(error).__name__}"] += 1
            await asyncio.sleep(rng.uniform(*THINK_SECONDS))


async def hostile_client(http: httpx.AsyncClient, index: int, deadline: float, samples: list[Sample],
                         errors: Counter) -> None:
    rng = random.Random(1000 + index)
    async with http:
        while time.monotonic() < deadline:
            method, path, params, body = rng.choice(HOSTILE)
            started = time.perf_counter()
            try:
                headers = {"Content-Type": "application/sparql-query"} if body else {}
                response = await http.request(method, path, params=params, content=body, headers=headers)
                samples.append(sample("hostile", response, started))
            except httpx.TransportError as error:
                errors[f"hostile: {type(error).__name__}"] += 1
            await asyncio.sleep(rng.uniform(0.1, 0.5))


async def watch_memory(pid: int, deadline: float, rss: list[float]) -> None:
    while time.monotonic() < deadline:
        rss.append(tree_rss_bytes(pid) / 2**20)
        await asyncio.sleep(1.0)


async def run(base: str, pid: int, clients: int, seconds: float, hostile: int) -> Report:
    """``clients`` clients for ``seconds``; ``hostile`` of them send only hostile requests."""
    idle = await idle_p99(base)
    samples: list[Sample] = []
    errors: Counter = Counter()
    rss: list[float] = []
    https = [make_client(base, source_address(index)) for index in range(clients)]
    cpu_before = tree_cpu_seconds(pid)
    deadline = time.monotonic() + seconds
    tasks = [watch_memory(pid, deadline, rss)]
    for index, http in enumerate(https):
        role = hostile_client if index < hostile else normal_client
        tasks.append(role(http, index, deadline, samples, errors))
    await asyncio.wait_for(asyncio.gather(*tasks), seconds + 120)
    return summarize(samples, errors, rss, idle, clients, seconds, tree_cpu_seconds(pid) - cpu_before, pid)


def summarize(samples: list[Sample], errors: Counter, rss: list[float], idle: float, clients: int,
              seconds: float, cpu: float, pid: int) -> Report:
    statuses: dict[str, Counter] = {}
    for one in samples:
        label = f"{one.status} {one.limit}" if one.limit else str(one.status)
        statuses.setdefault(one.kind, Counter())[label] += 1
    cheap = [s.seconds for s in samples if s.kind == "cheap" and s.status == 200]
    pages = [s.seconds for s in samples if s.kind == "page" and s.status == 200]
    undesigned = sum(1 for s in samples if s.status >= 500 and s.status not in DESIGNED_5XX)
    undesigned += sum(1 for s in samples if s.kind != "hostile" and s.status == 504)
    settled = rss[5:] or rss
    return Report(
        clients=clients, seconds=seconds, requests=len(samples),
        statuses={kind: dict(counter) for kind, counter in statuses.items()},
        transport_errors=sum(errors.values()), errors=dict(errors), undesigned_5xx=undesigned,
        idle_p99_ms=idle * 1000, cheap_p50_ms=statistics.median(cheap) * 1000 if cheap else 0.0,
        cheap_p99_ms=percentile(cheap, 0.99) * 1000, page_p50_ms=statistics.median(pages) * 1000 if pages else 0.0,
        page_p99_ms=percentile(pages, 0.99) * 1000,
        rss_mb_start=settled[0] if settled else 0.0, rss_mb_max=max(rss, default=0.0),
        rss_mb_end=settled[-1] if settled else 0.0, cpu_seconds=cpu, server_alive=Path(f"/proc/{pid}").exists(),
    ).judge()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--hostile", type=int, default=4, help="how many of the clients are hostile")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--url", help="a running server (default: start one)")
    parser.add_argument("--pid", type=int, help="the running server's process id (for CPU and memory)")
    parser.add_argument("--serve-arg", action="append", default=[], help="an extra `serve` argument")
    args = parser.parse_args()
    if args.url:
        report = asyncio.run(run(args.url, args.pid, args.clients, args.seconds, args.hostile))
    else:
        report = run_with_server(args.clients, args.seconds, args.hostile, args.serve_arg)
    print(json.dumps(asdict(report), indent=2))
    return 0 if not report.verdict else 1


def run_with_server(clients: int, seconds: float, hostile: int, extra: list[str]) -> Report:
    """Start a server on the hostile data (with the canary), run the load, stop the server."""
    import tempfile

    from canary import Canary
    from hostile import start_hostile

    with tempfile.TemporaryDirectory() as directory:
        canary = Canary(Path(directory))
        server = start_hostile(Path(directory), Path(directory), canary, "--query-timeout", "2", "--query-workers", "8", *extra)
        try:
            report = asyncio.run(run(server.url, server.process.pid, clients, seconds, hostile))
            canary.assert_untouched()
        finally:
            server.stop()
            canary.close()
    return report


if __name__ == "__main__":
    sys.exit(main())
