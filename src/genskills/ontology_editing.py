"""Editing the ontology and the reference vocabulary: add, relabel and deprecate terms.

Every edit goes the same way:

1. the project files are read (``turtle_writer.read_turtle_file``: rdflib graphs, with
   their header comments and prefixes, literals as written);
2. the arguments are checked: ids (``[a-z0-9-]`` with the kind's prefix, unique), labels
   and definitions in French and English, links to terms that exist, are of the right
   kind and are not deprecated; every problem is reported at once (``ProblemsError``);
3. the graphs are changed in memory;
4. the whole project is checked as it would be after the edit: the SHACL shapes over
   every source (``loading.validate_files`` on a mirror of the project where the changed
   files have their new text), then HermiT over the ontology and all the data
   (``ontology.check_edit``: one owlready2 load, one reasoner run);
5. only if both pass, the changed files are written in the canonical layout
   (``turtle_writer.write_turtle``), each atomically (temporary file, then rename).

A failed check writes nothing. Nothing is ever deleted: ``deprecate`` adds
``owl:deprecated true``, ``dct:isReplacedBy`` and the reason, and reports the data that
still uses the old term. The files written are those of ``ontology/``, ``shapes/``,
``data/reference/`` and ``data/catalogue/``; the other sources are read (for checks and
usage reports) and never written; the optional ``synthetic`` source is left out.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from .errors import ConflictError, InconsistencyError, InputError, NotFoundError, Problem, ProblemsError, \
    ReasoningError, ValidationError
from .loading import shipped_shapes, validate_files
from .namespaces import GSK, GSKD, GSKSH, ONTOLOGY_IRI, PREFIXES, SH, compact
from .ontology import EditCheck, check_edit
from .rdfio import subject_lines
from .sources import SOURCES
from .turtle_writer import read_turtle_file, save_turtle_file, write_turtle
from .validation import ValidationReport

ONTOLOGY_FILE = "ontology/genskills.ttl"
SHAPES_FILE = "shapes/genskills-shapes.ttl"
COMPETENCES_FILE = "data/reference/competences.ttl"
ROLES_FILE = "data/reference/roles.ttl"
STEPS_FILE = "data/reference/care-pathway.ttl"
#: Folders whose files an edit may write; other sources are only read.
WRITABLE_FOLDERS = ("ontology/", "shapes/", "data/reference/", "data/catalogue/")

COMPETENCE_FRAMEWORK = GSKD["competence-framework"]
LANGUAGES = ("fr", "en")
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_CLASS_ID = re.compile(r"[A-Z][A-Za-z0-9]*")
_ENTITY_KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)

#: Called with a short description of each step as it starts.
Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


@dataclass(frozen=True, order=True)
class Usage:
    """One statement of the project that uses a term: ``subject property term`` in ``file``."""

    file: str            # relative to the project root
    line: int | None     # where the subject's block starts, when known
    subject: str
    property: str

    def to_text(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {compact(self.subject)} {compact(self.property)}"


@dataclass
class EditResult:
    """What an edit did: the term, the files written, and what the checks said."""

    term: str
    changed: list[str] = field(default_factory=list)        # files written, relative to the root
    usages: list[Usage] = field(default_factory=list)       # deprecate: where the old term is still used
    report: ValidationReport | None = field(default=None, repr=False)   # the shapes' report (warnings only)
    seconds: dict[str, float] = field(default_factory=dict)  # validate, reason, total


# ---------------------------------------------------------------------------------
# The project's files


@dataclass
class _Document:
    relative: str
    path: Path
    graph: Graph
    header: str
    prefixes: dict[str, str]
    original: bytes

    @property
    def writable(self) -> bool:
        return self.relative.startswith(WRITABLE_FOLDERS)

    def text(self) -> str:
        return write_turtle(self.graph, header=self.header, prefixes=self.prefixes)


class _Project:
    """The files of every (non-optional) source under ``root``, read once per edit."""

    def __init__(self, root: Path | str):
        self.root = Path(root)
        self.relatives: list[str] = []
        self.shapes: set[str] = set()
        for source in SOURCES:
            if source.optional:
                continue
            for path in source.files(self.root):
                relative = path.relative_to(self.root).as_posix()
                if relative not in self.relatives:
                    self.relatives.append(relative)
                    if source.is_shapes:
                        self.shapes.add(relative)
        self._documents: dict[str, _Document] = {}
        self.touched: set[str] = set()

    def edit(self, relative: str) -> Graph:
        """The graph of a file the edit changes (only those are written, and checked for changes)."""
        self.touched.add(relative)
        return self.document(relative).graph

    def document(self, relative: str) -> _Document:
        if relative not in self._documents:
            path = self.root / relative
            graph, header, prefixes = read_turtle_file(path)
            self._documents[relative] = _Document(relative, path, graph, header, prefixes, path.read_bytes())
        return self._documents[relative]

    def documents(self) -> list[_Document]:
        return [self.document(r) for r in self.relatives]

    def data(self) -> list[_Document]:
        """The ontology and the data: every document but the shapes."""
        return [d for d in self.documents() if d.relative not in self.shapes]

    def union(self) -> Graph:
        merged = Graph()
        for document in self.data():
            for triple in document.graph:
                merged.add(triple)
        return merged


# ---------------------------------------------------------------------------------
# Names and checks


def resolve_term(text: str) -> URIRef:
    """The IRI a user names: a full IRI, a prefixed name (``gskd:comp-x``, ``gsk:Course``),
    or a bare name: ``gsk:`` when it has a capital letter (``Course``, ``coversStep``),
    else ``gskd:`` (``comp-variant-calling``).

    >>> str(resolve_term("comp-inheritance"))
    'https://w3id.org/genskills/id/comp-inheritance'
    >>> str(resolve_term("Course"))
    'https://w3id.org/genskills/ontology#Course'
    """
    text = text.strip()
    if text.startswith(("http://", "https://", "urn:")):
        return URIRef(text)
    if text.startswith("<") and text.endswith(">"):
        return URIRef(text[1:-1])
    prefix, colon, local = text.partition(":")
    if colon and prefix in PREFIXES:
        return URIRef(PREFIXES[prefix] + local)
    return GSK[text] if any(c.isupper() for c in text) else GSKD[text]


class _Problems:
    """Every problem with the arguments of one edit, reported together."""

    def __init__(self, action: str):
        self.action = action
        self.found: list[Problem] = []

    def add(self, field_name: str, en: str, fr: str) -> None:
        self.found.append(Problem(self.action, field_name, {"en": en, "fr": fr}))

    def raise_if_any(self) -> None:
        if self.found:
            lines = "; ".join(p.text("en") for p in self.found)
            raise ProblemsError(f"{self.action} refused, nothing was written: {lines}", problems=self.found)


def _check_id(problems: _Problems, union: Graph, identifier: str, prefix: str) -> URIRef:
    if not _ID.fullmatch(identifier or "") or not identifier.startswith(prefix):
        problems.add("id", f"{identifier!r} is not a valid id: lower-case letters, digits and hyphens, "
                           f"starting with {prefix!r} (e.g. {prefix}variant-curation)",
                     f"{identifier!r} n'est pas un identifiant valide : lettres minuscules, chiffres et tirets, "
                     f"commençant par {prefix!r} (par exemple {prefix}variant-curation)")
        return GSKD[identifier or "-"]
    term = GSKD[identifier]
    _check_new(problems, union, term)
    return term


def _check_new(problems: _Problems, union: Graph, term: URIRef) -> None:
    if (term, None, None) in union:
        problems.add("id", f"{compact(term)} already exists: choose another id",
                     f"{compact(term)} existe déjà : choisissez un autre identifiant")
    elif (None, term, None) in union:
        problems.add("id", f"{compact(term)} is already used as a property: choose another id",
                     f"{compact(term)} est déjà employé comme propriété : choisissez un autre identifiant")


_TEXTS = {"label": "le libellé", "definition": "la définition", "reason": "la raison"}


def _check_texts(problems: _Problems, **texts: str | None) -> dict[str, str]:
    """Labels, definitions and reasons (``label_fr``...): required, stripped; labels on one line."""
    clean = {}
    for name, value in texts.items():
        what, _, lang = name.partition("_")
        language, langue = ("French", "en français") if lang == "fr" else ("English", "en anglais")
        value = (value or "").strip()
        if not value:
            problems.add(name, f"the {language} {what} is required", f"{_TEXTS[what]} {langue} est obligatoire")
        elif what == "label" and ("\n" in value or "\r" in value):
            problems.add(name, f"the {language} {what} must fit on one line",
                         f"{_TEXTS[what]} {langue} doit tenir sur une ligne")
        clean[name] = value
    return clean


def _is_deprecated(graph: Graph, term: URIRef) -> bool:
    return any(str(v).lower() in ("true", "1") for v in graph.objects(term, OWL.deprecated))


def _check_link(problems: _Problems, union: Graph, field_name: str, text: str,
                classes: Sequence[URIRef], what_en: str, what_fr: str) -> URIRef | None:
    """A link argument: it must name a term of one of ``classes`` that is not deprecated."""
    term = resolve_term(text)
    if not any((term, RDF.type, c) in union for c in classes):
        problems.add(field_name, f"{text!r} is not a known {what_en} ({compact(term)} is declared nowhere "
                                 f"as {' or '.join(compact(c) for c in classes)})",
                     f"{text!r} n'est pas {what_fr} connu(e) ({compact(term)} n'est déclaré nulle part comme "
                     f"{' ou '.join(compact(c) for c in classes)})")
        return None
    if _is_deprecated(union, term):
        replacement = union.value(term, DCTERMS.isReplacedBy)
        hint = f": use {compact(replacement)}" if replacement is not None else ""
        indice = f" : employez {compact(replacement)}" if replacement is not None else ""
        problems.add(field_name, f"{compact(term)} is deprecated{hint}", f"{compact(term)} est obsolète{indice}")
        return None
    return term


def _links(problems: _Problems, union: Graph, field_name: str, texts: Iterable[str],
           classes: Sequence[URIRef], what_en: str, what_fr: str) -> list[URIRef]:
    found = []
    for text in texts:
        term = _check_link(problems, union, field_name, text, classes, what_en, what_fr)
        if term is not None and term not in found:
            found.append(term)
    return found


def _labelled(graph: Graph, term: URIRef, texts: dict[str, str], *, pref_label: bool = False) -> None:
    for lang in LANGUAGES:
        graph.add((term, RDFS.label, Literal(texts[f"label_{lang}"], lang=lang)))
        if pref_label:
            graph.add((term, SKOS.prefLabel, Literal(texts[f"label_{lang}"], lang=lang)))
        graph.add((term, SKOS.definition, Literal(texts[f"definition_{lang}"], lang=lang)))


def _domain_of(graph: Graph, concept: URIRef) -> URIRef | None:
    """The competence domain above ``concept`` (itself when it is one)."""
    seen = set()
    while concept is not None and concept not in seen:
        if (concept, RDF.type, GSK.CompetenceDomain) in graph:
            return concept
        seen.add(concept)
        concept = graph.value(concept, SKOS.broader)
    return None


# ---------------------------------------------------------------------------------
# Check, then write


def _commit(project: _Project, term: URIRef, *, classes: Sequence[URIRef] = (),
            progress: Progress = _quiet, started: float | None = None) -> tuple[EditResult, EditCheck | None]:
    """Check the project as the edit leaves it; write the changed files only if it passes.

    :raises ValidationError: the project would break a shape (the report names the files).
    :raises InconsistencyError: HermiT finds the result inconsistent or a class unsatisfiable.
    :raises ConflictError: a file changed on disk while the edit ran.

    The reasoner's check is returned with the result (None when nothing changed).
    """
    started = time.perf_counter() if started is None else started
    result = EditResult(str(term))
    texts = {}
    for relative in sorted(project.touched):
        document = project.document(relative)
        text = document.text()
        if text.encode("utf-8") != document.original:
            if not document.writable:
                raise InputError("the edit would change this file, which genskills does not write", path=relative)
            texts[relative] = text
    if not texts:
        # Nothing to write (the change was already made): nothing to check either.
        result.seconds["total"] = time.perf_counter() - started
        return result, None

    checked = time.perf_counter()
    progress("validate (SHACL shapes, whole project)")
    result.report = _validate(project, texts)
    result.seconds["validate"] = time.perf_counter() - checked
    if not result.report.conforms:
        first = result.report.violations[0].to_text()
        raise ValidationError(f"the edit would break {len(result.report.violations)} shape(s), nothing was written "
                              f"(first: {first})", report=result.report)

    checked = time.perf_counter()
    progress("reason (HermiT: consistency and satisfiability of every class)")
    check = check_edit(project.union(), classes=[str(c) for c in classes])
    result.seconds["reason"] = time.perf_counter() - checked
    if check.summary.unsatisfiable_classes:
        names = ", ".join(compact(c) for c in check.summary.unsatisfiable_classes)
        raise InconsistencyError(f"the edit would make {names} unsatisfiable (no individual could ever be a "
                                 f"member) under HermiT; nothing was written")

    for relative in texts:
        document = project.document(relative)
        if document.path.read_bytes() != document.original:
            raise ConflictError(f"{relative} changed on disk during the edit; nothing was written: run it again")
    for relative, text in texts.items():
        progress(f"write {relative}")
        save_turtle_file(project.root / relative, text)
    result.changed = sorted(texts)
    result.seconds["total"] = time.perf_counter() - started
    return result, check


def _validate(project: _Project, texts: dict[str, str]) -> ValidationReport:
    """The shapes' report on the whole project with the new texts, file names as in the project."""
    with tempfile.TemporaryDirectory(prefix="genskills-edit-") as tmp:
        mirror = Path(tmp)
        for relative in project.relatives:
            target = mirror / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            if relative in texts:
                target.write_text(texts[relative], encoding="utf-8")
            else:
                os.symlink((project.root / relative).resolve(), target)
        report = validate_files([], mirror, shipped_shapes(mirror))
        prefix = str(mirror) + os.sep
        results = [dataclasses.replace(r, file=r.file[len(prefix):]) if r.file and r.file.startswith(prefix) else r
                   for r in report.results]
    return ValidationReport(results, report.graph)


