"""The wheel, installed as ``pip install untoc-kg`` would, outside the checkout: it carries the graph,
serves it from any folder, and installs ``untoc_kg`` and nothing named ``service``.

Offline on purpose: the wheel is built without build isolation (the test extra installs setuptools),
and the fresh environment gets its dependencies from this environment's site-packages through a
``.pth`` file. A ``.pth`` path line adds a folder to ``sys.path`` without running the ``.pth`` files in
it, so this checkout's editable install (a finder started from such a file) stays out of sight.
"""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from conftest import PROJECT_ROOT, Server, answering, free_port
from test_queries import EXPECTED, WG, table
from untoc_kg import __version__

pytestmark = pytest.mark.slow

BUILT_FROM = ("pyproject.toml", "README.md", "service", "ontology", "shapes", "data", "queries")
"""What the build reads: copied out, so that the build writes nothing into the checkout."""


@dataclass(frozen=True)
class Installed:
    """A fresh virtual environment holding the wheel, and an empty folder to run it from."""

    bin: Path
    cwd: Path
    env: dict[str, str]

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(self.bin / args[0]), *args[1:]], capture_output=True, text=True, timeout=600,
                              cwd=self.cwd, env=self.env)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    root = tmp_path_factory.mktemp("wheel")
    (root / "src").mkdir()
    for name in BUILT_FROM:
        source, target = PROJECT_ROOT / name, root / "src" / name
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, target)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "wheel", str(root / "src"), "--no-deps", "--no-build-isolation", "-w", str(root / "dist")],
                   check=True, timeout=300)
    (wheel,) = (root / "dist").glob("untoc_kg-*.whl")
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    subprocess.run([*pip, "--python", str(python), "install", "--no-deps", "--no-index", str(wheel)],
                   check=True, timeout=300)
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                             capture_output=True, text=True, check=True).stdout.strip()
    Path(purelib, "dependencies-from-the-test-environment.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    (root / "empty").mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("UNTOC_KG_", "PYTHON", "VIRTUAL_ENV"))}
    return Installed(venv / "bin", root / "empty", {**env, "XDG_CACHE_HOME": str(root / "cache")})


@pytest.fixture(scope="module")
def server(installed: Installed) -> Iterator[Server]:
    port = free_port()
    log = installed.cwd.parent / "server.log"
    process = subprocess.Popen([str(installed.bin / "untoc-kg"), "serve", "--host", "127.0.0.1", "--port", str(port)],
                               stdout=log.open("wb"), stderr=subprocess.STDOUT, cwd=installed.cwd, env=installed.env)
    running = answering(Server(f"http://127.0.0.1:{port}/", process, log))
    yield running
    running.stop()


def test_the_installed_server_serves_the_seed_meetings(server: Server, installed: Installed) -> None:
    query = (PROJECT_ROOT / "queries" / "meetings-by-date.rq").read_text(encoding="utf-8")
    response = httpx.post(server.sparql, data={"query": query}, headers={"Accept": "application/sparql-results+json"},
                          timeout=60)
    assert response.status_code == 200, response.text
    answer = response.json()
    names = answer["head"]["vars"]
    rows = [tuple(row[name]["value"] for name in names) for row in answer["results"]["bindings"]]
    assert rows == EXPECTED["meetings-by-date"][1]
    assert list(installed.cwd.iterdir()) == []
    assert list((installed.cwd.parent / "cache" / "untoc-kg" / "stores").iterdir())  # not among installed files


def test_the_installed_command_prints_the_five_groups(installed: Installed) -> None:
    result = installed.run("untoc-kg", "query", "groups")
    assert result.returncode == 0, result.stderr
    _, body, count = table(result.stdout)
    assert [row[0] for row in body] == [WG[n] for n in (2, 3, 4, 6, 7)]
    assert count == "(5 rows)"


def test_the_wheel_installs_untoc_kg_and_no_package_named_service(installed: Installed) -> None:
    imported = installed.run("python", "-c", "import untoc_kg; print(untoc_kg.__file__)")
    assert imported.returncode == 0, imported.stderr
    assert Path(imported.stdout.strip()).is_relative_to(installed.bin.parent)
    service = installed.run("python", "-c", "import service")
    assert "No module named 'service'" in service.stderr
    assert installed.run("untoc-kg", "--version").stdout == f"untoc-kg {__version__}\n"


def test_without_its_graph_the_installed_command_says_so(installed: Installed) -> None:
    result = installed.run("untoc-kg", "--project", str(installed.cwd), "serve", "--port", str(free_port()))
    assert result.returncode == 2
    assert result.stderr.startswith(f"untoc-kg serve: no graph in {installed.cwd}: ")


def test_the_installed_graph_is_not_written_by_ingest(installed: Installed) -> None:
    """The packaged graph lives among installed files: ingest names a checkout or an output instead."""
    document = installed.cwd / "note.txt"
    document.write_text("CTOC/COP/WG.6/2031/2 Distr.: General 1 March 2031 Original: English\n", encoding="utf-8")
    result = installed.run("untoc-kg", "ingest", str(document))
    assert result.returncode == 2
    assert result.stderr == ("untoc-kg ingest: the installed graph is read-only: give --project a checkout of "
                             "untoc-kg, or --out FILE\n")
