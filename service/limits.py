"""HTTP-level limits: one ASGI middleware in front of every route, and the query workers' memory cap.

Every refusal names the limit that was hit and its value in a plain-text body, so that a client
(or its operator) knows which setting to change; 429 and 503 carry ``Retry-After``. The limits
and their defaults are documented in docs/security.md.

The counters (in-flight requests, per-client budgets) live in one HTTP worker process: with
``--workers N`` each process keeps its own, so the server-wide figures are N times these.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import math
import os
import resource
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

QUERY_PATHS = ("/sparql",)
"""Paths whose ``query`` / ``update`` parameters are SPARQL text and whose answers are query results."""

QUERY_PARAMETERS = ("query", "update")
QUERY_RUNS = "untoc_kg.query_runs"
"""The scope key of a callback the query route calls once a worker runs the query: a query turns
slow after running ``slow_query_seconds``, so waiting for a worker never makes a bystander slow."""
MAX_CLIENTS_TRACKED = 10_000
UNBUDGETED = frozenset({"127.0.0.1", "::1"})
HEAD_OVERHEAD = 4  # ": " and CRLF around every header line, as on the wire
DRAIN_BYTES = 16 * 1024 * 1024
DRAIN_SECONDS = 2.0
BODY_SECONDS = 30.0
"""A request body must arrive within this time (408), so that a client trickling bytes holds
nothing for long; it is charged to the client's budget all the same."""


