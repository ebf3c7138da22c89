"""Times the load pipeline of the shipped data: parse, SHACL validation, store write, HermiT.

Run: .venv/bin/python bench/load_validate.py [--repeat N]
Prints one line per step with the median over N runs, and the peak RSS of the process.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
from pathlib import Path

from genskills.loading import load_sources, shipped_data, shipped_shapes, validate_files
from genskills.ontology import reason
from genskills.rdfio import union
from genskills.stats import collect
from genskills.store import OxigraphStore

ROOT = Path(__file__).resolve().parents[1]


def timed(function):
    started = time.perf_counter()
    value = function()
    return time.perf_counter() - started, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    steps: dict[str, list[float]] = {}
    for _ in range(args.repeat):
        seconds, data = timed(lambda: shipped_data(ROOT))
        steps.setdefault("parse all files (rdflib)", []).append(seconds)
        shapes = shipped_shapes(ROOT)
        seconds, report = timed(lambda: validate_files(data, [], shapes))
        steps.setdefault("SHACL validation of everything (pySHACL)", []).append(seconds)
        with tempfile.TemporaryDirectory() as tmp:
            store = OxigraphStore(Path(tmp) / "store")
            seconds, summary = timed(lambda: load_sources(store, ROOT))
            steps.setdefault("genskills load (parse + validate + write)", []).append(seconds)
            steps.setdefault("  of which write + derive", []).append(summary.seconds["write"])
            seconds, _ = timed(lambda: load_sources(store, ROOT, ["illustrative"]))
            steps.setdefault("reload one source (illustrative)", []).append(seconds)
            stats = collect(store)
        seconds, _ = timed(lambda: reason(union(p.graph for p in data)))
        steps.setdefault("HermiT on ontology + all data", []).append(seconds)
    triples = sum(len(p.graph) for p in data)
    print(f"data: {triples} triples in {len(data)} files; {stats.classes['Course']} courses; "
          f"validation: {report.summary()}")
    for step, values in steps.items():
        print(f"{step:45s} median {statistics.median(values):6.2f} s  (runs: "
              + ", ".join(f"{v:.2f}" for v in values) + ")")
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
