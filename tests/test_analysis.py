"""Coverage, gaps and learning paths on a hand-made graph whose answers a person can check.

tests/data/analysis-small.ttl draws the graph in its header comment; every expected value
below is worked out from that drawing, not read back from the code.
"""

from __future__ import annotations

import csv
import io

import pytest

from conftest import ROOT, analysis_small_store
from genskills.analysis import EXCLUDED, NO_COURSE, Analysis, Constraints, Facets
from genskills.errors import NotFoundError, QueryError
from genskills.namespaces import GSK, GSKD
from genskills.queries import load_queries


def t(name: str) -> str:
    return str(GSKD[f"t-{name}"])


@pytest.fixture(scope="module")
def analysis(tmp_path_factory):
    store = analysis_small_store(tmp_path_factory.mktemp("analysis") / "store")
    return Analysis(store, load_queries(ROOT / "queries"))


def by_key(table, key: str) -> dict:
    return {record[key]: record for record in table.records()}


# --- coverage --------------------------------------------------------------------------------

def test_coverage_by_competence_counts_courses_directly_and_through_the_domain(analysis):
    rows = by_key(analysis.coverage("competence"), "competence")
    assert {c: rows[t(c)]["courses"] for c in ("c1", "c2", "c3", "c4")} == {"c1": 3, "c2": 1, "c3": 2, "c4": 0}
    # C1: K1 and K4 in R1, K2 in R2; C3: K4 in R1 and K3 online, which has no region.
    assert {c: rows[t(c)]["regions"] for c in ("c1", "c2", "c3", "c4")} == {"c1": 2, "c2": 1, "c3": 1, "c4": 0}
    assert rows[t("c1")]["domain"] == t("d1") and rows[t("c1")]["domain_label"] == "Domaine un"
    assert rows[t("c3")]["first_step"] == 2 and rows[t("c1")]["first_step"] == 1


def test_a_region_facet_counts_the_courses_taught_there_and_the_online_ones(analysis):
    rows = by_key(analysis.coverage("competence", Facets(region=t("r1"))), "competence")
    assert {c: rows[t(c)]["courses"] for c in ("c1", "c2", "c3", "c4")} == {"c1": 2, "c2": 0, "c3": 2, "c4": 0}


def test_the_level_facet_takes_the_course_level_before_its_training_type(analysis):
    # EQF 7: K1 and K3 (their master); K4 states 5 itself; K2 (DU) has none.
    rows = by_key(analysis.coverage("competence", Facets(level=7)), "competence")
    assert {c: rows[t(c)]["courses"] for c in ("c1", "c2", "c3")} == {"c1": 1, "c2": 0, "c3": 1}
    rows = by_key(analysis.coverage("competence", Facets(level=5)), "competence")
    assert {c: rows[t(c)]["courses"] for c in ("c1", "c2", "c3")} == {"c1": 1, "c2": 0, "c3": 1}


def test_training_type_and_mode_facets(analysis):
    rows = by_key(analysis.coverage("competence", Facets(training_type=t("du"))), "competence")
    assert {c: rows[t(c)]["courses"] for c in ("c1", "c2", "c3")} == {"c1": 1, "c2": 1, "c3": 0}
    rows = by_key(analysis.coverage("competence", Facets(mode=str(GSK.Online))), "competence")
    assert {c: rows[t(c)]["courses"] for c in ("c1", "c2", "c3")} == {"c1": 0, "c2": 0, "c3": 1}


def test_coverage_by_domain(analysis):
    rows = by_key(analysis.coverage("domain"), "domain")
    assert (rows[t("d1")]["competences"], rows[t("d1")]["covered_competences"], rows[t("d1")]["courses"]) == (2, 2, 3)
    assert (rows[t("d2")]["competences"], rows[t("d2")]["covered_competences"], rows[t("d2")]["courses"]) == (2, 1, 2)
    rows = by_key(analysis.coverage("domain", Facets(region=t("r2"))), "domain")
    assert (rows[t("d1")]["covered_competences"], rows[t("d1")]["courses"]) == (2, 1)   # K2 only
    assert (rows[t("d2")]["covered_competences"], rows[t("d2")]["courses"]) == (1, 1)   # K3, online


