"""Shared fixtures: real stores on disk, a real `oxigraph serve` process, the shipped data."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from genskills.loading import load_sources
from genskills.store import EndpointStore, OxigraphStore

ROOT = Path(__file__).resolve().parents[1]
#: ../shared/domain beside the checkout: the verified facts the data was built from.
#: CI lays a copy of shared/ beside its clone; tests that need it skip without it.
DOMAIN = ROOT.parent / "shared" / "domain"
#: The hand-made graph of the analysis tests; its header draws it, so a person can check answers.
ANALYSIS_SMALL = ROOT / "tests" / "data" / "analysis-small.ttl"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def oxigraph_binary() -> str:
    found = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    if not Path(found).exists():
        pytest.fail("the `oxigraph` binary (PyPI package oxigraph, in the test extra) is not installed")
    return found


def domain_file(name: str) -> Path:
    """A file of ../shared/domain; skipped without it, except in CI, where it must be there."""
    path = DOMAIN / name
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{path} is missing: CI lays shared/ beside the clone")
        pytest.skip(f"{path} is not beside this checkout")
    return path


@pytest.fixture(scope="session")
def oxigraph_server():
    """A real Oxigraph SPARQL server on 127.0.0.1, for the remote-store tests.

    In memory (no --location): on disk, every DROP ALL between tests leaves RocksDB tombstones
    that the next load's derivation, one transaction, has to skip; loads went from 6 s to
    over 200 s in the suite. In memory they stay at about 3 s.
    """
    process, base = start_oxigraph(free_port())
    yield base
    process.terminate()
    process.wait(timeout=10)
    process.stderr.close()


def start_oxigraph(port: int) -> tuple[subprocess.Popen, str]:
    """`oxigraph serve` in memory on 127.0.0.1:``port``, once it answers; and its base URL."""
    process = subprocess.Popen(
        [oxigraph_binary(), "serve", "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{base}/query?query=ASK%7B%7D", timeout=1).read()
            return process, base
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"oxigraph serve did not start: {process.stderr.read().decode()[-2000:]}")
            time.sleep(0.1)


@pytest.fixture(params=["embedded", "endpoint"])
def any_store(request, tmp_path):
    """An empty store of each implementation: the same tests run on both."""
    if request.param == "embedded":
        yield OxigraphStore(tmp_path / "store")
        return
    base = request.getfixturevalue("oxigraph_server")
    store = EndpointStore(f"{base}/query", f"{base}/update")
    store._update("DROP ALL")
    yield store
    store._update("DROP ALL")


@pytest.fixture(scope="session")
def loaded_store(tmp_path_factory):
    """An embedded store on disk loaded once with every shipped source (read-only use)."""
    store = OxigraphStore(tmp_path_factory.mktemp("loaded") / "store")
    summary = load_sources(store, ROOT)
    store.load_summary = summary
    return store


@pytest.fixture
def project_copy(tmp_path):
    """A copy of ontology/, shapes/ and data/ that a test may break."""
    root = tmp_path / "project"
    for folder in ("ontology", "shapes", "data"):
        shutil.copytree(ROOT / folder, root / folder)
    return root


def analysis_small_store(path: Path) -> OxigraphStore:
    """A store on disk at ``path`` holding the ontology and the graph of ANALYSIS_SMALL (derived facts built)."""
    from rdflib import Graph

    from genskills.namespaces import GRAPH
    from genskills.rdfio import parse_file

    store = OxigraphStore(path)
    store.replace_graphs({GRAPH["ontology"]: parse_file(ROOT / "ontology" / "genskills.ttl"),
                          GRAPH["test-analysis"]: Graph().parse(ANALYSIS_SMALL)})
    return store
