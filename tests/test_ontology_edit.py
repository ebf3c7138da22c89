"""Editing the ontology and the reference vocabulary: each edit checked by the shapes and HermiT,
written in the canonical layout, and refused without writing anything when a check fails.

Every edit runs on a copy of ontology/, shapes/ and data/ in tmp_path, never on the repository.
"""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import owlready2
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from conftest import ROOT
from genskills.ontology_editing import (add_class, add_competence, add_course_step_property, add_role, add_step, deprecate,
                               relabel, resolve_term, usages)
from genskills.errors import InconsistencyError, InputError, NotFoundError, ProblemsError, ValidationError
from genskills.loading import shipped_shapes, validate_files
from genskills.namespaces import GSK, GSKD, GSKSH, SH
from genskills.rdfio import parse_file, union
from genskills.turtle_writer import canonical_text, lexical_forms_kept

COMPETENCES = "data/reference/competences.ttl"
ONTOLOGY = "ontology/genskills.ttl"


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of the project's files (benchmark catalogues of data/synthetic left out)."""
    root = tmp_path / "project"
    for folder in ("ontology", "shapes", "data"):
        shutil.copytree(ROOT / folder, root / folder, ignore=shutil.ignore_patterns("synthetic"))
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def changed_files(before: dict[str, bytes], root: Path) -> list[str]:
    after = snapshot(root)
    return sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))


def diff_lines(before: bytes, after: bytes) -> tuple[list[str], list[str]]:
    """The lines removed and the lines added."""
    diff = list(difflib.unified_diff(before.decode().splitlines(), after.decode().splitlines(), lineterm="", n=0))
    removed = [d[1:] for d in diff if d.startswith("-") and not d.startswith("---")]
    added = [d[1:] for d in diff if d.startswith("+") and not d.startswith("+++")]
    return removed, added


def graph_of(root: Path, relative: str) -> Graph:
    with lexical_forms_kept():
        return parse_file(root / relative)


def ground(graph: Graph) -> set:
    """The triples without blank nodes (those get new names at each parse)."""
    return {t for t in graph if not any(isinstance(term, BNode) for term in t)}


def everything(root: Path) -> Graph:
    folders = ("ontology", "data/reference", "data/catalogue")
    return union(graph_of(root, p.relative_to(root).as_posix())
                 for folder in folders for p in sorted((root / folder).glob("*.ttl")))


# ---------------------------------------------------------------------------------
# Edits that pass


def test_relabel_changes_only_the_lines_of_that_statement(project):
    before = snapshot(project)
    term = GSKD["comp-inheritance"]
    result = relabel(project, "comp-inheritance", "en", "Human inheritance and family-tree analysis")
    assert result.changed == [COMPETENCES] == changed_files(before, project)
    removed, added = diff_lines(before[COMPETENCES], (project / COMPETENCES).read_bytes())
    # rdfs:label and skos:prefLabel (kept equal to the label) in English: one line each.
    assert len(removed) == len(added) == 2
    assert all("Human inheritance and pedigree analysis" in line for line in removed)
    assert all("Human inheritance and family-tree analysis" in line for line in added)
    graph = graph_of(project, COMPETENCES)
    assert set(graph.objects(term, RDFS.label)) == {
        Literal("Human inheritance and family-tree analysis", lang="en"),
        Literal("Hérédité humaine et analyse d'arbres généalogiques", lang="fr")}
    assert canonical_text(project / COMPETENCES).encode() == (project / COMPETENCES).read_bytes()
    assert set(result.seconds) == {"validate", "reason", "total"}
    assert result.report is not None and result.report.conforms


