"""SIGKILL mid-write, as a power cut: after a restart the store holds the state before the cut
transaction or after it, never a mix, and every acknowledged write is there (issue 7).

How the server dies. The server and every process it started (query workers, multiprocessing's
resource tracker) are frozen with SIGSTOP, the server first so that it starts no new process,
then all killed with SIGKILL: they die at one instant, and none of them sees another die and
reacts. Then a real `genskills serve` starts again on the same store, which must not be refused
(lock, ``<store>.snapshots`` left behind), and the killed processes must all be gone.

When the kill lands, measured in the test:

- at a seeded random moment within a write, as a fraction of durations measured earlier in the
  same run (the write stream: the write acknowledged before; the large update: the same update
  run to its end once on a copy of the store, which also gives the exact "after" state);
- at a chosen point inside one request: the test watches the store's write-ahead log (RocksDB's
  ``*.log`` files grow when a transaction commits) and kills the server once a commit has been
  written. A request written in one transaction is then complete; a request written in several
  is cut between two of them, which is what those cases check.
"""

from __future__ import annotations

import hashlib
import http.client
import io
import os
import random
import shutil
import signal
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal
from rdflib.compare import graph_diff, to_isomorphic
from rdflib.namespace import DCTERMS, PROV, RDFS

from conftest import ROOT
from genskills.course_edits import EDITS_GRAPH, HISTORY_GRAPH, entity_tag
from genskills.formats import RDF_FORMATS
from genskills.generate import generate, read_reference
from genskills.loading import load_sources
from genskills.namespaces import GRAPH, GSKD, INFERRED_GRAPH, STAGING_PREFIX
from genskills.store import OxigraphStore
from server import Server
from test_course_api import AUTH, TOKEN, TURTLE, course

SEED = 20261130
ENV = {"GENSKILLS_UPDATE_TOKEN": TOKEN}
N_TRIPLES = next(f for f in RDF_FORMATS if f.key == "nt")
SPARQL_JSON = {"Accept": "application/sparql-results+json"}
#: Every API-written graph: the kill may change these, the shipped ones never.
WRITTEN = {EDITS_GRAPH, HISTORY_GRAPH, str(INFERRED_GRAPH)}


# ---------------------------------------------------------------------------------
# Processes


def _stat_fields(pid: int) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command name (state first), or None if gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text.rsplit(")", 1)[1].split()


