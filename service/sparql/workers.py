"""Query worker processes with a hard time limit, and the pool that keeps them warm.

Neither pyoxigraph nor a Python thread can be stopped in the middle of a query, so every query
runs in a worker process (``python -m untoc_kg.sparql.workers``) that the server kills at the
deadline. Workers open the store read-only themselves (its engine cannot be pickled), read one
JSON job per line on stdin and answer with frames on stdout: a type byte, a 4-byte length, a
payload. The server reads those frames on its event loop, so queries never block it, and the pipe
gives back-pressure: a slow client slows the worker instead of filling memory.

A client that leaves before its answer is complete does not cost a worker: the rest of the answer
is read and dropped for up to ``SALVAGE_SECONDS``, and only a worker still busy after that is
killed. Starting a replacement (Python, then the store) costs more CPU than most answers.

An expensive query costs its own client, never a bystander: a client that already holds a worker
may not take the last idle one, and a warm spare takes a killed worker's place at once, so that no
query waits for a start-up.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import struct
import sys
import time
from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import dataclass
from typing import BinaryIO

from ..config import SETTINGS_VARIABLE, Settings
from ..limits import lower_priority
from .execution import Job, run
from .formats import BY_NAME, ResultFormat

HEAD, DATA, ERROR, END, READY = b"H", b"D", b"E", b"Z", b"R"
READY_SECONDS = 120
SALVAGE_SECONDS = 1.0
"""How long an abandoned answer may keep running, its bytes dropped, before its worker is killed."""
_FRAME = struct.Struct(">cI")
_READ_LIMIT = 2**16
"""asyncio's default: the server reads ahead at most twice this from a worker's pipe."""


class QueryFailed(Exception):
    """The query did not produce an answer; ``status`` and the message go to the client."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class _PipeSink:
    """The worker's side: frames written to the server through stdout."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream

    def _frame(self, kind: bytes, payload: bytes) -> None:
        self.stream.write(_FRAME.pack(kind, len(payload)) + payload)

    def head(self, result_format: ResultFormat) -> None:
        self._frame(HEAD, result_format.name.encode())

    def data(self, chunk: bytes) -> None:
        self._frame(DATA, chunk)

    def error(self, status: int, message: str) -> None:
        self._frame(ERROR, json.dumps({"status": status, "message": message}).encode())
        self.stream.flush()

    def ready(self) -> None:
        """Tell the server the store is open: only then is the worker handed a query."""
        self._frame(READY, b"")
        self.stream.flush()

    def end(self, last: bytes) -> None:
        self._frame(END, last)
        self.stream.flush()


def worker_main() -> None:
    """A worker's life: open the store, then answer jobs until the server closes stdin."""
    from ..limits import apply_worker_memory_limit
    from ..store.factory import open_store

    settings = Settings.from_env()
    apply_worker_memory_limit(settings.worker_memory_mb)
    frames = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # stray prints must not corrupt the frames
    sink = _PipeSink(frames)
    with open_store(settings) as store:
        sink.ready()
        for line in sys.stdin.buffer:
            try:
                run(store, Job.from_line(line), sink)
            except Exception as error:  # noqa: BLE001 - a worker reports every failure and lives on
                sink.error(500, f"the query worker failed: {error!r}")


