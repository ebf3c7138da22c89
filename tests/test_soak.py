"""Soak test: 4 clients on loopback mix canned queries, SPARQL and pages against a real server.

The suite runs a short soak (15 s of measured load after 5 s of warm-up). The full version
of issue 7 runs the same test for 60 s, which also checks that memory has stopped growing:

    GENSKILLS_SOAK_SECONDS=60 .venv/bin/python -m pytest -p no:cacheprovider -q tests/test_soak.py

The load generator is bench/soak.py (`python bench/soak.py --clients 8 --seconds 60` runs it
on its own); its figures are in docs/benchmarks.md. Latency is printed and written
(GENSKILLS_SOAK_REPORT=FILE.json), never asserted: speed is for benchmarks.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT
from server import Server

sys.path.insert(0, str(ROOT / "bench"))
import soak  # noqa: E402  (bench/soak.py: the load generator)

SECONDS = float(os.environ.get("GENSKILLS_SOAK_SECONDS", "15"))
CLIENTS = 4
#: A kind of request made fewer times than this was not soaked. The mix deals kinds from one
#: shared deck by weight (5 % for the rarest), so 100 requests, a few seconds, reach it.
MIN_PER_KIND = 5
#: From this length on, the run is long enough to be past the fill of the caches (the
#: per-generation page memo fills in the first 20 s; measured on 150 s runs), and the slope
#: of memory over its second half is checked too.
SLOPE_FROM_SECONDS = 60
#: MB/s that memory may still grow over the second half of a long run. Measured on the
#: shipped data, 4 clients: 0.02 MB/s with the answer cache off, 0.27 MB/s with it on (it
#: fills towards its 64 MB budget as new canned-query parameters come). Above it: a leak
#: of 25 kB per request at 40 requests/s, or a query worker (tens of MB) leaked per minute.
MAX_SLOPE_MB_PER_S = 1.0


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A real `genskills serve` on a fresh store of the shipped data (default settings)."""
    running = Server("--store", str(tmp_path_factory.mktemp("soak") / "store"))
    yield running
    running.stop()


@pytest.fixture(scope="module")
def report(server):
    """One soak run, and the server's /health right after it."""
    result = soak.run_soak(server.base, clients=CLIENTS, seconds=SECONDS, server_pid=server.process.pid)
    health = server.json("/health", timeout=30)
    print("\n" + result.table())
    destination = os.environ.get("GENSKILLS_SOAK_REPORT")
    if destination:
        Path(destination).write_text(json.dumps(result.to_json(), indent=2, ensure_ascii=False) + "\n",
                                     encoding="utf-8")
    return result, health


def test_no_request_fails_under_load(report):
    result, _ = report
    assert result.outcomes, "the soak made no request"
    assert not result.errors, result.table()


def test_every_kind_of_request_was_soaked(report):
    result, _ = report
    counts = result.counts()
    assert {kind: counts[kind] for kind in soak.KINDS if counts[kind] < MIN_PER_KIND} == {}, result.table()
    called = {route.rsplit("/", 1)[1] for route in result.route_counts() if route.startswith("/api/queries/")}
    assert called == {path.stem for path in (ROOT / "queries").glob("*.rq")}
    forms = {route for route in result.route_counts() if route.startswith("/sparql")}
    assert {"/sparql (select, GET)", "/sparql (ask, form)", "/sparql (graph, body)"} <= forms, forms


def test_memory_stays_bounded(report):
    result, _ = report
    rss = result.rss()
    # What legitimately grows under this mix is bounded by design: the canned-query answer
    # cache by its 64 MB budget, the page memo by 512 entries per store generation (with the
    # answer cache off, the server process grew by 50 MB in all over 150 s). At start (after
    # the warm-up) the server and its two workers hold 230 to 250 MB: half of it plus 50 MB
    # (about 170 MB) holds both caches full, with room for allocator noise. Measured: +35 to
    # 45 MB in 15 s, +60 MB in 60 s, +71 MB in 150 s. In the 15 s run it catches a leak near
    # 300 kB per request (500 to 600 requests); a leaked or lost worker process is caught by
    # the count of processes; smaller leaks need the 60 s run's slope check below.
    assert rss["end_mb"] <= rss["start_mb"] * 1.5 + 50, result.table()
    assert rss["processes_end"] == rss["processes_start"], "query workers were lost or leaked"
    if SECONDS >= SLOPE_FROM_SECONDS:
        late = [s for s in result.samples if s.at >= result.elapsed / 2]
        slope = _slope([s.at for s in late], [s.rss / 1e6 for s in late])
        assert slope <= MAX_SLOPE_MB_PER_S, (f"memory still grows by {slope:.2f} MB/s over the second half:\n"
                                             + json.dumps(result.to_json()["rss_samples"]))


def test_server_still_answers_afterwards(report):
    _, (status, body) = report
    assert status == 200 and body["ok"] is True
    assert body["query_workers"] == 2


class _OneCall:
    """A mix of one request, again and again."""

    def __init__(self, call: soak.Call):
        self.call = call

    def next(self) -> soak.Call:
        return self.call


@pytest.mark.parametrize("call,problem", [
    (soak.Call("canned", "/api/queries/<unknown>", "GET", "/api/queries/no-such-query"), "HTTP 404"),
    (soak.Call("canned", "/api/queries/courses-per-region", "GET", "/api/queries/courses-per-region",
               {"Accept": "text/csv"}, media="application/sparql-results+json"), "text/csv Content-Type"),
])
def test_the_soak_counts_what_goes_wrong(server, report, call, problem):
    """The error check can fail: a refused request, or an answer of another type than asked, is an error."""
    outcomes: list[soak.Outcome] = []
    started = time.monotonic()
    soak.client_loop(server.base, _OneCall(call), started, started + 0.3, 10, outcomes.append)
    assert outcomes and all(o.problem is not None and problem in o.problem for o in outcomes), outcomes
    result = soak.SoakReport(server.base, 1, 0.3, 0.0, elapsed=0.3, outcomes=outcomes)
    assert [count for count, _ in result.errors_by_route().values()] == [len(outcomes)]
    assert "ERROR x" in result.table()


def _slope(xs: list[float], ys: list[float]) -> float:
    """Least-squares slope of ys over xs."""
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys)) / spread if spread else 0.0