def test_add_competence_lands_in_its_sorted_place_and_passes_the_checks(project):
    before = snapshot(project)
    result = add_competence(
        project, "comp-long-read-assembly", "Assemblage de lectures longues", "Long-read assembly",
        "Assemble des génomes ou des régions difficiles à partir de lectures longues.",
        "Assembles genomes or hard regions from long reads.", "dom-sequencing",
        steps=["step-bioinformatics"], sources=["source-pfmg-training"])
    assert result.changed == [COMPETENCES] == changed_files(before, project)
    assert result.term == str(GSKD["comp-long-read-assembly"])
    text = (project / COMPETENCES).read_text(encoding="utf-8")
    subjects = [line.split()[0] for line in text.splitlines() if line.startswith("gskd:comp-")]
    index = subjects.index("gskd:comp-long-read-assembly")
    assert subjects[index - 1] == "gskd:comp-lims" and subjects[index + 1] == "gskd:comp-long-read-sequencing"
    removed, added = diff_lines(before[COMPETENCES], text.encode())
    # The new block (and the blank line after it) and the domain's new skos:narrower line;
    # a line changes only where a list gains an item at its end ("x ;" becomes "x,").
    assert len(removed) <= 2 and len(added) <= 20
    graph = graph_of(project, COMPETENCES)
    term = GSKD["comp-long-read-assembly"]
    for triple in [(term, RDF.type, GSK.Competence), (term, SKOS.broader, GSKD["dom-sequencing"]),
                   (GSKD["dom-sequencing"], SKOS.narrower, term), (term, SKOS.inScheme, GSKD["competence-framework"]),
                   (term, SKOS.prefLabel, Literal("Long-read assembly", lang="en")),
                   (term, GSK.servesStep, GSKD["step-bioinformatics"]), (term, GSK.curationStatus, GSK.Proposal),
                   (term, SKOS.notation, Literal("comp-long-read-assembly")),
                   (term, DCTERMS.source, GSKD["source-pfmg-training"])]:
        assert triple in graph, triple
    report = validate_files([], project, shipped_shapes(project))
    assert report.conforms, report.to_text()


def test_add_step_renumbers_the_steps_and_rebuilds_the_chain(project):
    result = add_step(project, "step-genetic-counselling", "Conseil génétique", "Genetic counselling",
                      "Un conseiller en génétique reçoit le patient avant le prélèvement.",
                      "A genetic counsellor sees the patient before the sample is taken.", order=3)
    assert result.changed == ["data/reference/care-pathway.ttl"]
    graph = graph_of(project, "data/reference/care-pathway.ttl")
    steps = sorted(graph.subjects(RDF.type, GSK.CarePathwayStep), key=lambda s: int(graph.value(s, GSK.stepOrder)))
    assert [int(graph.value(s, GSK.stepOrder)) for s in steps] == list(range(1, 13))
    assert steps[2] == GSKD["step-genetic-counselling"]
    assert steps[0] == GSKD["step-prescription"] and steps[-1] == GSKD["step-data-reanalysis"]
    for before, after in zip(steps, steps[1:]):
        assert list(graph.objects(before, GSK.nextStep)) == [after]
        assert list(graph.objects(after, GSK.previousStep)) == [before]
    assert graph.value(steps[-1], GSK.nextStep) is None


def test_add_role_links_competences_by_the_proposal_rules(project):
    add_role(project, "role-genomic-nurse", "Infirmier en génomique", "Genomic nurse",
             "Infirmier qui accompagne les patients du parcours génomique.",
             "Nurse who supports the patients of the genomic care pathway.",
             domains=["dom-patient-communication"], steps=["step-information-consent"])
    data = everything(project)
    role = GSKD["role-genomic-nurse"]
    essential = set(data.objects(role, GSK.hasEssentialCompetence))
    optional = set(data.objects(role, GSK.hasOptionalCompetence))
    competences = set(data.subjects(RDF.type, GSK.Competence))
    assert essential == {c for c in competences if data.value(c, SKOS.broader) == GSKD["dom-patient-communication"]}
    assert optional == {c for c in competences - essential
                        if (c, GSK.servesStep, GSKD["step-information-consent"]) in data}
    assert essential and optional


