"""What the graph says about one resource: its description as RDF, and as a view for its web page.

Both read the stated graphs only (not the derived one, not staging graphs): the page and
the RDF a client gets when it dereferences a genskills IRI say what the sources say. The
links that point *to* the resource are given too (a competence's page lists the courses
that cover it), so the RDF is the symmetric description of the resource: every stated
triple with the resource as subject or as object.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef

from .errors import QueryError
from .namespaces import GSK, INFERRED_GRAPH, STAGING_PREFIX
from .safety import is_absolute_iri

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DEFINITIONS = (f"{SKOS}definition", "http://www.w3.org/2000/01/rdf-schema#comment")
#: The SKOS mapping properties: links to EDAM, ESCO and other vocabularies.
ALIGNMENTS = tuple(f"{SKOS}{name}" for name in ("exactMatch", "closeMatch", "broadMatch", "narrowMatch",
                                                  "relatedMatch"))
#: At most this many resources are listed per incoming property (a region has every course
#: taught there); the page says how many there are in all.
MAX_INCOMING = 200

#: Labels of the standard properties the ontology does not label itself.
STANDARD_LABELS = {
    RDF_TYPE: {"fr": "type", "en": "type"},
    RDFS_LABEL: {"fr": "libellé", "en": "label"},
    f"{SKOS}prefLabel": {"fr": "libellé préféré", "en": "preferred label"},
    f"{SKOS}definition": {"fr": "définition", "en": "definition"},
    f"{SKOS}notation": {"fr": "notation", "en": "notation"},
    f"{SKOS}note": {"fr": "note", "en": "note"},
    f"{SKOS}editorialNote": {"fr": "note éditoriale", "en": "editorial note"},
    f"{SKOS}changeNote": {"fr": "note de changement", "en": "change note"},
    f"{SKOS}broader": {"fr": "concept plus large", "en": "broader concept"},
    f"{SKOS}narrower": {"fr": "concept plus spécifique", "en": "narrower concept"},
    f"{SKOS}inScheme": {"fr": "dans le schéma", "en": "in scheme"},
    f"{SKOS}topConceptOf": {"fr": "concept de tête de", "en": "top concept of"},
    f"{SKOS}hasTopConcept": {"fr": "concept de tête", "en": "top concept"},
    f"{SKOS}exactMatch": {"fr": "correspondance exacte", "en": "exact match"},
    f"{SKOS}closeMatch": {"fr": "correspondance proche", "en": "close match"},
    f"{SKOS}broadMatch": {"fr": "correspondance plus large", "en": "broad match"},
    f"{SKOS}narrowMatch": {"fr": "correspondance plus spécifique", "en": "narrow match"},
    f"{SKOS}relatedMatch": {"fr": "correspondance associée", "en": "related match"},
    "http://purl.org/dc/terms/source": {"fr": "source", "en": "source"},
    "http://purl.org/dc/terms/modified": {"fr": "modifié le", "en": "modified"},
    "http://purl.org/dc/terms/title": {"fr": "titre", "en": "title"},
    "http://purl.org/dc/terms/isReplacedBy": {"fr": "remplacé par", "en": "replaced by"},
    "http://www.w3.org/2002/07/owl#deprecated": {"fr": "obsolète", "en": "deprecated"},
    "http://www.w3.org/2000/01/rdf-schema#subClassOf": {"fr": "sous-classe de", "en": "subclass of"},
    "http://www.w3.org/2000/01/rdf-schema#seeAlso": {"fr": "voir aussi", "en": "see also"},
}


def _stated(graph_var: str = "?g") -> str:
    return (f'FILTER({graph_var} != <{INFERRED_GRAPH}> && !STRSTARTS(STR({graph_var}), "{STAGING_PREFIX}"))')


def description_query(iri: str) -> str:
    """A CONSTRUCT of every stated triple with ``iri`` as subject or object."""
    iri = _checked(iri)
    return f"""CONSTRUCT {{ <{iri}> ?p ?o . ?s ?q <{iri}> }} WHERE {{
  {{ GRAPH ?g {{ <{iri}> ?p ?o }} {_stated()} }}
  UNION {{ GRAPH ?g {{ ?s ?q <{iri}> }} {_stated()} }}
}}"""


@dataclass
class Value:
    """One object of a link: an IRI with its labels, or a literal."""

    term: URIRef | Literal
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def is_iri(self) -> bool:
        return isinstance(self.term, URIRef)

    def label(self, lang: str) -> str:
        if isinstance(self.term, Literal):
            return str(self.term)
        return self.labels.get(lang) or self.labels.get("fr") or self.labels.get("en") or str(self.term)


@dataclass
class Link:
    property: str
    labels: dict[str, str]
    values: list[Value]
    total: int                       # values in the graph (more than listed for a big incoming link)

    def label(self, lang: str) -> str:
        return self.labels.get(lang) or self.labels.get("en") or self.property


@dataclass
class ResourceView:
    iri: str
    labels: dict[str, str]
    definitions: dict[str, str]
    types: list[Value]
    outgoing: list[Link]
    incoming: list[Link]
    alignments: list[Link]

    def label(self, lang: str) -> str:
        return self.labels.get(lang) or self.labels.get("fr") or self.labels.get("en") or self.iri

    @property
    def illustrative(self) -> bool:
        return any(link.property == str(GSK.illustrative) and any(v.term.toPython() is True for v in link.values)
                   for link in self.outgoing)


def _checked(iri: str) -> str:
    """``iri`` if it can go between angle brackets in a query as one IRI, else QueryError."""
    if not is_absolute_iri(iri):
        raise QueryError(f"not an IRI: {iri!r}")
    return iri


def describe(run, iri: str) -> ResourceView | None:
    """The view of ``iri`` (None when no stated triple mentions it). ``run`` answers a SELECT."""
    iri = _checked(iri)
    outgoing = run(f"""SELECT DISTINCT ?p ?o WHERE {{ GRAPH ?g {{ <{iri}> ?p ?o }} {_stated()} }}
                       ORDER BY ?p ?o""").rows
    totals = run(f"""SELECT ?q (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?q <{iri}> }} {_stated()} }}
                     GROUP BY ?q""").rows
    if not outgoing and not totals:
        return None
    incoming: dict[str, list] = defaultdict(list)
    for prop, _ in totals:
        rows = run(f"""SELECT DISTINCT ?s WHERE {{ GRAPH ?g {{ ?s <{prop}> <{iri}> }} {_stated()} }}
                       ORDER BY ?s LIMIT {MAX_INCOMING}""").rows
        incoming[str(prop)] = [s for (s,) in rows]
    named = {str(o) for _, o in outgoing if isinstance(o, URIRef)} | {str(p) for p, _ in outgoing}
    named |= {str(s) for subjects in incoming.values() for s in subjects} | {str(q) for q, _ in totals}
    labels = _labels(run, named | {iri})

    def value(term) -> Value:
        return Value(term, labels.get(str(term), {}))

    def link(prop: str, values: list, total: int) -> Link:
        return Link(prop, labels.get(prop) or STANDARD_LABELS.get(prop, {}), values, total)

    by_property: dict[str, list] = defaultdict(list)
    for prop, obj in outgoing:
        by_property[str(prop)].append(obj)
    own_labels = {o.language: str(o) for o in by_property.pop(RDFS_LABEL, []) if getattr(o, "language", None)}
    definitions = {}
    for prop in DEFINITIONS:
        for obj in by_property.pop(prop, []):
            if getattr(obj, "language", None):
                definitions.setdefault(obj.language, str(obj))
    types = [value(t) for t in by_property.pop(RDF_TYPE, [])]
    alignments = [link(p, [value(o) for o in by_property.pop(p)], 0) for p in ALIGNMENTS if p in by_property]
    for alignment in alignments:
        alignment.total = len(alignment.values)
    out_links = [link(p, [value(o) for o in objs], len(objs)) for p, objs in sorted(by_property.items())]
    in_links = [link(p, sorted((value(s) for s in subjects), key=lambda v: v.label("fr").casefold()),
                     next(int(n) for q, n in totals if str(q) == p))
                for p, subjects in sorted(incoming.items())]
    return ResourceView(iri, own_labels, definitions, types, out_links, in_links, alignments)


def _labels(run, iris: set[str]) -> dict[str, dict[str, str]]:
    """The rdfs:label of each IRI, by language (any graph: the alignments label EDAM terms)."""
    found: dict[str, dict[str, str]] = defaultdict(dict)
    iris = sorted(i for i in iris if is_absolute_iri(i))
    for start in range(0, len(iris), 500):   # VALUES lists of a bounded size
        values = " ".join(f"<{i}>" for i in iris[start:start + 500])
        for subject, label in run(f"""SELECT ?s ?label WHERE {{ VALUES ?s {{ {values} }}
                                         ?s <{RDFS_LABEL}> ?label }}""").rows:
            if getattr(label, "language", None):
                found[str(subject)].setdefault(label.language, str(label))
    return found


def description_graph(construct, iri: str) -> Graph:
    """The stated triples about ``iri`` as an rdflib Graph; ``construct`` answers a CONSTRUCT."""
    return construct(description_query(iri)).graph
