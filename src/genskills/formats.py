"""The RDF and query-result formats genskills reads and writes (pure data)."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import InputError


@dataclass(frozen=True)
class RdfFormat:
    key: str             # the short name users type: ttl, nt, ...
    media_type: str
    suffixes: tuple[str, ...]
    rdflib_name: str
    oxigraph_name: str    # attribute of pyoxigraph.RdfFormat
    holds_graphs: bool    # True for quad formats (N-Quads, TriG, JSON-LD datasets)


RDF_FORMATS: tuple[RdfFormat, ...] = (
    RdfFormat("ttl", "text/turtle", (".ttl",), "turtle", "TURTLE", False),
    RdfFormat("nt", "application/n-triples", (".nt",), "nt", "N_TRIPLES", False),
    RdfFormat("nq", "application/n-quads", (".nq",), "nquads", "N_QUADS", True),
    RdfFormat("trig", "application/trig", (".trig",), "trig", "TRIG", True),
    RdfFormat("jsonld", "application/ld+json", (".jsonld", ".json"), "json-ld", "JSON_LD", True),
    RdfFormat("xml", "application/rdf+xml", (".rdf", ".owl", ".xml"), "xml", "RDF_XML", False),
)


def rdf_format(key: str) -> RdfFormat:
    """The format with short name ``key``.

    :raises InputError: for an unknown name, listing the known ones.
    """
    for fmt in RDF_FORMATS:
        if fmt.key == key:
            return fmt
    raise InputError(f"unknown RDF format {key!r}; use one of {', '.join(f.key for f in RDF_FORMATS)}")


def format_for_path(path: str) -> RdfFormat:
    """The format a file name implies by its suffix.

    >>> format_for_path("data/x.ttl").key
    'ttl'
    """
    lower = path.lower()
    for fmt in RDF_FORMATS:
        if lower.endswith(fmt.suffixes):
            return fmt
    known = ", ".join(s for f in RDF_FORMATS for s in f.suffixes)
    raise InputError(f"cannot tell the RDF format from the file name; expected a suffix among {known}",
                     path=path)
