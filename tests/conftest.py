"""Shared fixtures: a real ``untoc-kg serve`` on loopback, and the external programs tests drive."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from rdflib import Graph

from untoc_kg.project import Project
from untoc_kg.validation import read_graph

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = Path(os.environ.get("UNTOC_KG_SHARED", PROJECT_ROOT.parent / "shared"))
W3C_DIR = Path(os.environ.get("UNTOC_KG_W3C", SHARED_DIR / "w3c" / "sparql11"))
SOURCE_NOTE = SHARED_DIR / "seeds" / "000_42132fb16e99d948.txt"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
STARTUP_SECONDS = 120
SHAPE_FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "shapes"
PROJECT = Project(PROJECT_ROOT)


def require_shared(path: Path) -> Path:
    """A file from outside the checkout (the source note, a W3C manifest): skipped with what is missing
    and how to point to it when absent, a failure in CI (which runs with ../shared/ beside the clone)."""
    if not path.is_file():
        message = (f"{path} is missing: it lives outside the checkout; set UNTOC_KG_SHARED to the shared/ folder "
                   "(seeds/, w3c/) or UNTOC_KG_W3C to the W3C sparql11 suites")
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return path


def source_note_text() -> str:
    """The Spanish source note's text (skips where it is absent, see require_shared)."""
    return require_shared(SOURCE_NOTE).read_text(encoding="utf-8")


def require_binary(name: str) -> str:
    """The path of an external program; skipped locally when missing, a failure in CI (it must be installed)."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed (.ci/run installs it)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def untoc_kg_command() -> list[str]:
    script = Path(sys.executable).with_name("untoc-kg")
    return [str(script)] if script.exists() else [sys.executable, "-m", "untoc_kg.cli"]


UNLIMITED = ("--client-rate", "100", "--client-burst", "1000000000")
"""serve() arguments for suites that send many requests: a client budget that never gets in the way."""


def select(server: "Server", query: str) -> list[dict[str, str]]:
    """Rows of a SELECT on the server's own endpoint, each variable by its value."""
    response = httpx.get(server.sparql, params={"query": query}, headers={"Accept": "application/sparql-results+json"},
                         timeout=30)
    assert response.status_code == 200, response.text
    return [{k: v["value"] for k, v in row.items()} for row in response.json()["results"]["bindings"]]


@dataclass
class Server:
    """A running ``untoc-kg serve`` process."""

    url: str
    process: subprocess.Popen
    log: Path

    @property
    def sparql(self) -> str:
        return self.url + "sparql"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def cartesian(rows_power: int, projection: str = "*") -> str:
    """A query over 10^rows_power rows (one VALUES of ten digits per power): cheap per row, as long as wanted."""
    values = " ".join(f"VALUES ?v{n} {{ 0 1 2 3 4 5 6 7 8 9 }}" for n in range(rows_power))
    return f"SELECT {projection} WHERE {{ {values} }}"


BACKEND = os.environ.get("UNTOC_KG_BACKEND", "embedded")
VIRTUOSO_ENDPOINT = os.environ.get("UNTOC_KG_VIRTUOSO", "http://127.0.0.1:8891/sparql")
BUILD_ONLY_OPTIONS = {"--data": 1, "--graph": 1, "--no-project-data": 0, "--store": 1}


def load_remote(port: int, args: tuple[str, ...], env: dict[str, str]) -> tuple[str, ...]:
    """Virtuoso backend: ``untoc-kg build --endpoint`` with the data options, then serve args for it."""
    build_args, serve_args, rest = [], [], list(args)
    while rest:
        option = rest.pop(0).split("=", 1)
        name, inline = option[0], option[1:]
        if name in BUILD_ONLY_OPTIONS:
            taken = inline or [rest.pop(0) for _ in range(BUILD_ONLY_OPTIONS[name])]
            build_args += [name, *taken]
        else:
            serve_args += ["=".join([name, *inline])]
            if name == "--base-iri" and not inline:
                build_args += ["--base-iri", rest[0]]
    if "--base-iri" not in build_args:
        build_args += ["--base-iri", f"http://127.0.0.1:{port}/"]
    env.setdefault("UNTOC_KG_ENDPOINT_AUTH", "dba:dba")
    built = subprocess.run([*untoc_kg_command(), "build", "--endpoint", VIRTUOSO_ENDPOINT, *build_args],
                           capture_output=True, text=True, env=env, cwd=PROJECT_ROOT, timeout=600)
    if built.returncode != 0:
        raise RuntimeError(f"untoc-kg build --endpoint failed ({built.returncode}):\n{built.stderr}")
    return (*serve_args, "--endpoint", VIRTUOSO_ENDPOINT)


