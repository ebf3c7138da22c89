"""The store layer: the same tests on the embedded store and on a real Oxigraph server."""

from __future__ import annotations

import io

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from genskills import QueryError, StoreError
from genskills import store as store_module
from genskills.formats import rdf_format
from genskills.namespaces import GSK, GSKD, INFERRED_GRAPH, STAGING_PREFIX

G1 = "https://w3id.org/genskills/graph/reference"
G2 = "https://w3id.org/genskills/graph/catalogue"
ONTO = "https://w3id.org/genskills/graph/ontology"

ONTOLOGY_TTL = """
@prefix gsk: <https://w3id.org/genskills/ontology#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
gsk:coversCompetence owl:inverseOf gsk:isCoveredBy .
gsk:Course rdfs:subClassOf <https://schema.org/Course> .
"""

DATA_TTL = """
@prefix gsk: <https://w3id.org/genskills/ontology#> .
@prefix gskd: <https://w3id.org/genskills/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
gskd:course-a a gsk:Course ; rdfs:label "Cours A"@fr, "Course A"@en ;
    gsk:coversCompetence gskd:comp-x ; gsk:ects 30 ;  # integer lexical form: Oxigraph stores decimals canonically ("30.0" becomes "30")
    gsk:note [ rdfs:label "a blank node"@en ] .
"""


def graph(ttl: str) -> Graph:
    return Graph().parse(data=ttl, format="turtle")


def test_replace_read_and_count(any_store):
    any_store.replace_graphs({ONTO: graph(ONTOLOGY_TTL), G1: graph(DATA_TTL)})
    assert set(any_store.graph_names()) >= {ONTO, G1}
    assert isomorphic(any_store.read_graph(G1), graph(DATA_TTL))
    assert any_store.count(G1) == len(graph(DATA_TTL))
    assert not any(n.startswith(STAGING_PREFIX) for n in any_store.graph_names())


def test_replace_swaps_content_and_leaves_other_graphs(any_store):
    any_store.replace_graphs({G1: graph(DATA_TTL), G2: graph(DATA_TTL)})
    smaller = graph("<http://ex/s> <http://ex/p> <http://ex/o> .")
    any_store.replace_graphs({G1: smaller})
    assert isomorphic(any_store.read_graph(G1), smaller)
    assert isomorphic(any_store.read_graph(G2), graph(DATA_TTL))


def test_derived_graph_has_inverses_and_super_classes(any_store):
    any_store.replace_graphs({ONTO: graph(ONTOLOGY_TTL), G1: graph(DATA_TTL)})
    ask = f"ASK {{ GRAPH <{INFERRED_GRAPH}> {{ <{GSKD['comp-x']}> <{GSK.isCoveredBy}> <{GSKD['course-a']}> }} }}"
    assert any_store.query(ask).boolean is True
    ask_type = f"ASK {{ <{GSKD['course-a']}> a <https://schema.org/Course> }}"
    assert any_store.query(ask_type).boolean is True
    # Dropping the data drops what was derived from it.
    any_store.drop_graphs([G1])
    assert any_store.query(ask).boolean is False


def test_select_ask_construct(any_store):
    any_store.replace_graphs({G1: graph(DATA_TTL)})
    result = any_store.query(
        'SELECT ?label WHERE { ?c <http://www.w3.org/2000/01/rdf-schema#label> ?label '
        'FILTER(LANG(?label) = "fr") }')
    assert result.kind == "select" and result.variables == ["label"]
    assert result.rows == [(Literal("Cours A", lang="fr"),)]
    assert any_store.query("ASK { ?s ?p 30 }").boolean is True
    constructed = any_store.query("CONSTRUCT { ?s a <http://ex/C> } WHERE { ?s ?p 30 }")
    assert constructed.kind == "graph"
    assert set(constructed.graph) == {(URIRef(GSKD["course-a"]), URIRef(str(graph("").namespace_manager.expand_curie("rdf:type"))), URIRef("http://ex/C"))}


def test_malformed_query_is_a_query_error_with_position(any_store):
    with pytest.raises(QueryError) as caught:
        any_store.query("SELECT * WHERE { ?s ?p }")
    assert "invalid SPARQL" in str(caught.value)
    if any_store.description.startswith("embedded"):
        assert "1:" in str(caught.value)   # line:column of the error


def test_failed_commit_leaves_store_unchanged(any_store, monkeypatch):
    any_store.replace_graphs({G1: graph(DATA_TTL)})
    before = any_store.read_graph(G1)
    # The last part of every write request rebuilds the derived graph: break it.
    monkeypatch.setattr(store_module, "derive_update", lambda: "THIS IS NOT SPARQL")
    with pytest.raises((StoreError, QueryError)):
        any_store.replace_graphs({G1: graph("<http://ex/s> <http://ex/p> <http://ex/o> .")})
    assert isomorphic(any_store.read_graph(G1), before)
    assert any_store.graph_names() == [G1]   # no staging graph left behind


@pytest.mark.parametrize("fmt", ["ttl", "nt", "nq", "trig", "jsonld", "xml"])
def test_dump_one_graph_round_trips(any_store, fmt):
    any_store.replace_graphs({G1: graph(DATA_TTL)})
    out = io.BytesIO()
    any_store.dump(out, rdf_format(fmt), graph=G1)
    back = Graph()
    if rdf_format(fmt).holds_graphs:
        from rdflib import Dataset
        dataset = Dataset()
        dataset.parse(data=out.getvalue(), format=rdf_format(fmt).rdflib_name)
        for s, p, o, _ in dataset.quads():
            back.add((s, p, o))
    else:
        back.parse(data=out.getvalue(), format=rdf_format(fmt).rdflib_name)
    assert isomorphic(back, graph(DATA_TTL))


