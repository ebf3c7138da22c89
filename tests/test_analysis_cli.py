"""`genskills coverage`, `gaps` and `path` on the hand-made graph of tests/data/analysis-small.ttl."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

from conftest import analysis_small_store
from genskills.namespaces import GSKD


def t(name: str) -> str:
    return str(GSKD[f"t-{name}"])


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = tmp_path_factory.mktemp("analysis-cli") / "store"
    analysis_small_store(path).close()   # the CLI opens the store itself (read-only)
    return path


def run(store, *args):
    done = subprocess.run([sys.executable, "-m", "genskills", "--store", str(store), *args],
                          capture_output=True, text=True, timeout=300)
    return done


def test_coverage_by_step_as_csv(store):
    done = run(store, "coverage", "--by", "step", "--format", "csv", "--lang", "en")
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert [(r["label"], r["competences"], r["covered_competences"], r["courses"]) for r in rows] == \
        [("Step one", "2", "2", "3"), ("Step two", "2", "1", "3"), ("Step three", "0", "0", "0")]


def test_coverage_with_a_facet_as_a_table(store):
    done = run(store, "coverage", "--by", "competence", "--region", "t-r1")
    assert done.returncode == 0, done.stderr
    lines = {line.split("|")[0].strip(): [cell.strip() for cell in line.split("|")] for line in done.stdout.splitlines()}
    assert lines["gskd:t-c2"][-2] == "0" and lines["gskd:t-c1"][-2] == "2"
    assert done.stdout.rstrip().endswith("(4 rows)")


def test_the_matrix_as_wide_csv(store):
    done = run(store, "coverage", "--by", "matrix", "--format", "csv")
    rows = list(csv.reader(io.StringIO(done.stdout)))
    assert rows[0][4:] == [t("r2"), t("r1"), "https://w3id.org/genskills/ontology#Online"]   # by French label
    by_competence = {row[0]: row[4:] for row in rows[1:]}
    assert by_competence[t("c3")] == ["0", "1", "1"]


def test_gaps_of_a_role_and_of_the_catalogue(store):
    done = run(store, "gaps", "--role", "t-p", "--region", "t-r1", "--format", "json")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert {(r["competence"], r["reason"]) for r in answer["rows"]} == {(t("c2"), "excluded"), (t("c4"), "no-course")}
    done = run(store, "gaps", "--format", "json")
    assert {r["resource"] for r in json.loads(done.stdout)["rows"]} == {t("c2"), t("c4"), t("s3")}


def test_a_learning_path_as_text_and_json(store):
    done = run(store, "path", "--role", "t-p", "--lang", "en")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "2 course(s) for 4 missing essential competence(s) (exact, optimal); 0 already had"
    assert "1. Course K2 [gskd:t-k2] steps 1 (illustrative)" in done.stdout
    assert "not covered: Competence four (no-course)" in done.stdout
    done = run(store, "path", "--role", "t-p", "--have", "t-d1", "--training-type", "t-du", "--format", "json")
    answer = json.loads(done.stdout)
    assert answer["courses"] == [] and {u["reason"] for u in answer["uncovered"]} == {"excluded", "no-course"}


@pytest.mark.parametrize("args,message", [
    (("gaps", "--region", "t-r1"), "go with --role"),
    (("path", "--role", "t-r1"), "is not a gsk:ProfessionalRole"),
    (("coverage", "--by", "matrix", "--region", "t-r1"), "give no region facet"),
    (("path", "--role", "t-p", "--exact-limit", "99"), "exact-limit"),
])
def test_bad_arguments_are_named(store, args, message):
    done = run(store, *args)
    assert done.returncode == 2 and message in done.stderr, (done.returncode, done.stderr)
