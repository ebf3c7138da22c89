"""The SHACL shapes compiled to SPARQL give pySHACL's results (validation.validate, the reference).

Each comparison loads the data into an OxigraphStore and gives pySHACL the copy read back
from it: Oxigraph keeps literals in canonical form ("030"^^xsd:integer comes back as "30",
xsd:int as xsd:integer), so both validators must see the same terms. Results are compared as
multisets of (severity, focus, path, value, shape, constraint), and so are the messages the
shapes give (pySHACL's own, untagged, are its wording). Every comparison runs both ways the
compiled validator has of evaluating a check: node by node (small targets, ``focus=``) and
set-wise (large targets), each forced here through SETWISE_ABOVE.
"""

from __future__ import annotations

import io
import json
import random
import warnings
from collections import Counter
from pathlib import Path
from unittest import mock

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS, XSD

import test_bad_input as bad_input
from conftest import ROOT
from genskills import shacl_sparql
from genskills.errors import QueryError, ShapesNotCompiledError
from genskills.generate import generate, read_reference
from genskills.loading import shipped_data, shipped_shapes
from genskills.namespaces import GSK, GSKD, SCHEMA, SH
from genskills.rdfio import union
from genskills.shacl_sparql import compile_shapes
from genskills.sources import SOURCES
from genskills.store import OxigraphStore
from genskills.validation import validate

DATA = Path(__file__).parent / "data"
WAYS = ["node by node", "set-wise"]


# ---------------------------------------------------------------------------------
# Helpers


def key(result) -> tuple:
    return (result.severity, result.focus, result.path, result.value, result.shape, result.constraint)


def top_level(report) -> list:
    """The results of the report proper. pySHACL also types the results it nests under
    sh:detail (those of the shape inside sh:node) as sh:ValidationResult, and
    validation.validate lists them too; they are not results of the report (SHACL 3.6.2.6)."""
    listed = set(report.graph.objects(None, SH.result))
    return [r for r in report.results if r.node in listed]


def reference(store: OxigraphStore, names: list[str], shapes: Graph):
    """pySHACL's report on the graphs as the store holds them."""
    data = union(store.read_graph(name) for name in names)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)   # rdflib on ill-typed literals
        return validate(data, shapes)


def store_of(graphs: dict[str, Graph]) -> OxigraphStore:
    store = OxigraphStore(None)
    store.replace_graphs(graphs)
    return store


def compiled_report(compiled, store, names, way: str, **options):
    limit = -1 if way == "set-wise" else 10 ** 12
    with mock.patch.object(shacl_sparql, "SETWISE_ABOVE", limit):
        return compiled.validate(store, names, **options)


def assert_same(expected: list, report, context: object = "") -> None:
    """Same results; same messages where the shapes give them (pySHACL's own are untagged)."""
    want, got = Counter(map(key, expected)), Counter(map(key, report.results))
    assert got == want, (f"{context}\nmissing: {sorted(want - got, key=str)}\nextra: {sorted(got - want, key=str)}")
    messages = {key(r): r.messages for r in expected}
    for result in report.results:
        if any(messages[key(result)]):
            assert result.messages == messages[key(result)], key(result)


def source_graphs(files) -> dict[str, Graph]:
    """The shipped data, one named graph per source, as `genskills load` stores it."""
    graphs = {}
    for source in SOURCES:
        if not source.is_shapes:
            paths = set(source.files(ROOT))
            graphs[source.graph] = union(p.graph for p in files if p.path in paths)
    return graphs


def reduced(files, courses: int, seed: int) -> dict[str, Graph]:
    """The reference data and institutions with only a few courses: pySHACL takes seconds."""
    graphs = source_graphs(files)
    rng = random.Random(seed)
    for name in ("catalogue", "illustrative"):
        graph = graphs[f"https://w3id.org/genskills/graph/{name}"]
        every = sorted(graph.subjects(RDF.type, GSK.Course))
        for course in set(every) - set(rng.sample(every, min(courses, len(every)))):
            graph.remove((course, None, None))
    return graphs


@pytest.fixture(scope="module")
def files():
    return shipped_data(ROOT)


@pytest.fixture(scope="module")
def shapes():
    return shipped_shapes(ROOT)


