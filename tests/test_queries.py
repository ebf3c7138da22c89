"""The canned queries of queries/: headers, parameters, answers, errors and injection.

Every expected answer is computed independently of SPARQL and of the store: with plain
Python over an rdflib graph of the shipped Turtle files (``Data`` below), and, for each
query, one small answer hard-coded from a reading of data/ (the comment says where to look).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue

from conftest import ROOT
from genskills.errors import NotFoundError, QueryError
from genskills.namespaces import GSK, GSKD
from genskills.queries import load_queries, parse_query_file, run_canned

QUERY_DIR = ROOT / "queries"
PATHS = sorted(QUERY_DIR.glob("*.rq"))
QUERIES = load_queries(QUERY_DIR)

LANG = ("language", None, False, "fr")
#: The interface of every canned query: parameter -> (type, class, required, default).
#: The page parameters of a paged query ("#+ paged: 1000").
PAGE = {"limit": ("integer", None, False, "1000"), "offset": ("integer", None, False, "0")}

#: The course facets of the coverage queries, and the constraints of gaps and learning paths.
FACETS = {"region": ("iri", GSK.Region, False, None), "training_type": ("iri", GSK.TrainingType, False, None),
          "level": ("integer", None, False, None), "mode": ("iri", GSK.CourseMode, False, None), "lang": LANG}
CONSTRAINTS = {"role": ("iri", GSK.ProfessionalRole, True, None), "region": ("iri", GSK.Region, False, None),
               "max_level": ("integer", None, False, None), "mode": ("iri", GSK.CourseMode, False, None),
               "lang": LANG}

SIGNATURES = {
    "care-pathway-steps": {"lang": LANG},
    "catalogue-gaps": {"lang": LANG},
    "class-members": {"class": ("iri", OWL.Class, True, None), "lang": LANG},
    "competences-of-role": {"role": ("iri", GSK.ProfessionalRole, True, None), "lang": LANG},
    "courses-for-competence": {"competence": ("iri", GSK.Competence, True, None), "lang": LANG, **PAGE},
    "courses-for-role": {"role": ("iri", GSK.ProfessionalRole, True, None),
                         "region": ("iri", GSK.Region, False, None), "lang": LANG, **PAGE},
    "courses-per-region": {"lang": LANG},
    "courses-search-facets": {"region": ("iri", GSK.Region, False, None),
                              "training_type": ("iri", GSK.TrainingType, False, None),
                              "level": ("integer", None, False, None),
                              "mode": ("iri", GSK.CourseMode, False, None), "lang": LANG, **PAGE},
    "coverage-by-competence": FACETS,
    "coverage-by-domain": FACETS,
    "coverage-by-step": FACETS,
    "coverage-matrix": {key: value for key, value in FACETS.items() if key != "region"},
    "learning-path-candidates": CONSTRAINTS,
    "role-gaps": CONSTRAINTS,
    "role-gaps-in-region": {"role": ("iri", GSK.ProfessionalRole, True, None),
                            "region": ("iri", GSK.Region, True, None), "lang": LANG},
    "roles-in-step": {"step": ("iri", GSK.CarePathwayStep, True, None), "lang": LANG},
    "search-labels": {"text": ("string", None, True, None), "lang": ("language", None, False, None), **PAGE},
    "step-coverage": {"lang": LANG},
}

#: A value for each required parameter (and each optional IRI one), for the runs below.
EXAMPLES = {
    "care-pathway-steps": {},
    # The shipped catalogue leaves no competence or step uncovered or in one region only;
    # tests/test_analysis.py checks this query's answers on a graph with gaps.
    "catalogue-gaps": {},
    "class-members": {"class": "gsk:Region"},
    "coverage-by-competence": {},
    "coverage-by-domain": {},
    "coverage-by-step": {},
    "coverage-matrix": {},
    "learning-path-candidates": {"role": "gskd:role-bioinformatician"},
    "role-gaps": {"role": "gskd:role-bioinformatician", "region": "gskd:region-94", "max_level": "5"},
    "competences-of-role": {"role": "gskd:role-nurse"},
    "courses-for-competence": {"competence": "gskd:comp-inheritance"},
    "courses-for-role": {"role": "gskd:role-bioinformatician"},
    "courses-per-region": {},
    "courses-search-facets": {},
    "role-gaps-in-region": {"role": "gskd:role-bioinformatician", "region": "gskd:region-94"},
    "roles-in-step": {"step": "gskd:step-sequencing"},
    "search-labels": {"text": "génétique"},
    "step-coverage": {},
}
#: Queries whose answer on the shipped data is empty (what they look for does not occur there).
EMPTY_ON_SHIPPED_DATA = {"catalogue-gaps"}
#: Valid values of the optional IRI parameters.
#: (Not gsk:Online for the mode: queries that name gsk:Online themselves would see the bound
#: term at more places than the parameter's, which the injection test's masking tells apart.)
OPTIONAL_EXAMPLES = {"region": "gskd:region-84", "training_type": "gskd:type-master", "mode": "gsk:Blended"}

#: Result column holding a label -> column of the resource it labels.
LABEL_COLUMNS = {"label": None, "domain_label": "domain", "course_type_label": "course_type"}


def gskd(local: str) -> URIRef:
    return GSKD[local]


def local(iri) -> str:
    return str(iri).rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def run(store, name: str, **args):
    return run_canned(store, QUERIES[name], {k: v for k, v in args.items() if v is not None})


def records(result) -> list[dict]:
    return [dict(zip(result.variables, row)) for row in result.rows]


# ---------------------------------------------------------------------------------
# The independent reading of the data: rdflib over the Turtle files, plain Python.


class Data:
    """The shipped files in one rdflib graph, and the facts the queries are about."""

    def __init__(self, graph: Graph):
        self.g = graph
        self.courses = set(graph.subjects(RDF.type, GSK.Course))
        self.online = {c for c in self.courses if (c, GSK.hasMode, GSK.Online) in graph}
        self._up: dict = {}
        self._topics = {c: frozenset(graph.objects(c, GSK.coversCompetence)) for c in self.courses}

    def of_class(self, cls) -> set:
        return set(self.g.subjects(RDF.type, cls))

    def label(self, resource, lang: str):
        found = [lab for lab in self.g.objects(resource, RDFS.label) if lab.language == lang]
        assert len(found) <= 1, (resource, found)
        return found[0] if found else None

    def up(self, concept) -> set:
        """The concept and every concept above it (stated skos:broader or skos:narrower)."""
        if concept in self._up:
            return self._up[concept]
        seen, todo = {concept}, [concept]
        while todo:
            node = todo.pop()
            for above in set(self.g.objects(node, SKOS.broader)) | set(self.g.subjects(SKOS.narrower, node)):
                if above not in seen:
                    seen.add(above)
                    todo.append(above)
        self._up[concept] = frozenset(seen)
        return self._up[concept]

    def domain(self, competence):
        domains = [c for c in self.up(competence) if (c, RDF.type, GSK.CompetenceDomain) in self.g]
        assert len(domains) <= 1
        return domains[0] if domains else None

    def topics(self, course) -> frozenset:
        return self._topics[course]

    def essential(self, role) -> set:
        return set(self.g.objects(role, GSK.hasEssentialCompetence)) | set(
            self.g.subjects(GSK.isEssentialCompetenceOf, role))

    def optional(self, role) -> set:
        return set(self.g.objects(role, GSK.hasOptionalCompetence)) | set(
            self.g.subjects(GSK.isOptionalCompetenceOf, role))

    def regions_of(self, course) -> set:
        return set(self.g.objects(course, GSK.inRegion))

    def available_in(self, course, region) -> bool:
        """Taught in the region, or online (open to every region)."""
        return region in self.regions_of(course) or course in self.online

    def covers(self, course, competence) -> bool:
        """The course names the competence or a concept above it (its domain)."""
        return bool(self.topics(course) & self.up(competence))

    def covers_for_role(self, course, competence) -> bool:
        """As covers, or the course names a narrower competence."""
        return self.covers(course, competence) or any(competence in self.up(t) for t in self.topics(course))

    def illustrative(self, course) -> bool:
        return any(v.toPython() is True for v in self.g.objects(course, GSK.illustrative))

    def roles_in_step(self, step) -> set:
        return {r for r in set(self.g.subjects(GSK.actsInStep, step)) | set(self.g.objects(step, GSK.hasActor))
                if (r, RDF.type, GSK.ProfessionalRole) in self.g}

    def level(self, course):
        own = [int(v) for v in self.g.objects(course, GSK.eqfLevel)]
        if own:
            return own[0]
        types = [int(v) for t in self.g.objects(course, GSK.hasTrainingType) for v in self.g.objects(t, GSK.eqfLevel)]
        return types[0] if types else None

    def classes(self, resource) -> set:
        """Stated types and their super-classes (rdfs:subClassOf in the ontology)."""
        out = set()
        for cls in self.g.objects(resource, RDF.type):
            out |= set(self.g.transitive_objects(cls, RDFS.subClassOf))
        return out

    def search(self, text: str, lang: str | None = None) -> set:
        out = set()
        for resource, label in self.g.subject_objects(RDFS.label):
            if not isinstance(label, Literal) or label.language not in ("fr", "en"):
                continue
            if lang is not None and label.language != lang:
                continue
            if text.lower() not in str(label).lower():
                continue
            for cls in self.classes(resource):
                if str(cls).startswith(str(GSK)):
                    out.add((resource, cls, label, label.language))
        return out


@pytest.fixture(scope="module")
def data() -> Data:
    graph = Graph()
    files = [*ROOT.glob("ontology/*.ttl"), *ROOT.glob("shapes/*.ttl"), *ROOT.glob("data/**/*.ttl")]
    assert files
    for path in files:
        graph.parse(path, format="turtle")
    return Data(graph)


# ---------------------------------------------------------------------------------
# (a) Headers, interface, every query runs


def test_the_canned_queries_are_the_documented_ones():
    assert sorted(QUERIES) == sorted(SIGNATURES)
    assert sorted(p.stem for p in PATHS) == sorted(SIGNATURES)


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_header_is_complete(path: Path):
    query = parse_query_file(path)
    text = path.read_text(encoding="utf-8")
    assert query.name == path.stem
    for lang in ("fr", "en"):
        assert query.title.get(lang, "").strip(), f"{path.name}: no title@{lang}"
        assert len(query.description.get(lang, "")) > 40, f"{path.name}: description@{lang} too short"
        for param in query.params:
            assert param.description.get(lang, "").strip(), f"{path.name}: {param.name}@{lang}"
    assert text.startswith("#+ title@"), "the #+ header opens the file"
    assert "\n# title@" not in text and not text.startswith("# title@"), "old '# title@en:' lines are gone"
    signature = {p.name: (p.kind, URIRef(p.cls) if p.cls else None, p.required, p.default) for p in query.params}
    assert signature == SIGNATURES[path.stem]
    assert "ORDER BY" in text, "deterministic output"


@pytest.mark.parametrize("name", sorted(SIGNATURES))
def test_runs_with_its_required_parameters(name, loaded_store):
    result = run(loaded_store, name, **EXAMPLES[name])
    assert result.kind == "select"
    assert result.rows or name in EMPTY_ON_SHIPPED_DATA, f"{name} returned nothing on the shipped data"
    again = run(loaded_store, name, **EXAMPLES[name])
    assert again.rows == result.rows, "same answer twice, same order"


@pytest.mark.parametrize("name", sorted(SIGNATURES))
def test_runs_with_every_optional_parameter_given(name, loaded_store):
    args = dict(EXAMPLES[name])
    for param in QUERIES[name].params:
        if not param.required:
            args[param.name] = OPTIONAL_EXAMPLES.get(param.name, "7" if param.kind == "integer" else "en")
    result = run(loaded_store, name, **args)
    assert result.kind == "select"


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("name", sorted(SIGNATURES))
def test_labels_are_in_the_language_asked(name, lang, loaded_store, data):
    result = run(loaded_store, name, **EXAMPLES[name], lang=lang)
    if name == "search-labels":
        assert all(r["language"] == Literal(lang) and r["label"].language == lang for r in records(result))
        return
    columns = [c for c in LABEL_COLUMNS if c in result.variables]
    assert columns, f"{name} returns no label"
    for row in records(result):
        for column in columns:
            resource = row[LABEL_COLUMNS[column] or result.variables[0]]
            if resource is not None:
                assert row[column] == data.label(resource, lang), (name, resource, column)


# ---------------------------------------------------------------------------------
# (b) Expected answers, per query


def test_care_pathway_steps(loaded_store, data):
    rows = records(run(loaded_store, "care-pathway-steps"))
    steps = data.of_class(GSK.CarePathwayStep)
    assert [r["step"] for r in rows] == sorted(steps, key=lambda s: int(data.g.value(s, GSK.stepOrder)))
    assert [int(r["order"]) for r in rows] == list(range(1, 12))
    assert {r["step"]: int(r["roles"]) for r in rows} == {s: len(data.roles_in_step(s)) for s in steps}
    # By hand: care-pathway.ttl gives step-prescription order 1 and step-sequencing order 5;
    # roles.ttl has two blocks with `gsk:actsInStep ... gskd:step-sequencing`.
    assert rows[0]["step"] == gskd("step-prescription")
    assert (rows[4]["step"], int(rows[4]["roles"])) == (gskd("step-sequencing"), 2)


def test_courses_per_region(loaded_store, data):
    result = run(loaded_store, "courses-per-region")
    got = {r["region"]: (int(r["real_courses"]), int(r["illustrative_courses"])) for r in records(result)}
    expected = {}
    for region in data.of_class(GSK.Region):
        here = [c for c in data.courses if region in data.regions_of(c)]
        expected[region] = (sum(not data.illustrative(c) for c in here), sum(data.illustrative(c) for c in here))
    assert got == expected
    totals = [sum(got[r["region"]]) for r in records(result)]
    assert totals == sorted(totals, reverse=True)
    # By hand: only courses-illustrative.ttl says `gsk:inRegion gskd:region-94` (Corse), twice.
    assert got[gskd("region-94")] == (0, 2)
    assert [local(r) for r in result.column("region")[:2]] == ["region-11", "region-84"]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_competences_of_role(loaded_store, data, lang):
    for role in sorted(data.of_class(GSK.ProfessionalRole)):
        rows = records(run(loaded_store, "competences-of-role", role=str(role), lang=lang))
        got = {(r["competence"], r["domain"], r["essential"].toPython()) for r in rows}
        expected = {(c, data.domain(c), True) for c in data.essential(role)} | {
            (c, data.domain(c), False) for c in data.optional(role)}
        assert got == expected, role
        assert len(rows) == len(expected), f"{role}: one row per competence"
        flags = [r["essential"].toPython() for r in rows]
        assert flags == sorted(flags, reverse=True), "essential ones first"


def test_competences_of_role_by_hand(loaded_store):
    # roles.ttl, block gskd:role-social-worker: 7 gsk:hasEssentialCompetence, 6 gsk:hasOptionalCompetence.
    rows = records(run(loaded_store, "competences-of-role", role="role-social-worker"))
    essential = {local(r["competence"]) for r in rows if r["essential"].toPython()}
    optional = {local(r["competence"]) for r in rows if not r["essential"].toPython()}
    assert essential == {"comp-family-information", "comp-genetic-counselling", "comp-informed-consent",
                         "comp-pretest-information", "comp-public-education", "comp-results-disclosure",
                         "comp-unexpected-findings"}
    assert optional == {"comp-bioethics-law", "comp-clinical-guidance", "comp-germline-somatic",
                        "comp-inheritance", "comp-pathway-coordination", "comp-societal-impact"}
    # competences.ttl: comp-genetic-counselling skos:broader gskd:dom-patient-communication.
    by_competence = {local(r["competence"]): local(r["domain"]) for r in rows}
    assert by_competence["comp-genetic-counselling"] == "dom-patient-communication"


def test_roles_in_step(loaded_store, data):
    for step in data.of_class(GSK.CarePathwayStep):
        result = run(loaded_store, "roles-in-step", step=str(step))
        assert set(result.column("role")) == data.roles_in_step(step), step
        assert len(result.rows) == len(set(result.column("role")))
    # By hand: the two blocks of roles.ttl whose gsk:actsInStep lists gskd:step-sequencing.
    result = run(loaded_store, "roles-in-step", step="gskd:step-sequencing", lang="en")
    assert [(local(r), str(lab)) for r, lab in result.rows] == [
        ("role-lab-technician", "Medical laboratory technician"),
        ("role-sequencing-engineer", "Sequencing platform engineer")]


def test_courses_for_competence(loaded_store, data):
    for competence in sorted(data.of_class(GSK.Competence)):
        rows = records(run(loaded_store, "courses-for-competence", competence=str(competence)))
        got = {r["course"]: (r["direct"].toPython(), r["illustrative"].toPython()) for r in rows}
        expected = {c: (competence in data.topics(c), data.illustrative(c))
                    for c in data.courses if data.covers(c, competence)}
        assert got == expected, competence
        assert len(rows) == len(got), "one row per course"
        flags = [r["direct"].toPython() for r in rows]
        assert flags == sorted(flags, reverse=True), "direct ones first"


def test_courses_for_competence_by_hand(loaded_store):
    # grep 'comp-genetic-counselling' data/catalogue/courses-*.ttl: these 8 courses list it in
    # gsk:coversCompetence; no course lists its domain gskd:dom-patient-communication.
    rows = records(run(loaded_store, "courses-for-competence", competence="comp-genetic-counselling"))
    assert {local(r["course"]) for r in rows} == {
        "course-amu-doctorat-conseil-genetique", "course-amu-master-conseil-genetique",
        "course-diu-maladies-genetiques-transdisciplinaire", "course-illus-du-genetic-counselling-support-amu",
        "course-illus-du-genetic-counselling-support-sorbonne", "course-illus-du-hemoglobinopathies-uantilles",
        "course-illus-du-patient-education-ucorse", "course-lyon1-diu-medecine-foetale"}
    assert all(r["direct"].toPython() for r in rows)
    # Through the domain: dom-bioinformatics is covered by some course (courses-real.ttl), so
    # every competence under it is reached by that course although it is not named.
    rows = records(run(loaded_store, "courses-for-competence", competence="comp-command-line"))
    assert any(not r["direct"].toPython() for r in rows)


def _expected_courses_for_role(data: Data, role, region=None) -> dict:
    essential = data.essential(role)
    out = {}
    for course in data.courses:
        if region is not None and not data.available_in(course, region):
            continue
        count = sum(data.covers_for_role(course, c) for c in essential)
        if count:
            out[course] = (count, data.illustrative(course))
    return out


def test_courses_for_role(loaded_store, data):
    regions = [None, gskd("region-11"), gskd("region-53"), gskd("region-94"), gskd("region-03")]
    for role in sorted(data.of_class(GSK.ProfessionalRole)):
        for region in regions:
            rows = records(run(loaded_store, "courses-for-role", role=str(role),
                               region=str(region) if region else None))
            got = {r["course"]: (int(r["covered_competences"]), r["illustrative"].toPython()) for r in rows}
            assert got == _expected_courses_for_role(data, role, region), (role, region)
            counts = [int(r["covered_competences"]) for r in rows]
            assert counts == sorted(counts, reverse=True), "most covering first"


def test_courses_for_role_by_hand(loaded_store, data):
    # courses-illustrative.ttl, gskd:course-illus-du-nursing-genomics-ujm: gsk:hasMode gsk:Online,
    # gsk:inRegion gskd:region-84, gsk:coversCompetence comp-informed-consent, comp-pretest-information,
    # comp-public-education (3 of role-social-worker's 7 essential competences in roles.ttl), and
    # comp-inheritance, comp-sample-management (not essential to it).
    rows = records(run(loaded_store, "courses-for-role", role="role-social-worker", region="region-53"))
    got = {local(r["course"]): int(r["covered_competences"]) for r in rows}
    assert got["course-illus-du-nursing-genomics-ujm"] == 3     # online: counted in Bretagne too
    # Every course listed is taught in Bretagne (region-53) or online.
    assert all(data.available_in(r["course"], gskd("region-53")) for r in rows)
    everywhere = {local(r["course"]) for r in records(run(loaded_store, "courses-for-role", role="role-social-worker"))}
    assert set(got) < everywhere


FACETS = [
    {},
    {"region": "region-84"},
    {"training_type": "type-master"},
    {"level": "7"},
    {"level": "+6"},
    {"level": "8"},
    {"level": "3"},
    {"mode": "gsk:Online"},
    {"region": "region-11", "mode": "gsk:Blended"},
    {"region": "region-84", "training_type": "type-master", "level": "7", "mode": "gsk:OnSite"},
    {"training_type": "type-du", "level": "7"},
    {"region": "region-53", "level": "6"},
]


@pytest.mark.parametrize("facets", FACETS, ids=lambda f: ",".join(f"{k}={v}" for k, v in f.items()) or "none")
def test_courses_search_facets(loaded_store, data, facets):
    rows = records(run(loaded_store, "courses-search-facets", **facets))
    expected = set()
    for course in data.courses:
        if "region" in facets and gskd(facets["region"]) not in data.regions_of(course):
            continue
        if "training_type" in facets and (course, GSK.hasTrainingType, gskd(facets["training_type"])) not in data.g:
            continue
        if "level" in facets and data.level(course) != int(facets["level"]):
            continue
        if "mode" in facets and (course, GSK.hasMode, GSK[facets["mode"].split(":")[1]]) not in data.g:
            continue
        expected.add(course)
    assert {r["course"] for r in rows} == expected
    assert len(rows) == len(expected), "one row per course"
    for r in rows:
        course = r["course"]
        assert (int(r["eqf_level"]) if r["eqf_level"] is not None else None) == data.level(course)
        regions = {str(data.label(x, "fr")) for x in data.regions_of(course)}
        # No region or mode: the GROUP_CONCAT column is unbound (Oxigraph) or "".
        assert set(filter(None, str(r["regions"] or "").split(", "))) == regions
        modes = {str(data.label(m, "fr")) for m in data.g.objects(course, GSK.hasMode)}
        assert set(filter(None, str(r["modes"] or "").split(", "))) == modes
        assert r["illustrative"].toPython() is data.illustrative(course)
    if not facets:
        assert len(rows) == len(data.courses) == 139


def test_courses_search_facets_by_hand(loaded_store):
    # grep 'type-doctorat' data/catalogue/courses-*.ttl: two courses.
    rows = records(run(loaded_store, "courses-search-facets", training_type="type-doctorat"))
    assert {local(r["course"]) for r in rows} == {"course-amu-doctorat-conseil-genetique",
                                                   "course-illus-doctorat-genomic-medicine-paris-saclay"}
    # grep -c 'gsk:hasMode gsk:Online' data/catalogue/*.ttl: 15 lines, 15 courses.
    assert len(run(loaded_store, "courses-search-facets", mode="gsk:Online").rows) == 15
    # No course is at EQF level 3 (training-types.ttl: levels 5 to 8 only).
    assert run(loaded_store, "courses-search-facets", level="3").rows == []


def test_step_coverage(loaded_store, data):
    rows = records(run(loaded_store, "step-coverage"))
    steps = sorted(data.of_class(GSK.CarePathwayStep), key=lambda s: int(data.g.value(s, GSK.stepOrder)))
    assert [r["step"] for r in rows] == steps
    for r in rows:
        step = r["step"]
        competences = {c for c in data.of_class(GSK.Competence)
                       if (c, GSK.servesStep, step) in data.g or (step, GSK.isServedBy, c) in data.g}
        covered = {c for c in competences if any(data.covers(k, c) for k in data.courses)}
        courses = {k for k in data.courses if any(data.covers(k, c) for c in competences)
                   or (k, GSK.coversStep, step) in data.g}
        assert (int(r["competences"]), int(r["covered_competences"]), int(r["courses"])) == (
            len(competences), len(covered), len(courses)), step
    # By hand: competences.ttl has two competences whose gsk:servesStep lists gskd:step-report
    # (the two other mentions are the domains' lists, and domains are not competences).
    report = next(r for r in rows if local(r["step"]) == "step-report")
    assert int(report["competences"]) == 2


def _expected_gaps(data: Data, role, region) -> set:
    available = [c for c in data.courses if data.available_in(c, region)]
    return {c for c in data.essential(role) if not any(data.covers(k, c) for k in available)}


def test_role_gaps_in_region(loaded_store, data):
    # Small and large regions (the 432 pairs take ~10 s; these 7 regions give the same cases).
    regions = [gskd(f"region-{code}") for code in ("01", "03", "11", "53", "76", "84", "94")]
    nonempty = 0
    for role in sorted(data.of_class(GSK.ProfessionalRole)):
        for region in regions:
            rows = records(run(loaded_store, "role-gaps-in-region", role=str(role), region=str(region)))
            expected = _expected_gaps(data, role, region)
            assert {r["competence"] for r in rows} == expected, (role, region)
            assert len(rows) == len(expected)
            assert all(r["domain"] == data.domain(r["competence"]) for r in rows)
            nonempty += bool(expected)
    assert nonempty > 0, "the check is not vacuous"


def test_role_gaps_in_region_by_hand(loaded_store):
    # roles.ttl: role-social-worker has 7 essential competences. comp-genetic-counselling
    # (competences.ttl, under dom-patient-communication) is covered by 8 courses (see
    # test_courses_for_competence_by_hand), none of them in Bretagne (gsk:inRegion gskd:region-53)
    # nor online (gsk:hasMode gsk:Online); no course covers dom-patient-communication.
    rows = records(run(loaded_store, "role-gaps-in-region", role="role-social-worker", region="region-53"))
    assert [local(r["competence"]) for r in rows] == ["comp-genetic-counselling"]
    # In Provence-Alpes-Côte d'Azur (region-93) the AMU master covers it: no gap left there.
    rows = run(loaded_store, "role-gaps-in-region", role="role-social-worker", region="region-93").rows
    assert rows == []


@pytest.mark.parametrize("text", ["hybride", "HYBRIDE", "Corse", "génétique", "GÉNÉTIQUE", "parcours", "'",
                                  "zzz-nothing"])
@pytest.mark.parametrize("lang", [None, "fr", "en"])
def test_search_labels(loaded_store, data, text, lang):
    result = run(loaded_store, "search-labels", text=text, lang=lang)
    got = {(r["resource"], r["class"], r["label"], str(r["language"])) for r in records(result)}
    assert got == data.search(text, lang)
    assert len(result.rows) == len(got)


def test_search_labels_by_hand(loaded_store):
    # ontology/genskills.ttl: gsk:Blended rdfs:label "Hybride"@fr; nothing else says "hybride".
    for text in ("hybride", "HyBrIdE"):
        rows = run(loaded_store, "search-labels", text=text).rows
        assert rows == [(GSK.Blended, GSK.CourseMode, Literal("Hybride", lang="fr"), Literal("fr"))]
    assert run(loaded_store, "search-labels", text="hybride", lang="en").rows == []


# ---------------------------------------------------------------------------------
# (c) Errors


REQUIRED = [(name, p.name) for name, q in sorted(QUERIES.items()) for p in q.params if p.required]
IRI_PARAMS = [(name, p.name) for name, q in sorted(QUERIES.items()) for p in q.params if p.kind == "iri"]
LANGUAGE_PARAMS = [(name, p.name) for name, q in sorted(QUERIES.items()) for p in q.params if p.kind == "language"]
#: A resource of each class, to give to a parameter of another class.
OTHER_CLASS = {GSK.ProfessionalRole: "gskd:region-84", GSK.Region: "gskd:role-nurse",
               GSK.Competence: "gskd:dom-genetics", GSK.CarePathwayStep: "gskd:comp-inheritance",
               GSK.TrainingType: "gskd:course-amu-master-conseil-genetique", GSK.CourseMode: "gsk:Verified",
               OWL.Class: "gskd:role-nurse"}


def _args_with(name: str, param: str, value: str) -> dict:
    args = dict(EXAMPLES[name])
    args[param] = value
    return args


@pytest.mark.parametrize("name,param", REQUIRED, ids=lambda x: x)
def test_missing_required_parameter(loaded_store, name, param):
    args = {k: v for k, v in EXAMPLES[name].items() if k != param}
    with pytest.raises(QueryError, match=rf"missing required parameter '{param}'"):
        run_canned(loaded_store, QUERIES[name], args)
    with pytest.raises(QueryError, match=rf"'{param}'"):
        run_canned(loaded_store, QUERIES[name], {**args, param: ""})


@pytest.mark.parametrize("name", sorted(SIGNATURES))
def test_unknown_parameter(loaded_store, name):
    with pytest.raises(QueryError, match=r"unknown parameter\(s\) rol;"):
        run_canned(loaded_store, QUERIES[name], {**EXAMPLES[name], "rol": "role-nurse"})


@pytest.mark.parametrize("value", ["seven", "7.5", "1e3", "7 8", "VII", "0x07", "7;", "1" * 19, "\n"])
def test_ill_typed_integer(loaded_store, value):
    with pytest.raises(QueryError, match="'level'.*integer"):
        run(loaded_store, "courses-search-facets", level=value)


@pytest.mark.parametrize("value", ["français", "f r", "e", "en-", "fr;", "\n"])
@pytest.mark.parametrize("name,param", LANGUAGE_PARAMS, ids=lambda x: x)
def test_ill_typed_language(loaded_store, name, param, value):
    with pytest.raises(QueryError, match=f"'{param}'"):
        run_canned(loaded_store, QUERIES[name], _args_with(name, param, value))


@pytest.mark.parametrize("name,param", IRI_PARAMS, ids=lambda x: x)
def test_iri_naming_nothing_of_its_class(loaded_store, name, param):
    query = QUERIES[name]
    cls = URIRef(query.param(param).cls)
    for value in ("gskd:no-such-thing", "no-such-thing", "https://example.org/x", OTHER_CLASS[cls]):
        with pytest.raises(NotFoundError, match=f"'{param}'") as caught:
            run_canned(loaded_store, query, _args_with(name, param, value))
        assert local(cls) in str(caught.value), "the message names the class"


@pytest.mark.parametrize("value", ["gskd:role-nurse", "role-nurse", str(GSKD["role-nurse"]), " role-nurse "])
def test_iri_forms_accepted(loaded_store, value):
    expected = run(loaded_store, "competences-of-role", role="gskd:role-nurse").rows
    assert run(loaded_store, "competences-of-role", role=value).rows == expected


# ---------------------------------------------------------------------------------
# (d) Injection: no value changes the query


PAYLOADS = ['"', "'", "}", "#", "\n", "> . ?s ?p ?o", '" } ; DROP ALL ; #', 'x" || true || "',
            "<https://example.org/x>", ") } SELECT * WHERE { ?s ?p ?o } #", "\\", '\\" } #',
            "\\u0022 } ; DROP ALL ; #", "?s", "x\r\ny", "x\x00y"]


def _shape(text: str, term):
    """The algebra of a query, with every occurrence of the bound ``term`` replaced by a marker.

    Two bindings give the same shape exactly when the value went in as that one term, at
    the parameter's places, and changed nothing else.
    """
    def norm(node):
        if isinstance(node, (URIRef, Literal)) and type(node) is type(term) and node == term:
            return "<PARAMETER>"
        if isinstance(node, CompValue):
            return (node.name, tuple((k, norm(v)) for k, v in node.items()))
        if isinstance(node, dict):
            return tuple(sorted((str(k), norm(v)) for k, v in node.items()))
        if isinstance(node, (set, frozenset)):
            return tuple(sorted(repr(norm(v)) for v in node))
        if isinstance(node, (list, tuple)):
            return tuple(norm(v) for v in node)
        return repr(node)
    return norm(prepareQuery(text).algebra)


@pytest.mark.parametrize("name,param", IRI_PARAMS, ids=lambda x: x)
def test_iri_parameter_injection(loaded_store, name, param):
    query = QUERIES[name]
    normal_text, normal_terms = query.bind(EXAMPLES[name] if query.param(param).required
                                           else _args_with(name, param, OPTIONAL_EXAMPLES[param]))
    for payload in PAYLOADS:
        args = _args_with(name, param, payload)
        with pytest.raises((QueryError, NotFoundError)) as caught:
            run_canned(loaded_store, query, args)
        if isinstance(caught.value, NotFoundError):
            # The payload made a legal IRI (gskd:' , gskd:# ...): bound as one IRI term, the
            # query is unchanged, and it names nothing.
            text, terms = query.bind(args)
            assert isinstance(terms[param], URIRef)
            assert _shape(text, terms[param]) == _shape(normal_text, normal_terms[param]), repr(payload)
            assert "<PARAMETER>" in repr(_shape(text, terms[param]))
        else:
            assert f"'{param}'" in str(caught.value), repr(payload)


@pytest.mark.parametrize("name,param", LANGUAGE_PARAMS, ids=lambda x: x)
def test_language_parameter_injection(loaded_store, name, param):
    for payload in PAYLOADS:
        with pytest.raises(QueryError, match=f"'{param}'"):
            run_canned(loaded_store, QUERIES[name], _args_with(name, param, payload))


def test_integer_parameter_injection(loaded_store):
    for payload in PAYLOADS + ["7 } ; DROP ALL ; #", "7#", "7\n"]:
        if payload.strip() == "7":
            continue
        with pytest.raises(QueryError, match="'level'"):
            run(loaded_store, "courses-search-facets", level=payload)


@pytest.mark.parametrize("payload", PAYLOADS, ids=repr)
def test_string_parameter_injection(loaded_store, data, payload):
    query = QUERIES["search-labels"]
    normal = run_canned(loaded_store, query, {"text": "génétique"})
    before = loaded_store.count()
    result = run_canned(loaded_store, query, {"text": payload})
    assert loaded_store.count() == before
    assert result.variables == normal.variables
    got = {(r["resource"], r["class"], r["label"], str(r["language"])) for r in records(result)}
    # Bound as a literal: it matches exactly the labels that contain it as text.
    assert got == data.search(payload)
    if payload != "'":                  # apostrophes are common in French labels
        assert result.rows == []
    text, _ = query.bind({"text": payload})
    if "\\u" not in payload:            # rdflib's parser decodes \u escapes before tokenising
        assert _shape(text, Literal(payload)) == _shape(query.bind({"text": "génétique"})[0], Literal("génétique"))
