"""Soak test on loopback: concurrent clients mixing canned queries, SPARQL and pages.

Each client loops over a weighted mix of requests that should all succeed: canned queries
(``/api/queries/<name>`` with parameters drawn from the graph's own resources), free SPARQL
on ``/sparql`` (SELECT, ASK, CONSTRUCT, DESCRIBE; GET, form POST and body POST; every result
format), resource pages ``/id/<local>`` (HTML, and RDF by ``Accept``), ``/courses``
searches, ``/gaps`` and ``/ontology``. It records the status and latency of every response:
an error is a status of 400 or more, a 200 with an empty body or another media type than
asked, or a connection failure. The memory of the server (the process and every process
below it: its query workers) is read from ``/proc`` after a warm-up, every few seconds, and
at the end. The run is bounded: it stops by itself after the warm-up and ``--seconds``.

Run against a server of its own (a fresh store in a temporary folder, loaded with the
shipped data by ``genskills serve``), or against one already running with ``--base``
(memory is then read only if ``--pid`` names its process):

    .venv/bin/python bench/soak.py --clients 6 --seconds 60 [--json soak.json]
    .venv/bin/python bench/soak.py --base http://127.0.0.1:8080 --pid 12345 --clients 4 --seconds 60

tests/test_soak.py imports ``run_soak`` and asserts on its ``SoakReport``.
"""

from __future__ import annotations

import argparse
import http.client
import ipaddress
import json
import math
import os
import random
import re
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from genskills.namespaces import GSK, GSKD
from genskills.queries import expand_iri

OWL_CLASS = "http://www.w3.org/2002/07/owl#Class"
#: The kinds of request of the mix, with their weight (their share of the requests).
WEIGHTS = {"canned": 30, "sparql": 25, "resource-html": 15, "resource-rdf": 10,
           "courses": 10, "gaps": 5, "ontology": 5}
KINDS = tuple(WEIGHTS)
#: Search words that the shipped labels contain, in French and English, and one that matches nothing.
WORDS = ("génétique", "genomique", "genomic", "bioinformatique", "conseil", "séquençage", "variant",
         "cancer", "données", "éthique", "diplôme", "nothing-matches-this")
LANGS = ("fr", "en")
RESULT_FORMATS = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
                  "csv": "text/csv", "tsv": "text/tab-separated-values"}
GRAPH_FORMATS = {"ttl": "text/turtle", "nt": "application/n-triples", "jsonld": "application/ld+json",
                 "xml": "application/rdf+xml"}
#: What /id/<local> answers besides HTML (ui.RESOURCE_OFFERS).
RESOURCE_RDF = ("text/turtle", "text/turtle", "application/ld+json", "application/n-triples")
LOCAL_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,200}")


# --- what the server holds ------------------------------------------------------------------

@dataclass(frozen=True)
class Param:
    name: str
    kind: str               # iri, string, integer, language
    cls: str | None         # full IRI of an iri parameter's class
    required: bool


@dataclass(frozen=True)
class Holdings:
    """The canned queries and the resources of the served graph that the mix draws from."""

    queries: dict[str, tuple[Param, ...]]
    members: dict[str, tuple[str, ...]]     # class IRI -> member IRIs
    classes: tuple[str, ...]                # gsk: classes (owl:Class), for class-members
    local_ids: tuple[str, ...]              # every gskd: id with a page at /id/<local>

    def of(self, cls_local: str) -> tuple[str, ...]:
        return self.members.get(str(GSK[cls_local]), ())


def _get_json(connection: http.client.HTTPConnection, path: str, headers: dict | None = None):
    connection.request("GET", path, headers=headers or {})
    response = connection.getresponse()
    body = response.read()
    if response.status != 200:
        raise RuntimeError(f"GET {path}: HTTP {response.status}: {body[:500]!r}")
    return json.loads(body)