@dataclass(frozen=True)
class Limits:
    """The HTTP-level limits of one server; the defaults live in ``Settings`` (flags ``--max-body-bytes`` etc.)."""

    max_body_bytes: int
    max_header_bytes: int
    max_query_length: int
    max_result_bytes: int
    max_concurrent: int
    client_rate: float
    client_burst: float
    max_slow_queries: int
    slow_query_seconds: float

    @classmethod
    def from_settings(cls, settings: object) -> "Limits":
        """The limits named in ``settings`` (any object with attributes of these names)."""
        return cls(**{name: getattr(settings, name) for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Refusal:
    """A response that says which limit a request hit, e.g. ``413 Content Too Large: the request
    body exceeds max_body_bytes = 1048576 bytes``."""

    status: int
    reason: str
    what: str
    limit: str
    value: float
    unit: str
    retry_after: int | None = None

    def text(self) -> str:
        return f"{self.status} {self.reason}: {self.what} exceeds {self.limit} = {_number(self.value)} {self.unit}\n"

    async def send(self, send: Send) -> None:
        body = self.text().encode()
        headers = [
            (b"content-type", b"text/plain; charset=utf-8"),
            (b"content-length", str(len(body)).encode()),
            (b"x-limit", f"{self.limit}={_number(self.value)}".encode()),
            (b"connection", b"close"),
        ]
        if self.retry_after is not None:
            headers.append((b"retry-after", str(self.retry_after).encode()))
        await send({"type": "http.response.start", "status": self.status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


class ClientBudgets:
    """A token bucket per client address: ``rate`` tokens a second, at most ``burst`` saved.

    A request costs one token when it starts and ``rate`` tokens per second it took when it ends,
    so a client may keep the server busy for about one request-second per second however it
    splits that time: many cheap requests, or a few slow queries; ``rate`` sets how many short
    requests it may make. A rate of 0 turns the budgets off. IPv6 clients are grouped by
    /64, the block one subscriber usually holds.
    """

    def __init__(self, rate: float, burst: float) -> None:
        self.rate = rate
        self.burst = burst
        self.buckets: dict[str, tuple[float, float]] = {}

    def take(self, client: str, now: float) -> float:
        """Spend one token; 0 when granted, else the seconds until one is available."""
        if self.rate <= 0:
            return 0.0
        tokens = self._tokens(client, now)
        if tokens < 1.0:
            return (1.0 - tokens) / self.rate
        self.buckets[client] = (tokens - 1.0, now)
        return 0.0

    def charge(self, client: str, seconds: float, now: float) -> None:
        """Charge a finished request for the time it took (the balance may go below zero)."""
        if self.rate <= 0:
            return
        self.buckets[client] = (self._tokens(client, now) - seconds * self.rate, now)
        if len(self.buckets) > MAX_CLIENTS_TRACKED:
            self._forget_idle(now)
        if len(self.buckets) > MAX_CLIENTS_TRACKED:  # a flood of addresses: forget the oldest half
            for client in list(self.buckets)[: len(self.buckets) // 2]:
                del self.buckets[client]

    def _tokens(self, client: str, now: float) -> float:
        tokens, then = self.buckets.get(client, (self.burst, now))
        return min(self.burst, tokens + (now - then) * self.rate)

    def _forget_idle(self, now: float) -> None:
        """Drop clients whose bucket has refilled: forgetting them changes nothing."""
        for client in [c for c in self.buckets if self._tokens(c, now) >= self.burst]:
            del self.buckets[client]


def client_key(scope: Scope) -> str:
    """The budget a request is charged to: its client address (an IPv6 one by /64)."""
    host = (scope.get("client") or ("unknown", 0))[0]
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _budgeted(scope: Scope) -> bool:
    """Whether the request is charged to a client budget: all but the host's own loopback address.

    127.0.0.1 and ::1 are the host itself, or a reverse proxy on it that sent no X-Forwarded-For;
    budgeting that one address would throttle every client behind the proxy together.
    """
    return (scope.get("client") or ("", 0))[0] not in UNBUDGETED


def charged_client(scope: Scope) -> str:
    """The client a request is charged to; '' for the host's own loopback address, which may stand for many."""
    return client_key(scope) if _budgeted(scope) else ""


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope["headers"]:
        if key.lower() == name:
            return value
    return None


def _head_size(scope: Scope) -> int:
    """The request line and headers' size as sent: what ``max_header_bytes`` bounds."""
    target = len(scope.get("raw_path") or scope["path"].encode()) + len(scope.get("query_string", b""))
    line = len(scope["method"]) + target + len(b" HTTP/1.1") + 3
    return line + sum(len(k) + len(v) + HEAD_OVERHEAD for k, v in scope["headers"])


def _query_text_length(pairs: list[tuple[str, str]]) -> int:
    return max((len(v) for k, v in pairs if k in QUERY_PARAMETERS), default=0)


def _is_query_path(scope: Scope) -> bool:
    return scope["path"].rstrip("/") in QUERY_PATHS


@dataclass
class _Running:
    """One query request in progress, as the slow-query watchdog sees it."""

    task: asyncio.Task | None
    slow: bool = False
    stopped: bool = False
    answering: bool = False


class LimitsMiddleware:
    """Refuses requests that exceed a limit before any route sees them, and caps query results."""

    def __init__(self, app: ASGIApp, limits: Limits, clock: Callable[[], float] = time.monotonic) -> None:
        self.app = app
        self.limits = limits
        self.clock = clock
        self.budgets = ClientBudgets(limits.client_rate, limits.client_burst)
        self.active = 0
        self.slow = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = self._check_head(scope) or self._spend_budget(scope)
        if refusal is not None:
            if refusal.limit == "max_body_bytes":
                await _drain(scope, receive)
            await refusal.send(send)
            return
        client, started = client_key(scope), self.clock()
        try:
            await self._serve(scope, receive, send)
        finally:
            if _budgeted(scope):
                now = self.clock()
                self.budgets.charge(client, now - started, now)

    async def _serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Read the body (outside the concurrency slots, so slow senders hold none), then run the app."""
        body, refusal = await self._read_body(scope, receive)
        if refusal is None and self.active >= self.limits.max_concurrent:
            refusal = Refusal(503, "Service Unavailable", "the number of requests in progress",
                              "max_concurrent", self.limits.max_concurrent, "requests", retry_after=1)
        if refusal is not None:
            await refusal.send(send)
            return
        replay = _replaying(body, receive)
        self.active += 1
        try:
            if _is_query_path(scope):
                await self._run_query(scope, replay, ResultCap(send, self.limits.max_result_bytes).send)
            else:
                await self.app(scope, replay, send)
        finally:
            self.active -= 1

    async def _run_query(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run a query request; if it turns slow while ``max_slow_queries`` slow ones already run, stop it.

        Stopping cancels the request: the pool kills the worker behind it, and the client gets a
        503 naming the limit (or, once its answer has started, a cut connection).
        """
        run = _Running(asyncio.current_task())
        loop = asyncio.get_running_loop()
        watchdog: list[asyncio.TimerHandle] = []
        scope[QUERY_RUNS] = lambda: watchdog.append(
            loop.call_later(self.limits.slow_query_seconds, self._turned_slow, run))

        async def watched_send(message: Message) -> None:
            run.answering |= message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watched_send)
        except asyncio.CancelledError:
            if not run.stopped or run.task is None or run.task.uncancel() > 0:
                raise
            if not run.answering:
                await Refusal(503, "Service Unavailable", "the number of slow queries running at once",
                              "max_slow_queries", self.limits.max_slow_queries,
                              f"queries (slow: past slow_query_seconds = {_number(self.limits.slow_query_seconds)} s)",
                              retry_after=max(1, math.ceil(self.limits.slow_query_seconds))).send(send)
        finally:
            for timer in watchdog:
                timer.cancel()
            if run.slow:
                self.slow -= 1

    def _turned_slow(self, run: "_Running") -> None:
        if self.slow >= self.limits.max_slow_queries and run.task is not None:
            run.stopped = True
            run.task.cancel()
        else:
            run.slow = True
            self.slow += 1

    def _check_head(self, scope: Scope) -> Refusal | None:
        limits = self.limits
        if _head_size(scope) > limits.max_header_bytes:
            return Refusal(431, "Request Header Fields Too Large", "the request line and headers",
                           "max_header_bytes", limits.max_header_bytes, "bytes")
        declared = _header(scope, b"content-length")
        if declared is not None and declared.strip().isdigit() and int(declared) > limits.max_body_bytes:
            return _body_refusal(limits)
        if _is_query_path(scope):
            pairs = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
            if _query_text_length(pairs) > limits.max_query_length:
                return Refusal(414, "URI Too Long", "the SPARQL text in the URL",
                               "max_query_length", limits.max_query_length, "characters")
        return None

    def _spend_budget(self, scope: Scope) -> Refusal | None:
        if not _budgeted(scope):
            return None
        wait = self.budgets.take(client_key(scope), self.clock())
        if wait <= 0:
            return None
        return Refusal(429, "Too Many Requests", "this client's use of the server", "client_rate",
                       self.limits.client_rate,
                       f"tokens per second (burst client_burst = {_number(self.limits.client_burst)})",
                       retry_after=max(1, math.ceil(wait)))

    async def _read_body(self, scope: Scope, receive: Receive) -> tuple[bytes, Refusal | None]:
        """The whole request body, read up to ``max_body_bytes`` within ``BODY_SECONDS``."""
        try:
            async with asyncio.timeout(BODY_SECONDS):
                return await self._read_body_now(scope, receive)
        except TimeoutError:
            return b"", Refusal(408, "Request Timeout", "the time taken to send the request body",
                                "body_seconds", BODY_SECONDS, "seconds")

    async def _read_body_now(self, scope: Scope, receive: Receive) -> tuple[bytes, Refusal | None]:
        limits, chunks, size = self.limits, [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return b"", None
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limits.max_body_bytes:
                if message.get("more_body", False):
                    await _drain(scope, receive)
                return b"", _body_refusal(limits)
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if _is_query_path(scope) and body and _query_text_length(_body_pairs(scope, body)) > limits.max_query_length:
            return b"", Refusal(413, "Content Too Large", "the SPARQL text",
                                "max_query_length", limits.max_query_length, "characters")
        return body, None


async def _drain(scope: Scope, receive: Receive) -> None:
    """Read and drop what the client still sends, up to ``DRAIN_BYTES`` for ``DRAIN_SECONDS``.

    A client that writes its whole body before reading (most do) would otherwise meet a
    connection reset instead of the 413 that names the limit; one that sent ``Expect:
    100-continue`` has not sent the body and is not asked to.
    """
    if _header(scope, b"expect") is not None:
        return
    size = 0
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(DRAIN_SECONDS):
            while size <= DRAIN_BYTES:
                message = await receive()
                size += len(message.get("body", b""))
                if message["type"] != "http.request" or not message.get("more_body", False):
                    return


def _body_refusal(limits: Limits) -> Refusal:
    return Refusal(413, "Content Too Large", "the request body", "max_body_bytes", limits.max_body_bytes, "bytes")


def _body_pairs(scope: Scope, body: bytes) -> list[tuple[str, str]]:
    """The SPARQL text of a POST body as (parameter, text) pairs, whatever its declared type."""
    media_type = (_header(scope, b"content-type") or b"").split(b";")[0].strip().lower()
    text = body.decode("utf-8", errors="replace")
    if media_type == b"application/x-www-form-urlencoded":
        return parse_qsl(text, keep_blank_values=True)
    return [("query", text)]


def _replaying(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that gives the already-read body once, then waits on the client as usual."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


class ResultTooLarge(Exception):
    """Raised into the route when its answer passes ``max_result_bytes``: the server cuts the
    connection, the route's generator is closed, and the query worker behind it is retired."""


class ResultCap:
    """Passes a query's answer through as it streams, counting bytes, and stops it at ``limit``.

    An answer whose size is declared (Content-Length) and too large becomes a 422 naming the
    limit. A streamed one is cut: its last bytes are the limit's message and the connection closes
    without the final chunk, so no client can take the partial answer for a whole one (truncating
    with a clean 200, as some public endpoints do, hands out wrong answers that look right).
    Holding answers back to decide first would undo the endpoint's streaming, which is what keeps
    a million-row answer out of the server's memory.
    """

    def __init__(self, send: Send, limit: int) -> None:
        self.downstream = send
        self.limit = limit
        self.size = 0
        self.refused = False

    async def send(self, message: Message) -> None:
        if self.refused:
            return
        if message["type"] == "http.response.start" and self._declared(message) > self.limit:
            self.refused = True
            await self._refusal().send(self.downstream)
            return
        if message["type"] == "http.response.body":
            self.size += len(message.get("body", b""))
            if self.size > self.limit:
                cut = b"\n\n" + self._refusal().text().encode()
                await self.downstream({"type": "http.response.body", "body": cut, "more_body": True})
                raise ResultTooLarge(self._refusal().text().strip())
        await self.downstream(message)

    def _refusal(self) -> Refusal:
        return Refusal(422, "Unprocessable Content", "the query's result (add LIMIT or narrow the query)",
                       "max_result_bytes", self.limit, "bytes")

    @staticmethod
    def _declared(start: Message) -> int:
        for key, value in start.get("headers", []):
            if key.lower() == b"content-length" and value.strip().isdigit():
                return int(value)
        return 0


def apply_worker_memory_limit(megabytes: int) -> None:
    """Cap the calling process's heap (RLIMIT_DATA) at ``megabytes``; 0 leaves it unlimited.

    Called by each query worker when it starts, so that a query that builds a huge intermediate
    result fails in its own process instead of pushing the machine into swap or the OOM killer.
    RLIMIT_DATA (Linux ≥ 4.7) counts private writable memory (heap, anonymous maps) and not the
    store's file mappings or thread stacks, so a small cap does not stop the worker from starting.
    """
    if megabytes <= 0:
        return
    cap = megabytes * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_DATA)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (cap, hard))


WORKER_NICENESS = 10


def lower_priority(pid: int) -> None:
    """Run process ``pid`` (a query worker) at a lower CPU priority than the HTTP server.

    Runaway queries and the start-up of workers that replace killed ones are CPU-bound; at equal
    priority they starve the event loop that answers everyone. Quick queries still run promptly:
    the scheduler favours a process that wakes after sleeping over one that has been computing.
    """
    try:
        os.setpriority(os.PRIO_PROCESS, pid, WORKER_NICENESS)
    except (OSError, AttributeError):
        pass
