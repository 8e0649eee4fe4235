"""Query worker processes with a hard time limit, and the pool that keeps them warm.

Neither pyoxigraph nor a Python thread can be stopped in the middle of a query, so every query
runs in a worker process (``python -m service.sparql.workers``) that the server kills at the
deadline. Workers open the store read-only themselves (its engine cannot be pickled), read one
JSON job per line on stdin and answer with frames on stdout: a type byte, a 4-byte length, a
payload. The server reads those frames on its event loop, so queries never block it, and the pipe
gives back-pressure: a slow client slows the worker instead of filling memory.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import struct
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import BinaryIO

from ..config import SETTINGS_VARIABLE, Settings
from ..limits import lower_priority
from .execution import Job, run
from .formats import BY_NAME, ResultFormat

HEAD, DATA, ERROR, END, READY = b"H", b"D", b"E", b"Z", b"R"
READY_SECONDS = 120
_FRAME = struct.Struct(">cI")


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

    def end(self) -> None:
        self._frame(END, b"")
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

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process

    @classmethod
    async def start(cls, settings: Settings) -> "Worker":
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "service.sparql.workers",
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            env={**os.environ, SETTINGS_VARIABLE: settings.to_env()},
        )
        lower_priority(process.pid)
        worker = cls(process)
        kind, _ = await asyncio.wait_for(worker.frame(), READY_SECONDS)  # a query waits for no start-up
        if kind != READY:
            raise RuntimeError(f"a query worker started with frame {kind!r} instead of ready")
        return worker

    @property
    def alive(self) -> bool:
        return self.process.returncode is None

    async def send(self, job: Job) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(job.to_line())
        await self.process.stdin.drain()

    async def frame(self) -> tuple[bytes, bytes]:
        assert self.process.stdout is not None
        kind, length = _FRAME.unpack(await self.process.stdout.readexactly(_FRAME.size))
        return kind, await self.process.stdout.readexactly(length)

    async def stop(self) -> None:
        """Ask politely (close stdin), then kill: used when the server shuts down."""
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            await asyncio.wait_for(self.process.wait(), 5)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()


@dataclass
class Answer:
    """A query's answer as it arrives: its format, the first chunk, and the rest to stream."""

    result_format: ResultFormat
    first: bytes
    rest: AsyncIterator[bytes]