def discover(base_url: str, *, per_class: int = 2000) -> Holdings:
    """The canned queries (``/api/queries``) and the typed gskd: resources (``/sparql``).

    At most ``per_class`` members of each class are kept (the first ones by IRI), so that
    discovery stays under the server's row limit on a large catalogue.

    :raises RuntimeError: the server did not answer one of these with 200.
    """
    connection = _connection(base_url, timeout=60)

    def select(sparql: str) -> list[dict]:
        return _get_json(connection, "/sparql?" + urllib.parse.urlencode({"query": sparql}),
                         {"Accept": RESULT_FORMATS["json"]})["results"]["bindings"]

    in_gskd = f'FILTER(STRSTARTS(STR(?m), "{GSKD}"))'
    try:
        listing = _get_json(connection, "/api/queries")
        queries = {q["name"]: tuple(Param(p["name"], p["type"], expand_iri(p["class"]) if p["class"] else None,
                                          p["required"]) for p in q["params"])
                   for q in listing["queries"]}
        typed = [row["c"]["value"] for row in select(f"SELECT DISTINCT ?c WHERE {{ ?m a ?c {in_gskd} }}")]
        members = {cls: tuple(row["m"]["value"] for row in select(
            f"SELECT DISTINCT ?m WHERE {{ ?m a <{cls}> {in_gskd} }} ORDER BY ?m LIMIT {per_class}"))
            for cls in typed}
        classes = tuple(sorted(row["m"]["value"] for row in select(
            f'SELECT ?m WHERE {{ ?m a <{OWL_CLASS}> FILTER(STRSTARTS(STR(?m), "{GSK}")) }}')))
    finally:
        connection.close()
    local_ids = sorted({m[len(str(GSKD)):] for ms in members.values() for m in ms
                        if LOCAL_ID.fullmatch(m[len(str(GSKD)):])})
    return Holdings(queries=queries, members={c: ms for c, ms in members.items() if ms},
                    classes=classes, local_ids=tuple(local_ids))


# --- the mix --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Call:
    """One request of the mix, and what a good answer looks like."""

    kind: str
    route: str              # how errors are grouped: the path without its query string
    method: str
    path: str
    headers: dict = field(default_factory=dict)
    body: bytes | None = None
    media: str | None = None   # the media type the answer must have


class Decks:
    """What comes next, shared by all clients: kinds of request and canned queries.

    They are dealt from shuffled decks rather than drawn at random, so that in any run
    every kind comes up in its share and every canned query is called, once the clients
    together have made a hundred requests.
    """

    def __init__(self, holdings: Holdings, rng: random.Random):
        self.kinds = _Deck([k for k, w in WEIGHTS.items() for _ in range(w)], rng)
        self.queries = _Deck(sorted(holdings.queries), rng)


