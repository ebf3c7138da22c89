"""Exports and views: every dump read back by independent parsers, CSV tables, schema.org,
SKOS, ESCO, DCAT and the HTML documentation, checked against the store itself."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import zipfile
import hashlib
from collections import Counter, defaultdict
from datetime import timedelta
from pathlib import Path

import pyoxigraph as ox
import pytest
from pyld import jsonld
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, PROV, RDF, RDFS, SKOS, VOID, XSD

import genskills
from conftest import ROOT
from genskills.csv_export import CSV_CLASSES, SEPARATOR, export_csv, export_csv_zip
from genskills.dataset_metadata import IANA, dataset_description
from genskills.describe import DATASET, graph_part
from genskills.docs_html import external_loads, write_ontology_docs
from genskills.errors import InputError, NotFoundError
from genskills.formats import RDF_FORMATS, rdf_format
from genskills.interop import (BIOSCHEMAS_COURSE, ESCO, ESCO_OCCUPATION, catalogue_as_schemaorg,
                               competence_scheme, course_as_schemaorg, esco_view, iso_duration,
                               schemaorg_context)
from genskills.jsonld_writer import CONTEXT_IRI, load_context
from genskills.namespaces import GSK, GSKD, INFERRED_GRAPH, SCHEMA
from genskills.stats import collect
from genskills.store import OxigraphStore
from genskills.transfer import export

CONTEXT_FILE = ROOT / "ontology" / "context.jsonld"
FORMATS = [f.key for f in RDF_FORMATS]
ALIGNMENTS = ROOT / "data" / "reference" / "alignments.ttl"


# ---------------------------------------------------------------------------------
# Helpers: what the store holds, read through the store layer, and parsers of each kind


@pytest.fixture(scope="module")
def content(loaded_store) -> dict[str, Graph]:
    return {name: loaded_store.read_graph(name) for name in loaded_store.graph_names()}


def union(graphs) -> Graph:
    merged = Graph()
    for graph in graphs:
        for triple in graph:
            merged.add(triple)
    return merged


def _rdflib_term(term):
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == str(XSD.string):
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def oxigraph_read(data: bytes, fmt: str) -> dict[str | None, Graph]:
    """Graphs (None: the default graph) as pyoxigraph's own parser reads ``data``."""
    graphs: dict[str | None, Graph] = defaultdict(Graph)
    for quad in ox.parse(data, format=getattr(ox.RdfFormat, rdf_format(fmt).oxigraph_name)):
        name = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else None
        graphs[name].add((_rdflib_term(quad.subject), _rdflib_term(quad.predicate), _rdflib_term(quad.object)))
    return dict(graphs)


def rdflib_read(data: bytes, fmt: str) -> dict[str | None, Graph]:
    """Graphs as rdflib reads ``data`` (triple formats: the default graph only)."""
    rdf = rdf_format(fmt)
    if not rdf.holds_graphs:
        return {None: Graph().parse(data=data, format=rdf.rdflib_name)}
    dataset = Dataset()
    dataset.parse(data=data, format=rdf.rdflib_name)
    out = {}
    for graph in dataset.graphs():
        if len(graph):
            name = str(graph.identifier)
            out[None if name == str(dataset.default_graph.identifier) else name] = graph
    return out


def refusing_loader(served: dict[str, Path] | None = None, asked: list | None = None):
    """A PyLD document loader that serves local files for given URLs and refuses the network
    (``asked`` records every URL asked for)."""
    served = served or {}

    def load(url, options=None):
        if asked is not None:
            asked.append(url)
        if url in served:
            return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url,
                    "document": json.loads(served[url].read_text(encoding="utf-8"))}
        raise RuntimeError(f"network refused: {url}")
    return load


def pyld_read(document: dict, served: dict[str, Path] | None = None, asked: list | None = None
              ) -> dict[str | None, Graph]:
    loader = refusing_loader(served, asked)
    nquads = jsonld.to_rdf(document, {"format": "application/n-quads", "documentLoader": loader})
    return oxigraph_read(nquads.encode("utf-8"), "nq")