class WorkerPool:
    """A fixed number of warm workers; a killed or dead worker is replaced by a fresh one."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.idle: asyncio.Queue[Worker] = asyncio.Queue()
        self.workers: set[Worker] = set()
        self.replacing: set[asyncio.Task[None]] = set()
        self.leases: dict[Worker, asyncio.TimerHandle] = {}

    async def start(self) -> None:
        for _ in range(max(1, self.settings.query_workers)):
            await self._add()

    async def close(self) -> None:
        await asyncio.gather(*self.replacing, return_exceptions=True)
        await asyncio.gather(*(worker.stop() for worker in list(self.workers)))
        self.workers.clear()

    async def _add(self) -> None:
        worker = await Worker.start(self.settings)
        self.workers.add(worker)
        self.idle.put_nowait(worker)

    def _retire(self, worker: Worker) -> None:
        """Kill ``worker`` now and start its replacement in a task of its own.

        Synchronous on purpose: it is called while a request is being cancelled (client gone),
        when any ``await`` could be interrupted and leave the pool one worker short. Idempotent:
        the deadline's timer and the request's own handling may both retire the same worker.
        """
        if worker not in self.workers:
            return
        self.workers.discard(worker)
        lease = self.leases.pop(worker, None)
        if lease is not None:
            lease.cancel()
        if worker.alive:
            worker.process.kill()
        task = asyncio.get_running_loop().create_task(self._replace(worker))
        self.replacing.add(task)
        task.add_done_callback(self.replacing.discard)

    def _lease(self, worker: Worker, deadline: float) -> None:
        """Mark ``worker`` busy until released; at the deadline it is retired whoever holds it.

        This holds even when no one reads the answer any more (a client gone before the body was
        started, an error between two awaits): the deadline does not depend on the request's code.
        """
        delay = max(0.0, deadline - time.monotonic())
        self.leases[worker] = asyncio.get_running_loop().call_later(delay, self._expire, worker)

    def _expire(self, worker: Worker) -> None:
        if worker in self.leases:
            self._retire(worker)

    def _release(self, worker: Worker) -> None:
        """``worker`` finished its job cleanly: back to the idle queue (unless its lease just expired)."""
        lease = self.leases.pop(worker, None)
        if lease is not None:
            lease.cancel()
            self.idle.put_nowait(worker)

    async def _replace(self, worker: Worker) -> None:
        await worker.process.wait()
        await self._add()

    async def answer(self, job: Job) -> Answer:
        """Run ``job`` within the time limit; raises QueryFailed with the status to send when it cannot.

        Waiting for a free worker is bounded by the time limit too, but answered with 503: a query
        that never ran did not hit the limit. The deadline then covers evaluation and the whole
        transfer: a worker that still runs at the deadline is killed and replaced.
        """
        worker = await self._acquire(time.monotonic() + self.settings.query_timeout)
        deadline = time.monotonic() + self.settings.query_timeout
        self._lease(worker, deadline)
        try:
            await worker.send(job)
            kind, payload = await self._next(worker, deadline)
            if kind == ERROR:
                self._release(worker)
                failure = json.loads(payload)
                raise QueryFailed(failure["status"], failure["message"])
            result_format = BY_NAME[payload.decode()]
            kind, first = await self._next(worker, deadline)
        except QueryFailed:
            raise
        except ConnectionError:
            self._retire(worker)
            raise QueryFailed(500, "the query worker died before answering; it has been replaced") from None
        except BaseException:
            self._retire(worker)
            raise
        if kind == END:
            self._release(worker)
            return Answer(result_format, b"", _nothing())
        if kind != DATA:
            self._retire(worker)
            raise QueryFailed(500, _failure_message(kind, first))
        return Answer(result_format, first, self._stream(worker, deadline))

    async def _acquire(self, deadline: float) -> Worker:
        """A live idle worker; a dead one met on the way is replaced. 503 when none frees up in time."""
        while True:
            try:
                worker = await asyncio.wait_for(self.idle.get(), max(0.0, deadline - time.monotonic()))
            except TimeoutError:
                raise QueryFailed(503, f"every query worker stayed busy for {self.settings.query_timeout:g} s; "
                                       "try again later") from None
            if worker.alive:
                return worker
            self._retire(worker)

    async def _next(self, worker: Worker, deadline: float) -> tuple[bytes, bytes]:
        """The worker's next frame; QueryFailed (worker killed) at the deadline or when it dies."""
        try:
            return await asyncio.wait_for(worker.frame(), max(0.0, deadline - time.monotonic()))
        except (TimeoutError, asyncio.IncompleteReadError, ConnectionError):
            self._retire(worker)
            if time.monotonic() >= deadline:  # the wait timed out, or the deadline's timer killed the worker
                raise QueryFailed(504, f"the query hit the time limit of {self.settings.query_timeout:g} s "
                                       "and was stopped") from None
            if await _aborted(worker):
                raise QueryFailed(422, "the query needed more memory than its worker may use "
                                       f"(worker_memory_mb = {self.settings.worker_memory_mb} MiB) and was stopped") from None
            raise QueryFailed(500, "the query worker died while answering; it has been replaced") from None

    async def _stream(self, worker: Worker, deadline: float) -> AsyncIterator[bytes]:
        """The remaining chunks; an exception here aborts the HTTP response, so a cut answer never looks whole."""
        finished = False
        try:
            while True:
                kind, payload = await self._next(worker, deadline)
                if kind == END:
                    finished = True
                    return
                if kind != DATA:
                    raise QueryFailed(500, _failure_message(kind, payload))
                yield payload
        finally:
            if finished:
                self._release(worker)
            else:
                self._retire(worker)


async def _aborted(worker: Worker) -> bool:
    """Whether the worker died of SIGABRT: how Rust ends a process whose allocation failed under
    its memory cap (``worker_memory_mb``, set by ``service.limits.apply_worker_memory_limit``)."""
    try:
        await asyncio.wait_for(asyncio.shield(worker.process.wait()), 2.0)
    except TimeoutError:
        return False
    return worker.process.returncode == -signal.SIGABRT


def _failure_message(kind: bytes, payload: bytes) -> str:
    if kind == ERROR:
        return json.loads(payload)["message"]
    return f"unexpected frame {kind!r} from the query worker"


async def _nothing() -> AsyncIterator[bytes]:
    return
    yield


if __name__ == "__main__":
    worker_main()
