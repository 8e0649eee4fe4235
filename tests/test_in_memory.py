"""``--in-memory``: the decision made once in the parent, and an in-memory copy that answers exactly
as the on-disk store does (a copy of every quad: the named graphs and the merged default graph)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from conftest import BACKEND, PROJECT_ROOT, Server, select
from untoc_kg.build import BuildInputs, build
from untoc_kg.project import Project
from untoc_kg.queryfiles import query_files
from untoc_kg.store import Dataset
from untoc_kg.store.memory import AUTO_MAX_QUADS, copies, copy_mb, decide, default_budget_mb, worker_memory_needed_mb
from untoc_kg.store import oxigraph as oxigraph_module
from untoc_kg.store.oxigraph import OxigraphStore

BASE = "http://in-memory.test/"
EX = "http://example.org/"
G1, G2 = f"{BASE}graph/1", f"{BASE}graph/2"
SHARED = f"<{EX}wg> <{EX}label> \"working group\" .\n"
STORE_LINE = re.compile(r"^untoc-kg: store (in memory|on disk) \(([\d,]+) quads\) in \d+\.\d s, [\d,]+ MiB resident$",
                        re.MULTILINE)
MILLION = 1_000_000


# --- the decision -------------------------------------------------------------------------------------

def test_auto_takes_memory_when_every_copy_fits_the_budget() -> None:
    decision = decide("auto", AUTO_MAX_QUADS, 4, budget_mb=4000, worker_memory_mb=2048)
    assert decision.in_memory
    assert decision.reason == "auto: in memory, 4 copies × ~46 MiB ≤ budget 4,000 MiB"


def test_auto_stays_on_disk_when_the_copies_exceed_the_budget() -> None:
    decision = decide("auto", AUTO_MAX_QUADS, 4, budget_mb=100, worker_memory_mb=2048)
    assert not decision.in_memory
    assert decision.reason == "auto: on disk, 4 copies × ~46 MiB > budget 100 MiB"


def test_auto_stays_on_disk_for_a_store_too_large_to_gain() -> None:
    """Above AUTO_MAX_QUADS the in-memory store loses on joins (measured, docs/sparql.md)."""
    decision = decide("auto", AUTO_MAX_QUADS + 1, 4, budget_mb=10**6, worker_memory_mb=0)
    assert not decision.in_memory
    assert decision.reason.startswith("auto: on disk, 100,001 quads > 100,000: above that the in-memory store loses")
    assert decide("always", AUTO_MAX_QUADS + 1, 4, budget_mb=0, worker_memory_mb=0).in_memory


def test_auto_stays_on_disk_when_a_copy_would_take_half_the_worker_cap() -> None:
    """The copy is made under the query worker's heap cap, and half of the cap stays for queries."""
    needed = worker_memory_needed_mb(AUTO_MAX_QUADS)
    assert decide("auto", AUTO_MAX_QUADS, 4, budget_mb=10**6, worker_memory_mb=needed).in_memory
    decision = decide("auto", AUTO_MAX_QUADS, 4, budget_mb=10**6, worker_memory_mb=needed - 1)
    assert not decision.in_memory
    assert decision.reason == ("auto: on disk, one copy of the store (~237 MiB while it loads) needs "
                               f"--worker-memory-mb {needed:,} or more to leave half for queries, not {needed - 1:,}")


def test_no_worker_cap_leaves_only_the_budget() -> None:
    assert decide("auto", AUTO_MAX_QUADS, 1, budget_mb=10**6, worker_memory_mb=0).in_memory


def test_never_is_on_disk_whatever_fits() -> None:
    decision = decide("never", 10, 1, budget_mb=10**6, worker_memory_mb=0)
    assert (decision.in_memory, decision.reason) == (False, "never: on disk, as asked")


def test_always_ignores_the_budget() -> None:
    decision = decide("always", MILLION, 4, budget_mb=0, worker_memory_mb=2048)
    assert decision.in_memory
    assert decision.reason == "always: in memory, 4 copies × ~458 MiB, as asked (budget not checked)"


