"""The course catalogue as an in-memory index: faceted, accent-blind full-text search with counts.

Why not SPARQL per request: a search box must match "genetique" to "génétique" and
"Genomique" to "génomique", which SPARQL's CONTAINS and REGEX cannot do without a
full-text index that Oxigraph lacks, and a page of results shows counts for eight facets,
which would be eight aggregate queries per page. The index is read from the store with
two queries (`read_index`), kept until the next write (the web shell rebuilds it when the
store generation changes), and answers a search in a few milliseconds at 600 courses.

The rules follow the analysis answers (``analysis.py``):
- competence facet, with the hierarchy: a course matches a concept it covers, a concept
  below one it covers (a course on a domain teaches its competences) and a concept above
  one it covers (choosing a domain finds the courses on any of its competences);
- step facet: the course covers a competence serving the step (directly or through a
  broader concept), or names the step (gsk:coversStep);
- level: the course's own EQF level, or else its training type's;
- region: the course is taught there (online courses are found with the mode facet).
"""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace

from .errors import QueryError
from .namespaces import GSK
from .queries import expand_iri

_RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
_SKOS_BROADER = "http://www.w3.org/2004/02/skos/core#broader"
_DEPRECATED = "http://www.w3.org/2002/07/owl#deprecated"

#: Course properties the index keeps, by the field they fill.
_COURSE_FIELDS = {
    "hasTrainingType": "training_types", "inRegion": "regions", "hasMode": "modes",
    "teachingLanguage": "languages", "targetsRole": "roles", "coversCompetence": "covers",
    "coversStep": "named_steps", "offeredBy": "institutions", "city": "cities",
    "topicText": "topics", "audienceText": "audiences",
}
#: The facets, in the order the search page shows them, with the class of their values.
FACETS = {
    "role": "ProfessionalRole", "competence": "Competence", "step": "CarePathwayStep", "region": "Region",
    "training_type": "TrainingType", "level": None, "mode": "CourseMode", "language": None,
}
_VOCABULARY_CLASSES = ("TrainingType", "Region", "CourseMode", "ProfessionalRole", "Competence",
                       "CompetenceDomain", "CarePathwayStep", "Institution")

COURSES_QUERY = f"""SELECT ?course ?p ?o WHERE {{
  ?course a <{GSK.Course}> ; ?p ?o .
  FILTER(?p IN (<{_RDFS_LABEL}>, <{GSK.illustrative}>, <{GSK.eqfLevel}>, <{GSK.webPage}>,
                {", ".join(f"<{GSK[name]}>" for name in _COURSE_FIELDS)}))
}}"""
VOCABULARY_QUERY = f"""SELECT ?s ?class ?p ?o WHERE {{
  VALUES ?class {{ {" ".join(f"<{GSK[name]}>" for name in _VOCABULARY_CLASSES)} }}
  ?s a ?class ; ?p ?o .
  FILTER(?p IN (<{_RDFS_LABEL}>, <{GSK.eqfLevel}>, <{GSK.stepOrder}>, <{_SKOS_BROADER}>, <{GSK.servesStep}>,
                <{_DEPRECATED}>))
}}"""


