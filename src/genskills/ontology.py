"""OWL reasoning and reading with owlready2 and HermiT (the only module that imports owlready2).

HermiT runs in Java (17 is required); owlready2 ships its jar. How owlready2 and the files
meet: the files are read and written as Turtle by rdflib and ``turtle_writer``; owlready2
gets a copy of the graph (N-Triples) to reason on, to read the class hierarchy and the
``owl:deprecated`` annotations, and never writes a file of the project.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
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


@dataclass
class EditCheck:
    """What one owlready2 load and one HermiT run say about a graph after an edit."""

    summary: ReasoningSummary
    #: IRIs that owlready2 reads with the annotation ``owl:deprecated true``
    deprecated: frozenset[str]
    #: for each class asked about: its named super-classes, asserted, direct or not
    superclasses: dict[str, frozenset[str]]


def reason(graph: Graph, *, realise: bool = True) -> ReasoningSummary:
    """Run HermiT on ``graph`` (an ontology, possibly with individuals).

    With ``realise`` (the default), HermiT classifies the classes, properties and every
    individual, and the summary counts the facts it infers. Without, it checks that the
    graph is consistent and lists the unsatisfiable classes, inferring nothing: the same
    verdict in a few seconds instead of about 20 on the shipped data, which is what an
    edit needs.

    :raises InconsistencyError: the graph is inconsistent.
    :raises ReasoningError: the reasoner could not run (no Java) or read the graph.
    """
    import owlready2

    started = time.perf_counter()
    with _loaded(graph) as (world, onto, folder):
        asserted = len(list(onto.get_triples()))
        if not realise:
            unsatisfiable = _unsatisfiable_classes(world, folder)
            return ReasoningSummary(consistent=not unsatisfiable, asserted_triples=asserted, inferred_triples=0,
                                    inferred_types=0, inferred_property_values=0,
                                    unsatisfiable_classes=unsatisfiable, seconds=time.perf_counter() - started)
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


def check_edit(graph: Graph, *, classes: Iterable[str] = ()) -> EditCheck:
    """Check ``graph`` after an edit, with one owlready2 load and one HermiT run.

    HermiT checks consistency and the satisfiability of every class (``reason`` with
    ``realise=False``); owlready2 reads the ``owl:deprecated`` annotations and the
    super-classes of ``classes``.

    :raises InconsistencyError: the graph is inconsistent.
    :raises ReasoningError: the reasoner could not run (no Java) or read the graph.
    """
    started = time.perf_counter()
    with _loaded(graph) as (world, onto, folder):
        asserted = len(list(onto.get_triples()))
        deprecated = frozenset(e.iri for e in world.search(deprecated=True) if hasattr(e, "iri"))
        superclasses = {}
        for iri in classes:
            entity = world[iri]
            ancestors = entity.ancestors() if entity is not None and hasattr(entity, "ancestors") else set()
            superclasses[iri] = frozenset(a.iri for a in ancestors
                                          if getattr(a, "iri", iri) not in (iri, "http://www.w3.org/2002/07/owl#Thing"))
        unsatisfiable = _unsatisfiable_classes(world, folder)
    summary = ReasoningSummary(consistent=not unsatisfiable, asserted_triples=asserted, inferred_triples=0,
                               inferred_types=0, inferred_property_values=0, unsatisfiable_classes=unsatisfiable,
                               seconds=time.perf_counter() - started)
    return EditCheck(summary, deprecated, superclasses)


@contextmanager
def _loaded(graph: Graph) -> Iterator[tuple[object, object, Path]]:
    """``graph`` loaded in a fresh owlready2 world: (world, ontology, a scratch folder)."""
    import owlready2

    world = owlready2.World()
    try:
        with tempfile.TemporaryDirectory(prefix="genskills-reason-") as tmp:
            path = Path(tmp) / "input.nt"
            graph.serialize(destination=str(path), format="nt", encoding="utf-8")
            try:
                onto = world.get_ontology(path.as_uri()).load(format="ntriples")
            except Exception as exc:  # owlready2 raises assorted parser errors
                raise ReasoningError(f"owlready2 could not read the ontology: {exc}") from exc
            yield world, onto, Path(tmp)
    finally:
        world.close()


_NOTHING_HEADER = "Classes equivalent to 'owl:Nothing':"


def _unsatisfiable_classes(world, folder: Path) -> list[str]:
    """HermiT's satisfiability check of every class (its ``-U`` mode), on what owlready2 read.

    owlready2's ``sync_reasoner_hermit`` always classifies and realises every individual
    (``-c -O -D -I``), which is most of the 20 s it takes on the shipped data; ``-U`` gives
    the consistency and the unsatisfiable classes alone. The input is written and the jar
    found exactly as owlready2 does it.
    """
    import owlready2
    import owlready2.reasoning

    path = folder / "hermit-input.nt"
    world.save(str(path), format="ntriples")
    here = Path(owlready2.__file__).parent
    classpath = os.pathsep.join([str(here / "hermit"), str(here / "hermit" / "HermiT.jar")])
    # A run of a few seconds: the JVM's optimising compiler (C2) and its parallel collector
    # cost more than they save, and compete for the cores with HermiT (7.7 s -> 2-3 s for the
    # shipped data on 2 busy cores). Both are standard HotSpot options.
    command = [owlready2.JAVA_EXE, f"-Xmx{owlready2.reasoning.JAVA_MEMORY}M", "-XX:+UseSerialGC",
               "-XX:TieredStopAtLevel=1", "-cp", classpath, "org.semanticweb.HermiT.cli.CommandLine", "-U",
               path.as_uri()]
    try:
        completed = subprocess.run(command, capture_output=True, check=False)
    except OSError as exc:
        raise ReasoningError(f"HermiT could not run (is Java 17 installed?): {exc}") from exc
    output = completed.stdout.decode("utf-8", "replace")
    if completed.returncode != 0:
        errors = completed.stderr.decode("utf-8", "replace")
        if "Inconsistent ontology" in errors or "InconsistentOntologyException" in errors:
            raise InconsistencyError("the ontology and data are inconsistent under HermiT: "
                                     "some individual or axiom contradicts the class definitions")
        raise ReasoningError(f"HermiT failed (exit {completed.returncode}): {errors.strip()[-2000:]}")
    if _NOTHING_HEADER not in output:
        raise ReasoningError(f"HermiT gave an answer genskills cannot read: {output[:500]!r}")
    listed = output.split(_NOTHING_HEADER, 1)[1]
    return sorted(re.findall(r"^\s+<([^>]+)>\s*$", listed, re.MULTILINE))


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