def _command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def process_tree(pid: int) -> list[int]:
    """``pid`` and every process it started (children, their children...), parents first."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat_fields(int(entry.name))
            if fields is not None:
                children.setdefault(int(fields[1]), []).append(int(entry.name))
    tree = [pid]
    index = 0
    while index < len(tree):
        tree += sorted(children.get(tree[index], []))
        index += 1
    return tree


def alive(pid: int) -> bool:
    """Still there and not a zombie (a zombie runs nothing and holds no file)."""
    fields = _stat_fields(pid)
    return fields is not None and fields[0] != "Z"


def _signal(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass


def kill_tree(root: int) -> list[int]:
    """Freeze ``root`` and every process it started (SIGSTOP), then SIGKILL them all: a power cut."""
    _signal(root, signal.SIGSTOP)
    tree = [root]
    while True:   # stopped processes start no new ones: the tree is whole once it stops growing
        found = [pid for pid in process_tree(root) if pid not in tree]
        if not found:
            break
        for pid in found:
            _signal(pid, signal.SIGSTOP)
        tree += found
    for pid in tree:
        _signal(pid, signal.SIGKILL)
    return tree


def power_cut(server: Server) -> list[int]:
    """Kill the server and every process it started at one instant; their pids."""
    tree = kill_tree(server.process.pid)
    server.process.wait(timeout=30)
    server.stop()   # reads the rest of its output
    return tree


def assert_all_gone(pids: list[int], what: str, *, timeout: float = 10) -> None:
    """Every process of ``pids`` ends within ``timeout`` s; any left is killed, and the test fails."""
    deadline = time.monotonic() + timeout
    while (left := [pid for pid in pids if alive(pid)]) and time.monotonic() < deadline:
        time.sleep(0.05)
    if left:
        described = {pid: f"state {(_stat_fields(pid) or ['?'])[0]}: {_command(pid)[:100]}" for pid in left}
        for pid in left:
            _signal(pid, signal.SIGKILL)
        raise AssertionError(f"{what}: processes still running {timeout:g} s later (orphans): {described}")


@pytest.fixture
def servers():
    """Start `genskills serve` on a store (with the update token); what is left is stopped after the test."""
    started: list[Server] = []

    def start(store: Path, *, restart: bool = False, serve_args: tuple[str, ...] = ()) -> Server:
        try:
            server = Server("--store", str(store), serve_args=serve_args, env=ENV)
        except RuntimeError as exc:
            if restart:
                left = sorted(p.name for p in store.parent.iterdir())
                pytest.fail(f"the server did not start again on the store of a killed server (beside it: "
                            f"{left}): {exc}")
            raise
        started.append(server)
        return server

    yield start
    for server in started:
        if server.process.poll() is None:
            tree = process_tree(server.process.pid)
            server.stop()
            for pid in tree:
                if alive(pid):
                    _signal(pid, signal.SIGKILL)


def stop_cleanly(server: Server) -> None:
    """SIGTERM: the server stops with status 0 and leaves no process behind."""
    tree = process_tree(server.process.pid)
    server.stop()
    assert server.process.returncode == 0, "".join(server.log)[-2000:]
    assert_all_gone(tree, "a server stopped with SIGTERM")


def send_in_background(server: Server, path: str, *, method: str, body: bytes | None = None,
                       headers: dict | None = None) -> tuple[threading.Thread, list, threading.Event]:
    """Send one request from a thread: the thread, the list its answer goes to, an event set when it ends."""
    answers: list = []
    done = threading.Event()

    def send() -> None:
        try:
            answers.append(server.request(path, method=method, data=body, headers=headers, timeout=300))
        except (OSError, http.client.HTTPException):
            pass   # the server is gone: no answer
        finally:
            done.set()

    thread = threading.Thread(target=send, daemon=True)
    thread.start()
    return thread, answers, done


# ---------------------------------------------------------------------------------
# The store: the template and its copies, the write-ahead log, digests


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A closed store on disk loaded with the shipped data: each case runs a server on a copy of it."""
    path = tmp_path_factory.mktemp("kill-template") / "store"
    store = OxigraphStore(path)
    load_sources(store, ROOT)
    store.close()
    return path


@pytest.fixture(scope="module")
def before(template) -> Digest:
    return digest(template)


def copy_of(template: Path, folder: Path) -> Path:
    path = folder / "store"
    shutil.copytree(template, path)
    return path


class WriteAheadLog:
    """The store's write-ahead log: RocksDB appends each transaction to a ``*.log`` file as it commits."""

    def __init__(self, store: Path):
        self.store = store
        self.start = self._sizes()

    def _sizes(self) -> dict[str, int]:
        sizes = {}
        for path in self.store.glob("*.log"):
            try:
                sizes[path.name] = path.stat().st_size
            except FileNotFoundError:   # a log file retired after a flush
                pass
        return sizes

    def grown(self) -> bool:
        """Has a transaction committed since this object was made?"""
        return any(size > self.start.get(name, 0) for name, size in self._sizes().items())

    def wait_for_commit(self, done: threading.Event, *, quiet: float = 0.3) -> float | None:
        """Seconds until the log starts to grow; returns once it has not grown for ``quiet`` s more
        (a large transaction takes several writes). None if ``done`` is set before it grows."""
        started = time.monotonic()
        while not self.grown():
            if done.is_set() or time.monotonic() - started > 300:
                return None
            time.sleep(0.002)
        grew = time.monotonic() - started
        sizes, still = self._sizes(), time.monotonic()
        while time.monotonic() - still < quiet:
            time.sleep(0.005)
            if (now := self._sizes()) != sizes:
                sizes, still = now, time.monotonic()
        return grew


@dataclass(frozen=True)
class Digest:
    """What a store holds: a hash of each named graph, and every quad counted (see ``digest``)."""

    graphs: dict[str, str]
    quads: int