def test_coverage_by_step_counts_courses_that_name_the_step(analysis):
    table = analysis.coverage("step", lang="en")
    assert [r["label"] for r in table.records()] == ["Step one", "Step two", "Step three"]
    rows = by_key(table, "step")
    assert (rows[t("s1")]["competences"], rows[t("s1")]["covered_competences"], rows[t("s1")]["courses"]) == (2, 2, 3)
    # S2: K3 and K4 cover C3, K5 names the step.
    assert (rows[t("s2")]["competences"], rows[t("s2")]["covered_competences"], rows[t("s2")]["courses"]) == (2, 1, 3)
    assert (rows[t("s3")]["competences"], rows[t("s3")]["covered_competences"], rows[t("s3")]["courses"]) == (0, 0, 0)


def test_coverage_by_step_without_facets_equals_the_derived_step_coverage(analysis):
    derived = analysis.query("step-coverage", {"lang": "fr"})
    faceted = analysis.query("coverage-by-step", {"lang": "fr"})
    assert derived.rows == faceted.rows


def test_the_matrix_has_a_zero_for_every_pair_no_course_covers(analysis):
    matrix = analysis.matrix(lang="en")
    keys = [column["key"] for column in matrix.columns]
    assert keys == [t("r1"), t("r2"), str(GSK.Online)]   # regions by label, then online
    assert [column["label"] for column in matrix.columns] == ["Region one", "Region two", "Online"]
    assert matrix.counts == {(t("c1"), t("r1")): 2, (t("c1"), t("r2")): 1, (t("c2"), t("r2")): 1,
                             (t("c3"), t("r1")): 1, (t("c3"), str(GSK.Online)): 1}
    rows = {row[0]: row[4:] for row in matrix.table().rows}
    assert rows[t("c4")] == [0, 0, 0] and rows[t("c1")] == [2, 1, 0] and rows[t("c3")] == [1, 0, 1]


def test_the_matrix_refuses_a_region_facet(analysis):
    with pytest.raises(QueryError, match="region"):
        analysis.matrix(Facets(region=t("r1")))


def test_an_unknown_level_name_is_refused(analysis):
    with pytest.raises(QueryError, match="competence, domain, step"):
        analysis.coverage("institution")


# --- gaps ------------------------------------------------------------------------------------

def gaps(analysis, **constraints) -> dict[str, str]:
    table = analysis.role_gaps(t("p"), Constraints(**constraints))
    return {record["competence"]: record["reason"] for record in table.records()}


def test_role_gaps_without_constraints_are_the_competences_no_course_covers(analysis):
    assert gaps(analysis) == {t("c4"): NO_COURSE}


def test_role_gaps_in_a_region_tell_excluded_from_no_course(analysis):
    # R1 admits K1, K4 (taught there) and K3 (online): C2 is only taught in R2 (K2).
    assert gaps(analysis, region=t("r1")) == {t("c2"): EXCLUDED, t("c4"): NO_COURSE}


def test_a_maximum_level_admits_courses_without_a_stated_level(analysis):
    # Level <= 6: K4 (5) and K2 (none) pass; K1 and K3 (7) do not.
    assert gaps(analysis, max_level=6) == {t("c4"): NO_COURSE}
    # Level <= 4: only K2 passes, so C3 is excluded.
    assert gaps(analysis, max_level=4) == {t("c3"): EXCLUDED, t("c4"): NO_COURSE}


def test_a_mode_constraint(analysis):
    assert gaps(analysis, mode=str(GSK.Online)) == {t("c1"): EXCLUDED, t("c2"): EXCLUDED, t("c4"): NO_COURSE}


def test_catalogue_gaps_list_uncovered_and_single_region_resources(analysis):
    table = analysis.catalogue_gaps(lang="en")
    found = {record["resource"]: (record["gap"], record["courses"], record["regions"]) for record in table.records()}
    # C2 is taught by K2 in R2 only; C3 is in R1 only but also online; S3 has nothing.
    assert found == {t("c4"): ("uncovered", 0, 0), t("c2"): ("single-region", 1, 1), t("s3"): ("uncovered", 0, 0)}


