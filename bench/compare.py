"""Side-by-side benchmark of genskills and other SPARQL engines on the same data (issue 4).

For each size N:

1. a copy of the project's shipped files (ontology/, shapes/, data/, queries/) gets N
   synthetic courses (`genskills generate --courses N --seed 1`) on top of the shipped data
   (139 courses): N + 139 courses in all. They go to data/synthetic/ (genskills' "synthetic"
   source and graph), or, with sources that have none, at the end of the illustrative
   catalogue;
2. `genskills load` builds an embedded store from it (parse, SHACL validation, write and
   derived graph: timed as "load and validate"); `genskills export --format nq` writes
   the dataset with its named graphs, the derived graph included;
3. each engine loads that dump and runs the canned queries (the calls of
   tests/test_remote_server.py): genskills through `/api/queries/<name>?params`; every
   other engine gets the same SPARQL text with the same parameters bound
   (`CannedQuery.bind`, the function genskills' API uses). The engines: `genskills
   serve` (reference answers), pyoxigraph in this process (a copy of the dump in an
   on-disk `pyoxigraph.Store`), `oxigraph serve-read-only`, Virtuoso (when installed)
   and rdflib-endpoint (below a size bound). See bench/peers.py.

Per engine and query: the answer is checked against genskills' (same rows as multisets,
after normalising term forms), then the median and 95th percentile of the latency over
`--repeat` calls after `--warmup` calls, and the throughput with 1 and 4 concurrent clients
over `--duration` seconds; per engine, the peak RSS of its process tree while it answers
(sampled every 0.2 s once loaded; for pyoxigraph, this process less its RSS before). A few ad-hoc
queries go to every engine's SPARQL endpoint (genskills' /sparql). Results: JSON
(`--out`) and Markdown tables (printed, and in the JSON under "markdown").

Exit status: 0, or 1 when an engine answered a query differently from genskills and the
difference is not a known, explained one (peers.KNOWN_DIFFERENCES); the diff is printed.

Run:  .venv/bin/pip install -r bench/requirements.txt
      .venv/bin/python bench/compare.py --sizes 600,20000,100000 --out docs/bench-results.json
      .venv/bin/python bench/compare.py --quick            (smoke run: small data, few calls)
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import pyoxigraph as ox

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(ROOT / "tests"))

import answers  # noqa: E402
import peers  # noqa: E402
from test_remote_server import CALLS  # noqa: E402  (one call per canned query, parameters that answer)

from genskills.queries import load_queries  # noqa: E402
from genskills.sources import SOURCES  # noqa: E402

SHIPPED_COURSES = 139
JSON_RESULTS = "application/sparql-results+json"
#: Ad-hoc SPARQL, as in bench/http_latency.py (a count of distinct courses, so that engines
#: that keep a triple once per graph and those that merge them agree).
ADHOC = {
    "ASK {}": "ASK {}",
    "count courses": "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a <https://w3id.org/genskills/ontology#Course> }",
    "100 rows": "SELECT * WHERE { ?s ?p ?o } LIMIT 100",
}
ENGINES = ("genskills", "genskills-nocache", "pyoxigraph", "oxigraph", "virtuoso", "rdflib-endpoint")
#: genskills keeps canned-query answers until the next write (its answer cache, setting
#: answer_cache_mb): repeated calls then measure the cache. "genskills-nocache" is the same
#: server with the cache off, so that each call runs the query.
NO_CACHE = {"GENSKILLS_ANSWER_CACHE_MB": "0"}


class Timeout(Exception):
    """The engine did not answer within the per-query time limit (or said it stopped)."""


class EngineError(Exception):
    """The engine refused or failed the query."""


# ---------------------------------------------------------------------------------
# What is asked


@dataclass(frozen=True)
class Call:
    label: str                      # what the tables show: name?params
    kind: str                       # "canned" or "adhoc"
    sparql: str                     # the query text, parameters bound
    api_path: str | None = None     # genskills' /api/queries/... path of a canned query
    concat: dict = field(default_factory=dict)   # GROUP_CONCAT result variable -> separator


def canned_calls(root: Path) -> list[Call]:
    """The calls of tests/test_remote_server.py, bound with the canned queries of ``root``."""
    queries = load_queries(root / "queries")
    calls = []
    for path in CALLS:
        parsed = urllib.parse.urlsplit(path)
        name = parsed.path.rsplit("/", 1)[1]
        args = dict(urllib.parse.parse_qsl(parsed.query))
        text, _ = queries[name].bind(args)
        label = name + ("?" + urllib.parse.unquote(parsed.query) if parsed.query else "")
        calls.append(Call(label, "canned", text, path, answers.concat_columns(text)))
    return calls


def adhoc_calls() -> list[Call]:
    return [Call(f"/sparql {name}", "adhoc", text) for name, text in ADHOC.items()]


# ---------------------------------------------------------------------------------
# Clients: one call, its answer or its time


class HttpClient:
    """SPARQL over HTTP (POST form), or genskills' canned-query API (GET), on kept-alive connections.

    Each thread keeps one HTTP/1.1 connection to the engine, as a client library with a
    connection pool would: a new connection per request would also measure connection
    set-up.
    """

    def __init__(self, name: str, query_url: str, *, api_base: str | None = None, timeout: float):
        self.name = name
        self.query_url = query_url
        self.api_base = api_base
        self.timeout = timeout
        self._local = threading.local()

    def _connection(self) -> http.client.HTTPConnection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            parts = urllib.parse.urlsplit(self.query_url)
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=self.timeout)
            self._local.connection = connection
        return connection

    def close(self) -> None:
        """Close this thread's connection."""
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None

    def _request(self, call: Call) -> tuple[str, str, bytes | None, dict]:
        headers = {"Accept": JSON_RESULTS}
        if self.api_base is not None and call.api_path is not None:
            return "GET", urllib.parse.urlsplit(self.api_base).path + call.api_path, None, headers
        data = urllib.parse.urlencode({"query": call.sparql}).encode("utf-8")
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        return "POST", urllib.parse.urlsplit(self.query_url).path or "/", data, headers

    def body(self, call: Call) -> bytes:
        method, path, data, headers = self._request(call)
        for attempt in (1, 2):
            connection = self._connection()
            try:
                connection.request(method, path, body=data, headers=headers)
                response = connection.getresponse()
                payload = response.read()
            except TimeoutError as error:
                self.close()
                raise Timeout(f"no answer within {self.timeout:.0f} s") from error
            except (http.client.HTTPException, ConnectionError) as error:
                # A kept-alive connection that the server has closed: once more on a new one.
                self.close()
                if attempt == 1:
                    continue
                raise EngineError(f"connection failed: {error!r}") from error
            except OSError as error:
                self.close()
                raise EngineError(f"connection failed: {error!r}") from error
            if response.will_close:
                self.close()
            break
        if response.status != 200:
            text = payload.decode("utf-8", "replace")[:500]
            if response.status == 503 or re.search(r"time ?out|timed out|S1T00", text, re.IGNORECASE):
                raise Timeout(f"HTTP {response.status}: {text}")
            raise EngineError(f"HTTP {response.status}: {text}")
        # Virtuoso's "anytime" mode answers with what it has, flagged S1TAT, at its time limit.
        if response.headers.get("X-SQL-State", "").startswith("S1TAT"):
            raise Timeout(f"partial result at the time limit ({response.headers.get('X-SQL-Message', '')})")
        return payload

    def answer(self, call: Call) -> dict:
        return json.loads(self.body(call))

    def alive(self, wait: float) -> bool:
        """True once the engine answers ASK again (it may still be busy with a stopped query)."""
        deadline = time.monotonic() + wait
        probe = Call("probe", "adhoc", "ASK {}")
        while time.monotonic() < deadline:
            client = HttpClient(self.name, self.query_url, timeout=max(1.0, deadline - time.monotonic()))
            try:
                client.body(probe)
                return True
            except (Timeout, EngineError):
                time.sleep(1)
            finally:
                client.close()
        return False


