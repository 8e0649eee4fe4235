"""HTTP transport to a SPARQL query endpoint: pooled ``http.client`` connections, and answer bodies.

Kept apart from ``untoc_kg.store.remote`` because nothing here knows SPARQL: it posts forms and hands
back bodies, streamed (``ChunkReader``) or spooled (``Spool``). The standard library's client is
used because a small query costs the server a few ms and httpx's own cost would show; httpx is
used only when a proxy must carry the queries.
"""

from __future__ import annotations

import base64
import http.client
import io
import os
import socket
import tempfile
import threading
from collections.abc import Iterator
from typing import IO
from urllib.parse import unquote, urlencode, urlsplit
from urllib.request import getproxies, proxy_bypass

import httpx

from . import StoreError

CONNECT_SECONDS = 5.0
SPOOL_BYTES = 8 * 1024 * 1024
TIMEOUTS = (httpx.TimeoutException, TimeoutError)
HTTP_ERRORS = (httpx.HTTPError, http.client.HTTPException, OSError)
FORM_TYPE = "application/x-www-form-urlencoded"
READ_BYTES = 64 * 1024
IDLE_CONNECTIONS = 4


def query_client(url: str, timeout: float) -> "Endpoint | httpx.Client":
    """The HTTP client for queries: the standard library's, or httpx when a proxy must carry them."""
    parts = urlsplit(url)
    if parts.scheme in getproxies() and not proxy_bypass(parts.hostname or ""):
        return httpx.Client(timeout=httpx.Timeout(timeout, connect=CONNECT_SECONDS), follow_redirects=False)
    return Endpoint(url, timeout)


class Endpoint:
    """Keep-alive HTTP/1.1 connections to a query endpoint, through ``http.client`` (thread-safe: the
    Linked Data views query from several threads).

    A small query costs the server a few ms, so the client's own cost shows: httpx spends about 1.4 ms
    of CPU a request here, ``http.client`` 0.5 ms. Queries are read-only, so a request that meets a
    connection the server closed while idle is sent again on a new one.
    """

    def __init__(self, url: str, timeout: float) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise StoreError(f"not an http(s) endpoint: {url}")
        self.url = url
        self.https = parts.scheme == "https"
        self.host = parts.hostname
        self.port = parts.port
        self.target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self.timeout = timeout
        self.headers = {"Content-Type": FORM_TYPE, "User-Agent": "untoc-kg"}
        if parts.username is not None:
            pair = f"{unquote(parts.username)}:{unquote(parts.password or '')}".encode()
            self.headers["Authorization"] = "Basic " + base64.b64encode(pair).decode()
        self.idle: list[http.client.HTTPConnection] = []
        self.lock = threading.Lock()
        self.pid = os.getpid()

    def post(self, form: dict[str, object], accept: str) -> "Response":
        body = urlencode(form, doseq=True).encode()
        headers = {**self.headers, "Accept": accept}
        for attempt in (1, 2):
            with self.lock:
                if self.pid != os.getpid():  # a forked process must not share its parent's sockets
                    self.idle, self.pid = [], os.getpid()
                connection = self.idle.pop() if self.idle else None
            reused = connection is not None
            connection = connection or self._connect()  # given back by the response once it is read whole
            try:
                connection.request("POST", self.target, body=body, headers=headers)
                return Response(connection.getresponse(), connection, self)
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                connection.close()
                if not reused or attempt == 2:
                    raise
            except BaseException:
                connection.close()
                raise
        raise AssertionError("unreachable")

    def _connect(self) -> http.client.HTTPConnection:
        kind = http.client.HTTPSConnection if self.https else http.client.HTTPConnection
        connection = kind(self.host, self.port, timeout=CONNECT_SECONDS)
        connection.connect()
        connection.sock.settimeout(self.timeout)
        connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # headers and body: two writes
        return connection

    def give_back(self, connection: http.client.HTTPConnection) -> None:
        with self.lock:
            if len(self.idle) < IDLE_CONNECTIONS:
                self.idle.append(connection)
                return
        connection.close()

    def close(self) -> None:
        with self.lock:
            idle, self.idle = self.idle, []
        for connection in idle:
            connection.close()


class Response:
    """An ``http.client`` response with the few parts of httpx's interface the store uses."""

    def __init__(self, response: http.client.HTTPResponse, connection: http.client.HTTPConnection,
                 endpoint: Endpoint) -> None:
        self.response = response
        self.connection: http.client.HTTPConnection | None = connection
        self.endpoint = endpoint
        self.status_code = response.status
        self.headers = response.headers
        self.content = b""
        self.finished = False

    def iter_bytes(self) -> Iterator[bytes]:
        while chunk := self.response.read1(READ_BYTES):
            yield chunk
        self.finished = True

    def read(self) -> bytes:
        self.content = self.response.read()
        self.finished = True
        return self.content

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")

    def close(self) -> None:
        """Give the connection back when the body was read whole; close it otherwise."""
        connection, self.connection = self.connection, None
        if connection is None:
            return
        self.response.close()
        if self.finished and not self.response.will_close:
            self.endpoint.give_back(connection)
        else:
            connection.close()


class ChunkReader(io.RawIOBase):
    """Byte chunks as a file object for pyoxigraph's parsers; closes the response when done."""

    def __init__(self, chunks: Iterator[bytes], response: httpx.Response) -> None:
        super().__init__()
        self.chunks = chunks
        self.response = response
        self.pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self.pending:
            chunk = next(self.chunks, None)
            if chunk is None:
                self.close()
                return 0
            self.pending = chunk
        size = min(len(buffer), len(self.pending))
        buffer[:size] = self.pending[:size]
        self.pending = self.pending[size:]
        return size

    def close(self) -> None:
        self.response.close()
        super().close()


class Spool:
    """A response body kept in memory up to a few MiB, then on disk."""

    def __init__(self) -> None:
        self.file = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)

    def close(self) -> None:
        self.file.close()

    def read(self) -> bytes:
        return self.file.read()

    def __enter__(self) -> IO[bytes]:
        return self.file  # type: ignore[return-value]

    def __exit__(self, *exc: object) -> None:
        self.close()