def test_an_unknown_role_is_named_in_the_error(analysis):
    with pytest.raises(NotFoundError, match="role"):
        analysis.role_gaps(t("nobody"))


# --- learning paths --------------------------------------------------------------------------

def test_the_learning_path_is_the_smallest_cover_in_pathway_order(analysis):
    answer = analysis.learning_path(t("p"))
    # {C1, C2, C3} needs two courses. K3 (C3) is dominated by K4 (C1, C3), so the only
    # minimum cover is K2 (C1, C2) with K4; K2 (step 1) comes before K4 (steps 1 and 2)
    # because its label is smaller.
    assert [course.iri for course in answer.courses] == [t("k2"), t("k4")]
    assert answer.courses[0].covers == [t("c1"), t("c2")] and answer.courses[0].steps == [1]
    assert answer.uncovered == {t("c4"): NO_COURSE}
    assert (answer.method, answer.bound) == ("exact", "optimal")
    assert answer.needed == [t("c1"), t("c2"), t("c3"), t("c4")]


def test_competences_already_had_are_not_planned_and_a_domain_counts_for_its_competences(analysis):
    answer = analysis.learning_path(t("p"), have=["gskd:t-d1"])
    assert answer.already_had == [t("c1"), t("c2")]
    assert answer.needed == [t("c3"), t("c4")]
    # K3 and K4 both bring C3 alone: the first by IRI is kept.
    assert [course.iri for course in answer.courses] == [t("k3")]


def test_training_types_constrain_the_path_and_the_reasons_say_why(analysis):
    answer = analysis.learning_path(t("p"), constraints=Constraints(training_types=frozenset({t("du")})))
    assert [course.iri for course in answer.courses] == [t("k2")]
    assert answer.uncovered == {t("c3"): EXCLUDED, t("c4"): NO_COURSE}


def test_the_switch_to_greedy_gives_its_bound(analysis):
    answer = analysis.learning_path(t("p"), exact_limit=0)
    assert answer.method == "greedy"
    assert "d = 2" in answer.bound and "1.500" in answer.bound   # H(2) = 1 + 1/2
    # Greedy takes K2 (two competences, one step) before K4 (two, spanning two steps), then
    # K4 for C3 (K3, dominated, was dropped).
    assert [course.iri for course in answer.courses] == [t("k2"), t("k4")]


def test_the_learning_path_is_deterministic_and_exports_as_json_and_csv(analysis):
    first = analysis.learning_path(t("p"), constraints=Constraints(region=t("r1")), lang="en")
    second = analysis.learning_path(t("p"), constraints=Constraints(region=t("r1")), lang="en")
    assert first.to_json() == second.to_json()
    # R1: K1, K4, K3 (online); K4 covers C1 and C3 at once.
    assert [course.iri for course in first.courses] == [t("k4")]
    assert first.uncovered == {t("c2"): EXCLUDED, t("c4"): NO_COURSE}
    rows = list(csv.DictReader(io.StringIO(first.table().to_csv())))
    assert rows[0]["course"] == t("k4") and rows[0]["covers_labels"] == "Competence one; Competence three"
    assert {(row["uncovered_competence"], row["reason"]) for row in rows[1:]} == \
        {(t("c2"), EXCLUDED), (t("c4"), NO_COURSE)}
    data = first.to_json()
    assert data["courses"][0]["covers"][0] == {"competence": t("c1"), "label": "Competence one"}


def test_tables_write_csv_with_a_header(analysis):
    text = analysis.coverage("step", lang="en").to_csv()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["step", "order", "label", "competences", "covered_competences", "courses"]
    assert rows[1] == [t("s1"), "1", "Step one", "2", "2", "3"]


def test_the_exact_search_runs_up_to_the_limit_of_useful_courses(analysis):
    # Useful courses for {C1, C2, C3}: K2 and K4 (K1 and K3 are dominated): two.
    assert analysis.learning_path(t("p"), exact_limit=2).method == "exact"
    assert analysis.learning_path(t("p"), exact_limit=1).method == "greedy"
