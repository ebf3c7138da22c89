"""SIGKILL during a large `genskills import` or `genskills load` run from the command line, as a
power cut: a real `genskills serve` started afterwards on the store must not be refused, and the
store holds exactly the state before the command or after it, never a mix (issue 7).

The commands are real subprocesses on a copy of a store on disk; the process and anything it
started are frozen with SIGSTOP, then killed with SIGKILL at one instant (``test_kill_recovery.py``
does the same to a server, and holds the helpers used here). Then a server starts on the store,
and the test checks, on the server and in the store once it is stopped: every named graph (the
derived graph included, blank nodes canonicalised) and the quad count are those before the command
or those after it; no staging graph (``.../graph/staging/``) is left; the canned queries and a
course count give the answers of that same state; the server did not find an empty store (it
would load the shipped data, which is the "after" state of the load).

The import: an inventory CSV of COURSES synthetic courses (`genskills generate`, turned into the
working group's columns), imported into the shipped data. It is run to its end once per module on
a copy of the store: the exact "after" state, and the time of each step. On this machine (2 cores
shared with other jobs) it took about 5.5 s: 0.5 s to start, 1 s to read the vocabulary and the
file and compare, 0.6 s to stage and validate, then the commit step, 3 s: one SPARQL Update that
replaces the graph and rebuilds the derived graph, computed for 2.7 s in its transaction, whose
15 MB reach the write-ahead log at its end. 200 courses, not thousands: the commit step grows by
about 10 ms a course (2,000 courses: a 40 s import), and the module has about 60 s. The kill lands
once the staging transaction is in the log, at a seeded fraction of the commit step, once the
commit is in the log, and at a seeded fraction of the whole run.

The load: `genskills load` of the shipped data into a store that holds all of it but the
illustrative courses (about 2.2 s). An on-disk store is not staged: ``loading._load_by_rebuild``
builds the new store in memory, writes it beside the live one (``<store>.rebuild``) and swaps the
two with two renames (``store.Rebuild.swap``). The kill lands at a seeded fraction of the run, once
``<store>.rebuild`` appears (the new store being written), and between the two renames: no timer
hits that window of microseconds, so the process kills itself there (``os.rename`` wrapped in the
process, the code under test unchanged); the load run again must then succeed.

The whole module takes about 55 s on this machine (20 s of it in the module fixtures).
"""

from __future__ import annotations

import csv
import io
import json
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import RDF, RDFS, SKOS

from conftest import ROOT
from genskills.generate import generate, read_reference
from genskills.loading import load_sources
from genskills.namespaces import GSK, GSKD, STAGING_PREFIX
from genskills.store import OxigraphStore
from server import Server
from test_kill_recovery import (ENV, SEED, SPARQL_JSON, Digest, WriteAheadLog, digest, alive, assert_all_gone,
                                _signal, compared, copy_of, kill_tree, process_tree, sparql_rows, stop_cleanly)
from test_kill_recovery import servers, template  # noqa: F401  (fixtures, used by name)

COURSES = 200
IMPORT_SOURCE = "kill-import"
#: The canned queries compared after a restart: counts kept in the derived graph, and computed.
CANNED = ("courses-per-region", "step-coverage", "coverage-by-step", "coverage-by-domain")
COURSE_COUNT = "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a <https://w3id.org/genskills/ontology#Course> }"
ALL_GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }"   # empty named graphs too
#: Runs `genskills` with os.rename wrapped: the process SIGKILLs itself right after the rename
#: that moves the live store aside (``<store>.old``), before the new store takes its place.
DIE_BETWEEN_RENAMES = """
import os, signal, sys
from genskills.cli import main
rename = os.rename
def rename_then_die(source, target, *args, **kwargs):
    rename(source, target, *args, **kwargs)
    if str(target).endswith(".old"):
        os.kill(os.getpid(), signal.SIGKILL)
os.rename = rename_then_die
sys.argv[0] = "genskills"
main()
"""


# ---------------------------------------------------------------------------------
# A command-line process, timed and killed