def test_add_class_is_a_satisfiable_sub_class(project):
    before = snapshot(project)
    add_class(project, "ContinuingEducationCourse", "Formation continue", "Continuing-education course",
              "Formation destinée aux professionnels en exercice.", "Course meant for practising professionals.",
              "Course")
    assert changed_files(before, project) == [ONTOLOGY]
    text = (project / ONTOLOGY).read_text(encoding="utf-8")
    classes = text[text.index("# Classes (gsk:)"):text.index("# External classes")]
    assert classes.index("gsk:CompetenceDomain a") < classes.index("gsk:ContinuingEducationCourse a") \
        < classes.index("gsk:Course a")
    assert (GSK.ContinuingEducationCourse, RDFS.subClassOf, GSK.Course) in graph_of(project, ONTOLOGY)


def test_deprecate_keeps_every_triple_and_reports_the_data_that_uses_the_term(project):
    old, new = GSKD["comp-long-read-sequencing"], GSKD["comp-short-read-sequencing"]
    before_graph = everything(project)
    courses = {s for s in before_graph.subjects(GSK.coversCompetence, old)}
    roles = {s for p in (GSK.hasEssentialCompetence, GSK.hasOptionalCompetence) for s in before_graph.subjects(p, old)}
    assert courses and roles
    result = deprecate(project, "gskd:comp-long-read-sequencing", "comp-short-read-sequencing",
                       "Fusionnée avec le séquençage de lectures courtes.", "Merged into short-read sequencing.")
    assert result.changed == [COMPETENCES]
    after_graph = everything(project)
    assert ground(before_graph) <= ground(after_graph), "deprecation removes nothing"
    assert len(after_graph) == len(before_graph) + 4
    assert ground(after_graph) - ground(before_graph) == {
        (old, OWL.deprecated, Literal(True)), (old, DCTERMS.isReplacedBy, new),
        (old, SKOS.changeNote, Literal("Fusionnée avec le séquençage de lectures courtes.", lang="fr")),
        (old, SKOS.changeNote, Literal("Merged into short-read sequencing.", lang="en"))}
    used_by = {(u.file, URIRef(u.subject), URIRef(u.property)) for u in result.usages}
    for course in courses:
        assert any(s == course and p == GSK.coversCompetence and f.startswith("data/catalogue/")
                   for f, s, p in used_by), course
    for role in roles:
        assert any(s == role and f == "data/reference/roles.ttl" for f, s, _ in used_by), role
    assert (COMPETENCES, GSKD["dom-sequencing"], SKOS.narrower) in used_by
    assert all(u.line for u in result.usages), "each usage points at the subject's block"
    assert result.usages == usages(project, old)
    # Once deprecated, the term is refused as a replacement or a link, and cannot be deprecated again.
    with pytest.raises(ProblemsError, match="already deprecated"):
        deprecate(project, "comp-long-read-sequencing", "comp-short-read-sequencing", "x", "x")
    with pytest.raises(ProblemsError, match="deprecated"):
        add_competence(project, "comp-nanopore", "Nanopore", "Nanopore", "d", "d", "comp-long-read-sequencing")


# ---------------------------------------------------------------------------------
# Edits that are refused: nothing written


BAD_EDITS = {
    "unknown broader": (add_competence, ("comp-new-thing", "Nouveau", "New", "déf", "def", "dom-no-such-domain"),
                        "dom-no-such-domain"),
    "duplicate id": (add_competence, ("comp-inheritance", "Hérédité", "Inheritance", "déf", "def", "dom-genetics"),
                     "already exists"),
    "missing French label": (add_competence, ("comp-new-thing", "  ", "New", "déf", "def", "dom-genetics"),
                             "French label is required"),
    "bad id": (add_competence, ("Comp_New", "Nouveau", "New", "déf", "def", "dom-genetics"), "not a valid id"),
    "wrong prefix": (add_role, ("comp-not-a-role", "Rôle", "Role", "déf", "def"), "starting with 'role-'"),
    "broader of another kind": (add_competence, ("comp-new-thing", "Nouveau", "New", "déf", "def", "step-sequencing"),
                                "not a known competence"),
    "step order out of range": (add_step, ("step-new", "Étape", "Step", "déf", "def", 13), "from 1 to 12"),
    "class id": (add_class, ("lower-case", "Classe", "Class", "déf", "def", "Course"), "UpperCamelCase"),
    "relabel language": (relabel, ("comp-inheritance", "de", "Vererbung"), "fr or en"),
    "replacement of another kind": (deprecate, ("comp-inheritance", "dom-genetics", "r", "r"), "same kind"),
    "replacement unknown": (deprecate, ("comp-inheritance", "comp-nowhere", "r", "r"), "declared nowhere"),
    "replacement missing reason": (deprecate, ("comp-inheritance", "comp-variant-types", "", "r"),
                                   "French reason is required"),
}