def digest(path: Path) -> Digest:
    """What a store holds: a hash of each named graph, its blank nodes canonicalised, and every quad counted.

    Canonical, not the blank node labels as stored: a load writes the ontology and the shapes
    again with new labels, and the same content must hash the same.
    """
    store = OxigraphStore(path, read_only=True)
    try:
        graphs = {}
        for name in store.graph_names():
            out = io.BytesIO()
            store.dump(out, N_TRIPLES, graph=name)
            dataset = ox.Dataset(ox.parse(out.getvalue(), format=ox.RdfFormat.N_TRIPLES))
            dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
            graphs[name] = hashlib.sha256("\n".join(sorted(map(str, dataset))).encode("utf-8")).hexdigest()
        return Digest(graphs, len(store))
    finally:
        store.close()


def compared(found: Digest, before: Digest, after: Digest) -> str:
    """Graph by graph, which state the store holds: before, after, unchanged (both) or neither."""
    lines = []
    for name in sorted(set(found.graphs) | set(before.graphs) | set(after.graphs)):
        now = found.graphs.get(name)
        kind = {(True, True): "unchanged", (True, False): "BEFORE", (False, True): "AFTER",
                (False, False): "NEITHER"}[(now == before.graphs.get(name), now == after.graphs.get(name))]
        lines.append(f"  {name}: {kind}")
    lines.append(f"  quads: {found.quads} (before {before.quads}, after {after.quads})")
    return "\n".join(lines)


def derived_graph_mismatch(path: Path, scratch: Path) -> str | None:
    """None if the derived graph is what the other graphs imply; else what differs.

    Checked on a copy: dropping a graph that does not exist changes nothing, and the store then
    rebuilds the derived graph from the others.
    """
    copy = scratch / "rederived"
    shutil.copytree(path, copy)
    store = OxigraphStore(copy)
    try:
        stored = to_isomorphic(store.read_graph(str(INFERRED_GRAPH)))
        store.drop_graphs([str(GRAPH["test-kill-no-such-graph"])])
        rebuilt = to_isomorphic(store.read_graph(str(INFERRED_GRAPH)))
    finally:
        store.close()
    if stored == rebuilt:
        return None
    _, stale, missing = graph_diff(stored, rebuilt)
    return (f"{len(stale)} derived triple(s) no longer implied, e.g. {sorted(stale)[:2]}; "
            f"{len(missing)} implied but missing, e.g. {sorted(missing)[:2]}")


def sparql_rows(server: Server, query: str) -> list[dict]:
    status, body = server.json("/sparql?query=" + urllib.parse.quote(query), headers=SPARQL_JSON)
    assert status == 200, body
    return body["results"]["bindings"]


# ---------------------------------------------------------------------------------
# A stream of course writes


@dataclass
class Write:
    course_id: str
    action: str               # create, replace or delete
    hours: int | None = None  # gsk:durationHours of the new state (a create or a replace)
    sent: float | None = None
    status: int | None = None
    etag: str | None = None   # the entity tag acknowledged, without quotes (a create or a replace)
    seconds: float | None = None

    @property
    def body(self) -> bytes | None:
        return None if self.action == "delete" else course(self.course_id, hours=self.hours)


def write_plan(cut: str) -> list[Write]:
    """A create acknowledged first, then the write the kill is aimed at (``cut``: a "create", a
    "replace" or a "delete"), then more, in case the kill comes later."""
    a, b = "course-kill-a", "course-kill-b"
    return {
        "create": [Write(a, "create", 2000), Write(b, "create", 1900), Write(a, "replace", 1500), Write(b, "delete")],
        "replace": [Write(a, "create", 2000), Write(a, "replace", 1500), Write(b, "create", 1900), Write(a, "delete")],
        "delete": [Write(a, "create", 2000), Write(a, "delete"), Write(b, "create", 1900), Write(b, "replace", 1500)],
    }[cut]


class WriteStream(threading.Thread):
    """Sends the writes of a plan one after the other; keeps the acknowledged ones (2xx received)."""

    def __init__(self, server: Server, plan: list[Write]):
        super().__init__(daemon=True)
        self.server = server
        self.plan = plan
        self.tags: dict[str, str] = {}   # course id -> its ETag (quoted), for If-Match
        self.acknowledged: list[Write] = []
        self.cut: Write | None = None       # sent, and no answer came: the write the kill cut
        self.refused: Write | None = None   # answered with an error: the stream is broken
        self.stop = threading.Event()

    def run(self) -> None:
        for write in self.plan:
            if self.stop.is_set():
                return
            headers = {**AUTH, **TURTLE}
            if write.action == "create":
                headers["If-None-Match"] = "*"
            else:
                headers["If-Match"] = self.tags[write.course_id]
            self.cut = write
            write.sent = time.monotonic()
            try:
                status, answer, _ = self.server.request(
                    f"/api/courses/{write.course_id}", method="DELETE" if write.action == "delete" else "PUT",
                    data=write.body, headers=headers, timeout=60)
            except (OSError, http.client.HTTPException):
                return   # the server is gone: this write was never acknowledged
            write.seconds, write.status = time.monotonic() - write.sent, status
            self.cut = None
            if status not in (200, 201, 204):
                self.refused = write
                return
            if write.action == "delete":
                self.tags.pop(write.course_id)
            else:
                self.tags[write.course_id] = answer["ETag"]
                write.etag = answer["ETag"].strip('"')
            self.acknowledged.append(write)


