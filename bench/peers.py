"""Real SPARQL servers to compare genskills with, each started on a loopback port.

Every launcher is a context manager that starts one server process in its own process
group on 127.0.0.1 (a free port), loads a dataset dump into it (an N-Quads file with
named graphs, as ``genskills export --format nq`` writes it), waits until it answers
queries, yields a ``Peer`` (its SPARQL query URL, the server's PID for memory sampling,
the load time), and on exit kills the whole process group, whatever happened.

- ``oxigraph_server``: the ``oxigraph`` binary of the PyPI package oxigraph
  (``oxigraph load``, then ``oxigraph serve-read-only --union-default-graph``).
- ``virtuoso``: OpenLink Virtuoso (Debian package virtuoso-opensource-7-bin), a
  generated ``virtuoso.ini`` in a temporary folder, bulk load with ``ld_dir`` and
  ``rdf_loader_run``. Its default graph is the union of all graphs.
- ``rdflib_endpoint``: rdflib-endpoint (PyPI) serving an rdflib ``Dataset`` with
  ``default_union=True``, under uvicorn; this file is also its launcher script.
- ``genskills_server``: ``genskills serve`` on an embedded store (optionally built
  first with ``genskills load``) or on a remote endpoint URL.

The tests import this file (tests/test_virtuoso.py), so it needs nothing beyond the
project and its test extra; rdflib-endpoint and uvicorn are imported only by the
rdflib-endpoint child process (bench/requirements.txt).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

#: A query every engine answers at once: the readiness probe.
PROBE = "ASK {}"


#: Answers of a peer that differ from genskills' for a reason found and explained: a bug of
#: that peer's version. Keyed by (engine, canned query name). The benchmark reports these
#: and fails on any other difference; tests/test_virtuoso.py marks them as expected failures.
KNOWN_DIFFERENCES: dict[tuple[str, str], str] = {
    ("rdflib-endpoint", "courses-search-facets"):
        "rdflib 7.6 bug: GROUP_CONCAT over a group where the variable is unbound raises 'Variable mode_label "
        "is not bound' (HTTP 400) instead of skipping the unbound values (RDFLib/rdflib#2229)",
}


class PeerError(RuntimeError):
    """A server did not start, or did not load its data."""


@dataclass
class Peer:
    """A running server: where to send SPARQL queries, and what it cost to get there."""

    name: str
    query_url: str
    pid: int
    load_seconds: float | None
    base: str
    log: Path
    details: dict = field(default_factory=dict)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Group:
    """One child process in a process group of its own, its output in a log file."""

    def __init__(self, command: list[str], log: Path, *, cwd: Path | None = None, env: dict | None = None):
        self.command = command
        self.log = log
        self._out = log.open("ab")
        self.process = subprocess.Popen(command, stdout=self._out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                        cwd=cwd, env={**os.environ, **(env or {})}, start_new_session=True)

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def tail(self, size: int = 3000) -> str:
        self._out.flush()
        data = self.log.read_bytes()
        return data[-size:].decode("utf-8", "replace")

    def stop(self, grace: float = 15) -> None:
        """SIGTERM to the whole group, SIGKILL to what is left after ``grace`` seconds."""
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self.process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            pass
        try:
            # Also the children that outlive their parent (genskills' query workers).
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()
        self._out.close()


def _ask(url: str, *, timeout: float = 2) -> bool:
    query = urllib.parse.urlencode({"query": PROBE})
    request = urllib.request.Request(f"{url}?{query}", headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.status == 200 and json.loads(response.read()).get("boolean") is True


def _wait_until_ready(group: _Group, url: str, *, what: str, deadline_s: float, check=None) -> None:
    """Poll ``url`` (a SPARQL query URL, or ``check``) until it answers; fail if the process dies."""
    check = check or (lambda: _ask(url))
    deadline = time.monotonic() + deadline_s
    while True:
        try:
            if check():
                return
        except (OSError, ValueError):
            pass
        if not group.alive():
            raise PeerError(f"{what} exited with status {group.process.returncode} before answering:\n{group.tail()}")
        if time.monotonic() > deadline:
            raise PeerError(f"{what} did not answer at {url} within {deadline_s:.0f} s:\n{group.tail()}")
        time.sleep(0.2)


@contextmanager
def _folder(workdir: Path | None, prefix: str) -> Iterator[Path]:
    if workdir is not None:
        folder = Path(tempfile.mkdtemp(prefix=prefix, dir=workdir))
        yield folder
        return
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        yield Path(tmp)


@contextmanager
def _running(group: _Group) -> Iterator[_Group]:
    try:
        yield group
    finally:
        group.stop()


# ---------------------------------------------------------------------------------
# Oxigraph server


def oxigraph_binary() -> str | None:
    """The ``oxigraph`` binary of this virtual environment (PyPI oxigraph), or on PATH."""
    beside = Path(sys.executable).with_name("oxigraph")
    if beside.exists():
        return str(beside)
    return shutil.which("oxigraph")


@contextmanager
def oxigraph_server(dump: Path, *, workdir: Path | None = None, timeout_s: float | None = None,
                    ready_s: float = 60) -> Iterator[Peer]:
    """``oxigraph load`` of ``dump`` into a fresh folder, then ``oxigraph serve-read-only``.

    The default graph is the union of the named graphs (``--union-default-graph``), as in
    genskills' own store. With ``timeout_s``, ``--timeout-s`` stops a query past it on the
    server; but Oxigraph 0.5.13 then keeps one thread per request alive for that long, so
    at a thousand requests a second and a 60 s limit it runs out of threads (HTTP 500
    "Resource temporarily unavailable"): a benchmark leaves it unset.
    """
    binary = oxigraph_binary()
    if binary is None:
        raise PeerError("the oxigraph binary is not installed (pip install oxigraph)")
    with _folder(workdir, "oxigraph-") as folder:
        location = folder / "db"
        log = folder / "oxigraph.log"
        started = time.perf_counter()
        with log.open("ab") as out:
            loaded = subprocess.run([binary, "load", "--location", str(location), "--file", str(dump)],
                                    stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        load_seconds = time.perf_counter() - started
        if loaded.returncode != 0:
            raise PeerError(f"oxigraph load {dump} failed:\n{log.read_text(errors='replace')[-3000:]}")
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        limit = [] if timeout_s is None else ["--timeout-s", str(max(1, int(timeout_s)))]
        group = _Group([binary, "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{port}",
                        "--union-default-graph", *limit], log)
        with _running(group):
            _wait_until_ready(group, f"{base}/query", what="oxigraph serve-read-only", deadline_s=ready_s)
            yield Peer("oxigraph", f"{base}/query", group.pid, load_seconds, base, log,
                       {"command": " ".join(group.command)})


# ---------------------------------------------------------------------------------
# Virtuoso


def virtuoso_binaries() -> tuple[str, str] | None:
    """(virtuoso-t, isql-vt) when Debian's virtuoso-opensource-7-bin (or another build) is installed."""
    server = shutil.which("virtuoso-t")
    client = shutil.which("isql-vt") or shutil.which("isql")
    return (server, client) if server and client else None


