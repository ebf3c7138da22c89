"""The command line, run as a real process, as a user would."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph

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
        # An optional source with no file (synthetic, in a checkout) has no graph to show.
        assert source.name in done.stdout or (source.optional and not source.files(ROOT))


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


@pytest.fixture(scope="module")
def store_content(cli_store):
    """What the store holds, read through the store layer, not through export."""
    from genskills.store import OxigraphStore

    store = OxigraphStore(cli_store[0], read_only=True)
    content = {name: store.read_graph(name) for name in store.graph_names()}
    del store
    return content


def canonical(graph: Graph) -> ox.Dataset:
    """``graph`` with its blank nodes renamed by RDFC-1.0 (W3C RDF Dataset Canonicalization):
    two graphs are isomorphic exactly when their canonical forms are equal. pyoxigraph does it
    in a tenth of a second where rdflib.compare.isomorphic takes seconds on the look-alike
    blank nodes of the shapes."""
    dataset = ox.Dataset(ox.parse(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return dataset


def isomorphic(first: Graph, second: Graph) -> bool:
    return len(first) == len(second) and canonical(first) == canonical(second)


def test_isomorphic_tells_blank_node_names_from_links():
    """The check above: blind to the names of blank nodes, not to which node links to which."""
    def parse(text):
        return Graph().parse(data=text, format="turtle")

    first = parse('_:a <http://ex/p> _:b . _:b <http://ex/q> "x" . _:c <http://ex/q> "y" .')
    renamed = parse('_:z <http://ex/q> "y" . _:x <http://ex/q> "x" . _:w <http://ex/p> _:x .')
    relinked = parse('_:a <http://ex/p> _:c . _:b <http://ex/q> "x" . _:c <http://ex/q> "y" .')
    assert isomorphic(first, renamed)
    assert not isomorphic(first, relinked)


@pytest.mark.parametrize("fmt", ["ttl", "nt", "nq", "trig", "jsonld", "xml"])
def test_export_whole_dataset_reimports_isomorphic(cli_store, store_content, tmp_path, fmt):
    from genskills.formats import rdf_format

    store, _ = cli_store
    target = tmp_path / f"export.{fmt}"
    done = run("export", "--format", fmt, "--output", str(target), store=store)
    assert done.returncode == 0, done.stderr
    assert not list(tmp_path.glob("*.partial"))
    rdflib_name = rdf_format(fmt).rdflib_name
    assert len(store_content) == 7   # 6 sources + the derived graph
    if rdf_format(fmt).holds_graphs:
        back = Dataset()
        back.parse(target, format=rdflib_name)
        assert {str(g.identifier) for g in back.graphs() if len(g)} == set(store_content)
        for name, graph in store_content.items():
            assert isomorphic(back.graph(name), graph), name
    else:
        merged = Graph()
        for graph in store_content.values():
            for triple in graph:
                merged.add(triple)
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


def test_project_files_are_found_from_another_folder(tmp_path):
    """The installed command finds ontology/, shapes/ and data/ wherever it is started."""
    done = run("validate", "--format", "json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["conforms"] is True


def test_failed_load_shows_violations_in_french_and_writes_nothing(tmp_path, project_copy):
    store = tmp_path / "store"
    assert run("--root", str(project_copy), "load", store=store).returncode == 0
    before = run("export", "--format", "nq", store=store).stdout
    courses = project_copy / "data" / "catalogue" / "courses-real.ttl"
    text = courses.read_text(encoding="utf-8")
    courses.write_text(text.replace("gsk:hasTrainingType gskd:type-diu", "gsk:hasTrainingType gskd:type-bts", 1),
                       encoding="utf-8")
    done = run("--root", str(project_copy), "load", "catalogue", "--lang", "fr", store=store)
    assert done.returncode == 1
    assert "Violation: gskd:course-" in done.stderr and "gskd:type-bts" in done.stderr
    assert "rien n'a été écrit" in done.stderr
    assert "Warning" not in done.stderr   # warnings are counted, not listed
    assert "Traceback" not in done.stderr
    assert run("export", "--format", "nq", store=store).stdout == before


def test_load_without_illustrative_courses_then_drop(tmp_path):
    store = tmp_path / "store"
    done = run("load", "--exclude", "illustrative", store=store)
    assert done.returncode == 0, done.stderr
    assert "(courses: 37 real, 0 illustrative)" in done.stdout
    assert run("load", store=store).returncode == 0
    done = run("drop", "illustrative", store=store)
    assert done.returncode == 0, done.stderr
    assert "(courses: 37 real, 0 illustrative)" in done.stdout
    assert run("load", "--exclude", "ontology", store=store).returncode == 2


def test_reading_a_missing_store_exits_2(tmp_path):
    for command in (["stats"], ["export"], ["query", "-"]):
        done = run(*command, store=tmp_path / "none", input="ASK {}")
        assert done.returncode == 2 and "genskills load" in done.stderr, command
        assert not (tmp_path / "none").exists()


def test_export_errors_leave_no_file(cli_store, tmp_path):
    store, _ = cli_store
    done = run("export", "--graph", "nope", "-o", str(tmp_path / "out.ttl"), store=store)
    assert done.returncode == 2
    assert list(tmp_path.iterdir()) == []
    done = run("export", "-o", str(tmp_path / "no" / "such" / "dir.ttl"), store=store)
    assert done.returncode == 2 and "Traceback" not in done.stderr


def test_validate_report_as_turtle_holds_only_the_files_results(tmp_path):
    from rdflib.namespace import RDF

    bad = tmp_path / "c.ttl"
    bad.write_text("@prefix gsk: <https://w3id.org/genskills/ontology#> .\n"
                   "<https://w3id.org/genskills/id/course-x> a gsk:Course ; gsk:ects -1 .\n")
    as_json = json.loads(run("validate", str(bad), "--format", "json").stdout)
    done = run("validate", str(bad), "--format", "ttl")
    assert done.returncode == 1
    report = Graph().parse(data=done.stdout, format="turtle")
    sh = "http://www.w3.org/ns/shacl#"
    results = list(report.subjects(RDF.type, rdflib_term(sh + "ValidationResult")))
    assert len(results) == len(as_json["results"]) > 0
    assert {str(report.value(r, rdflib_term(sh + "focusNode"))) for r in results} == {
        "https://w3id.org/genskills/id/course-x"}


def rdflib_term(iri):
    from rdflib import URIRef
    return URIRef(iri)


def test_broken_shapes_are_bad_input(tmp_path):
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
                      "<http://ex/S> a sh:NodeShape ; sh:targetClass <https://w3id.org/genskills/ontology#Course> ;\n"
                      "  sh:sparql [ sh:select \"SELECT $this WHERE { oops\" ] .\n")
    done = run("validate", "--shapes", str(shapes))
    assert done.returncode == 2, done.stderr
    assert "shapes" in done.stderr and "Traceback" not in done.stderr


def test_canned_query_from_the_cli(cli_store):
    store, _ = cli_store
    done = run("query", "--name", "roles-in-step", "--param", "step=step-sequencing", "--param", "lang=en",
               "--format", "csv", store=store)
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert "https://w3id.org/genskills/id/role-lab-technician" in {r["role"] for r in rows}
    assert all(r["label"] for r in rows)


@pytest.mark.parametrize("args,word", [
    (["--name", "nope"], "no canned query named 'nope'"),
    (["--name", "roles-in-step"], "'step'"),
    (["--name", "roles-in-step", "--param", "step"], "KEY=VALUE"),
    (["--name", "roles-in-step", "--param", "step=region-84"], "step"),
    (["--name", "courses-search-facets", "--param", "level=high"], "'level'"),
])
def test_canned_query_errors_from_the_cli(cli_store, args, word):
    store, _ = cli_store
    done = run("query", *args, store=store)
    assert done.returncode == 2 and word in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
