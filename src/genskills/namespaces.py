"""IRIs and prefixes, defined once (see docs/model.md)."""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, VOID, XSD

BASE = "https://w3id.org/genskills/"
GSK = Namespace(BASE + "ontology#")
GSKD = Namespace(BASE + "id/")
GSKSH = Namespace(BASE + "shapes#")
GRAPH = Namespace(BASE + "graph/")
SCHEMA = Namespace("https://schema.org/")
VANN = Namespace("http://purl.org/vocab/vann/")
SH = Namespace("http://www.w3.org/ns/shacl#")

ONTOLOGY_IRI = BASE + "ontology"

#: Graph that holds what the store derives from the sources (inverse links);
#: rebuilt in the same transaction as every load.
INFERRED_GRAPH = GRAPH["inferred"]

#: Prefix of the temporary graphs a load writes before it swaps them in.
STAGING_PREFIX = BASE + "graph/staging/"

PREFIXES: dict[str, str] = {
    "dct": str(DCTERMS),
    "foaf": str(FOAF),
    "gsk": str(GSK),
    "gskd": str(GSKD),
    "gsksh": str(GSKSH),
    "owl": str(OWL),
    "prov": str(PROV),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "schema": str(SCHEMA),
    "sh": str(SH),
    "skos": str(SKOS),
    "vann": str(VANN),
    "void": str(VOID),
    "xsd": str(XSD),
}


def sparql_prefixes() -> str:
    """The PREFIX lines of every genskills query."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in sorted(PREFIXES.items()))


def compact(iri: str) -> str:
    """``iri`` as a prefixed name where a known prefix fits, else ``<iri>``.

    >>> compact("https://w3id.org/genskills/id/role-nurse")
    'gskd:role-nurse'
    """
    best = None
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and (best is None or len(ns) > len(PREFIXES[best])):
            local = iri[len(ns):]
            if local and all(c.isalnum() or c in "-_." for c in local) and not local.endswith("."):
                best = prefix
    if best is None:
        return f"<{iri}>"
    return f"{best}:{iri[len(PREFIXES[best]):]}"
