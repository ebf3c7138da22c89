"""Coverage, gaps and learning paths: the working group's questions, answered from the store.

Each answer runs canned queries of ``queries/`` (so a user can run the same SPARQL
themselves), and only what SPARQL cannot say is done here: the zeros of the coverage
matrix, the competences a person already has, a set of training types, and the
learning path's set cover (``learning_path.plan``).

The rules every answer shares, stated once in the queries' descriptions:
- a course covers a competence when it names it or a concept above it (its domain);
- a region admits the courses taught there and the online ones (gsk:Online), which are
  open to every region;
- a course's level is its own EQF level, or else its training type's; a maximum level
  admits the courses whose level is not stated (DPC, DU, DIU have none), since they are
  not above it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping

from .errors import QueryError
from .learning_path import NO_COURSE, CandidateCourse, LearningPath, plan
from .namespaces import GSK
from .queries import CannedQuery, check_iri_params, expand_iri
from .results import QueryResult
from .tables import Table, cell, table_of

#: A course exists for the competence, but the person's constraints rule every one out.
EXCLUDED = "excluded"
ONLINE = str(GSK["Online"])
COVERAGE_LEVELS = ("competence", "domain", "step")


@dataclass(frozen=True)
class Facets:
    """Which courses a coverage count takes: each facet given must hold (None: any course)."""

    region: str | None = None
    training_type: str | None = None
    level: int | None = None
    mode: str | None = None

    def args(self) -> dict[str, str]:
        return _given({"region": self.region, "training_type": self.training_type,
                       "level": self.level, "mode": self.mode})


@dataclass(frozen=True)
class Constraints:
    """What a person can take: a region (or online), a maximum EQF level, a mode, training types."""

    region: str | None = None
    max_level: int | None = None
    mode: str | None = None
    training_types: frozenset[str] = frozenset()

    def args(self) -> dict[str, str]:
        """The constraints the canned queries take (training types are filtered here)."""
        return _given({"region": self.region, "max_level": self.max_level, "mode": self.mode})


def _given(values: Mapping[str, object]) -> dict[str, str]:
    return {name: str(value) for name, value in values.items() if value is not None and value != ""}


@dataclass
class Matrix:
    """Courses per (competence, column): the columns are the regions, then gsk:Online."""

    rows: list[dict]                 # competence, label, domain, domain_label
    columns: list[dict]              # key (an IRI), label
    counts: dict[tuple[str, str], int]

    def table(self) -> Table:
        """Wide form, one row per competence and one column per region: what a spreadsheet shows."""
        keys = [column["key"] for column in self.columns]
        table = Table(["competence", "label", "domain", "domain_label", *keys])
        for row in self.rows:
            table.rows.append([row["competence"], row["label"], row["domain"], row["domain_label"],
                               *(self.counts.get((row["competence"], key), 0) for key in keys)])
        return table

    def to_json(self) -> dict:
        return {"columns": self.columns, "rows": self.rows,
                "cells": [{"competence": competence, "column": column, "courses": count}
                          for (competence, column), count in sorted(self.counts.items())]}


@dataclass
class PlannedCourse:
    iri: str
    label: str | None
    training_type: str | None
    illustrative: bool
    covers: list[str]                # the needed competences it covers, sorted by IRI
    steps: list[int]


@dataclass
class PathAnswer:
    """A learning path, with what it was asked and what stays uncovered and why."""

    role: str
    needed: list[str]                # essential competences the person lacks
    already_had: list[str]           # essential competences the person has
    courses: list[PlannedCourse]     # in care-pathway order
    uncovered: dict[str, str]        # competence -> NO_COURSE or EXCLUDED
    method: str                      # "exact" or "greedy"
    bound: str
    labels: dict[str, str] = field(default_factory=dict)   # competence IRI -> label

    def to_json(self) -> dict:
        return {
            "role": self.role, "method": self.method, "bound": self.bound,
            "needed": [{"competence": c, "label": self.labels.get(c)} for c in self.needed],
            "already_had": [{"competence": c, "label": self.labels.get(c)} for c in self.already_had],
            "courses": [{"order": index, "course": course.iri, "label": course.label,
                         "training_type": course.training_type, "illustrative": course.illustrative,
                         "steps": course.steps,
                         "covers": [{"competence": c, "label": self.labels.get(c)} for c in course.covers]}
                        for index, course in enumerate(self.courses, 1)],
            "uncovered": [{"competence": c, "label": self.labels.get(c), "reason": reason}
                          for c, reason in sorted(self.uncovered.items())],
        }

    def table(self) -> Table:
        """One row per chosen course, then one per uncovered competence (its reason in ``reason``)."""
        table = Table(["order", "course", "label", "training_type", "illustrative", "steps",
                       "covers", "covers_labels", "uncovered_competence", "uncovered_label", "reason"])
        for index, course in enumerate(self.courses, 1):
            table.rows.append([index, course.iri, course.label, course.training_type, course.illustrative,
                               course.steps, course.covers, [self.labels.get(c, c) for c in course.covers],
                               None, None, None])
        for competence, reason in sorted(self.uncovered.items()):
            table.rows.append([None, None, None, None, None, None, None, None,
                               competence, self.labels.get(competence), reason])
        return table


class Analysis:
    """The analysis answers over a store, through its canned queries.

    ``run`` executes a bound query text (the web shell passes its engine, which enforces
    the time limit); by default the store answers.
    """

    def __init__(self, store, queries: Mapping[str, CannedQuery], *,
                 run: Callable[[str], QueryResult] | None = None):
        self.store = store
        self.queries = queries
        self._run = run or store.query

    def query(self, name: str, args: Mapping[str, str]) -> QueryResult:
        if name not in self.queries:
            raise QueryError(f"the canned query {name!r} is missing from queries/")
        canned = self.queries[name]
        text, terms = canned.bind(args)
        check_iri_params(self.store, canned, terms)
        return self._run(text)

    # --- coverage -------------------------------------------------------------------------------

    def coverage(self, by: str, facets: Facets = Facets(), *, lang: str = "fr") -> Table:
        """Courses per competence, per domain or per care-pathway step, counted under ``facets``."""
        if by not in COVERAGE_LEVELS:
            raise QueryError(f"coverage by {by!r}: choose one of {', '.join(COVERAGE_LEVELS)}")
        return table_of(self.query(f"coverage-by-{by}", {**facets.args(), "lang": lang}))

    def matrix(self, facets: Facets = Facets(), *, lang: str = "fr") -> Matrix:
        """Competences x regions (and online), with a zero for every pair no course covers.

        A region facet makes no sense here (the regions are the columns): it is refused.
        """
        if facets.region is not None:
            raise QueryError("the coverage matrix has a column per region: give no region facet")
        competences = self.coverage("competence", Facets(), lang=lang)
        rows = [{key: record[key] for key in ("competence", "label", "domain", "domain_label")}
                for record in competences.records()]
        regions = self.members(str(GSK["Region"]), lang=lang)
        online = self.members(str(GSK["CourseMode"]), lang=lang)
        columns = [{"key": m["member"], "label": m["label"]} for m in regions]
        columns += [{"key": m["member"], "label": m["label"]} for m in online if m["member"] == ONLINE]
        counts = {}
        for record in table_of(self.query("coverage-matrix", {**facets.args(), "lang": lang})).records():
            counts[(record["competence"], record["column"])] = record["courses"]
        return Matrix(rows, columns, counts)

    def members(self, cls: str, *, lang: str = "fr") -> list[dict]:
        """The resources of class ``cls`` with their labels, in label order."""
        return table_of(self.query("class-members", {"class": cls, "lang": lang})).records()

    # --- gaps -----------------------------------------------------------------------------------

    def role_gaps(self, role: str, constraints: Constraints = Constraints(), *, lang: str = "fr") -> Table:
        """The role's essential competences no course passing ``constraints`` covers, with the reason.

        ``reason`` is "no-course" when no course at all covers the competence, "excluded" when
        courses exist but the constraints rule them all out. Training types are a constraint of
        the learning path only (a set, which a canned query cannot take).
        """
        if constraints.training_types:
            raise QueryError("role gaps take a region, a maximum level and a mode; training types "
                             "constrain the learning path only")
        table = table_of(self.query("role-gaps", {"role": role, **constraints.args(), "lang": lang}))
        table.columns.append("reason")
        for row in table.rows:
            row.append(EXCLUDED if row[table.columns.index("courses_exist")] else NO_COURSE)
        return table

    def catalogue_gaps(self, *, lang: str = "fr") -> Table:
        """Competences and steps covered by no course, or only by courses of one region (none online)."""
        return table_of(self.query("catalogue-gaps", {"lang": lang}))

    # --- learning path --------------------------------------------------------------------------

    def learning_path(self, role: str, *, have: Iterable[str] = (), constraints: Constraints = Constraints(),
                      lang: str = "fr", exact_limit: int = 20) -> PathAnswer:
        """The fewest courses that teach the role's essential competences the person lacks.

        ``have``: competences (or domains: then every competence in them) the person already
        has; IRIs, prefixed names or bare ids.
        """
        role = expand_iri(role)
        records = table_of(self.query("competences-of-role", {"role": role, "lang": lang})).records()
        labels = {r["competence"]: r["label"] for r in records}
        domain_of = {r["competence"]: r["domain"] for r in records}
        essentials = sorted({r["competence"] for r in records if r["essential"]})
        had_terms = {expand_iri(value) for value in have}
        already = [c for c in essentials if c in had_terms or domain_of.get(c) in had_terms]
        needed = [c for c in essentials if c not in already]

        candidates, details = self._candidates(role, constraints, lang=lang)
        path = plan(set(needed), list(candidates.values()), exact_limit=exact_limit)
        uncovered = dict(path.uncovered)
        if uncovered and (constraints.args() or constraints.training_types):
            # Tell "no course at all" from "the constraints exclude the courses that exist".
            anywhere, _ = self._candidates(role, Constraints(), lang=lang)
            covered_anywhere = set().union(*(course.covers for course in anywhere.values()))
            for competence in uncovered:
                if competence in covered_anywhere:
                    uncovered[competence] = EXCLUDED
        return PathAnswer(role=role, needed=needed, already_had=already,
                          courses=[_planned(course, details[course.iri], needed) for course in path.courses],
                          uncovered=uncovered, method=path.method, bound=path.bound, labels=labels)

    def _candidates(self, role: str, constraints: Constraints, *,
                    lang: str) -> tuple[dict[str, CandidateCourse], dict[str, dict]]:
        """The courses passing ``constraints`` with the role's essential competences each covers,
        and each course's label, training type and illustrative flag."""
        rows = table_of(self.query("learning-path-candidates",
                                   {"role": role, **constraints.args(), "lang": lang})).records()
        covers: dict[str, set[str]] = {}
        steps: dict[str, set[int]] = {}
        details: dict[str, dict] = {}
        for row in rows:
            if constraints.training_types and row["training_type"] not in constraints.training_types:
                continue
            course = row["course"]
            covers.setdefault(course, set()).add(row["competence"])
            if row["step_order"] is not None:
                steps.setdefault(course, set()).add(int(row["step_order"]))
            details[course] = {"label": row["label"], "training_type": row["training_type"],
                               "illustrative": bool(row["illustrative"])}
        candidates = {course: CandidateCourse(course, details[course]["label"] or course, frozenset(covered),
                                              tuple(sorted(steps.get(course, ()))))
                      for course, covered in covers.items()}
        return candidates, details


def _planned(course: CandidateCourse, details: dict, needed: list[str]) -> PlannedCourse:
    return PlannedCourse(iri=course.iri, label=details["label"], training_type=details["training_type"],
                         illustrative=details["illustrative"], covers=sorted(course.covers & set(needed)),
                         steps=list(course.steps))


__all__ = ["Analysis", "Constraints", "EXCLUDED", "Facets", "LearningPath", "Matrix", "NO_COURSE",
           "PathAnswer", "PlannedCourse", "cell"]