@pytest.mark.parametrize("name", sorted(BAD_EDITS))
def test_a_bad_edit_is_refused_and_writes_nothing(project, name):
    edit, arguments, message = BAD_EDITS[name]
    before = snapshot(project)
    with pytest.raises(InputError, match=message) as caught:
        edit(project, *arguments)
    assert isinstance(caught.value, ProblemsError) and caught.value.problems
    assert all(set(p.message) == {"en", "fr"} for p in caught.value.problems)
    assert changed_files(before, project) == []


def test_every_problem_is_reported_at_once(project):
    with pytest.raises(ProblemsError) as caught:
        add_competence(project, "comp-inheritance", "", "", "", "", "dom-nowhere", steps=["step-nowhere"])
    fields = sorted(p.field for p in caught.value.problems)
    assert fields == ["broader", "definition_en", "definition_fr", "id", "label_en", "label_fr", "steps"]


def test_an_unknown_term_is_not_found(project):
    before = snapshot(project)
    with pytest.raises(NotFoundError):
        relabel(project, "comp-nowhere", "fr", "Nulle part")
    with pytest.raises(NotFoundError):
        deprecate(project, "comp-nowhere", "comp-inheritance", "r", "r")
    assert changed_files(before, project) == []


def test_a_class_disjoint_with_its_parent_is_refused_by_hermit(project):
    before = snapshot(project)
    with pytest.raises(InconsistencyError, match="ImpossibleCourse"):
        add_class(project, "ImpossibleCourse", "Formation impossible", "Impossible course", "déf", "def",
                  "Course", disjoint_with=["Course"])
    assert changed_files(before, project) == []


def test_an_edit_that_leaves_the_project_breaking_a_shape_is_refused(project):
    """The shapes run over the whole project: a broken link anywhere stops the edit, and the
    report names the file and line in the project (not in the scratch copy)."""
    courses = project / "data/catalogue/courses-real.ttl"
    courses.write_text(courses.read_text(encoding="utf-8").replace(
        "gsk:coversCompetence gskd:comp-genetic-counselling", "gsk:coversCompetence gskd:comp-nowhere", 1),
        encoding="utf-8")
    before = snapshot(project)
    with pytest.raises(ValidationError, match="nothing was\\s+written") as caught:
        relabel(project, "comp-inheritance", "en", "Inheritance")
    assert changed_files(before, project) == []
    broken = [r for r in caught.value.report.violations if r.value == str(GSKD["comp-nowhere"])]
    assert broken and broken[0].file == "data/catalogue/courses-real.ttl" and broken[0].line


# ---------------------------------------------------------------------------------
# The model as shipped


def test_covers_step_is_declared_shaped_and_added_once(project):
    onto = graph_of(project, ONTOLOGY)
    covers = GSK.coversStep
    assert (covers, RDF.type, OWL.ObjectProperty) in onto
    assert (covers, RDFS.domain, GSK.Course) in onto and (covers, RDFS.range, GSK.CarePathwayStep) in onto
    assert (covers, OWL.inverseOf, GSK.isCoveredByCourse) in onto
    assert (covers, RDFS.label, Literal("covers care-pathway step", lang="en")) in onto
    assert (covers, RDFS.label, Literal("couvre l'étape du parcours de soins", lang="fr")) in onto
    shapes = graph_of(project, "shapes/genskills-shapes.ttl")
    shape = GSKSH["Course-coversStep"]
    assert (GSKSH.Course, SH.property, shape) in shapes
    assert (shape, SH.path, covers) in shapes and (shape, SH["class"], GSK.CarePathwayStep) in shapes
    assert (shape, SH.nodeKind, SH.IRI) in shapes
    before = snapshot(project)
    assert add_course_step_property(project).changed == []
    assert changed_files(before, project) == []