class Reader(threading.Thread):
    """Queries the server now and then, so that query workers are running when the kill comes."""

    def __init__(self, server: Server):
        super().__init__(daemon=True)
        self.server = server
        self.stop = threading.Event()

    def run(self) -> None:
        query = urllib.parse.quote(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{EDITS_GRAPH}> {{ ?s ?p ?o }} }}")
        while not self.stop.wait(0.25):
            try:
                self.server.request(f"/sparql?query={query}", headers=SPARQL_JSON, timeout=30)
            except (OSError, http.client.HTTPException):
                return


def meaning(graph: Graph, iri) -> set:
    """A course's statements compared by value, its timestamps (set by the server) left out."""
    out = set()
    for p, o in graph.predicate_objects(iri):
        if p in (DCTERMS.modified, DCTERMS.created):
            continue
        if isinstance(o, Literal) and o.datatype is not None and o.value is not None:
            o = ("literal", str(o.datatype), o.value)
        out.add((p, o))
    return out


def course_in(graph: Graph, iri) -> Graph:
    out = Graph()
    for p, o in graph.predicate_objects(iri):
        out.add((iri, p, o))
    return out


def tag_of(stored: Graph) -> str | None:
    """The entity tag of a course's statements (None: no such course), as the server computes it."""
    return entity_tag(stored) if len(stored) else None


def history_actions(history: Graph) -> dict[str, list[str]]:
    """Course IRI -> the actions of its recorded changes, sorted."""
    actions: dict[str, list[str]] = {}
    for revision, iri in history.subject_objects(PROV.specializationOf):
        activity = history.value(revision, PROV.wasGeneratedBy)
        label = next(str(o) for o in history.objects(activity, RDFS.label) if o.language == "en")
        actions.setdefault(str(iri), []).append(label)
    return {iri: sorted(found) for iri, found in actions.items()}


@dataclass
class Expected:
    """Each course as last acknowledged; the write the kill cut, which may be there or not."""

    tags: dict[str, str | None] = field(default_factory=dict)    # course id -> entity tag acknowledged (None: absent)
    actions: dict[str, list[str]] = field(default_factory=dict)  # course id -> the actions acknowledged
    cut: Write | None = None

    def acknowledge(self, stream: WriteStream) -> None:
        for write in stream.acknowledged:
            self.tags[write.course_id] = write.etag
            self.actions.setdefault(write.course_id, []).append(write.action)
        self.cut = stream.cut
        if self.cut is not None:
            self.tags.setdefault(self.cut.course_id, None)

    def outcome(self, course_id: str, stored: Graph, tag: str | None) -> str:
        """Which state ``stored`` (entity tag ``tag``) is: "acknowledged", "after" the cut write, or "neither"."""
        if tag == self.tags[course_id]:
            return "acknowledged"
        if self.cut is None or course_id != self.cut.course_id:
            return "neither"
        iri = GSKD[course_id]
        if self.cut.action == "delete":
            return "after" if not len(stored) else "neither"
        sent = Graph().parse(data=self.cut.body, format="turtle", publicID=str(iri))
        return "after" if len(stored) and meaning(stored, iri) == meaning(sent, iri) else "neither"