# ---------------------------------------------------------------------------------
# The edits


def add_competence(root: Path | str, id: str, label_fr: str, label_en: str, definition_fr: str,
                   definition_en: str, broader: str, steps: Sequence[str] = (), *,
                   sources: Sequence[str] = (), progress: Progress = _quiet) -> EditResult:
    """Add a competence (``gsk:Competence``, a SKOS concept) to data/reference/competences.ttl.

    It gets its labels (also as ``skos:prefLabel``) and definitions, ``skos:broader``
    ``broader`` (a domain or a competence; the inverse ``skos:narrower`` too, as the file
    states both), ``skos:inScheme gskd:competence-framework``, ``skos:notation`` its id,
    ``gsk:curationStatus gsk:Proposal``, ``gsk:servesStep`` each of ``steps`` and
    ``dct:source`` each of ``sources``. Its domain also serves the new steps, since a
    domain serves the union of the steps of its competences.

    :raises ProblemsError: a bad or taken id, a missing label or definition, a ``broader``,
        step or source that does not exist or is deprecated (all listed at once).
    :raises ValidationError: the result breaks a shape. :raises InconsistencyError: HermiT.
    """
    started = time.perf_counter()
    project = _Project(root)
    union = project.union()
    problems = _Problems("add-competence")
    term = _check_id(problems, union, id, "comp-")
    texts = _check_texts(problems, label_fr=label_fr, label_en=label_en, definition_fr=definition_fr,
                         definition_en=definition_en)
    parent = _check_link(problems, union, "broader", broader, (GSK.CompetenceDomain, GSK.Competence),
                         "competence or competence domain", "une compétence ou un domaine")
    served = _links(problems, union, "steps", steps, (GSK.CarePathwayStep,), "care-pathway step",
                    "une étape du parcours")
    cited = _links(problems, union, "sources", sources, (DCTERMS.BibliographicResource,), "source", "une source")
    problems.raise_if_any()

    graph = project.edit(COMPETENCES_FILE)
    graph.add((term, RDF.type, GSK.Competence))
    _labelled(graph, term, texts, pref_label=True)
    graph.add((term, SKOS.broader, parent))
    if (parent, RDF.type, None) in graph and any(True for _ in graph.triples((None, SKOS.narrower, None))):
        graph.add((parent, SKOS.narrower, term))
    graph.add((term, SKOS.inScheme, COMPETENCE_FRAMEWORK))
    graph.add((term, SKOS.notation, Literal(id)))
    graph.add((term, GSK.curationStatus, GSK.Proposal))
    for step in served:
        graph.add((term, GSK.servesStep, step))
    for source in cited:
        graph.add((term, DCTERMS.source, source))
    domain = _domain_of(union, parent)
    if domain is not None and (domain, RDF.type, None) in graph:
        for step in served:
            graph.add((domain, GSK.servesStep, step))
    result, _ = _commit(project, term, progress=progress, started=started)
    return result


