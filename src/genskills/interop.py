"""Views of genskills in other vocabularies: schema.org / Bioschemas ``Course``, SKOS, ESCO.

- ``course_as_schemaorg`` / ``catalogue_as_schemaorg``: each course as a schema.org
  ``Course`` that follows the Bioschemas Course profile 1.0-RELEASE (its minimum properties
  ``name``, ``description``, ``keywords`` and ``dct:conformsTo``, and the recommended ones
  the data has), in JSON-LD, for TeSS-style harvesters and search engines.
- ``competence_scheme``: the competence framework as a standalone SKOS concept scheme.
- ``esco_view``: role-competence links stated with the ESCO model's ``relatedEssentialSkill``
  and ``relatedOptionalSkill`` on the ESCO occupations the roles are aligned to.

docs/export.md has the mapping tables and the choices made (which alignments are used, how
illustrative courses are marked). All views read the stated graphs (not ``.../graph/inferred``).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TextIO

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, VOID

from .csv_export import stated
from .errors import NotFoundError
from .jsonld_writer import load_context
from .namespaces import BASE, GSK, GSKD, GRAPH, PREFIXES, SCHEMA
from .store import NOT_STAGING, Store

#: The versioned IRI of the Bioschemas Course profile the view follows (1.0-RELEASE, 13 September
#: 2022, the latest release; 1.1-DRAFT is a draft).
BIOSCHEMAS_COURSE = "https://bioschemas.org/profiles/Course/1.0-RELEASE"
#: The ESCO ontology (http://data.europa.eu/esco/model, revision 2.0.0).
ESCO = Namespace("http://data.europa.eu/esco/model#")
ESCO_OCCUPATION = "http://data.europa.eu/esco/occupation/"
EDAM = "http://edamontology.org/"
#: Alignments of a role to an ESCO occupation that let the occupation carry the role's
#: competences: exact and close matches only (a broader ISCO group or a related occupation
#: does not need every competence of the role).
ESCO_MATCHES = (SKOS.exactMatch, SKOS.closeMatch)
#: Alignments of a competence to an EDAM topic that make the topic a subject (``about``) of a
#: course covering the competence: the topic is the same, close, or broader.
EDAM_MATCHES = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch)
MAPPINGS = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch)
FRAMEWORK = GSKD["competence-framework"]
COURSE_MODES = {str(GSK.OnSite): "onsite", str(GSK.Online): "online", str(GSK.Blended): "blended"}
EQF_SET = {"en": "European Qualifications Framework (EQF)", "fr": "Cadre européen des certifications (CEC)"}
EQF_LEVEL = {"en": "EQF level {}", "fr": "niveau {} du CEC"}
#: Courses read per query for the catalogue.
PAGE = 200
LANGUAGES = ("en", "fr")


# ---------------------------------------------------------------------------------
# schema.org / Bioschemas Course


def schemaorg_context(root: Path | None = None) -> dict:
    """The part of the genskills context that the Course view uses: the schema.org terms and
    the prefixes ``schema``, ``dct``, ``gsk``, ``gskd``, ``xsd`` (the same definitions)."""
    full = load_context(root)
    keep = {"schema", "dct", "gsk", "gskd", "xsd"}
    view = {}
    for term, definition in full.items():
        iri = definition if isinstance(definition, str) else definition.get("@id", "")
        if term in keep or iri.startswith("schema:") or iri.startswith(str(SCHEMA)):
            view[term] = definition
    return view


@dataclass
class _Reference:
    """What a course view needs besides the course's own triples, read once."""

    labels: dict[str, dict[str, str]] = field(default_factory=dict)        # IRI -> lang -> label
    notations: dict[str, str] = field(default_factory=dict)
    topics: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))   # competence -> EDAM topics
    cities: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))   # institution -> cities
    regions: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))  # institution -> regions
    pages: dict[str, str] = field(default_factory=dict)                    # institution -> web page

    def label(self, iri: str, lang: str) -> str | None:
        found = self.labels.get(iri, {})
        return found.get(lang) or found.get("en") or found.get("fr") or next(iter(found.values()), None)