def test_always_is_refused_when_a_copy_cannot_fit_the_worker_cap() -> None:
    with pytest.raises(ValueError, match=r"^--in-memory always: one copy of the store \(~1,107 MiB while it loads\) "
                                         r"needs --worker-memory-mb 2,214 or more to leave half for queries, "
                                         r"not 2,048 \(or use --in-memory auto\)$"):
        decide("always", 2 * MILLION, 4, budget_mb=10**6, worker_memory_mb=2048)


def test_every_process_that_queries_holds_a_copy() -> None:
    """Per HTTP worker: itself, its query workers (at least one) and the pool's warm spare."""
    assert copies(workers=1, query_workers=2) == 4
    assert copies(workers=2, query_workers=3) == 10
    assert copies(workers=1, query_workers=0) == 3


def test_the_copy_estimate_grows_with_the_quads() -> None:
    assert copy_mb(0) == 0
    assert 400 < copy_mb(MILLION) < 500


def test_the_default_budget_is_half_of_the_available_memory(tmp_path: Path) -> None:
    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemTotal:       32000000 kB\nMemFree:         1000000 kB\nMemAvailable:   24000000 kB\n")
    assert default_budget_mb(meminfo) == 24_000_000 // 1024 // 2
    assert default_budget_mb(tmp_path / "absent") == 0


# --- the same answers in both modes ---------------------------------------------------------------------

@pytest.fixture(scope="module", params=["project", "merge"])
def stores(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[OxigraphStore, OxigraphStore]]:
    """The same built store opened on disk and in memory: the project's graph, and graphs that
    restate a triple (the merged default graph) beside a triple stated in the default graph alone."""
    folder = tmp_path_factory.mktemp(request.param)
    if request.param == "project":
        inputs = BuildInputs(base_iri=BASE, project=Project(PROJECT_ROOT))
    else:
        (folder / "one.nt").write_text(SHARED + f"<{EX}m1> <{EX}meetingOf> <{EX}wg> .\n")
        (folder / "two.nt").write_text(SHARED + f"<{EX}m2> <{EX}meetingOf> <{EX}wg> .\n")
        (folder / "default.nt").write_text(SHARED + f"<{EX}note> <{EX}label> \"only in the default graph\" .\n")
        inputs = BuildInputs(BASE, None, (folder / "default.nt",), ((G1, folder / "one.nt"), (G2, folder / "two.nt")))
    build(inputs, folder / "store", validate=False)
    with OxigraphStore.open(folder / "store") as disk, OxigraphStore.open(folder / "store", in_memory=True) as memory:
        yield disk, memory


def answer(store: OxigraphStore, sparql: str, dataset: Dataset | None = None) -> list[str]:
    """A query's answer as comparable text: rows (or triples) sorted, since only ORDER BY fixes an order."""
    results = store.query(sparql, dataset)
    if isinstance(results, ox.QuerySolutions):
        return sorted(repr([None if row[v] is None else str(row[v]) for v in results.variables]) for row in results)
    if isinstance(results, ox.QueryTriples):
        return sorted(str(triple) for triple in results)
    return [str(bool(results))]


EVERY_QUAD = "SELECT ?g ?s ?p ?o { { GRAPH ?g { ?s ?p ?o } } UNION { ?s ?p ?o } }"
COMPARED = [
    EVERY_QUAD,
    "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }",
    "SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    "SELECT ?s ?l ?g { ?s ?p ?l OPTIONAL { GRAPH ?g { ?s ?p ?l } } }",
    "SELECT DISTINCT ?g { GRAPH ?g { } }",
    "CONSTRUCT WHERE { ?s ?p ?o }",
    f"ASK {{ GRAPH <{G1}> {{ ?s ?p ?o }} }}",
]


def test_the_copy_holds_every_quad(stores: tuple[OxigraphStore, OxigraphStore]) -> None:
    disk, memory = stores
    assert len(memory.engine) == len(disk.engine) == disk.manifest.quads
    assert answer(memory, EVERY_QUAD) == answer(disk, EVERY_QUAD)


