"""OWL reasoning with owlready2 and HermiT (the only module that imports owlready2).

HermiT runs in Java (17 is required); owlready2 ships its jar.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from .errors import InconsistencyError, ReasoningError


@dataclass
class ReasoningSummary:
    consistent: bool
    asserted_triples: int
    inferred_triples: int
    inferred_types: int
    inferred_property_values: int
    unsatisfiable_classes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def to_text(self) -> str:
        state = "consistent" if self.consistent else "INCONSISTENT"
        lines = [f"ontology and data: {state} (HermiT, {self.seconds:.1f} s)",
                 f"asserted triples: {self.asserted_triples}",
                 f"inferred triples: {self.inferred_triples} "
                 f"({self.inferred_types} class memberships, {self.inferred_property_values} property values)"]
        if self.unsatisfiable_classes:
            lines.append("unsatisfiable classes: " + ", ".join(self.unsatisfiable_classes))
        return "\n".join(lines)


def reason(graph: Graph) -> ReasoningSummary:
    """Run HermiT on ``graph`` (an ontology, possibly with individuals).

    :raises InconsistencyError: the graph is inconsistent.
    :raises ReasoningError: the reasoner could not run (no Java) or read the graph.
    """
    import owlready2

    started = time.perf_counter()
    world = owlready2.World()
    with tempfile.TemporaryDirectory(prefix="genskills-reason-") as tmp:
        path = Path(tmp) / "input.nt"
        graph.serialize(destination=str(path), format="nt", encoding="utf-8")
        try:
            onto = world.get_ontology(path.as_uri()).load(format="ntriples")
        except Exception as exc:  # owlready2 raises assorted parser errors
            raise ReasoningError(f"owlready2 could not read the ontology: {exc}") from exc
        asserted = len(list(onto.get_triples()))
        # owlready2 writes the inferred facts into the ontology of the `with` block:
        # a separate one, so that they can be counted apart from the asserted ones.
        inferred_onto = world.get_ontology("https://w3id.org/genskills/inferred/")
        try:
            with inferred_onto:
                owlready2.sync_reasoner_hermit(world, infer_property_values=True, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError as exc:
            raise InconsistencyError("the ontology and data are inconsistent under HermiT: "
                                 "some individual or axiom contradicts the class definitions") from exc
        except (OSError, owlready2.OwlReadyJavaError) as exc:
            raise ReasoningError(f"HermiT could not run (is Java 17 installed?): {exc}") from exc
        unsatisfiable = sorted(c.iri for c in world.inconsistent_classes())
        types, values = _count_inferred(world, inferred_onto)
    return ReasoningSummary(
        consistent=not unsatisfiable,
        asserted_triples=asserted,
        inferred_triples=types + values,
        inferred_types=types,
        inferred_property_values=values,
        unsatisfiable_classes=unsatisfiable,
        seconds=time.perf_counter() - started,
    )


def _count_inferred(world, inferred_onto) -> tuple[int, int]:
    """Class memberships and property values HermiT added (stored in its own ontology)."""
    rdf_type = world._abbreviate("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    subclass = world._abbreviate("http://www.w3.org/2000/01/rdf-schema#subClassOf")
    equivalent = world._abbreviate("http://www.w3.org/2002/07/owl#equivalentClass")
    types = values = 0
    for _s, p, _o in inferred_onto.get_triples():
        if p == rdf_type:
            types += 1
        elif p not in (subclass, equivalent):
            values += 1
    return types, values