def add_role(root: Path | str, id: str, label_fr: str, label_en: str, definition_fr: str, definition_en: str,
             *, domains: Sequence[str] = (), steps: Sequence[str] = (), essential: Sequence[str] | None = None,
             optional: Sequence[str] | None = None, sources: Sequence[str] = (),
             progress: Progress = _quiet) -> EditResult:
    """Add a professional role (``gsk:ProfessionalRole``) to data/reference/roles.ttl.

    ``gsk:needsDomain`` each of ``domains``, ``gsk:actsInStep`` each of ``steps``. The
    competence links follow the two proposal rules of roles.ttl unless given:
    ``essential`` = every competence whose domain is one the role needs; ``optional`` =
    every competence of another domain that serves a step the role acts in. Deprecated
    competences are left out of both.

    :raises ProblemsError: a bad or taken id, a missing text, an unknown or deprecated link.
    :raises ValidationError: the result breaks a shape. :raises InconsistencyError: HermiT.
    """
    started = time.perf_counter()
    project = _Project(root)
    union = project.union()
    problems = _Problems("add-role")
    term = _check_id(problems, union, id, "role-")
    texts = _check_texts(problems, label_fr=label_fr, label_en=label_en, definition_fr=definition_fr,
                         definition_en=definition_en)
    needed = _links(problems, union, "domains", domains, (GSK.CompetenceDomain,), "competence domain",
                    "un domaine de compétences")
    acted = _links(problems, union, "steps", steps, (GSK.CarePathwayStep,), "care-pathway step",
                   "une étape du parcours")
    given_essential = None if essential is None else _links(
        problems, union, "essential", essential, (GSK.Competence,), "competence", "une compétence")
    given_optional = None if optional is None else _links(
        problems, union, "optional", optional, (GSK.Competence,), "competence", "une compétence")
    cited = _links(problems, union, "sources", sources, (DCTERMS.BibliographicResource,), "source", "une source")
    problems.raise_if_any()

    competences = sorted(c for c in union.subjects(RDF.type, GSK.Competence)
                         if isinstance(c, URIRef) and not _is_deprecated(union, c))
    if given_essential is None:
        given_essential = [c for c in competences if _domain_of(union, c) in needed]
    if given_optional is None:
        given_optional = [c for c in competences if _domain_of(union, c) not in needed
                          and set(union.objects(c, GSK.servesStep)) & set(acted)]
    graph = project.edit(ROLES_FILE)
    graph.add((term, RDF.type, GSK.ProfessionalRole))
    _labelled(graph, term, texts)
    graph.add((term, SKOS.notation, Literal(id)))
    graph.add((term, GSK.curationStatus, GSK.Proposal))
    for predicate, objects in ((GSK.needsDomain, needed), (GSK.actsInStep, acted),
                               (GSK.hasEssentialCompetence, given_essential),
                               (GSK.hasOptionalCompetence, given_optional), (DCTERMS.source, cited)):
        for value in objects:
            graph.add((term, predicate, value))
    result, _ = _commit(project, term, progress=progress, started=started)
    return result


