"""SPARQL 1.1 Service Description and VoID statistics of a store."""

from __future__ import annotations

from urllib.parse import quote

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, VOID, XSD

from .namespaces import BASE, GSK, PREFIXES
from .stats import Stats, collect
from .store import NOT_STAGING, Store

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
DATASET = URIRef(BASE + "dataset")

RESULT_FORMATS = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                  "Turtle", "N-Triples", "JSON-LD", "RDF_XML", "TriG", "N-Quads")


def void_graph(store: Store, *, endpoint: str | None = None, stats: Stats | None = None) -> Graph:
    """VoID description of the dataset: triples per graph and members per genskills class."""
    stats = stats or collect(store)
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
    totals = store.query(f"""SELECT (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?subjects)
        (COUNT(DISTINCT ?p) AS ?properties) (COUNT(DISTINCT ?o) AS ?objects) (COUNT(DISTINCT ?class) AS ?classes)
        WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {NOT_STAGING}
                 # IF over the unbound ?none is an error, which leaves ?class unbound
                 BIND(IF(?p = <{RDF.type}>, ?o, ?none) AS ?class) }}""").rows[0]
    for prop, value in zip((VOID.triples, VOID.distinctSubjects, VOID.properties, VOID.distinctObjects,
                            VOID.classes), totals):
        graph.add((DATASET, prop, Literal(int(value), datatype=XSD.integer)))
    for name, count in stats.graphs.items():
        graph.add((DATASET, VOID.subset, graph_part(name)))
        graph.add((graph_part(name), RDF.type, VOID.Dataset))
        graph.add((graph_part(name), VOID.triples, Literal(count, datatype=XSD.integer)))
    for name, count in sorted(stats.classes.items()):
        if not count:
            continue
        part = URIRef(f"{DATASET}/class/{name}")
        graph.add((DATASET, VOID.classPartition, part))
        graph.add((part, VOID["class"], GSK[name]))
        graph.add((part, VOID.entities, Literal(count, datatype=XSD.integer)))
    return graph


def graph_part(name: str) -> URIRef:
    """The VoID subset that describes one named graph (its full name, percent-encoded)."""
    return URIRef(f"{DATASET}/graph/{quote(name, safe='')}")


def service_description(store: Store, endpoint: str, *, update_endpoint: str | None) -> Graph:
    """SPARQL 1.1 Service Description of the endpoint, with the VoID statistics."""
    stats = collect(store)
    graph = void_graph(store, endpoint=endpoint, stats=stats)
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
    for name in stats.graphs:
        named = BNode()
        graph.add((default_dataset, SD.namedGraph, named))
        graph.add((named, RDF.type, SD.NamedGraph))
        graph.add((named, SD.name, URIRef(name)))
        graph.add((named, SD.graph, graph_part(name)))   # its VoID statistics
    if update_endpoint:
        updates = URIRef(update_endpoint + "#service")
        graph.add((updates, RDF.type, SD.Service))
        graph.add((updates, SD.endpoint, URIRef(update_endpoint)))
        graph.add((updates, SD.supportedLanguage, SD.SPARQL11Update))
        graph.add((updates, SD.defaultDataset, default_dataset))
    return graph