class InProcessClient:
    """pyoxigraph in this process: the query, and its results written as SPARQL JSON."""

    def __init__(self, store: ox.Store, *, timeout: float):
        self.name = "pyoxigraph"
        self.store = store
        self.timeout = timeout

    def body(self, call: Call) -> bytes:
        started = time.perf_counter()
        try:
            result = self.store.query(call.sparql, use_default_graph_as_union=True)
            out = io.BytesIO()
            result.serialize(out, ox.QueryResultsFormat.JSON)
        except (SyntaxError, ValueError, OSError) as exc:
            raise EngineError(str(exc)) from exc
        # Native evaluation cannot be interrupted from Python: a query past the limit is
        # reported as a timeout after it ends, and not run again.
        if time.perf_counter() - started > self.timeout:
            raise Timeout(f"took more than {self.timeout:.0f} s")
        return out.getvalue()

    def answer(self, call: Call) -> dict:
        return json.loads(self.body(call))

    def alive(self, wait: float) -> bool:
        return True

    def close(self) -> None:
        pass


# ---------------------------------------------------------------------------------
# Answers


def compare(reference: dict, answer: dict, call: Call) -> dict | None:
    """None when ``answer`` agrees with ``reference`` (see bench/answers.py), else what differs."""
    if call.label.endswith("100 rows"):
        # No ORDER BY: any 100 triples are right; check the count only.
        got = len(answer.get("results", {}).get("bindings", []))
        return None if got == 100 else {"rows": got, "expected": 100}
    return answers.difference(reference, answer, call.concat)


