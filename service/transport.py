"""The HTTP protocol uvicorn runs: h11 with Nagle's algorithm off on every TCP connection.

With ``--workers N`` uvicorn binds the listening socket itself, and asyncio turns TCP_NODELAY on
only for sockets it knows to be TCP, so Nagle stays on: uvicorn writes a response's headers and body
separately, and the body then waits for the client's delayed ACK, about 40 ms on every response after
a connection's first (measured on loopback; docs/benchmarks.md).
"""

from __future__ import annotations

import asyncio
import socket

from uvicorn.protocols.http.h11_impl import H11Protocol


class NoDelayH11Protocol(H11Protocol):
    """uvicorn's h11 protocol, with TCP_NODELAY set on each connection's socket."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        connection = transport.get_extra_info("socket")
        if connection is not None and connection.family in (socket.AF_INET, socket.AF_INET6):
            connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)