class Command:
    """`genskills --store STORE ARGS...` in a subprocess; its progress lines (stderr) timed as they come."""

    def __init__(self, store: Path, *args: str, script: str | None = None):
        start = [sys.executable, "-c", script] if script else [sys.executable, "-m", "genskills"]
        self.line = " ".join(["genskills", "--store", str(store), *args])
        self.started = time.monotonic()
        self.process = subprocess.Popen([*start, "--store", str(store), *args], stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True)
        self.output: list[str] = []
        self.steps: list[tuple[float, str]] = []   # (seconds from the start, progress line)
        self.ended = threading.Event()             # set when its standard error closes: it has ended
        # Both pipes read as they fill: a full pipe would block the command.
        self._readers = [threading.Thread(target=self._read, args=(stream, timed), daemon=True)
                         for stream, timed in ((self.process.stdout, False), (self.process.stderr, True))]
        for reader in self._readers:
            reader.start()

    def _read(self, stream, timed: bool) -> None:
        for line in stream:
            if timed:
                self.steps.append((time.monotonic() - self.started, line.rstrip("\n")))
            self.output.append(line)
        if timed:
            self.ended.set()

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def step(self, text: str) -> float | None:
        """Seconds from the start to the first progress line holding ``text`` (None: not yet)."""
        return next((seconds for seconds, line in list(self.steps) if text in line), None)

    def wait_until(self, ready: Callable[[], bool], *, pause: float = 0.002, timeout: float = 120) -> float | None:
        """Seconds from the start until ``ready()``; None if the command ended (or ``timeout`` passed) first."""
        deadline = time.monotonic() + timeout
        while not ready():
            if self.process.poll() is not None or time.monotonic() > deadline:
                return None
            time.sleep(pause)
        return self.elapsed()

    def finish(self, timeout: float = 300) -> int:
        """Wait for the end; the exit status."""
        self.process.wait(timeout=timeout)
        self._close()
        return self.process.returncode

    def kill(self) -> list[int]:
        """Freeze the process and all it started (SIGSTOP), then SIGKILL them at once; their pids."""
        tree = kill_tree(self.process.pid)
        self.process.wait(timeout=30)
        self._close()
        return tree

    def _close(self) -> None:
        """Read the rest of the output, then close the pipes (again: nothing happens)."""
        for reader in self._readers:
            reader.join(timeout=20)
        for stream in (self.process.stdout, self.process.stderr):
            stream.close()

    @property
    def text(self) -> str:
        return "".join(self.output)[-3000:]


@pytest.fixture
def commands():
    """Start Commands; any still running after the test is killed."""
    started: list[Command] = []

    def start(store: Path, *args: str, script: str | None = None) -> Command:
        command = Command(store, *args, script=script)
        started.append(command)
        return command

    yield start
    for command in started:
        if command.process.poll() is None:
            for pid in process_tree(command.process.pid):
                if alive(pid):
                    _signal(pid, signal.SIGKILL)
        command.finish(timeout=30)


# ---------------------------------------------------------------------------------
# States: digests and canned answers


def canned_answers(server: Server) -> dict[str, list[str]]:
    """The answers of the CANNED queries and of a course count, rows sorted (for comparison)."""
    answers = {}
    for name in CANNED:
        status, body = server.json(f"/api/queries/{name}?lang=en", headers=SPARQL_JSON)
        assert status == 200, (name, body)
        answers[name] = sorted(json.dumps(row, sort_keys=True) for row in body["results"]["bindings"])
    answers["courses"] = [row["n"]["value"] for row in sparql_rows(server, COURSE_COUNT)]
    return answers


@pytest.fixture(scope="module")
def answers_of(tmp_path_factory):
    """The canned answers of a store's state, through a server started on a copy of it (once a state)."""
    known: dict[tuple, dict[str, list[str]]] = {}

    def answers(store: Path, state: Digest) -> dict[str, list[str]]:
        key = (state.quads, tuple(sorted(state.graphs.items())))
        if key not in known:
            server = Server("--store", str(copy_of(store, tmp_path_factory.mktemp("answers"))), env=ENV)
            try:
                known[key] = canned_answers(server)
            finally:
                server.stop()
        return known[key]

    return answers


# ---------------------------------------------------------------------------------
# The reference runs: each command run to its end once, the states before and after it


