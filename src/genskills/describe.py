"""SPARQL 1.1 Service Description and VoID statistics of a store."""

from __future__ import annotations

from urllib.parse import quote

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, VOID, XSD

from .namespaces import BASE, GSK, PREFIXES, STAGING_PREFIX
from .store import Store

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
DATASET = URIRef(BASE + "dataset")

RESULT_FORMATS = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                  "Turtle", "N-Triples", "JSON-LD", "RDF_XML", "TriG", "N-Quads")


def void_graph(store: Store, *, endpoint: str | None = None) -> Graph:
    """VoID description of the dataset: triples per graph and members per genskills class."""
    graph = Graph()
    graph.bind("void", VOID)
    graph.bind("sd", SD)
    graph.bind("dct", DCTERMS)
    graph.add((DATASET, RDF.type, VOID.Dataset))
    graph.add((DATASET, DCTERMS.title, Literal("genskills: compétences, rôles et formations de la médecine génomique", lang="fr")))
    graph.add((DATASET, DCTERMS.title, Literal("genskills: skills, roles and courses of genomic medicine", lang="en")))
    graph.add((DATASET, VOID.uriSpace, Literal(PREFIXES["gskd"])))
    graph.add((DATASET, VOID.vocabulary, URIRef(PREFIXES["gsk"].rstrip("#"))))
    if endpoint:
        graph.add((DATASET, VOID.sparqlEndpoint, URIRef(endpoint)))
    not_staging = f'FILTER(!STRSTARTS(STR(?g), "{STAGING_PREFIX}"))'
    totals = store.query(f"""SELECT (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?subjects)
        (COUNT(DISTINCT ?p) AS ?properties) (COUNT(DISTINCT ?o) AS ?objects)
        WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {not_staging} }}""").rows[0]
    for prop, value in zip((VOID.triples, VOID.distinctSubjects, VOID.properties, VOID.distinctObjects), totals):
        graph.add((DATASET, prop, Literal(int(value), datatype=XSD.integer)))
    per_graph = store.query(f"""SELECT ?g (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {not_staging} }}
        GROUP BY ?g ORDER BY ?g""").rows
    for name, count in per_graph:
        graph.add((DATASET, VOID.subset, graph_part(str(name))))
        graph.add((graph_part(str(name)), RDF.type, VOID.Dataset))
        graph.add((graph_part(str(name)), VOID.triples, Literal(int(count), datatype=XSD.integer)))
    (all_classes,), = store.query(f"""SELECT (COUNT(DISTINCT ?class) AS ?n) WHERE {{
        GRAPH ?g {{ ?x a ?class }} {not_staging} }}""").rows
    graph.add((DATASET, VOID.classes, Literal(int(all_classes), datatype=XSD.integer)))
    classes = store.query(f"""SELECT ?class (COUNT(DISTINCT ?x) AS ?n) WHERE {{
        GRAPH ?g {{ ?x a ?class }} {not_staging} FILTER(STRSTARTS(STR(?class), "{GSK}")) }}
        GROUP BY ?class ORDER BY ?class""").rows
    for cls, count in classes:
        part = URIRef(f"{DATASET}/class/{str(cls)[len(str(GSK)):]}")
        graph.add((DATASET, VOID.classPartition, part))
        graph.add((part, VOID["class"], cls))
        graph.add((part, VOID.entities, Literal(int(count), datatype=XSD.integer)))
    return graph


def graph_part(name: str) -> URIRef:
    """The VoID subset that describes one named graph (its full name, percent-encoded)."""
    return URIRef(f"{DATASET}/graph/{quote(name, safe='')}")


def service_description(store: Store, endpoint: str, *, update_endpoint: str | None) -> Graph:
    """SPARQL 1.1 Service Description of the endpoint, with the VoID statistics."""
    graph = void_graph(store, endpoint=endpoint)
    graph.bind("sd", SD)
    service = URIRef(endpoint + "#service")
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, URIRef(endpoint)))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    for fmt in RESULT_FORMATS:
        graph.add((service, SD.resultFormat, FORMATS[fmt]))
    default_dataset = BNode()
    graph.add((service, SD.defaultDataset, default_dataset))
    graph.add((default_dataset, RDF.type, SD.Dataset))
    default_graph = BNode()
    graph.add((default_dataset, SD.defaultGraph, default_graph))
    graph.add((default_graph, RDF.type, SD.Graph))
    graph.add((default_graph, VOID.triples, graph.value(DATASET, VOID.triples)))
    for (name,) in store.query(f"""SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }}
            FILTER(!STRSTARTS(STR(?g), "{STAGING_PREFIX}")) }} ORDER BY ?g""").rows:
        named = BNode()
        graph.add((default_dataset, SD.namedGraph, named))
        graph.add((named, RDF.type, SD.NamedGraph))
        graph.add((named, SD.name, name))
        graph.add((named, SD.graph, graph_part(str(name))))   # its VoID statistics
    if update_endpoint:
        updates = URIRef(update_endpoint + "#service")
        graph.add((updates, RDF.type, SD.Service))
        graph.add((updates, SD.endpoint, URIRef(update_endpoint)))
        graph.add((updates, SD.supportedLanguage, SD.SPARQL11Update))
        graph.add((updates, SD.defaultDataset, default_dataset))
    return graph