def _reference(store: Store) -> _Reference:
    ref = _Reference()
    for x, label in store.query(f"""SELECT ?x ?label WHERE {{ GRAPH ?g {{ ?x <{RDFS.label}> ?label }}
            {stated('?g')} FILTER NOT EXISTS {{ GRAPH ?h {{ ?x a <{GSK.Course}> }} }} }}""").rows:
        ref.labels.setdefault(str(x), {}).setdefault(label.language or "", str(label))
    for x, notation in store.query(f"""SELECT ?x ?n WHERE {{ GRAPH ?g {{ ?x <{SKOS.notation}> ?n ;
            <{SKOS.inScheme}> <{FRAMEWORK}> }} {stated('?g')} }}""").rows:
        ref.notations[str(x)] = str(notation)
    matches = " ".join(f"<{m}>" for m in EDAM_MATCHES)
    for concept, topic in store.query(f"""SELECT DISTINCT ?c ?t WHERE {{ VALUES ?m {{ {matches} }}
            GRAPH ?g {{ ?c ?m ?t }} {stated('?g')} FILTER(STRSTARTS(STR(?t), "{EDAM}")) }} ORDER BY ?c ?t""").rows:
        ref.topics[str(concept)].append(str(topic))
    for inst, prop, value in store.query(f"""SELECT ?i ?p ?v WHERE {{ VALUES ?p {{ <{GSK.city}> <{GSK.inRegion}>
            <{GSK.webPage}> }} GRAPH ?g {{ ?i a <{GSK.Institution}> ; ?p ?v }} {stated('?g')} }}
            ORDER BY ?i ?p ?v""").rows:
        if prop == GSK.city:
            ref.cities[str(inst)].append(str(value))
        elif prop == GSK.inRegion:
            ref.regions[str(inst)].append(str(value))
        else:
            ref.pages.setdefault(str(inst), str(value))
    return ref


def _course_values(store: Store, courses: list[str]) -> dict[str, dict[str, list]]:
    """The stated (predicate -> values) of each course, values sorted."""
    values = " ".join(f"<{c}>" for c in courses)
    found: dict[str, dict[str, list]] = {c: defaultdict(list) for c in courses}
    for course, prop, value in store.query(f"""SELECT ?c ?p ?o WHERE {{ VALUES ?c {{ {values} }}
            GRAPH ?g {{ ?c ?p ?o }} {stated('?g')} }}""").rows:
        found[str(course)][str(prop)].append(value)
    for props in found.values():
        for items in props.values():
            items.sort(key=lambda term: (str(getattr(term, "language", "") or ""), str(term)))
    return found


def _in_language(values: list, lang: str) -> str | None:
    """The value in ``lang``, else in the other language, else an untagged one."""
    for wanted in (lang, *[other for other in LANGUAGES if other != lang], None):
        for value in values:
            if (getattr(value, "language", None) or None) == wanted:
                return str(value)
    return str(values[0]) if values else None


def _number(literal) -> int | float | None:
    try:
        value = Decimal(str(literal))
    except InvalidOperation:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def iso_duration(hours) -> str:
    """An ISO 8601 duration for a number of hours (schema.org ``Duration``).

    >>> iso_duration("106"), iso_duration("7.5")
    ('PT106H', 'PT7H30M')
    """
    minutes = round(Decimal(str(hours)) * 60)
    whole, rest = divmod(int(minutes), 60)
    return f"PT{whole}H" + (f"{rest}M" if rest else "")


def _defined_term(iri: str, ref: _Reference, lang: str, term_set: str) -> dict:
    term = {"@type": "DefinedTerm", "@id": iri, "inDefinedTermSet": {"@id": term_set}}
    name = ref.label(iri, lang)
    if name:
        term["name"] = name
    code = ref.notations.get(iri) or (iri[len(EDAM):] if iri.startswith(EDAM) else None)
    if code:
        term["termCode"] = code
    return term