def test_unreachable_endpoint_is_a_store_error():
    from genskills.store import EndpointStore
    from conftest import free_port

    store = EndpointStore(f"http://127.0.0.1:{free_port()}/query")
    with pytest.raises(StoreError) as caught:
        store.query("ASK {}")
    assert "cannot be reached" in str(caught.value)


def test_locked_store_says_so(tmp_path):
    from genskills.store import OxigraphStore

    first = OxigraphStore(tmp_path / "s")
    with pytest.raises(StoreError) as caught:
        OxigraphStore(tmp_path / "s")
    assert str(tmp_path / "s") in str(caught.value)
    del first


def test_load_shipped_sources_then_reload_one(any_store):
    """The whole pipeline on each store: full load, then one source reloaded alone."""
    from conftest import ROOT
    from genskills.loading import load_sources
    from genskills.stats import collect

    load_sources(any_store, ROOT)
    first = collect(any_store)
    assert first.classes["Course"] >= 120 and first.classes["Region"] == 18
    # Reloading one source validates it against the others read back from the store.
    summary = load_sources(any_store, ROOT, ["illustrative"])
    assert summary.report.conforms and list(summary.triples) == ["illustrative"]
    assert collect(any_store) == first
    # Inverse links were derived: every course covering a competence is listed by it.
    covered = any_store.query(
        "SELECT (COUNT(*) AS ?n) WHERE { ?c <https://w3id.org/genskills/ontology#coversCompetence> ?k }").rows
    inverse = any_store.query(
        "SELECT (COUNT(*) AS ?n) WHERE { ?k <https://w3id.org/genskills/ontology#isCoveredBy> ?c }").rows
    assert covered == inverse and int(covered[0][0]) > 300


# --- loads of the on-disk store: a new store built beside it, then swapped in -----------------


@pytest.fixture
def disk_store(loaded_store, tmp_path):
    """A store on disk holding every shipped source, that the test may change: a checkpoint of
    the session's loaded store (hard links: milliseconds, where a load of its own takes seconds)."""
    from genskills.store import OxigraphStore

    loaded_store.checkpoint(tmp_path / "store")
    return OxigraphStore(tmp_path / "store")


def test_a_load_keeps_the_graphs_it_does_not_rebuild(disk_store):
    """Graphs made by SPARQL Update (or by other sources) survive a load of some sources."""
    from conftest import ROOT
    from genskills.loading import load_sources

    scratch = "https://w3id.org/genskills/graph/test-kept"
    disk_store.update(f"INSERT DATA {{ GRAPH <{scratch}> {{ <http://ex/a> <http://ex/b> 1 }} }}")
    before = {g: disk_store.count(g) for g in disk_store.graph_names()}
    load_sources(disk_store, ROOT, ["illustrative"])
    assert {g: disk_store.count(g) for g in disk_store.graph_names()} == before
    assert not list(disk_store.path.parent.glob("store.*"))   # no .rebuild or .old folder left


def test_a_failed_load_leaves_the_store_and_no_folder_behind(disk_store, tmp_path):
    from conftest import ROOT
    from genskills import InputError
    from genskills.loading import load_sources
    import shutil

    root = tmp_path / "project"
    for folder in ("ontology", "shapes", "data"):
        shutil.copytree(ROOT / folder, root / folder)
    (root / "data" / "catalogue" / "courses-real.ttl").write_text("this is not turtle", encoding="utf-8")
    before = {g: disk_store.count(g) for g in disk_store.graph_names()}
    with pytest.raises(InputError) as caught:
        load_sources(disk_store, root)
    assert "courses-real.ttl:1" in str(caught.value)
    assert {g: disk_store.count(g) for g in disk_store.graph_names()} == before
    assert not list(disk_store.path.parent.glob("store.*"))


def test_a_swap_cut_between_its_two_renames_is_repaired_on_open(disk_store):
    """Rebuild.swap renames the live store to .old, then the new one in place: a crash in
    between leaves no store folder, and the next open puts the old one back."""
    from genskills.store import OxigraphStore

    path, before = disk_store.path, disk_store.count()
    disk_store._close()
    path.rename(path.with_name(path.name + ".old"))
    reopened = OxigraphStore(path)
    assert reopened.count() == before and before > 10_000


def test_validation_against_the_store_reports_on_the_file_and_writes_nothing(disk_store, tmp_path):
    from genskills.loading import validate_against_store

    course = tmp_path / "new-course.ttl"
    course.write_text("""@prefix gsk: <https://w3id.org/genskills/ontology#> .
@prefix gskd: <https://w3id.org/genskills/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

gskd:course-checked a gsk:Course ;
    rdfs:label "Formation vérifiée"@fr , "Checked course"@en ;
    gsk:coversCompetence gskd:comp-does-not-exist ;
    gsk:curationStatus gsk:Illustrative ;
    gsk:hasTrainingType gskd:type-master ;
    gsk:illustrative true ;
    gsk:inRegion gskd:region-84 .
""", encoding="utf-8")
    before = {g: disk_store.count(g) for g in disk_store.graph_names()}
    report = validate_against_store(disk_store, [course])
    assert not report.conforms
    broken = [r for r in report.violations if r.path == str(GSK.coversCompetence)]
    assert broken and broken[0].file == str(course) and broken[0].line == 5
    assert {r.focus for r in report.results} == {str(GSKD["course-checked"])}
    assert {g: disk_store.count(g) for g in disk_store.graph_names()} == before
    fixed = tmp_path / "fixed-course.ttl"
    fixed.write_text(course.read_text(encoding="utf-8").replace("comp-does-not-exist", "comp-variant-classification"),
                     encoding="utf-8")
    assert validate_against_store(disk_store, [fixed]).conforms
