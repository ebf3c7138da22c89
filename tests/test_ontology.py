"""The ontology: OWL 2 DL content, bilingual annotations, consistency under HermiT."""

from __future__ import annotations

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from conftest import ROOT
from genskills.loading import shipped_data
from genskills.namespaces import GSK, ONTOLOGY_IRI, SCHEMA
from genskills.ontology import reason
from genskills.rdfio import parse_file, union

REQUIRED_CLASSES = ["CarePathwayStep", "Competence", "CompetenceDomain", "ProfessionalRole",
                    "Course", "TrainingType", "Institution", "Region"]
REQUIRED_PROPERTIES = [
    "hasEssentialCompetence", "hasOptionalCompetence", "actsInStep", "servesStep", "stepOrder",
    "nextStep", "coversCompetence", "targetsRole", "hasTrainingType", "offeredBy", "inRegion",
    "eqfLevel", "frenchLevel", "ects", "durationHours", "teachingLanguage", "hasMode", "webPage",
]
INVERSES = [("hasEssentialCompetence", "isEssentialCompetenceOf"),
            ("hasOptionalCompetence", "isOptionalCompetenceOf"), ("actsInStep", "hasActor"),
            ("servesStep", "isServedBy"), ("nextStep", "previousStep"),
            ("coversCompetence", "isCoveredBy"), ("targetsRole", "isTargetedBy"),
            ("offeredBy", "offers")]


@pytest.fixture(scope="module")
def ontology():
    return parse_file(ROOT / "ontology" / "genskills.ttl")


def declared_terms(graph):
    """Every class, property and individual the ontology declares, its own or external."""
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
             OWL.NamedIndividual)
    return sorted({s for k in kinds for s in graph.subjects(RDF.type, k) if isinstance(s, URIRef)})


def test_header(ontology):
    onto = URIRef(ONTOLOGY_IRI)
    assert (onto, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(onto, OWL.versionIRI) is not None
    assert ontology.value(onto, OWL.versionInfo) is not None
    assert ontology.value(onto, DCTERMS.license) is not None
    for prop in (DCTERMS.title, DCTERMS.description):
        langs = {o.language for o in ontology.objects(onto, prop)}
        assert {"fr", "en"} <= langs, f"{prop} needs fr and en"


@pytest.mark.parametrize("name", REQUIRED_CLASSES)
def test_required_class(ontology, name):
    assert (GSK[name], RDF.type, OWL.Class) in ontology


@pytest.mark.parametrize("name", REQUIRED_PROPERTIES)
def test_required_property(ontology, name):
    kinds = {ontology.value(GSK[name], RDF.type)} | set(ontology.objects(GSK[name], RDF.type))
    assert kinds & {OWL.ObjectProperty, OWL.DatatypeProperty}, name


@pytest.mark.parametrize("prop,inverse", INVERSES)
def test_inverse_pairs(ontology, prop, inverse):
    assert (GSK[prop], OWL.inverseOf, GSK[inverse]) in ontology or \
           (GSK[inverse], OWL.inverseOf, GSK[prop]) in ontology


def test_alignments_to_skos_and_schema(ontology):
    assert (GSK.Competence, RDFS.subClassOf, SKOS.Concept) in ontology
    assert (GSK.Course, RDFS.subClassOf, SCHEMA.Course) in ontology


def test_every_term_has_one_label_and_definition_per_language(ontology):
    terms = declared_terms(ontology)
    assert len([t for t in terms if str(t).startswith(str(GSK))]) > 40
    assert URIRef("http://www.w3.org/2004/02/skos/core#broader") in terms
    problems = []
    for term in terms:
        for prop in (RDFS.label, SKOS.definition):
            values = [o for o in ontology.objects(term, prop) if isinstance(o, Literal)]
            for lang in ("fr", "en"):
                count = sum(1 for v in values if v.language == lang)
                if count != 1:
                    problems.append(f"{term} has {count} {prop.n3()}@{lang}")
    assert not problems, "\n".join(problems)


def test_consistent_under_hermit(ontology):
    summary = reason(ontology)
    assert summary.consistent
    assert summary.unsatisfiable_classes == []


def test_ontology_with_all_shipped_data_is_consistent_under_hermit():
    data = union(p.graph for p in shipped_data(ROOT))
    summary = reason(data)
    assert summary.consistent
    # Proof that the reasoner saw the data, not only the ontology: owlready2 read every
    # triple but a few it keeps apart (the ontology header), and HermiT classified
    # individuals through the domains and ranges.
    assert summary.asserted_triples >= len(data) - 10
    assert summary.inferred_types > 0


def test_an_inconsistency_is_detected():
    """A control: the reasoner does fail when the data contradicts the ontology."""
    from genskills import ReasoningError

    broken = parse_file(ROOT / "ontology" / "genskills.ttl")
    thing = URIRef("https://w3id.org/genskills/id/both")
    broken.add((thing, RDF.type, GSK.Course))
    broken.add((thing, RDF.type, GSK.Region))   # Course and Region are disjoint
    with pytest.raises(ReasoningError, match="inconsistent"):
        reason(broken)
