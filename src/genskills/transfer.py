"""Export of the store's content to RDF files."""

from __future__ import annotations

from typing import BinaryIO

from .errors import NotFoundError
from .formats import rdf_format
from .namespaces import INFERRED_GRAPH
from .sources import SOURCES
from .store import Store


def graph_iri(name: str) -> str:
    """The IRI of a graph given by source name (``catalogue``), ``inferred`` or full IRI."""
    for source in SOURCES:
        if name == source.name:
            return source.graph
    if name == "inferred":
        return str(INFERRED_GRAPH)
    if name.startswith(("http://", "https://")):
        return name
    known = ", ".join([s.name for s in SOURCES] + ["inferred"])
    raise NotFoundError(f"no graph named {name!r}; use one of {known} or a full IRI")


def export(store: Store, output: BinaryIO, fmt: str, *, graph: str | None = None) -> None:
    """Write the whole dataset, or one graph, to ``output`` in format ``fmt`` (ttl, nt, ...).

    :raises InputError: unknown format.
    :raises NotFoundError: unknown graph, or a graph the store does not hold.
    """
    rdf = rdf_format(fmt)
    iri = graph_iri(graph) if graph else None
    if iri is not None and iri not in store.graph_names():
        raise NotFoundError(f"the store holds no graph {iri} (run `genskills load` first?)")
    store.dump(output, rdf, graph=iri)