@pytest.fixture(scope="module")
def compiled(shapes):
    return compile_shapes(shapes)


# ---------------------------------------------------------------------------------
# The shipped data, the bad courses, a generated catalogue


@pytest.fixture(scope="module")
def shipped(files, shapes):
    graphs = source_graphs(files)
    store = store_of(graphs)
    return store, list(graphs), top_level(reference(store, list(graphs), shapes))


@pytest.mark.parametrize("way", WAYS)
def test_shipped_data_gives_pyshacls_results(shipped, compiled, shapes, way):
    store, names, expected = shipped
    assert expected, "the shipped data has warnings: an empty comparison would prove nothing"
    assert_same(expected, compiled_report(compiled, store, names, way))


def bad_courses(institution: str) -> tuple[Graph, dict[str, str]]:
    """The courses of test_bad_input (each under its own IRI) and the files of tests/data."""
    graph, expected = Graph(), {}
    for i, case in enumerate(["control", *sorted(bad_input.CASES)]):
        change = bad_input.CASES[case][0] if case in bad_input.CASES else {}
        text = bad_input.course(institution, **change).replace("course-test-added", f"course-bad-{i}")
        graph.parse(data=bad_input.PREFIXES + text, format="turtle")
        expected[str(GSKD[f"course-bad-{i}"])] = case
    for path in sorted(DATA.glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph, expected


@pytest.fixture(scope="module")
def with_bad_courses(files, shapes):
    graphs = reduced(files, courses=4, seed=1)
    institution = str(sorted(graphs["https://w3id.org/genskills/graph/catalogue"]
                             .subjects(RDF.type, GSK.Institution))[0])
    courses, cases = bad_courses(institution)
    graphs["urn:test:bad-courses"] = courses
    store = store_of(graphs)
    return store, list(graphs), top_level(reference(store, list(graphs), shapes)), cases


@pytest.mark.parametrize("way", WAYS)
def test_bad_courses_give_pyshacls_results(with_bad_courses, compiled, shapes, way):
    store, names, expected, cases = with_bad_courses
    report = compiled_report(compiled, store, names, way)
    assert_same(expected, report)
    broken = {cases[r.focus] for r in report.violations if r.focus in cases}
    assert broken == set(bad_input.CASES), "each bad course breaks a rule, the control none"


@pytest.fixture(scope="module")
def with_generated(files, shapes):
    graphs = reduced(files, courses=2, seed=2)
    out = io.StringIO()
    generate(out, courses=25, seed=7, reference=read_reference(ROOT))
    graphs["urn:test:generated"] = Graph().parse(data=out.getvalue(), format="turtle")
    store = store_of(graphs)
    return store, list(graphs), top_level(reference(store, list(graphs), shapes))


@pytest.mark.parametrize("way", WAYS)
def test_generated_catalogue_gives_pyshacls_results(with_generated, compiled, shapes, way):
    store, names, expected = with_generated
    assert_same(expected, compiled_report(compiled, store, names, way))


# ---------------------------------------------------------------------------------
# Seeded random mutations

CLASSES = [GSK.Course, GSK.Competence, GSK.CompetenceDomain, GSK.ProfessionalRole, GSK.Region,
           GSK.TrainingType, GSK.Institution, GSK.CarePathwayStep, GSK.CourseMode, GSK.CurationStatus]
#: Retyped literals on which rdflib (pySHACL) and Oxigraph agree whether they are well-typed.
RETYPED = [Literal("abc", datatype=XSD.integer), Literal("12.5", datatype=XSD.decimal),
           Literal("2024-13-45", datatype=XSD.date), Literal("7", datatype=XSD.integer),
           Literal("fr", datatype=XSD.string), Literal("true", datatype=XSD.boolean),
           Literal("1.5", datatype=XSD.integer), Literal("http://x.example/", datatype=XSD.anyURI)]


def mutate(graphs: dict[str, Graph], rng: random.Random, count: int) -> list[str]:
    """Break the data at random: drop a triple, retype a literal, link to an undeclared
    IRI, repeat a language, swap a class, break a date order, go out of range..."""
    names = sorted(g for g in graphs if not g.endswith("/ontology") and len(graphs[g]))
    done = []
    for i in range(count):
        graph = graphs[rng.choice(names)]
        triples = sorted(graph, key=str)
        subjects = sorted({s for s, _, _ in triples if isinstance(s, URIRef)})
        literals = [t for t in triples if isinstance(t[2], Literal)]
        tagged = [t for t in literals if t[2].language]
        links = [t for t in triples if isinstance(t[2], URIRef) and str(t[2]).startswith(str(GSKD))]
        typed = [t for t in triples if t[1] == RDF.type and t[2] in CLASSES]
        kind = rng.choice(["delete", "retype", "dangling", "repeat language", "untag", "swap class",
                           "dates", "range", "second value", "literal link", "step order"])
        s = rng.choice(subjects)
        if kind == "delete":
            graph.remove(rng.choice(triples))
        elif kind == "retype" and literals:
            s, p, o = rng.choice(literals)
            graph.remove((s, p, o))
            graph.add((s, p, rng.choice([*RETYPED, Literal(str(o)), Literal(str(o), lang="de")])))
        elif kind == "dangling" and links:
            s, p, o = rng.choice(links)
            graph.remove((s, p, o))
            graph.add((s, p, GSKD[f"undeclared-{i}"]))
        elif kind == "repeat language" and tagged:
            s, p, o = rng.choice(tagged)
            graph.add((s, p, Literal(f"{o} (bis)", lang=o.language)))
        elif kind == "untag" and tagged:
            s, p, o = rng.choice(tagged)
            graph.remove((s, p, o))
            graph.add((s, p, Literal(str(o))))
        elif kind == "swap class" and typed:
            s, p, o = rng.choice(typed)
            graph.remove((s, p, o))
            graph.add((s, p, rng.choice(CLASSES)))
        elif kind == "dates":   # same datatypes: see test_dates_of_different_types_are_not_comparable
            graph.add((s, SCHEMA.startDate, Literal("2025-06-01", datatype=XSD.date)))
            for end in rng.sample(["2025-01-01", "2025-12-31", "2024-03-01"], rng.randint(1, 2)):
                graph.add((s, SCHEMA.endDate, Literal(end, datatype=XSD.date)))
        elif kind == "range":
            graph.add((s, *rng.choice([(GSK.ects, Literal(-5)), (GSK.durationHours, Literal(0)),
                                       (GSK.eqfLevel, Literal(9)), (GSK.stepOrder, Literal(12)),
                                       (GSK.frenchLevel, Literal("3")), (GSK.ects, Literal("7.5", datatype=XSD.decimal))])))
        elif kind == "second value":
            graph.add((s, *rng.choice([(GSK.hasTrainingType, GSKD["type-du"]), (GSK.ects, Literal(3)),
                                       (GSK.curationStatus, GSK.Proposal), (GSK.illustrative, Literal(True)),
                                       (GSK.teachingLanguage, Literal("en", datatype=XSD.language)),
                                       (GSK.webPage, Literal("not a url", datatype=XSD.anyURI)),
                                       (GSK.synthetic, Literal(True)), (GSK.inseeCode, Literal("7"))])))
        elif kind == "literal link":
            graph.add((s, rng.choice([SKOS.exactMatch, DCTERMS.source, GSK.coversCompetence, GSK.offeredBy,
                                      SKOS.broader]), Literal("some text")))
        elif kind == "step order":
            steps = sorted({t[0] for t in triples if t[1] == GSK.stepOrder})
            if steps:
                graph.set((rng.choice(steps), GSK.stepOrder, Literal(rng.randint(1, 11))))
        done.append(kind)
    return done


@pytest.fixture(scope="module", params=[11, 12, 13])
def mutated(request, files, shapes):
    rng = random.Random(request.param)
    graphs = reduced(files, courses=6, seed=request.param)
    kinds = mutate(graphs, rng, 18)
    store = store_of(graphs)
    return store, list(graphs), top_level(reference(store, list(graphs), shapes)), kinds


@pytest.mark.parametrize("way", WAYS)
def test_mutated_data_gives_pyshacls_results(mutated, compiled, shapes, way):
    store, names, expected, kinds = mutated
    assert_same(expected, compiled_report(compiled, store, names, way), context=f"mutations: {kinds}")


# ---------------------------------------------------------------------------------
# Focus nodes


def test_focus_restriction_gives_the_full_results_on_those_nodes(files, compiled):
    graphs = reduced(files, courses=6, seed=21)
    mutate(graphs, random.Random(21), 25)
    store = store_of(graphs)
    names = list(graphs)
    full = {way: compiled_report(compiled, store, names, way) for way in WAYS}
    assert Counter(map(key, full["node by node"].results)) == Counter(map(key, full["set-wise"].results))
    foci = sorted({r.focus for r in full["set-wise"].results})
    courses = sorted(str(c) for g in graphs.values() for c in g.subjects(RDF.type, GSK.Course))
    tries = [foci[:1], foci[1:4], foci, courses[:2], [str(GSKD["no-such-node"])], []]
    assert any(tries) and len(foci) > 4
    for focus in tries:
        report = compiled.validate(store, names, focus=focus, locate=lambda f: ("f.ttl", len(f)))
        want = [r for r in full["set-wise"].results if r.focus in focus]
        assert Counter(map(key, report.results)) == Counter(map(key, want)), focus
        assert all(r.file == "f.ttl" and r.line == len(r.focus) for r in report.results)
        assert report.results == sorted(report.results, key=lambda r: (  # as validation.validate sorts
            ["Violation", "Warning", "Info"].index(r.severity), r.file, r.line, r.focus, r.path or "",
            r.value or "", r.shape))


def test_focus_nodes_and_graphs_must_be_iris(compiled):
    store = store_of({"urn:g:data": Graph()})
    with pytest.raises(QueryError, match="focus node"):
        compiled.validate(store, ["urn:g:data"], focus=["http://example.org/a> } ; DROP ALL ; <b"])
    with pytest.raises(QueryError, match="graph name"):
        compiled.validate(store, ["urn:g:data> <x"])


def test_only_the_given_graphs_are_the_data_graph(files, compiled):
    """The store's other graphs (the derived graph, a stale copy...) are no part of the data."""
    graphs = reduced(files, courses=2, seed=3)
    stale = Graph()
    stale.add((GSKD["course-stale"], RDF.type, GSK.Course))
    stale.add((GSKD["course-stale"], GSK.ects, Literal(-1)))
    for region in graphs["https://w3id.org/genskills/graph/reference"].subjects(RDF.type, GSK.Region):
        stale.add((region, RDF.type, GSK.Course))   # would make every region two classes at once
    store = store_of({**graphs, "urn:test:stale": stale})
    names = list(graphs)
    alone = store_of(graphs)
    for way in WAYS:
        mine = compiled_report(compiled, store, names, way)
        assert Counter(map(key, mine.results)) == Counter(map(key, compiled_report(compiled, alone, names, way).results))
        assert not any("stale" in r.focus for r in mine.results)


# ---------------------------------------------------------------------------------
# SHACL features the shipped shapes do not use

PREFIXES = """@prefix ex: <http://example.org/ns#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
FEATURE_SHAPES = PREFIXES + r'''
ex: a owl:Ontology ; sh:declare [ sh:prefix "ex" ; sh:namespace "http://example.org/ns#"^^xsd:anyURI ] .
ex:Person a rdfs:Class, sh:NodeShape ;                   # an implicit class target
    sh:property ex:Person-name, ex:Person-age, ex:Person-knows, ex:Person-parent, ex:Person-email, ex:Person-dates .
ex:Person-name a sh:PropertyShape ; sh:path ex:name ;
    sh:minLength 2 ; sh:maxLength 10 ; sh:pattern "^[a-z]+$" ; sh:flags "i" ; sh:maxCount 2 ;
    sh:message "Bad name"@en, "Mauvais nom"@fr .
ex:Person-age a sh:PropertyShape ; sh:path ex:age ; sh:datatype xsd:integer ;
    sh:minInclusive 0 ; sh:maxExclusive 150 ; sh:in ( 1 2 3 30 40 200 -1 "x" ) .
ex:Person-knows a sh:PropertyShape ; sh:path ex:knows ; sh:node ex:NamedThing ; sh:class ex:Person ;
    sh:disjoint ex:parent ; sh:qualifiedValueShape [ sh:class ex:Adult ] ; sh:qualifiedMaxCount 1 ;
    sh:property ex:Known-name ;
    sh:sparql [ sh:select """SELECT $this ?value WHERE { $this $PATH ?value . FILTER(?value = $this) }""" ;
                sh:prefixes ex: ; sh:message "Knows itself" ] .
ex:Person-parent a sh:PropertyShape ; sh:path [ sh:inversePath ex:child ] ; sh:maxCount 2 ;
    sh:qualifiedValueShape [ sh:path ex:age ; sh:minCount 1 ] ; sh:qualifiedMinCount 1 ;
    sh:qualifiedValueShapesDisjoint true .
ex:Person-email a sh:PropertyShape ; sh:path ( ex:contact ex:email ) ; sh:nodeKind sh:Literal ;
    sh:hasValue "a@b.c" ; sh:deactivated false .
ex:Person-dates a sh:PropertyShape ; sh:path ex:start ; sh:lessThan ex:end ;
    sh:property [ sh:path ex:ignored ; sh:minCount 1 ; sh:deactivated true ] .
ex:Known-name a sh:PropertyShape ; sh:path ex:name ; sh:minCount 1 .
ex:NamedThing a sh:NodeShape ; sh:and ( [ sh:path ex:name ; sh:minCount 1 ] [ sh:nodeKind sh:IRI ] ) .
ex:Adult a rdfs:Class .
ex:NodeChecks a sh:NodeShape ; sh:targetNode ex:alice, ex:nobody, "lit" ;
    sh:in ( ex:alice ex:bob "lit" ) ; sh:not [ sh:class ex:Robot ] ;
    sh:xone ( [ sh:class ex:Person ] [ sh:hasValue "lit" ] ) .
ex:Off a sh:NodeShape ; sh:targetClass ex:Person ; sh:deactivated true ; sh:class ex:Nothing .
ex:Objects a sh:NodeShape ; sh:targetObjectsOf ex:knows ; sh:nodeKind sh:BlankNodeOrIRI ; sh:maxLength 30 .
ex:Typed a sh:NodeShape ; sh:targetClass ex:Agent ; sh:severity sh:Warning ;
    sh:node [ sh:property [ sh:path ex:name ; sh:qualifiedValueShape [ sh:datatype xsd:string ] ;
                            sh:qualifiedMinCount 1 ] ] .
ex:Counted a sh:NodeShape ; sh:targetSubjectsOf ex:child ; sh:severity sh:Info ;
    sh:property ex:Counted-child, ex:Counted-names .
ex:Counted-child sh:path ex:child ; sh:minCount 2 ; sh:maxCount 0 ; sh:uniqueLang true ; sh:severity sh:Info .
ex:Counted-names sh:path ( ex:child ex:name ) ; sh:equals ex:name ; sh:lessThanOrEquals ex:name .
'''
FEATURE_DATA = PREFIXES + '''
ex:Student rdfs:subClassOf ex:Person . ex:Person rdfs:subClassOf ex:Agent . ex:Grown rdfs:subClassOf ex:Adult .
ex:alice a ex:Person, ex:Grown ; ex:name "Alice", "al", "x" ; ex:age 30, 200, "abc"^^xsd:integer ;
    ex:knows ex:bob, ex:carol, ex:alice ; ex:parent ex:bob ; ex:contact [ ex:email "a@b.c" ] ;
    ex:start 5 ; ex:end 3, 10, "z" .
ex:bob a ex:Student, ex:Adult ; ex:name "Bob1" ; ex:age -1, "x" ; ex:knows ex:dave ; ex:child ex:alice ;
    ex:contact [ ex:email <http://mail.example/> ] ; ex:start "2020-01-01"^^xsd:date ; ex:end "2019-01-01"^^xsd:date .
ex:carol a ex:Robot, ex:Person ; ex:knows ex:bob ; ex:child ex:alice, ex:erin ; ex:name "carol" .
ex:dave ex:name "Dave" ; ex:knows "not a node" .
ex:erin a ex:Student ; ex:age 3 ; ex:name "erin"@en .
ex:frank a ex:Agent ; ex:name "frank"@en .
ex:bob ex:child ex:erin . ex:dave ex:child ex:erin .
'''


@pytest.mark.parametrize("way", WAYS)
def test_other_shacl_features_give_pyshacls_results(way):
    """Implicit class targets and subclasses, sh:targetNode, inverse and sequence paths,
    sh:in, sh:node, sh:and, sh:not, sh:xone, lengths, sh:flags, sh:disjoint, sh:lessThan,
    sh:equals, qualified maximum and disjoint siblings, sh:deactivated, sh:property of a
    property shape, $PATH, counts, sh:severity."""
    shapes = Graph().parse(data=FEATURE_SHAPES, format="turtle")
    store = store_of({"urn:test:data": Graph().parse(data=FEATURE_DATA, format="turtle")})
    expected = top_level(reference(store, ["urn:test:data"], shapes))
    report = compiled_report(compile_shapes(shapes), store, ["urn:test:data"], way)
    assert_same(expected, report)
    assert len(expected) > 30 and {r.severity for r in expected} == {"Violation", "Warning", "Info"}
    bad_name = next(r for r in report.results if r.shape.endswith("#Person-name"))
    assert bad_name.messages == {"en": "Bad name", "fr": "Mauvais nom"}


def test_dates_of_different_types_are_not_comparable():
    """sh:lessThanOrEquals compares with SPARQL's <=, which has no xsd:date <= xsd:dateTime:
    the pair is a violation (SHACL 4.5.4), as the shape's message says. pySHACL passes it."""
    shapes = shipped_shapes(ROOT)
    data = Graph()
    thing = GSKD["dated-thing"]
    data.add((thing, SCHEMA.startDate, Literal("2025-06-01", datatype=XSD.date)))
    data.add((thing, SCHEMA.endDate, Literal("2026-01-01T10:00:00", datatype=XSD.dateTime)))
    report = compile_shapes(shapes).validate(store_of({"urn:test:data": data}), ["urn:test:data"])
    assert [r.constraint for r in report.results] == ["sh:LessThanOrEqualsConstraintComponent"]


# ---------------------------------------------------------------------------------
# What is refused, and what cannot break the queries

UNSUPPORTED = {
    "sh:closed": "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:closed true .",
    "sh:zeroOrMorePath": "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path [ sh:zeroOrMorePath ex:p ] ; sh:minCount 1 ] .",
    "sh:target": "ex:S a sh:NodeShape ; sh:target [ a sh:SPARQLTarget ; sh:select \"SELECT ?this WHERE { ?this ?p ?o }\" ] .",
    "sh:parameter": "ex:C a sh:ConstraintComponent ; sh:parameter [ sh:path ex:p ] .",
    "sh:rule": "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:rule [ a sh:TripleRule ] .",
    "recursive": "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:node ex:T . ex:T a sh:NodeShape ; sh:or ( ex:S ) .",
    "property path": "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:select "
                     "\"SELECT $this WHERE { $this <http://example.org/ns#p>* ?o }\" ] .",
    "$shapesGraph": "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:select "
                    "\"SELECT $this WHERE { GRAPH $shapesGraph { $this ?p ?o } }\" ] .",
    "needs a property shape": "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:minCount 1 .",
    "beyond SPARQL's REGEX": "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:pattern \"^(?!x)\" .",
}


@pytest.mark.parametrize("feature", sorted(UNSUPPORTED))
def test_an_unsupported_feature_is_named_with_its_shape(feature):
    shapes = Graph().parse(data=PREFIXES + UNSUPPORTED[feature], format="turtle")
    with pytest.raises(ShapesNotCompiledError) as caught:
        compile_shapes(shapes)
    message = str(caught.value)
    assert feature in message, message
    shape = "ex:C" if feature == "sh:parameter" else "ex:S" if feature != "recursive" else "ex:"
    assert f"<http://example.org/ns#{shape[3:]}" in message, message


NASTY = ['a"b}c{d\\e', "line\none\r\ttab", "# not a comment", '""" \'\'\' "', "' } UNION { ?s ?p ?o } '",
         "x\\u0022y", "é中文🙂"]
NASTY_IRIS = ["http://example.org/a#b?c=d&e='f'", "urn:x:(paren)", "http://example.org/%7Bbrace%7D",
              "http://example.org/é"]


def test_nasty_literals_and_iris_cannot_break_the_queries():
    """Data values never enter the query text; those of the shapes are escaped."""
    pattern = Literal('^[^"}{\\\\]*$')
    shapes = Graph().parse(data=PREFIXES + '''
ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:p ;
    sh:property [ sh:path ex:p ; sh:pattern "PATTERN" ] ,
                [ sh:path ex:q ; sh:in ( IN ) ; sh:hasValue <HASVALUE> ] ,
                [ sh:path ex:p ; sh:languageIn ( "en\\") || true || (\\"" ) ] .
'''.replace('"PATTERN"', pattern.n3()).replace("IN", " ".join(Literal(v).n3() for v in NASTY) + " " + " ".join(
        f"<{i}>" for i in NASTY_IRIS)).replace("HASVALUE", NASTY_IRIS[0]), format="turtle")
    data = Graph()
    for i, text in enumerate(NASTY):
        for j, iri in enumerate(NASTY_IRIS):
            node = URIRef(f"{iri}{i}")
            data.add((node, URIRef("http://example.org/ns#p"), Literal(text)))
            data.add((node, URIRef("http://example.org/ns#p"), Literal(text, lang="en")))
            data.add((node, URIRef("http://example.org/ns#q"), URIRef(NASTY_IRIS[j])))
            data.add((node, URIRef("http://example.org/ns#q"), Literal(NASTY[(i + j) % len(NASTY)])))
    store = store_of({"urn:test:data": data})
    expected = top_level(reference(store, ["urn:test:data"], shapes))
    compiled = compile_shapes(shapes)
    for way in WAYS:
        assert_same(expected, compiled_report(compiled, store, ["urn:test:data"], way))
    focus = [f"{NASTY_IRIS[0]}0", f"{NASTY_IRIS[2]}3"]
    report = compiled.validate(store, ["urn:test:data"], focus=focus)
    assert Counter(map(key, report.results)) == Counter(key(r) for r in expected if r.focus in focus)
    assert expected and report.results


# ---------------------------------------------------------------------------------
# The report


def test_the_report_renders_as_validation_validates(shipped, compiled):
    store, names, expected = shipped
    report = compiled.validate(store, names, locate=lambda focus: ("data.ttl", 3))
    assert report.conforms and report.warnings and report.summary("en").startswith("conforms")
    text = report.to_text("fr")
    assert "data.ttl:3: Warning: gskd:" in text and text.endswith(report.summary("fr"))
    body = json.loads(report.to_json("en"))
    assert body["warnings"] == len(report.warnings) and body["results"][0]["file"] == "data.ttl"
    graph = Graph().parse(data=report.to_turtle(), format="turtle")
    (node,) = graph.subjects(RDF.type, SH.ValidationReport)
    assert graph.value(node, SH.conforms) == Literal(True)
    results = list(graph.objects(node, SH.result))
    assert len(results) == len(report.results)
    for result in results:
        for prop in (SH.focusNode, SH.resultSeverity, SH.sourceShape, SH.sourceConstraintComponent, SH.resultMessage):
            assert graph.value(result, prop) is not None, prop
    one = report.results[0].focus
    only = report.only_for({one})
    assert only.results and all(r.focus == one for r in only.results)
    assert len(list(only.graph.subjects(RDF.type, SH.ValidationResult))) == len(only.results)


def test_a_complex_path_is_kept_in_the_report_graph(files, compiled):
    """sh:alternativePath: ValidationResult.path is None (as validation.validate gives it), the
    report graph holds the path itself."""
    graphs = reduced(files, courses=0, seed=4)
    graphs["urn:test:extra"] = Graph()
    graphs["urn:test:extra"].add((GSKD["thing"], SKOS.closeMatch, Literal("EDAM")))
    report = compiled.validate(store_of(graphs), list(graphs), focus=[str(GSKD["thing"])])
    (result,) = report.results
    assert result.path is None and result.constraint == "sh:NodeKindConstraintComponent"
    path = report.graph.value(result.node, SH.resultPath)
    assert report.graph.value(path, SH.alternativePath) is not None