# ---------------------------------------------------------------------------------
# Measures


class RssSampler:
    """Peak resident memory of a process and all its descendants, sampled every 0.2 s."""

    def __init__(self, pid: int, *, baseline: int = 0):
        self.pid = pid
        self.baseline = baseline
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def sample(self) -> int:
        try:
            root = psutil.Process(self.pid)
            processes = [root, *root.children(recursive=True)]
        except psutil.Error:
            return 0
        total = 0
        for process in processes:
            try:
                total += process.memory_info().rss
            except psutil.Error:
                pass
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.sample())
            self._stop.wait(0.2)

    def stop(self) -> float:
        """Peak RSS in MB (less the baseline)."""
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.sample())
        return round((self.peak - self.baseline) / 2**20, 1)


def _percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def latency(client, call: Call, *, warmup: int, repeat: int, budget: float) -> dict:
    """Median and p95 in ms of ``repeat`` calls after ``warmup``; fewer when past ``budget`` s."""
    deadline = time.monotonic() + budget
    for _ in range(warmup):
        if time.monotonic() > deadline:
            break
        client.body(call)
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.body(call)
        samples.append((time.perf_counter() - started) * 1000)
        if time.monotonic() > deadline and len(samples) >= 3:
            break
    return {"median_ms": round(statistics.median(samples), 2), "p95_ms": round(_percentile(samples, 0.95), 2),
            "n": len(samples)}


def throughput(client, call: Call, *, clients: int, duration: float) -> float:
    """Completed calls per second with ``clients`` concurrent clients over ``duration`` seconds."""
    stop_at = time.monotonic() + duration
    done = [0] * clients
    failures: list[BaseException] = []

    def work(index: int) -> None:
        try:
            while time.monotonic() < stop_at:
                client.body(call)
                done[index] += 1
        except (Timeout, EngineError) as exc:
            failures.append(exc)
        finally:
            client.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if failures:
        raise failures[0]
    return round(sum(done) / elapsed, 1)


@dataclass
class Settings:
    repeat: int
    warmup: int
    duration: float
    clients: tuple[int, ...]
    timeout: float
    budget: float


def measure_engine(client, calls: list[Call], settings: Settings, reference: dict[str, dict] | None,
                   log: Callable[[str], None]) -> dict[str, dict]:
    """Every call on one engine: answer check, latency, throughput. Fills ``reference`` if None."""
    out: dict[str, dict] = {}
    gone = None
    for call in calls:
        if gone:
            out[call.label] = {"status": "skipped", "note": gone}
            continue
        outcome: dict = {"status": "ok"}
        try:
            started = time.perf_counter()
            answer = client.answer(call)
            outcome["first_ms"] = round((time.perf_counter() - started) * 1000, 2)
            if reference is not None and call.label in reference:
                diff = compare(reference[call.label], answer, call)
                if diff is not None:
                    outcome.update(status="differs", diff=diff)
            outcome["rows"] = len(answer["results"]["bindings"]) if "results" in answer else None
            outcome.update(latency(client, call, warmup=settings.warmup, repeat=settings.repeat,
                                   budget=settings.budget))
            rates = {}
            for clients in settings.clients:
                if outcome["median_ms"] > settings.duration * 1000:
                    rates[str(clients)] = None   # one call outlasts the window: not meaningful
                    continue
                rates[str(clients)] = throughput(client, call, clients=clients, duration=settings.duration)
            outcome["throughput_qps"] = rates
        except Timeout as exc:
            outcome = {**outcome, "status": "timeout", "note": str(exc)[:300]}
            if not client.alive(wait=max(120.0, settings.timeout)):
                gone = f"still busy {max(120.0, settings.timeout):.0f} s after a query timed out"
        except EngineError as exc:
            outcome = {**outcome, "status": "error", "note": str(exc)[:500]}
        if reference is None and outcome["status"] == "ok":
            out.setdefault("__answers__", {})[call.label] = answer
        out[call.label] = outcome
        shown = outcome.get("median_ms")
        log(f"  {client.name:16s} {call.label[:70]:70s} {outcome['status']:8s} "
            + (f"median {shown:9.2f} ms  qps {outcome.get('throughput_qps')}" if shown is not None else
               " ".join(outcome.get("note", "").split())[:160]))
        if outcome["status"] == "differs":
            log("    differs from genskills: " + json.dumps(outcome["diff"], ensure_ascii=False)[:1500])
    return out