def test_a_copy_made_in_many_batches_holds_every_quad(stores: tuple[OxigraphStore, OxigraphStore],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A large store is copied a batch at a time, so the copy never holds the GIL for long."""
    disk, _ = stores
    monkeypatch.setattr(oxigraph_module, "COPY_BATCH", 7)
    memory = OxigraphStore(oxigraph_module.copied_into_memory(disk.engine), disk.manifest)
    assert len(memory.engine) == disk.manifest.quads > 7
    assert answer(memory, EVERY_QUAD) == answer(disk, EVERY_QUAD)


@pytest.mark.parametrize("sparql", COMPARED)
def test_both_modes_answer_the_same(stores: tuple[OxigraphStore, OxigraphStore], sparql: str) -> None:
    disk, memory = stores
    assert answer(memory, sparql) == answer(disk, sparql)


def test_both_modes_answer_the_researchers_queries_the_same(stores: tuple[OxigraphStore, OxigraphStore]) -> None:
    disk, memory = stores
    for query in query_files(Project(PROJECT_ROOT)):
        assert answer(memory, query.text) == answer(disk, query.text), query.name


def test_both_modes_read_the_same_datasets(stores: tuple[OxigraphStore, OxigraphStore]) -> None:
    disk, memory = stores
    graphs = sorted(disk.graph_sizes())[-2:]
    for dataset in (Dataset(default_graphs=(graphs[0],)), Dataset(named_graphs=tuple(graphs)),
                    Dataset(default_graphs=tuple(graphs))):
        for sparql in ("SELECT ?s ?p ?o { ?s ?p ?o }", "SELECT ?g ?s { GRAPH ?g { ?s ?p ?o } }"):
            assert answer(memory, sparql, dataset) == answer(disk, sparql, dataset)


def test_both_modes_dump_the_same_quads_and_sizes(stores: tuple[OxigraphStore, OxigraphStore]) -> None:
    disk, memory = stores
    assert sorted(map(str, memory.quads())) == sorted(map(str, disk.quads()))
    assert memory.graph_sizes() == disk.graph_sizes()


# --- a real server --------------------------------------------------------------------------------------

embedded_only = pytest.mark.skipif(BACKEND != "embedded", reason="--in-memory concerns the embedded store only")


def store_lines(server: Server) -> list[tuple[str, int]]:
    return [(mode, int(quads.replace(",", ""))) for mode, quads in STORE_LINE.findall(server.log.read_text())]


@embedded_only
def test_serve_in_memory_answers_queries_and_pages(serve) -> None:
    running = serve("--in-memory", "always", "--query-workers", "2")
    log = running.log.read_text()
    assert "untoc-kg: --in-memory always: in memory, 4 copies × ~" in log
    quads = select(running, "SELECT (COUNT(*) AS ?n) { { GRAPH ?g { ?s ?p ?o } } UNION { ?s ?p ?o } }")[0]["n"]
    assert store_lines(running) == [("in memory", int(quads))] * 4  # the HTTP process, 2 query workers, the spare
    groups = httpx.get(running.url + "groups", headers={"Accept": "text/html"}, timeout=30)
    assert groups.status_code == 200 and "WG" in groups.text


@embedded_only
def test_serve_on_disk_when_told_and_in_memory_by_default(serve, server: Server) -> None:
    """The project's graph fits any machine that runs the tests, so ``auto`` (the default) takes memory."""
    assert "untoc-kg: --in-memory auto: in memory, 4 copies × ~2 MiB ≤ budget " in server.log.read_text()
    assert {mode for mode, _ in store_lines(server)} == {"in memory"}
    running = serve("--in-memory", "never", "--query-workers", "1")
    assert "untoc-kg: --in-memory never: on disk, as asked\n" in running.log.read_text()
    assert [mode for mode, _ in store_lines(running)] == ["on disk"] * 3
    assert select(running, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }") == select(server, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")