@pytest.mark.parametrize("cut", ["create", "replace", "delete"])
def test_sigkill_during_a_stream_of_course_writes_keeps_every_acknowledged_write(template, before, tmp_path,
                                                                               servers, cut):
    """Killed during the 2nd write of a stream (a create, a replace, a delete) at a seeded moment.

    The moment is a random fraction (seeded per case) of the duration of the write acknowledged
    before it, measured in this run. After a restart every acknowledged course is there with the
    ETag it was acknowledged with (a deleted one is gone), the cut course is as acknowledged or as
    the cut write left it, the history records exactly the changes that are there, the derived
    graph is what the data implies, and the shipped graphs are unchanged. (What a reader sees of a
    write cut between its staging and its commit: the next test.)
    """
    fraction = random.Random(f"{SEED}-{cut}").uniform(0.05, 0.95)
    store = copy_of(template, tmp_path)
    server = servers(store)
    plan = write_plan(cut)
    stream, reader = WriteStream(server, plan), Reader(server)
    stream.start()
    reader.start()
    aimed = plan[1]
    deadline = time.monotonic() + 120
    while aimed.sent is None and stream.is_alive() and time.monotonic() < deadline:
        time.sleep(0.005)
    assert aimed.sent is not None, f"the 2nd write was not sent: {stream.refused}\n{''.join(server.log)[-2000:]}"
    moment = fraction * plan[0].seconds
    time.sleep(max(0.0, aimed.sent + moment - time.monotonic()))
    killed = power_cut(server)
    stream.stop.set()
    reader.stop.set()
    stream.join(60)
    reader.join(60)
    assert_all_gone(killed, "the killed server")
    # The server and multiprocessing's resource tracker at least; query workers come and go with writes.
    assert len(killed) >= 2, killed
    cut_write = f"{stream.cut.action} {stream.cut.course_id}" if stream.cut else "none"
    where = (f"killed {moment:.2f} s into the {aimed.action} of {aimed.course_id} (the write before took "
             f"{plan[0].seconds:.2f} s); the write cut: {cut_write}")
    assert stream.refused is None, f"{where}: a write was refused: {stream.refused}"
    assert stream.acknowledged, where
    expected = Expected()
    expected.acknowledge(stream)

    again = servers(store, restart=True)
    for course_id in expected.tags:
        status, headers, body = again.request(f"/api/courses/{course_id}", headers={"Accept": "text/turtle"})
        assert status in (200, 404), body
        stored = Graph().parse(data=body, format="turtle") if status == 200 else Graph()
        tag = headers["ETag"].strip('"') if status == 200 else None
        assert expected.outcome(course_id, stored, tag) != "neither", \
            f"{where}: GET {course_id} gives neither its acknowledged state nor the cut write's"
    stop_cleanly(again)

    found = OxigraphStore(store, read_only=True)
    try:
        edits, history = found.read_graph(EDITS_GRAPH), found.read_graph(HISTORY_GRAPH)
    finally:
        found.close()
    now = digest(store)
    for name, sha in before.graphs.items():
        if name not in WRITTEN:
            assert now.graphs.get(name) == sha, f"{where}: graph {name} changed"
    present = set()
    for course_id in expected.tags:
        stored = course_in(edits, GSKD[course_id])
        outcome = expected.outcome(course_id, stored, tag_of(stored))
        assert outcome != "neither", f"{where}: {course_id} is neither as acknowledged nor as the cut write left it"
        actions = sorted(expected.actions.get(course_id, []) + ([expected.cut.action] if outcome == "after" else []))
        # A change and its record are one transaction: the history has the cut write iff the data has it.
        assert history_actions(history).get(str(GSKD[course_id]), []) == actions, \
            f"{where}: the history of {course_id} does not match its state ({outcome})"
        if len(stored):
            present.add(str(GSKD[course_id]))
    assert {str(s) for s in edits.subjects()} == present, f"{where}: the edits graph holds something else"
    assert set(now.graphs) == set(before.graphs) | {HISTORY_GRAPH} | ({EDITS_GRAPH} if present else set()), where
    assert set(history_actions(history)) <= {str(GSKD[c]) for c in expected.tags}, where
    mismatch = derived_graph_mismatch(store, tmp_path)
    assert mismatch is None, f"{where}: the derived graph does not match the data: {mismatch}"


