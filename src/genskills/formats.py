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


# ---------------------------------------------------------------------------------
# HTTP content negotiation (pure functions)

#: Media types of SELECT/ASK results, by the key of results.render_http.
RESULT_MEDIA = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
#: Aliases a client may send in Accept for a result format.
RESULT_ALIASES = {"application/json": "json", "application/xml": "xml", "text/xml": "xml"}
#: ``format=`` values a browser may give, by result kind.
FORMAT_PARAM = {
    "json": "json", "srj": "json", "xml": "xml", "srx": "xml", "csv": "csv", "tsv": "tsv",
    "ttl": "ttl", "turtle": "ttl", "nt": "nt", "ntriples": "nt", "jsonld": "jsonld", "json-ld": "jsonld",
    "rdfxml": "xml", "rdf": "xml", "trig": "trig", "nq": "nq", "nquads": "nq",
}


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """Media ranges of an Accept header with their q-values, best first (stable).

    >>> parse_accept("text/csv;q=0.5, application/sparql-results+json, text/html;q=0")
    [('application/sparql-results+json', 1.0), ('text/csv', 0.5), ('text/html', 0.0)]
    """
    if not header:
        return [("*/*", 1.0)]
    ranges = []
    for index, part in enumerate(header.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        q = 1.0
        for param in fields[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
                q = max(0.0, min(1.0, q)) if q == q else 0.0   # q != q: NaN
        ranges.append((media, q, index))
    ranges.sort(key=lambda r: (-r[1], r[2]))
    return [(m, q) for m, q, _ in ranges]


def negotiate(accept: str | None, offers: dict[str, str], default: str,
              aliases: dict[str, str] | None = None) -> str | None:
    """The key of ``offers`` (key -> media type) that best fits ``accept``, or None (406).

    ``*/*`` and ``type/*`` pick ``default`` when it matches, else the first offer that does.
    """
    aliases = aliases or {}
    ranges = parse_accept(accept)
    # q=0 refuses a type explicitly, even where a wildcard would accept it.
    refused = {aliases.get(m) or next((k for k, o in offers.items() if o == m), None)
               for m, q in ranges if q == 0}
    candidates = [k for k in offers if k not in refused]
    ordered = ([default] if default in candidates else []) + [k for k in candidates if k != default]
    for media, q in ranges:
        if q == 0:
            continue
        if media == "*/*":
            return ordered[0] if ordered else None
        if media in aliases and aliases[media] in candidates:
            return aliases[media]
        for key in candidates:
            if offers[key] == media:
                return key
        if media.endswith("/*"):
            family = media[:-1]
            for key in ordered:
                if offers[key].startswith(family):
                    return key
    return None


def graph_offers() -> dict[str, str]:
    """Media types of CONSTRUCT/DESCRIBE results, by RDF format key."""
    return {f.key: f.media_type for f in RDF_FORMATS}


GRAPH_ALIASES = {"application/x-turtle": "ttl", "text/plain": "nt", "application/json": "jsonld",
                 "application/xml": "xml", "text/xml": "xml", "text/n3": "ttl"}
