"""Nagle's algorithm is off on every connection the server accepts, also when uvicorn binds the socket."""

from __future__ import annotations

import asyncio
import socket

import pytest
from uvicorn.config import Config
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.server import ServerState

from untoc_kg.transport import NoDelayH11Protocol


async def nodelay_of_accepted_connection(protocol: type[H11Protocol]) -> int:
    """TCP_NODELAY on the server side of one loopback connection, the listener bound as uvicorn's workers do."""
    config = Config(app=lambda scope, receive, send: None)
    config.load()
    accepted: list[H11Protocol] = []

    def factory() -> H11Protocol:
        accepted.append(protocol(config=config, server_state=ServerState(), app_state={}))
        return accepted[-1]

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0)  # proto 0: asyncio leaves Nagle on
    listener.bind(("127.0.0.1", 0))
    server = await asyncio.get_running_loop().create_server(factory, sock=listener)
    _, writer = await asyncio.open_connection(*listener.getsockname())
    while not accepted or accepted[0].transport is None:
        await asyncio.sleep(0.01)
    value = accepted[0].transport.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    writer.close()
    server.close()
    return value


@pytest.mark.parametrize(("protocol", "nodelay"), [(NoDelayH11Protocol, True), (H11Protocol, False)])
def test_nodelay_is_set_on_accepted_connections(protocol: type[H11Protocol], nodelay: bool) -> None:
    assert bool(asyncio.run(nodelay_of_accepted_connection(protocol))) is nodelay