class Worker:
    """The server's handle on one worker process."""

    def __init__(self, process: asyncio.subprocess.Process, transport: asyncio.SubprocessTransport) -> None:
        self.process = process
        self.transport = transport
        self.mid_frame = False
        """A frame's head was read and its payload not: the pipe cannot be read from a frame boundary."""
        self.timed_out = False

    @classmethod
    async def start(cls, settings: Settings) -> "Worker":
        # What create_subprocess_exec does, keeping the transport, which ``kill`` needs.
        loop = asyncio.get_running_loop()
        transport, protocol = await loop.subprocess_exec(
            lambda: asyncio.subprocess.SubprocessStreamProtocol(limit=_READ_LIMIT, loop=loop),
            sys.executable, "-m", "untoc_kg.sparql.workers",
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=None,
            env={**os.environ, SETTINGS_VARIABLE: settings.to_env()},
        )
        process = asyncio.subprocess.Process(transport, protocol, loop)
        lower_priority(process.pid)
        worker = cls(process, transport)
        kind, _ = await asyncio.wait_for(worker.frame(), READY_SECONDS)  # a query waits for no start-up
        if kind != READY:
            raise RuntimeError(f"a query worker started with frame {kind!r} instead of ready")
        return worker

    @property
    def alive(self) -> bool:
        return self.process.returncode is None

    def kill(self) -> None:
        """Kill the process and close its output pipe.

        ``process.wait()`` returns only once the pipe is closed too, and a pipe whose reader is
        paused on a full buffer (an answer no one reads) would never see its end.
        """
        if self.alive:
            self.process.kill()
        output = self.transport.get_pipe_transport(1)
        if output is not None:
            output.close()

    async def send(self, job: Job) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(job.to_line())
        await self.process.stdin.drain()

    async def frame(self) -> tuple[bytes, bytes]:
        assert self.process.stdout is not None
        kind, length = _FRAME.unpack(await self.process.stdout.readexactly(_FRAME.size))
        self.mid_frame = True
        payload = await self.process.stdout.readexactly(length)
        self.mid_frame = False
        return kind, payload

    async def stop(self) -> None:
        """Ask politely (close stdin), then kill: used when the server shuts down."""
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            await asyncio.wait_for(self.process.wait(), 5)
        except TimeoutError:
            self.kill()
            await self.process.wait()


@dataclass
class Answer:
    """A query's answer as it arrives: its format, the first chunk, and the rest to stream.

    ``rest`` is None when ``first`` is the whole answer.
    """

    result_format: ResultFormat
    first: bytes
    rest: AsyncIterator[bytes] | None