def add_step(root: Path | str, id: str, label_fr: str, label_en: str, definition_fr: str, definition_en: str,
             order: int, *, sources: Sequence[str] = (), progress: Progress = _quiet) -> EditResult:
    """Add a care-pathway step at position ``order`` (1 = first) to data/reference/care-pathway.ttl.

    The steps from ``order`` on move one place down (``gsk:stepOrder`` + 1), and the
    ``gsk:nextStep`` / ``gsk:previousStep`` chain is rebuilt from the orders, so that the
    new step sits between its neighbours. The new step is a ``gsk:Proposal``.

    :raises ProblemsError: a bad or taken id, a missing text, an order outside 1..n+1.
    :raises ValidationError: the result breaks a shape. :raises InconsistencyError: HermiT.
    """
    started = time.perf_counter()
    project = _Project(root)
    union = project.union()
    problems = _Problems("add-step")
    term = _check_id(problems, union, id, "step-")
    texts = _check_texts(problems, label_fr=label_fr, label_en=label_en, definition_fr=definition_fr,
                         definition_en=definition_en)
    cited = _links(problems, union, "sources", sources, (DCTERMS.BibliographicResource,), "source", "une source")
    graph = project.edit(STEPS_FILE)
    existing = []
    for step in graph.subjects(RDF.type, GSK.CarePathwayStep):
        try:
            existing.append((int(str(graph.value(step, GSK.stepOrder))), step))
        except ValueError:
            problems.add("order", f"{compact(step)} has no whole-number gsk:stepOrder: fix {STEPS_FILE} first",
                         f"{compact(step)} n'a pas de rang gsk:stepOrder entier : corrigez d'abord {STEPS_FILE}")
    existing.sort()
    if not isinstance(order, int) or not 1 <= order <= len(existing) + 1:
        problems.add("order", f"the order must be a whole number from 1 to {len(existing) + 1}, not {order!r}",
                     f"le rang doit être un nombre entier de 1 à {len(existing) + 1}, et non {order!r}")
    problems.raise_if_any()

    for position, step in existing:
        if position >= order:
            graph.set((step, GSK.stepOrder, Literal(position + 1)))
    graph.add((term, RDF.type, GSK.CarePathwayStep))
    _labelled(graph, term, texts)
    graph.add((term, SKOS.notation, Literal(id)))
    graph.add((term, GSK.curationStatus, GSK.Proposal))
    graph.add((term, GSK.stepOrder, Literal(order)))
    for source in cited:
        graph.add((term, DCTERMS.source, source))
    chain = [s for _, s in existing]
    chain.insert(order - 1, term)
    states_previous = any(True for _ in graph.triples((None, GSK.previousStep, None)))
    for step in chain:
        graph.remove((step, GSK.nextStep, None))
        graph.remove((step, GSK.previousStep, None))
    for before, after in zip(chain, chain[1:]):
        graph.add((before, GSK.nextStep, after))
        if states_previous:
            graph.add((after, GSK.previousStep, before))
    result, _ = _commit(project, term, progress=progress, started=started)
    return result


