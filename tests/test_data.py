"""The shipped reference data and catalogue: facts kept, proposals marked, shapes met."""

from __future__ import annotations

import csv
from collections import Counter

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from conftest import ROOT, domain_file
from genskills.loading import shipped_data, shipped_shapes, validate_files
from genskills.namespaces import GSK, GSKD
from genskills.rdfio import parse_file, union

REFERENCE_CLASSES = ["CarePathwayStep", "CompetenceDomain", "Competence", "ProfessionalRole",
                     "TrainingType", "Region"]
PFMG_TRAINING_TYPES = ["dpc", "du", "diu", "dut", "licence-professionnelle", "master", "diplome-ingenieur"]


def load(*relative) -> Graph:
    return union(parse_file(ROOT / r) for r in relative)


@pytest.fixture(scope="module")
def reference():
    return union(p.graph for p in shipped_data(ROOT) if "reference" in p.path.parts or p.path.parent.name == "ontology")


@pytest.fixture(scope="module")
def real():
    return load("data/catalogue/courses-real.ttl")


@pytest.fixture(scope="module")
def illustrative():
    return load("data/catalogue/courses-illustrative.ttl")


@pytest.fixture(scope="module")
def everything():
    return union(p.graph for p in shipped_data(ROOT))


def members(graph, name):
    return sorted(graph.subjects(RDF.type, GSK[name]))


