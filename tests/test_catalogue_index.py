"""The faceted search index on the hand-made graph of tests/data/analysis-small.ttl."""

from __future__ import annotations


import pytest

from conftest import analysis_small_store
from genskills.catalogue_index import Search, fold, read_index
from genskills.errors import QueryError
from genskills.namespaces import GSK, GSKD


def t(name: str) -> str:
    return str(GSKD[f"t-{name}"])


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    return read_index(analysis_small_store(tmp_path_factory.mktemp("index") / "store").query)


def found(index, **search) -> list[str]:
    return [course.iri for course in index.search(Search(**search)).courses]


def test_fold_ignores_case_and_accents():
    assert fold("Génétique ÉLÉMENTAIRE") == "genetique elementaire"


def test_words_match_labels_in_both_languages_without_accents(index):
    assert found(index, text="formation k1") == [t("k1")]
    assert found(index, text="COURSE k2") == [t("k2")]
    # A course is found by the label of a competence it teaches (K2 teaches C2 through D1).
    assert found(index, text="competence deux") == [t("k2")]
    assert found(index, text="competence trois") == [t("k3"), t("k4")]


def test_the_competence_facet_goes_down_and_up_the_hierarchy(index):
    # C1: named by K1 and K4, taught by K2 through its domain.
    assert found(index, competence=t("c1")) == [t("k1"), t("k2"), t("k4")]
    # D1: named by K2, and K1 and K4 teach a competence in it.
    assert found(index, competence=t("d1")) == [t("k1"), t("k2"), t("k4")]
    assert found(index, competence=t("c4")) == []


def test_steps_levels_regions_and_modes(index):
    # S2: K3 and K4 teach C3, K5 names the step.
    assert found(index, step=t("s2")) == [t("k3"), t("k4"), t("k5")]
    assert found(index, level="7") == [t("k1"), t("k3")]        # K4 states 5; K2 (DU) has none
    assert found(index, region=t("r1")) == [t("k1"), t("k4")]   # online K3 is found by the mode
    assert found(index, mode=str(GSK.Online)) == [t("k3")]


def test_facet_counts_ignore_the_facet_itself_and_honour_the_others(index):
    answer = index.search(Search(region=t("r1")))
    regions = {value.key: value.count for value in answer.facets["region"]}
    assert regions == {t("r1"): 2, t("r2"): 2}                  # switching region stays possible
    levels = {value.key: value.count for value in answer.facets["level"]}
    assert levels == {"5": 1, "7": 1}                            # within R1: K4 (5), K1 (7)
    selected = [value.key for value in answer.facets["region"] if value.selected]
    assert selected == [t("r1")]
    competences = [(value.key, value.depth) for value in answer.facets["competence"]]
    # Domains in label order ("Domaine deux" < "Domaine un"), each followed by its competences.
    assert competences == [(t("d2"), 0), (t("c4"), 1), (t("c3"), 1), (t("d1"), 0), (t("c2"), 1), (t("c1"), 1)]


def test_paging(index):
    first = index.search(Search(page_size=2))
    assert first.total == 5 and first.pages == 3 and len(first.courses) == 2
    last = index.search(Search(page_size=2, page=3))
    assert [c.iri for c in last.courses] == [t("k5")]


@pytest.mark.parametrize("search,field", [(Search(region=str(GSKD["t-p"])), "region"), (Search(level="9"), "level"),
                                          (Search(level="x"), "level"), (Search(page=0), "page"),
                                          (Search(language="f r"), "language"), (Search(text="x" * 201), "200")])
def test_bad_searches_name_their_field(index, search, field):
    with pytest.raises(QueryError, match=field):
        index.search(search)
