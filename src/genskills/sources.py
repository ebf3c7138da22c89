"""The sources of the knowledge graph: which files make which named graph."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import NotFoundError
from .namespaces import GRAPH


@dataclass(frozen=True)
class Source:
    """A named graph of the store and the files it is built from."""

    name: str
    patterns: tuple[str, ...]
    description: str
    #: True for the SHACL shapes: they validate the data and are not data themselves.
    is_shapes: bool = False
    #: True when the source may have no file at all (its graph is then emptied).
    optional: bool = False

    @property
    def graph(self) -> str:
        return str(GRAPH[self.name])

    def files(self, root: Path) -> list[Path]:
        found: list[Path] = []
        for pattern in self.patterns:
            found.extend(sorted(root.glob(pattern)))
        return found


SOURCES: tuple[Source, ...] = (
    Source("ontology", ("ontology/*.ttl",), "the OWL ontology"),
    Source("shapes", ("shapes/*.ttl",), "the SHACL shapes", is_shapes=True),
    Source("reference", tuple(f"data/reference/{name}.ttl" for name in (
               "care-pathway", "competences", "regions", "roles", "sources", "training-types")),
           "reference data: care pathway, competences, roles, training types, regions, sources"),
    # Its own graph, because every mapping choice in it is a proposal: a query can keep or
    # leave out the alignments as a whole.
    Source("alignments", ("data/reference/alignments.ttl",),
           "alignments to EDAM, ESCO and Wikidata (the choice of each link is a proposal)"),
    Source("catalogue", ("data/catalogue/institutions.ttl", "data/catalogue/courses-real.ttl"),
           "institutions and real, sourced courses"),
    Source("illustrative", ("data/catalogue/institutions-illustrative.ttl",
                            "data/catalogue/courses-illustrative.ttl"),
           "illustrative courses (not real offers) and the institutions only they refer to"),
    # Catalogues made by `genskills generate` to measure scale; the folder is not under
    # version control and is usually empty.
    Source("synthetic", ("data/synthetic/*.ttl",),
           "synthetic courses made by genskills generate (for benchmarks; flagged, not real)", optional=True),
)


def source_named(name: str) -> Source:
    for source in SOURCES:
        if source.name == name:
            return source
    known = ", ".join(s.name for s in SOURCES)
    raise NotFoundError(f"no source named {name!r}; the sources are: {known}")


def source_for_graph(graph: str) -> Source | None:
    return next((s for s in SOURCES if s.graph == graph), None)
