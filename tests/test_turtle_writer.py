"""The canonical Turtle writer: every shipped file round-trips byte for byte, and what it writes
reads back as the same triples in rdflib and in Oxigraph."""

from __future__ import annotations

import doctest
import os
import stat

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

from conftest import ROOT
from genskills import ontology_editing, turtle_writer
from genskills.errors import InputError
from genskills.namespaces import GSK, GSKD, SH
from genskills.turtle_writer import (DATA_SECTIONS, ONTOLOGY_SECTIONS, canonical_text, default_sections,
                                     lexical_forms_kept, normalise_turtle_file, read_turtle_file,
                                     save_turtle_file, write_turtle)

#: Every file people edit by hand; data/synthetic and data/import are not among them.
EDITED = sorted(p.relative_to(ROOT).as_posix() for folder in ("ontology", "shapes", "data/reference", "data/catalogue")
                for p in (ROOT / folder).glob("*.ttl"))
PREFIXES = {"gsk": str(GSK), "gskd": str(GSKD), "owl": str(OWL), "rdf": str(RDF), "rdfs": str(RDFS),
            "skos": str(SKOS), "xsd": str(XSD), "sh": str(SH)}


def rdflib_graph(text: str) -> Graph:
    with lexical_forms_kept():
        return Graph().parse(data=text, format="turtle")


def oxigraph_canonical(data: str | bytes, fmt=ox.RdfFormat.TURTLE) -> list[str]:
    """The triples as Oxigraph reads them, blank nodes canonically named: comparable as lists."""
    dataset = ox.Dataset(ox.parse(data, format=fmt))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return sorted(str(quad) for quad in dataset)


def as_ntriples(graph: Graph) -> str:
    return graph.serialize(format="nt", encoding="utf-8").decode("utf-8")


def test_the_edited_files_are_all_there():
    assert "ontology/genskills.ttl" in EDITED and "shapes/genskills-shapes.ttl" in EDITED
    assert len([p for p in EDITED if p.startswith("data/")]) == 11


@pytest.mark.parametrize("relative", EDITED)
def test_every_file_round_trips_byte_for_byte(relative):
    path = ROOT / relative
    assert canonical_text(path).encode("utf-8") == path.read_bytes(), (
        f"{relative} is not in the canonical layout: run genskills.turtle_writer.normalise_turtle_file on it "
        "(and keep comments in the header block)")


@pytest.mark.parametrize("relative", EDITED)
def test_the_layout_depends_on_the_triples_only(relative):
    """The file's triples, shuffled through N-Triples (no layout, no prefixes), give the same text."""
    path = ROOT / relative
    graph, header, prefixes = read_turtle_file(path)
    with lexical_forms_kept():
        shuffled = Graph().parse(data=as_ntriples(graph), format="nt")
    assert len(shuffled) == len(graph)
    assert write_turtle(shuffled, header=header, prefixes=prefixes) == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("relative", EDITED)
def test_rdflib_and_oxigraph_read_the_same_triples_in_each_file(relative):
    """What rdflib reads (and the writer wrote from) is exactly what Oxigraph reads: same terms,
    same lexical forms, same count."""
    path = ROOT / relative
    graph, _, _ = read_turtle_file(path)
    from_oxigraph = oxigraph_canonical(path.read_bytes())
    assert len(from_oxigraph) == len(graph)
    assert from_oxigraph == oxigraph_canonical(as_ntriples(graph), ox.RdfFormat.N_TRIPLES)


def test_header_comments_and_licences_are_kept():
    for relative in EDITED:
        _, header, _ = read_turtle_file(ROOT / relative)
        assert header.startswith("#"), relative
        assert "canonical Turtle" in header or "canonical layout" in header, relative
    for relative in EDITED:
        if relative.startswith("data/catalogue/"):
            assert "CC BY 4.0" in read_turtle_file(ROOT / relative).header, relative
    assert "Illustrative courses must not carry a page" in read_turtle_file(ROOT / "shapes/genskills-shapes.ttl").header