def inventory_csv(turtle: str, path: Path) -> None:
    """Write the courses of a synthetic catalogue (`genskills generate`) as an inventory CSV (docs/import.md)."""
    graph = Graph().parse(data=turtle, format="turtle")
    local = lambda node: str(node)[len(str(GSKD)):]  # noqa: E731
    rows = []
    for course in sorted(graph.subjects(RDF.type, GSK.Course)):
        title = {label.language: str(label) for label in graph.objects(course, RDFS.label)}
        definition = {text.language: str(text) for text in graph.objects(course, SKOS.definition)}

        def one(prop, course=course) -> str:
            value = graph.value(course, prop)
            return "" if value is None else str(value)

        rows.append({
            "id": local(course), "title_fr": title["fr"], "title_en": title["en"],
            "description_fr": definition["fr"], "description_en": definition["en"],
            "institution": local(graph.value(course, GSK.offeredBy)), "city": one(GSK.city),
            "region": local(graph.value(course, GSK.inRegion)),
            "training_type": local(graph.value(course, GSK.hasTrainingType)),
            "eqf_level": one(GSK.eqfLevel), "french_level": one(GSK.frenchLevel), "ects": one(GSK.ects),
            "hours": one(GSK.durationHours), "mode": one(GSK.hasMode).rsplit("#", 1)[1],
            "language": one(GSK.teachingLanguage),
            "competences": "; ".join(sorted(local(c) for c in graph.objects(course, GSK.coversCompetence))),
            "target_roles": "; ".join(sorted(local(r) for r in graph.objects(course, GSK.targetsRole))),
            "illustrative": "true"})
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture(scope="module")
def inventory(tmp_path_factory) -> Path:
    """An inventory CSV of COURSES synthetic (illustrative) courses of the shipped institutions."""
    out = io.StringIO()
    generate(out, courses=COURSES, seed=SEED, reference=read_reference(ROOT))
    path = tmp_path_factory.mktemp("kill-import-inventory") / f"{IMPORT_SOURCE}.csv"
    inventory_csv(out.getvalue(), path)
    return path


@dataclass(frozen=True)
class Reference:
    """A command run to its end once on a copy of its store."""

    seconds: float                      # from the start of the process to its end
    steps: list[tuple[float, str]]      # its progress lines, seconds from the start
    first_commit: float | None          # seconds until the store's write-ahead log first grew
    before: Digest
    after: Digest
    answers: dict[str, dict[str, list[str]]]   # "before", "after" -> the canned answers

    def step(self, text: str) -> float:
        """Seconds from the start to the first progress line holding ``text``."""
        return next(seconds for seconds, line in self.steps if text in line)

    def state(self, found: Digest) -> str:
        return "before" if found == self.before else "after" if found == self.after else "neither"

    def describe(self) -> str:
        grew = "never" if self.first_commit is None else f"at {self.first_commit:.2f} s"
        return (f"the reference run took {self.seconds:.2f} s, its write-ahead log first grew {grew}; its steps: "
                + "; ".join(f"{seconds:.2f} s {line}" for seconds, line in self.steps))


def reference_run(template: Path, args: tuple[str, ...], folder: Path, answers_of) -> Reference:
    """Run ``genskills ARGS`` to its end on a copy of ``template``: timings, the states and answers before and after."""
    before = digest(template)
    store = copy_of(template, folder)
    log = WriteAheadLog(store)
    command = Command(store, *args)
    first_commit = command.wait_until(log.grown, pause=0.005)
    status = command.finish()
    seconds = command.elapsed()
    assert status == 0, f"{command.line}: exit {status}\n{command.text}"
    after = digest(store)
    assert after != before, f"{command.line} changed nothing"
    answers = {"before": answers_of(template, before), "after": answers_of(store, after)}
    # An answer the command does not change could not tell the two states apart.
    same = [name for name in answers["after"] if answers["after"][name] == answers["before"][name]]
    assert not same, f"{command.line} does not change the answers of {same}"
    return Reference(seconds, list(command.steps), first_commit, before, after, answers)


@pytest.fixture(scope="module")
def import_reference(template, inventory, answers_of, tmp_path_factory) -> Reference:
    """`genskills import` of the inventory into the shipped data, run to its end once."""
    reference = reference_run(template, ("import", str(inventory)), tmp_path_factory.mktemp("import-ref"), answers_of)
    assert reference.first_commit is not None, "the import ended and the write-ahead log did not grow"
    return reference


