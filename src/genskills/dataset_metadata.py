"""DCAT description of the genskills dataset, with its VoID statistics and the provenance of each graph.

One ``dcat:Catalog`` holds one ``dcat:Dataset`` (the same resource as the VoID dataset of
``/.well-known/void``, ``https://w3id.org/genskills/dataset``), with:

- titles and descriptions in French and English, the licence (CC BY 4.0 for the ontology
  and data, as the README states), the version (the package's), ``dct:modified`` (the
  latest date the source files state) and keywords;
- one ``dcat:Distribution`` per export (each RDF format, the CSV tables, the schema.org,
  SKOS and ESCO views), with its media type; download addresses only when the server's
  base URL is given, since they are the server's routes;
- the VoID statistics of ``describe.void_graph`` (triples, entities, class partitions, one
  subset per named graph), so that the counts are those of ``genskills stats``;
- for each named graph: the files it is built from (``dct:identifier`` their path) and the
  data-set resource each file describes itself with (``gskd:dataset-*``, or the ontology /
  shapes header), with the sources they cite (``data/reference/sources.ttl``), linked by
  ``prov:wasDerivedFrom``; the derived graph is derived from all the others.

Not stated, because the repository does not state them: a publisher and a contact point
(DCAT-AP asks for them: the project has to name them), an issue date, and when each graph
was loaded (the store does not record it; file modification times in a checkout are the
checkout's, not the data's, so the editorial ``dct:modified`` of each file is given instead).
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, VOID, XSD

from . import __version__
from .csv_export import stated
from .describe import DATASET, FORMATS, graph_part, void_graph
from .formats import RDF_FORMATS
from .interop import BIOSCHEMAS_COURSE, ESCO
from .namespaces import BASE, INFERRED_GRAPH
from .sources import SOURCES
from .stats import Stats, collect
from .store import Store

CATALOG = URIRef(BASE + "catalog")
LICENCE = URIRef("https://creativecommons.org/licenses/by/4.0/")
IANA = Namespace("https://www.iana.org/assignments/media-types/")
#: dcat:version is DCAT 3 (2024), which rdflib's DCAT namespace does not list yet.
DCAT_VERSION = URIRef(str(DCAT) + "version")
#: W3C format IRIs (http://www.w3.org/ns/formats/) of the RDF formats, by key.
W3C_FORMAT = {"ttl": "Turtle", "nt": "N-Triples", "nq": "N-Quads", "trig": "TriG", "jsonld": "JSON-LD",
              "xml": "RDF_XML"}
FORMAT_NAMES = {"ttl": "Turtle", "nt": "N-Triples", "nq": "N-Quads", "trig": "TriG", "jsonld": "JSON-LD",
                "xml": "RDF/XML"}
#: French of the source descriptions of ``sources.py`` (which are in English only).
GRAPH_DESCRIPTIONS_FR = {
    "ontology": "l'ontologie OWL",
    "shapes": "les formes SHACL",
    "reference": "données de référence : parcours de soins, compétences, rôles, types de formation, régions, "
                 "sources",
    "alignments": "alignements vers EDAM, ESCO et Wikidata (le choix de chaque lien est une proposition)",
    "catalogue": "établissements et formations réelles, sourcées",
    "illustrative": "formations illustratives (pas des offres réelles) et les établissements auxquels seules elles "
                    "se rattachent",
    "synthetic": "formations synthétiques produites par genskills generate (pour les mesures ; signalées, "
                 "pas réelles)",
}
KEYWORDS = {"fr": ("médecine génomique", "compétences", "formations", "rôles professionnels", "PFMG 2025"),
            "en": ("genomic medicine", "competences", "training courses", "professional roles", "PFMG 2025")}


def _text(fr: str, en: str) -> list[Literal]:
    return [Literal(fr, lang="fr"), Literal(en, lang="en")]


def distribution_iri(key: str) -> URIRef:
    return URIRef(f"{DATASET}/distribution/{key}")


#: The views and tables beside the RDF dumps: key -> (media type, conforms to, fr title, en title, route).
VIEWS = {
    "csv": ("application/zip", None, "Tables CSV, une par classe (archive zip)",
            "CSV tables, one per class (zip archive)", "export/csv.zip"),
    "schemaorg": ("application/ld+json", BIOSCHEMAS_COURSE,
                  "Formations en schema.org Course (profil Bioschemas Course 1.0-RELEASE)",
                  "Courses as schema.org Course (Bioschemas Course profile 1.0-RELEASE)", "export/schemaorg.jsonld"),
    "skos": ("text/turtle", "http://www.w3.org/2004/02/skos/core", "Référentiel de compétences en SKOS",
             "Competence framework as a SKOS concept scheme", "export/skos.ttl"),
    "esco": ("text/turtle", str(ESCO).rstrip("#"), "Compétences des rôles dans le modèle ESCO",
             "Role competences in the ESCO model", "export/esco.ttl"),
}


def _distributions(graph: Graph, base_url: str | None) -> None:
    for fmt in RDF_FORMATS:
        node = distribution_iri(fmt.key)
        graph.add((DATASET, DCAT.distribution, node))
        graph.add((node, RDF.type, DCAT.Distribution))
        name = FORMAT_NAMES[fmt.key]
        scope_fr = "graphes nommés conservés" if fmt.holds_graphs else "union des graphes nommés"
        scope_en = "named graphs kept" if fmt.holds_graphs else "union of the named graphs"
        for title in _text(f"genskills en {name} ({scope_fr})", f"genskills in {name} ({scope_en})"):
            graph.add((node, DCTERMS.title, title))
        graph.add((node, DCAT.mediaType, IANA[fmt.media_type]))
        graph.add((node, DCTERMS["format"], FORMATS[W3C_FORMAT[fmt.key]]))
        graph.add((node, DCTERMS.license, LICENCE))
        if base_url:
            url = URIRef(f"{base_url.rstrip('/')}/export?format={fmt.key}")
            graph.add((node, DCAT.accessURL, url))
            graph.add((node, DCAT.downloadURL, url))
            if fmt.key == "nq":
                graph.add((DATASET, VOID.dataDump, url))
    for key, (media, conforms, title_fr, title_en, route) in VIEWS.items():
        node = distribution_iri(key)
        graph.add((DATASET, DCAT.distribution, node))
        graph.add((node, RDF.type, DCAT.Distribution))
        for title in _text(title_fr, title_en):
            graph.add((node, DCTERMS.title, title))
        graph.add((node, DCAT.mediaType, IANA[media]))
        graph.add((node, DCTERMS.license, LICENCE))
        if conforms:
            graph.add((node, DCTERMS.conformsTo, URIRef(conforms)))
        if base_url:
            url = URIRef(f"{base_url.rstrip('/')}/{route}")
            graph.add((node, DCAT.accessURL, url))
            graph.add((node, DCAT.downloadURL, url))


#: What is copied of each file's own description, and of the sources it cites.
FILE_PROPERTIES = (DCTERMS.title, DCTERMS.description, DCTERMS.license, DCTERMS.modified, DCTERMS.source,
                   RDFS.label, OWL.versionInfo, OWL.versionIRI)
SOURCE_PROPERTIES = (RDFS.label, FOAF.page, DCTERMS.bibliographicCitation, SKOS.notation)


def _file_resources(store: Store, graph_name: str) -> dict[str, URIRef]:
    """The resources a graph's files describe themselves with: ``dataset-<stem>`` notation -> IRI,
    and ``owl:Ontology`` headers under the key ``ontology``."""
    found = {}
    for resource, kind, notation in store.query(f"""SELECT ?d ?kind ?n WHERE {{
            VALUES ?kind {{ <{VOID.Dataset}> <{OWL.Ontology}> }}
            GRAPH <{graph_name}> {{ ?d a ?kind OPTIONAL {{ ?d <{SKOS.notation}> ?n }} }} }}""").rows:
        key = str(notation) if notation is not None else ("ontology" if kind == OWL.Ontology else str(resource))
        found.setdefault(key, resource)
    return found


def _copy(store: Store, graph: Graph, subjects: set, properties) -> None:
    if not subjects:
        return
    values = " ".join(f"<{s}>" for s in sorted(subjects))
    props = " ".join(f"<{p}>" for p in properties)
    for subject, prop, value in store.query(f"""SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {values} }}
            VALUES ?p {{ {props} }} GRAPH ?g {{ ?s ?p ?o }} {stated('?g')} }}""").rows:
        graph.add((subject, prop, value))


def _provenance(store: Store, graph: Graph, root: Path, graph_names: list[str]) -> list[Literal]:
    """The provenance of each named graph; the ``dct:modified`` dates the files state."""
    dates = []
    described = set()
    for source in SOURCES:
        if source.graph not in graph_names:
            continue
        part = graph_part(source.graph)
        graph.add((part, DCTERMS.identifier, Literal(source.graph)))
        graph.add((part, DCTERMS.description, Literal(source.description, lang="en")))
        if source.name in GRAPH_DESCRIPTIONS_FR:
            graph.add((part, DCTERMS.description, Literal(GRAPH_DESCRIPTIONS_FR[source.name], lang="fr")))
        resources = _file_resources(store, source.graph)
        for path in source.files(root):
            relative = path.relative_to(root).as_posix()
            resource = resources.get(f"dataset-{path.stem}") or (
                resources.get("ontology") if source.name in ("ontology", "shapes") else None)
            entity = resource if resource is not None else URIRef(f"{DATASET}/file/{relative}")
            graph.add((part, PROV.wasDerivedFrom, entity))
            graph.add((entity, RDF.type, PROV.Entity))
            graph.add((entity, DCTERMS.identifier, Literal(relative)))
            if resource is not None:
                described.add(resource)
    _copy(store, graph, described, FILE_PROPERTIES)
    cited = {value for resource in described for value in graph.objects(resource, DCTERMS.source)
             if isinstance(value, URIRef)}
    _copy(store, graph, cited, SOURCE_PROPERTIES)
    for resource in described:
        dates += [value for value in graph.objects(resource, DCTERMS.modified)]
    inferred = graph_part(str(INFERRED_GRAPH))
    if str(INFERRED_GRAPH) in graph_names:
        graph.add((inferred, DCTERMS.identifier, Literal(str(INFERRED_GRAPH))))
        for name in graph_names:
            if name != str(INFERRED_GRAPH):
                graph.add((inferred, PROV.wasDerivedFrom, graph_part(name)))
        for text in _text("Faits dérivés par genskills à chaque écriture (liens inverses, clôtures, comptes).",
                          "Facts genskills derives on every write (inverse links, closures, counts)."):
            graph.add((inferred, DCTERMS.description, text))
    return dates


def dataset_description(store: Store, root: Path, *, base_url: str | None = None,
                        stats: Stats | None = None) -> Graph:
    """DCAT + VoID + PROV description of the dataset the store holds (see the module docstring).

    ``root`` is the project folder whose files the graphs come from; ``base_url`` the server's
    address (``http://127.0.0.1:8080``), for the download links of the distributions.
    """
    stats = stats or collect(store)
    graph = void_graph(store, stats=stats)
    for prefix, namespace in (("dcat", DCAT), ("dct", DCTERMS), ("prov", PROV), ("foaf", FOAF), ("owl", OWL),
                              ("formats", FORMATS), ("skos", SKOS), ("rdfs", RDFS)):
        graph.bind(prefix, namespace)
    graph.add((CATALOG, RDF.type, DCAT.Catalog))
    for title in _text("Catalogue genskills", "genskills catalogue"):
        graph.add((CATALOG, DCTERMS.title, title))
    for text in _text("Le graphe de connaissances genskills et ses exports.",
                      "The genskills knowledge graph and its exports."):
        graph.add((CATALOG, DCTERMS.description, text))
    graph.add((CATALOG, DCTERMS.license, LICENCE))
    graph.add((CATALOG, DCAT.dataset, DATASET))
    graph.add((DATASET, RDF.type, DCAT.Dataset))
    for text in _text(
            "Graphe de connaissances des compétences, des rôles professionnels et des formations de la médecine "
            "génomique en France (PFMG 2025) : ontologie OWL, formes SHACL, données de référence et catalogue de "
            "formations. Le référentiel de compétences, les rôles et les alignements sont des propositions ; les "
            "formations illustratives ne sont pas des offres réelles.",
            "Knowledge graph of the competences, professional roles and training courses of genomic medicine in "
            "France (PFMG 2025): OWL ontology, SHACL shapes, reference data and course catalogue. The competence "
            "framework, the roles and the alignments are proposals; illustrative courses are not real offers."):
        graph.add((DATASET, DCTERMS.description, text))
    graph.add((DATASET, DCTERMS.license, LICENCE))
    graph.add((DATASET, DCAT_VERSION, Literal(__version__)))
    graph.add((DATASET, OWL.versionInfo, Literal(__version__)))
    graph.add((DATASET, DCTERMS.conformsTo, URIRef(BASE + "ontology")))
    for lang, words in KEYWORDS.items():
        for word in words:
            graph.add((DATASET, DCAT.keyword, Literal(word, lang=lang)))
    _distributions(graph, base_url)
    dates = _provenance(store, graph, Path(root), list(stats.graphs))
    if dates:
        graph.add((DATASET, DCTERMS.modified, Literal(max(str(d)[:10] for d in dates), datatype=XSD.date)))
    return graph