class WorkerPool:
    """A fixed number of warm workers and one warm spare; a killed or dead worker is replaced at once
    by the spare, and a fresh spare starts in the background."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.idle: list[Worker] = []
        """A stack: under light load one warm worker (its engine's caches) answers everything."""
        self.waiting: list[asyncio.Future[None]] = []
        """Requests waiting for a worker, woken whenever one goes idle."""
        self.workers: set[Worker] = set()
        """The serving workers, idle or leased; the spare is not one of them until it takes a place."""
        self.spare: Worker | None = None
        self.tasks: set[asyncio.Task[None]] = set()
        """Replacements starting and abandoned answers being drained."""
        self.leases: dict[Worker, asyncio.TimerHandle] = {}
        self.holders: dict[Worker, str] = {}
        """The client each leased worker answers, for the rule that keeps the last idle worker."""

    async def start(self) -> None:
        for _ in range(max(1, self.settings.query_workers)):
            worker = await Worker.start(self.settings)
            self.workers.add(worker)
            self._put_idle(worker)
        self.spare = await Worker.start(self.settings)

    async def close(self) -> None:
        await asyncio.gather(*self.tasks, return_exceptions=True)
        spare = [self.spare] if self.spare is not None else []
        await asyncio.gather(*(worker.stop() for worker in [*self.workers, *spare]))
        self.workers.clear()
        self.spare = None

    def _put_idle(self, worker: Worker) -> None:
        self.idle.append(worker)
        self._wake()

    def _wake(self) -> None:
        """Let every waiting request look again: a worker went idle, or a client holds one less."""
        for waiter in self.waiting:
            if not waiter.done():
                waiter.set_result(None)
        self.waiting.clear()

    def _retire(self, worker: Worker) -> None:
        """Kill ``worker`` now, give its place to the spare, and start a new spare in a task of its own.

        Synchronous on purpose: it is called while a request is being cancelled (client gone),
        when any ``await`` could be interrupted and leave the pool one worker short. Idempotent:
        the deadline's timer and the request's own handling may both retire the same worker.
        """
        if worker not in self.workers:
            return
        self.workers.discard(worker)
        self.holders.pop(worker, None)
        lease = self.leases.pop(worker, None)
        if lease is not None:
            lease.cancel()
        worker.kill()
        if self.spare is not None:
            self.workers.add(self.spare)
            self.idle.append(self.spare)
            self.spare = None
        self._wake()
        self._background(self._replace(worker))

    def _background(self, work: Coroutine[None, None, None]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    def _abandon(self, worker: Worker) -> None:
        """The request gave up on ``worker``'s answer (client gone, answer cut): drain it, or retire it.

        Synchronous for the same reason as ``_retire``. A worker whose pipe is mid-frame cannot be
        drained and is retired at once.
        """
        if worker.mid_frame or not worker.alive:
            self._retire(worker)
        elif worker in self.leases:
            self._background(self._drain(worker))

    async def _drain(self, worker: Worker) -> None:
        """Read and drop the rest of ``worker``'s answer; back to the idle queue if it ends in time."""
        try:
            async with asyncio.timeout(SALVAGE_SECONDS):
                while (await worker.frame())[0] not in (END, ERROR):
                    pass
        except (TimeoutError, asyncio.IncompleteReadError, ConnectionError):
            self._retire(worker)
            return
        self._release(worker)

    def _lease(self, worker: Worker, deadline: float) -> None:
        """Mark ``worker`` busy until released; at the deadline it is retired whoever holds it.

        This holds even when no one reads the answer any more (a client gone before the body was
        started, an error between two awaits): the deadline does not depend on the request's code.
        """
        delay = max(0.0, deadline - time.monotonic())
        self.leases[worker] = asyncio.get_running_loop().call_later(delay, self._expire, worker)

    def _expire(self, worker: Worker) -> None:
        if worker in self.leases:
            worker.timed_out = True
            self._retire(worker)

    def _release(self, worker: Worker) -> None:
        """``worker`` finished its job cleanly: back to the idle queue (unless its lease just expired)."""
        lease = self.leases.pop(worker, None)
        self.holders.pop(worker, None)
        if lease is not None:
            lease.cancel()
            self._put_idle(worker)

    async def _replace(self, worker: Worker) -> None:
        """Once ``worker`` is gone, start another: the spare, or a serving worker if the spare was missing."""
        await worker.process.wait()
        fresh = await Worker.start(self.settings)
        if len(self.workers) < max(1, self.settings.query_workers):
            self.workers.add(fresh)
            self._put_idle(fresh)
        else:
            self.spare = fresh

    async def answer(self, job: Job, client: str = "", runs: Callable[[], None] | None = None) -> Answer:
        """Run ``job`` for ``client`` within the time limit; raises QueryFailed with the status to send
        when it cannot. An empty ``client`` is no one's in particular (the host itself, a proxy);
        ``runs`` is told when a worker has been found and the query starts.

        Waiting for a free worker is bounded by the time limit too, but answered with 503: a query
        that never ran did not hit the limit. The deadline then covers evaluation and the whole
        transfer: the lease kills a worker that still runs at the deadline, which ends any read of
        its pipe.
        """
        worker = await self._acquire(time.monotonic() + self.settings.query_timeout, client)
        deadline = time.monotonic() + self.settings.query_timeout
        self._lease(worker, deadline)
        if client:
            self.holders[worker] = client
        if runs is not None:
            runs()
        try:
            await worker.send(job)
            kind, payload = await self._next(worker)
            if kind == ERROR:
                self._release(worker)
                failure = json.loads(payload)
                raise QueryFailed(failure["status"], failure["message"])
            result_format = BY_NAME[payload.decode()]
            kind, first = await self._next(worker)
        except QueryFailed:
            raise
        except ConnectionError:
            self._retire(worker)
            raise QueryFailed(500, "the query worker died before answering; it has been replaced") from None
        except BaseException:
            self._abandon(worker)
            raise
        if kind == END:
            self._release(worker)
            return Answer(result_format, first, None)
        if kind != DATA:
            self._retire(worker)
            raise QueryFailed(500, _failure_message(kind, first))
        return Answer(result_format, first, _Rest(self, worker))

    async def _acquire(self, deadline: float, client: str) -> Worker:
        """A live idle worker; a dead one met on the way is replaced. 503 when none frees up in time.

        Taking a worker never awaits, so a request cancelled while it waits cannot lose one.
        """
        while True:
            worker = self._take(client)
            if worker is None:
                await self._wait_for_idle(deadline)
            elif worker.alive:
                return worker
            else:
                self._retire(worker)

    def _take(self, client: str) -> Worker | None:
        """The idle worker ``client`` may have: not the last one if it already holds a worker."""
        if not self.idle or (len(self.idle) == 1 and client and client in self.holders.values()):
            return None
        return self.idle.pop()

    async def _wait_for_idle(self, deadline: float) -> None:
        waiter = asyncio.get_running_loop().create_future()
        self.waiting.append(waiter)
        try:
            async with asyncio.timeout(max(0.0, deadline - time.monotonic())):
                await waiter
        except TimeoutError:
            raise QueryFailed(503, f"no query worker was free for {self.settings.query_timeout:g} s (a client "
                                   "holding one may not take the last); try again later") from None
        finally:
            if waiter in self.waiting:
                self.waiting.remove(waiter)

    async def _next(self, worker: Worker) -> tuple[bytes, bytes]:
        """The worker's next frame; QueryFailed when the worker dies (the lease kills it at the deadline)."""
        try:
            return await worker.frame()
        except (asyncio.IncompleteReadError, ConnectionError):
            self._retire(worker)
            if worker.timed_out:
                raise QueryFailed(504, f"the query hit the time limit of {self.settings.query_timeout:g} s "
                                       "and was stopped") from None
            if await _aborted(worker):
                raise QueryFailed(422, "the query needed more memory than its worker may use "
                                       f"(worker_memory_mb = {self.settings.worker_memory_mb} MiB) and was stopped") from None
            raise QueryFailed(500, "the query worker died while answering; it has been replaced") from None


class _Rest:
    """The chunks after an answer's first, read from its worker as the response sends them.

    An exception here aborts the HTTP response, so a cut answer never looks whole. A response that
    stops reading (client gone) gives the worker back to the pool to drain or retire; so does one
    that never starts: Starlette neither starts nor closes a body it can no longer send, hence the
    finalizer.
    """

    def __init__(self, pool: WorkerPool, worker: Worker) -> None:
        self.pool = pool
        self.worker = worker
        self.settled = False

    def __aiter__(self) -> _Rest:
        return self

    async def __anext__(self) -> bytes:
        if self.settled:
            raise StopAsyncIteration
        try:
            kind, payload = await self.pool._next(self.worker)
        except BaseException:
            self._give_up()
            raise
        if kind == DATA:
            return payload
        self.settled = True
        if kind != END:
            self.pool._retire(self.worker)
            raise QueryFailed(500, _failure_message(kind, payload))
        self.pool._release(self.worker)
        if not payload:
            raise StopAsyncIteration
        return payload

    def _give_up(self) -> None:
        if not self.settled:
            self.settled = True
            self.pool._abandon(self.worker)

    def __del__(self) -> None:
        self._give_up()


async def _aborted(worker: Worker) -> bool:
    """Whether the worker died of SIGABRT: how Rust ends a process whose allocation failed under
    its memory cap (``worker_memory_mb``, set by ``untoc_kg.limits.apply_worker_memory_limit``)."""
    try:
        await asyncio.wait_for(asyncio.shield(worker.process.wait()), 2.0)
    except TimeoutError:
        return False
    return worker.process.returncode == -signal.SIGABRT


def _failure_message(kind: bytes, payload: bytes) -> str:
    if kind == ERROR:
        return json.loads(payload)["message"]
    return f"unexpected frame {kind!r} from the query worker"


if __name__ == "__main__":
    worker_main()