def test_the_ontology_keeps_its_section_banners():
    text = (ROOT / "ontology/genskills.ttl").read_text(encoding="utf-8")
    banners = [line[2:] for line in text.splitlines()
               if line.startswith("# ") and not line.startswith("# -") and text.find(line) > text.find("@prefix")]
    assert banners == ["Ontology header", "Classes (gsk:)",
                       "External classes (declarations, with labels and definitions)", "Object properties (gsk:)",
                       "External object properties (declarations; SKOS inverse and sub-property axioms restated)",
                       "Datatype properties (gsk:)",
                       "External datatype properties (declarations, with labels and definitions)",
                       "Annotation properties (declarations)", "Individuals (gsk:)",
                       "General axioms: disjoint classes, distinct individuals"]


# ---------------------------------------------------------------------------------
# The writer on hand-made graphs


def written(graph: Graph, **options) -> str:
    return write_turtle(graph, header=options.pop("header", "# test"), prefixes=options.pop("prefixes", PREFIXES),
                        **options)


def assert_round_trip(graph: Graph, text: str) -> None:
    again = rdflib_graph(text)
    assert isomorphic(again, graph) and len(again) == len(graph)
    assert oxigraph_canonical(text) == oxigraph_canonical(as_ntriples(graph), ox.RdfFormat.N_TRIPLES)
    assert written(again) == text, "writing what was read must give the same text"


AWKWARD_TEXTS = [
    'plain', 'with "quotes"', 'back\\slash', "tab\there", 'ends with a quote"', 'line\nbreak',
    'two lines ending in a quote\n"', 'triple """ quotes\ninside', '""', 'carriage\rreturn', 'bell\x07',
    "accents éàü and 日本語 and 🧬", "line\nbreak and back\\slash", "a\n\"\"\"\n\"",
]


@pytest.mark.parametrize("text", AWKWARD_TEXTS)
def test_strings_are_escaped_as_turtle_says(text):
    graph = Graph()
    subject = GSKD["x"]
    graph.add((subject, RDFS.label, Literal(text, lang="fr")))
    graph.add((subject, SKOS.note, Literal(text)))
    graph.add((subject, SKOS.notation, Literal(text, datatype=XSD.string)))
    out = written(graph)
    assert_round_trip(graph, out)
    assert ('"""' in out) == ("\n" in text)


def test_literals_are_written_as_the_files_have_them():
    graph = Graph()
    s = GSKD["course-x"]
    with lexical_forms_kept():   # the literals as written here, not rdflib's canonical forms
        literals = [
            (GSK.eqfLevel, Literal(8)), (GSK.ects, Literal("7.5", datatype=XSD.decimal)),
            (GSK.durationHours, Literal("2000.0", datatype=XSD.decimal)), (GSK.illustrative, Literal(True)),
            (GSK.teachingLanguage, Literal("fr", datatype=XSD.language)), (GSK.city, Literal("Lyon")),
            (RDFS.label, Literal("Formation", lang="fr")), (RDFS.label, Literal("Course", lang="en-GB")),
            (GSK.sourceSeen, Literal("2026-11-29T00:00:00Z", datatype=XSD.dateTime)),
            (GSK.frenchLevel, Literal("08", datatype=XSD.integer)),
            (GSK.stepOrder, Literal("1e3", datatype=XSD.double)), (GSK.synthetic, Literal("1", datatype=XSD.boolean)),
            (GSK.inRncp, Literal("12", datatype=XSD.string)), (GSK.roleCount, Literal("+5", datatype=XSD.integer)),
            (GSK.courseCount, Literal("-0", datatype=XSD.integer)),
            (GSK.competenceCount, Literal(".5", datatype=XSD.decimal)),
        ]
    for p, o in literals:
        graph.add((s, p, o))
    text = written(graph)
    for expected in ["gsk:eqfLevel 8 ;", "gsk:ects 7.5 ;", "gsk:durationHours 2000.0 ;", "gsk:illustrative true ;",
                     'gsk:teachingLanguage "fr"^^xsd:language', 'gsk:city "Lyon" ;',
                     'gsk:sourceSeen "2026-11-29T00:00:00Z"^^xsd:dateTime', 'gsk:synthetic "1"^^xsd:boolean',
                     'gsk:inRncp "12"^^xsd:string', "gsk:stepOrder 1e3", 'gsk:roleCount "+5"^^xsd:integer',
                     'gsk:frenchLevel "08"^^xsd:integer', 'gsk:courseCount "-0"^^xsd:integer',
                     'gsk:competenceCount ".5"^^xsd:decimal']:
        assert expected in text, expected
    assert_round_trip(graph, text)