# ---------------------------------------------------------------------------------
# One size


def prepare_project(folder: Path, courses: int, seed: int, log) -> dict:
    """A copy of the project's shipped files with ``courses`` synthetic courses added.

    The synthetic catalogue goes where genskills' sources expect one (the "synthetic"
    source, data/synthetic/*.ttl, its own graph), or, with sources that have none, at the
    end of the illustrative catalogue. Whatever data/synthetic/ holds in the checkout is
    left out: only the shipped data and this run's courses are loaded.
    """
    root = folder / "project"
    if root.exists():
        shutil.rmtree(root)
    for name in ("ontology", "shapes", "data", "queries"):
        shutil.copytree(ROOT / name, root / name, ignore=shutil.ignore_patterns("synthetic"))
    info: dict = {"synthetic_courses": courses, "courses": courses + SHIPPED_COURSES}
    if courses:
        synthetic = folder / f"synthetic-{courses}.ttl"
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "genskills", "generate", "--courses", str(courses), "--seed",
                        str(seed), "--out", str(synthetic)], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        info["generate_s"] = round(time.perf_counter() - started, 2)
        source = next((s for s in SOURCES if s.name == "synthetic"), None)
        if source is not None:
            target = root / source.patterns[0].replace("*", f"courses-{courses}")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(synthetic, target)
            info["synthetic_graph"] = source.graph
        else:
            # Turtle allows @prefix anywhere, so the generated file can follow the shipped one.
            with (root / "data/catalogue/courses-illustrative.ttl").open("ab") as out, synthetic.open("rb") as data:
                out.write(b"\n")
                shutil.copyfileobj(data, out)
            synthetic.unlink()
            info["synthetic_graph"] = next(s.graph for s in SOURCES if s.name == "illustrative")
    log(f"project copy with {info['courses']} courses in {root}")
    return info | {"root": root}


#: What stands for the shapes when the benchmark skips validation: one triple, no shape.
NO_SHAPES = ("<urn:genskills:bench:no-shapes> <http://www.w3.org/2000/01/rdf-schema#comment> "
             '"No SHACL shapes: bench/compare.py skipped validation after --load-timeout." .\n')


def load_without_validation(root: Path, store: Path, folder: Path, timeout: float) -> float:
    """`genskills load` of ``root`` with its shapes replaced by a graph that holds no shape.

    The fallback when the validated load does not finish in time: genskills still parses,
    writes and derives (the same store, derived graph included), only pySHACL has nothing
    to check. The shapes graph of the store then holds that one stub triple.
    """
    unvalidated = folder / "project-unvalidated"
    if unvalidated.exists():
        shutil.rmtree(unvalidated)
    shutil.copytree(root, unvalidated)
    shutil.rmtree(unvalidated / "shapes")
    (unvalidated / "shapes").mkdir()
    (unvalidated / "shapes" / "none.ttl").write_text(NO_SHAPES, encoding="utf-8")
    shutil.rmtree(store, ignore_errors=True)
    return peers.genskills_load(store, root=unvalidated, log=folder / "genskills-load-unvalidated.log",
                                timeout_s=timeout)


