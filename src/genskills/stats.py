"""Counts that summarise what a store holds."""

from __future__ import annotations

from dataclasses import dataclass

from .namespaces import GSK, INFERRED_GRAPH, compact
from .sources import SOURCES
from .store import NOT_STAGING, Store

#: The classes a summary lists, in reading order.
SUMMARY_CLASSES = ("CarePathwayStep", "CompetenceDomain", "Competence", "ProfessionalRole",
                   "TrainingType", "Region", "Institution", "Course", "CourseMode", "CurationStatus")


@dataclass
class Stats:
    classes: dict[str, int]       # gsk class local name -> distinct members
    graphs: dict[str, int]        # graph IRI -> triples
    illustrative_courses: int

    def to_text(self) -> str:
        width = max(len(n) for n in self.classes) if self.classes else 10
        lines = ["instances per class:"]
        lines += [f"  {name.ljust(width)} {count:>7}" for name, count in self.classes.items()]
        courses = self.classes.get("Course", 0)
        lines.append(f"  (courses: {courses - self.illustrative_courses} real, "
                     f"{self.illustrative_courses} illustrative)")
        lines.append("triples per graph:")
        labels = {s.graph: s.name for s in SOURCES} | {str(INFERRED_GRAPH): "inferred"}
        width = max((len(labels.get(g, compact(g))) for g in self.graphs), default=10)
        lines += [f"  {labels.get(g, compact(g)).ljust(width)} {n:>7}" for g, n in self.graphs.items()]
        lines.append(f"  {'total'.ljust(width)} {sum(self.graphs.values()):>7}")
        return "\n".join(lines)


def collect(store: Store) -> Stats:
    """Count the members of each genskills class and the triples of each graph."""
    counted = store.query(
        f"""SELECT ?class (COUNT(DISTINCT ?x) AS ?n) WHERE {{
              GRAPH ?g {{ ?x a ?class }}
              {NOT_STAGING} FILTER(STRSTARTS(STR(?class), "{GSK}"))
            }} GROUP BY ?class""")
    found = {str(c)[len(str(GSK)):]: int(n) for c, n in counted.rows}
    classes = {name: found.pop(name, 0) for name in SUMMARY_CLASSES}
    classes.update(sorted(found.items()))
    graphs = store.query(
        f"""SELECT ?g (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {NOT_STAGING} }}
            GROUP BY ?g ORDER BY ?g""")
    (illustrative,), = store.query(
        f"""SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{ GRAPH ?g {{ ?c <{GSK.illustrative}> true }} }}""").rows
    return Stats(classes, {str(g): int(n) for g, n in graphs.rows}, int(illustrative))