@pytest.fixture(scope="module")
def load_template(tmp_path_factory) -> Path:
    """A closed store with the shipped data but the illustrative courses: the store `genskills load` updates."""
    path = tmp_path_factory.mktemp("kill-load-template") / "store"
    store = OxigraphStore(path)
    load_sources(store, ROOT, exclude=["illustrative"])
    store.close()
    return path


@pytest.fixture(scope="module")
def load_reference(load_template, answers_of, tmp_path_factory) -> Reference:
    """`genskills load` of the shipped data into that store, run to its end once."""
    return reference_run(load_template, ("load",), tmp_path_factory.mktemp("load-ref"), answers_of)


# ---------------------------------------------------------------------------------
# The kill and the restart


def graphs_listed(store: Path) -> list[str]:
    """Every named graph of the store, empty ones and staging ones too (read-only)."""
    found = OxigraphStore(store, read_only=True)
    try:
        return sorted(str(row[0]) for row in found.query(ALL_GRAPHS).rows)
    finally:
        found.close()


def staging_in(graphs: list[str]) -> list[str]:
    return [graph for graph in graphs if graph.startswith(STAGING_PREFIX)]


def kill(command: Command) -> None:
    """SIGKILL the command; fail if it had already ended (the case would not test what it means to)."""
    if command.process.poll() is None:
        killed = command.kill()
        assert_all_gone(killed, f"the killed `{command.line}`")
    else:
        command.finish()
    if command.process.returncode != -signal.SIGKILL:   # it ended on its own first
        pytest.fail(f"{command.line} ended (exit {command.process.returncode}) before the kill:\n{command.text}")


def check_restart(store: Path, servers, reference: Reference, where: str) -> str:
    """Start a server on the store of a killed command and check it; the state found, "before" or "after"."""
    beside = sorted(path.name for path in store.parent.iterdir())
    where += f"; beside the store after the kill: {beside}; {reference.describe()}"
    again = servers(store, restart=True)
    assert not any("the store is empty" in line for line in again.log), \
        f"{where}: the server found an empty store and loaded the shipped data:\n{''.join(again.log)[-2000:]}"
    seen = staging_in([row["g"]["value"] for row in sparql_rows(again, ALL_GRAPHS)])
    assert not seen, f"{where}: staging graphs visible through /sparql: {seen}"
    answers = canned_answers(again)
    stop_cleanly(again)

    left = staging_in(graphs_listed(store))
    assert not left, f"{where}: staging graphs left in the store: {left}"
    found = digest(store)
    state = reference.state(found)
    assert state != "neither", \
        f"{where}: the store is neither as before nor as after:\n" + compared(found, reference.before, reference.after)
    differ = [name for name in answers if answers[name] != reference.answers[state][name]]
    assert not differ, f"{where}: the store is as {state}, and the answers of {differ} are not those {state}"
    return state


def seeded_fraction(case: str, low: float, high: float) -> float:
    return random.Random(f"{SEED}-{case}").uniform(low, high)


# ---------------------------------------------------------------------------------
# genskills import


