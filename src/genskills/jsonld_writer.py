"""Compacted JSON-LD written node by node with the published genskills context.

The context (``ontology/context.jsonld``, published as ``https://w3id.org/genskills/context.jsonld``)
is small and fixed, so each value can be compacted by looking its property up in the
context: a value that fits a term's coercion (an IRI for ``"@type": "@id"``, a literal of
the term's datatype, a language-tagged string for a ``"@language"`` map) is written under
the term, any other value under the property's compact IRI (``dct:license``) with an
explicit value object. That is what a JSON-LD compaction algorithm would produce for
these terms, without holding a whole graph in memory: the writer receives the triples of
one subject at a time. The tests expand the output with PyLD, rdflib and pyoxigraph and
compare it with the store.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, XSD

from .errors import InputError

#: The published IRI of the genskills JSON-LD context (served by ``/context.jsonld``).
CONTEXT_IRI = "https://w3id.org/genskills/context.jsonld"
#: The file that holds it, in a checkout (``ontology/`` beside ``src/``).
_CHECKOUT_CONTEXT = Path(__file__).resolve().parents[2] / "ontology" / "context.jsonld"

_TYPE = str(RDF.type)
_STRING = str(XSD.string)
#: Characters that end a prefix IRI usable in a compact IRI (JSON-LD 1.1, "gen-delims").
_GEN_DELIMS = (":", "/", "?", "#", "[", "]", "@")
#: Compacted IRIs kept for reuse (predicates, classes, datatypes and linked resources recur).
_CACHED_IRIS = 10_000


def context_file(root: Path | None = None) -> Path:
    """The context document: ``ROOT/ontology/context.jsonld``, by default this checkout's."""
    return Path(root) / "ontology" / "context.jsonld" if root is not None else _CHECKOUT_CONTEXT


def load_context(root: Path | None = None) -> dict:
    """The ``@context`` object of the context document (a dict of term definitions).

    :raises InputError: the file is missing or is not a JSON-LD context document.
    """
    path = context_file(root)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InputError("the JSON-LD context is missing", path=str(path)) from exc
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg}", path=str(path), line=exc.lineno) from exc
    context = document.get("@context") if isinstance(document, dict) else None
    if not isinstance(context, dict):
        raise InputError('a JSON-LD context document is an object with an "@context" object', path=str(path))
    return context


@dataclass
class _Terms:
    """The terms of one property, by the kind of value each one takes."""

    iri: str | None = None         # "@type": "@id"
    language: str | None = None    # "@container": "@language"
    typed: dict[str, str] = field(default_factory=dict)   # datatype IRI -> term
    plain: str | None = None       # no coercion: strings, and value objects of any kind
    sets: set[str] = field(default_factory=set)           # terms with "@container": "@set"