def fold(text: str) -> str:
    """Lower case without accents: "Génétique" and "genetique" fold alike."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@dataclass
class Course:
    iri: str
    labels: dict[str, str] = field(default_factory=dict)     # language -> label
    illustrative: bool = False
    level: int | None = None
    web_page: str | None = None
    training_types: set[str] = field(default_factory=set)
    regions: set[str] = field(default_factory=set)
    modes: set[str] = field(default_factory=set)
    languages: set[str] = field(default_factory=set)
    roles: set[str] = field(default_factory=set)
    covers: set[str] = field(default_factory=set)
    named_steps: set[str] = field(default_factory=set)
    institutions: set[str] = field(default_factory=set)
    cities: set[str] = field(default_factory=set)
    topics: set[str] = field(default_factory=set)
    audiences: set[str] = field(default_factory=set)
    # Filled by the index: the facet values the course matches, and its folded text.
    facet_values: dict[str, set[str]] = field(default_factory=dict)
    text: str = ""

    def label(self, lang: str) -> str:
        return self.labels.get(lang) or self.labels.get("fr") or self.labels.get("en") or self.iri


@dataclass(frozen=True)
class Term:
    """A resource a facet or a course points to."""

    iri: str
    cls: str
    labels: dict
    order: int | None = None        # a step's order
    level: int | None = None        # a training type's EQF level
    parent: str | None = None       # a competence's broader concept
    deprecated: bool = False

    def label(self, lang: str) -> str:
        return self.labels.get(lang) or self.labels.get("fr") or self.labels.get("en") or self.iri


@dataclass(frozen=True)
class Search:
    """What a person asks: words, one value per facet at most, a page."""

    text: str = ""
    role: str | None = None
    competence: str | None = None
    step: str | None = None
    region: str | None = None
    training_type: str | None = None
    level: str | None = None
    mode: str | None = None
    language: str | None = None
    page: int = 1
    page_size: int = 20

    def selected(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in FACETS if getattr(self, name)}


@dataclass
class FacetValue:
    key: str
    label: str
    count: int
    selected: bool
    depth: int = 0                   # 1 for a competence under its domain


@dataclass
class SearchAnswer:
    total: int
    courses: list[Course]
    facets: dict[str, list[FacetValue]]
    page: int
    pages: int


class CatalogueIndex:
    """``serves``: competence IRI -> the care-pathway steps it serves."""

    def __init__(self, courses: list[Course], terms: dict[str, Term], serves: dict[str, set[str]]):
        self.terms = terms
        self._serves = serves
        self.courses = courses
        children: dict[str, set[str]] = defaultdict(set)
        for term in terms.values():
            if term.parent:
                children[term.parent].add(term.iri)
        self._children = children
        for course in courses:
            self._prepare(course)

    # --- building ----------------------------------------------------------------------------

    def _ancestors(self, iri: str) -> set[str]:
        seen: set[str] = set()
        parent = self.terms[iri].parent if iri in self.terms else None
        while parent and parent not in seen:
            seen.add(parent)
            parent = self.terms[parent].parent if parent in self.terms else None
        return seen

    def _descendants(self, iri: str) -> set[str]:
        found: set[str] = set()
        todo = [iri]
        while todo:
            for child in self._children.get(todo.pop(), ()):
                if child not in found:
                    found.add(child)
                    todo.append(child)
        return found

    def _prepare(self, course: Course) -> None:
        taught = set(course.covers)   # the concepts the course teaches: named ones and those below
        for concept in course.covers:
            taught |= self._descendants(concept)
        concepts = set(taught)
        for concept in course.covers:
            concepts |= self._ancestors(concept)
        steps = set(course.named_steps)
        for concept in taught:
            term = self.terms.get(concept)
            if term is not None and term.cls == "Competence":
                steps |= self._serves.get(concept, set())
        level = course.level
        if level is None:
            levels = [self.terms[t].level for t in course.training_types if t in self.terms
                      and self.terms[t].level is not None]
            level = min(levels) if levels else None
        course.facet_values = {
            "role": set(course.roles), "competence": concepts, "step": steps, "region": set(course.regions),
            "training_type": set(course.training_types), "level": {str(level)} if level is not None else set(),
            "mode": set(course.modes), "language": set(course.languages),
        }
        words = [*course.labels.values(), *course.topics, *course.audiences, *course.cities]
        for iri in (*course.institutions, *course.training_types, *taught):
            if iri in self.terms:
                words += self.terms[iri].labels.values()
        course.text = fold(" ".join(words))

    # --- searching ---------------------------------------------------------------------------

    def check(self, search: Search) -> Search:
        """``search`` with its facet values as full IRIs, or QueryError naming the field at fault."""
        values = {}
        for name, cls in FACETS.items():
            value = getattr(search, name)
            if not value:
                continue
            if name == "level":
                if not value.strip().isdigit() or not 1 <= int(value) <= 8:
                    raise QueryError(f"facet 'level': an EQF level is a whole number from 1 to 8, got {value!r}")
                values[name] = str(int(value))
            elif name == "language":
                if not value.isalpha() or len(value) > 8:
                    raise QueryError(f"facet 'language': a language code such as fr or en, got {value!r}")
                values[name] = value.lower()
            else:
                iri = expand_iri(value.strip())
                term = self.terms.get(iri)
                accepted = (cls, "CompetenceDomain") if name == "competence" else (cls,)
                if term is None or term.cls not in accepted:
                    raise QueryError(f"facet {name!r}: {value!r} is not a {cls} of the graph")
                values[name] = iri
        if search.page < 1:
            raise QueryError(f"'page' must be 1 or more, got {search.page}")
        if len(search.text) > 200:
            raise QueryError("the search text is longer than 200 characters")
        return replace(search, **values)

    def search(self, search: Search, *, lang: str = "fr") -> SearchAnswer:
        search = self.check(search)
        words = fold(search.text).split()
        by_text = [c for c in self.courses if all(word in c.text for word in words)]
        selected = search.selected()

        def matches(course: Course, skip: str | None = None) -> bool:
            return all(value in course.facet_values[name] for name, value in selected.items() if name != skip)

        found = [c for c in by_text if matches(c)]
        found.sort(key=lambda c: (fold(c.label(lang)), c.iri))
        pages = max(1, -(-len(found) // search.page_size))
        start = (search.page - 1) * search.page_size
        facets = {}
        for name in FACETS:
            # A facet's counts ignore its own selection, so a person can switch to another value.
            counts: Counter = Counter()
            for course in by_text:
                if matches(course, skip=name):
                    counts.update(course.facet_values[name])
            facets[name] = self._facet_values(name, counts, selected.get(name), lang)
        return SearchAnswer(len(found), found[start:start + search.page_size], facets, search.page, pages)

    def _facet_values(self, name: str, counts: Counter, selected: str | None, lang: str) -> list[FacetValue]:
        if name in ("level", "language"):
            return [FacetValue(key, key, counts[key], key == selected) for key in sorted(counts)]
        if name == "competence":
            # Domains, each followed by its competences: the hierarchy a person browses.
            values = []
            domains = sorted((t for t in self.terms.values() if t.cls == "CompetenceDomain" and not t.deprecated),
                             key=lambda t: fold(t.label(lang)))
            for domain in domains:
                values.append(FacetValue(domain.iri, domain.label(lang), counts[domain.iri], domain.iri == selected))
                for child in sorted((self.terms[c] for c in self._children.get(domain.iri, ())
                                     if not self.terms[c].deprecated), key=lambda t: fold(t.label(lang))):
                    values.append(FacetValue(child.iri, child.label(lang), counts[child.iri],
                                             child.iri == selected, depth=1))
            return values
        cls = FACETS[name]
        members = [t for t in self.terms.values() if t.cls == cls and not t.deprecated]
        if name == "step":
            members.sort(key=lambda t: (t.order or 0, t.iri))
        else:
            members.sort(key=lambda t: (fold(t.label(lang)), t.iri))
        return [FacetValue(t.iri, t.label(lang), counts[t.iri], t.iri == selected) for t in members]


def read_index(run) -> CatalogueIndex:
    """The index of every course of the store; ``run`` answers a SELECT (store.query or an engine)."""
    terms_data: dict[str, dict] = {}
    serves: dict[str, set[str]] = defaultdict(set)
    for subject, cls, predicate, value in run(VOCABULARY_QUERY).rows:
        data = terms_data.setdefault(str(subject), {"cls": str(cls)[len(str(GSK)):], "labels": {}})
        predicate = str(predicate)
        if predicate == _RDFS_LABEL and getattr(value, "language", None):
            data["labels"][value.language] = str(value)
        elif predicate == str(GSK.eqfLevel):
            data["level"] = int(value)
        elif predicate == str(GSK.stepOrder):
            data["order"] = int(value)
        elif predicate == _SKOS_BROADER:
            data["parent"] = str(value)
        elif predicate == str(GSK.servesStep):
            serves[str(subject)].add(str(value))
        elif predicate == _DEPRECATED:
            data["deprecated"] = value.toPython() is True
    terms = {iri: Term(iri, d["cls"], d["labels"], order=d.get("order"), level=d.get("level"),
                       parent=d.get("parent"), deprecated=d.get("deprecated", False))
             for iri, d in terms_data.items()}
    courses: dict[str, Course] = {}
    for subject, predicate, value in run(COURSES_QUERY).rows:
        course = courses.setdefault(str(subject), Course(str(subject)))
        name = str(predicate)[len(str(GSK)):] if str(predicate).startswith(str(GSK)) else str(predicate)
        if name == _RDFS_LABEL:
            if getattr(value, "language", None):
                course.labels[value.language] = str(value)
        elif name == "illustrative":
            course.illustrative = value.toPython() is True
        elif name == "eqfLevel":
            course.level = int(value)
        elif name == "webPage":
            course.web_page = str(value)
        else:
            getattr(course, _COURSE_FIELDS[name]).add(str(value))
    return CatalogueIndex(sorted(courses.values(), key=lambda c: c.iri), terms, serves)