@pytest.mark.parametrize("moment", ["staged", "committing", "committed", "anywhere"])
def test_sigkill_during_a_large_import_leaves_the_state_before_or_after_it(template, inventory, import_reference,
                                                                          tmp_path, servers, commands, moment):
    """`genskills import` of COURSES courses killed:

    - staged: once its staging transaction is in the write-ahead log (the log grew, then stood
      still), while it validates: the staging graph is on disk, and must be gone after the restart;
    - committing: at a seeded fraction of its commit step (one update, that also derives);
    - committed: once the commit is in the log (it grew again after the commit step began): the
      store must then be as after the import;
    - anywhere: at a seeded fraction of the whole run.
    """
    reference = import_reference
    store = copy_of(template, tmp_path)
    log = WriteAheadLog(store)
    command = commands(store, "import", str(inventory))
    commit_step = "write to the store"
    if moment == "staged":
        # Killed at the log's very first growth, the staging transaction may be cut inside its
        # record, which the restart discards: waiting until it stands still makes the case sure.
        grew = log.wait_for_commit(command.ended, quiet=0.1)
        where = f"killed 0.1 s after the write-ahead log grew ({grew} s after the start) and stood still"
    elif moment == "committing":
        writing = reference.seconds - reference.step(commit_step)
        delay = seeded_fraction("import-commit", 0.1, 0.9) * writing
        started = command.wait_until(lambda: command.step(commit_step) is not None)
        if started is not None:
            command.wait_until(lambda: command.elapsed() >= started + delay)
        where = f"killed {delay:.2f} s into the commit step ({writing:.2f} s in the reference run)"
    elif moment == "committed":
        command.wait_until(lambda: command.step(commit_step) is not None)
        grew = WriteAheadLog(store).wait_for_commit(command.ended, quiet=0.05)
        where = f"killed once the commit was in the write-ahead log ({grew} s after the commit step began)"
    else:
        delay = seeded_fraction("import-anywhere", 0.1, 0.6) * reference.seconds
        command.wait_until(lambda: command.elapsed() >= delay)
        where = f"killed {delay:.2f} s after the start"
    kill(command)
    where = f"`{command.line}` {where} (at {command.elapsed():.2f} s; progress: {command.steps})"

    if moment == "staged":
        left = staging_in(graphs_listed(store))
        if not left:   # pytest.fail, not an assertion: the case did not test what it means to
            pytest.fail(f"{where}: no staging graph on disk after the kill")
    state = check_restart(store, servers, reference, where)
    if moment == "staged":
        assert state == "before", f"{where}: the import committed while it was still validating"
    if moment == "committed":
        assert state == "after", f"{where}: a commit written to the log was lost"


# ---------------------------------------------------------------------------------
# genskills load


def test_sigkill_during_a_load_leaves_the_state_before_or_after_it(load_template, load_reference, tmp_path,
                                                                  servers, commands):
    """`genskills load` killed at a seeded fraction of its run."""
    store = copy_of(load_template, tmp_path)
    delay = seeded_fraction("load-anywhere", 0.1, 0.6) * load_reference.seconds
    command = commands(store, "load")
    command.wait_until(lambda: command.elapsed() >= delay)
    kill(command)
    check_restart(store, servers, load_reference, f"`{command.line}` killed {delay:.2f} s after the start "
                                                  f"(progress: {command.steps})")


def test_sigkill_while_a_load_writes_the_new_store_leaves_the_state_before_it(load_template, load_reference,
                                                                              tmp_path, servers, commands):
    """`genskills load` killed once the new store appears beside the live one (being written)."""
    store = copy_of(load_template, tmp_path)
    rebuild = store.with_name(store.name + ".rebuild")
    command = commands(store, "load")
    seen = command.wait_until(rebuild.exists, pause=0.001)
    kill(command)
    state = check_restart(store, servers, load_reference,
                          f"`{command.line}` killed once {rebuild.name} appeared, {seen} s after the start")
    assert state == "before", "the live store changed before the swap"
    assert not rebuild.exists(), "opening the store for writing clears what the killed load left beside it"


def test_sigkill_between_the_two_renames_of_a_load(load_template, load_reference, tmp_path, servers, commands):
    """`genskills load` killed right after the live store is moved aside, before the new one takes its
    place (the process kills itself there): a server finds the store as before, and the load run
    again ends with the state after."""
    store = copy_of(load_template, tmp_path)
    command = commands(store, "load", script=DIE_BETWEEN_RENAMES)
    status = command.finish()
    assert status == -signal.SIGKILL, f"{command.line}: exit {status}, not killed between the renames:\n{command.text}"
    old = store.with_name(store.name + ".old")
    assert not store.exists() and old.is_dir(), sorted(path.name for path in store.parent.iterdir())
    state = check_restart(store, servers, load_reference, f"`{command.line}` killed between the two renames")
    assert state == "before", "the store moved aside is the live store as before the load"
    left = sorted(path.name for path in store.parent.iterdir() if path.name.startswith(store.name + "."))
    assert left == [], f"the restart left beside the store: {left}"

    again = commands(store, "load")
    status = again.finish()
    assert status == 0, f"the load run again after the kill: exit {status}\n{again.text}"
    found = digest(store)
    assert found == load_reference.after, \
        "the load run again after the kill:\n" + compared(found, load_reference.before, load_reference.after)
    beside = sorted(path.name for path in store.parent.iterdir())
    assert beside == [store.name], f"the load run again left beside the store: {beside}"
