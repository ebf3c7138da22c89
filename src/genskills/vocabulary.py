"""The known terms an import may name: competences, roles, steps, regions, training types,
course modes and institutions, found by id, prefixed name, IRI or French/English label.

An import file names a competence as ``comp-variant-classification``,
``gskd:comp-variant-classification``, its full IRI, or a label in French or English
("Classement clinique des variants", "clinical variant classification"); labels are
compared without case, accents, punctuation or spacing. A value that names nothing gets a
message, in French and English, that suggests the closest known terms with their ids.

EDAM terms map to competences through the alignments (``data/reference/alignments.ttl``).
Only the links that say a course about the EDAM topic teaches the competence count:

- ``skos:exactMatch`` and ``skos:closeMatch``: the topic is (nearly) the competence;
- ``skos:narrowMatch`` (the EDAM topic is narrower than the competence or domain): a course
  on the narrower topic teaches part of it, as the catalogue maps a course to a whole domain;
- never ``skos:broadMatch`` (the EDAM topic is broader: "Sequence analysis" does not mean
  variant calling is taught) nor ``skos:relatedMatch`` (an association, not coverage).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from .errors import Problem, ProblemsError
from .namespaces import GSK, GSKD, PREFIXES, STAGING_PREFIX, sparql_prefixes
from .safety import checked_graph_iri

EDAM = "http://edamontology.org/"

#: Alignment links from a competence or domain to an EDAM term that mean "a course about the
#: term teaches the competence" (see the module docstring for why the others are left out).
ACCEPTED_EDAM_MATCHES = (SKOS.exactMatch, SKOS.closeMatch, SKOS.narrowMatch)

#: A kind with at most this many terms is listed whole when a value is close to none of them.
SHORT_LIST = 20


@dataclass(frozen=True)
class Kind:
    """A kind of term an import names, with the words its messages use."""

    name: str
    classes: tuple[URIRef, ...]
    id_prefixes: tuple[str, ...]   # stripped to give short ids ("type-master" -> "master")
    en: str                        # "competence"
    fr: str                        # "compétence"
    fr_article: str                # "une compétence"
    fr_unknown: str                # "compétence inconnue"


KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("competence", (GSK.Competence, GSK.CompetenceDomain), ("comp-", "dom-"),
         "competence", "compétence", "une compétence", "compétence inconnue"),
    Kind("role", (GSK.ProfessionalRole,), ("role-",), "role", "rôle", "un rôle", "rôle inconnu"),
    Kind("step", (GSK.CarePathwayStep,), ("step-",), "care-pathway step", "étape du parcours",
         "une étape du parcours", "étape du parcours inconnue"),
    Kind("region", (GSK.Region,), ("region-",), "region", "région", "une région", "région inconnue"),
    Kind("training_type", (GSK.TrainingType,), ("type-",), "training type", "type de formation",
         "un type de formation", "type de formation inconnu"),
    Kind("mode", (GSK.CourseMode,), (), "course mode", "modalité d'enseignement",
         "une modalité d'enseignement", "modalité d'enseignement inconnue"),
    Kind("institution", (GSK.Institution,), ("inst-",), "institution", "établissement",
         "un établissement", "établissement inconnu"),
)}

#: Message kinds of this module (docs/import.md lists each with an example).
MESSAGES = {
    "unknown-term": (
        'unknown {kind_en} "{value}"; closest known: {suggestions_en}',
        "{kind_fr_unknown} « {value} » ; les plus proches : {suggestions_fr}"),
    "unknown-term-no-suggestion": (
        'unknown {kind_en} "{value}"; no known {kind_en} comes close: give an id or a French or English '
        "label of the reference list (docs/import.md)",
        "{kind_fr_unknown} « {value} » ; aucun terme connu n'en est proche : donnez un identifiant ou un "
        "libellé français ou anglais de la liste de référence (docs/import.md)"),
    "unknown-term-known-list": (
        'unknown {kind_en} "{value}"; the known ones are: {suggestions_en}',
        "{kind_fr_unknown} « {value} » ; les termes connus sont : {suggestions_fr}"),
    "ambiguous-term": (
        '"{value}" names several {kind_en}s: {suggestions_en}; give the id',
        "« {value} » désigne plusieurs termes ({kind_fr}) : {suggestions_fr} ; donnez l'identifiant"),
    "deprecated-term": (
        '"{value}" names a deprecated {kind_en}, {id}: use {replacement_en}',
        "« {value} » désigne un terme ({kind_fr}) déprécié, {id} : utilisez {replacement_fr}"),
    "wrong-kind": (
        "{value} is a {other_en}, not a {kind_en}",
        "{value} est {other_fr_article}, pas {kind_fr_article}"),
}


def messages_of(table: dict[str, tuple[str, str]]):
    """A function that gives message ``kind`` of ``table`` (kind -> English, French templates)
    in both languages, filled with ``values``: ``say(kind, **values) -> {"en": ..., "fr": ...}``."""
    def say(kind: str, **values) -> dict[str, str]:
        en, fr = table[kind]
        return {"en": en.format(**values), "fr": fr.format(**values)}
    return say


say = messages_of(MESSAGES)


def normalised(text: str) -> str:
    """``text`` as labels are compared: lower case, no accents, single spaces.

    >>> normalised("  Classement   clinique des Variants ")
    'classement clinique des variants'
    >>> normalised("Génétique_moléculaire")
    'genetique moleculaire'
    """
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.casefold().replace("\u2019", "'")
    return " ".join(part for part in re.split(r"[\s_\-]+", text) if part)


def match_key(text: str) -> str:
    """The lookup key of a value: ``normalised`` without punctuation or spaces ("On site" = "onsite").

    >>> match_key("On site") == match_key("onsite")
    True
    """
    return "".join(c for c in normalised(text) if c.isalnum())


def local_id(iri: str) -> str:
    """The id of a genskills term: the local name after ``gskd:`` or ``gsk:``.

    >>> local_id("https://w3id.org/genskills/id/comp-inheritance")
    'comp-inheritance'
    """
    for namespace in (str(GSKD), str(GSK)):
        if iri.startswith(namespace):
            return iri[len(namespace):]
    return iri


def edam_iri(text: str) -> URIRef | None:
    """The EDAM IRI that ``text`` names (IRI in http or https, ``edam:topic_0091``, ``topic_0091``), or None.

    >>> edam_iri("EDAM:topic_0091")
    rdflib.term.URIRef('http://edamontology.org/topic_0091')
    """
    match = re.fullmatch(r"(?:https?://edamontology\.org/|edam:)?((?:topic|operation|data|format)_\d{4})",
                         text.strip(), flags=re.IGNORECASE)
    return URIRef(EDAM + match.group(1).lower()) if match else None


def expand(text: str) -> URIRef | None:
    """``text`` as an IRI when it is a full http(s) IRI or a prefixed name of a known prefix."""
    text = text.strip()
    if re.fullmatch(r"https?://\S+", text):
        return URIRef(text)
    prefix, _, local = text.partition(":")
    if local and prefix in PREFIXES and re.fullmatch(r"[\w.\-]+", local):
        return URIRef(PREFIXES[prefix] + local)
    return None


@dataclass(frozen=True)
class Term:
    """One known term: its IRI, its id, and its labels (language -> label)."""

    iri: URIRef
    kind: str
    id: str
    labels: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    names: tuple[str, ...] = ()   # every label, preferred and alternative, and the notation
    #: owl:deprecated true: still known (to say what replaces it) but never the answer of a lookup
    deprecated: bool = False
    replaced_by: URIRef | None = None   # dct:isReplacedBy

    def label(self, lang: str) -> str:
        return self.labels.get(lang) or self.labels.get("en") or next(iter(self.labels.values()), self.id)


class Vocabulary:
    """The known terms of each kind, and the EDAM-to-competence mapping of the alignments.

    Build it with ``Vocabulary.from_store(store)`` or ``Vocabulary.from_graph(graph)``;
    ask it with ``find``/``resolve``; ``unknown`` says why a value names nothing.
    """

    def __init__(self, terms: Iterable[Term], *, edam: dict[URIRef, set[URIRef]] | None = None,
                 edam_labels: dict[URIRef, str] | None = None,
                 type_levels: dict[URIRef, tuple[int | None, int | None]] | None = None,
                 institution_regions: dict[URIRef, set[URIRef]] | None = None,
                 institution_cities: dict[URIRef, set[str]] | None = None,
                 institution_pages: dict[str, URIRef] | None = None):
        self.terms: dict[str, dict[URIRef, Term]] = {name: {} for name in KINDS}
        for term in sorted(terms, key=lambda t: str(t.iri)):
            self.terms[term.kind][term.iri] = term
        self.edam = edam or {}
        self.edam_labels = edam_labels or {}
        self.type_levels = type_levels or {}
        self.institution_regions = institution_regions or {}
        self.institution_cities = institution_cities or {}
        self.institution_pages = institution_pages or {}
        # Three tiers of keys, tried in order: ids and codes, labels, derived short forms.
        # A key that two terms share within a tier is ambiguous there.
        self._index: dict[str, list[dict[str, set[URIRef]]]] = {}
        for kind, terms_of_kind in self.terms.items():
            tiers: list[dict[str, set[URIRef]]] = [{}, {}, {}]
            for term in terms_of_kind.values():
                for tier, text in self._keys_of(term):
                    key = match_key(text)
                    if key:
                        tiers[tier].setdefault(key, set()).add(term.iri)
            self._index[kind] = tiers

    @staticmethod
    def _keys_of(term: Term) -> Iterable[tuple[int, str]]:
        yield 0, term.id
        for name in term.names:
            yield 1, name
        for prefix in KINDS[term.kind].id_prefixes:
            if term.id.startswith(prefix):
                yield 2, term.id[len(prefix):]   # "master", "84", "bioinformatician"
        for name in term.names:
            # "Diplôme d'université (DU)" is also "Diplôme d'université" and "DU".
            match = re.fullmatch(r"(.*\S)\s*\(([^()]*)\)", name)
            if match:
                yield 2, match.group(1)
                if re.fullmatch(r"[A-Z0-9][A-Za-z0-9 .'-]{0,15}", match.group(2)):
                    yield 2, match.group(2)

    # -- building -------------------------------------------------------------------

    @classmethod
    def from_graph(cls, graph: Graph) -> "Vocabulary":
        """The vocabulary of ``graph`` (the ontology, reference data, alignments, institutions)."""
        terms = []
        for kind in KINDS.values():
            for cls_iri in kind.classes:
                for subject in set(graph.subjects(RDF.type, cls_iri)):
                    if isinstance(subject, URIRef):
                        terms.append(_term(graph, subject, kind.name))
        edam: dict[URIRef, set[URIRef]] = {}
        competences = {t.iri for t in terms if t.kind == "competence" and not t.deprecated}
        for match in ACCEPTED_EDAM_MATCHES:
            for subject, target in graph.subject_objects(match):
                if subject in competences and str(target).startswith(EDAM):
                    edam.setdefault(URIRef(target), set()).add(subject)
        edam_labels = {}
        for subject, label in graph.subject_objects(RDFS.label):
            if str(subject).startswith(EDAM) and isinstance(label, Literal):
                edam_labels[URIRef(subject)] = min(str(label), edam_labels.get(URIRef(subject), str(label)))
        type_levels = {}
        for term in terms:
            if term.kind == "training_type":
                type_levels[term.iri] = (_integer(graph.value(term.iri, GSK.eqfLevel)),
                                         _integer(graph.value(term.iri, GSK.frenchLevel)))
        regions: dict[URIRef, set[URIRef]] = {}
        cities: dict[URIRef, set[str]] = {}
        pages: dict[str, URIRef] = {}
        for term in terms:
            if term.kind == "institution":
                regions[term.iri] = {URIRef(r) for r in graph.objects(term.iri, GSK.inRegion)}
                cities[term.iri] = {str(c) for c in graph.objects(term.iri, GSK.city)}
                for page in graph.objects(term.iri, GSK.webPage):
                    pages[str(page).rstrip("/")] = term.iri
        return cls(terms, edam=edam, edam_labels=edam_labels, type_levels=type_levels,
                   institution_regions=regions, institution_cities=cities, institution_pages=pages)

    @classmethod
    def from_store(cls, store, *, without_graphs: Iterable[str] = ()) -> "Vocabulary":
        """The vocabulary of what ``store`` holds (any ``store.Store``), read in one query.

        ``without_graphs``: named graphs to leave out, e.g. the graph an import is about to
        replace, so that an institution the file created the last time is created again, the
        same, rather than found in the graph that is being replaced (a re-import then changes
        nothing). Staging graphs are always left out.

        :raises QueryError: a graph name is not an IRI.
        :raises StoreError: the store failed.
        """
        classes = " ".join(f"<{c}>" for kind in KINDS.values() for c in kind.classes)
        properties = " ".join(f"<{p}>" for p in (
            RDF.type, RDFS.label, SKOS.prefLabel, SKOS.altLabel, SKOS.notation, GSK.inseeCode,
            GSK.eqfLevel, GSK.frenchLevel, GSK.city, GSK.inRegion, GSK.webPage, OWL.deprecated,
            DCTERMS.isReplacedBy, *ACCEPTED_EDAM_MATCHES))
        left_out = ", ".join(f"<{checked_graph_iri(g, 'a graph to leave out')}>" for g in without_graphs)

        def kept(var: str) -> str:
            """The filter that keeps the graphs ``var`` may be (not staging, not left out)."""
            return f'FILTER(!STRSTARTS(STR({var}), "{STAGING_PREFIX}"))' + (
                f" FILTER({var} NOT IN ({left_out}))" if left_out else "")

        result = store.query(sparql_prefixes() + f"""CONSTRUCT {{ ?s ?p ?o }} WHERE {{
  {{ VALUES ?class {{ {classes} }}
     VALUES ?p {{ {properties} }}
     GRAPH ?g {{ ?s a ?class }} {kept("?g")}
     GRAPH ?h {{ ?s ?p ?o }} {kept("?h")}
     FILTER(?p != rdf:type || ?o = ?class) }}
  UNION
  {{ GRAPH ?g {{ ?s rdfs:label ?o }} {kept("?g")} BIND(rdfs:label AS ?p) FILTER(STRSTARTS(STR(?s), "{EDAM}")) }}
}}""")
        return cls.from_graph(result.graph if result.graph is not None else Graph())

    # -- asking ---------------------------------------------------------------------

    def term(self, iri: URIRef) -> Term | None:
        for terms in self.terms.values():
            if iri in terms:
                return terms[iri]
        return None

    def label(self, iri: URIRef, lang: str = "en") -> str:
        """The label of a known term in ``lang`` (else English), or its id."""
        term = self.term(iri)
        return term.label(lang) if term else local_id(str(iri))

    def _candidates(self, kind: str, text: str) -> set[URIRef]:
        iri = expand(text)
        if iri is not None:
            return {iri} if iri in self.terms[kind] else set()
        key = match_key(text)
        for tier in self._index[kind]:
            if key in tier:
                return tier[key]
        return set()

    def find(self, kind: str, text: str) -> URIRef | None:
        """The term of ``kind`` that ``text`` names (id, prefixed name, IRI or label), or None.

        None also when ``text`` could name several terms; ``unknown`` says which.
        """
        found = self._candidates(kind, text)
        if len(found) != 1:
            return None
        iri = next(iter(found))
        return None if self.terms[kind][iri].deprecated else iri

    def resolve(self, kind: str, text: str, *, location: str = "", field: str | None = None) -> URIRef:
        """The term of ``kind`` that ``text`` names.

        :raises ProblemsError: it names no term, or several; the problem suggests the closest.
        """
        found = self.find(kind, text)
        if found is None:
            problem = Problem(location, field, self.unknown(kind, text))
            raise ProblemsError(f"{problem.text()}", problems=[problem])
        return found

    def unknown(self, kind: str, text: str) -> dict[str, str]:
        """Why ``text`` names no single term of ``kind``, with the closest ones (fr and en)."""
        info = KINDS[kind]
        words = {"value": text.strip(), "kind_en": info.en, "kind_fr": info.fr,
                 "kind_fr_unknown": info.fr_unknown, "kind_fr_article": info.fr_article}
        found = self._candidates(kind, text)
        if len(found) > 1:
            return say("ambiguous-term", **words, **self._listed(sorted(found)))
        if len(found) == 1 and self.terms[kind][next(iter(found))].deprecated:
            term = self.terms[kind][next(iter(found))]
            replacement = {f"replacement_{lang}": f"{local_id(str(term.replaced_by))} "
                                                  f"({self.label(term.replaced_by, lang)})"
                           if term.replaced_by else {"en": "another term", "fr": "un autre terme"}[lang]
                           for lang in ("en", "fr")}
            return say("deprecated-term", **words, id=term.id, **replacement)
        iri = expand(text)
        if iri is not None:
            other = self.term(iri)
            if other is not None and other.kind != kind:
                return say("wrong-kind", **words, other_en=KINDS[other.kind].en,
                           other_fr_article=KINDS[other.kind].fr_article)
        suggestions = self.suggest(kind, text)
        if not suggestions and len(self.terms[kind]) <= SHORT_LIST:
            current = [iri for iri, term in self.terms[kind].items() if not term.deprecated]
            return say("unknown-term-known-list", **words, **self._listed(current))
        if not suggestions:
            return say("unknown-term-no-suggestion", **words)
        return say("unknown-term", **words, **self._listed(suggestions))

    def _listed(self, iris: list[URIRef]) -> dict[str, str]:
        return {f"suggestions_{lang}": ", ".join(f"{local_id(str(i))} ({self.label(i, lang)})" for i in iris)
                for lang in ("en", "fr")}

    def suggest(self, kind: str, text: str, limit: int = 3) -> list[URIRef]:
        """Up to ``limit`` terms of ``kind`` whose id or label is closest to ``text``.

        Terms whose id or label holds the whole of ``text`` come first, then the closest by
        ``difflib`` on the normalised strings, helped by the words they share.
        """
        wanted = normalised(text)
        if not wanted:
            return []
        words = set(wanted.split())
        scores: dict[URIRef, float] = {}
        for term in self.terms[kind].values():
            if term.deprecated:
                continue
            for name in (normalised(n) for n in (term.id, *term.names)):
                if len(wanted) >= 3 and wanted in name:
                    score = 2.0   # the whole value is in the id or label
                else:
                    # Character similarity, helped by the words the two share
                    # ("varient classification" is nearer "clinical variant classification").
                    shared = len(words & set(name.split())) / len(words)
                    score = difflib.SequenceMatcher(None, wanted, name).ratio() + 0.3 * shared
                scores[term.iri] = max(score, scores.get(term.iri, 0.0))
        ranked = sorted((iri for iri, score in scores.items() if score >= 0.62),
                        key=lambda iri: (-scores[iri], str(iri)))
        return ranked[:limit]

    def similarity(self, kind: str, text: str) -> float:
        """How close ``text`` is to the nearest id or label of ``kind`` (0 to 1, 1: the same once normalised)."""
        wanted = normalised(text)
        return max((difflib.SequenceMatcher(None, wanted, normalised(name)).ratio()
                    for term in self.terms[kind].values() for name in (term.id, *term.names)), default=0.0)

    def competences_for_edam(self, iri: URIRef) -> set[URIRef]:
        """The competences and domains an EDAM term maps to through the accepted alignments."""
        return set(self.edam.get(URIRef(str(iri).replace("https://", "http://", 1)), set()))


def _integer(node) -> int | None:
    try:
        return int(node) if node is not None else None
    except (TypeError, ValueError):
        return None


def _term(graph: Graph, subject: URIRef, kind: str) -> Term:
    labels: dict[str, str] = {}
    names: set[str] = set()
    for prop in (RDFS.label, SKOS.prefLabel):
        for label in sorted(graph.objects(subject, prop)):
            if isinstance(label, Literal):
                labels.setdefault(label.language or "", str(label))
                names.add(str(label))
    for prop in (SKOS.altLabel, SKOS.notation, GSK.inseeCode):
        names |= {str(value) for value in graph.objects(subject, prop) if isinstance(value, Literal)}
    if len(labels) > 1:
        labels.pop("", None)   # an untagged label only stands in when there is no other
    deprecated = any(value.toPython() is True for value in graph.objects(subject, OWL.deprecated)
                     if isinstance(value, Literal))
    replaced_by = min((URIRef(r) for r in graph.objects(subject, DCTERMS.isReplacedBy) if isinstance(r, URIRef)),
                      default=None)
    return Term(subject, kind, local_id(str(subject)), labels, tuple(sorted(names)), deprecated, replaced_by)
