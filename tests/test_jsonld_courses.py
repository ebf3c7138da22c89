"""schema.org / Bioschemas Course JSON-LD: mapped as documented, EDAM through the alignments,
every problem placed by its JSON path, no network."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from conftest import ROOT
from genskills.errors import InputError, ProblemsError
from genskills.jsonld_courses import read_course_jsonld
from genskills.loading import shipped_data, shipped_shapes, validate_files
from genskills.namespaces import GSK, GSKD
from genskills.rdfio import union
from genskills.vocabulary import Vocabulary

EXAMPLE = ROOT / "data" / "import" / "courses-example.jsonld"
BAD = ROOT / "tests" / "data" / "import" / "bad-courses.jsonld"
EDAM = "http://edamontology.org/"

#: A small real-looking course of TeSS: a source URL, so a real course.
COURSE = {
    "@context": "https://schema.org/",
    "@type": "Course",
    "@id": "https://tess.example.org/events/genomic-variant-interpretation",
    "url": "https://www.example.org/formations/variants",
    "name": "Interprétation des variants en génomique",
    "description": "Formation courte sur l'interprétation des variants.",
    "inLanguage": "fr",
    "provider": {"@type": "Organization", "name": "Université de Lille"},
    "educationalCredentialAwarded": "DPC",
    "teaches": "Classement clinique des variants",
    "hasCourseInstance": [{"@type": "CourseInstance", "courseMode": "onsite", "startDate": "2026-03-02",
                           "location": {"@type": "Place", "address": {
                               "@type": "PostalAddress", "addressLocality": "Lille",
                               "addressRegion": "Hauts-de-France", "addressCountry": "France"}}}],
}


@pytest.fixture(scope="module")
def vocabulary() -> Vocabulary:
    return Vocabulary.from_graph(union(p.graph for p in shipped_data(ROOT)))


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return shipped_shapes(ROOT)


def write(data, tmp_path: Path, name: str = "courses.jsonld") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def read(data, tmp_path: Path, vocabulary: Vocabulary, **options):
    return read_course_jsonld(write(data, tmp_path), vocabulary, **options)


def problems(data, tmp_path: Path, vocabulary: Vocabulary, **options) -> list[tuple[str, str | None, str]]:
    with pytest.raises(ProblemsError) as caught:
        read(data, tmp_path, vocabulary, **options)
    for problem in caught.value.problems:
        assert problem.message["en"] and problem.message["fr"] and problem.message["en"] != problem.message["fr"]
    return [(p.location, p.field, p.message["en"]) for p in caught.value.problems]


def course_of(graph: Graph) -> URIRef:
    (course,) = graph.subjects(RDF.type, GSK.Course)
    return course


def validated(graph: Graph, tmp_path: Path, shapes: Graph):
    path = tmp_path / "imported.ttl"
    path.write_text(graph.serialize(format="turtle"), encoding="utf-8")
    return validate_files([path], ROOT, shapes)


def test_the_example_parses_and_conforms_without_a_warning(vocabulary, shapes, tmp_path):
    parsed = read_course_jsonld(EXAMPLE, vocabulary)
    graph = parsed.graph
    assert sorted(parsed.locations.values()) == ["$['@graph'][0]", "$['@graph'][1]"]
    report = validated(graph, tmp_path, shapes)
    assert report.conforms and not report.results, report.to_text()
    montpellier, grenoble = sorted(graph.subjects(RDF.type, GSK.Course))
    assert set(graph.objects(montpellier, GSK.coversCompetence)) == {GSKD["comp-pharmacogenomics"],
                                                                     GSKD["comp-variant-types"]}
    # topic_3474: closeMatch of comp-machine-learning, broadMatch of comp-deep-learning (left out);
    # topic_3574: narrowMatch of dom-genetics.
    assert set(graph.objects(grenoble, GSK.coversCompetence)) == {
        GSKD["dom-bioinformatics"], GSKD["dom-genetics"], GSKD["comp-machine-learning"]}
    assert graph.value(montpellier, GSK.hasMode) == GSK.Blended
    assert graph.value(grenoble, GSK.hasMode) == GSK.Online
    assert graph.value(montpellier, GSK.inRegion) == GSKD["region-76"]
    assert graph.value(grenoble, GSK.inRegion) == GSKD["region-84"]    # no place: its institution's region
    assert graph.value(montpellier, GSK.durationHours) == Literal(40)
    assert graph.value(montpellier, GSK.hasTrainingType) == GSKD["type-du"]
    assert graph.value(grenoble, GSK.hasTrainingType) == GSKD["type-dpc"]
    assert set(graph.objects(montpellier, GSK.targetsRole)) == {GSKD["role-prescribing-specialist"],
                                                                GSKD["role-oncologist"]}
    assert set(graph.objects(montpellier, GSK.audienceText)) == {Literal("Pharmaciens hospitaliers", lang="fr")}
    assert Literal("pharmacogénomique", lang="fr") in set(graph.objects(montpellier, GSK.topicText))
    for course in (montpellier, grenoble):
        assert graph.value(course, GSK.illustrative) == Literal(True)
        assert graph.value(course, GSK.webPage) is None and graph.value(course, DCTERMS.source) is None
        assert graph.value(course, URIRef("https://schema.org/startDate")) is None   # dates are left out


def test_an_independent_json_ld_processor_reads_the_same_courses(vocabulary):
    """PyLD, with the schema.org context served locally, finds the same courses and names."""
    from pyld import jsonld

    def local_loader(url, options=None):
        assert "schema.org" in url, f"the example must not need {url}"
        return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url,
                "document": {"@context": {"@vocab": "https://schema.org/"}}}

    expanded = jsonld.expand(json.loads(EXAMPLE.read_text(encoding="utf-8")), {"documentLoader": local_loader})
    names = {value["@value"] for node in expanded if "https://schema.org/Course" in node["@type"]
             for value in node["https://schema.org/name"]}
    graph = read_course_jsonld(EXAMPLE, vocabulary).graph
    labels = {str(label).removesuffix(" [illustrative]") for label in graph.objects(None, RDFS.label)}
    assert names == labels


@pytest.mark.parametrize("shape", ["single", "list", "graph", "full-iris", "http-schema"])
def test_one_course_a_list_a_graph_and_any_key_form_give_the_same_graph(vocabulary, tmp_path, shape):
    expected = read(COURSE, tmp_path, vocabulary).graph
    course = {k: v for k, v in COURSE.items() if k != "@context"}
    data = {
        "single": COURSE,
        "list": [COURSE],
        "graph": {"@context": "https://schema.org/", "@graph": [course, {"@id": "_:x", "@type": "Organization"}]},
        "full-iris": {("@type" if k == "@type" else k if k.startswith("@") else f"https://schema.org/{k}"): v
                      for k, v in course.items()},
        "http-schema": {"@context": "http://schema.org", **{k if k.startswith("@") else f"schema:{k}": v
                                                          for k, v in course.items()}},
    }[shape]
    assert set(read(data, tmp_path, vocabulary).graph) == set(expected)


def test_a_real_course_keeps_its_source_page_and_conforms(vocabulary, shapes, tmp_path):
    graph = read(COURSE, tmp_path, vocabulary).graph
    course = course_of(graph)
    assert graph.value(course, DCTERMS.source) == URIRef(COURSE["@id"])
    assert graph.value(course, GSK.webPage) == Literal(COURSE["url"], datatype=XSD.anyURI)
    assert graph.value(course, GSK.illustrative) == Literal(False)
    assert graph.value(course, GSK.curationStatus) == GSK.Proposal
    assert graph.value(course, GSK.coversCompetence) == GSKD["comp-variant-classification"]   # a label
    assert graph.value(course, GSK.city) == Literal("Lille")
    assert graph.value(course, GSK.inRegion) == GSKD["region-32"]
    labels = {label.language: str(label) for label in graph.objects(course, RDFS.label)}
    assert labels == {"fr": COURSE["name"], "en": COURSE["name"]}   # inLanguage fr; en repeats it, with a note
    assert any("not a translation" in str(n) for n in graph.objects(course, SKOS.editorialNote))
    report = validated(graph, tmp_path, shapes)
    assert report.conforms, report.to_text()


def test_reparsing_gives_the_same_iris(vocabulary, tmp_path):
    first = read_course_jsonld(EXAMPLE, vocabulary)
    again = read_course_jsonld(EXAMPLE, vocabulary)
    assert set(first.graph) == set(again.graph)
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data["@graph"].reverse()
    assert set(read(data, tmp_path, vocabulary).graph) == set(first.graph)


@pytest.mark.parametrize("reference", [
    "http://edamontology.org/topic_0091", "https://edamontology.org/topic_0091", {"@id": "EDAM:topic_0091"},
    {"@type": "DefinedTerm", "termCode": "topic_0091", "name": "Bioinformatics"},
    {"@type": "DefinedTerm", "url": "http://edamontology.org/topic_0091"},
])
def test_edam_terms_map_to_competences_through_the_alignments(vocabulary, tmp_path, reference):
    data = COURSE | {"teaches": [], "about": reference}
    graph = read(data, tmp_path, vocabulary).graph
    assert set(graph.objects(course_of(graph), GSK.coversCompetence)) == {GSKD["dom-bioinformatics"]}


@pytest.mark.parametrize("reference", [{"@id": EDAM + "topic_0080"}, EDAM + "topic_0080"])
def test_an_edam_term_without_an_accepted_alignment_is_kept_as_a_topic(vocabulary, tmp_path, reference):
    # topic_0080 (Sequence analysis): only a broadMatch of comp-alignment-variant-calling.
    graph = read(COURSE | {"teaches": [], "about": reference}, tmp_path, vocabulary).graph
    course = course_of(graph)
    assert graph.value(course, GSK.coversCompetence) is None
    assert set(graph.objects(course, GSK.topicText)) == {Literal("Sequence analysis", lang="en")}


@pytest.mark.parametrize("mode, expected", [
    ("online", GSK.Online), ("onsite", GSK.OnSite), ("blended", GSK.Blended),
    ("https://schema.org/OnlineEventAttendanceMode", GSK.Online),
    ("http://schema.org/OfflineEventAttendanceMode", GSK.OnSite),
    ("schema:MixedEventAttendanceMode", GSK.Blended), ("Présentiel", GSK.OnSite), ("gsk:Online", GSK.Online),
    ("full-time", None),
])
def test_course_modes_of_schema_org_and_tess(vocabulary, tmp_path, mode, expected):
    data = copy.deepcopy(COURSE)
    data["hasCourseInstance"][0]["courseMode"] = mode
    graph = read(data, tmp_path, vocabulary).graph
    assert graph.value(course_of(graph), GSK.hasMode) == expected


def test_every_problem_is_placed_by_its_json_path(vocabulary):
    with pytest.raises(ProblemsError) as caught:
        read_course_jsonld(BAD, vocabulary)
    found = [(p.location, p.field) for p in caught.value.problems]
    assert found == [
        ("$[1]", "inLanguage"), ("$[1]", "name"), ("$[1]", "url"),
        ("$[2]", "hasCourseInstance[0].location.address.addressRegion"), ("$[2]", "provider"),
        ("$[2]", "educationalCredentialAwarded"), ("$[2]", "hasCourseInstance[0].courseMode"),
        ("$[2]", "numberOfCredits"), ("$[2]", "timeRequired"),
        ("$[2]", "https://w3id.org/genskills/ontology#illustrative"),
        ("$[3]", "hasCourseInstance.courseMode[2]"), ("$[3]", "url"),
        ("$[4]", "@id"),
    ]
    messages = {(p.location, p.field): p.message for p in caught.value.problems}
    region = messages["$[2]", "hasCourseInstance[0].location.address.addressRegion"]
    assert "region-84 (Auvergne-Rhône-Alpes)" in region["en"]
    assert "same course as $[0]" in messages["$[4]", "@id"]["en"]
    assert "a real course needs the address of its source" in messages["$[3]", "url"]["en"]
    assert "« webinaire »" in messages["$[2]", "hasCourseInstance[0].courseMode"]["fr"]


def test_bad_json_gives_its_line_and_column(vocabulary, tmp_path):
    path = tmp_path / "broken.jsonld"
    path.write_text('{\n  "@type": "Course",\n  "name": "x",,\n}\n', encoding="utf-8")
    with pytest.raises(ProblemsError) as caught:
        read_course_jsonld(path, vocabulary)
    (problem,) = caught.value.problems
    assert problem.location == "line 3"
    assert "line 3, column 15" in problem.message["en"] and "ligne 3, colonne 15" in problem.message["fr"]


def test_a_course_without_a_source_is_real_unless_told_illustrative(vocabulary, shapes, tmp_path):
    data = {k: v for k, v in COURSE.items() if k not in ("@id", "url")}
    assert [(loc, field) for loc, field, _ in problems(data, tmp_path, vocabulary)] == [("$", "url")]
    graph = read(data, tmp_path, vocabulary, illustrative=True).graph
    course = course_of(graph)
    assert str(course).startswith(str(GSKD) + "course-illus-")
    assert graph.value(course, GSK.curationStatus) == GSK.Illustrative
    assert all(str(label).endswith(("[illustratif]", "[illustrative]")) for label in graph.objects(course, RDFS.label))
    assert validated(graph, tmp_path, shapes).conforms
    # Told illustrative, a course with a web page is refused: it could pass for a real one.
    assert [(field, message[:40]) for _, field, message in problems(COURSE, tmp_path, vocabulary, illustrative=True)] \
        == [("url", "an illustrative course carries no web pa"), ("@id", "an illustrative course carries no source")]


def test_the_language_of_untagged_text(vocabulary, tmp_path):
    def labels(data):
        graph = read(data, tmp_path, vocabulary).graph
        return {label.language: str(label) for label in graph.objects(course_of(graph), RDFS.label)}

    english = COURSE | {"inLanguage": ["fr", "en"], "name": "Variant interpretation"}
    assert labels(english) == {"en": "Variant interpretation", "fr": "Variant interpretation"}
    tagged = COURSE | {"name": [{"@value": "Interprétation", "@language": "fr"},
                                {"@value": "Interpretation", "@language": "en-GB"}]}
    assert labels(tagged) == {"fr": "Interprétation", "en": "Interpretation"}
    context = COURSE | {"@context": ["https://schema.org/", {"@language": "fr"}], "inLanguage": "en", "name": "Cours"}
    assert labels(context)["fr"] == "Cours"


def test_an_unknown_provider_with_a_region_becomes_an_institution(vocabulary, shapes, tmp_path):
    data = COURSE | {"provider": {"@type": "Organization", "name": "Plateforme Exemple de Séquençage",
                                  "address": {"@type": "PostalAddress", "addressLocality": "Caen",
                                              "addressRegion": "Normandie"}}}
    parsed = read(data, tmp_path, vocabulary)
    new = GSKD["inst-plateforme-exemple-de-sequencage"]
    assert parsed.graph.value(new, GSK.inRegion) == GSKD["region-28"]
    assert parsed.graph.value(new, GSK.city) == Literal("Caen")
    assert parsed.graph.value(course_of(parsed.graph), GSK.offeredBy) == new
    assert parsed.locations[new] == "$"
    assert validated(parsed.graph, tmp_path, shapes).conforms


def test_references_by_id_within_the_document_are_followed(vocabulary, tmp_path):
    course = {k: v for k, v in COURSE.items() if k != "@context"} | {"provider": {"@id": "#ulille"}}
    data = {"@context": "https://schema.org/",
            "@graph": [course, {"@id": "#ulille", "@type": "Organization", "name": "University of Lille"}]}
    graph = read(data, tmp_path, vocabulary).graph
    assert graph.value(course_of(graph), GSK.offeredBy) == GSKD["inst-universite-de-lille"]


@pytest.mark.parametrize("data, field, words", [
    ({"@context": "https://example.org/context.jsonld", "@type": "Course"}, "@context", "is not fetched"),
    ({"@context": "https://schema.org/", "@type": "Event", "name": "x"}, None, "no schema.org Course"),
    ([COURSE, 3], None, "expected a JSON object here, found 3"),
])
def test_documents_without_usable_courses(vocabulary, tmp_path, data, field, words):
    found = problems(data, tmp_path, vocabulary)
    assert any(f == field and words in message for _, f, message in found), found


def test_a_default_training_type_and_an_unknown_one(vocabulary, tmp_path):
    data = {k: v for k, v in COURSE.items() if k != "educationalCredentialAwarded"}
    assert [(loc, f) for loc, f, _ in problems(data, tmp_path, vocabulary)] == [("$", "educationalCredentialAwarded")]
    graph = read(data, tmp_path, vocabulary, default_training_type="DU").graph
    assert graph.value(course_of(graph), GSK.hasTrainingType) == GSKD["type-du"]
    with pytest.raises(InputError, match="unknown training type"):
        read(data, tmp_path, vocabulary, default_training_type="Licence 3")


def test_a_course_id_of_the_catalogue_is_kept_and_a_relative_id_is_no_source(vocabulary, tmp_path):
    data = COURSE | {"@context": ["https://schema.org/", {"gskd": "https://w3id.org/genskills/id/"}],
                     "@id": "gskd:course-lille-dpc-variants"}
    graph = read(data, tmp_path, vocabulary).graph
    assert course_of(graph) == GSKD["course-lille-dpc-variants"]
    graph = read(COURSE | {"@id": "#course-1"}, tmp_path, vocabulary).graph
    assert set(graph.objects(course_of(graph), DCTERMS.source)) == {URIRef(COURSE["url"])}


def test_citation_is_the_source_and_a_course_may_name_no_provider(vocabulary, shapes, tmp_path):
    course = {k: v for k, v in COURSE.items() if k not in ("@id", "provider")} | {
        "citation": [{"@type": "CreativeWork", "url": "https://www.example.org/annuaire/variants"}]}
    graph = read(course, tmp_path, vocabulary).graph
    iri = course_of(graph)
    assert graph.value(iri, DCTERMS.source) == URIRef("https://www.example.org/annuaire/variants")
    assert graph.value(iri, GSK.offeredBy) is None
    assert validated(graph, tmp_path, shapes).conforms, "the shapes only warn about a missing institution"


def test_genskills_own_schema_org_view_imports_back(loaded_store, tmp_path):
    """Export the catalogue as schema.org and read it back: the same courses, with their
    training types and regions, and no problem."""
    import io

    from genskills.interop import catalogue_as_schemaorg

    text = io.StringIO()
    catalogue_as_schemaorg(loaded_store, text, include_illustrative=True, root=ROOT)
    document = json.loads(text.getvalue())
    # An import takes a real course only with the address of its source; the few shipped real
    # courses whose source is a repository file (named in a note, not a URL) are left out.
    unsourced = {c["@id"] for c in document["@graph"] if "citation" not in c and not _illustrative(c)}
    assert unsourced == {str(c) for c in _courses(loaded_store, "FILTER NOT EXISTS { ?c <http://purl.org/dc/terms/source> ?s } "
                                                               "FILTER NOT EXISTS { ?c <https://w3id.org/genskills/ontology#illustrative> true }")}
    document["@graph"] = [c for c in document["@graph"] if c["@id"] not in unsourced]
    path = tmp_path / "catalogue.jsonld"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    parsed = read_course_jsonld(path, Vocabulary.from_store(loaded_store))
    stored = {str(c): _graph_of(loaded_store, str(c)) for c in _courses(loaded_store) if str(c) not in unsourced}
    read_back = {str(c) for c in parsed.graph.subjects(RDF.type, GSK.Course)}
    assert read_back == set(stored)
    for course, graph in sorted(stored.items()):
        original = loaded_store.read_graph(graph)
        for prop in (GSK.hasTrainingType, GSK.inRegion, GSK.offeredBy, GSK.illustrative):
            assert set(parsed.graph.objects(URIRef(course), prop)) == set(original.objects(URIRef(course), prop)), \
                (course, prop)


def _illustrative(course: dict) -> bool:
    status = course.get("creativeWorkStatus")
    return isinstance(status, dict) and status.get("@id") == str(GSK.Illustrative)


def _courses(store, condition: str = ""):
    rows = store.query("SELECT DISTINCT ?c WHERE { GRAPH ?g { ?c a <https://w3id.org/genskills/ontology#Course> } "
                       f"FILTER(?g != <https://w3id.org/genskills/graph/inferred>) {condition} }}").rows
    return [r[0] for r in rows]


def _graph_of(store, course: str) -> str:
    rows = store.query(f"SELECT ?g WHERE {{ GRAPH ?g {{ <{course}> a <https://w3id.org/genskills/ontology#Course> }} "
                       "FILTER(?g != <https://w3id.org/genskills/graph/inferred>) }").rows
    return str(rows[0][0])
