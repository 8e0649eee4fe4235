"""In memory or on disk: decided once, in the parent of every serving process, so that all agree.

On a small store every query runs 1.2–5× faster on an in-memory pyoxigraph store than on the
RocksDB store that ``untoc-kg build`` writes; on a large one the in-memory store loses on joins
through nodes that many graphs restate (docs/sparql.md has the measurements). No process can share
its copy: the HTTP process and each query worker (and the pool's warm spare) make their own at
start. ``auto`` takes memory only for a store of at most ``AUTO_MAX_QUADS``, when every copy fits
the budget and one copy leaves at least half of a query worker's heap cap (``worker_memory_mb``)
for evaluating queries, since the copy is made under that cap.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path

MODES = ("auto", "always", "never")
AUTO_MAX_QUADS = 100_000
"""The largest store ``auto`` copies. Measured on the synthetic corpus, disk time ÷ memory time over
the queries/ files and the bench mix: 18 k quads, 2.07× by geometric mean (slowest query 1.16×);
88 k, 1.67× (0.76×); 353 k, 1.05× (0.15×); 1.7 M, 0.93× (0.09×)."""
BYTES_PER_QUAD = 480
"""Heap an in-memory copy takes per quad: 460–470 bytes measured at 0.35 M and 1.7 M quads of the
synthetic corpus (``untoc-kg synth``), whose passages are as long as the project's (docs/sparql.md)."""
LOADER_RESERVE_MB = 191
"""pyoxigraph's ``bulk_extend`` reserves 200 MB of heap up front, however few the quads: the cap
(RLIMIT_DATA) counts it while the copy is made."""
MEMINFO = Path("/proc/meminfo")
MIB = 2**20


@dataclass(frozen=True)
class Decision:
    """Whether the store is copied into memory, and why, as the parent logs it."""

    in_memory: bool
    reason: str


def copy_mb(quads: int) -> float:
    """The estimated heap of one in-memory copy of a store of ``quads`` quads, in MiB."""
    return quads * BYTES_PER_QUAD / MIB


def copies(workers: int, query_workers: int) -> int:
    """Processes that hold the store: per HTTP worker, itself, its query workers and the pool's warm spare."""
    return workers * (max(1, query_workers) + 2)


def worker_memory_needed_mb(quads: int) -> int:
    """The smallest ``worker_memory_mb`` that leaves half of itself for queries once the copy is made."""
    return math.ceil(2 * (LOADER_RESERVE_MB + copy_mb(quads)))


def default_budget_mb(meminfo: Path = MEMINFO) -> int:
    """Half of the memory the kernel says is available now (0 where it does not say: auto stays on disk)."""
    if not meminfo.is_file():
        return 0
    for line in meminfo.read_text().splitlines():
        name, _, value = line.partition(":")
        if name == "MemAvailable":
            return int(value.split()[0]) // 1024 // 2
    return 0


def decide(mode: str, quads: int, processes: int, budget_mb: int, worker_memory_mb: int) -> Decision:
    """Resolve ``--in-memory`` for a store of ``quads`` quads held by ``processes`` processes.

    ``never`` and ``always`` are the user's explicit choices; ``always`` is still refused
    (``ValueError``, one line) when a copy would not leave half of a query worker's cap for queries,
    since the worker would then fail at start or on its first large query. A cap of 0 (or less) is no cap.
    """
    if mode == "never":
        return Decision(False, "never: on disk, as asked")
    one = copy_mb(quads)
    needed = worker_memory_needed_mb(quads)
    if worker_memory_mb > 0 and needed > worker_memory_mb:
        why = (f"one copy of the store (~{LOADER_RESERVE_MB + one:,.0f} MiB while it loads) needs "
               f"--worker-memory-mb {needed:,} or more to leave half for queries, not {worker_memory_mb:,}")
        if mode == "always":
            raise ValueError(f"--in-memory always: {why} (or use --in-memory auto)")
        return Decision(False, f"auto: on disk, {why}")
    total = f"{processes} copies × ~{one:,.0f} MiB"
    if mode == "auto" and quads > AUTO_MAX_QUADS:
        return Decision(False, f"auto: on disk, {quads:,} quads > {AUTO_MAX_QUADS:,}: above that the in-memory "
                               "store loses on joins (docs/sparql.md); --in-memory always to copy anyway")
    if mode == "always":
        return Decision(True, f"always: in memory, {total}, as asked (budget not checked)")
    if processes * one > budget_mb:
        return Decision(False, f"auto: on disk, {total} > budget {budget_mb:,} MiB")
    return Decision(True, f"auto: in memory, {total} ≤ budget {budget_mb:,} MiB")


def resident_mb() -> float:
    """This process's resident memory now, in MiB (Linux: /proc/self/statm)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / MIB
