"""Bad input gets one clear message (file, line or focus node, rule) and the store is unchanged."""

from __future__ import annotations

import io

import pytest

from genskills import InputError, ValidationError
from genskills.formats import rdf_format
from genskills.loading import load_sources
from genskills.namespaces import GSK, GSKD
from genskills.rdfio import parse_file
from genskills.store import OxigraphStore

COURSE = GSKD["course-test-added"]
PREFIXES = """
@prefix gsk: <https://w3id.org/genskills/ontology#> .
@prefix gskd: <https://w3id.org/genskills/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def course(institution: str, **change: str) -> str:
    """A complete, valid course in Turtle; ``change`` replaces or removes (empty) lines."""
    lines = {
        "type": "gsk:hasTrainingType gskd:type-du",
        "label_fr": 'rdfs:label "Formation ajoutée par un test"@fr',
        "label_en": 'rdfs:label "Course added by a test"@en',
        "definition_fr": 'skos:definition "Une formation courte sur l\'hérédité."@fr',
        "definition_en": 'skos:definition "A short course on inheritance."@en',
        "institution": f"gsk:offeredBy <{institution}>",
        "region": "gsk:inRegion gskd:region-84",
        "competence": "gsk:coversCompetence gskd:comp-inheritance",
        "role": "gsk:targetsRole gskd:role-nurse",
        "ects": "gsk:ects 10",
        "hours": "gsk:durationHours 40",
        "language": 'gsk:teachingLanguage "fr"^^xsd:language',
        "status": "gsk:curationStatus gsk:Verified",
        "coverage": "gsk:coverageStatus gsk:Proposal",
        "illustrative": "gsk:illustrative false",
    }
    lines.update(change)
    body = " ;\n    ".join(v for v in lines.values() if v)
    return f"gskd:course-test-added a gsk:Course ;\n    {body} .\n"


def dump(store) -> list[bytes]:
    out = io.BytesIO()
    store.dump(out, rdf_format("nq"))
    return sorted(out.getvalue().splitlines())


@pytest.fixture(scope="module")
def institution():
    from conftest import ROOT
    from rdflib.namespace import RDF

    graph = parse_file(ROOT / "data" / "catalogue" / "institutions.ttl")
    return str(sorted(graph.subjects(RDF.type, GSK.Institution))[0])


def add_to_catalogue(root, text: str) -> tuple[str, int]:
    """Append ``text`` to the copy's courses-real.ttl; return the file and the line it starts at."""
    path = root / "data" / "catalogue" / "courses-real.ttl"
    original = path.read_text(encoding="utf-8")
    # Prefixes may be declared again anywhere in Turtle; the course starts after them.
    first_line = original.count("\n") + PREFIXES.count("\n") + 2
    path.write_text(original + "\n" + PREFIXES + text, encoding="utf-8")
    return str(path), first_line


def test_control_a_valid_course_loads(project_copy, tmp_path, institution):
    """Without this control, the failures below could come from the template itself."""
    add_to_catalogue(project_copy, course(institution))
    store = OxigraphStore(tmp_path / "fresh")
    summary = load_sources(store, project_copy)
    assert summary.report.conforms
    assert store.query(f"ASK {{ <{COURSE}> a <{GSK.Course}> }}").boolean


def test_turtle_syntax_error_names_file_and_line(project_copy, loaded_store):
    before = dump(loaded_store)
    path, line = add_to_catalogue(project_copy, 'gskd:course-test-added rdfs:label "unterminated .\n')
    with pytest.raises(InputError) as caught:
        load_sources(loaded_store, project_copy, ["catalogue"])
    assert caught.value.path == path
    assert caught.value.line == line
    assert f"{path}:{line}:" in str(caught.value)
    assert dump(loaded_store) == before


CASES = {
    "unknown competence": (dict(competence="gsk:coversCompetence gskd:comp-does-not-exist"),
                           GSK.coversCompetence, GSKD["comp-does-not-exist"]),
    "missing French label": (dict(label_fr=""), GSK.Course, None),
    "negative ECTS": (dict(ects="gsk:ects -5"), GSK.ects, "-5"),
    "unknown training type": (dict(type="gsk:hasTrainingType gskd:type-bts"),
                              GSK.hasTrainingType, GSKD["type-bts"]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_course_is_rejected_with_its_rule_and_the_store_is_unchanged(
        case, project_copy, loaded_store, institution):
    change, path_or_class, value = CASES[case]
    before = dump(loaded_store)
    path, line = add_to_catalogue(project_copy, course(institution, **change))
    with pytest.raises(ValidationError) as caught:
        load_sources(loaded_store, project_copy, ["catalogue"])
    assert "nothing was written" in str(caught.value)
    mine = [r for r in caught.value.report.violations if r.focus == str(COURSE)]
    assert mine, caught.value.report.to_text()
    # Everything else in the catalogue is fine: the only violations are on the new course.
    assert len(mine) == len(caught.value.report.violations), caught.value.report.to_text()
    if case == "missing French label":
        assert any(r.path == str(RDFS_LABEL) for r in mine), [r.to_text() for r in mine]
    else:
        assert any(r.path == str(path_or_class) and r.value == str(value) for r in mine), \
            [r.to_text() for r in mine]
    for result in mine:
        assert result.file == path and result.line == line
        assert result.messages.get("fr") and result.messages.get("en"), result.messages
        assert result.messages["fr"] != result.messages["en"]
        text = result.to_text("fr")
        assert f"{path}:{line}:" in text and "gskd:course-test-added" in text
    assert dump(loaded_store) == before


RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