class Mix:
    """Requests that should all succeed, drawn from the server's holdings (one per client)."""

    def __init__(self, holdings: Holdings, decks: Decks, rng: random.Random):
        self.holdings = holdings
        self.rng = rng
        self._kinds, self._queries = decks.kinds, decks.queries
        regions, types = holdings.of("Region"), holdings.of("TrainingType")
        if not regions or not types:
            raise RuntimeError("the served graph has no gsk:Region or no gsk:TrainingType: not the shipped data?")
        self.builders = {"canned": self.canned, "sparql": self.sparql, "resource-html": self.resource_html,
                         "resource-rdf": self.resource_rdf, "courses": self.courses, "gaps": self.gaps,
                         "ontology": self.ontology}

    def next(self) -> Call:
        return self.builders[self._kinds.next()]()

    def _pick(self, values):
        return values[self.rng.randrange(len(values))]

    def _value(self, param: Param) -> str | None:
        if param.kind == "iri":
            pool = self.holdings.classes if param.cls == OWL_CLASS else self.holdings.members.get(param.cls, ())
            return self._pick(pool) if pool else None
        if param.kind == "language":
            return self._pick(LANGS)
        if param.kind == "integer":
            if param.name == "limit":
                return str(self.rng.randint(1, 1000))
            if param.name == "offset":
                return str(self.rng.randint(0, 50))
            return str(self.rng.randint(1, 8))     # level, max_level: an EQF level
        return self._pick(WORDS)

    def canned(self) -> Call:
        name = self._queries.next()
        args = {}
        for param in self.holdings.queries[name]:
            if not param.required and self.rng.random() < 0.5:
                continue
            value = self._value(param)
            if value is None:
                if param.required:
                    raise RuntimeError(f"canned query {name}: nothing in the graph for parameter {param.name}")
                continue
            args[param.name] = value
        fmt = self._pick(("json", "json", "json", "xml", "csv", "tsv"))
        path = f"/api/queries/{name}" + ("?" + urllib.parse.urlencode(args) if args else "")
        return Call("canned", f"/api/queries/{name}", "GET", path, {"Accept": RESULT_FORMATS[fmt]},
                    media=RESULT_FORMATS[fmt])

    def sparql(self) -> Call:
        cls = self._pick(sorted(self.holdings.members))
        member = self._pick(self.holdings.members[cls])
        limit = self.rng.randint(1, 200)
        label = "<http://www.w3.org/2000/01/rdf-schema#label>"
        templates = (
            ("select", f"SELECT ?s ?label WHERE {{ ?s a <{cls}> ; {label} ?label }} ORDER BY ?s LIMIT {limit}"),
            ("select", f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a <{cls}> }}"),
            ("select", f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ <{member}> ?p ?o }} GROUP BY ?p ORDER BY ?p"),
            ("select", f"SELECT * WHERE {{ ?s ?p ?o }} LIMIT {limit} OFFSET {self.rng.randint(0, 5000)}"),
            ("ask", f"ASK {{ <{member}> a <{cls}> }}"),
            ("ask", f"ASK {{ <{member}> {label} ?x FILTER(LANG(?x) = \"{self._pick(LANGS)}\") }}"),
            ("graph", f"CONSTRUCT {{ <{member}> ?p ?o }} WHERE {{ <{member}> ?p ?o }}"),
            ("graph", f"CONSTRUCT WHERE {{ ?s a <{cls}> ; {label} ?l }} LIMIT {limit}"),
            ("graph", f"DESCRIBE <{member}>"),
        )
        form, text = self._pick(templates)
        if form == "graph":
            # RDF/XML cannot write every predicate (it needs a QName): 406 by design, so
            # only the formats that write any graph are asked for here.
            media = GRAPH_FORMATS[self._pick(("ttl", "ttl", "nt", "jsonld"))]
        else:
            media = RESULT_FORMATS[self._pick(("json", "json", "xml", "csv", "tsv"))]
        how = self._pick(("GET", "GET", "form", "body"))
        route = f"/sparql ({form}, {how})"
        if how == "GET":
            return Call("sparql", route, "GET", "/sparql?" + urllib.parse.urlencode({"query": text}),
                        {"Accept": media}, media=media)
        if how == "form":
            return Call("sparql", route, "POST", "/sparql",
                        {"Accept": media, "Content-Type": "application/x-www-form-urlencoded"},
                        urllib.parse.urlencode({"query": text}).encode(), media=media)
        return Call("sparql", route, "POST", "/sparql", {"Accept": media, "Content-Type": "application/sparql-query"},
                    text.encode(), media=media)

    def _lang_suffix(self) -> str:
        return self._pick(("", "?lang=en", "?lang=fr"))

    def resource_html(self) -> Call:
        local = self._pick(self.holdings.local_ids)
        return Call("resource-html", "/id/<local>", "GET", f"/id/{local}{self._lang_suffix()}",
                    {"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"}, media="text/html")

    def resource_rdf(self) -> Call:
        local = self._pick(self.holdings.local_ids)
        media = self._pick(RESOURCE_RDF)
        return Call("resource-rdf", "/id/<local>", "GET", f"/id/{local}", {"Accept": media}, media=media)

    def courses(self) -> Call:
        args = [("q", self._pick(WORDS))] if self.rng.random() < 0.7 else []
        for facet, cls in (("region", "Region"), ("training_type", "TrainingType"), ("role", "ProfessionalRole"),
                           ("competence", "Competence"), ("mode", "CourseMode")):
            if self.rng.random() < 0.2 and self.holdings.of(cls):
                args.append((facet, _compact(self._pick(self.holdings.of(cls)))))
        if self.rng.random() < 0.2:
            args.append(("level", str(self.rng.randint(5, 8))))
        if self.rng.random() < 0.5:
            args.append(("lang", "en"))
        media = "text/html"
        if self.rng.random() < 0.15:
            fmt = self._pick(("csv", "json"))
            args.append(("format", fmt))
            media = "text/csv" if fmt == "csv" else "application/json"
        return Call("courses", "/courses", "GET", "/courses" + ("?" + urllib.parse.urlencode(args) if args else ""),
                    media=media)

    def gaps(self) -> Call:
        args = []
        if self.rng.random() < 0.5:
            args.append(("region", _compact(self._pick(self.holdings.of("Region")))))
        if self.rng.random() < 0.15:
            args.append(("training_type", _compact(self._pick(self.holdings.of("TrainingType")))))
        if self.rng.random() < 0.5:
            args.append(("lang", "en"))
        return Call("gaps", "/gaps", "GET", "/gaps" + ("?" + urllib.parse.urlencode(args) if args else ""),
                    media="text/html")

    def ontology(self) -> Call:
        if self.rng.random() < 0.3:
            return Call("ontology", "/ontology", "GET", "/ontology", {"Accept": "text/turtle"}, media="text/turtle")
        return Call("ontology", "/ontology", "GET", "/ontology" + self._lang_suffix(), media="text/html")