#: Modest memory for this 2-core, 24 GB machine: 170,000 buffers of 8 kB is 1.4 GB of page cache
#: (170000/130000 is the pair deployment guides give for 2 GB of free memory).
VIRTUOSO_INI = """\
[Database]
DatabaseFile       = {db}/virtuoso.db
ErrorLogFile       = {db}/virtuoso.log
LockFile           = {db}/virtuoso.lck
TransactionFile    = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = {db}/virtuoso-temp.db
TransactionFile    = {db}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort          = 127.0.0.1:{sql_port}
DisableUnixSocket   = 1
DisableTcpSocket    = 0
MaxClientConnections = 20
CheckpointInterval  = 60
O_DIRECT            = 0
CaseMode            = 2
DirsAllowed         = ., {dirs}
NumberOfBuffers     = {buffers}
MaxDirtyBuffers     = {dirty}
ThreadsPerQuery     = 2
MaxQueryMem         = 2G
VADInstallDir       = {db}

[HTTPServer]
ServerPort           = 127.0.0.1:{http_port}
ServerRoot           = {db}
MaxClientConnections = 16
ServerThreads        = 16
EnabledDavVSP        = 0
Charset              = UTF-8

[SPARQL]
; Virtuoso cuts every result at ResultSetMaxRows without an error: keep it above any answer.
ResultSetMaxRows           = {max_rows}
MaxSortedTopRows           = {max_rows}
; Seconds a query may run; past it Virtuoso answers with what it has (an "anytime" partial
; result, headers X-SQL-State: S1TAT) rather than an error.
MaxQueryExecutionTime      = {timeout}
; 0: never refuse a query on its estimated cost before running it.
MaxQueryCostEstimationTime = 0
"""


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _isql(client: str, port: int, statements: str, *, timeout: float) -> str:
    """Run SQL statements through isql-vt as dba; the output, or a PeerError on any error."""
    done = subprocess.run([client, f"127.0.0.1:{port}", "dba", "dba", "VERBOSE=OFF", "BANNER=OFF", "PROMPT=OFF",
                           "ECHO=OFF", "ERRORS=STDOUT", f"exec={statements}"],
                          capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    output = done.stdout + done.stderr
    if done.returncode != 0 or "*** Error" in output:
        raise PeerError(f"isql-vt failed ({statements[:200]}):\n{output[-3000:]}")
    return output


@contextmanager
def virtuoso(dump: Path | None, *, workdir: Path | None = None, timeout_s: float = 60, ready_s: float = 120,
             load_s: float = 3600, buffers: int = 170_000, dirty_buffers: int = 130_000,
             max_rows: int = 10_000_000, sparql_update: bool = False) -> Iterator[Peer]:
    """Virtuoso with ``dump`` bulk-loaded: ``ld_dir``, ``rdf_loader_run()``, ``checkpoint`` (or empty: None).

    N-Quads keep their graph names (the third argument of ``ld_dir`` is only the graph of
    triples that have none). The SPARQL endpoint is ``/sparql``; its default graph (a query
    without FROM) is the union of all graphs, Virtuoso's own system graphs included.
    ``sparql_update=True`` grants SPARQL Update to the endpoint's anonymous user, as
    ``genskills load`` over the endpoint needs (never on a public endpoint).
    """
    binaries = virtuoso_binaries()
    if binaries is None:
        raise PeerError("virtuoso-t is not installed (apt-get install virtuoso-opensource-7-bin)")
    server, client = binaries
    dump = None if dump is None else Path(dump).resolve()
    with _folder(workdir, "virtuoso-") as folder:
        sql_port, http_port = free_port(), free_port()
        ini = folder / "virtuoso.ini"
        ini.write_text(VIRTUOSO_INI.format(db=folder, sql_port=sql_port, http_port=http_port,
                                           dirs=folder if dump is None else dump.parent,
                                           buffers=buffers, dirty=dirty_buffers, timeout=int(timeout_s),
                                           max_rows=max_rows), encoding="utf-8")
        base = f"http://127.0.0.1:{http_port}"
        group = _Group([server, "+foreground", "+configfile", str(ini)], folder / "virtuoso-t.log", cwd=folder)
        with _running(group):
            # A fresh database takes a few seconds to initialise before the HTTP server is up.
            _wait_until_ready(group, f"{base}/sparql", what="virtuoso-t", deadline_s=ready_s)
            load_seconds = None
            if dump is not None:
                started = time.perf_counter()
                _isql(client, sql_port, f"ld_dir({_sql_text(str(dump.parent))}, {_sql_text(dump.name)}, "
                                        f"'urn:genskills:no-graph'); rdf_loader_run(); checkpoint;", timeout=load_s)
                load_seconds = time.perf_counter() - started
                state = _isql(client, sql_port, "SELECT ll_state, ll_error FROM DB.DBA.LOAD_LIST;", timeout=60)
                rows = [line.split(None, 1) for line in state.splitlines() if line.strip()]
                if not rows or any(row[0] != "2" or (len(row) > 1 and row[1].strip() != "NULL") for row in rows):
                    raise PeerError(f"Virtuoso bulk load of {dump} failed: {state.strip()}")
            if sparql_update:
                _isql(client, sql_port, 'GRANT SPARQL_UPDATE TO "SPARQL"; '
                                        "DB.DBA.RDF_DEFAULT_USER_PERMS_SET('nobody', 7);", timeout=60)
            yield Peer("virtuoso", f"{base}/sparql", group.pid, load_seconds, base, group.log,
                       {"ini": str(ini), "sql_port": sql_port})


# ---------------------------------------------------------------------------------
# rdflib-endpoint


@contextmanager
def rdflib_endpoint(dump: Path, *, workdir: Path | None = None, ready_s: float = 1800) -> Iterator[Peer]:
    """rdflib-endpoint serving an rdflib Dataset (``default_union=True``) parsed from ``dump``.

    The child process parses the dump, writes how long it took to a status file, then
    serves; ``load_seconds`` is that parse time.
    """
    with _folder(workdir, "rdflib-endpoint-") as folder:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        status = folder / "status.json"
        group = _Group([sys.executable, str(Path(__file__).resolve()), "rdflib-endpoint", "--dump", str(dump),
                        "--port", str(port), "--status", str(status)], folder / "rdflib-endpoint.log")
        with _running(group):
            _wait_until_ready(group, f"{base}/", what="rdflib-endpoint", deadline_s=ready_s)
            loaded = json.loads(status.read_text(encoding="utf-8"))
            yield Peer("rdflib-endpoint", f"{base}/", group.pid, loaded["seconds"], base, group.log,
                       {"quads": loaded["quads"]})


def _serve_rdflib_endpoint(dump: str, port: int, status: str) -> None:
    import uvicorn
    from rdflib import Dataset
    from rdflib_endpoint import SparqlEndpoint

    started = time.perf_counter()
    dataset = Dataset(default_union=True)
    dataset.parse(dump, format="nquads")
    seconds = time.perf_counter() - started
    Path(status).write_text(json.dumps({"seconds": seconds, "quads": len(dataset)}), encoding="utf-8")
    app = SparqlEndpoint(graph=dataset, cors_enabled=False, title="rdflib-endpoint (genskills benchmark)")
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


# ---------------------------------------------------------------------------------
# genskills


def _genskills(*args: str) -> list[str]:
    return [sys.executable, "-m", "genskills", *args]


def genskills_load(store: Path, *, root: Path | None = None, log: Path, timeout_s: float | None = None) -> float:
    """``genskills load`` of every source of ``root`` into ``store``: its wall-clock seconds.

    :raises subprocess.TimeoutExpired: past ``timeout_s`` (the load is killed).
    :raises PeerError: the load failed.
    """
    command = _genskills(*(["--root", str(root)] if root else []), "--store", str(store), "load")
    started = time.perf_counter()
    with log.open("ab") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True)
        try:
            code = process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise
    seconds = time.perf_counter() - started
    if code != 0:
        raise PeerError(f"genskills load failed (exit {code}):\n{log.read_text(errors='replace')[-3000:]}")
    return seconds