def _places(regions: list[str], cities: list[str], ref: _Reference, lang: str) -> list[dict]:
    places = []
    for region in regions:
        address = {"@type": "PostalAddress", "addressCountry": "FR"}
        if ref.label(region, lang):
            address["addressRegion"] = ref.label(region, lang)
        if len(regions) == 1 and len(cities) == 1:
            address["addressLocality"] = cities[0]
        places.append({"@type": "Place", "address": address})
    if not (len(regions) == 1 and len(cities) == 1):
        places += [{"@type": "Place", "address": {"@type": "PostalAddress", "addressLocality": city,
                                                   "addressCountry": "FR"}} for city in cities]
    return places


def _course_view(iri: str, values: dict[str, list], ref: _Reference, lang: str) -> dict:
    """One course as a schema.org Course (Bioschemas Course 1.0-RELEASE), without ``@context``."""
    get = lambda prop: values.get(str(prop), [])  # noqa: E731
    iris = lambda prop: [str(v) for v in get(prop)]  # noqa: E731
    other = next(x for x in LANGUAGES if x != lang)
    labels = get(RDFS.label)
    name = _in_language(labels, lang) or iri
    view: dict = {"@id": iri, "@type": "Course", "dct:conformsTo": {"@id": BIOSCHEMAS_COURSE}, "name": name}
    alternate = _in_language([v for v in labels if getattr(v, "language", None) == other], other)
    if alternate and alternate != name:
        view["alternateName"] = alternate
    view["description"] = _in_language(get(SKOS.definition), lang) or name
    competences = iris(GSK.coversCompetence)
    keywords = sorted({str(t).replace(",", ";") for t in get(GSK.topicText)})
    keywords = keywords or sorted({ref.label(c, lang) for c in competences if ref.label(c, lang)})
    keywords = keywords or [ref.label(t, lang) for t in iris(GSK.hasTrainingType) if ref.label(t, lang)] or [name]
    view["keywords"] = ", ".join(keywords)
    if get(SKOS.notation):
        view["identifier"] = str(get(SKOS.notation)[0])
    if get(GSK.webPage):
        view["url"] = str(get(GSK.webPage)[0])
    if competences:
        teaches = [_defined_term(c, ref, lang, str(FRAMEWORK)) for c in competences]
        view["teaches"] = teaches
        topics = sorted({t for c in competences for t in ref.topics.get(c, [])})
        view["about"] = [_defined_term(t, ref, lang, EDAM.rstrip("/")) for t in topics] if topics else teaches
    providers = []
    for inst in iris(GSK.offeredBy):
        provider = {"@type": "EducationalOrganization", "@id": inst, "name": ref.label(inst, lang) or inst}
        if inst in ref.pages:
            provider["url"] = ref.pages[inst]
        places = _places(ref.regions.get(inst, []), ref.cities.get(inst, []), ref, lang)
        if places:
            provider["address"] = places[0]["address"]
        providers.append(provider)
    if providers:
        view["provider"] = providers
    languages = [str(v) for v in get(GSK.teachingLanguage)]
    if languages:
        view["inLanguage"] = languages[0] if len(languages) == 1 else languages
    audience = [{"@type": "Audience", "audienceType": ref.label(role, lang) or role, "identifier": role}
                for role in iris(GSK.targetsRole)]
    audience += [{"@type": "Audience", "audienceType": str(text)} for text in get(GSK.audienceText)]
    if audience:
        view["audience"] = audience
    for level in get(GSK.eqfLevel)[:1]:
        view["educationalLevel"] = {
            "@type": "DefinedTerm", "name": EQF_LEVEL[lang].format(level), "termCode": str(level),
            "inDefinedTermSet": {"@type": "DefinedTermSet", "name": EQF_SET[lang]}}
    types = [ref.label(t, lang) for t in iris(GSK.hasTrainingType) if ref.label(t, lang)]
    if types:
        view["educationalCredentialAwarded"] = types[0]
    for hours in get(GSK.durationHours)[:1]:
        view["timeRequired"] = iso_duration(hours)
    for ects in get(GSK.ects)[:1]:
        view["numberOfCredits"] = {"@type": "QuantitativeValue", "value": _number(ects), "unitText": "ECTS"}
    instance: dict = {}
    modes = [COURSE_MODES[m] for m in iris(GSK.hasMode) if m in COURSE_MODES]
    if modes:
        instance["courseMode"] = modes[0] if len(modes) == 1 else modes
    places = _places(iris(GSK.inRegion), [str(c) for c in get(GSK.city)], ref, lang)
    if places:
        instance["location"] = places[0] if len(places) == 1 else places
    if languages:
        instance["inLanguage"] = view["inLanguage"]
    if instance:
        view["hasCourseInstance"] = [{"@type": "CourseInstance", **instance}]
    citations = []
    for source in iris(DCTERMS.source):
        if source.startswith(str(GSKD)):
            citations.append({"@type": "CreativeWork", "@id": source, "name": ref.label(source, lang) or source})
        else:
            citations.append({"@type": "CreativeWork", "url": source})
    if citations:
        view["citation"] = citations
    for status in iris(GSK.curationStatus)[:1]:
        # Illustrative courses are invented: the status says so, so that a harvester can skip them.
        view["creativeWorkStatus"] = {"@type": "DefinedTerm", "@id": status, "name": ref.label(status, lang) or status,
                                      "inDefinedTermSet": {"@id": str(GSK.CurationStatus)}}
    return view