def test_a_write_cut_after_its_staging_is_invisible_after_a_restart(template, before, tmp_path, servers):
    """Killed once a course write has committed its staging graphs, before its own commit (the
    validation runs between the two): after a restart no reader sees any of it."""
    store = copy_of(template, tmp_path)
    server = servers(store)
    log = WriteAheadLog(store)
    course_id = "course-kill-staged"
    thread, answers, done = send_in_background(server, f"/api/courses/{course_id}", method="PUT",
                                               body=course(course_id), headers={**AUTH, **TURTLE})
    waited = log.wait_for_commit(done)
    killed = power_cut(server)
    thread.join(60)
    assert_all_gone(killed, "the killed server")
    if waited is None or answers:
        pytest.fail(f"the write ended before the log grew: {answers}")

    again = servers(store, restart=True)
    status = again.request(f"/api/courses/{course_id}")[0]
    graphs = {row["g"]["value"] for row in sparql_rows(again, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")}
    seen = int(sparql_rows(again, f"SELECT (COUNT(*) AS ?n) WHERE {{ <{GSKD[course_id]}> ?p ?o }}")[0]["n"]["value"])
    stop_cleanly(again)
    found = OxigraphStore(store, read_only=True)
    try:
        committed = len(course_in(found.read_graph(EDITS_GRAPH), GSKD[course_id]))
    finally:
        found.close()
    if committed:   # pytest.fail, not an assertion: the case did not test what it means to
        pytest.fail(f"the kill came after the write's commit ({waited:.2f} s after sending it, the log grew)")
    staging = sorted(g for g in graphs if g.startswith(STAGING_PREFIX))
    assert status == 404 and seen == 0 and not staging, \
        (f"the course that was never written shows: GET {status}, {seen} statements through /sparql; "
         f"staging graphs left: {staging}")
    assert digest(store) == before, "the store is not exactly as before the cut write"


# ---------------------------------------------------------------------------------
# A large SPARQL update

BULK_GRAPH = str(GRAPH["test-kill-bulk"])
UPDATE = {**AUTH, "Content-Type": "application/sparql-update"}


@pytest.fixture(scope="module")
def bulk_update() -> bytes:
    """One SPARQL Update request of just under 1 MiB (the body limit), all into one graph.

    INSERT DATA of 20 synthetic courses (`genskills generate`), which change the derived graph,
    and of about 12,000 labelled rows; then an INSERT ... WHERE that doubles the rows, so that
    the transaction lasts long enough to be cut (about 1 s on an idle machine).
    """
    out = io.StringIO()
    generate(out, courses=20, seed=SEED, reference=read_reference(ROOT))
    lines = out.getvalue().splitlines()
    prefixes = ["PREFIX " + line.removeprefix("@prefix ").rstrip(" .") for line in lines if line.startswith("@prefix")]
    courses = [line for line in lines if line and not line.startswith(("#", "@prefix"))]
    head = "\n".join(prefixes) + f"\nINSERT DATA {{ GRAPH <{BULK_GRAPH}> {{\n" + "\n".join(courses) + "\n"
    tail = (f"}} }} ;\nINSERT {{ GRAPH <{BULK_GRAPH}> {{ ?row <urn:genskills:test:copy> ?label }} }}\n"
            f"WHERE {{ GRAPH <{BULK_GRAPH}> {{ ?row rdfs:label ?label }} }}\n")
    rows, size, number = [], len((head + tail).encode("utf-8")), 0
    while size < 1024 * 1024 - 200:
        number += 1
        row = f'gskd:kill-bulk-{number:06d} rdfs:label "row {number} of a large update cut by SIGKILL"@en .\n'
        rows.append(row)
        size += len(row)
    return (head + "".join(rows) + tail).encode("utf-8")


@dataclass(frozen=True)
class BulkReference:
    """The large update run to its end once."""

    first_commit: float   # seconds from sending it to the first growth of the write-ahead log
    triples: int          # in the bulk graph after it
    after: Digest         # the store after it


def count_in(server: Server, graph: str) -> int:
    rows = sparql_rows(server, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    return int(rows[0]["n"]["value"])


@pytest.fixture(scope="module")
def bulk_reference(template, bulk_update, tmp_path_factory) -> BulkReference:
    """The large update run to its end on a copy of the store: when its first transaction
    commits, measured here, and the exact state after it."""
    store = copy_of(template, tmp_path_factory.mktemp("kill-bulk-reference"))
    server = Server("--store", str(store), env=ENV)
    try:
        log = WriteAheadLog(store)
        thread, answers, done = send_in_background(server, "/sparql/update", method="POST", body=bulk_update,
                                                   headers=UPDATE)
        first_commit = log.wait_for_commit(done, quiet=0)
        thread.join(300)
        assert answers and answers[0][0] == 204, answers
        assert first_commit is not None, "the update was answered and the write-ahead log did not grow"
        triples = count_in(server, BULK_GRAPH)
    finally:
        server.stop()
    return BulkReference(first_commit, triples, digest(store))


def kill_during_bulk_update(store: Path, servers, bulk_update: bytes, *,
                            moment: float | None) -> tuple[str, Digest, int]:
    """Send the large update, kill the server ``moment`` s later (None: once a commit is written), restart it.

    A description of the kill, the store's digest, and the triples /sparql sees in the bulk graph.
    """
    server = servers(store)
    log = WriteAheadLog(store)
    started = time.monotonic()
    thread, answers, done = send_in_background(server, "/sparql/update", method="POST", body=bulk_update,
                                               headers=UPDATE)
    if moment is None:
        grew = log.wait_for_commit(done)
        where = f"killed after a commit was written ({grew} s after sending the update)"
    else:
        done.wait(moment)
        where = (f"killed {time.monotonic() - started:.2f} s after sending the update "
                 f"(a commit had {'' if log.grown() else 'not '}been written)")
    killed = power_cut(server)
    thread.join(60)
    assert_all_gone(killed, "the killed server")
    if answers:   # pytest.fail, not an assertion: the case did not test what it means to
        pytest.fail(f"{where}: the update was answered before the kill: {answers}")
    again = servers(store, restart=True)
    seen = count_in(again, BULK_GRAPH)
    stop_cleanly(again)
    return where, digest(store), seen


def test_sigkill_inside_a_large_sparql_update_leaves_the_state_before_or_after_it(template, before, tmp_path,
                                                                                servers, bulk_update,
                                                                                bulk_reference):
    """Killed inside the update's transaction, at a seeded fraction (0.1 to 0.5) of the time its
    first commit took in the reference run: the store is exactly as before it or as after it."""
    moment = random.Random(f"{SEED}-bulk").uniform(0.1, 0.5) * bulk_reference.first_commit
    where, found, seen = kill_during_bulk_update(copy_of(template, tmp_path), servers, bulk_update, moment=moment)
    where += f"; in the reference run the first commit came {bulk_reference.first_commit:.2f} s after sending"
    assert found in (before, bulk_reference.after), \
        f"{where}: the store is neither as before nor as after the update:\n" + \
        compared(found, before, bulk_reference.after)
    assert seen == (0 if found == before else bulk_reference.triples), where


def test_a_sparql_update_and_its_derived_graph_are_written_together(template, before, tmp_path, servers,
                                                                           bulk_update, bulk_reference):
    """Killed once the update's first commit is written: the store must hold the whole after state."""
    where, found, seen = kill_during_bulk_update(copy_of(template, tmp_path), servers, bulk_update, moment=None)
    assert found in (before, bulk_reference.after), \
        f"{where}: the store is neither as before nor as after the update:\n" + \
        compared(found, before, bulk_reference.after)
    assert seen == (0 if found == before else bulk_reference.triples), where


# ---------------------------------------------------------------------------------
# The server alone killed: its workers must not live on

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def test_workers_end_when_the_server_alone_is_killed(template, tmp_path, servers):
    """SIGKILL to the server process only, while a worker runs a long query: every process it started ends."""
    server = servers(copy_of(template, tmp_path), serve_args=("--query-timeout", "120"))
    thread, _, _ = send_in_background(server, "/sparql?" + urllib.parse.urlencode({"query": RUNAWAY}), method="GET",
                                      headers=SPARQL_JSON)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        tree = process_tree(server.process.pid)
        busy = [pid for pid in tree[1:] if "spawn_main" in _command(pid) and (_stat_fields(pid) or ["?"])[0] == "R"]
        if busy:
            break
        time.sleep(0.05)
    if not busy:
        pytest.fail(f"no query worker took the long query: {[(pid, _command(pid)[:80]) for pid in tree]}")
    os.kill(server.process.pid, signal.SIGKILL)
    server.process.wait(timeout=30)
    try:
        assert_all_gone(tree[1:], "the processes of a server killed alone", timeout=3)
    finally:
        # Only now: a process left running holds the server's output pipe open, and reading it to the
        # end would wait for ever.
        server.stop()
        thread.join(60)