class _Deck:
    """Cards dealt in a shuffled order, reshuffled when all are dealt."""

    def __init__(self, cards, rng: random.Random):
        self.cards, self.rng, self.position = list(cards), rng, len(cards)
        self._lock = threading.Lock()

    def next(self):
        with self._lock:
            if self.position >= len(self.cards):
                self.rng.shuffle(self.cards)
                self.position = 0
            self.position += 1
            return self.cards[self.position - 1]


def _compact(iri: str) -> str:
    return "gskd:" + iri[len(str(GSKD)):] if iri.startswith(str(GSKD)) else iri


# --- memory of the server -------------------------------------------------------------------

def process_tree(pid: int) -> list[int]:
    """``pid`` and every process below it (read from /proc: no dependency needed)."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:   # the process ended while we looked
            continue
        # The command name (in brackets) may hold spaces: the fields after the last ")" are fixed.
        parent = int(stat[stat.rindex(b")") + 2:].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(children.get(current, ()))
    return tree


def rss_bytes(pid: int) -> tuple[int, int, int]:
    """(sum of VmRSS, VmRSS of ``pid`` alone, number of processes) of ``pid`` and its descendants."""
    total, own, count = 0, 0, 0
    for member in process_tree(pid):
        try:
            with open(f"/proc/{member}/status") as handle:
                for line in handle:
                    if line.startswith("VmRSS:"):
                        size = int(line.split()[1]) * 1024
                        total, count = total + size, count + 1
                        own = size if member == pid else own
                        break
        except OSError:
            continue
    return total, own, count


# --- the run --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Sample:
    at: float               # seconds since the end of the warm-up
    rss: int                # bytes, the server and every process below it
    server_rss: int         # bytes, the server process alone (its query workers left out)
    processes: int


@dataclass(frozen=True)
class Outcome:
    kind: str
    route: str
    status: int | None      # None: no answer (connection failure or timeout)
    seconds: float
    measured: bool          # False during the warm-up
    problem: str | None     # why this is an error, or None


@dataclass
class SoakReport:
    base_url: str
    clients: int
    seconds: float
    warmup: float
    elapsed: float = 0.0                    # measured phase, as it ran
    outcomes: list[Outcome] = field(default_factory=list)
    samples: list[Sample] = field(default_factory=list)

    @property
    def measured(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.measured]

    @property
    def errors(self) -> list[Outcome]:
        """Errors of the whole run, warm-up included."""
        return [o for o in self.outcomes if o.problem is not None]

    def errors_by_route(self) -> dict[tuple, tuple[int, str]]:
        """(status, kind, route) -> (how many errors, the first one's problem)."""
        grouped: dict[tuple, tuple[int, str]] = {}
        for outcome in self.errors:
            key = (outcome.status, outcome.kind, outcome.route)
            count, example = grouped.get(key, (0, outcome.problem))
            grouped[key] = (count + 1, example)
        return grouped

    def counts(self) -> Counter:
        """Requests per kind, warm-up included."""
        return Counter(o.kind for o in self.outcomes)

    def route_counts(self) -> Counter:
        return Counter(o.route for o in self.outcomes)

    def latency(self, kind: str | None = None) -> dict:
        """Percentiles (ms) of the measured phase's answers, of one kind or of all."""
        times = sorted(o.seconds * 1000 for o in self.measured if kind is None or o.kind == kind)
        if not times:
            return {"count": 0}
        return {"count": len(times), "p50": percentile(times, 50), "p90": percentile(times, 90),
                "p99": percentile(times, 99), "max": times[-1]}

    @property
    def throughput(self) -> float:
        return len(self.measured) / self.elapsed if self.elapsed else 0.0

    def rss(self) -> dict:
        if not self.samples:
            return {}
        mb = [s.rss / 1e6 for s in self.samples]
        return {"start_mb": mb[0], "end_mb": mb[-1], "max_mb": max(mb),
                "server_start_mb": self.samples[0].server_rss / 1e6, "server_end_mb": self.samples[-1].server_rss / 1e6,
                "processes_start": self.samples[0].processes, "processes_end": self.samples[-1].processes}

    def to_json(self) -> dict:
        return {
            "base_url": self.base_url, "clients": self.clients, "seconds": self.seconds, "warmup_seconds": self.warmup,
            "elapsed_seconds": round(self.elapsed, 2),
            "requests": len(self.measured), "requests_with_warmup": len(self.outcomes),
            "errors": len(self.errors), "throughput_per_s": round(self.throughput, 1),
            "errors_by_route": [{"status": s, "kind": k, "route": r, "count": n, "example": e}
                                for (s, k, r), (n, e) in sorted(self.errors_by_route().items(), key=str)],
            "latency_ms": {name: {k: round(v, 1) if isinstance(v, float) else v for k, v in self.latency(kind).items()}
                           for name, kind in [("all", None), *((k, k) for k in KINDS)]},
            "requests_by_kind": dict(sorted(self.counts().items())),
            "requests_by_route": dict(sorted(self.route_counts().items())),
            "rss": {k: round(v, 1) for k, v in self.rss().items()},
            "rss_samples": [[round(s.at, 1), round(s.rss / 1e6, 1), round(s.server_rss / 1e6, 1), s.processes]
                            for s in self.samples],
        }

    def table(self) -> str:
        lines = [f"soak of {self.base_url}: {self.clients} clients, {self.seconds:g} s measured "
                 f"(after {self.warmup:g} s of warm-up)",
                 f"requests {len(self.measured)} ({len(self.outcomes)} with warm-up), errors {len(self.errors)}, "
                 f"throughput {self.throughput:.1f}/s", "",
                 f"{'kind':15s} {'requests':>8s} {'p50 ms':>8s} {'p90 ms':>8s} {'p99 ms':>8s} {'max ms':>8s}"]
        for name, kind in [*((k, k) for k in KINDS), ("all", None)]:
            stats = self.latency(kind)
            if stats["count"]:
                lines.append(f"{name:15s} {stats['count']:8d} {stats['p50']:8.1f} {stats['p90']:8.1f} "
                             f"{stats['p99']:8.1f} {stats['max']:8.1f}")
        rss = self.rss()
        if rss:
            lines += ["", f"server RSS (with its workers): start {rss['start_mb']:.0f} MB, "
                          f"end {rss['end_mb']:.0f} MB, max {rss['max_mb']:.0f} MB "
                          f"(server process alone: {rss['server_start_mb']:.0f} -> {rss['server_end_mb']:.0f} MB); "
                          f"processes {rss['processes_start']} -> {rss['processes_end']}"]
        for (status, kind, route), (count, example) in sorted(self.errors_by_route().items(), key=str):
            lines.append(f"ERROR x{count}: {status} {kind} {route}, e.g. {example}")
        return "\n".join(lines)


def percentile(ordered: list[float], p: float) -> float:
    """The nearest-rank ``p``-th percentile of an ascending list.

    >>> percentile([1.0, 2.0, 3.0, 4.0], 50)
    2.0
    """
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def _connection(base_url: str, timeout: float) -> http.client.HTTPConnection:
    """A connection to ``base_url``, which must be plain HTTP on loopback.

    :raises ValueError: another scheme or host: a soak is load, never sent off this machine.
    """
    parts = urllib.parse.urlsplit(base_url)
    host = parts.hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if parts.scheme != "http" or not loopback:
        raise ValueError(f"{base_url}: the soak speaks plain HTTP to loopback only (http://127.0.0.1:PORT)")
    return http.client.HTTPConnection(host, parts.port or 80, timeout=timeout)


def client_loop(base_url: str, mix: Mix, warm_until: float, stop_at: float, timeout: float, record) -> None:
    """Send the mix's requests over one kept-alive connection until ``stop_at``."""
    connection = _connection(base_url, timeout)
    try:
        while True:
            begun = time.monotonic()
            if begun >= stop_at:
                return
            call = mix.next()
            status, problem = None, None
            try:
                connection.request(call.method, call.path, body=call.body, headers=call.headers)
                response = connection.getresponse()
                body = response.read()
                status = response.status
                media = (response.getheader("Content-Type") or "").split(";")[0].strip()
                if status >= 400:
                    problem = f"HTTP {status}: {body[:300].decode('utf-8', 'replace')}"
                elif not body:
                    problem = "an empty body"
                elif call.media and media != call.media:
                    problem = f"{media or 'no'} Content-Type where {call.media} was asked for"
            except (OSError, http.client.HTTPException) as exc:
                problem = f"no answer: {type(exc).__name__}: {exc}"
                connection.close()   # the next request opens a new connection
            elapsed = time.monotonic() - begun
            record(Outcome(call.kind, call.route, status, elapsed, begun >= warm_until,
                           None if problem is None else f"{problem} [{call.method} {call.path[:200]}]"))
    finally:
        connection.close()


def run_soak(base_url: str, *, clients: int = 4, seconds: float = 60, server_pid: int | None = None,
             warmup: float = 5, sample_every: float = 2, seed: int = 7, timeout: float = 30) -> SoakReport:
    """Run ``clients`` concurrent clients against ``base_url`` for ``warmup`` + ``seconds`` seconds.

    Memory is sampled only if ``server_pid`` is given (the process on this machine that
    serves ``base_url``). The run ends by itself: no request starts after the deadline,
    and each may last at most ``timeout`` seconds.

    :raises RuntimeError: the server did not list its queries or resources (see ``discover``).
    """
    holdings = discover(base_url)
    report = SoakReport(base_url, clients, seconds, warmup)
    lock = threading.Lock()

    def record(outcome: Outcome) -> None:
        with lock:
            report.outcomes.append(outcome)

    started = time.monotonic()
    warm_until, stop_at = started + warmup, started + warmup + seconds
    decks = Decks(holdings, random.Random(seed))
    threads = [threading.Thread(target=client_loop, name=f"soak-client-{n}", daemon=True,
                                args=(base_url, Mix(holdings, decks, random.Random(seed * 1000 + n + 1)),
                                      warm_until, stop_at, timeout, record))
               for n in range(clients)]
    for thread in threads:
        thread.start()
    done = threading.Event()

    def sample() -> None:
        report.samples.append(Sample(time.monotonic() - warm_until, *rss_bytes(server_pid)))

    def sampler() -> None:
        if done.wait(max(0.0, warm_until - time.monotonic())):
            return
        while True:
            sample()
            if done.wait(sample_every):
                return

    watcher = threading.Thread(target=sampler, name="soak-rss", daemon=True) if server_pid else None
    if watcher:
        watcher.start()
    for thread in threads:
        thread.join()
    report.elapsed = max(time.monotonic(), stop_at) - warm_until
    done.set()
    if watcher:
        watcher.join()
        sample()
    return report


# --- command line ---------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients (default 4)")
    parser.add_argument("--seconds", type=float, default=60, help="measured seconds, after the warm-up (default 60)")
    parser.add_argument("--warmup", type=float, default=5, help="seconds of load before memory is first read")
    parser.add_argument("--base", help="URL of a running server on loopback (default: start one on a fresh store)")
    parser.add_argument("--pid", type=int, help="with --base: the server's process id, to read its memory")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", type=Path, help="also write the report here as JSON")
    args = parser.parse_args(argv)
    if args.base:
        report = run_soak(args.base, clients=args.clients, seconds=args.seconds, server_pid=args.pid,
                          warmup=args.warmup, seed=args.seed)
    else:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
        from server import Server   # the tests' helper: a real `genskills serve` on a free port

        with tempfile.TemporaryDirectory() as tmp:
            server = Server("--store", str(Path(tmp) / "store"))
            try:
                report = run_soak(server.base, clients=args.clients, seconds=args.seconds,
                                  server_pid=server.process.pid, warmup=args.warmup, seed=args.seed)
            finally:
                server.stop()
    print(report.table())
    if args.json:
        args.json.write_text(json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 1 if report.errors else 0


if __name__ == "__main__":
    sys.exit(main())