def read_csv(name):
    with domain_file(name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("name,expected", [("CarePathwayStep", 11), ("CompetenceDomain", 11),
                                           ("Competence", 65), ("ProfessionalRole", 24),
                                           ("TrainingType", 9), ("Region", 18)])
def test_reference_counts(reference, name, expected):
    assert len(members(reference, name)) == expected


@pytest.mark.parametrize("name", REFERENCE_CLASSES)
def test_reference_individuals_have_labels_and_definitions_in_both_languages(reference, name):
    problems = []
    for node in members(reference, name):
        for prop in (RDFS.label, SKOS.definition):
            langs = Counter(o.language for o in reference.objects(node, prop) if isinstance(o, Literal))
            if langs["fr"] != 1 or langs["en"] != 1:
                problems.append(f"{node} {prop.n3()}: {dict(langs)}")
    assert not problems, "\n".join(problems)


def test_steps_are_ordered_and_chained(reference):
    steps = {int(reference.value(s, GSK.stepOrder)): s for s in members(reference, "CarePathwayStep")}
    assert sorted(steps) == list(range(1, 12))
    for order in range(1, 11):
        assert (steps[order], GSK.nextStep, steps[order + 1]) in reference
    assert steps[1] == GSKD["step-prescription"] and steps[11] == GSKD["step-data-reanalysis"]


def test_steps_match_the_verified_list():
    rows = read_csv("care-pathway.csv")
    graph = load("data/reference/care-pathway.ttl")
    for row in rows:
        step = GSKD[row["id"]]
        assert int(graph.value(step, GSK.stepOrder)) == int(row["step_order"])
        assert Literal(row["label_fr"], lang="fr") in set(graph.objects(step, RDFS.label))
        assert Literal(row["label_en"], lang="en") in set(graph.objects(step, RDFS.label))


def test_regions_are_the_18_insee_regions():
    rows = read_csv("regions.csv")
    graph = load("data/reference/regions.ttl")
    found = {str(graph.value(r, GSK.inseeCode)): r for r in members(graph, "Region")}
    assert set(found) == {row["insee_code"] for row in rows}
    for row in rows:
        region = found[row["insee_code"]]
        assert region == GSKD[f"region-{row['insee_code']}"]
        assert Literal(row["label_fr"], lang="fr") in set(graph.objects(region, RDFS.label))
        assert Literal(row["label_en"], lang="en") in set(graph.objects(region, RDFS.label))


def test_training_type_levels_match_the_verified_table():
    graph = load("data/reference/training-types.ttl")
    for row in read_csv("training-types.csv"):
        node = GSKD[f"type-{row['id']}"]
        assert (node, RDF.type, GSK.TrainingType) in graph
        level = graph.value(node, GSK.eqfLevel)
        assert (str(level) if level is not None else "") == row["eqf_level"]
        french = graph.value(node, GSK.frenchLevel)
        assert (str(french) if french is not None else "") == row["french_level"]


def test_competence_hierarchy_is_a_skos_scheme(reference):
    for competence in members(reference, "Competence"):
        broader = list(reference.objects(competence, SKOS.broader))
        assert len(broader) == 1 and (broader[0], RDF.type, GSK.CompetenceDomain) in reference
        assert (competence, SKOS.inScheme, GSKD["competence-framework"]) in reference
    for row in read_csv("competences.csv"):
        if row["broader_id"]:
            assert (GSKD[row["id"]], SKOS.broader, GSKD[row["broader_id"]]) in reference


def test_proposals_stay_marked(reference):
    for name in ("Competence", "CompetenceDomain", "ProfessionalRole"):
        for node in members(reference, name):
            assert (node, GSK.curationStatus, GSK.Proposal) in reference, node
    for name in ("CarePathwayStep", "Region", "TrainingType"):
        for node in members(reference, name):
            assert (node, GSK.curationStatus, GSK.Verified) in reference, node


def test_roles_link_steps_and_competences(reference):
    for row in read_csv("roles.csv"):
        role = GSKD[row["id"]]
        steps = {GSKD[s] for s in row["steps"].split(";") if s}
        assert set(reference.objects(role, GSK.actsInStep)) == steps
        essential = set(reference.objects(role, GSK.hasEssentialCompetence))
        assert essential, f"{role} has no essential competence"
        domains = {GSKD[d] for d in row["competence_domains"].split(";")}
        assert {reference.value(c, SKOS.broader) for c in essential} <= domains


def test_every_step_is_served_and_every_competence_serves(reference):
    served = {s for _, _, s in reference.triples((None, GSK.servesStep, None))}
    assert set(members(reference, "CarePathwayStep")) <= served
    for competence in members(reference, "Competence"):
        assert reference.value(competence, GSK.servesStep) is not None, competence


def test_alignments_are_exactly_the_verified_ones():
    rows = read_csv("alignments.csv")
    graph = load("data/reference/alignments.ttl")
    relations = {"skos:exactMatch": SKOS.exactMatch, "skos:closeMatch": SKOS.closeMatch,
                 "skos:broadMatch": SKOS.broadMatch, "skos:narrowMatch": SKOS.narrowMatch,
                 "skos:relatedMatch": SKOS.relatedMatch}
    expected = set()
    for row in rows:
        local = row["local_id"]
        local = f"type-{local}" if not local.startswith(("dom-", "comp-", "role-", "step-", "region-")) else local
        expected.add((GSKD[local], relations[row["relation"]], URIRef(row["target_uri"])))
    found = {t for rel in relations.values() for t in graph.triples((None, rel, None))}
    assert found == expected


def test_sources_are_kept(reference):
    sourced = [n for name in REFERENCE_CLASSES for n in members(reference, name)
               if reference.value(n, DCTERMS.source) is not None]
    assert len(sourced) == 11 + 11 + 65 + 24 + 9 + 18


def test_real_courses_are_the_37_sourced_ones(real):
    courses = members(real, "Course")
    ids = {row["id"] for row in read_csv("courses-real.csv")}
    assert {str(c)[len(str(GSKD)):] for c in courses} == ids
    for course in courses:
        assert (course, GSK.illustrative, Literal(True)) not in real
        assert (course, GSK.coverageStatus, GSK.Proposal) in real, course
        # The source page as an IRI, or a repository file (github:...) named in a note.
        sourced = real.value(course, DCTERMS.source) is not None or any(
            "github:" in note for note in real.objects(course, SKOS.note))
        assert sourced, f"{course} has no source"


def test_real_course_facts_are_not_invented(real):
    """ECTS, hours, mode and language only where the source states them."""
    modes = {"on-site": GSK.OnSite, "online": GSK.Online, "blended": GSK.Blended}
    for row in read_csv("courses-real.csv"):
        course = GSKD[row["id"]]
        hours = real.value(course, GSK.durationHours)
        assert (f"{float(hours):g}" if hours is not None else "") == row["duration_hours"], course
        ects = real.value(course, GSK.ects)
        assert (f"{float(ects):g}" if ects is not None else "") == row["ects"], course
        assert real.value(course, GSK.hasMode) == modes.get(row["mode"]), course
        languages = {str(v) for v in real.objects(course, GSK.teachingLanguage)}
        assert languages == {v for v in row["language"].split(";") if v}, course
        assert real.value(course, GSK.hasTrainingType) == GSKD[f"type-{row['training_type']}"], course
        regions = {str(r) for r in real.objects(course, GSK.inRegion)}
        assert regions == {str(GSKD[f"region-{c}"]) for c in row["region_insee"].split(";") if c}, course
        level = real.value(course, GSK.eqfLevel)
        assert (str(level) if level is not None else "") == row["level"], course


def test_illustrative_courses_are_flagged_and_carry_no_url(illustrative):
    courses = members(illustrative, "Course")
    assert courses
    for course in courses:
        assert (course, GSK.illustrative, Literal(True)) in illustrative
        assert (course, GSK.curationStatus, GSK.Illustrative) in illustrative
        assert illustrative.value(course, GSK.webPage) is None
        assert not [o for o in illustrative.objects(course, DCTERMS.source) if str(o).startswith("http")]
        for label in illustrative.objects(course, RDFS.label):
            assert "illustrati" in str(label).lower(), label
    datasets = list(illustrative.subjects(RDF.type, URIRef("http://rdfs.org/ns/void#Dataset")))
    assert len(datasets) == 1
    descriptions = " ".join(illustrative.objects(datasets[0], DCTERMS.description)).lower()
    assert "illustrati" in descriptions


def test_catalogue_shape(everything):
    courses = members(everything, "Course")
    assert len(courses) >= 120
    types = {str(everything.value(c, GSK.hasTrainingType))[len(str(GSKD)) + len("type-"):] for c in courses}
    assert set(PFMG_TRAINING_TYPES) <= types
    regions = Counter(r for c in courses for r in everything.objects(c, GSK.inRegion))
    assert len(regions) >= 10
    assert regions.most_common(2)[0][0] in {GSKD["region-11"], GSKD["region-84"]}
    steps = {s for c in courses for comp in everything.objects(c, GSK.coversCompetence)
             for s in everything.objects(comp, GSK.servesStep)}
    assert steps == set(members(everything, "CarePathwayStep"))
    masters = sum(1 for c in courses if everything.value(c, GSK.hasTrainingType) == GSKD["type-master"])
    assert masters == max(Counter(everything.value(c, GSK.hasTrainingType) for c in courses).values())


def test_shipped_data_conforms_to_the_shapes():
    report = validate_files([], ROOT, shipped_shapes(ROOT))
    assert report.conforms, report.to_text()


def test_every_shipped_file_belongs_to_exactly_one_source():
    from genskills.sources import SOURCES

    owners = Counter(path for source in SOURCES for path in source.files(ROOT))
    shipped = [p for folder in ("ontology", "shapes", "data") for p in (ROOT / folder).rglob("*.ttl")]
    assert sorted(shipped) == sorted(owners), "a .ttl file is in no source, or a source names a missing file"
    assert set(owners.values()) == {1}