@contextmanager
def genskills_server(store: Path | str, *, root: Path | None = None, load: bool = False,
                     workdir: Path | None = None, query_timeout: float = 60, max_rows: int = 10_000_000,
                     query_workers: int = 2, threads: int = 8, ready_s: float = 600,
                     load_timeout_s: float | None = None, env: dict | None = None,
                     name: str = "genskills") -> Iterator[Peer]:
    """``genskills serve`` on ``store``: an embedded store folder, or a SPARQL endpoint URL.

    With ``load=True``, ``genskills load`` builds the embedded store first (timed). The
    query URL is ``/sparql``; the canned queries are under ``details["api"]``. ``env`` adds
    environment variables (settings such as ``GENSKILLS_ANSWER_CACHE_MB``).
    """
    remote = str(store).startswith(("http://", "https://"))
    with _folder(workdir, "genskills-") as folder:
        log = folder / "genskills.log"
        load_seconds = None
        if load and not remote:
            load_seconds = genskills_load(Path(store), root=root, log=log, timeout_s=load_timeout_s)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        group = _Group(_genskills(*(["--root", str(root)] if root else []), "--store", str(store), "serve",
                                  "--port", str(port), "--query-timeout", str(query_timeout), "--max-rows",
                                  str(max_rows), "--query-workers", str(query_workers), "--threads", str(threads)),
                       log, env=env)

        def healthy() -> bool:
            with urllib.request.urlopen(f"{base}/health", timeout=2) as response:
                return response.status == 200

        with _running(group):
            _wait_until_ready(group, f"{base}/health", what="genskills serve", deadline_s=ready_s, check=healthy)
            yield Peer(name, f"{base}/sparql", group.pid, load_seconds, base, log,
                       {"api": f"{base}/api/queries", "store": str(store)})


def main() -> None:
    parser = argparse.ArgumentParser(description="Launcher of the rdflib-endpoint child process.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("rdflib-endpoint", help="parse an N-Quads dump and serve it")
    serve.add_argument("--dump", required=True)
    serve.add_argument("--port", type=int, required=True)
    serve.add_argument("--status", required=True, help="JSON file to write the parse time to")
    args = parser.parse_args()
    _serve_rdflib_endpoint(args.dump, args.port, args.status)


if __name__ == "__main__":
    main()