def start_server(state_dir: Path, *args: str, port: int | None = None, project: Path | None = None) -> Server:
    """Start ``untoc-kg serve`` on a loopback port with ``args`` and wait until it answers.

    ``port`` lets a test write data whose IRIs lie under the server's base before it starts;
    ``project`` serves another checkout's files (its queries/, data/).
    """
    port = port or free_port()
    log = state_dir / f"server-{port}.log"
    env = {**os.environ, "UNTOC_KG_STATE": str(state_dir)}
    if BACKEND == "virtuoso":
        args = load_remote(port, args, env)
    project_args = ["--project", str(project)] if project is not None else []
    process = subprocess.Popen(
        [*untoc_kg_command(), *project_args, "serve", "--host", "127.0.0.1", "--port", str(port), *args],
        stdout=log.open("wb"), stderr=subprocess.STDOUT, env=env, cwd=PROJECT_ROOT,
    )
    return answering(Server(f"http://127.0.0.1:{port}/", process, log))


def answering(server: Server) -> Server:
    """``server`` once its endpoint answers; stopped, with its log in the error, if it exits or never does."""
    process, log = server.process, server.log
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"untoc-kg serve exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(server.sparql, params={"query": "ASK {}"}, timeout=2).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"untoc-kg serve did not answer within {STARTUP_SECONDS} s:\n{log.read_text()}")


@pytest.fixture(scope="session")
def state_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One store cache for the whole test session, outside the checkout."""
    return tmp_path_factory.mktemp("untoc-kg-state")


@pytest.fixture(scope="session")
def server(state_dir: Path) -> Iterator[Server]:
    """The project's graph served by a real server, as `untoc-kg serve` does for a user."""
    running = start_server(state_dir)
    yield running
    running.stop()


@pytest.fixture(scope="session")
def serve(state_dir: Path) -> Iterator:
    """A factory for servers with other arguments (other data, limits); all stopped at the end."""
    started: list[Server] = []

    def factory(*args: str) -> Server:
        running = start_server(state_dir, *args)
        started.append(running)
        return running

    yield factory
    for running in started:
        running.stop()


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """Headless Chromium driven by Selenium through Debian's chromedriver.

    Chromium may resolve no host but 127.0.0.1, so a page that needed the internet (a CDN script,
    a web font) would visibly lack it; ``requested_urls`` lists what a page asked for.
    """
    chromium = require_binary("chromium")
    chromedriver = require_binary("chromedriver")
    webdriver = pytest.importorskip("selenium.webdriver")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--no-first-run", "--lang=en-US", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                     f"--user-data-dir={tmp_path_factory.mktemp('chromium')}"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(service=webdriver.ChromeService(executable_path=chromedriver), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def requested_urls(driver) -> list[str]:
    """Every URL the browser asked the network for since the last call (from Chromium's performance log)."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


@pytest.fixture(scope="session")
def canary(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """The loopback listeners and ``file:`` secret that every attack aims at (tests/canary.py)."""
    from canary import Canary

    running = Canary(tmp_path_factory.mktemp("canary"))
    yield running
    running.close()


@pytest.fixture(scope="module")
def shapes() -> Graph:
    """The project's shapes, as the validation gate reads them."""
    return read_graph(PROJECT.shapes_files())


@pytest.fixture(scope="module")
def ontology() -> Graph:
    """The project's ontology, as the validation gate reads it."""
    return read_graph(PROJECT.ontology_files())


@pytest.fixture(scope="module")
def hierarchy() -> Graph:
    """docs/model.md's class hierarchy alone: the shape tests validate with it to test the shapes without
    domain or range inference."""
    return read_graph([SHAPE_FIXTURES / "hierarchy.ttl"])