def run_size(courses: int, args, settings: Settings, workdir: Path, log) -> dict:
    folder = workdir / f"n{courses}"
    folder.mkdir(parents=True, exist_ok=True)
    info = prepare_project(folder, courses, args.seed, log)
    root = info.pop("root")
    store = folder / "store"
    if store.exists():
        shutil.rmtree(store)
    result: dict = {**info, "engines": {}}
    log("genskills load (parse, SHACL validation, write, derived graph)...")
    try:
        seconds = peers.genskills_load(store, root=root, log=folder / "genskills-load.log",
                                       timeout_s=args.load_timeout)
        result["genskills_load"] = {"status": "ok", "seconds": round(seconds, 2)}
        log(f"genskills load: {seconds:.1f} s")
    except subprocess.TimeoutExpired:
        result["genskills_load"] = {"status": "timeout", "seconds": args.load_timeout}
        log(f"genskills load did not finish within {args.load_timeout:.0f} s; building the store without "
            "SHACL validation so that the queries can still be measured")
        try:
            seconds = load_without_validation(root, store, folder, args.load_timeout)
        except (subprocess.TimeoutExpired, peers.PeerError) as exc:
            result["genskills_load"]["unvalidated"] = {"status": "failed", "note": str(exc)[-1000:]}
            log(f"the unvalidated load failed too: {exc}")
            return result
        result["genskills_load"]["unvalidated"] = {"status": "ok", "seconds": round(seconds, 2)}
        log(f"unvalidated genskills load: {seconds:.1f} s")
    except peers.PeerError as exc:
        result["genskills_load"] = {"status": "error", "note": str(exc)[-1000:]}
        log(f"genskills load failed: {exc}")
        return result
    dump_dir = folder / "dump"
    dump_dir.mkdir(exist_ok=True)
    dump = dump_dir / "genskills.nq"
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "genskills", "--root", str(root), "--store", str(store), "export",
                    "--format", "nq", "-o", str(dump)], check=True)
    result["export_s"] = round(time.perf_counter() - started, 2)
    with dump.open("rb") as handle:
        result["quads"] = sum(1 for _ in handle)
    result["dump_mb"] = round(dump.stat().st_size / 2**20, 1)
    log(f"export: {result['quads']:,} quads, {result['dump_mb']} MB in {result['export_s']} s")

    calls = canned_calls(root) + adhoc_calls()
    engines = result["engines"]
    reference: dict[str, dict] = {}

    def record(name: str, peer_load: float | None, sampler: RssSampler, measured: dict, note: str = "") -> None:
        answers = measured.pop("__answers__", None)
        if answers is not None:
            reference.update(answers)
        engines[name] = {"status": "ok", "load_s": None if peer_load is None else round(peer_load, 2),
                         "peak_rss_mb": sampler.stop(), "queries": measured, "note": note}

    wanted = [e for e in ENGINES if e in args.engines]
    for name in wanted:
        log(f"{name}: start and load")
        try:
            if name in ("genskills", "genskills-nocache"):
                cached = name == "genskills"
                with peers.genskills_server(store, root=root, workdir=folder, query_timeout=settings.timeout,
                                            env=None if cached else NO_CACHE, name=name) as peer:
                    sampler = RssSampler(peer.pid)
                    client = HttpClient(name, peer.query_url, api_base=peer.base, timeout=settings.timeout + 5)
                    # The first genskills run gives the reference answers (an answer cache
                    # starts empty, so they are computed, not remembered).
                    measured = measure_engine(client, calls, settings, reference if reference else None, log)
                    client.close()
                    loaded = result["genskills_load"]
                    what = ("" if cached else "answer cache off (GENSKILLS_ANSWER_CACHE_MB=0); ")
                    if loaded["status"] == "ok":
                        record(name, loaded["seconds"], sampler, measured,
                               what + "load = `genskills load`: parse, SHACL validation, write, derived graph")
                    else:
                        record(name, loaded["unvalidated"]["seconds"], sampler, measured,
                               what + "load = `genskills load` WITHOUT SHACL validation (the validated load "
                               f"passed --load-timeout, {args.load_timeout:.0f} s)")
            elif name == "pyoxigraph":
                baseline = RssSampler(os.getpid()).stop()
                location = Path(tempfile.mkdtemp(prefix="pyoxigraph-", dir=folder))
                started = time.perf_counter()
                local = ox.Store(str(location))
                local.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
                load_s = time.perf_counter() - started
                sampler = RssSampler(os.getpid(), baseline=int(baseline * 2**20))
                measured = measure_engine(InProcessClient(local, timeout=settings.timeout), calls, settings,
                                          reference, log)
                record(name, load_s, sampler, measured, "in this process; peak RSS above the process's own")
                del local
                shutil.rmtree(location, ignore_errors=True)
            elif name == "rdflib-endpoint" and result["quads"] > args.rdflib_max_quads:
                why = (f"skipped: {result['quads']:,} quads > {args.rdflib_max_quads:,} (--rdflib-max-quads): "
                       "rdflib parses about 10,000 quads/s here, and its canned queries take seconds each "
                       "already at a few hundred courses, so a larger size would measure only timeouts")
                engines[name] = {"status": "skipped", "note": why}
                log(f"rdflib-endpoint {why}")
            elif name == "virtuoso" and peers.virtuoso_binaries() is None:
                why = "skipped: virtuoso-t is not installed (apt-get install virtuoso-opensource-7-bin)"
                engines[name] = {"status": "skipped", "note": why}
                log(f"virtuoso {why}")
            else:
                # No --timeout-s for Oxigraph's server (see peers.oxigraph_server): the client's
                # time limit, and the wait until the server answers again, stand in for it.
                launcher = {"oxigraph": lambda: peers.oxigraph_server(dump, workdir=folder),
                            "virtuoso": lambda: peers.virtuoso(dump, workdir=folder, timeout_s=settings.timeout),
                            "rdflib-endpoint": lambda: peers.rdflib_endpoint(dump, workdir=folder)}[name]
                with launcher() as peer:
                    sampler = RssSampler(peer.pid)
                    log(f"{name}: loaded in {peer.load_seconds:.1f} s")
                    client = HttpClient(name, peer.query_url, timeout=settings.timeout + 5)
                    measured = measure_engine(client, calls, settings, reference, log)
                    client.close()
                    record(name, peer.load_seconds, sampler, measured)
        except (peers.PeerError, subprocess.CalledProcessError, OSError) as exc:
            engines[name] = {"status": "error", "note": str(exc)[-1500:]}
            log(f"{name} failed: {exc}")
    # Other work on the machine skews the figures: keep the load average beside them.
    result["load_average_at_end"] = [round(v, 2) for v in os.getloadavg()]
    shutil.rmtree(store, ignore_errors=True)
    for snapshots in folder.glob("store.snapshots"):
        shutil.rmtree(snapshots, ignore_errors=True)
    return result