def add_class(root: Path | str, id: str, label_fr: str, label_en: str, definition_fr: str, definition_en: str,
              parent: str, *, disjoint_with: Sequence[str] = (), progress: Progress = _quiet) -> EditResult:
    """Add an OWL class ``gsk:<id>`` (``rdfs:subClassOf parent``) to ontology/genskills.ttl.

    ``disjoint_with`` adds ``owl:disjointWith`` axioms. HermiT must find the new class
    satisfiable (a class disjoint with its own parent is not) and owlready2 must see
    ``parent`` among its super-classes.

    :raises ProblemsError: a bad or taken id (UpperCamelCase), a missing text, an unknown or
        deprecated parent. :raises InconsistencyError: HermiT finds the result inconsistent
        or the class unsatisfiable. :raises ValidationError: the result breaks a shape.
    """
    started = time.perf_counter()
    project = _Project(root)
    union = project.union()
    problems = _Problems("add-class")
    term = GSK[id or "-"]
    if not _CLASS_ID.fullmatch(id or ""):
        problems.add("id", f"{id!r} is not a valid class id: UpperCamelCase letters and digits (e.g. GeneticTest)",
                     f"{id!r} n'est pas un identifiant de classe valide : lettres et chiffres en UpperCamelCase "
                     f"(par exemple GeneticTest)")
    else:
        _check_new(problems, union, term)
    texts = _check_texts(problems, label_fr=label_fr, label_en=label_en, definition_fr=definition_fr,
                         definition_en=definition_en)
    superclass = _check_link(problems, union, "parent", parent, (OWL.Class,), "class", "une classe")
    disjoint = _links(problems, union, "disjoint_with", disjoint_with, (OWL.Class,), "class", "une classe")
    problems.raise_if_any()

    graph = project.edit(ONTOLOGY_FILE)
    graph.add((term, RDF.type, OWL.Class))
    graph.add((term, RDFS.subClassOf, superclass))
    _labelled(graph, term, texts)
    for other in disjoint:
        graph.add((term, OWL.disjointWith, other))
    graph.add((term, RDFS.isDefinedBy, URIRef(ONTOLOGY_IRI)))
    result, check = _commit(project, term, classes=[term], progress=progress, started=started)
    if check is not None and str(superclass) not in check.superclasses.get(str(term), frozenset()):
        raise ReasoningError(f"owlready2 does not see {compact(superclass)} above {compact(term)} after the edit")
    return result


