"""Imports into a graph of their own: plan (added/changed/removed), validation placed at
rows and columns, all-or-nothing write, idempotent re-import, on both kinds of store."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS

from conftest import ROOT
from genskills.errors import InputError, ProblemsError, ValidationError
from genskills.importing import apply_import, import_graph, plan_import, source_name_for
from genskills.loading import load_sources
from genskills.namespaces import GSK, GSKD, INFERRED_GRAPH
from genskills.parsed import ParsedCourses
from genskills.store import OxigraphStore

TEMPLATE = (ROOT / "data" / "catalogue" / "courses-illustrative.ttl")
SOURCE = "course-illus-but-biomed-biotech-uca-clermont"


def course_copy(new_id: str, **changes) -> Graph:
    """A valid illustrative course: a shipped one under a new IRI (labels made unique)."""
    shipped = Graph().parse(TEMPLATE)
    old, new = GSKD[SOURCE], GSKD[new_id]
    out = Graph()
    for p, o in shipped.predicate_objects(old):
        if p == RDFS.label:
            o = Literal(f"{o} ({new_id})", lang=o.language)
        elif str(p).endswith("notation"):
            o = Literal(new_id)
        out.add((new, p, o))
    for p, o in changes.items():
        out.remove((new, GSK[p], None))
        if o is not None:
            out.add((new, GSK[p], o))
    return out


def parsed(*graphs: Graph, rows: dict | None = None) -> ParsedCourses:
    merged = Graph()
    for g in graphs:
        merged += g
    courses = sorted(set(merged.subjects()))
    locations = rows or {c: f"row {i + 2}" for i, c in enumerate(courses)}
    return ParsedCourses(merged, locations, {GSK.eqfLevel: "eqf_level", GSK.inRegion: "region"}, "test.csv")


@pytest.fixture
def store(tmp_path):
    """The embedded store, loaded with the shipped data (the remote store: the tests below that ask for it)."""
    store = OxigraphStore(tmp_path / "store")
    load_sources(store, ROOT)
    return store


@pytest.fixture
def each_store(any_store):
    """Each kind of store, embedded and remote, loaded with the shipped data."""
    load_sources(any_store, ROOT)
    return any_store


def courses_in(store, graph: str) -> set[str]:
    rows = store.query(f"SELECT ?c WHERE {{ GRAPH <{graph}> {{ ?c a <{GSK.Course}> }} }}").rows
    return {str(r[0]) for r in rows}


def test_import_plans_writes_and_derives(each_store):
    store = each_store
    graph = import_graph("inventory-test")
    plan = plan_import(store, parsed(course_copy("course-imp-a"), course_copy("course-imp-b")), graph=graph)
    assert plan.added == [str(GSKD["course-imp-a"]), str(GSKD["course-imp-b"])]
    assert not plan.changed and not plan.removed
    result = apply_import(store, plan)
    assert result.written and result.report.conforms
    assert courses_in(store, graph) == {str(GSKD["course-imp-a"]), str(GSKD["course-imp-b"])}
    # The derived graph follows: the inverse link of the new course's competence is there.
    ask = (f"ASK {{ GRAPH <{INFERRED_GRAPH}> {{ <{GSKD['comp-lab-quality']}> <{GSK.isCoveredBy}> "
           f"<{GSKD['course-imp-a']}> }} }}")
    assert store.query(ask).boolean


def test_reimport_of_the_same_file_changes_nothing(store):
    graph = import_graph("inventory-test")
    apply_import(store, plan_import(store, parsed(course_copy("course-imp-a")), graph=graph))
    before = store.count()
    plan = plan_import(store, parsed(course_copy("course-imp-a")), graph=graph)
    assert not plan.changes and plan.unchanged == [str(GSKD["course-imp-a"])]
    assert apply_import(store, plan).written is False
    assert store.count() == before


def test_changed_and_removed_courses_are_planned_and_applied(store):
    graph = import_graph("inventory-test")
    apply_import(store, plan_import(store, parsed(course_copy("course-imp-a"), course_copy("course-imp-b")),
                                    graph=graph))
    second = parsed(course_copy("course-imp-a", durationHours=Literal(1500)), course_copy("course-imp-c"))
    plan = plan_import(store, second, graph=graph)
    assert plan.added == [str(GSKD["course-imp-c"])]
    assert plan.changed == [str(GSKD["course-imp-a"])]
    assert plan.removed == [str(GSKD["course-imp-b"])]
    dry = apply_import(store, plan, dry_run=True)
    assert not dry.written and str(GSKD["course-imp-b"]) in courses_in(store, graph)
    apply_import(store, plan)
    assert courses_in(store, graph) == {str(GSKD["course-imp-a"]), str(GSKD["course-imp-c"])}
    hours = store.query(f"SELECT ?h WHERE {{ <{GSKD['course-imp-a']}> <{GSK.durationHours}> ?h }}").rows
    assert [int(r[0]) for r in hours] == [1500]


def test_a_broken_rule_writes_nothing_and_is_placed_at_its_row_and_column(each_store):
    store = each_store
    graph = import_graph("inventory-test")
    apply_import(store, plan_import(store, parsed(course_copy("course-imp-a")), graph=graph))
    before = store.count()
    bad = course_copy("course-imp-bad", eqfLevel=Literal(12), inRegion=URIRef(GSKD["no-such-region"]))
    plan = plan_import(store, parsed(course_copy("course-imp-a"), bad,
                                     rows={GSKD["course-imp-a"]: "row 2", GSKD["course-imp-bad"]: "row 3"}),
                       graph=graph)
    with pytest.raises(ValidationError) as caught:
        apply_import(store, plan)
    places = {(p.location, p.field) for p in caught.value.problems}
    assert ("row 3", "eqf_level") in places and ("row 3", "region") in places
    assert all(p.message["en"] and p.message["fr"] for p in caught.value.problems)
    assert store.count() == before, "all or nothing"
    assert courses_in(store, graph) == {str(GSKD["course-imp-a"])}


def test_a_course_defined_by_another_source_is_refused(store):
    shipped = course_copy(SOURCE.replace("uca-clermont", "x"))
    shipped_iri = next(iter(shipped.subjects()))
    clash = Graph()
    for p, o in shipped.predicate_objects(shipped_iri):
        clash.add((GSKD[SOURCE], p, o))
    with pytest.raises(ProblemsError) as caught:
        plan_import(store, parsed(clash, rows={GSKD[SOURCE]: "row 5"}), graph=import_graph("inventory-test"))
    assert caught.value.problems[0].location == "row 5"
    assert "graph/illustrative" in caught.value.problems[0].message["en"]


def test_two_import_sources_keep_apart(store):
    apply_import(store, plan_import(store, parsed(course_copy("course-imp-a")), graph=import_graph("one")))
    apply_import(store, plan_import(store, parsed(course_copy("course-imp-b")), graph=import_graph("two")))
    # Emptying source "one" removes its course and leaves "two" alone.
    apply_import(store, plan_import(store, parsed(), graph=import_graph("one")))
    assert courses_in(store, import_graph("one")) == set()
    assert courses_in(store, import_graph("two")) == {str(GSKD["course-imp-b"])}


@pytest.mark.parametrize("name", ["", "A", "a b", "a/b", "-a", "x" * 64])
def test_bad_source_names(name):
    with pytest.raises(InputError, match="import source name"):
        import_graph(name)


def test_default_source_names():
    assert source_name_for("Inventaire 2026_v2 (février)") == "inventaire-2026-v2-fevrier"
    assert source_name_for("***") == "import"
