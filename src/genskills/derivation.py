"""The derived graph: what the ontology and the model imply, materialised on every write.

Canned queries read these facts instead of working them out per request: a property
path or an aggregate over every course costs hundreds of milliseconds at 20,000
courses, an indexed lookup of a stored fact well under one. The derived graph is
rebuilt from scratch inside the same SPARQL Update request as each write, so it is
never out of date with the data (one request is one transaction).

The update is plain SPARQL 1.1 with full IRIs and no PREFIX (it is appended after
other operations, and a prologue in the middle of a request is refused by some
parsers), so that a remote endpoint runs exactly the same rules.

Each rule reads the stated graphs with ``GRAPH ?g`` patterns rather than the default
graph, because what the default graph of an update holds differs between engines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .namespaces import GRAPH, GSK, INFERRED_GRAPH, STAGING_PREFIX

_INFERRED = f"<{INFERRED_GRAPH}>"
_ONTOLOGY = f"<{GRAPH['ontology']}>"
#: A scratch graph for the competence hierarchy; created and dropped within the update.
_HIERARCHY = f"<{STAGING_PREFIX}derive/hierarchy>"

_RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
_SUBCLASS = "<http://www.w3.org/2000/01/rdf-schema#subClassOf>"
_INVERSE_OF = "<http://www.w3.org/2002/07/owl#inverseOf>"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_BROADER, _NARROWER = f"<{_SKOS}broader>", f"<{_SKOS}narrower>"
_BROADER_T, _NARROWER_T = f"<{_SKOS}broaderTransitive>", f"<{_SKOS}narrowerTransitive>"
_TOP_OF, _HAS_TOP = f"<{_SKOS}topConceptOf>", f"<{_SKOS}hasTopConcept>"


def _gsk(name: str) -> str:
    return f"<{GSK[name]}>"


def _stated(pattern: str, graph: str = "?g") -> str:
    """``pattern`` in one stated graph: neither the derived graph nor a staging graph."""
    return (f"GRAPH {graph} {{ {pattern} }} "
            f'FILTER({graph} != {_INFERRED} && !STRSTARTS(STR({graph}), "{STAGING_PREFIX}"))')


def _inverse_links() -> str:
    """The inverse of every link whose property has an ``owl:inverseOf`` (and SKOS's pairs)."""
    return f"""
INSERT {{ GRAPH {_INFERRED} {{ ?o ?inverse ?s }} }} WHERE {{
  {{ GRAPH {_ONTOLOGY} {{ ?p {_INVERSE_OF} ?inverse }} }}
  UNION {{ GRAPH {_ONTOLOGY} {{ ?inverse {_INVERSE_OF} ?p }} }}
  UNION {{ VALUES (?p ?inverse) {{ ({_BROADER} {_NARROWER}) ({_NARROWER} {_BROADER})
                                  ({_TOP_OF} {_HAS_TOP}) ({_HAS_TOP} {_TOP_OF}) }} }}
  {_stated("?s ?p ?o")}
  FILTER(!isLiteral(?o))
  FILTER NOT EXISTS {{ GRAPH ?any {{ ?o ?inverse ?s }} }}
}}"""


def _super_classes() -> str:
    """Every typed resource is also an instance of the super-classes of its class."""
    return f"""
INSERT {{ GRAPH {_INFERRED} {{ ?x a ?super }} }} WHERE {{
  GRAPH {_ONTOLOGY} {{ ?class {_SUBCLASS}+ ?super }}
  FILTER(isIRI(?super))
  {_stated("?x a ?class")}
  FILTER NOT EXISTS {{ GRAPH ?any {{ ?x a ?super }} }}
}}"""


def _hierarchy_closure() -> str:
    """``skos:broaderTransitive`` / ``narrowerTransitive``: the closure of the concept hierarchy.

    The ``skos:broader`` links, stated or derived from ``skos:narrower``, are first
    gathered in one scratch graph, because a property path cannot cross named graphs.
    """
    return f"""
INSERT {{ GRAPH {_HIERARCHY} {{ ?x {_BROADER} ?y }} }} WHERE {{
  GRAPH ?g {{ ?x {_BROADER} ?y }} FILTER(!STRSTARTS(STR(?g), "{STAGING_PREFIX}"))
}} ;
INSERT {{ GRAPH {_INFERRED} {{ ?x {_BROADER_T} ?y . ?y {_NARROWER_T} ?x }} }} WHERE {{
  GRAPH {_HIERARCHY} {{ ?x {_BROADER}+ ?y }}
}} ;
DROP SILENT GRAPH {_HIERARCHY}"""


def _training_by_region() -> str:
    """``gsk:hasTrainingFor``: a region has a course available for a competence.

    Available: the course is taught in the region, or online (open to every region).
    For: it covers the competence or a concept above it (its domain), as in the gap
    query. Needs the hierarchy closure, so it runs after it.
    """
    return f"""
INSERT {{ GRAPH {_INFERRED} {{ ?region {_gsk('hasTrainingFor')} ?competence }} }} WHERE {{
  {_available_topics()}
  BIND(?topic AS ?competence)
}} ;
INSERT {{ GRAPH {_INFERRED} {{ ?region {_gsk('hasTrainingFor')} ?competence }} }} WHERE {{
  {_available_topics()}
  GRAPH {_INFERRED} {{ ?competence {_BROADER_T} ?topic }}
}}"""


def _available_topics() -> str:
    """A sub-SELECT of each (region, concept a course available there covers)."""
    return f"""{{ SELECT DISTINCT ?region ?topic WHERE {{
      {_stated(f"?region {_RDF_TYPE} {_gsk('Region')}", "?g1")}
      {_stated(f"?course {_gsk('coversCompetence')} ?topic", "?g2")}
      {{ {_stated(f"?course {_gsk('inRegion')} ?region", "?g3")} }}
      UNION {{ {_stated(f"?course {_gsk('hasMode')} {_gsk('Online')}", "?g3")} }}
  }} }}"""


def _region_counts() -> str:
    """Per region: how many real and how many illustrative courses are taught there."""
    return f"""
INSERT {{ GRAPH {_INFERRED} {{ ?region {_gsk('realCourseCount')} ?real ;
                                      {_gsk('illustrativeCourseCount')} ?illustrative }} }} WHERE {{
  {{ SELECT ?region (COUNT(DISTINCT ?real_course) AS ?real)
                    (COUNT(DISTINCT ?illustrative_course) AS ?illustrative) WHERE {{
      {_stated(f"?region {_RDF_TYPE} {_gsk('Region')}", "?g1")}
      OPTIONAL {{
        {_stated(f"?course {_gsk('inRegion')} ?region", "?g2")}
        {_stated(f"?course {_RDF_TYPE} {_gsk('Course')}", "?g3")}
        BIND(EXISTS {{ GRAPH ?g4 {{ ?course {_gsk('illustrative')} true }} }} AS ?flagged)
        # IF over an unbound variable is an error, which leaves the other count's variable unbound.
        BIND(IF(?flagged, ?course, ?none) AS ?illustrative_course)
        BIND(IF(?flagged, ?none, ?course) AS ?real_course)
      }}
  }} GROUP BY ?region }}
}}"""


def _step_counts() -> str:
    """Per care-pathway step: its roles, competences, covered competences and courses.

    A competence of the step is covered when some course covers it or a concept above
    it; the courses counted are those that cover a competence of the step that way, or
    that name the step (``gsk:coversStep``). A
    step with nothing covered gets no covered/course count (read it as zero): an inner
    join is several times faster here than an OPTIONAL around the coverage.
    """
    return f"""
INSERT {{ GRAPH {_INFERRED} {{ ?step {_gsk('roleCount')} ?roles ; {_gsk('competenceCount')} ?competences }} }}
WHERE {{
  {{ SELECT ?step (COUNT(DISTINCT ?role) AS ?roles) (COUNT(DISTINCT ?competence) AS ?competences) WHERE {{
      {_stated(f"?step {_RDF_TYPE} {_gsk('CarePathwayStep')}", "?g1")}
      OPTIONAL {{ {_stated(f"?role {_gsk('actsInStep')} ?step", "?g2")} }}
      OPTIONAL {{ {_stated(f"?competence {_gsk('servesStep')} ?step ; {_RDF_TYPE} {_gsk('Competence')}", "?g3")} }}
  }} GROUP BY ?step }}
}} ;
INSERT {{ GRAPH {_INFERRED} {{ ?step {_gsk('coveredCompetenceCount')} ?covered ; {_gsk('courseCount')} ?courses }} }}
WHERE {{
  {{ SELECT ?step (COUNT(DISTINCT ?competence) AS ?covered) (COUNT(DISTINCT ?course) AS ?courses) WHERE {{
      {{ {_stated(f"?competence {_gsk('servesStep')} ?step ; {_RDF_TYPE} {_gsk('Competence')}", "?g1")}
        {{ {_stated(f"?course {_gsk('coversCompetence')} ?competence", "?g2")} }}
        UNION {{ GRAPH {_INFERRED} {{ ?competence {_BROADER_T} ?topic }}
                {_stated(f"?course {_gsk('coversCompetence')} ?topic", "?g2")} }} }}
      # A course may also name the step itself (gsk:coversStep, e.g. the "steps" column of an
      # import): it counts among the step's courses, and covers none of its competences.
      UNION {{ {_stated(f"?course {_gsk('coversStep')} ?step", "?g1")} }}
      {_stated(f"?course {_RDF_TYPE} {_gsk('Course')}", "?g3")}
  }} GROUP BY ?step }}
}}"""


#: The rules in the order they run: later ones read what earlier ones derived.
RULES = (_inverse_links, _super_classes, _hierarchy_closure, _training_by_region, _region_counts, _step_counts)


def derive_update() -> str:
    """The SPARQL Update that rebuilds the derived graph from all the others.

    It adds, only where not already stated: the inverse of every link whose property
    has an ``owl:inverseOf`` in the ontology, ``skos:narrower``/``skos:broader`` both
    ways, and the super-classes of every typed resource, so that queries can follow
    links in either direction without knowing which one the data states. Then the
    closure of the concept hierarchy, which competences each region has training for, and the counts the
    overview queries show (per region, per care-pathway step).
    """
    return f"DROP SILENT GRAPH {_INFERRED} ;" + " ;".join(rule() for rule in RULES) + "\n"


@dataclass(frozen=True)
class Step:
    """One operation of the derivation: insert what ``query`` constructs into ``graph``, or drop it."""

    kind: str            # "insert" or "drop"
    graph: str           # IRI, without the angle brackets
    query: str = ""      # a CONSTRUCT query (for "insert")


_OPERATION = re.compile(r";\s*\n(?=\s*(?:INSERT|DROP)\b)")
_INSERT = re.compile(r"^\s*INSERT\s*\{\s*GRAPH\s*<([^>]+)>\s*\{(?P<template>[^{}]*)\}\s*\}\s*WHERE(?P<where>.*)$", re.S)
_DROP = re.compile(r"^\s*DROP SILENT GRAPH\s*<([^>]+)>\s*$")


def derive_steps() -> list[Step]:
    """The derivation as steps a bulk loader can run one by one (read, then append).

    Same rules as ``derive_update``, in the same order, the derived graph dropped first.
    A large on-disk store derives this way: a query, then a bulk append of its answer,
    costs seconds where the same work inside one transaction costs minutes.
    """
    steps = [Step("drop", str(INFERRED_GRAPH))]
    for rule in RULES:
        for operation in _OPERATION.split(rule().strip()):
            insert, drop = _INSERT.match(operation), _DROP.match(operation)
            if insert:
                steps.append(Step("insert", insert.group(1),
                                  f"CONSTRUCT {{{insert.group('template')}}} WHERE{insert.group('where')}"))
            elif drop:
                steps.append(Step("drop", drop.group(1)))
            else:   # a rule written in a form this reader does not know: a bug, caught by the tests
                raise ValueError(f"derivation rule {rule.__name__}: cannot read the operation {operation[:80]!r}")
    return steps
