"""Latency of every canned query through HTTP, on the shipped data.

Starts `genskills serve` on a free loopback port with a fresh embedded store, calls each
canned query (parameters as in tests/test_remote_server.py) and a few ad-hoc SPARQL
queries N times in a row, and prints the median and 95th percentile.

Run: .venv/bin/python bench/http_latency.py [--repeat 50]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from server import Server  # noqa: E402  (the test helper that runs a real server process)
from test_remote_server import CALLS  # noqa: E402

ADHOC = {
    "ASK {}": "ASK {}",
    "count courses": "SELECT (COUNT(?c) AS ?n) WHERE { ?c a <https://w3id.org/genskills/ontology#Course> }",
    "100 triples": "SELECT * WHERE { ?s ?p ?o } LIMIT 100",
}


def timed(server: Server, path: str, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        with urllib.request.urlopen(server.base + path, timeout=60) as response:
            response.read()
            assert response.status == 200, path
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        server = Server("--store", str(Path(tmp) / "store"))
        try:
            rows = [(path, timed(server, path, args.repeat)) for path in CALLS]
            rows += [(f"/sparql {name}", timed(server, "/sparql?" + urllib.parse.urlencode({"query": q}), args.repeat))
                     for name, q in ADHOC.items()]
        finally:
            server.stop()
    print(f"{'request':80s} {'median ms':>9s} {'p95 ms':>7s}")
    for path, samples in rows:
        p95 = sorted(samples)[int(0.95 * (len(samples) - 1))]
        print(f"{urllib.parse.unquote(path):80s} {statistics.median(samples):9.1f} {p95:7.1f}")


if __name__ == "__main__":
    main()