def exported(store, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    export(store, out, fmt, **options)
    return out.getvalue()


def _signature(graph: Graph) -> Counter:
    """The triples of ``graph`` with each blank node replaced by a hash of its surroundings
    (its links and, round after round, its neighbours'), counted: two graphs that differ only
    by the names of their blank nodes have the same signature. This is colour refinement, as
    rdflib.compare does, without its exhaustive tie-breaking, which takes minutes on the
    hundreds of look-alike blank nodes of the SHACL shapes."""
    colour = {term: "" for triple in graph for term in triple if isinstance(term, BNode)}
    show = lambda term: "_:" + colour[term] if isinstance(term, BNode) else term.n3()  # noqa: E731
    distinct = 1
    for _ in range(20):
        links = defaultdict(list)
        for s, p, o in graph:
            if isinstance(s, BNode):
                links[s].append(("out", p.n3(), show(o)))
            if isinstance(o, BNode):
                links[o].append(("in", show(s), p.n3()))
        colour = {b: hashlib.sha1(repr((colour[b], sorted(links[b]))).encode()).hexdigest() for b in colour}
        if len(set(colour.values())) == distinct:
            break
        distinct = len(set(colour.values()))
    return Counter((show(s), show(p), show(o)) for s, p, o in graph)


def same_graph(first: Graph, second: Graph) -> bool:
    """Whether two graphs are the same up to blank node names (see ``_signature``)."""
    return len(first) == len(second) and _signature(first) == _signature(second)


def assert_same_dataset(read: dict[str | None, Graph], expected: dict[str, Graph]):
    assert set(read) == set(expected), set(read) ^ set(expected)
    for name, graph in expected.items():
        assert same_graph(read[name], graph), name


# ---------------------------------------------------------------------------------
# Dumps


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("reader", [rdflib_read, oxigraph_read], ids=["rdflib", "pyoxigraph"])
def test_the_whole_dataset_reads_back_the_same(loaded_store, content, fmt, reader):
    data = exported(loaded_store, fmt)
    read = reader(data, fmt)
    if rdf_format(fmt).holds_graphs:
        assert_same_dataset(read, content)
    else:
        # A triple format of the whole dataset is the union of the named graphs.
        assert set(read) == {None}
        assert same_graph(read[None], union(content.values()))


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("graph", ["ontology", "catalogue"])   # the ontology has blank nodes (OWL lists)
def test_one_graph_reads_back_the_same(loaded_store, content, fmt, graph):
    name = f"https://w3id.org/genskills/graph/{graph}"
    data = exported(loaded_store, fmt, graph=graph)
    for reader in (rdflib_read, oxigraph_read):
        read = reader(data, fmt)
        if rdf_format(fmt).holds_graphs:
            assert_same_dataset(read, {name: content[name]})
        else:
            assert same_graph(read[None], content[name])


def test_jsonld_is_compacted_with_the_published_context(loaded_store):
    document = json.loads(exported(loaded_store, "jsonld", graph="catalogue"))
    assert document["@context"] == load_context()
    (graph,) = document["@graph"]
    courses = [n for n in graph["@graph"] if n.get("@type") == "gsk:Course"]
    assert courses
    for course in courses:
        assert set(course["label"]) == {"fr", "en"}, course["@id"]
        assert course["@id"].startswith("gskd:")
        assert all(c.startswith("gskd:") for c in course.get("coversCompetence", []))


def test_jsonld_expands_with_pyld_from_the_local_context_without_network(loaded_store, content):
    asked = []
    inline = json.loads(exported(loaded_store, "jsonld"))
    assert_same_dataset(pyld_read(inline, asked=asked), content)
    assert asked == []                                   # an inline context: nothing to fetch
    referenced = json.loads(exported(loaded_store, "jsonld", graph="ontology", context_iri=CONTEXT_IRI))
    assert referenced["@context"] == CONTEXT_IRI
    with pytest.raises(jsonld.JsonLdError):
        pyld_read(referenced)                            # the loader refuses the network
    catalogue = json.loads(exported(loaded_store, "jsonld", graph="catalogue", context_iri=CONTEXT_IRI))
    name = "https://w3id.org/genskills/graph/catalogue"
    assert_same_dataset(pyld_read(catalogue, {CONTEXT_IRI: CONTEXT_FILE}, asked), {name: content[name]})
    assert asked == [CONTEXT_IRI]


def test_awkward_terms_survive_every_format(tmp_path):
    """Quotes, backslashes, line breaks, control characters, non-ASCII IRIs, regional language
    tags, unknown datatypes and blank nodes, through the fast N-Triples reader of the JSON-LD writer."""
    store = OxigraphStore(tmp_path / "store")
    g = Graph()
    s, b = URIRef("https://w3id.org/genskills/id/x-été"), BNode()
    for value in (Literal('a "quoted" \\ back\nslash\ttab'), Literal("\u0001 control"), Literal("colour", lang="en-GB"),
                  Literal("x", datatype=URIRef("http://example.org/dt")), Literal("7", datatype=XSD.integer),
                  Literal("2.50", datatype=XSD.decimal), URIRef("http://example.org/p?a=1&b=%3C2%3E&c=é#x"), b):
        g.add((s, URIRef("http://example.org/value"), value))
    g.add((b, RDFS.label, Literal("blank", lang="fr")))
    g.add((s, GSK.ects, Literal("60", datatype=XSD.integer)))   # a term's datatype (decimal) not matched
    store.replace_graphs({"https://w3id.org/genskills/graph/catalogue": g})
    expected = {name: store.read_graph(name) for name in store.graph_names()}
    for fmt in ("jsonld", "nq", "trig", "ttl", "nt"):
        data = exported(store, fmt)
        for reader in (rdflib_read, oxigraph_read):
            read = reader(data, fmt)
            if rdf_format(fmt).holds_graphs:
                assert_same_dataset(read, expected)
            else:
                assert same_graph(read[None], union(expected.values())), (fmt, reader)
    assert_same_dataset(pyld_read(json.loads(exported(store, "jsonld"))), expected)


def test_rdfxml_refuses_a_predicate_it_cannot_name(tmp_path):
    store = OxigraphStore(tmp_path / "store")
    g = Graph()
    g.add((URIRef("http://example.org/s"), URIRef("http://example.org/p/1"), Literal("v")))
    store.replace_graphs({"https://w3id.org/genskills/graph/catalogue": g})
    with pytest.raises(InputError, match=r"<http://example.org/p/1>"):
        exported(store, "xml")
    assert same_graph(rdflib_read(exported(store, "ttl"), "ttl")[None], union(
        store.read_graph(n) for n in store.graph_names()))


def test_unknown_graph_and_format_are_refused(loaded_store):
    with pytest.raises(NotFoundError, match="no graph named 'nope'"):
        exported(loaded_store, "ttl", graph="nope")
    with pytest.raises(InputError, match="unknown RDF format"):
        exported(loaded_store, "n3")


def test_context_defines_every_ontology_property_with_its_kind():
    """Each gsk: property of the ontology has a term that coerces values as its range says."""
    ontology = Graph().parse(ROOT / "ontology" / "genskills.ttl")
    context = load_context()
    by_iri = {}
    for term, definition in context.items():
        definition = {"@id": definition} if isinstance(definition, str) else definition
        iri = definition["@id"]
        if iri.startswith("gsk:"):
            by_iri[str(GSK) + iri[4:]] = definition
    for prop in ontology.subjects(RDF.type, OWL.ObjectProperty):
        if str(prop).startswith(str(GSK)):
            assert by_iri.get(str(prop), {}).get("@type") == "@id", prop
    for prop in ontology.subjects(RDF.type, OWL.DatatypeProperty):
        if not str(prop).startswith(str(GSK)):
            continue
        definition = by_iri.get(str(prop))
        assert definition is not None, prop
        ranges = {str(r) for r in ontology.objects(prop, RDFS.range)}
        if str(RDF.PlainLiteral) in ranges:
            assert definition.get("@container") == "@language", prop
        elif ranges - {str(XSD.string)}:
            assert {definition.get("@type", "").replace("xsd:", str(XSD))} == ranges, prop
    # The context is itself valid JSON-LD: PyLD expands a node with it, offline.
    expanded = jsonld.expand({"@context": context, "@id": "gskd:x", "eqfLevel": "7"},
                             {"documentLoader": refusing_loader()})
    assert expanded[0][str(GSK.eqfLevel)] == [{"@value": "7", "@type": str(XSD.integer)}]


# ---------------------------------------------------------------------------------
# Streaming


def _peak_rss_mb(store_path: Path, fmt: str, out: Path) -> float:
    script = (
        "import resource, sys\n"
        "from genskills.store import OxigraphStore\n"
        "from genskills.transfer import export\n"
        "store = OxigraphStore(sys.argv[1], read_only=True)\n"
        "with open(sys.argv[3], 'wb') as out:\n"
        "    export(store, out, sys.argv[2])\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n")
    done = subprocess.run([sys.executable, "-c", script, str(store_path), fmt, str(out)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return int(done.stdout.split()[-1]) / 1024


@pytest.fixture(scope="module")
def bigger_store(tmp_path_factory):
    """The shipped data plus 3,000 synthetic courses (about 110,000 more triples)."""
    import shutil

    from genskills.loading import load_sources

    root = tmp_path_factory.mktemp("bigger") / "project"
    for folder in ("ontology", "shapes", "data"):
        shutil.copytree(ROOT / folder, root / folder)
    for old in (root / "data" / "synthetic").glob("*.ttl"):
        old.unlink()
    done = subprocess.run([sys.executable, "-m", "genskills", "generate", "--courses", "3000", "--seed", "5",
                           "--out", str(root / "data" / "synthetic" / "courses.ttl")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    path = root.parent / "store"
    store = OxigraphStore(path)
    load_sources(store, root)
    triples = store.count()
    del store
    return path, triples


@pytest.mark.parametrize("fmt", ["ttl", "xml", "jsonld"])
def test_whole_dataset_dump_does_not_grow_with_the_data(loaded_store, bigger_store, tmp_path, fmt):
    """The formats genskills writes graph by graph or node by node: the peak memory of an export
    of 7 times more triples stays within a few MB of the small one (building the union in memory,
    as before, took about 0.45 kB per triple: some 50 MB more here)."""
    small = _peak_rss_mb(loaded_store.path, fmt, tmp_path / f"small.{fmt}")
    path, triples = bigger_store
    assert triples > 7 * loaded_store.count()
    big = _peak_rss_mb(path, fmt, tmp_path / f"big.{fmt}")
    assert big - small < 20, (small, big)


# ---------------------------------------------------------------------------------
# CSV


def table(store, cls, **options) -> list[dict[str, str]]:
    out = io.StringIO()
    export_csv(store, cls, out, **options)
    import csv

    return list(csv.DictReader(io.StringIO(out.getvalue())))


@pytest.mark.parametrize("cls", CSV_CLASSES)
def test_csv_has_one_row_per_instance_with_its_labels(loaded_store, cls):
    rows = table(loaded_store, cls)
    assert len(rows) == collect(loaded_store).classes[cls]
    assert [r["id"] for r in rows] == sorted(r["id"] for r in rows)
    labels = defaultdict(dict)
    for x, label in loaded_store.query(f"""SELECT ?x ?l WHERE {{ GRAPH ?g {{ ?x a <{GSK[cls]}> }}
            GRAPH ?h {{ ?x <{RDFS.label}> ?l }} }}""").rows:
        labels[str(x)][label.language] = str(label)
    for row in rows:
        assert row["iri"] == str(GSKD[row["id"]])
        assert (row["label_fr"], row["label_en"]) == (labels[row["iri"]]["fr"], labels[row["iri"]]["en"])


def test_csv_cells_hold_every_value_of_a_link(loaded_store):
    rows = table(loaded_store, "Course")
    stated = defaultdict(set)
    for course, comp in loaded_store.query(f"""SELECT ?c ?x WHERE {{ GRAPH ?g {{ ?c <{GSK.coversCompetence}> ?x }}
            FILTER(?g != <{INFERRED_GRAPH}>) }}""").rows:
        stated[str(course)].add("gskd:" + str(comp)[len(str(GSKD)):])
    for row in rows:
        cell = row["gsk:coversCompetence"]
        assert set(cell.split(SEPARATOR)) - {""} == stated[row["iri"]], row["id"]


def test_csv_language_option_keeps_one_language(loaded_store):
    header = table(loaded_store, "Course", lang="fr")[0].keys()
    assert "skos:definition_fr" in header and "skos:definition_en" not in header
    assert {"label_fr", "label_en"} <= set(header)
    with pytest.raises(InputError, match="unknown language"):
        table(loaded_store, "Course", lang="de")


def test_csv_is_stable_and_the_zip_holds_every_table(loaded_store):
    first, second = io.StringIO(), io.StringIO()
    export_csv(loaded_store, "Course", first)
    export_csv(loaded_store, "Course", second)
    assert first.getvalue().encode() == second.getvalue().encode()
    archives = [io.BytesIO(), io.BytesIO()]
    for archive in archives:
        export_csv_zip(loaded_store, archive)
    assert archives[0].getvalue() == archives[1].getvalue()
    with zipfile.ZipFile(archives[0]) as opened:
        assert opened.namelist() == [f"{cls}.csv" for cls in CSV_CLASSES]
        assert opened.read("Course.csv").decode("utf-8") == first.getvalue()


def test_csv_unknown_class_names_the_known_ones(loaded_store):
    with pytest.raises(NotFoundError, match="Course"):
        table(loaded_store, "Spaceship")


# ---------------------------------------------------------------------------------
# schema.org / Bioschemas Course


@pytest.fixture(scope="module")
def catalogue(loaded_store) -> dict:
    out = io.StringIO()
    catalogue_as_schemaorg(loaded_store, out, include_illustrative=True)
    return json.loads(out.getvalue())


def _keys(value, context: dict, path="$"):
    """Every key of a JSON-LD value that the context does not define (it would be dropped)."""
    if isinstance(value, list):
        for index, item in enumerate(value):
            yield from _keys(item, context, f"{path}[{index}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            if not key.startswith("@") and key not in context and key.split(":")[0] not in context:
                yield f"{path}.{key}"
            if key != "@context":
                yield from _keys(item, context, f"{path}.{key}")


def test_every_course_has_the_bioschemas_minimum_properties(loaded_store, catalogue):
    courses = catalogue["@graph"]
    assert len(courses) == collect(loaded_store).classes["Course"]
    for course in courses:
        assert course["@type"] == "Course"
        assert course["dct:conformsTo"] == {"@id": BIOSCHEMAS_COURSE}
        for key in ("name", "description", "keywords"):
            assert isinstance(course[key], str) and course[key].strip(), (course["@id"], key)
    assert list(_keys(catalogue, catalogue["@context"])) == []


def test_schemaorg_view_reads_as_schema_course_with_every_parser(loaded_store, catalogue):
    by_rdflib = rdflib_read(json.dumps(catalogue).encode(), "jsonld")[None]
    by_pyld = pyld_read(catalogue)[None]
    assert same_graph(by_rdflib, by_pyld)
    courses = set(by_rdflib.subjects(RDF.type, SCHEMA.Course))
    assert {str(c) for c in courses} == {c["@id"] for c in catalogue["@graph"]}
    for course in courses:
        assert by_rdflib.value(course, DCTERMS.conformsTo) == URIRef(BIOSCHEMAS_COURSE)
        assert by_rdflib.value(course, SCHEMA.name) is not None
    # The published context defines the view's terms the same way.
    published = dict(catalogue, **{"@context": CONTEXT_IRI})
    assert same_graph(pyld_read(published, {CONTEXT_IRI: CONTEXT_FILE})[None], by_pyld)


def test_schemaorg_view_follows_the_data(loaded_store, catalogue):
    views = {c["@id"]: c for c in catalogue["@graph"]}
    rows = loaded_store.query(f"""SELECT ?c ?hours ?ects ?illustrative WHERE {{ GRAPH ?g {{ ?c a <{GSK.Course}> ;
        <{GSK.illustrative}> ?illustrative }} OPTIONAL {{ ?c <{GSK.durationHours}> ?hours }}
        OPTIONAL {{ ?c <{GSK.ects}> ?ects }} }}""").rows
    for course, hours, ects, illustrative in rows:
        view = views[str(course)]
        if hours is None:
            assert "timeRequired" not in view
        else:
            match = re.fullmatch(r"PT(\d+)H(?:(\d+)M)?", view["timeRequired"])
            spent = timedelta(hours=int(match.group(1)), minutes=int(match.group(2) or 0))
            assert spent == timedelta(hours=float(hours))
        if ects is not None:
            assert view["numberOfCredits"]["value"] == float(ects)
        status = view["creativeWorkStatus"]["@id"]
        assert (status == str(GSK.Illustrative)) == bool(illustrative.toPython())
    topics = defaultdict(set)
    for course, topic in loaded_store.query(f"""SELECT DISTINCT ?c ?t WHERE {{
            GRAPH ?g {{ ?c <{GSK.coversCompetence}> ?x }}
            VALUES ?m {{ <{SKOS.exactMatch}> <{SKOS.closeMatch}> <{SKOS.broadMatch}> }}
            GRAPH ?h {{ ?x ?m ?t }} FILTER(STRSTARTS(STR(?t), "http://edamontology.org/")) }}""").rows:
        topics[str(course)].add(str(topic))
    assert topics
    for course, wanted in topics.items():
        assert {t["@id"] for t in views[course]["about"]} == wanted


def test_harvesters_get_only_real_courses_by_default(loaded_store):
    out = io.StringIO()
    written = catalogue_as_schemaorg(loaded_store, out)
    stats = collect(loaded_store)
    assert written == stats.classes["Course"] - stats.illustrative_courses
    assert all(c["creativeWorkStatus"]["@id"] != str(GSK.Illustrative) for c in json.loads(out.getvalue())["@graph"])


def test_one_course_view_and_an_unknown_one(loaded_store, catalogue):
    some = next(c for c in catalogue["@graph"] if "timeRequired" in c)
    single = course_as_schemaorg(loaded_store, some["identifier"])
    assert single["@context"] == schemaorg_context()
    assert {k: v for k, v in single.items() if k != "@context"} == some
    french = course_as_schemaorg(loaded_store, some["@id"], lang="fr")
    label = loaded_store.query(f"""SELECT ?l WHERE {{ GRAPH ?g {{ <{some['@id']}> <{RDFS.label}> ?l }}
        FILTER(LANG(?l) = "fr") }}""").rows[0][0]
    assert french["name"] == str(label)
    with pytest.raises(NotFoundError):
        course_as_schemaorg(loaded_store, "course-does-not-exist")


def test_iso_duration():
    assert iso_duration("0.25") == "PT0H15M" and iso_duration(1) == "PT1H"


# ---------------------------------------------------------------------------------
# SKOS concept scheme


def test_competence_framework_as_a_standalone_skos_scheme(loaded_store):
    scheme = competence_scheme(loaded_store)
    framework = GSKD["competence-framework"]
    assert (framework, RDF.type, SKOS.ConceptScheme) in scheme
    members = {str(x) for (x,) in loaded_store.query(f"""SELECT DISTINCT ?x WHERE {{ GRAPH ?g {{ ?x a ?c }}
        VALUES ?c {{ <{GSK.Competence}> <{GSK.CompetenceDomain}> }} }}""").rows}
    concepts = {str(c) for c in scheme.subjects(RDF.type, SKOS.Concept)}
    assert concepts == members
    assert {str(c) for c in scheme.subjects(SKOS.inScheme, framework)} == members
    stated = {(str(a), str(b)) for a, b in loaded_store.query(f"""SELECT ?a ?b WHERE {{
        GRAPH ?g {{ ?a <{SKOS.broader}> ?b }}
        FILTER(?g != <{INFERRED_GRAPH}>) }}""").rows}
    assert {(str(a), str(b)) for a, b in scheme.subject_objects(SKOS.broader)} == stated
    assert {(str(b), str(a)) for a, b in scheme.subject_objects(SKOS.narrower)} == stated
    domains = {str(x) for (x,) in loaded_store.query(
        f"SELECT ?x WHERE {{ GRAPH ?g {{ ?x a <{GSK.CompetenceDomain}> }} }}").rows}
    assert {str(t) for t in scheme.objects(framework, SKOS.hasTopConcept)} == domains
    for concept in scheme.subjects(RDF.type, SKOS.Concept):
        for prop in (SKOS.prefLabel, SKOS.definition):
            languages = [v.language for v in scheme.objects(concept, prop)]
            # SKOS S14: at most one prefLabel per language; here exactly one in French and in English.
            assert sorted(languages) == ["en", "fr"], (concept, prop)
        seen, todo = set(), list(scheme.objects(concept, SKOS.broader))
        while todo:                         # no concept is broader than itself
            step = todo.pop()
            assert step != concept, concept
            if step not in seen:
                seen.add(step)
                todo += scheme.objects(step, SKOS.broader)
    # Readable without genskills: no gsk: class or property.
    assert not [t for t in scheme if str(t[1]).startswith(str(GSK))
                or (t[1] == RDF.type and str(t[2]).startswith(str(GSK)))]


# ---------------------------------------------------------------------------------
# ESCO view


def test_esco_view_uses_only_aligned_roles_and_their_esco_occupations(loaded_store):
    view = esco_view(loaded_store)
    alignments = Graph().parse(ALIGNMENTS)
    accepted = defaultdict(set)
    for match in (SKOS.exactMatch, SKOS.closeMatch):
        for role, target in alignments.subject_objects(match):
            if str(role).startswith(str(GSKD["role-"])) and str(target).startswith(ESCO_OCCUPATION):
                accepted[target].add(role)
    assert accepted
    skill_props = {ESCO.relatedEssentialSkill, ESCO.relatedOptionalSkill}
    occupations = {s for s, p, _ in view if p in skill_props}
    assert occupations == set(accepted)
    assert {p for _, p, _ in view if str(p).startswith(str(ESCO))} == skill_props
    for occupation, roles in accepted.items():
        values = " ".join(f"<{r}>" for r in roles)
        essential = {c for (c,) in loaded_store.query(f"""SELECT ?c WHERE {{ VALUES ?r {{ {values} }}
            GRAPH ?g {{ ?r <{GSK.hasEssentialCompetence}> ?c }} }}""").rows}
        optional = {c for (c,) in loaded_store.query(f"""SELECT ?c WHERE {{ VALUES ?r {{ {values} }}
            GRAPH ?g {{ ?r <{GSK.hasOptionalCompetence}> ?c }} }}""").rows}
        assert set(view.objects(occupation, ESCO.relatedEssentialSkill)) == essential
        assert set(view.objects(occupation, ESCO.relatedOptionalSkill)) == optional - essential
    # The skills are genskills competences, never an invented ESCO IRI.
    for _, p, skill in view:
        if p in skill_props:
            assert str(skill).startswith(str(GSKD["comp-"])) or str(skill).startswith(str(GSKD["dom-"]))
    esco_iris = {str(x) for t in view for x in t if str(x).startswith("http://data.europa.eu/esco/")
                 and not str(x).startswith(str(ESCO).rstrip("#"))}
    assert esco_iris <= {str(t) for t in alignments.objects()}


# ---------------------------------------------------------------------------------
# DCAT / VoID / PROV


def test_dataset_description_counts_agree_with_stats(loaded_store):
    stats = collect(loaded_store)
    meta = dataset_description(loaded_store, ROOT, base_url="http://127.0.0.1:8080")
    assert (DATASET, RDF.type, DCAT.Dataset) in meta and (None, DCAT.dataset, DATASET) in meta
    assert int(meta.value(DATASET, VOID.triples)) == sum(stats.graphs.values()) == loaded_store.count()
    for name, triples in stats.graphs.items():
        assert int(meta.value(graph_part(name), VOID.triples)) == triples == loaded_store.count(name)
    partitions = {str(meta.value(p, VOID["class"]))[len(str(GSK)):]: int(meta.value(p, VOID.entities))
                  for p in meta.objects(DATASET, VOID.classPartition)}
    assert partitions == {k: v for k, v in stats.classes.items() if v}
    assert str(meta.value(DATASET, URIRef(str(DCAT) + "version"))) == genskills.__version__
    assert meta.value(DATASET, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    for prop in (DCTERMS.title, DCTERMS.description):
        assert {v.language for v in meta.objects(DATASET, prop)} == {"fr", "en"}
    media = {str(meta.value(d, DCAT.mediaType)) for d in meta.objects(DATASET, DCAT.distribution)}
    assert {str(IANA[f.media_type]) for f in RDF_FORMATS} <= media
    assert all(meta.value(d, DCAT.downloadURL) for d in meta.objects(DATASET, DCAT.distribution))


def test_dataset_description_gives_the_provenance_of_each_graph(loaded_store):
    from genskills.sources import SOURCES

    meta = dataset_description(loaded_store, ROOT)
    for source in SOURCES:
        if source.graph not in loaded_store.graph_names():
            continue
        entities = set(meta.objects(graph_part(source.graph), PROV.wasDerivedFrom))
        paths = {str(meta.value(e, DCTERMS.identifier)) for e in entities}
        assert {p.relative_to(ROOT).as_posix() for p in source.files(ROOT)} <= paths, source.name
    roles = GSKD["dataset-roles"]
    assert set(meta.objects(roles, DCTERMS.source))
    for cited in meta.objects(roles, DCTERMS.source):
        assert meta.value(cited, RDFS.label) is not None
    assert set(meta.objects(graph_part(str(INFERRED_GRAPH)), PROV.wasDerivedFrom)) == {
        graph_part(n) for n in loaded_store.graph_names() if n != str(INFERRED_GRAPH)}


# ---------------------------------------------------------------------------------
# HTML documentation


def test_ontology_docs_in_both_languages_load_nothing_remote(tmp_path):
    written = write_ontology_docs(ROOT, tmp_path / "docs")
    ontology = Graph().parse(ROOT / "ontology" / "genskills.ttl")
    labels = {lang: str(next(v for v in ontology.objects(GSK.Course, RDFS.label) if v.language == lang))
              for lang in ("fr", "en")}
    assert labels["fr"] != labels["en"]
    pages = {lang: written[lang].read_text(encoding="utf-8") for lang in ("fr", "en")}
    for lang, page in pages.items():
        other = "en" if lang == "fr" else "fr"
        assert f'<html lang="{lang}">' in page
        assert f">{labels[lang]}<" in page and f">{labels[other]}<" not in page, lang
        assert external_loads(page) == []
    index = written["index"].read_text(encoding="utf-8")
    assert 'href="index-fr.html"' in index and 'href="index-en.html"' in index
    # The check itself finds what a browser would fetch.
    assert external_loads('<link rel="stylesheet" href="https://cdn.example.org/x.css">')
    assert external_loads("<style>@import url('https://fonts.example.org/f.css');</style>")
    assert not external_loads('<a href="https://pfmg2025.aviesan.fr/">PFMG</a>')
