"""The command line, run as a real process, as a user would."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from conftest import ROOT
from genskills.sources import SOURCES


def run(*args, store=None, input=None, cwd=None):
    command = [sys.executable, "-m", "genskills"]
    if store is not None:
        command += ["--store", str(store)]
    return subprocess.run(command + list(args), capture_output=True, text=True, input=input,
                          cwd=cwd, timeout=600)


@pytest.fixture(scope="module")
def cli_store(tmp_path_factory):
    store = tmp_path_factory.mktemp("cli") / "store"
    done = run("load", store=store)
    assert done.returncode == 0, done.stderr
    return store, done


def test_load_prints_a_summary(cli_store):
    _, done = cli_store
    assert "validation: conforms" in done.stdout
    assert "Course" in done.stdout and "Competence" in done.stdout
    for source in SOURCES:
        assert source.name in done.stdout


def test_stats_counts_classes(cli_store):
    store, _ = cli_store
    done = run("stats", store=store)
    assert done.returncode == 0, done.stderr
    counts = {line.split()[0]: line.split()[1] for line in done.stdout.splitlines()
              if line.startswith("  ") and len(line.split()) == 2}
    assert counts["CarePathwayStep"] == "11"
    assert counts["Region"] == "18"
    assert counts["Competence"] == "65"


QUERY = """PREFIX gsk: <https://w3id.org/genskills/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?step ?order ?label WHERE {
  ?step a gsk:CarePathwayStep ; gsk:stepOrder ?order ; rdfs:label ?label .
  FILTER(LANG(?label) = "en")
} ORDER BY ?order"""


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "tsv"])
def test_query_from_stdin_in_each_format(cli_store, fmt):
    store, _ = cli_store
    done = run("query", "-", "--format", fmt, store=store, input=QUERY)
    assert done.returncode == 0, done.stderr
    if fmt == "json":
        bindings = json.loads(done.stdout)["results"]["bindings"]
        assert [b["order"]["value"] for b in bindings] == [str(i) for i in range(1, 12)]
        assert bindings[0]["label"] == {"type": "literal", "value": "Indication and prescription of the genomic test",
                                        "xml:lang": "en"}
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(done.stdout)))
        assert len(rows) == 11 and rows[4]["step"].endswith("step-sequencing")
    elif fmt == "table":
        assert "gskd:step-sequencing" in done.stdout and "(11 rows)" in done.stdout
    else:
        assert done.stdout.splitlines()[0] == "?step\t?order\t?label"


def test_query_syntax_error_exits_2_with_position(cli_store, tmp_path):
    store, _ = cli_store
    bad = tmp_path / "bad.rq"
    bad.write_text("SELECT * WHERE { ?s ?p }")
    done = run("query", str(bad), store=store)
    assert done.returncode == 2
    assert "invalid SPARQL" in done.stderr and "1:" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("fmt", ["ttl", "nt", "nq", "trig", "jsonld", "xml"])
def test_export_whole_dataset_reimports_isomorphic(cli_store, tmp_path, fmt):
    store, _ = cli_store
    target = tmp_path / f"export.{fmt}"
    done = run("export", "--format", fmt, "--output", str(target), store=store)
    assert done.returncode == 0, done.stderr
    reference = run("export", "--format", "nq", store=store).stdout
    expected = Dataset()
    expected.parse(data=reference, format="nquads")
    from genskills.formats import rdf_format
    rdflib_name = rdf_format(fmt).rdflib_name
    if rdf_format(fmt).holds_graphs:
        back = Dataset()
        back.parse(target, format=rdflib_name)
        names = {str(g.identifier) for g in expected.graphs() if len(g)}
        assert names == {str(g.identifier) for g in back.graphs() if len(g)}
        for name in names:
            assert isomorphic(expected.graph(name), back.graph(name)), name
    else:
        merged = Graph()
        for s, p, o, _ in expected.quads():
            merged.add((s, p, o))
        back = Graph().parse(target, format=rdflib_name)
        assert isomorphic(merged, back)


@pytest.mark.parametrize("fmt", ["ttl", "jsonld"])
def test_export_one_graph(cli_store, tmp_path, fmt):
    store, _ = cli_store
    done = run("export", "--format", fmt, "--graph", "reference", store=store)
    assert done.returncode == 0, done.stderr
    from genskills.formats import rdf_format
    if fmt == "jsonld":
        back = Dataset()
        back.parse(data=done.stdout, format="json-ld")
        assert len(back.graph("https://w3id.org/genskills/graph/reference")) > 1000
    else:
        assert len(Graph().parse(data=done.stdout, format=rdf_format(fmt).rdflib_name)) > 1000


def test_export_unknown_graph_exits_2(cli_store):
    store, _ = cli_store
    done = run("export", "--graph", "nope", store=store)
    assert done.returncode == 2 and "no graph named 'nope'" in done.stderr


def test_validate_shipped_data_conforms():
    done = run("validate", "--format", "json")
    assert done.returncode == 0, done.stdout[-3000:]
    assert json.loads(done.stdout)["conforms"] is True


def test_validate_a_bad_file_in_french(tmp_path):
    bad = tmp_path / "new-course.ttl"
    bad.write_text(
        "@prefix gsk: <https://w3id.org/genskills/ontology#> .\n"
        "@prefix gskd: <https://w3id.org/genskills/id/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "\n"
        "gskd:course-new a gsk:Course ;\n"
        '    rdfs:label "New course"@en ;\n'
        "    gsk:hasTrainingType gskd:type-du ;\n"
        "    gsk:inRegion gskd:region-84 ;\n"
        "    gsk:ects -3 .\n", encoding="utf-8")
    done = run("validate", str(bad), "--lang", "fr")
    assert done.returncode == 1
    assert f"{bad}:5: Violation: gskd:course-new" in done.stdout
    assert "NON conforme" in done.stdout
    # Only the given file is reported on, not the shipped context.
    assert "course-illus" not in done.stdout


def test_validate_syntax_error_exits_2(tmp_path):
    bad = tmp_path / "broken.ttl"
    bad.write_text("@prefix ex: <http://ex/> .\nex:a ex:b .\n")
    done = run("validate", str(bad))
    assert done.returncode == 2
    assert f"{bad}:2:" in done.stderr
    assert "Traceback" not in done.stderr


def test_validate_missing_file_exits_2(tmp_path):
    done = run("validate", str(tmp_path / "nope.ttl"))
    assert done.returncode == 2 and "no such file" in done.stderr


def test_reason_reports_consistency():
    done = run("reason")
    assert done.returncode == 0, done.stderr
    assert "consistent" in done.stdout and "inferred triples" in done.stdout


def test_bad_setting_is_named(tmp_path):
    done = subprocess.run([sys.executable, "-m", "genskills", "stats"], capture_output=True, text=True,
                          env={"PATH": "", "HOME": str(tmp_path), "GENSKILLS_ENDPOINT": "ftp://x"})
    assert done.returncode == 2 and "GENSKILLS_ENDPOINT" in done.stderr


def test_main_job_from_another_folder(tmp_path, cli_store):
    """The installed command finds the project's files wherever it is started."""
    store, _ = cli_store
    done = run("stats", store=store, cwd=tmp_path)
    assert done.returncode == 0 and "Course" in done.stdout