def test_blocks_predicates_and_objects_are_in_the_canonical_order():
    graph = Graph()
    for name in ("comp-b", "comp-a"):
        s = GSKD[name]
        graph.add((s, SKOS.notation, Literal(name)))
        graph.add((s, RDFS.isDefinedBy, URIRef("https://w3id.org/genskills/ontology")))
        graph.add((s, GSK.servesStep, GSKD["step-z"]))
        graph.add((s, GSK.servesStep, GSKD["step-a"]))
        graph.add((s, SKOS.definition, Literal("déf", lang="fr")))
        graph.add((s, RDFS.label, Literal("Zèbre", lang="fr")))
        graph.add((s, RDFS.label, Literal("Zebra", lang="en")))
        graph.add((s, RDF.type, GSK.Competence))
        graph.add((s, RDF.type, SKOS.Concept))
    text = written(graph)
    assert text.index("gskd:comp-a ") < text.index("gskd:comp-b ")
    block = text[text.index("gskd:comp-a "):text.index("gskd:comp-b ")]
    assert block.splitlines() == [
        "gskd:comp-a a gsk:Competence, skos:Concept ;",
        '    rdfs:label "Zebra"@en,',
        '        "Zèbre"@fr ;',
        '    skos:definition "déf"@fr ;',
        "    gsk:servesStep gskd:step-a,",
        "        gskd:step-z ;",
        '    skos:notation "comp-a" ;',
        "    rdfs:isDefinedBy <https://w3id.org/genskills/ontology> .",
        "",
    ]
    assert_round_trip(graph, text)


def test_blank_nodes_and_lists_are_written_inline():
    graph = Graph()
    prop = GSK.coversCompetence
    union = BNode()
    graph.add((prop, RDF.type, OWL.ObjectProperty))
    graph.add((prop, RDFS.range, union))
    graph.add((union, RDF.type, OWL.Class))
    members = BNode()
    Collection(graph, members, [GSK.Competence, GSK.CompetenceDomain])
    graph.add((union, OWL.unionOf, members))
    restriction = BNode()
    graph.add((GSK.Course, RDFS.subClassOf, restriction))
    graph.add((GSK.Course, RDF.type, OWL.Class))
    graph.add((restriction, RDF.type, OWL.Restriction))
    graph.add((restriction, OWL.onProperty, GSK.hasTrainingType))
    graph.add((restriction, OWL.someValuesFrom, GSK.TrainingType))
    disjoint = BNode()
    graph.add((disjoint, RDF.type, OWL.AllDisjointClasses))
    graph.add((disjoint, OWL.members, Collection(graph, BNode(), [GSK.Course, GSK.Region]).uri))
    graph.add((GSKSH_SHAPE, SH.languageIn, Collection(graph, BNode(), [Literal("fr"), Literal("en")]).uri))
    graph.add((GSKSH_SHAPE, SH.ignoredProperties, RDF.nil))
    text = written(graph)
    assert "rdfs:range [ a owl:Class ; owl:unionOf ( gsk:Competence gsk:CompetenceDomain ) ] ." in text
    assert "rdfs:subClassOf [ a owl:Restriction ; owl:onProperty gsk:hasTrainingType ; " \
           "owl:someValuesFrom gsk:TrainingType ] ." in text
    assert "[] a owl:AllDisjointClasses ;\n    owl:members ( gsk:Course gsk:Region ) .\n" in text
    assert 'sh:languageIn ( "fr" "en" )' in text and "sh:ignoredProperties ()" in text
    assert "_:" not in text
    assert_round_trip(graph, text)


GSKSH_SHAPE = URIRef("https://w3id.org/genskills/shapes#Test")