# ---------------------------------------------------------------------------------
# Report


def differences(result: dict) -> list[dict]:
    """Every (engine, query) whose answer differs from genskills', with its known reason if any."""
    found = []
    for engine, data in result.get("engines", {}).items():
        for label, outcome in data.get("queries", {}).items():
            if outcome.get("status") == "differs":
                name = label.split(" ", 1)[-1].split("?", 1)[0]
                found.append({"size": result["synthetic_courses"], "engine": engine, "query": label,
                              "known": peers.KNOWN_DIFFERENCES.get((engine, name)), "diff": outcome["diff"]})
    return found


def _ms(value: float) -> str:
    return f"{value:.2f}" if value < 1 else f"{value:.1f}"


def _cell_latency(outcome: dict | None, fastest: float | None) -> str:
    if outcome is None:
        return "—"
    status = outcome.get("status")
    if status in ("timeout", "error", "skipped"):
        return status
    text = f"{_ms(outcome['median_ms'])} ({_ms(outcome['p95_ms'])})"
    if fastest:
        ratio = outcome["median_ms"] / fastest
        text += f" ×{ratio:.1f}" if ratio >= 1 else f" ×{ratio:.2g}"
    if outcome.get("n", 0) < 10:
        text += f" n={outcome['n']}"
    return ("≠ " if status == "differs" else "") + text


def _cell_rate(outcome: dict | None, clients: tuple[int, ...]) -> str:
    if outcome is None or outcome.get("status") in ("timeout", "error", "skipped", None):
        return "—" if outcome is None else outcome["status"]
    rates = outcome.get("throughput_qps") or {}
    shown = " / ".join("—" if rates.get(str(c)) is None else f"{rates[str(c)]:g}" for c in clients)
    return ("≠ " if outcome.get("status") == "differs" else "") + shown