def course_as_schemaorg(store: Store, course: str, *, lang: str = "en", root: Path | None = None) -> dict:
    """One course (``gskd:course-x``, ``course-x`` or its IRI) as a schema.org Course in JSON-LD,
    with its ``@context`` (the schema.org part of the genskills context, inline).

    ``lang`` (``en`` or ``fr``) picks the language of ``name``, ``description`` and labels.

    :raises NotFoundError: no such course in the store.
    """
    iri = course if course.startswith(("http://", "https://")) else str(GSKD[course.removeprefix("gskd:")])
    if not store.query(f"ASK {{ GRAPH ?g {{ <{iri}> a <{GSK.Course}> }} {NOT_STAGING} }}").boolean:
        raise NotFoundError(f"no course {iri} in the store")
    view = _course_view(iri, _course_values(store, [iri])[iri], _reference(store), lang)
    return {"@context": schemaorg_context(root), **view}


def catalogue_as_schemaorg(store: Store, output: TextIO, *, lang: str = "en", include_illustrative: bool = False,
                           root: Path | None = None) -> int:
    """Write every course as a schema.org Course: one JSON-LD document, ``{"@context", "@graph": [...]}``,
    a page of courses at a time; the number of courses written.

    Illustrative (and synthetic) courses are left out unless ``include_illustrative``; when
    included, ``creativeWorkStatus`` is ``gsk:Illustrative``.
    """
    keep = "" if include_illustrative else f"FILTER NOT EXISTS {{ GRAPH ?h {{ ?c <{GSK.illustrative}> true }} }}"
    courses = sorted(str(c) for (c,) in store.query(f"""SELECT DISTINCT ?c WHERE {{
        GRAPH ?g {{ ?c a <{GSK.Course}> }} {NOT_STAGING} {keep} }}""").rows)
    ref = _reference(store)
    output.write('{\n"@context": ' + json.dumps(schemaorg_context(root), ensure_ascii=False, indent=1)
                 + ',\n"@graph": [')
    for start in range(0, len(courses), PAGE):
        page = courses[start:start + PAGE]
        values = _course_values(store, page)
        for index, course in enumerate(page):
            output.write(",\n" if start + index else "\n")
            output.write(json.dumps(_course_view(course, values[course], ref, lang), ensure_ascii=False))
    output.write("\n]\n}\n")
    return len(courses)


# ---------------------------------------------------------------------------------
# SKOS concept scheme

#: What a concept of the scheme keeps: SKOS only, plus its sources.
CONCEPT_PROPERTIES = (SKOS.prefLabel, SKOS.altLabel, SKOS.definition, SKOS.notation, SKOS.note, SKOS.scopeNote,
                      SKOS.example, SKOS.broader, SKOS.narrower, SKOS.inScheme, SKOS.topConceptOf, *MAPPINGS,
                      DCTERMS.source)
SCHEME_PROPERTIES = (SKOS.prefLabel, SKOS.definition, SKOS.notation, SKOS.hasTopConcept, DCTERMS.source,
                     DCTERMS.license, DCTERMS.title)