def test_a_shared_or_cyclic_blank_node_is_refused():
    shared = Graph()
    node = BNode()
    shared.add((GSKD["a"], RDFS.seeAlso, node))
    shared.add((GSKD["b"], RDFS.seeAlso, node))
    shared.add((node, RDFS.label, Literal("x")))
    with pytest.raises(InputError, match="more than one triple"):
        written(shared)
    cyclic = Graph()
    one, two = BNode(), BNode()
    cyclic.add((one, RDFS.seeAlso, two))
    cyclic.add((two, RDFS.seeAlso, one))
    with pytest.raises(InputError, match="cycle"):
        written(cyclic)


def test_names_use_the_declared_prefixes_only():
    graph = Graph()
    graph.add((GSKD["source-edam-1.25"], RDFS.seeAlso, URIRef("https://schema.org/Course")))
    graph.add((GSKD["ends-with-dot."], RDFS.seeAlso, URIRef("https://w3id.org/genskills/id/")))
    text = written(graph, prefixes={"gskd": str(GSKD), "rdfs": str(RDFS)})
    assert "gskd:source-edam-1.25 rdfs:seeAlso <https://schema.org/Course> ." in text
    assert "<https://w3id.org/genskills/id/ends-with-dot.> rdfs:seeAlso <https://w3id.org/genskills/id/> ." in text
    assert text.count("@prefix") == 2
    assert_round_trip(graph, written(graph))


def test_sections_follow_the_kind_of_each_subject():
    graph = Graph()
    graph.add((GSK.Zeta, RDF.type, OWL.Class))
    graph.add((GSK.alpha, RDF.type, OWL.ObjectProperty))
    graph.add((SKOS.note, RDF.type, OWL.AnnotationProperty))
    graph.add((GSK.Online, RDF.type, GSK.CourseMode))
    assert default_sections(graph) == ONTOLOGY_SECTIONS
    text = written(graph)
    assert text.index("# Classes (gsk:)") < text.index("gsk:Zeta") < text.index("# Object properties (gsk:)") \
        < text.index("gsk:alpha") < text.index("# Annotation properties (declarations)") < text.index("skos:note a") \
        < text.index("# Individuals (gsk:)") < text.index("gsk:Online")
    assert "# External classes" not in text, "empty sections have no banner"
    data = Graph()
    data.add((GSKD["comp-a"], RDF.type, GSK.Competence))
    data.add((GSKD["dataset-z"], RDF.type, URIRef("http://rdfs.org/ns/void#Dataset")))
    assert default_sections(data) == DATA_SECTIONS
    text = written(data, prefixes={**PREFIXES, "void": "http://rdfs.org/ns/void#"})
    assert text.index("gskd:dataset-z") < text.index("gskd:comp-a") and "# ---" not in text


def test_the_header_must_be_comments():
    with pytest.raises(ValueError, match="not a comment"):
        written(Graph(), header="# fine\nnot a comment")


def test_normalise_and_save_are_atomic_and_keep_the_file_mode(tmp_path):
    path = tmp_path / "roles.ttl"
    path.write_text("# roles\n@prefix gskd: <https://w3id.org/genskills/id/> .\n"
                    "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
                    'gskd:role-b rdfs:label "B"@en . gskd:role-a rdfs:label "A"@en .\n', encoding="utf-8")
    os.chmod(path, 0o640)
    assert normalise_turtle_file(path) is True
    assert path.read_text(encoding="utf-8") == (
        "# roles\n\n@prefix gskd: <https://w3id.org/genskills/id/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n\n"
        'gskd:role-a rdfs:label "A"@en .\n\ngskd:role-b rdfs:label "B"@en .\n')
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert normalise_turtle_file(path) is False
    assert sorted(p.name for p in tmp_path.iterdir()) == ["roles.ttl"], "no temporary file left behind"
    save_turtle_file(path, "# replaced\n")
    assert path.read_text(encoding="utf-8") == "# replaced\n"


def test_a_broken_file_is_reported_with_its_line(tmp_path):
    path = tmp_path / "bad.ttl"
    path.write_text("@prefix gskd: <https://w3id.org/genskills/id/> .\n\ngskd:a gskd:b .\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_turtle_file(path)
    assert caught.value.path == str(path) and caught.value.line == 3


@pytest.mark.parametrize("module", [turtle_writer, ontology_editing])
def test_docstring_examples(module):
    failures, tried = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert tried and not failures