def relabel(root: Path | str, iri: str, lang: str, label: str, *, progress: Progress = _quiet) -> EditResult:
    """Replace the ``lang`` label of a term (and its ``skos:prefLabel`` when it was the same).

    :raises NotFoundError: no project file gives the term a label.
    :raises ProblemsError: ``lang`` is not fr or en, or the label is empty.
    :raises ValidationError: the result breaks a shape. :raises InconsistencyError: HermiT.
    """
    started = time.perf_counter()
    project = _Project(root)
    term = resolve_term(iri)
    problems = _Problems("relabel")
    if lang not in LANGUAGES:
        problems.add("lang", f"the language must be fr or en, not {lang!r}",
                     f"la langue doit être fr ou en, et non {lang!r}")
    texts = _check_texts(problems, **{f"label_{lang if lang in LANGUAGES else 'en'}": label})
    problems.raise_if_any()
    new = Literal(next(iter(texts.values())), lang=lang)
    labelled = [d for d in project.documents() if (term, RDFS.label, None) in d.graph]
    if not labelled:
        raise NotFoundError(f"no file of the project gives {compact(term)} a label: check the id")
    for document in labelled:
        graph = project.edit(document.relative)
        old = [o for o in graph.objects(term, RDFS.label) if isinstance(o, Literal) and o.language == lang]
        for literal in old:
            graph.remove((term, RDFS.label, literal))
            if (term, SKOS.prefLabel, literal) in graph:
                graph.remove((term, SKOS.prefLabel, literal))
                graph.add((term, SKOS.prefLabel, new))
        graph.add((term, RDFS.label, new))
    result, _ = _commit(project, term, progress=progress, started=started)
    return result