def _bind(graph: Graph, *names: str) -> Graph:
    for name in names:
        graph.bind(name, PREFIXES.get(name) or {"esco": str(ESCO)}[name])
    return graph


def competence_scheme(store: Store) -> Graph:
    """The competence framework as a standalone SKOS concept scheme (no genskills class or property).

    Every concept ``skos:inScheme gskd:competence-framework`` (the domains and competences)
    with its labels, definitions, notes, notation, hierarchy (``broader`` and ``narrower``
    both stated), top-concept links, sources and mapping links (with the labels of the
    mapping targets), and the scheme with its labels, definition, licence and sources.
    """
    props = " ".join(f"<{p}>" for p in CONCEPT_PROPERTIES)
    scheme = _bind(Graph(), "skos", "dct", "gskd", "rdfs")
    concepts = set()
    for concept, prop, value in store.query(f"""SELECT ?c ?p ?o WHERE {{
            GRAPH ?g {{ ?c <{SKOS.inScheme}> <{FRAMEWORK}> }} {stated('?g')}
            VALUES ?p {{ {props} }} GRAPH ?h {{ ?c ?p ?o }} {stated('?h')} }}""").rows:
        concepts.add(concept)
        scheme.add((concept, prop, value))
    for concept in concepts:
        scheme.add((concept, RDF.type, SKOS.Concept))
    for narrower, broader in list(scheme.subject_objects(SKOS.broader)):
        scheme.add((broader, SKOS.narrower, narrower))
    for broader, narrower in list(scheme.subject_objects(SKOS.narrower)):
        scheme.add((narrower, SKOS.broader, broader))
    for top in list(scheme.subjects(SKOS.topConceptOf, FRAMEWORK)):
        scheme.add((FRAMEWORK, SKOS.hasTopConcept, top))
    scheme.add((FRAMEWORK, RDF.type, SKOS.ConceptScheme))
    props = " ".join(f"<{p}>" for p in SCHEME_PROPERTIES)
    for prop, value in store.query(f"""SELECT ?p ?o WHERE {{ VALUES ?p {{ {props} }}
            GRAPH ?g {{ <{FRAMEWORK}> ?p ?o }} {stated('?g')} }}""").rows:
        scheme.add((FRAMEWORK, prop, value))
    for top in list(scheme.objects(FRAMEWORK, SKOS.hasTopConcept)):
        scheme.add((top, SKOS.topConceptOf, FRAMEWORK))
    for label in list(scheme.objects(FRAMEWORK, SKOS.prefLabel)):
        scheme.add((FRAMEWORK, DCTERMS.title, label))
    for licence, in store.query(f"""SELECT DISTINCT ?l WHERE {{ GRAPH ?g {{ ?d <{DCTERMS.license}> ?l ;
            <{SKOS.notation}> "dataset-competences" }} {stated('?g')} }}""").rows:
        scheme.add((FRAMEWORK, DCTERMS.license, licence))
    matches = " ".join(f"<{m}>" for m in MAPPINGS)
    for target, label in store.query(f"""SELECT DISTINCT ?t ?l WHERE {{
            GRAPH ?g {{ ?c <{SKOS.inScheme}> <{FRAMEWORK}> }} VALUES ?m {{ {matches} }}
            GRAPH ?h {{ ?c ?m ?t }} GRAPH ?k {{ ?t <{RDFS.label}> ?l }} {stated('?k')} }}""").rows:
        scheme.add((target, RDFS.label, label))
    return scheme


# ---------------------------------------------------------------------------------
# ESCO view

ESCO_VIEW = URIRef(BASE + "dataset/esco-view")


