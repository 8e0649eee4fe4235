"""The query worker pool on real worker processes: whole small answers, and what an abandoned answer costs.

A client that leaves before its answer is complete must not cost a worker when the rest of the
answer is cheap (a restart costs more CPU than most answers), and must not keep one busy when the
rest is long. These run the pool in-process, so no socket buffer hides when the answer is left.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import cartesian
from untoc_kg.build import BuildInputs, build
from untoc_kg.config import Settings
from untoc_kg.sparql.execution import CHUNK_BYTES, Job
from untoc_kg.sparql.workers import SALVAGE_SECONDS, Answer, QueryFailed, WorkerPool

BASE = "http://workers.test/"


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    folder = tmp_path_factory.mktemp("workers")
    (folder / "data.nt").write_text(f"<{BASE}a> <{BASE}p> \"a\" .\n")
    build(BuildInputs(BASE, None, (folder / "data.nt",), ()), folder / "store")
    return Settings(store_dir=folder / "store", base_iri=BASE, query_workers=1)


def with_pool(settings: Settings, scenario: Callable[[WorkerPool], Awaitable[None]]) -> None:
    async def main() -> None:
        pool = WorkerPool(settings)
        await pool.start()
        try:
            await scenario(pool)
        finally:
            await pool.close()
    asyncio.run(main())


def pids(pool: WorkerPool) -> set[int]:
    return {worker.process.pid for worker in pool.workers}


async def settled(pool: WorkerPool) -> None:
    """Wait for drains and replacements the pool runs in the background."""
    while pool.tasks:
        await asyncio.gather(*pool.tasks, return_exceptions=True)


async def leave_after_first_chunk(pool: WorkerPool, job: Job) -> None:
    answer = await pool.answer(job)
    assert answer.rest is not None and len(answer.first) >= CHUNK_BYTES
    await anext(answer.rest)
    del answer  # what Starlette does with the body when the client has gone


async def ask(pool: WorkerPool) -> Answer:
    return await pool.answer(Job("ASK { ?s ?p ?o }", format="json"))


def test_a_small_answer_comes_whole_in_one_piece(settings: Settings) -> None:
    async def scenario(pool: WorkerPool) -> None:
        answer = await ask(pool)
        assert answer.rest is None
        assert json.loads(answer.first)["boolean"] is True
    with_pool(settings, scenario)


def test_an_answer_of_many_chunks_streams_whole(settings: Settings) -> None:
    async def scenario(pool: WorkerPool) -> None:
        answer = await pool.answer(Job(cartesian(5), format="tsv"))
        assert answer.rest is not None
        body = answer.first + b"".join([chunk async for chunk in answer.rest])
        assert body.count(b"\n") == 1 + 10**5
    with_pool(settings, scenario)


def test_a_cheap_abandoned_answer_keeps_its_worker(settings: Settings) -> None:
    async def scenario(pool: WorkerPool) -> None:
        before = pids(pool)
        await leave_after_first_chunk(pool, Job(cartesian(5), format="tsv"))  # about 1.2 MB: well under a second
        await settled(pool)
        assert pids(pool) == before, "the worker must be drained and kept, not killed"
        assert json.loads((await ask(pool)).first)["boolean"] is True  # and it answers from a frame boundary
    with_pool(settings, scenario)


def test_a_long_abandoned_answer_costs_its_worker(settings: Settings) -> None:
    async def scenario(pool: WorkerPool) -> None:
        before = pids(pool)
        started = time.monotonic()
        await leave_after_first_chunk(pool, Job(cartesian(9), format="tsv"))
        await settled(pool)
        assert time.monotonic() - started >= SALVAGE_SECONDS  # it was drained first, then killed
        assert pids(pool) and pids(pool).isdisjoint(before), "the worker must be killed and replaced"
        assert json.loads((await ask(pool)).first)["boolean"] is True
    with_pool(settings, scenario)


def test_an_answer_whose_rest_is_never_read_keeps_its_worker(settings: Settings) -> None:
    """What Starlette does when the client is gone before the body starts: it drops the body unread."""
    async def scenario(pool: WorkerPool) -> None:
        before = pids(pool)
        answer = await pool.answer(Job(cartesian(5), format="tsv"))
        assert answer.rest is not None
        del answer
        await settled(pool)
        assert pids(pool) == before and len(pool.idle) == 1
        assert json.loads((await ask(pool)).first)["boolean"] is True
    with_pool(settings, scenario)


def test_a_request_cancelled_while_its_query_runs_keeps_a_cheap_worker(settings: Settings) -> None:
    async def scenario(pool: WorkerPool) -> None:
        before = pids(pool)
        request = asyncio.create_task(pool.answer(Job(cartesian(6, "(COUNT(*) AS ?n)"), format="json")))
        while not pool.leases:  # the worker is taken; its answer has not come
            await asyncio.sleep(0)
        request.cancel()
        with pytest.raises(asyncio.CancelledError):
            await request
        await settled(pool)
        assert pids(pool) == before
        assert json.loads((await ask(pool)).first)["boolean"] is True
    with_pool(settings, scenario)


def test_a_worker_killed_at_the_time_limit_while_its_answer_waits_unread_is_replaced(settings: Settings) -> None:
    """The server reads ahead only so far: a killed worker's pipe then never closes unless told to,
    and a replacement that waited for it would never start."""
    async def scenario(pool: WorkerPool) -> None:
        before = pids(pool)
        answer = await pool.answer(Job(cartesian(8), format="tsv"))
        assert answer.rest is not None
        while pool.leases:  # the lease expires; the answer lies unread meanwhile
            await asyncio.sleep(0.1)
        await settled(pool)
        assert pids(pool) and pids(pool).isdisjoint(before), "the killed worker must be replaced"
        with pytest.raises(QueryFailed) as cut:
            async for _ in answer.rest:
                pass
        assert cut.value.status == 504
        assert json.loads((await ask(pool)).first)["boolean"] is True
    with_pool(replace(settings, query_timeout=2.0), scenario)


def test_under_light_load_one_warm_worker_answers_everything(settings: Settings) -> None:
    """Queries one after another go to the worker that answered last, whose engine caches are warm."""
    async def scenario(pool: WorkerPool) -> None:
        before = {worker.process.pid: cpu_ticks(worker.process.pid) for worker in pool.workers}
        for _ in range(40):
            await pool.answer(Job(cartesian(5, "(COUNT(*) AS ?n)"), format="json"))
        used = sorted(cpu_ticks(pid) - ticks for pid, ticks in before.items())
        assert used[-1] >= 20 and used[0] <= 2, f"CPU ticks per worker: {used}"
    with_pool(replace(settings, query_workers=2), scenario)


def cpu_ticks(pid: int) -> int:
    """User and system time of a process, in clock ticks (/proc/PID/stat fields 14 and 15)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def test_a_client_holding_a_worker_may_not_take_the_last_idle_one(settings: Settings) -> None:
    """Two expensive queries of one client leave the other worker to everyone else."""
    async def scenario(pool: WorkerPool) -> None:
        bomb = Job(cartesian(10, "(COUNT(*) AS ?n)"), format="json")
        first = asyncio.create_task(pool.answer(bomb, "192.0.2.1"))
        while not pool.leases:
            await asyncio.sleep(0)
        second = asyncio.create_task(pool.answer(bomb, "192.0.2.1"))
        while not pool.waiting and len(pool.leases) < 2:  # the second has taken a worker, or waits for one
            await asyncio.sleep(0)
        bystander = await pool.answer(Job("ASK { ?s ?p ?o }", format="json"), "192.0.2.2")
        assert json.loads(bystander.first)["boolean"] is True
        assert not second.done() and len(pool.leases) == 1, "the bomber's second query must wait for its first"
        for task in (first, second):
            task.cancel()
        await asyncio.gather(first, second, return_exceptions=True)
    with_pool(replace(settings, query_workers=2), scenario)