def deprecate(root: Path | str, iri: str, replaced_by: str, reason_fr: str, reason_en: str, *,
              progress: Progress = _quiet) -> EditResult:
    """Deprecate a term: ``owl:deprecated true``, ``dct:isReplacedBy`` its replacement, and
    the reason as ``skos:changeNote`` in French and English. No triple is removed.

    The replacement must exist, be of the same kind (the same classes for an individual;
    class, object, datatype or annotation property for an ontology term) and not be
    deprecated itself. The result lists every statement of the project that still uses
    the old term (``EditResult.usages``), so that the data can be moved over.

    :raises NotFoundError: the term is declared (typed) in no file of the project.
    :raises ProblemsError: already deprecated; replacement unknown, of another kind, or
        deprecated; a reason missing.
    :raises ValidationError: the result breaks a shape. :raises InconsistencyError: HermiT.
    """
    started = time.perf_counter()
    project = _Project(root)
    union = project.union()
    term = resolve_term(iri)
    defining = [d for d in project.documents()
                if (term, RDF.type, None) in d.graph and d.relative not in project.shapes]
    if not defining:
        raise NotFoundError(f"{compact(term)} is declared in no file of the project: check the id")
    problems = _Problems("deprecate")
    texts = _check_texts(problems, reason_fr=reason_fr, reason_en=reason_en)
    if _is_deprecated(union, term):
        problems.add("iri", f"{compact(term)} is already deprecated", f"{compact(term)} est déjà obsolète")
    replacement = resolve_term(replaced_by)
    if replacement == term:
        problems.add("replaced_by", "a term cannot replace itself", "un terme ne peut pas se remplacer lui-même")
    elif (replacement, RDF.type, None) not in union:
        problems.add("replaced_by", f"{compact(replacement)} is declared nowhere",
                     f"{compact(replacement)} n'est déclaré nulle part")
    else:
        if _kind(union, replacement) != _kind(union, term):
            problems.add("replaced_by", f"{compact(replacement)} is not of the same kind as {compact(term)} "
                                        f"({_kind_text(union, replacement)} vs {_kind_text(union, term)})",
                         f"{compact(replacement)} n'est pas de la même nature que {compact(term)} "
                         f"({_kind_text(union, replacement)} et {_kind_text(union, term)})")
        if _is_deprecated(union, replacement):
            problems.add("replaced_by", f"{compact(replacement)} is deprecated itself",
                         f"{compact(replacement)} est lui-même obsolète")
    problems.raise_if_any()

    graph = project.edit(defining[0].relative)
    graph.add((term, OWL.deprecated, Literal(True)))
    graph.add((term, DCTERMS.isReplacedBy, replacement))
    for lang in LANGUAGES:
        graph.add((term, SKOS.changeNote, Literal(texts[f"reason_{lang}"], lang=lang)))
    result, check = _commit(project, term, progress=progress, started=started)
    if check is not None and str(term) not in check.deprecated:
        raise ReasoningError(f"owlready2 does not read {compact(term)} as deprecated after the edit")
    result.usages = usages(root, term)
    return result


def usages(root: Path | str, term: URIRef | str) -> list[Usage]:
    """Every statement of the project's files (shapes included) that uses ``term`` as a
    value, a class or a property, except the term's own statements; sorted by file and line.
    """
    term = resolve_term(str(term))
    found: set[Usage] = set()
    project = _Project(root)
    for document in project.documents():
        lines = None
        graph = document.graph
        statements = [(s, p) for s, p, _ in graph.triples((None, None, term))]
        statements += [(s, p) for s, p, _ in graph.triples((None, term, None))]
        for subject, predicate in statements:
            if subject == term:
                continue
            if lines is None:
                lines = subject_lines(document.path)
            found.add(Usage(document.relative, lines.get(str(subject)), str(subject), str(predicate)))
    return sorted(found, key=lambda u: (u.file, u.line or 0, u.subject, u.property))


def _kind(graph: Graph, term: URIRef) -> frozenset:
    types = set(graph.objects(term, RDF.type))
    entity = types & set(_ENTITY_KINDS)
    return frozenset(entity or (types - {OWL.NamedIndividual}))


def _kind_text(graph: Graph, term: URIRef) -> str:
    return ", ".join(sorted(compact(t) for t in _kind(graph, term))) or "untyped"


# ---------------------------------------------------------------------------------
# One-off change of the model: gsk:coversStep (the import's "steps" column)


