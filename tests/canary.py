"""The canary every hostile request aims at, and /proc probes of a running server's process tree.

A canary is two real TCP listeners on loopback (127.0.0.1 and, when the machine has it, ::1)
that count every connection, and a ``file:///`` target holding a unique secret. They answer
with that secret, so a server that fetched one of them would both be counted and leak the secret
into its answer. Tests assert zero connections and no secret in any output.
"""

from __future__ import annotations

import os
import secrets
import socket
import threading
from dataclasses import dataclass, field
from pathlib import Path

ACCEPT_POLL_SECONDS = 0.2
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")


@dataclass
class Listener:
    """One counting TCP listener; it answers any request with the secret as Turtle."""

    family: socket.AddressFamily
    host: str
    secret: str
    connections: list[tuple[str, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.sock = socket.socket(self.family, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((self.host, 0))
        self.sock.listen(16)
        self.sock.settimeout(ACCEPT_POLL_SECONDS)
        self.port = self.sock.getsockname()[1]
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._serve, name=f"canary-{self.host}", daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/canary"

    def _serve(self) -> None:
        body = f'<urn:canary> <urn:says> "{self.secret}" .\n'.encode()
        reply = b"HTTP/1.1 200 OK\r\nContent-Type: text/turtle\r\nConnection: close\r\n"
        reply += f"Content-Length: {len(body)}\r\n\r\n".encode() + body
        while not self.stopping.is_set():
            try:
                conn, peer = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            self.connections.append(peer[:2])
            with conn:
                conn.settimeout(1)
                try:
                    conn.recv(65536)
                    conn.sendall(reply)
                except OSError:
                    pass

    def close(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=2)
        self.sock.close()


def has_ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as sock:
            sock.bind(("::1", 0))
        return True
    except OSError:
        return False


class Canary:
    """Loopback listeners and a secret file: what a server that reaches outside would touch."""

    def __init__(self, directory: Path) -> None:
        self.secret = "canary-" + secrets.token_hex(16)
        self.file = directory / "canary.ttl"  # the name is echoed in refusals: only the content is secret
        self.file.write_text(f'<urn:canary> <urn:says> "{self.secret}" .\n')
        self.listeners = [Listener(socket.AF_INET, "127.0.0.1", self.secret)]
        if has_ipv6_loopback():
            self.listeners.append(Listener(socket.AF_INET6, "::1", self.secret))

    @property
    def http_iris(self) -> list[str]:
        return [listener.url for listener in self.listeners]

    @property
    def file_iri(self) -> str:
        return self.file.as_uri()

    @property
    def iris(self) -> list[str]:
        """Every target: the loopback listeners and the secret file."""
        return [*self.http_iris, self.file_iri]

    def connections(self) -> list[tuple[str, int]]:
        return [peer for listener in self.listeners for peer in listener.connections]

    def assert_untouched(self, *outputs: str | bytes) -> None:
        """No connection reached a listener, and no output holds the secret."""
        assert self.connections() == [], f"the canary was contacted: {self.connections()}"
        for output in outputs:
            text = output.decode("utf-8", "replace") if isinstance(output, bytes) else output
            assert self.secret not in text, "an answer holds the canary's secret"

    def close(self) -> None:
        for listener in self.listeners:
            listener.close()


def process_tree(pid: int) -> list[int]:
    """``pid`` and all its living descendants, from /proc."""
    tree, pending = [], [pid]
    while pending:
        current = pending.pop()
        tree.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                pending.extend(int(child) for child in task.read_text().split())
            except OSError:
                continue
    return tree


def _stat_fields(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return raw[raw.rindex(")") + 2:].split()


def tree_cpu_seconds(pid: int) -> float:
    """CPU time ever used by the tree: each living process's own plus that of children it reaped.

    A killed query worker's time moves into its parent's ``cutime`` when reaped, so the total
    counts it once and stops growing when nothing runs.
    """
    total = 0
    for member in process_tree(pid):
        fields = _stat_fields(member)
        if fields is not None:
            total += sum(int(value) for value in fields[11:15])  # utime stime cutime cstime
    return total / CLOCK_TICKS


def tree_rss_bytes(pid: int) -> int:
    """Resident memory of the whole tree."""
    total = 0
    for member in process_tree(pid):
        try:
            total += int(Path(f"/proc/{member}/statm").read_text().split()[1]) * PAGE_BYTES
        except OSError:
            continue
    return total


def remote_addresses(pid: int) -> set[str]:
    """Remote IPv4 addresses of the tree's TCP sockets (from /proc/PID/net/tcp of each member)."""
    inodes = set()
    for member in process_tree(pid):
        for fd in Path(f"/proc/{member}/fd").glob("*"):
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    addresses = set()
    try:
        lines = Path(f"/proc/{pid}/net/tcp").read_text().splitlines()[1:]
    except OSError:
        return addresses
    for line in lines:
        parts = line.split()
        if parts[9] in inodes:
            remote = parts[2].split(":")[0]
            addresses.add(socket.inet_ntoa(bytes.fromhex(remote)[::-1]))
    return addresses