def markdown(report: dict) -> str:
    clients = tuple(report["settings"]["clients"])
    lines = []
    for result in report["sizes"]:
        engines = [e for e in ENGINES if result.get("engines", {}).get(e, {}).get("status") == "ok"]
        load = result.get("genskills_load", {})
        lines.append(f"### {result['synthetic_courses']:,} synthetic courses + {SHIPPED_COURSES} shipped "
                     f"({result['courses']:,} courses" + (f"; {result['quads']:,} quads, {result['dump_mb']} MB "
                                                         "of N-Quads)" if "quads" in result else ")"))
        lines.append("")
        if load.get("status") != "ok":
            unvalidated = load.get("unvalidated", {})
            lines.append(f"`genskills load` (with SHACL validation): {load.get('status')} after "
                         f"{load.get('seconds', '?')} s. " + (
                             f"The store was then built without validation in {unvalidated['seconds']} s "
                             "(`genskills load` with a shapes graph that holds no shape)."
                             if unvalidated.get("status") == "ok" else "No engine ran at this size."))
            lines.append("")
            if unvalidated.get("status") != "ok":
                continue
        header = "| | " + " | ".join(engines) + " |"
        rule = "| --- |" + " ---: |" * len(engines)
        lines += [header, rule]
        cells = []
        for engine in engines:
            data = result["engines"][engine]
            cells.append(f"{data['load_s']:.1f}" if data.get("load_s") is not None else data.get("status", "—"))
        lines.append("| load (s) | " + " | ".join(cells) + " |")
        cells = [f"{result['engines'][e]['peak_rss_mb']:,.0f}" if "peak_rss_mb" in result["engines"][e]
                 else "—" for e in engines]
        lines.append("| peak RSS while answering (MB) | " + " | ".join(cells) + " |")
        lines.append("")
        labels = list(dict.fromkeys(label for e in engines for label in result["engines"][e].get("queries", {})))
        lines.append("Median latency in ms (p95), and × the fastest engine whose answer agrees and that runs the "
                     "query on every call (genskills with its answer cache is not the base); ≠ marks an answer "
                     "that differs from genskills':")
        lines.append("")
        lines += ["| query | " + " | ".join(engines) + " |", "| --- |" + " ---: |" * len(engines)]
        for label in labels:
            outcomes = [result["engines"][e].get("queries", {}).get(label) for e in engines]
            agreeing = {e: o["median_ms"] for e, o in zip(engines, outcomes) if o and o.get("status") == "ok"}
            base = [v for e, v in agreeing.items() if e != "genskills"] or list(agreeing.values())
            fastest = min(base) if base else None
            lines.append(f"| `{label}` | " + " | ".join(_cell_latency(o, fastest) for o in outcomes) + " |")
        lines.append("")
        lines.append("First call in ms (the answer check: no warm-up, no cached answer):")
        lines.append("")
        lines += ["| query | " + " | ".join(engines) + " |", "| --- |" + " ---: |" * len(engines)]
        for label in labels:
            outcomes = [result["engines"][e].get("queries", {}).get(label) for e in engines]
            lines.append(f"| `{label}` | " + " | ".join(
                "—" if not o or o.get("first_ms") is None else _ms(o["first_ms"]) for o in outcomes) + " |")
        lines.append("")
        lines.append("Throughput in queries/s with " + " / ".join(str(c) for c in clients) + " concurrent clients:")
        lines.append("")
        lines += ["| query | " + " | ".join(engines) + " |", "| --- |" + " ---: |" * len(engines)]
        for label in labels:
            outcomes = [result["engines"][e].get("queries", {}).get(label) for e in engines]
            lines.append(f"| `{label}` | " + " | ".join(_cell_rate(o, clients) for o in outcomes) + " |")
        lines.append("")
        notes = [f"- {e}: {result['engines'][e]['note']}" for e in engines if result["engines"][e].get("note")]
        lines += notes + ([""] if notes else [])
    refused = [(result["synthetic_courses"], engine, label, outcome.get("note", ""))
               for result in report["sizes"] for engine, data in result.get("engines", {}).items()
               for label, outcome in data.get("queries", {}).items() if outcome.get("status") == "error"]
    if refused:
        lines.append("Queries an engine refused:")
        lines.append("")
        for size, engine, label, note in refused:
            # Virtuoso repeats the whole query after its message: keep the message.
            message = " ".join(note.split("SPARQL query:")[0].split())
            lines.append(f"- {size:,} courses, {engine}, `{label}`: " + message[:300])
        lines.append("")
    skipped = [(result["synthetic_courses"], engine, data["note"]) for result in report["sizes"]
               for engine, data in result.get("engines", {}).items() if data.get("status") in ("skipped", "error")]
    if skipped:
        lines.append("Engines not measured:")
        lines.append("")
        lines += [f"- {size:,} courses, {engine}: " + " ".join(note.split())[:400] for size, engine, note in skipped]
        lines.append("")
    found = [d for result in report["sizes"] for d in differences(result)]
    if found:
        lines.append("Answers that differ from genskills':")
        lines.append("")
        for item in found:
            reason = item["known"] or "NOT EXPLAINED"
            lines.append(f"- {item['size']:,} courses, {item['engine']}, `{item['query']}`: {reason}")
        lines.append("")
    return "\n".join(lines)