def esco_view(store: Store) -> Graph:
    """Role-competence links in the ESCO model, on the ESCO occupations the roles are aligned to.

    For each role aligned by ``skos:exactMatch`` or ``skos:closeMatch`` to an ESCO occupation
    (``http://data.europa.eu/esco/occupation/...``) in the alignments graph: the occupation
    ``esco:relatedEssentialSkill`` each essential competence of the role and
    ``esco:relatedOptionalSkill`` each optional one (essential wins when two roles disagree).
    Competences have no ESCO skill alignment, so the skills are genskills competences
    (``skos:Concept`` of ``gskd:competence-framework``, with their labels). The role, its
    alignment and the view's own description (derived, a proposal) are included.
    """
    view = _bind(Graph(), "esco", "skos", "dct", "gskd", "rdfs", "prov", "void")
    matches = " ".join(f"<{m}>" for m in ESCO_MATCHES)
    rows = store.query(f"""SELECT DISTINCT ?role ?m ?occupation WHERE {{ VALUES ?m {{ {matches} }}
        GRAPH <{GRAPH['alignments']}> {{ ?role ?m ?occupation }}
        GRAPH ?g {{ ?role a <{GSK.ProfessionalRole}> }} {stated('?g')}
        FILTER(STRSTARTS(STR(?occupation), "{ESCO_OCCUPATION}")) }} ORDER BY ?role ?occupation""").rows
    occupations: dict[URIRef, set[URIRef]] = defaultdict(set)
    for role, match, occupation in rows:
        occupations[occupation].add(role)
        view.add((role, match, occupation))
    essential: dict[URIRef, set] = defaultdict(set)
    optional: dict[URIRef, set] = defaultdict(set)
    for occupation, roles in occupations.items():
        values = " ".join(f"<{r}>" for r in roles)
        for prop, competence in store.query(f"""SELECT DISTINCT ?p ?c WHERE {{ VALUES ?r {{ {values} }}
                VALUES ?p {{ <{GSK.hasEssentialCompetence}> <{GSK.hasOptionalCompetence}> }}
                GRAPH ?g {{ ?r ?p ?c }} {stated('?g')} }}""").rows:
            (essential if prop == GSK.hasEssentialCompetence else optional)[occupation].add(competence)
    linked = set()
    for occupation in occupations:
        view.add((occupation, RDF.type, ESCO.Occupation))
        for competence in essential[occupation]:
            view.add((occupation, ESCO.relatedEssentialSkill, competence))
        for competence in optional[occupation] - essential[occupation]:
            view.add((occupation, ESCO.relatedOptionalSkill, competence))
        linked |= essential[occupation] | optional[occupation]
    described = " ".join(f"<{x}>" for x in sorted(linked | set(occupations) | {r for rs in occupations.values()
                                                                              for r in rs}))
    if described:
        for subject, prop, value in store.query(f"""SELECT ?x ?p ?o WHERE {{ VALUES ?x {{ {described} }}
                VALUES ?p {{ <{RDFS.label}> <{SKOS.prefLabel}> <{SKOS.notation}> <{SKOS.inScheme}> }}
                GRAPH ?g {{ ?x ?p ?o }} {stated('?g')} }}""").rows:
            view.add((subject, prop, value))
    for competence in linked:
        view.add((competence, RDF.type, SKOS.Concept))
    view.add((ESCO_VIEW, RDF.type, VOID.Dataset))
    view.add((ESCO_VIEW, DCTERMS.title, Literal("genskills role competences in the ESCO model", lang="en")))
    view.add((ESCO_VIEW, DCTERMS.title, Literal("Compétences des rôles genskills dans le modèle ESCO", lang="fr")))
    view.add((ESCO_VIEW, DCTERMS.description, Literal(
        "Derived from the essential and optional competences of the genskills roles (a proposal) and from their "
        "exact or close alignments to ESCO occupations (the choice of each link is a proposal). The skills are "
        "genskills competences, not ESCO skills: no competence has an ESCO skill alignment.", lang="en")))
    view.add((ESCO_VIEW, DCTERMS.description, Literal(
        "Tiré des compétences essentielles et optionnelles des rôles genskills (une proposition) et de leurs "
        "alignements exacts ou proches vers des professions ESCO (le choix de chaque lien est une proposition). "
        "Les aptitudes sont des compétences genskills, non des aptitudes ESCO : aucune compétence n'a "
        "d'alignement vers une aptitude ESCO.", lang="fr")))
    view.add((ESCO_VIEW, DCTERMS.conformsTo, URIRef(str(ESCO).rstrip("#"))))
    view.add((ESCO_VIEW, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")))
    for source in ("reference", "alignments"):
        view.add((ESCO_VIEW, PROV.wasDerivedFrom, GRAPH[source]))
    return view