@pytest.mark.parametrize("value,conforms", [("gskd:step-sequencing", True), ("gskd:step-nowhere", False),
                                            ('"step-sequencing"', False)])
def test_the_covers_step_shape(project, value, conforms):
    course = project / "data/catalogue/courses-real.ttl"
    text = course.read_text(encoding="utf-8")
    course.write_text(text.replace("    gsk:coverageStatus gsk:Proposal ;",
                                   f"    gsk:coverageStatus gsk:Proposal ;\n    gsk:coversStep {value} ;", 1),
                      encoding="utf-8")
    report = validate_files([], project, shipped_shapes(project))
    assert report.conforms == conforms, report.to_text()
    if not conforms:
        assert {r.shape for r in report.violations} == {str(GSKSH["Course-coversStep"])}


def test_a_gap_in_the_step_orders_is_a_violation(project):
    steps = project / "data/reference/care-pathway.ttl"
    text = steps.read_text(encoding="utf-8")
    assert text.count("gsk:stepOrder 11 ;") == 1
    steps.write_text(text.replace("gsk:stepOrder 11 ;", "gsk:stepOrder 13 ;"), encoding="utf-8")
    report = validate_files([], project, shipped_shapes(project))
    shapes = {r.shape for r in report.violations}
    assert str(GSKSH.CarePathwayStep) in shapes
    assert any(r.focus == str(GSKD["step-data-reanalysis"]) and "no gap" in r.message("en") for r in report.violations)


def test_the_ontology_loads_in_owlready2_as_rdf_xml_and_n_triples(tmp_path):
    graph = parse_file(ROOT / ONTOLOGY)
    for fmt, name in (("xml", "genskills.owl"), ("nt", "genskills.nt")):
        path = tmp_path / name
        graph.serialize(destination=str(path), format=fmt, encoding="utf-8")
        world = owlready2.World()
        onto = world.get_ontology(path.as_uri()).load()
        classes = {c.iri for c in onto.classes()}
        assert {str(GSK.Course), str(GSK.Competence), str(GSK.CarePathwayStep)} <= classes
        assert str(GSK.coversStep) in {p.iri for p in onto.object_properties()}
        assert world[str(GSK.coversStep)].inverse_property.iri == str(GSK.isCoveredByCourse)
        world.close()


def test_the_ontology_declares_only_owl2_dl_terms():
    """No punning of classes and properties, no property of two kinds, every property used in
    the project declared: what Protégé and the OWL API need to open the files as OWL 2 DL."""
    onto = parse_file(ROOT / ONTOLOGY)
    kinds = {k: set(onto.subjects(RDF.type, k)) for k in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty,
                                                        OWL.AnnotationProperty)}
    properties = kinds[OWL.ObjectProperty] | kinds[OWL.DatatypeProperty] | kinds[OWL.AnnotationProperty]
    assert not kinds[OWL.Class] & properties
    assert not kinds[OWL.ObjectProperty] & kinds[OWL.DatatypeProperty]
    assert not (kinds[OWL.ObjectProperty] | kinds[OWL.DatatypeProperty]) & kinds[OWL.AnnotationProperty]
    builtin = (str(RDF), str(RDFS), str(OWL))
    used = {p for p in everything(ROOT).predicates() if not str(p).startswith(builtin)}
    assert used <= properties, sorted(used - properties)
    for term in (DCTERMS.isReplacedBy, SKOS.changeNote):
        assert term in kinds[OWL.AnnotationProperty]


def test_names_people_type_resolve_to_iris():
    assert resolve_term("gskd:comp-x") == GSKD["comp-x"]
    assert resolve_term("coversStep") == GSK.coversStep
    assert resolve_term("https://schema.org/Course") == URIRef("https://schema.org/Course")
    assert resolve_term("<https://w3id.org/genskills/id/a>") == GSKD["a"]
