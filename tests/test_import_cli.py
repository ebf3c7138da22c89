"""`genskills import` end to end: the shipped examples, dry run, idempotence, all or nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import ROOT
from genskills.store import OxigraphStore
from test_cli import run

EXAMPLES = ROOT / "data" / "import"
BAD = ROOT / "tests" / "data" / "import" / "bad-inventory.csv"


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """A store that `genskills load` filled, once for the module (no process keeps it open)."""
    store = tmp_path_factory.mktemp("import-cli") / "store"
    done = run("load", store=store)
    assert done.returncode == 0, done.stderr
    return store


@pytest.fixture
def store(loaded, tmp_path):
    """A copy of the loaded store that a test may change: a copied folder costs milliseconds,
    a load seconds."""
    return Path(shutil.copytree(loaded, tmp_path / "store"))


def courses(store) -> int:
    """The courses in the store, counted in this process (the CLI's `query` is tested in
    test_cli.py): a read-only handle, dropped before the next command opens the store."""
    reader = OxigraphStore(store, read_only=True)
    try:
        (n,), = reader.query("SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE "
                             "{ ?c a <https://w3id.org/genskills/ontology#Course> }").rows
    finally:
        reader._close()
    return int(n)


def test_dry_run_then_import_then_reimport(store):
    before = courses(store)
    dry = run("import", str(EXAMPLES / "inventory-example.csv"), "--dry-run", "--format", "json", store=store)
    assert dry.returncode == 0, dry.stderr
    plan = json.loads(dry.stdout)
    assert plan["written"] is False and len(plan["added"]) == 4 and not plan["removed"]
    assert courses(store) == before, "a dry run writes nothing"

    done = run("import", str(EXAMPLES / "inventory-example.csv"), store=store)
    assert done.returncode == 0, done.stderr
    assert "4 added" in done.stdout and "written" in done.stdout
    assert courses(store) == before + 4

    again = run("import", str(EXAMPLES / "inventory-example.csv"), "--lang", "fr", store=store)
    assert again.returncode == 0 and "4 inchangés" in again.stdout and "rien à changer" in again.stdout
    # The XLSX holds the same rows: imported under the same source, it changes nothing.
    xlsx = run("import", str(EXAMPLES / "inventory-example.xlsx"), "--source", "inventory-example", store=store)
    assert xlsx.returncode == 0 and "0 added, 0 changed, 0 removed, 4 unchanged" in xlsx.stdout
    assert courses(store) == before + 4


def test_a_row_removed_from_the_file_is_removed_from_the_store(store, tmp_path):
    source = tmp_path / "inventory.csv"
    shutil.copy(EXAMPLES / "inventory-example.csv", source)
    assert run("import", str(source), store=store).returncode == 0
    before = courses(store)
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    source.write_text("".join(lines[:-1]), encoding="utf-8")     # the last course dropped
    done = run("import", str(source), "--format", "json", store=store)
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)["removed"]) == 1
    assert courses(store) == before - 1


def test_a_bad_file_lists_every_problem_and_writes_nothing(store):
    before = courses(store)
    done = run("import", str(BAD), "--format", "json", store=store)
    assert done.returncode == 2
    answer = json.loads(done.stdout)
    assert answer["ok"] is False and len(answer["problems"]) > 10
    assert {"location": "row 4", "field": "eqf_level"}.items() <= next(
        p for p in answer["problems"] if p["field"] == "eqf_level").items() or \
        any(p["location"].startswith("row ") and p["field"] for p in answer["problems"])
    assert all(p["message"]["en"] and p["message"]["fr"] for p in answer["problems"])
    text = run("import", str(BAD), "--lang", "fr", store=store)
    assert text.returncode == 2 and "ligne 3" in text.stdout and "rien n'a été écrit" in text.stderr
    assert courses(store) == before


def test_json_ld_courses_and_unsupported_formats(store, tmp_path):
    done = run("import", str(EXAMPLES / "courses-example.jsonld"), store=store)
    assert done.returncode == 0, done.stderr
    assert "2 added" in done.stdout
    other = tmp_path / "courses.ods"
    other.write_bytes(b"x")
    refused = run("import", str(other), store=store)
    assert refused.returncode == 2 and "unsupported import format" in refused.stderr