def test_the_host_itself_may_take_every_worker(settings: Settings) -> None:
    """127.0.0.1 (no client in particular: a proxy, the host) is not held to the last-worker rule."""
    async def scenario(pool: WorkerPool) -> None:
        bomb = Job(cartesian(10, "(COUNT(*) AS ?n)"), format="json")
        tasks = [asyncio.create_task(pool.answer(bomb, "")) for _ in range(2)]
        while len(pool.leases) < 2:
            await asyncio.sleep(0.01)
        assert not pool.idle
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    with_pool(replace(settings, query_workers=2), scenario)


def test_a_killed_worker_gives_its_place_to_the_warm_spare_at_once(settings: Settings) -> None:
    async def scenario(pool: WorkerPool) -> None:
        assert pool.spare is not None and pool.spare.alive
        spare = pool.spare.process.pid
        bomb = asyncio.create_task(pool.answer(Job(cartesian(10, "(COUNT(*) AS ?n)"), format="json")))
        while not pool.leases:
            await asyncio.sleep(0)
        while pool.leases:  # the time limit kills the bomb's worker
            await asyncio.sleep(0.01)
        assert [worker.process.pid for worker in pool.idle] == [spare], "the spare must serve with no start-up"
        with pytest.raises(QueryFailed) as stopped:
            await bomb
        assert stopped.value.status == 504
        await settled(pool)
        assert pool.spare is not None and pool.spare.alive and pool.spare.process.pid != spare
        assert json.loads((await ask(pool)).first)["boolean"] is True
    with_pool(replace(settings, query_timeout=1.0), scenario)