def machine() -> dict:
    def version(command: list[str]) -> str | None:
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=30)
        except OSError:
            return None
        return (done.stdout + done.stderr).strip().splitlines()[0] if (done.stdout + done.stderr).strip() else None

    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as package_version

    def package(name: str) -> str | None:
        try:
            return package_version(name)
        except PackageNotFoundError:
            return None

    binaries = peers.virtuoso_binaries()
    virtuoso = None
    if binaries:
        lines = subprocess.run([binaries[0], "-?"], capture_output=True, text=True).stderr.splitlines()
        virtuoso = next((line.strip() for line in lines if line.startswith("Version")), None)
    return {
        "cpus": os.cpu_count(), "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(), "system": platform.platform(),
        "genskills": package("genskills"), "pyoxigraph": package("pyoxigraph"),
        "oxigraph": version([peers.oxigraph_binary() or "oxigraph", "--version"]),
        "virtuoso": virtuoso, "rdflib": package("rdflib"), "rdflib-endpoint": package("rdflib-endpoint"),
        "load_average": os.getloadavg(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="600,20000,100000",
                        help="synthetic courses per run, comma-separated (added to the 139 shipped ones)")
    parser.add_argument("--out", type=Path, help="JSON file of the results (written after each size)")
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: 60 synthetic courses, 5 calls after 1 warm-up, 1 s of throughput")
    parser.add_argument("--engines", default=",".join(ENGINES), help="comma-separated subset of " + ", ".join(ENGINES))
    parser.add_argument("--repeat", type=int, default=30, help="timed calls per engine and query")
    parser.add_argument("--warmup", type=int, default=3, help="untimed calls first")
    parser.add_argument("--duration", type=float, default=5.0, help="seconds of each throughput run")
    parser.add_argument("--clients", default="1,4", help="concurrent clients of the throughput runs")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds one query may take on one engine")
    parser.add_argument("--budget", type=float, default=60.0,
                        help="seconds of latency calls per engine and query; fewer calls (3 at least) past it")
    parser.add_argument("--load-timeout", type=float, default=7200.0, help="seconds `genskills load` may take")
    parser.add_argument("--rdflib-max-quads", type=int, default=300_000,
                        help="rdflib-endpoint runs only on dumps of at most this many quads")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, help="folder for stores and dumps (default: a temporary one)")
    args = parser.parse_args()
    # A stopped run still stops its servers: SystemExit unwinds the launchers' context managers.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    if args.quick:
        args.sizes, args.repeat, args.warmup, args.duration, args.budget = "60", 5, 1, 1.0, 10.0
    args.engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    unknown = set(args.engines) - set(ENGINES)
    if unknown or "genskills" not in args.engines:
        parser.error(f"--engines: give genskills (the reference) and any of {', '.join(ENGINES)}")
    settings = Settings(args.repeat, args.warmup, args.duration, tuple(int(c) for c in args.clients.split(",")),
                        args.timeout, args.budget)
    sizes = [int(s) for s in args.sizes.split(",")]

    def log(text: str) -> None:
        print(text, flush=True)

    report = {"machine": machine(), "settings": {**settings.__dict__, "sizes": sizes, "seed": args.seed,
                                                   "rdflib_max_quads": args.rdflib_max_quads},
              "sizes": []}
    log(json.dumps(report["machine"]))
    with tempfile.TemporaryDirectory(prefix="genskills-compare-") as tmp:
        workdir = args.workdir or Path(tmp)
        for courses in sizes:
            log(f"\n=== {courses:,} synthetic courses ===")
            report["sizes"].append(run_size(courses, args, settings, workdir, log))
            report["markdown"] = markdown(report)
            if args.out:
                args.out.parent.mkdir(parents=True, exist_ok=True)
                args.out.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print()
    print(report["markdown"])
    unexplained = [d for result in report["sizes"] for d in differences(result) if not d["known"]]
    if unexplained:
        print("\nFAILED: answers that differ from genskills' with no known reason:", file=sys.stderr)
        for item in unexplained:
            print(json.dumps(item, ensure_ascii=False, indent=1), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
