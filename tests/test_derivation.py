"""The derived graph: closures and counts materialised on every write, checked against Python.

The expected facts are computed with plain Python over an rdflib reading of the shipped
files (``test_queries.Data``), never with SPARQL.
"""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SKOS

from conftest import ROOT
from genskills.namespaces import GRAPH, GSK, GSKD, INFERRED_GRAPH
from genskills.rdfio import parse_file
from genskills.sources import SOURCES
from genskills.store import OxigraphStore
from test_queries import data  # noqa: F401  (the fixture the tests below take)


def derived(store, subject_var: str, predicate: URIRef, object_var: str = "o") -> set:
    result = store.query(f"SELECT ?{subject_var} ?{object_var} WHERE {{ GRAPH <{INFERRED_GRAPH}> "
                         f"{{ ?{subject_var} <{predicate}> ?{object_var} }} }}")
    return {(row[0], row[1]) for row in result.rows}


def test_broader_transitive_is_the_closure_of_the_hierarchy(loaded_store, data):
    concepts = data.of_class(GSK.Competence) | data.of_class(GSK.CompetenceDomain)
    expected = {(c, above) for c in concepts for above in data.up(c) if above != c}
    assert len(expected) >= len(data.of_class(GSK.Competence))   # each competence has a domain
    assert derived(loaded_store, "s", SKOS.broaderTransitive) == expected
    assert derived(loaded_store, "s", SKOS.narrowerTransitive) == {(b, a) for a, b in expected}


def test_has_training_for_matches_the_courses_available_in_each_region(loaded_store, data):
    concepts = data.of_class(GSK.Competence) | data.of_class(GSK.CompetenceDomain)
    expected = {(region, c) for region in data.of_class(GSK.Region) for c in concepts
                if any(data.available_in(course, region) and data.covers(course, c) for course in data.courses)}
    assert 0 < len(expected) < len(data.of_class(GSK.Region)) * len(concepts)   # some gaps, some training
    assert derived(loaded_store, "region", GSK.hasTrainingFor) == expected


@pytest.fixture
def small_store():
    """An in-memory store with every shipped graph (no validation: the data is the shipped one)."""
    store = OxigraphStore()
    graphs = {}
    for source in SOURCES:
        graph = Graph()
        for path in source.files(ROOT):
            graph += parse_file(path)
        graphs[source.graph] = graph
    store.replace_graphs(graphs)
    return store


def _count(store, subject: URIRef, predicate: URIRef) -> int:
    values = store.query(f"SELECT ?n WHERE {{ <{subject}> <{predicate}> ?n }}").column("n")
    assert len(values) <= 1, values
    return int(values[0]) if values else 0


def test_every_write_keeps_the_derived_facts_in_step(small_store):
    region, competence = GSKD["region-94"], GSKD["comp-variant-classification"]
    scratch = GRAPH["test-scratch"]
    real, illustrative = _count(small_store, region, GSK.realCourseCount), \
        _count(small_store, region, GSK.illustrativeCourseCount)
    course = GSKD["course-test-derived"]
    small_store.update(f"""INSERT DATA {{ GRAPH <{scratch}> {{
        <{course}> a <{GSK.Course}> ; <{GSK.inRegion}> <{region}> ; <{GSK.coversCompetence}> <{competence}> ;
                   <{GSK.illustrative}> true . }} }}""")
    assert _count(small_store, region, GSK.illustrativeCourseCount) == illustrative + 1
    assert _count(small_store, region, GSK.realCourseCount) == real
    assert small_store.query(f"ASK {{ <{region}> <{GSK.hasTrainingFor}> <{competence}> }}").boolean
    # The inverse link is derived too, and the course counts for the competence's steps.
    assert small_store.query(f"ASK {{ <{competence}> <{GSK.isCoveredBy}> <{course}> }}").boolean
    # A competence two levels down gets its whole ancestry.
    narrower = GSKD["comp-test-narrower"]
    small_store.update(f"INSERT DATA {{ GRAPH <{scratch}> {{ <{narrower}> <{SKOS.broader}> <{competence}> }} }}")
    above = small_store.query(f"SELECT ?a WHERE {{ <{narrower}> <{SKOS.broaderTransitive}> ?a }}").column("a")
    assert set(above) == {competence, GSKD["dom-clinical-interpretation"]}
    small_store.update(f"DROP GRAPH <{scratch}>")
    assert _count(small_store, region, GSK.illustrativeCourseCount) == illustrative
    assert not small_store.query(f"ASK {{ <{competence}> <{GSK.isCoveredBy}> <{course}> }}").boolean


def test_a_course_that_names_a_step_counts_among_its_courses(small_store):
    step, scratch = GSKD["step-report"], GRAPH["test-scratch"]
    courses, covered = _count(small_store, step, GSK.courseCount), _count(small_store, step, GSK.coveredCompetenceCount)
    course = GSKD["course-test-step"]
    small_store.update(f"""INSERT DATA {{ GRAPH <{scratch}> {{
        <{course}> a <{GSK.Course}> ; <{GSK.coversStep}> <{step}> . }} }}""")
    assert _count(small_store, step, GSK.courseCount) == courses + 1
    assert _count(small_store, step, GSK.coveredCompetenceCount) == covered, "it covers no competence"
    small_store.update(f"DROP GRAPH <{scratch}>")
    assert _count(small_store, step, GSK.courseCount) == courses


def test_derived_facts_are_never_stated_twice(loaded_store):
    """A fact the data states is not repeated in the derived graph (so counts stay exact)."""
    duplicated = loaded_store.query(f"""SELECT (COUNT(*) AS ?n) WHERE {{
        GRAPH <{INFERRED_GRAPH}> {{ ?s ?p ?o }}
        GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != <{INFERRED_GRAPH}>) }}""")
    assert duplicated.rows[0][0] == Literal(0)


def test_the_derived_graph_leaves_no_scratch_graph_behind(loaded_store):
    names = loaded_store.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }").column("g")
    assert not [n for n in names if "/staging/" in str(n)]


def test_the_bulk_derivation_gives_the_same_graph_as_the_update(loaded_store, small_store):
    """`genskills load` derives step by step (query, then bulk append: loaded_store); a write
    derives with one SPARQL Update (small_store): the same graph either way."""
    by_steps = loaded_store.read_graph(str(INFERRED_GRAPH))
    by_update = small_store.read_graph(str(INFERRED_GRAPH))
    assert len(by_steps) > 3000
    assert set(by_steps) == set(by_update)
