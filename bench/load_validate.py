"""Times loading and validation as the catalogue grows: full load, one added course, HermiT.

Run: .venv/bin/python bench/load_validate.py [--sizes 0,20000,100000] [--repeat 5]

For each size N (synthetic courses on top of the shipped data; 0 = the shipped data
alone), in a fresh process so that its peak memory is its own:
  - `genskills load` of everything into a new on-disk store (parse, validate, write +
    derive), timed once;
  - the validation of one added course against that store (the path of
    `genskills validate --against-store`), median of --repeat runs, the shapes read
    and compiled once beforehand (that one-time cost is printed too);
  - on the shipped data only: pySHACL over everything (the reference validator) and
    HermiT, for comparison.
Prints one table; the machine and date go with it into docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

ONE_COURSE = """@prefix gsk: <https://w3id.org/genskills/ontology#> .
@prefix gskd: <https://w3id.org/genskills/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

gskd:course-bench-added-{n} a gsk:Course ;
    rdfs:label "Formation ajoutée {n} [illustrative]"@fr , "Added course {n} [illustrative]"@en ;
    gsk:coversCompetence gskd:comp-variant-classification ;
    gsk:curationStatus gsk:Illustrative ;
    gsk:hasMode gsk:OnSite ;
    gsk:hasTrainingType gskd:type-master ;
    gsk:illustrative true ;
    gsk:inRegion gskd:region-84 ;
    gsk:offeredBy gskd:inst-universite-claude-bernard-lyon-1 ;
    gsk:targetsRole gskd:role-bioinformatician .
"""


def timed(function):
    started = time.perf_counter()
    value = function()
    return time.perf_counter() - started, value


def one_size(courses: int, repeat: int) -> dict:
    """Everything measured at one size, in this process."""
    from genskills.loading import (load_sources, shipped_data, shipped_shapes, store_shapes, validate_against_store,
                                   validate_files)
    from genskills.ontology import reason
    from genskills.rdfio import union
    from genskills.stats import collect
    from genskills.store import OxigraphStore

    out: dict = {"courses_added": courses}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "project"
        for folder in ("ontology", "shapes", "data", "queries"):
            shutil.copytree(ROOT / folder, root / folder)
        for stale in (root / "data" / "synthetic").glob("*.ttl"):   # only what this run generates
            stale.unlink()
        if courses:
            made = subprocess.run([sys.executable, "-m", "genskills", "generate", "--courses", str(courses),
                                   "--seed", "1", "--out", str(root / "data" / "synthetic" / "courses.ttl")],
                                  capture_output=True, text=True)
            if made.returncode:
                raise SystemExit(made.stderr)
        store = OxigraphStore(Path(tmp) / "store")
        seconds, summary = timed(lambda: load_sources(store, root))
        out["load_s"] = seconds
        out["load_steps_s"] = summary.seconds
        out["violations"] = len(summary.report.violations)
        stats = collect(store)
        out["triples"] = sum(stats.graphs.values())
        out["course_count"] = stats.classes.get("Course")
        # The shapes are read and compiled once, as a process that checks many additions does.
        seconds, shapes = timed(lambda: store_shapes(store))
        out["prepare_shapes_s"] = seconds
        times = []
        for n in range(repeat):
            added = Path(tmp) / f"added-{n}.ttl"
            added.write_text(ONE_COURSE.format(n=n), encoding="utf-8")
            seconds, report = timed(lambda: validate_against_store(store, [added], shapes=shapes))
            assert report.conforms, report.to_text()
            times.append(seconds)
        out["validate_one_added_course_s"] = statistics.median(times)
        out["validate_one_added_course_runs_s"] = times
        if not courses:
            shapes = shipped_shapes(root)
            seconds, _ = timed(lambda: validate_files([], root, shapes))
            out["validate_shipped_compiled_s"] = seconds
            from genskills.validation import validate

            data = shipped_data(root)
            graph = union(p.graph for p in data)
            seconds, _ = timed(lambda: validate(graph, shapes))
            out["validate_shipped_pyshacl_s"] = seconds
            seconds, _ = timed(lambda: reason(graph))
            out["hermit_s"] = seconds
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="0,20000,100000", help="synthetic courses added, comma-separated")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)   # internal: measure one size, print JSON
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(one_size(args.one, args.repeat)))
        return
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        done = subprocess.run([sys.executable, __file__, "--one", str(size), "--repeat", str(args.repeat)],
                              capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(done.stderr)
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    print("| courses | triples | load (parse / validate / derive+write) | one added course validated "
          "(shapes prepared once) | peak RSS |")
    print("| ---: | ---: | --- | ---: | ---: |")
    for r in rows:
        steps = r["load_steps_s"]
        print(f"| {r['course_count']:,} | {r['triples']:,} | {r['load_s']:.1f} s ({steps['parse']:.1f} / "
              f"{steps['validate']:.1f} / {steps['write']:.1f}) | {r['validate_one_added_course_s'] * 1000:.0f} ms "
              f"({r['prepare_shapes_s'] * 1000:.0f} ms) "
              f"| {r['peak_rss_mb']:.0f} MB |")
    for r in rows:
        if "validate_shipped_pyshacl_s" in r:
            print(f"\nshipped data: validation compiled to SPARQL {r['validate_shipped_compiled_s']:.2f} s, "
                  f"pySHACL {r['validate_shipped_pyshacl_s']:.2f} s; HermiT {r['hermit_s']:.2f} s")


if __name__ == "__main__":
    main()
