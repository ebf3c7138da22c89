"""Reading schema.org / Bioschemas ``Course`` JSON-LD (the profile TeSS emits) into genskills RDF.

The document is read as plain JSON and interpreted key by key (docs/import.md has the
mapping table), so that each problem is placed by its JSON path
(``$[3]`` and ``hasCourseInstance[0].courseMode``) and nothing is fetched from the network:
the schema.org context is recognised by its URL and mapped locally; keys may be plain
(``name``), prefixed (``schema:name``) or full IRIs (``https://schema.org/name``), with
``http`` or ``https``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDFS, SKOS

from .errors import InputError, Problem, ProblemsError
from .namespaces import GSK, GSKD
from .parsed import (CourseDraft, NewInstitution, ParsedCourses, build_courses, check_course, checked_id,
                     course_iri, duplicate_problems, institution_iri, may_create_institution, parse_boolean,
                     parse_decimal, parse_language, parse_url, say, unknown_institution, utf8_text)
from .vocabulary import Vocabulary, edam_iri, expand, local_id, match_key, messages_of

SCHEMA_NAMESPACES = ("https://schema.org/", "http://schema.org/")
#: The schema.org context, as documents name it; never fetched.
SCHEMA_CONTEXTS = {f"{scheme}://schema.org{tail}" for scheme in ("http", "https")
                   for tail in ("", "/", "/docs/jsonldcontext.json", "/docs/jsonldcontext.jsonld")}

#: courseMode values of schema.org and TeSS that are not ids or labels of gsk:CourseMode.
MODE_WORDS = {"onlineeventattendancemode": GSK.Online, "offlineeventattendancemode": GSK.OnSite,
              "mixedeventattendancemode": GSK.Blended, "inperson": GSK.OnSite, "facetoface": GSK.OnSite,
              "hybrid": GSK.Blended}
#: courseMode values that say how a course is studied, not where: read and left out.
STUDY_PATTERNS = {"fulltime", "parttime", "synchronous", "asynchronous", "selfpaced"}
#: Locations that name no place.
NO_PLACE = {"online", "virtual", "remote", "enligne", "adistance", "distance"}
FRANCE = {"fr", "fra", "france"}

ORIGIN = {"fr": "importée d'une description schema.org Course", "en": "imported from a schema.org Course description"}

#: Message kinds of this module (docs/import.md lists each with an example).
MESSAGES = {
    "invalid-json": (
        "invalid JSON: {detail} (line {line}, column {column})",
        "JSON invalide : {detail} (ligne {line}, colonne {column})"),
    "no-course": (
        "no schema.org Course here: give one Course object, a list of them, or an @graph holding them",
        "aucun Course schema.org ici : donnez un objet Course, une liste de Course, ou un @graph qui les "
        "contient"),
    "remote-context": (
        "the context {value} is not fetched (no network): use the schema.org context "
        "(\"@context\": \"https://schema.org/\") or an inline one",
        "le contexte {value} n'est pas téléchargé (pas de réseau) : utilisez le contexte schema.org "
        "(\"@context\": \"https://schema.org/\") ou un contexte écrit dans le document"),
    "not-an-object": (
        "expected a JSON object here, found {value}",
        "un objet JSON est attendu ici, et non {value}"),
    "not-a-duration": (
        '"{value}" is not an ISO 8601 duration: write e.g. PT30H or PT7H30M',
        "« {value} » n'est pas une durée ISO 8601 : écrivez par exemple PT30H ou PT7H30M"),
}


_say = messages_of(MESSAGES)


@dataclass
class _Context:
    """What a JSON-LD context tells this reader: prefixes, term aliases, vocabulary, language."""

    vocab: str = SCHEMA_NAMESPACES[0]
    prefixes: dict[str, str] = field(default_factory=lambda: {"schema": SCHEMA_NAMESPACES[0],
                                                              "sdo": SCHEMA_NAMESPACES[0], "gsk": str(GSK),
                                                              "gskd": str(GSKD)})
    terms: dict[str, str] = field(default_factory=dict)
    language: str | None = None

    def extended(self, raw, report) -> "_Context":
        """This context with ``raw`` (an @context value) applied; ``report(value)`` gets remote ones."""
        context = _Context(self.vocab, dict(self.prefixes), dict(self.terms), self.language)
        for item in raw if isinstance(raw, list) else [raw]:
            if isinstance(item, str):
                if item.rstrip("/") + "/" in SCHEMA_NAMESPACES or item in SCHEMA_CONTEXTS:
                    context.vocab = SCHEMA_NAMESPACES[0]
                else:
                    report(item)
            elif isinstance(item, dict):
                for key, value in item.items():
                    target = value.get("@id") if isinstance(value, dict) else value
                    if key == "@vocab" and isinstance(value, str):
                        context.vocab = value
                    elif key == "@language":
                        context.language = value if isinstance(value, str) else None
                    elif isinstance(target, str) and not key.startswith("@"):
                        if target.endswith(("/", "#")):
                            context.prefixes[key] = target
                        else:
                            context.terms[key] = target
        return context

    def iri(self, text: str) -> str:
        """A key or compact IRI expanded (``name`` -> ``https://schema.org/name``)."""
        if text.startswith("@"):
            return text
        if text in self.terms:
            return self.iri(self.terms[text]) if self.terms[text] != text else text
        prefix, colon, local = text.partition(":")
        if colon and not local.startswith("//"):
            return self.prefixes.get(prefix, prefix + ":") + local
        if colon:
            return text
        return self.vocab + text

    def node_iri(self, text: str) -> str:
        """An @id with its prefix expanded (``gskd:course-x``); any other @id as written (an @id is
        relative to the document, never to the vocabulary)."""
        prefix, colon, local = text.partition(":")
        return self.prefixes[prefix] + local if colon and prefix in self.prefixes else text

    def name(self, key: str) -> str:
        """The schema.org local name of a key ("schema:name" -> "name"), else its full IRI."""
        iri = self.iri(key)
        for namespace in SCHEMA_NAMESPACES:
            if iri.startswith(namespace):
                return iri[len(namespace):]
        return iri


def _located(path: Path, text: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        problem = Problem(f"line {exc.lineno}", None,
                          _say("invalid-json", detail=exc.msg, line=exc.lineno, column=exc.colno))
        raise ProblemsError("the file is not valid JSON", problems=[problem], path=str(path)) from exc


def _read_json(path: Path):
    if not path.is_file():
        raise InputError("no such file", path=str(path))
    return _located(path, utf8_text(path.read_bytes(), str(path), what="the file"))


class _Document:
    """The courses of a JSON-LD document, the nodes it names by @id, and its problems."""

    def __init__(self, data):
        self.problems: list[Problem] = []
        self.nodes: dict[str, dict] = {}
        self.courses: list[tuple[str, dict, _Context]] = []
        self._index(data)
        self._find(data, "$", _Context())
        if not self.courses and not self.problems:
            self.problems.append(Problem("$", None, _say("no-course")))

    def _index(self, value) -> None:
        if isinstance(value, list):
            for item in value:
                self._index(item)
        elif isinstance(value, dict):
            if isinstance(value.get("@id"), str) and len(value) > 1:
                self.nodes.setdefault(value["@id"], value)
            for item in value.values():
                self._index(item)

    def _find(self, value, path: str, context: _Context) -> None:
        if isinstance(value, list):
            for index, item in enumerate(value):
                self._find(item, f"{path}[{index}]", context)
            return
        if not isinstance(value, dict):
            self.problems.append(Problem(path, None, _say("not-an-object", value=json.dumps(value)[:60])))
            return
        if "@context" in value:
            context = context.extended(value["@context"], lambda url: self.problems.append(
                Problem(path, "@context", _say("remote-context", value=url))))
        if _is_course(value, context):
            self.courses.append((path, value, context))
        if "@graph" in value:
            self._find_in_graph(value["@graph"], f"{path}['@graph']", context)

    def _find_in_graph(self, graph, path: str, context: _Context) -> None:
        # Nodes of an @graph that are not courses (providers, places) are only referred to.
        for index, item in enumerate(graph if isinstance(graph, list) else [graph]):
            where = f"{path}[{index}]" if isinstance(graph, list) else path
            if isinstance(item, dict) and ("@graph" in item or _is_course(item, context)):
                self._find(item, where, context)


def _is_course(node: dict, context: _Context) -> bool:
    return "Course" in {context.name(t) for t in _list(node.get("@type")) if isinstance(t, str)}


def _list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _text(value) -> tuple[str, str | None] | None:
    """(text, language) of a JSON-LD value: a string, a number or an @value object."""
    if isinstance(value, dict) and "@value" in value:
        language = value.get("@language")
        return str(value["@value"]), language if isinstance(language, str) else None
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return str(value), None
    return None


class _CourseReader:
    """Turns one Course node into a CourseDraft; problems go to ``problems``."""

    def __init__(self, path: str, node: dict, context: _Context, document: _Document, vocabulary: Vocabulary,
                 *, illustrative: bool | None, default_training_type: URIRef | None):
        self.path = path
        self.node = node
        self.context = context
        self.document = document
        self.vocabulary = vocabulary
        self.illustrative = illustrative
        self.default_training_type = default_training_type
        self.problems: list[Problem] = []
        #: unknown providers named with a region: (name, field, regions, cities)
        self.new_institutions: list[tuple[str, str, set[URIRef], set[str]]] = []
        #: unknown providers named without a region: (name, field), created if another course gives one
        self.pending: list[tuple[str, str]] = []

    # -- access ----------------------------------------------------------------------

    def items(self, node: dict, name: str, where: str = "") -> list[tuple[str, object]]:
        """(field path, value) of each value of the keys of ``node`` that mean ``name``."""
        found = []
        for key, value in node.items():
            if self.context.name(key) != name and self.context.iri(key) != name:
                continue
            base = f"{where}.{key}" if where else key
            values = value if isinstance(value, list) else [value]
            for index, item in enumerate(values):
                found.append((f"{base}[{index}]" if isinstance(value, list) else base, self.deref(item)))
        return found

    def deref(self, value):
        """A node given only by its @id, replaced by the node of that @id in the document."""
        if isinstance(value, dict) and set(value) == {"@id"} and value["@id"] in self.document.nodes:
            return self.document.nodes[value["@id"]]
        return value

    def problem(self, field_path: str | None, message: dict[str, str]) -> None:
        self.problems.append(Problem(self.path, field_path, message))

    def texts(self, node: dict, name: str, *keys: str, where: str = "") -> list[tuple[str, str, str | None]]:
        """(field, text, language) of the values of ``name``: strings, @value objects, or objects
        whose first key of ``keys`` (e.g. "name") holds text."""
        found = []
        for path, value in self.items(node, name, where):
            text = _text(value)
            if text is None and isinstance(value, dict):
                for key in keys:
                    inner = self.texts(value, key, where=path)
                    if inner:
                        found += inner
                        break
            elif text is not None:
                found.append((path, *text))
        return found

    # -- reading ---------------------------------------------------------------------

    def read(self) -> CourseDraft:
        node = self.node
        draft = CourseDraft(self.path, fields={"id": "@id", "source": "url", "web_page": "url", "title": "name",
                                               "institution": "provider",
                                               "training_type": "educationalCredentialAwarded"})
        draft.languages = self.languages()
        # Untagged text is in the context's @language, else in the one teaching language when it
        # is French or English, else in English (the language of schema.org and TeSS metadata).
        primaries = {tag.split("-")[0] for tag in draft.languages}
        self.default_language = self.context.language or (
            primaries.pop() if len(primaries) == 1 and primaries <= {"fr", "en"} else "en")
        draft.titles = self.by_language("name", "title")
        if not draft.titles and not any(p.field and p.field.startswith("name") for p in self.problems):
            self.problem("name", say("missing-value", what_en="title", what_fr="son titre"))
        draft.descriptions = self.by_language("description", "description")
        identifier = self.context.node_iri(node["@id"]) if isinstance(node.get("@id"), str) else None
        if identifier and identifier.startswith(str(GSKD) + "course-"):
            draft.id = checked_id(local_id(identifier))
            if draft.id is None:
                self.problem("@id", say("bad-id", value=identifier))
        draft.cities, draft.regions = self.places()
        draft.institutions = self.providers(draft.regions)
        draft.training_type = self.training_type()
        draft.modes = self.modes()
        draft.roles, draft.audiences = self.audiences()
        draft.topics = self.keywords()
        competences, topics = self.competences()
        draft.competences = competences
        draft.topics += [t for t in topics if t not in draft.topics]
        draft.ects = self.credits()
        draft.hours = self.duration()
        for path, text, _ in self.texts(node, "url"):
            url = parse_url(text)
            if url is None:
                self.problem(path, say("not-a-url", value=text))
                draft.reported |= {"source", "web_page"}
            elif url not in draft.web_pages:
                draft.web_pages.append(url)
        citations = self.citations()
        if identifier and parse_url(identifier) and not identifier.startswith(str(GSKD)):
            draft.sources = [identifier]
            draft.fields["source"] = "@id"
        elif citations:
            # genskills' own schema.org view puts the page a course was read on in citation,
            # and keeps url for the course's official page.
            draft.sources = citations
            draft.fields["source"] = "citation"
        else:
            draft.sources = list(draft.web_pages)
        flag = self.flag() if self.illustrative is None else self.illustrative
        if flag is None:
            draft.reported.add("illustrative")
        draft.illustrative = bool(flag)
        return draft

    def languages(self) -> list[str]:
        found = []
        for path, value in self.items(self.node, "inLanguage"):
            text = _text(value)
            if text is None and isinstance(value, dict):
                names = self.texts(value, "alternateName", where=path) or self.texts(value, "name", where=path)
                text = (names[0][1], None) if names else None
            if text is None:
                continue
            tag = parse_language(text[0])
            if tag is None:
                self.problem(path, say("not-a-language", value=text[0]))
            elif tag not in found:
                found.append(tag)
        return found

    def by_language(self, name: str, what: str) -> dict[str, str]:
        """One text per language ("fr", "en") of a key; other languages and repeats are problems."""
        found: dict[str, str] = {}
        what_fr = {"title": "titre", "description": "description"}[what]
        for path, text, language in self.texts(self.node, name):
            language = (language or self.default_language).split("-")[0].lower()
            if language not in ("fr", "en"):
                self.problem(path, say("label-language", what_en=what, what_fr=what_fr, lang=language))
            elif language in found and found[language] != text:
                self.problem(path, say("several-in-language", what_en=f"{what}s", what_fr=f"{what_fr}s",
                                       lang=language))
            else:
                found[language] = text.strip()
        return found

    def tagged(self, text: str, language: str | None) -> Literal:
        return Literal(text.strip(), lang=language or self.default_language)

    def places(self) -> tuple[list[str], list[URIRef]]:
        cities: list[str] = []
        regions: list[URIRef] = []
        for path, instance in self.items(self.node, "hasCourseInstance"):
            if not isinstance(instance, dict):
                continue
            for place_path, place in self.items(instance, "location", where=path):
                self.place(place_path, place, cities, regions)
        return cities, regions

    def place(self, path: str, place, cities: list[str], regions: list[URIRef]) -> None:
        """The city and region of a schema.org location: a text, a Place or a PostalAddress."""
        if isinstance(place, str):
            parts = [p.strip() for p in place.split(",") if p.strip()]
            if not parts or match_key(place) in NO_PLACE:
                return
            for part in parts:
                region = self.vocabulary.find("region", part)
                if region is not None:
                    _add(regions, region)
            city = parts[0]
            if self.vocabulary.find("region", city) is None and match_key(city) not in FRANCE:
                _add(cities, city)
            return
        if not isinstance(place, dict) or "VirtualLocation" in {self.context.name(t) for t in
                                                                _list(place.get("@type")) if isinstance(t, str)}:
            return
        addresses = self.items(place, "address", where=path) or [(path, place)]
        for address_path, address in addresses:
            if isinstance(address, str):
                self.place(address_path, address, cities, regions)
                continue
            if not isinstance(address, dict):
                continue
            country = [t for _, t, _ in self.texts(address, "addressCountry", "name", where=address_path)]
            if country and not any(match_key(c) in FRANCE for c in country):
                continue   # a course abroad: no French region to find
            for _, text, _ in self.texts(address, "addressLocality", where=address_path):
                _add(cities, text.strip())
            for region_path, text, _ in self.texts(address, "addressRegion", where=address_path):
                region = self.vocabulary.find("region", text)
                if region is None:
                    self.problem(region_path, self.vocabulary.unknown("region", text))
                else:
                    _add(regions, region)

    def citations(self) -> list[str]:
        """The URLs of ``citation`` (a URL, or a CreativeWork with ``url`` or an http(s) ``@id``)."""
        found: list[str] = []
        for path, citation in self.items(self.node, "citation"):
            texts = [citation] if isinstance(citation, str) else (
                [t for _, t, _ in self.texts(citation, "url", where=path)]
                + ([citation["@id"]] if isinstance(citation.get("@id"), str) else []))
            for text in texts:
                url = parse_url(text)
                if url is None:
                    self.problem(path, say("not-a-url", value=text))
                elif url not in found:
                    found.append(url)
        return found

    def providers(self, course_regions: list[URIRef]) -> list[URIRef]:
        found: list[URIRef] = []
        providers = self.items(self.node, "provider")
        # No provider is allowed, as in the shapes (a warning there): some sources name none.
        for path, provider in providers:
            names = [t for _, t, _ in self.texts(provider, "name", where=path)] if isinstance(provider, dict) \
                else ([provider] if isinstance(provider, str) else [])
            ids = [provider.get("@id")] if isinstance(provider, dict) else []
            if isinstance(provider, dict):
                ids += [t for _, t, _ in self.texts(provider, "url", where=path)]
            iri = self.known_institution(ids, names)
            if iri is None and names and may_create_institution(self.vocabulary, names[0]):
                iri = institution_iri(names[0])
                if iri not in self.vocabulary.terms["institution"]:
                    regions: list[URIRef] = []
                    cities: list[str] = []
                    if isinstance(provider, dict):
                        for place_path, place in (self.items(provider, "address", where=path)
                                                  + self.items(provider, "location", where=path)):
                            self.place(place_path, place, cities, regions)
                    regions = regions or course_regions
                    if regions:
                        self.new_institutions.append((names[0], path, set(regions), set(cities)))
                    else:
                        self.pending.append((names[0], path))
            elif iri is None and names:
                self.problem(path, unknown_institution(self.vocabulary, names[0]))
            elif iri is None:
                shown = next((i for i in ids if isinstance(i, str)), json.dumps(provider)[:60])
                self.problem(path, self.vocabulary.unknown("institution", shown))
            if iri is not None:
                _add(found, iri)
        return found

    def known_institution(self, ids: list, names: list[str]) -> URIRef | None:
        for identifier in ids:
            if not isinstance(identifier, str):
                continue
            iri = expand(identifier)
            if iri is not None and iri in self.vocabulary.terms["institution"]:
                return iri
            page = self.vocabulary.institution_pages.get(identifier.rstrip("/"))
            if page is not None:
                return page
        for name in names:
            iri = self.vocabulary.find("institution", name)
            if iri is not None:
                return iri
        return None

    def training_type(self) -> URIRef | None:
        texts = (self.texts(self.node, "educationalCredentialAwarded", "name", "credentialCategory")
                 + self.texts(self.node, str(GSK.hasTrainingType), "@id"))
        found: list[URIRef] = []
        for path, text, _ in texts:
            iri = self.vocabulary.find("training_type", text)
            if iri is not None:
                _add(found, iri)
        if len(found) > 1:
            self.problem(texts[0][0], say("single-value", what_en="training type", what_fr="type de formation",
                                          count=len(found), values="; ".join(local_id(str(i)) for i in found)))
            return None
        if found:
            return found[0]
        if texts:
            self.problem(texts[0][0], self.vocabulary.unknown("training_type", texts[0][1]))
            return None
        if self.default_training_type is None:
            self.problem("educationalCredentialAwarded", say("missing-value", what_en="training type",
                                                             what_fr="son type de formation"))
        return self.default_training_type

    def modes(self) -> list[URIRef]:
        found: list[URIRef] = []
        for path, instance in self.items(self.node, "hasCourseInstance"):
            if not isinstance(instance, dict):
                self.problem(path, _say("not-an-object", value=json.dumps(instance)[:60]))
                continue
            for mode_path, value in self.items(instance, "courseMode", where=path):
                text = value.get("@id") if isinstance(value, dict) else _text(value)
                text = text[0] if isinstance(text, tuple) else text
                if not isinstance(text, str):
                    continue
                word = self.context.name(text) if ":" in text else text
                mode = MODE_WORDS.get(match_key(word)) or self.vocabulary.find("mode", text)
                if mode is not None:
                    _add(found, mode)
                elif match_key(word) not in STUDY_PATTERNS:
                    self.problem(mode_path, self.vocabulary.unknown("mode", text))
        return found

    def audiences(self) -> tuple[list[URIRef], list[Literal]]:
        roles: list[URIRef] = []
        texts: list[Literal] = []
        for _, text, language in self.texts(self.node, "audience", "audienceType", "name"):
            role = self.vocabulary.find("role", text)
            if role is not None:
                _add(roles, role)
            else:
                _add(texts, self.tagged(text, language))
        return roles, texts

    def keywords(self) -> list[Literal]:
        found: list[Literal] = []
        for _, text, language in self.texts(self.node, "keywords", "name"):
            for word in text.split(","):
                if word.strip():
                    _add(found, self.tagged(word, language))
        return found

    def competences(self) -> tuple[list[URIRef], list[Literal]]:
        """Competences of ``teaches`` and ``about``: EDAM terms through the alignments, genskills
        ids or labels; what maps to none is kept as a topic (its name or EDAM label)."""
        competences: list[URIRef] = []
        topics: list[Literal] = []
        for name in ("teaches", "about"):
            for path, value in self.items(self.node, name):
                references: list[str] = []
                labels: list[tuple[str, str | None]] = []
                text = _text(value)
                if text is not None:
                    references.append(text[0])
                    if edam_iri(text[0]) is None and expand(text[0]) is None:
                        labels.append(text)   # a topic in words, not a reference
                elif isinstance(value, dict):
                    for key in ("@id", "url", "termCode", "sameAs"):
                        references += [t for _, t, _ in self.texts(value, key, where=path)] if key != "@id" \
                            else ([value["@id"]] if isinstance(value.get("@id"), str) else [])
                    labels += [(t, lang) for _, t, lang in self.texts(value, "name", where=path)]
                mapped = set()
                for reference in references:
                    edam = edam_iri(reference)
                    if edam is not None:
                        mapped |= self.vocabulary.competences_for_edam(edam)
                        if not labels and edam in self.vocabulary.edam_labels:
                            labels.append((self.vocabulary.edam_labels[edam], "en"))
                        continue
                    found = self.vocabulary.find("competence", reference)
                    if found is not None:
                        mapped.add(found)
                for iri in sorted(mapped):
                    _add(competences, iri)
                if not mapped:
                    for label, language in labels[:1]:
                        _add(topics, self.tagged(label, language))
        return competences, topics

    def credits(self) -> Decimal | None:
        for path, text, _ in self.texts(self.node, "numberOfCredits", "value"):
            number = parse_decimal(text)
            if number is None:
                self.problem(path, say("not-a-number", value=text))
            elif number < 0:
                self.problem(path, say("number-out-of-range", value=text, rule_en="ECTS credits are 0 or more",
                                       rule_fr="le nombre de crédits ECTS est positif ou nul"))
            else:
                return number
        return None

    def duration(self) -> Decimal | None:
        """Hours of ``timeRequired`` (ISO 8601, hours and minutes only: a day is not a number of hours)."""
        for path, text, _ in self.texts(self.node, "timeRequired"):
            match = re.fullmatch(r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?"
                                 r"(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?",
                                 text.strip())
            if match is None or text.strip() in ("P", "PT"):
                self.problem(path, _say("not-a-duration", value=text))
                continue
            if any(match.group(i) for i in (1, 2, 3, 4)):
                continue   # years, months, weeks or days: the number of hours is not known
            hours = Decimal(match.group(5) or 0) + Decimal(match.group(6) or 0) / 60 + \
                Decimal(match.group(7) or 0) / 3600
            if hours > 0:
                return hours.quantize(Decimal("0.01")).normalize()
        return None

    def flag(self) -> bool | None:
        """The course's gsk:illustrative flag (absent: False), or None when it is not a boolean."""
        for path, value in self.items(self.node, str(GSK.illustrative)):
            text = ("true" if value else "false") if isinstance(value, bool) else (_text(value) or ("",))[0]
            flag = parse_boolean(text)
            if flag is None:
                self.problem(path, say("not-a-boolean", value=text or json.dumps(value)))
            return flag
        # genskills' own schema.org view marks an illustrative course with creativeWorkStatus
        # gsk:Illustrative (a DefinedTerm, its IRI, or the word).
        for _, value in self.items(self.node, "creativeWorkStatus"):
            names = [value] if isinstance(value, str) else (
                [value.get("@id")] + [t for _, t, _ in self.texts(value, "name")] if isinstance(value, dict) else [])
            if any(isinstance(n, str) and (self.context.node_iri(n) == str(GSK.Illustrative)
                                           or n.strip().lower() in ("illustrative", "illustratif"))
                   for n in names):
                return True
        return False


def _add(values: list, value) -> None:
    if value not in values:
        values.append(value)


#: The key(s) each property comes from (to place a SHACL result on a key).
PROPERTY_KEYS = {
    RDFS.label: "name", SKOS.definition: "description", SKOS.notation: "@id", GSK.offeredBy: "provider",
    GSK.teachingLanguage: "inLanguage", GSK.targetsRole: "audience", GSK.audienceText: "audience",
    GSK.topicText: "keywords / teaches / about", GSK.coversCompetence: "teaches / about",
    GSK.hasMode: "hasCourseInstance.courseMode", GSK.city: "hasCourseInstance.location",
    GSK.inRegion: "hasCourseInstance.location", GSK.webPage: "url", DCTERMS.source: "@id / url",
    GSK.hasTrainingType: "educationalCredentialAwarded", GSK.ects: "numberOfCredits",
    GSK.durationHours: "timeRequired", GSK.illustrative: "gsk:illustrative", GSK.curationStatus: "gsk:illustrative",
    GSK.coverageStatus: "gsk:illustrative", SKOS.editorialNote: "name",
}


def read_course_jsonld(path: Path | str, vocabulary: Vocabulary, *, illustrative: bool | None = None,
                       default_training_type: str | None = None) -> ParsedCourses:
    """The schema.org ``Course`` objects of a JSON-LD file (one, a list, or an ``@graph``) as genskills RDF.

    ``illustrative``: None reads each course's ``gsk:illustrative`` key (absent: a real course,
    which needs a source URL); True or False applies to every course of the file.
    ``default_training_type`` (an id or label) is the training type of a course that names none.

    :raises InputError: no such file, or an unknown ``default_training_type``.
    :raises ProblemsError: invalid JSON (with line and column) or problems in the courses;
        ``problems`` lists each one with its JSON path, in French and English.
    """
    path = Path(path)
    default = None
    if default_training_type is not None:
        default = vocabulary.find("training_type", default_training_type)
        if default is None:
            raise InputError(vocabulary.unknown("training_type", default_training_type)["en"])
    document = _Document(_read_json(path))
    problems = list(document.problems)
    drafts: list[tuple[URIRef, CourseDraft]] = []
    created: dict[URIRef, NewInstitution] = {}
    readers = []
    for course_path, node, context in document.courses:
        reader = _CourseReader(course_path, node, context, document, vocabulary, illustrative=illustrative,
                               default_training_type=default)
        draft = reader.read()
        readers.append((reader, draft))
        for name, _, regions, cities in reader.new_institutions:
            new = created.setdefault(institution_iri(name), NewInstitution(institution_iri(name)))
            new.names.add(name)
            new.regions |= regions
            new.cities |= cities or set(draft.cities)
            new.locations.append(course_path)
    for reader, draft in readers:
        for name, field_path in reader.pending:
            # Named without a region here: known if another course of the file creates it.
            if institution_iri(name) not in created:
                draft.institutions.remove(institution_iri(name))
                reader.problem(field_path, unknown_institution(vocabulary, name))
        problems += reader.problems + check_course(draft, vocabulary)
        iri = course_iri(draft)
        if iri is not None:
            drafts.append((iri, draft))
    problems += duplicate_problems(drafts)
    if problems:
        raise ProblemsError(f"{len(problems)} problem(s) in the courses; nothing was read",
                            problems=problems, path=str(path))
    return build_courses(drafts, [created[i] for i in sorted(created)], vocabulary, origin=ORIGIN,
                         fields=dict(PROPERTY_KEYS), source=path.name)
