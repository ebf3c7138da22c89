"""What an import file parses into, and the rules both import readers share.

``inventory.read_inventory`` (CSV/XLSX) and ``jsonld_courses.read_course_jsonld`` (schema.org
Course) turn each course of a file into a ``CourseDraft`` of checked, resolved values, and
``build_courses`` turns the drafts into the RDF the catalogue uses (docs/model.md): the same
properties, statuses and flags as ``data/catalogue/courses-real.ttl`` and
``courses-illustrative.ttl``. Course IRIs come from the content of the course, never from its
place in the file (``course_iri``), so re-importing a file changes nothing.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from .errors import Problem, ProblemsError
from .namespaces import GSK, GSKD, PREFIXES
from .vocabulary import Vocabulary, expand, local_id, messages_of, normalised

#: Course -> CarePathwayStep. Declared by the ontology session of issue 5 (not yet in the
#: shapes when this module was written): a course teaches for this step of the care pathway.
COVERS_STEP = GSK.coversStep

#: Words a boolean cell may hold (lower-cased).
TRUE_WORDS = {"true", "yes", "oui", "vrai", "1", "y", "o"}
FALSE_WORDS = {"false", "no", "non", "faux", "0", "n"}

#: Language names people write instead of a BCP 47 code.
LANGUAGE_NAMES = {"francais": "fr", "french": "fr", "anglais": "en", "english": "en"}

#: The pattern of the shapes for a web page (gsksh:Course-webPage).
URL_PATTERN = re.compile(r"^https?://[^\s/$.?#].[^\s]*$")
#: BCP 47 tags: language, then script, region, variants (RFC 5646, without extensions).
LANGUAGE_PATTERN = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z]{4})?(-(?:[a-zA-Z]{2}|[0-9]{3}))?"
                              r"(-(?:[a-zA-Z0-9]{5,8}|[0-9][a-zA-Z0-9]{3}))*$")
ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

ILLUSTRATIVE_SUFFIX = {"fr": " [illustratif]", "en": " [illustrative]"}
ILLUSTRATIVE_NOTE = {
    "en": "Illustrative course: it does not exist as such; it was invented to show the shape of the catalogue "
          "(type, level, institution, region, competences, audiences) and must not be read as a real offer of "
          "the institution named.",
    "fr": "Formation illustrative : elle n'existe pas telle quelle ; elle a été inventée pour montrer la forme "
          "du catalogue (type, niveau, établissement, région, compétences, publics) et ne doit pas être lue "
          "comme une offre réelle de l'établissement nommé.",
}
TITLE_NOT_TRANSLATED = {
    "en": "The {missing} title is missing in the source: the {missing} label repeats the {given} title, "
          "it is not a translation.",
    "fr": "Le titre {missing_fr} manque dans la source : le libellé {missing_fr} reprend le titre {given_fr}, "
          "ce n'est pas une traduction.",
}
LANGUAGE_WORDS = {"fr": ("French", "français"), "en": ("English", "anglais")}

#: Message kinds of this module (docs/import.md lists each with an example).
MESSAGES = {
    "not-utf8": (
        "the file is not UTF-8 text ({detail}): save it as {encoding}",
        "le fichier n'est pas du texte UTF-8 ({detail}) : enregistrez-le en {encoding}"),
    "missing-value": (
        "empty, but a course needs its {what_en}",
        "vide, alors qu'une formation a besoin de {what_fr}"),
    "not-a-number": (
        '"{value}" is not a number: write e.g. 60 or 7.5',
        "« {value} » n'est pas un nombre : écrivez par exemple 60 ou 7,5"),
    "number-out-of-range": (
        "{value} is out of range: {rule_en}",
        "{value} est hors limites : {rule_fr}"),
    "not-a-level": (
        '"{value}" is not a level: write a whole number from 1 to 8',
        "« {value} » n'est pas un niveau : écrivez un nombre entier de 1 à 8"),
    "level-differs-from-type": (
        "level {value} differs from the {level_en} of the training type {type} ({type_level}): fix the level "
        "or the type, or leave the level empty",
        "le niveau {value} diffère du {level_fr} du type de formation {type} ({type_level}) : corrigez le "
        "niveau ou le type, ou laissez le niveau vide"),
    "not-a-url": (
        '"{value}" is not a web address: write a full address starting with http:// or https://',
        "« {value} » n'est pas une adresse web : écrivez une adresse complète commençant par http:// ou "
        "https://"),
    "not-a-language": (
        '"{value}" is not a BCP 47 language code: write e.g. fr, en or fr-CA',
        "« {value} » n'est pas un code de langue BCP 47 : écrivez par exemple fr, en ou fr-CA"),
    "not-a-boolean": (
        '"{value}" is neither yes nor no: write true/false, yes/no or oui/non',
        "« {value} » n'est ni oui ni non : écrivez true/false, yes/no ou oui/non"),
    "bad-id": (
        '"{value}" is not a valid course id: use lower-case letters, digits and hyphens '
        "(e.g. course-lyon-du-genomique)",
        "« {value} » n'est pas un identifiant de formation valide : utilisez des minuscules sans accent, "
        "des chiffres et des tirets (par exemple course-lyon-du-genomique)"),
    "duplicate-course": (
        "same course as {other}: both give {iri}; give each course its own id, or merge them",
        "même formation que {other} : les deux donnent {iri} ; donnez à chaque formation son propre "
        "identifiant, ou fusionnez-les"),
    "single-value": (
        "a course has one {what_en}, here {count}: {values}",
        "une formation a un seul {what_fr}, ici {count} : {values}"),
    "several-in-language": (
        "several {what_en} in {lang}: keep one per language",
        "plusieurs {what_fr} en {lang} : gardez-en un par langue"),
    "label-language": (
        'a {what_en} in "{lang}": course titles and descriptions are in French or English only',
        "un {what_fr} en « {lang} » : les titres et descriptions des formations sont en français ou en "
        "anglais seulement"),
    "real-course-without-source": (
        "a real course needs the address of its source (the page where it was read): give {source_field}, "
        "or mark the course illustrative",
        "une formation réelle a besoin de l'adresse de sa source (la page où elle a été lue) : donnez "
        "{source_field}, ou marquez la formation comme illustrative"),
    "illustrative-with-address": (
        "an illustrative course carries no {what_en} ({value}), which could pass for a real one: remove it, "
        "or mark the course as real",
        "une formation illustrative ne porte pas de {what_fr} ({value}), qui pourrait passer pour réelle : "
        "retirez-la, ou marquez la formation comme réelle"),
    "new-institution-needs-region": (
        "to create it as a new institution, give the region of the course as well",
        "pour le créer comme nouvel établissement, donnez aussi la région de la formation"),
    "institution-too-close": (
        "it is too close to a known institution to be created as a new one: write the known name or id",
        "il est trop proche d'un établissement connu pour être créé comme nouvel établissement : écrivez le "
        "nom ou l'identifiant connu"),
}

#: The words of "illustrative-with-address" for each address.
ADDRESSES = {"web_page": ("web page", "page web"), "source": ("source", "source")}
#: Each level: its words in the messages, and its place in Vocabulary.type_levels.
LEVELS = {"eqf_level": ("EQF level", "niveau CEC", 0), "french_level": ("French level", "niveau national", 1)}


say = messages_of(MESSAGES)


def utf8_text(data: bytes, path: str, *, what: str, encoding: str = "UTF-8") -> str:
    """``data`` decoded as UTF-8 (a byte-order mark is dropped).

    :raises ProblemsError: not UTF-8; the problem names the line and the first bad byte, and
        tells to save the file as ``encoding`` (e.g. "CSV UTF-8", Excel's name for it).
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        problem = Problem(f"line {line}", None,
                          say("not-utf8", detail=f"byte {data[exc.start]:#04x}", encoding=encoding))
        raise ProblemsError(f"{what} is not UTF-8 text", problems=[problem], path=path) from exc


def joined(*messages: dict[str, str]) -> dict[str, str]:
    """Messages one after the other ("first; second"), language by language."""
    return {lang: "; ".join(m[lang] for m in messages) for lang in ("en", "fr")}


#: A new institution's name this close to a known one (difflib ratio of the normalised names)
#: is taken for a typo of it ("Université de Lile"), not created.
TYPO_SIMILARITY = 0.92


def _is_reference(name: str) -> bool:
    """Whether ``name`` is an IRI, a prefixed name or an ``inst-*`` id rather than a name."""
    return expand(name) is not None or re.fullmatch(r"inst-[a-z0-9-]+", name.strip()) is not None


def may_create_institution(vocabulary: Vocabulary, name: str) -> bool:
    """Whether an unknown institution ``name`` may become a new institution: a name, not a
    reference, and not a near miss of a known institution."""
    return not _is_reference(name) and vocabulary.similarity("institution", name) < TYPO_SIMILARITY


def unknown_institution(vocabulary: Vocabulary, name: str) -> dict[str, str]:
    """Why ``name`` names no institution, and what would let it be created."""
    message = vocabulary.unknown("institution", name)
    if _is_reference(name):
        return message
    if not may_create_institution(vocabulary, name):
        return joined(message, say("institution-too-close"))
    return joined(message, say("new-institution-needs-region"))


@dataclass
class ParsedCourses:
    """The courses of one import file, in RDF, with where each came from."""

    graph: Graph                 # the courses' triples (and any institution the file creates)
    locations: dict[URIRef, str]  # course (or created institution) IRI -> "row 12" / "$[3]"
    fields: dict[URIRef, str]     # property IRI -> the column/key that gave it (to place SHACL results)
    source: str                   # the file's name


@dataclass
class CourseDraft:
    """One course of a file: its values checked and resolved, not yet RDF."""

    location: str                           # "row 12", "$[3]"
    fields: dict[str, str] = field(default_factory=dict)   # logical field -> column/key as in the file
    id: str | None = None                   # the id the file gives (checked, "course-" prefixed)
    titles: dict[str, str] = field(default_factory=dict)          # "fr"/"en" -> title
    descriptions: dict[str, str] = field(default_factory=dict)    # "fr"/"en" -> description
    institutions: list[URIRef] = field(default_factory=list)
    regions: list[URIRef] = field(default_factory=list)
    cities: list[str] = field(default_factory=list)
    training_type: URIRef | None = None
    eqf_level: int | None = None
    french_level: int | None = None
    ects: Decimal | None = None
    hours: Decimal | None = None
    modes: list[URIRef] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    competences: list[URIRef] = field(default_factory=list)
    roles: list[URIRef] = field(default_factory=list)
    steps: list[URIRef] = field(default_factory=list)
    topics: list[Literal] = field(default_factory=list)      # language-tagged
    audiences: list[Literal] = field(default_factory=list)   # language-tagged
    web_pages: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    source_seen: str | None = None
    illustrative: bool = False
    notes: list[Literal] = field(default_factory=list)       # skos:editorialNote
    #: fields with a problem reported already: the rules across fields leave them out
    reported: set[str] = field(default_factory=set)

    def field_name(self, name: str) -> str:
        return self.fields.get(name, name)


@dataclass
class NewInstitution:
    """An institution a file names that the store does not know, created from the file."""

    iri: URIRef
    names: set[str] = field(default_factory=set)
    regions: set[URIRef] = field(default_factory=set)
    cities: set[str] = field(default_factory=set)
    locations: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        # The smallest spelling, so that the label does not depend on the order of the rows.
        return min(self.names)


# -- values ------------------------------------------------------------------------


def parse_decimal(text: str) -> Decimal | None:
    """A number written with a point or a comma ("7.5", "7,5", "60"), or None.

    >>> parse_decimal("7,5")
    Decimal('7.5')
    """
    text = text.strip().replace("\u00a0", "").replace(" ", "")
    if re.fullmatch(r"[-+]?\d+([.,]\d+)?", text) is None:
        return None
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None


def parse_level(text: str) -> int | None:
    """A level 1..8 ("7", "7.0"), or None."""
    number = parse_decimal(text)
    if number is None or number != number.to_integral_value() or not 1 <= number <= 8:
        return None
    return int(number)


def parse_url(text: str) -> str | None:
    """``text`` if it is an http(s) address the shapes accept, else None."""
    text = text.strip()
    return text if URL_PATTERN.match(text) else None


def parse_language(text: str) -> str | None:
    """A BCP 47 tag in its usual case ("fr", "fr-CA", "zh-Hant"), a known language name, or None.

    >>> parse_language("FR-ca"), parse_language("Français"), parse_language("fr_FR")
    ('fr-CA', 'fr', None)
    """
    text = text.strip()
    named = LANGUAGE_NAMES.get(normalised(text))
    if named:
        return named
    if not LANGUAGE_PATTERN.match(text):
        return None
    parts = text.split("-")
    shaped = [parts[0].lower()]
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            shaped.append(part.title())
        elif len(part) == 2 and part.isalpha():
            shaped.append(part.upper())
        else:
            shaped.append(part.lower())
    return "-".join(shaped)


def parse_boolean(text: str) -> bool | None:
    word = normalised(text)
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def number_literal(value: Decimal) -> Literal:
    """A whole number as xsd:integer ("60"), any other as xsd:decimal ("7.5"): the lexical form
    does not depend on how the file wrote it ("60.0", "60")."""
    if value == value.to_integral_value():
        return Literal(int(value))
    text = format(value.normalize(), "f")
    return Literal(text, datatype=XSD.decimal)


# -- IRIs --------------------------------------------------------------------------


def slug(text: str, limit: int = 60) -> str:
    """``text`` as lower-case words joined by hyphens, cut at a word boundary under ``limit``.

    >>> slug("DU Génomique & médecine personnalisée (exemple)")
    'du-genomique-medecine-personnalisee-exemple'
    """
    words = re.sub(r"[^a-z0-9]+", " ", normalised(text)).split()
    kept: list[str] = []
    for word in words:
        if kept and len("-".join(kept + [word])) > limit:
            break
        kept.append(word)
    return "-".join(kept)[:limit].strip("-")


def checked_id(text: str) -> str | None:
    """The course id ``text`` gives ("course-" added when missing), or None if it is not ``[a-z0-9-]+``."""
    text = text.strip()
    if not ID_PATTERN.match(text):
        return None
    return text if text.startswith("course-") else f"course-{text}"


def course_iri(draft: CourseDraft) -> URIRef | None:
    """The IRI of a course: its id if the file gives one; else made from its content.

    Made from: the first institution's id, the French title (English if none) and a short hash
    of (institution, title, web page), never from the row or order of the course in the file;
    ``course-illus-`` for an illustrative course.
    A course whose source names no institution gets none in its IRI.
    None when there is no title to make it from (a problem is reported then).
    """
    if draft.id:
        return GSKD[draft.id]
    title = draft.titles.get("fr") or draft.titles.get("en")
    if not title:
        return None
    institution = draft.institutions[0] if draft.institutions else ""
    page = draft.web_pages[0] if draft.web_pages else ""
    digest = hashlib.sha1(f"{institution}\n{normalised(title)}\n{page}".encode("utf-8")).hexdigest()[:8]
    inst = local_id(str(institution)).removeprefix("inst-") if institution else ""
    # Illustrative courses are course-illus-* (docs/model.md).
    head = "course-illus" if draft.illustrative else "course"
    return GSKD["-".join(part for part in (head, slug(inst, 40), slug(title, 40), digest) if part)]


def institution_iri(name: str) -> URIRef:
    """The IRI of an institution a file creates: ``gskd:inst-<slug of its name>``."""
    return GSKD[f"inst-{slug(name, 80) or 'unnamed'}"]


# -- checks shared by the readers --------------------------------------------------


def check_course(draft: CourseDraft, vocabulary: Vocabulary) -> list[Problem]:
    """The problems that involve several values of a course (each value is checked when read)."""
    problems = []
    where = draft.location
    if draft.training_type is not None:
        levels = vocabulary.type_levels.get(draft.training_type, (None, None))
        for name, (level_en, level_fr, index) in LEVELS.items():
            value = getattr(draft, name)
            expected = levels[index]
            if value is not None and expected is not None and value != expected and name not in draft.reported:
                problems.append(Problem(where, draft.field_name(name), say(
                    "level-differs-from-type", value=value, level_en=level_en, level_fr=level_fr,
                    type=local_id(str(draft.training_type)), type_level=expected)))
    if draft.illustrative:
        for name, values in (("web_page", draft.web_pages), ("source", draft.sources)):
            if values:
                what_en, what_fr = ADDRESSES[name]
                problems.append(Problem(where, draft.field_name(name), say(
                    "illustrative-with-address", what_en=what_en, what_fr=what_fr, value=", ".join(values))))
    elif not draft.sources and not draft.reported & {"source", "illustrative"}:
        problems.append(Problem(where, draft.field_name("source"), say(
            "real-course-without-source", source_field=draft.field_name("source"))))
    return problems


def duplicate_problems(drafts: list[tuple[URIRef, CourseDraft]]) -> list[Problem]:
    """A problem for each course whose IRI an earlier course of the file already has."""
    seen: dict[URIRef, CourseDraft] = {}
    problems = []
    for iri, draft in drafts:
        if iri in seen:
            problems.append(Problem(draft.location, draft.field_name("id"), say(
                "duplicate-course", other=seen[iri].location, iri=f"gskd:{local_id(str(iri))}")))
        else:
            seen[iri] = draft
    return problems


# -- RDF ---------------------------------------------------------------------------


def _definition(draft: CourseDraft, vocabulary: Vocabulary, origin: dict[str, str], lang: str) -> str:
    """A definition for a course whose file gives none, from what the file does give."""
    institutions = ", ".join(vocabulary.label(i, lang) for i in draft.institutions)
    kind = f" – {vocabulary.label(draft.training_type, lang)} –" if draft.training_type else ""
    if lang == "fr":
        head = "Formation illustrative" if draft.illustrative else "Formation"
        return f"{head}{kind} proposée par {institutions}, {origin['fr']}."
    head = "Illustrative course" if draft.illustrative else "Course"
    return f"{head}{kind} offered by {institutions}, {origin['en']}."


def _titles(draft: CourseDraft, graph: Graph, iri: URIRef) -> None:
    titles = dict(draft.titles)
    for missing, given in (("en", "fr"), ("fr", "en")):
        if missing not in titles and given in titles:
            # The model needs a label in both languages; the one title stands in for the other,
            # and a note says so rather than pass it off as a translation.
            titles[missing] = titles[given]
            graph.add((iri, SKOS.editorialNote, Literal(TITLE_NOT_TRANSLATED["en"].format(
                missing=LANGUAGE_WORDS[missing][0], given=LANGUAGE_WORDS[given][0]), lang="en")))
            graph.add((iri, SKOS.editorialNote, Literal(TITLE_NOT_TRANSLATED["fr"].format(
                missing_fr=LANGUAGE_WORDS[missing][1], given_fr=LANGUAGE_WORDS[given][1]), lang="fr")))
    for lang, title in titles.items():
        if draft.illustrative and "illustrati" not in title.casefold():
            title += ILLUSTRATIVE_SUFFIX[lang]
        graph.add((iri, RDFS.label, Literal(title, lang=lang)))


def add_course(graph: Graph, iri: URIRef, draft: CourseDraft, vocabulary: Vocabulary,
               origin: dict[str, str], regions_of: dict[URIRef, set[URIRef]]) -> None:
    """The triples of one course; ``origin`` ends its generated definitions ("imported from ...");
    ``regions_of`` gives the regions of institutions, for a course that states none."""
    status = GSK.Illustrative if draft.illustrative else GSK.Proposal
    graph.add((iri, RDF.type, GSK.Course))
    graph.add((iri, SKOS.notation, Literal(local_id(str(iri)))))
    _titles(draft, graph, iri)
    for lang in ("fr", "en"):
        text = draft.descriptions.get(lang) or _definition(draft, vocabulary, origin, lang)
        graph.add((iri, SKOS.definition, Literal(text, lang=lang)))
    if draft.illustrative:
        for lang, note in ILLUSTRATIVE_NOTE.items():
            graph.add((iri, SKOS.note, Literal(note, lang=lang)))
    for note in draft.notes:
        graph.add((iri, SKOS.editorialNote, note))
    regions = draft.regions or sorted({r for i in draft.institutions for r in regions_of.get(i, ())})
    links = ((GSK.offeredBy, draft.institutions), (GSK.inRegion, regions), (GSK.hasMode, draft.modes),
             (GSK.coversCompetence, draft.competences), (GSK.targetsRole, draft.roles),
             (COVERS_STEP, draft.steps))
    for prop, targets in links:
        for target in targets:
            graph.add((iri, prop, target))
    if draft.training_type is not None:
        graph.add((iri, GSK.hasTrainingType, draft.training_type))
    for city in draft.cities:
        graph.add((iri, GSK.city, Literal(city)))
    if draft.eqf_level is not None:
        graph.add((iri, GSK.eqfLevel, Literal(draft.eqf_level)))
    if draft.french_level is not None:
        graph.add((iri, GSK.frenchLevel, Literal(draft.french_level)))
    if draft.ects is not None:
        graph.add((iri, GSK.ects, number_literal(draft.ects)))
    if draft.hours is not None:
        graph.add((iri, GSK.durationHours, number_literal(draft.hours)))
    for language in draft.languages:
        graph.add((iri, GSK.teachingLanguage, Literal(language, datatype=XSD.language)))
    for topic in draft.topics:
        graph.add((iri, GSK.topicText, topic))
    for audience in draft.audiences:
        graph.add((iri, GSK.audienceText, audience))
    for page in draft.web_pages:
        graph.add((iri, GSK.webPage, Literal(page, datatype=XSD.anyURI)))
    for source in draft.sources:
        graph.add((iri, DCTERMS.source, URIRef(source)))
    if draft.source_seen:
        graph.add((iri, GSK.sourceSeen, Literal(draft.source_seen)))
    graph.add((iri, GSK.illustrative, Literal(draft.illustrative)))
    graph.add((iri, GSK.curationStatus, status))
    graph.add((iri, GSK.coverageStatus, status))


NEW_INSTITUTION_DEFINITION = {
    "en": "Institution named by an imported course file and unknown until then; its name, city and region are "
          "as the file gives them, not checked against a source.",
    "fr": "Établissement nommé par un fichier de formations importé et inconnu jusque-là ; son nom, sa ville et "
          "sa région sont ceux que donne le fichier, non vérifiés dans une source.",
}


def add_institution(graph: Graph, institution: NewInstitution) -> None:
    iri = institution.iri
    graph.add((iri, RDF.type, GSK.Institution))
    for lang in ("fr", "en"):
        graph.add((iri, RDFS.label, Literal(institution.name, lang=lang)))
        graph.add((iri, SKOS.definition, Literal(NEW_INSTITUTION_DEFINITION[lang], lang=lang)))
    graph.add((iri, SKOS.notation, Literal(local_id(str(iri)))))
    for region in institution.regions:
        graph.add((iri, GSK.inRegion, region))
    for city in institution.cities:
        graph.add((iri, GSK.city, Literal(city)))
    graph.add((iri, GSK.curationStatus, GSK.Proposal))


def build_courses(courses: list[tuple[URIRef, CourseDraft]], institutions: list[NewInstitution],
                  vocabulary: Vocabulary, *, origin: dict[str, str], fields: dict[URIRef, str],
                  source: str) -> ParsedCourses:
    """The RDF of checked drafts (no problem left) and of the institutions they create."""
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    regions_of = {**vocabulary.institution_regions, **{i.iri: i.regions for i in institutions}}
    locations: dict[URIRef, str] = {}
    for institution in institutions:
        add_institution(graph, institution)
        locations[institution.iri] = institution.locations[0]
    for iri, draft in courses:
        add_course(graph, iri, draft, vocabulary, origin, regions_of)
        locations[iri] = draft.location
    used = set(graph.predicates())
    return ParsedCourses(graph, locations, {p: f for p, f in fields.items() if p in used}, source)