def add_course_step_property(root: Path | str, *, progress: Progress = _quiet) -> EditResult:
    """Declare ``gsk:coversStep`` (Course -> CarePathwayStep) and its inverse
    ``gsk:isCoveredByCourse`` in the ontology, with their property shape in the shapes.

    Done once (the files of the repository have them); run again, it changes nothing.

    :raises ValidationError: the result breaks a shape. :raises InconsistencyError: HermiT.
    """
    started = time.perf_counter()
    project = _Project(root)
    onto = project.edit(ONTOLOGY_FILE)
    shapes = project.edit(SHAPES_FILE)
    for triple in _covers_step_axioms():
        onto.add(triple)
    for triple in _covers_step_shapes():
        shapes.add(triple)
    result, _ = _commit(project, GSK.coversStep, progress=progress, started=started)
    return result


def _covers_step_axioms() -> list[tuple]:
    defined_by = URIRef(ONTOLOGY_IRI)
    covers, covered = GSK.coversStep, GSK.isCoveredByCourse
    return [
        (covers, RDF.type, OWL.ObjectProperty),
        (covers, OWL.inverseOf, covered),
        (covers, RDFS.domain, GSK.Course),
        (covers, RDFS.range, GSK.CarePathwayStep),
        (covers, RDFS.label, Literal("covers care-pathway step", lang="en")),
        (covers, RDFS.label, Literal("couvre l'étape du parcours de soins", lang="fr")),
        (covers, SKOS.definition, Literal(
            "Links a course to a step of the genomic care pathway whose work it teaches as a whole, as an "
            "inventory states it (its 'steps' column).", lang="en")),
        (covers, SKOS.definition, Literal(
            "Relie une formation à une étape du parcours de soins génomique dont elle enseigne le travail "
            "dans son ensemble, telle qu'un inventaire l'indique (sa colonne « étapes »).", lang="fr")),
        (covers, SKOS.note, Literal(
            "Stated, not derived: the steps a course reaches through its competences follow from "
            "gsk:coversCompetence and gsk:servesStep.", lang="en")),
        (covers, SKOS.note, Literal(
            "Déclarée et non déduite : les étapes qu'une formation atteint par ses compétences découlent de "
            "gsk:coversCompetence et de gsk:servesStep.", lang="fr")),
        (covers, RDFS.isDefinedBy, defined_by),
        (covered, RDF.type, OWL.ObjectProperty),
        (covered, OWL.inverseOf, covers),
        (covered, RDFS.domain, GSK.CarePathwayStep),
        (covered, RDFS.range, GSK.Course),
        (covered, RDFS.label, Literal("is covered by course", lang="en")),
        (covered, RDFS.label, Literal("est couverte par la formation", lang="fr")),
        (covered, SKOS.definition, Literal(
            "Links a step of the genomic care pathway to a course that teaches its work as a whole; inverse of "
            "'covers care-pathway step'.", lang="en")),
        (covered, SKOS.definition, Literal(
            "Relie une étape du parcours de soins génomique à une formation qui en enseigne le travail dans son "
            "ensemble ; inverse de « couvre l'étape du parcours de soins ».", lang="fr")),
        (covered, RDFS.isDefinedBy, defined_by),
    ]


def _covers_step_shapes() -> list[tuple]:
    shape = GSKSH["Course-coversStep"]
    return [
        (GSKSH.Course, SH.property, shape),
        (shape, RDF.type, SH.PropertyShape),
        (shape, RDFS.label, Literal("Étapes couvertes : étapes du parcours", lang="fr")),
        (shape, RDFS.label, Literal("Steps covered: care-pathway steps", lang="en")),
        (shape, SH.path, GSK.coversStep),
        (shape, SH["class"], GSK.CarePathwayStep),
        (shape, SH.nodeKind, SH.IRI),
        (shape, SH.severity, SH.Violation),
        (shape, SH.message, Literal(
            "Chaque étape couverte (gsk:coversStep) par une formation doit être une étape du parcours déclarée "
            "(gskd:step-*), écrite comme une IRI. Corrigez l'identifiant.", lang="fr")),
        (shape, SH.message, Literal(
            "Each step covered (gsk:coversStep) by a course must be a declared care-pathway step (gskd:step-*), "
            "written as an IRI. Fix the identifier.", lang="en")),
        # As for the other links (see the shapes' header): the gsksh:UsedAs-* shapes check the
        # subjects of both properties and the values of the inverse; the values of coversStep
        # are checked once, by gsksh:Course-coversStep.
        (GSKSH["UsedAs-Course"], SH.targetSubjectsOf, GSK.coversStep),
        (GSKSH["UsedAs-Course"], SH.targetObjectsOf, GSK.isCoveredByCourse),
        (GSKSH["UsedAs-CarePathwayStep"], SH.targetSubjectsOf, GSK.isCoveredByCourse),
    ]


__all__ = ["EditResult", "Usage", "add_class", "add_competence", "add_course_step_property", "add_role",
           "add_step", "deprecate", "relabel", "resolve_term", "usages"]