class Compactor:
    """Writes RDF terms as compacted JSON-LD values for one context.

    >>> c = Compactor({"gskd": "https://w3id.org/genskills/id/",
    ...                "label": {"@id": "http://www.w3.org/2000/01/rdf-schema#label", "@container": "@language"}})
    >>> c.iri("https://w3id.org/genskills/id/role-nurse")
    'gskd:role-nurse'
    >>> from rdflib import Literal, URIRef
    >>> c.node(URIRef("https://w3id.org/genskills/id/role-nurse"),
    ...        [(URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal("Nurse", lang="en"))])
    {'@id': 'gskd:role-nurse', 'label': {'en': 'Nurse'}}
    """

    def __init__(self, context: dict):
        self.prefixes: dict[str, str] = {}
        self.terms: dict[str, _Terms] = {}
        self._compacted: dict[str, str] = {}
        for term, definition in context.items():
            if term.startswith("@"):
                continue
            if isinstance(definition, str):
                if definition.endswith(_GEN_DELIMS) and ":" in definition:
                    self.prefixes[term] = definition
        for term, definition in sorted(context.items()):
            if term.startswith("@") or term in self.prefixes:
                continue
            if isinstance(definition, str):
                definition = {"@id": definition}
            self._add_term(term, definition)
        self._set_terms = {t for terms in self.terms.values() for t in terms.sets}

    def _expand(self, value: str) -> str:
        prefix, colon, local = value.partition(":")
        if colon and prefix in self.prefixes and not local.startswith("//"):
            return self.prefixes[prefix] + local
        return value

    def _add_term(self, term: str, definition: dict) -> None:
        iri = self._expand(definition.get("@id", term))
        terms = self.terms.setdefault(iri, _Terms())
        kind = definition.get("@type")
        container = definition.get("@container")
        if container == "@language":
            terms.language = terms.language or term
        elif kind == "@id":
            terms.iri = terms.iri or term
        elif kind is not None:
            terms.typed.setdefault(self._expand(kind), term)
        else:
            terms.plain = terms.plain or term
        if container == "@set":
            terms.sets.add(term)

    def iri(self, iri: str) -> str:
        """``iri`` as a compact IRI where a prefix of the context fits, else as it is."""
        found = self._compacted.get(iri)
        if found is None:
            if len(self._compacted) >= _CACHED_IRIS:   # bounded: most subjects come once
                self._compacted.clear()
            found = self._compacted[iri] = self._compact(iri)
        return found

    def _compact(self, iri: str) -> str:
        best = None
        for prefix, namespace in self.prefixes.items():
            if iri.startswith(namespace) and len(iri) > len(namespace) and (
                    best is None or len(namespace) > len(self.prefixes[best])):
                best = prefix
        if best is None:
            return iri
        local = iri[len(self.prefixes[best]):]
        if local.startswith("//"):   # "p://x" would be read as an absolute IRI
            return iri
        return f"{best}:{local}"

    def _ref(self, node) -> str:
        return f"_:{node}" if isinstance(node, BNode) else self.iri(str(node))

    def _value_object(self, literal: Literal) -> dict | str:
        if literal.language:
            return {"@value": str(literal), "@language": literal.language}
        if literal.datatype is None or str(literal.datatype) == _STRING:
            return str(literal)
        return {"@value": str(literal), "@type": self.iri(str(literal.datatype))}

    def node(self, subject, pairs: Iterable[tuple[URIRef, object]]) -> dict:
        """The node object of ``subject`` with its (predicate, object) pairs (keys and values sorted)."""
        types: set[str] = set()
        values: dict[str, list] = {}
        maps: dict[str, dict[str, list[str]]] = {}
        for predicate, obj in pairs:
            p = str(predicate)
            terms = self.terms.get(p) or _Terms()
            if p == _TYPE and isinstance(obj, URIRef):
                types.add(self.iri(str(obj)))
            elif isinstance(obj, (URIRef, BNode)):
                if terms.iri:
                    values.setdefault(terms.iri, []).append(self._ref(obj))
                else:
                    values.setdefault(terms.plain or self.iri(p), []).append({"@id": self._ref(obj)})
            elif obj.language and terms.language:
                maps.setdefault(terms.language, {}).setdefault(obj.language, []).append(str(obj))
            elif obj.datatype is not None and str(obj.datatype) in terms.typed:
                values.setdefault(terms.typed[str(obj.datatype)], []).append(str(obj))
            else:
                values.setdefault(terms.plain or self.iri(p), []).append(self._value_object(obj))
        keyed: dict = {term: {lang: _one_or_many(sorted(texts)) for lang, texts in sorted(langs.items())}
                       for term, langs in maps.items()}
        for term, items in values.items():
            items = sorted(items, key=_sort_key)
            keyed[term] = items if term in self._set_terms else _one_or_many(items)
        out: dict = {"@id": self._ref(subject)}
        if types:
            out["@type"] = _one_or_many(sorted(types))
        out.update(sorted(keyed.items()))
        return out


def _one_or_many(items: list):
    return items[0] if len(items) == 1 else items


def _sort_key(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def grouped_by_subject(triples: Iterable[tuple]) -> Iterator[tuple[object, list[tuple]]]:
    """Consecutive triples of the same subject, as (subject, [(predicate, object), ...]).

    A subject that comes back later gives a second group: JSON-LD merges node objects
    with the same ``@id`` in one graph, so the result means the same.
    """
    current, pairs = None, []
    for s, p, o in triples:
        if pairs and s != current:
            yield current, pairs
            pairs = []
        current = s
        pairs.append((p, o))
    if pairs:
        yield current, pairs


class DocumentWriter:
    """Writes ``{"@context": ..., "@graph": [ {"@id": G, "@graph": [nodes]} ... ]}`` as it goes.

    ``context`` is written inline (a dict), or as a reference (an IRI string) that the
    reader resolves: only the web server publishes it, so files are inline by default.
    """

    def __init__(self, out: TextIO, compactor: Compactor, *, context: dict | str):
        self.out = out
        self.compactor = compactor
        self._graphs = 0
        self._nodes = 0
        out.write('{\n"@context": ')
        out.write(json.dumps(context, ensure_ascii=False, indent=None if isinstance(context, str) else 1))
        out.write(',\n"@graph": [')

    def start_graph(self, name: str) -> None:
        self.out.write(",\n" if self._graphs else "\n")
        self.out.write('{"@id": ' + json.dumps(self.compactor.iri(name)) + ', "@graph": [')
        self._graphs += 1
        self._nodes = 0

    def write_node(self, node: dict) -> None:
        self.out.write(",\n" if self._nodes else "\n")
        self.out.write(json.dumps(node, ensure_ascii=False))
        self._nodes += 1

    def end_graph(self) -> None:
        self.out.write("\n]}")

    def close(self) -> None:
        self.out.write("\n]\n}\n")
