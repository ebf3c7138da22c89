"""Deterministic Turtle for the files people edit: ontology/, shapes/, data/reference/, data/catalogue/.

The same graph always gives the same bytes, so reading a file and writing it back gives
the identical file, and one edit gives a diff of the lines it touches. The rules (also in
docs/ontology-editing.md, for people editing by hand):

- the file's leading comment block is kept verbatim, then one blank line;
- ``@prefix`` lines: the prefixes the file declares, sorted by name, nothing added;
- one block per subject, blocks separated by one blank line, sorted by section, then by
  the subject as written (prefixed name, or ``<iri>``); the ontology's sections have
  banners (``# ----- Classes (gsk:) -----``) regenerated from the kind of each subject;
- predicates in a fixed order: ``a`` first, then labels and definitions, then the axioms
  (sub-class, domain, range...), then the rest sorted by prefixed name, and ``sh:message``
  and ``rdfs:isDefinedBy`` last; the first predicate is on the subject's line, each other
  one on its own line indented by four spaces;
- objects sorted (IRIs by prefixed name, literals by language tag then text, blank nodes
  by their text); each object of a predicate on its own line (indented by eight spaces),
  except the types after ``a``, which share one line;
- blank nodes written inline on one line, ``[ p o ; p o ]``, and RDF lists as ``( ... )``
  (a list keeps its order: it is part of the data); a blank node that is the object of no
  triple is a block of its own, ``[] p o .``, sorted by its text;
- literals as the files have them: ``"..."@fr``, ``8`` (xsd:integer), ``7.5``
  (xsd:decimal), ``true``, ``"fr"^^xsd:language``; triple quotes only for text with line
  breaks; escapes as the Turtle specification gives them.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import NamedTuple

import rdflib
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS, VOID, XSD
from rdflib.term import Node

from .errors import InputError
from .namespaces import GSK, SH
from .rdfio import parse_file

#: Predicates written first, in this order (``a`` is rdf:type).
FIRST_PREDICATES: tuple[URIRef, ...] = (
    RDF.type, RDFS.label, SKOS.prefLabel, SKOS.altLabel, SH.name, SKOS.definition, SH.description,
    RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass, OWL.inverseOf, RDFS.domain, RDFS.range,
    SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.path, SH.prefix,
)
#: Predicates written last, in this order; every other one goes between, sorted by name.
LAST_PREDICATES: tuple[URIRef, ...] = (SH.message, RDFS.isDefinedBy)

BANNER_RULE = "# " + "-" * 75

_PREFIX_LINE = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*|)\s*:\s*<([^>]*)>\s*\.?\s*$",
                          re.IGNORECASE)
_LOCAL_NAME = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?$")
# Numbers are written bare only in the forms rdflib's parser keeps as they are: it reads
# `08`, `+5` or `.5` as "8", "5", "0.5", another RDF term than the one written.
_INTEGER = re.compile(r"^(?:0|-?[1-9][0-9]*)$")
_DECIMAL = re.compile(r"^-?(?:0|[1-9][0-9]*)\.[0-9]+$")
_DOUBLE = re.compile(r"^-?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)[eE][+-]?[0-9]+$")
_BARE = {XSD.integer: _INTEGER, XSD.decimal: _DECIMAL, XSD.double: _DOUBLE}
_NUMERIC = (XSD.integer, XSD.decimal, XSD.double)
_SHORT_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_IRI_FORBIDDEN = set('<>"{}|^`\\ ')


@dataclass(frozen=True)
class Section:
    """A part of a file: the subjects ``contains`` accepts, under a banner when ``title`` is set."""

    title: str | None
    contains: Callable[[Graph, Node], bool]


def _types(graph: Graph, subject: Node) -> set[Node]:
    return set(graph.objects(subject, RDF.type))


def _is_own(subject: Node) -> bool:
    return isinstance(subject, URIRef) and str(subject).startswith(str(GSK))


def _declared_as(kind: URIRef, *, own: bool) -> Callable[[Graph, Node], bool]:
    def contains(graph: Graph, subject: Node) -> bool:
        return isinstance(subject, URIRef) and _is_own(subject) == own and kind in _types(graph, subject)
    return contains


def _any_of(*kinds: URIRef) -> Callable[[Graph, Node], bool]:
    def contains(graph: Graph, subject: Node) -> bool:
        return isinstance(subject, URIRef) and bool(_types(graph, subject) & set(kinds))
    return contains


def _named(graph: Graph, subject: Node) -> bool:
    return isinstance(subject, URIRef)


def _blank(graph: Graph, subject: Node) -> bool:
    return isinstance(subject, BNode)


def _own_named(graph: Graph, subject: Node) -> bool:
    return _is_own(subject)


#: The ontology's sections, in file order; a subject goes to the first that accepts it.
ONTOLOGY_SECTIONS: tuple[Section, ...] = (
    Section("Ontology header", _any_of(OWL.Ontology)),
    Section("Classes (gsk:)", _declared_as(OWL.Class, own=True)),
    Section("External classes (declarations, with labels and definitions)", _declared_as(OWL.Class, own=False)),
    Section("Object properties (gsk:)", _declared_as(OWL.ObjectProperty, own=True)),
    Section("External object properties (declarations; SKOS inverse and sub-property axioms restated)",
            _declared_as(OWL.ObjectProperty, own=False)),
    Section("Datatype properties (gsk:)", _declared_as(OWL.DatatypeProperty, own=True)),
    Section("External datatype properties (declarations, with labels and definitions)",
            _declared_as(OWL.DatatypeProperty, own=False)),
    Section("Annotation properties (gsk:)", _declared_as(OWL.AnnotationProperty, own=True)),
    Section("Annotation properties (declarations)", _declared_as(OWL.AnnotationProperty, own=False)),
    Section("Individuals (gsk:)", _own_named),
    Section("Other resources", _named),
    Section("General axioms: disjoint classes, distinct individuals", _blank),
)

#: Shapes and data files: the description of the file itself (owl:Ontology, void:Dataset)
#: first, then every other subject, then blank-node subjects; no banners.
DATA_SECTIONS: tuple[Section, ...] = (
    Section(None, _any_of(OWL.Ontology, VOID.Dataset)),
    Section(None, _named),
    Section(None, _blank),
)

_ONTOLOGY_KINDS = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty}


def default_sections(graph: Graph) -> tuple[Section, ...]:
    """ONTOLOGY_SECTIONS for a graph that declares classes or properties, else DATA_SECTIONS."""
    if any(True for kind in _ONTOLOGY_KINDS for _ in graph.subjects(RDF.type, kind)):
        return ONTOLOGY_SECTIONS
    return DATA_SECTIONS


class TurtleFile(NamedTuple):
    """A Turtle file as read: its triples, its leading comment block and its declared prefixes."""

    graph: Graph
    header: str
    prefixes: dict[str, str]


def read_turtle_file(path: Path | str) -> TurtleFile:
    """Read a Turtle file: ``(graph, header, prefixes)``.

    ``header`` is the leading block of comment lines (and the blank lines between them),
    verbatim; ``prefixes`` the ``@prefix``/``PREFIX`` declarations, name -> namespace.

    :raises InputError: the file is missing or is not valid Turtle (file and line named).
    """
    path = Path(path)
    with lexical_forms_kept():
        graph = parse_file(path)
    text = path.read_text(encoding="utf-8")
    header_lines: list[str] = []
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            header_lines.append(line.rstrip())
            continue
        break
    while header_lines and not header_lines[-1]:
        header_lines.pop()
    prefixes = {}
    for line in text.splitlines():
        match = _PREFIX_LINE.match(line)
        if match:
            prefixes[match.group(1)] = match.group(2)
    return TurtleFile(graph, "\n".join(header_lines), prefixes)


@contextmanager
def lexical_forms_kept() -> Iterator[None]:
    """Within the block, rdflib keeps typed literals as written.

    rdflib rewrites a typed literal to its canonical form when it builds it (by default):
    ``"2026-11-29T00:00:00Z"^^xsd:dateTime`` would come back as ``...+00:00``, which is
    another RDF term, and a file read and written back would change. The switch is
    process-wide in rdflib, hence a short block around the parse only.
    """
    saved = rdflib.NORMALIZE_LITERALS
    rdflib.NORMALIZE_LITERALS = False
    try:
        yield
    finally:
        rdflib.NORMALIZE_LITERALS = saved


def write_turtle(graph: Graph, *, header: str, prefixes: dict[str, str],
                 sections: Sequence[Section] | None = None) -> str:
    """The canonical Turtle text of ``graph`` (see the module docstring for the rules).

    ``header`` is a block of ``#`` comment lines written first, verbatim; ``prefixes`` are
    the prefixes to declare (and the only ones used); ``sections`` default to
    ``default_sections(graph)``.

    :raises InputError: a blank node is the object of two triples, or blank nodes form a
        cycle: such a graph has no inline form (give the node an IRI).
    :raises ValueError: a header line is not a comment, or a subject fits no section.

    >>> from rdflib import Graph, Literal, URIRef
    >>> g = Graph()
    >>> _ = g.add((URIRef("https://w3id.org/genskills/id/step-a"),
    ...            URIRef("https://w3id.org/genskills/ontology#stepOrder"), Literal(1)))
    >>> print(write_turtle(g, header="# steps", prefixes={"gsk": "https://w3id.org/genskills/ontology#",
    ...                                                    "gskd": "https://w3id.org/genskills/id/"}), end="")
    # steps
    <BLANKLINE>
    @prefix gsk: <https://w3id.org/genskills/ontology#> .
    @prefix gskd: <https://w3id.org/genskills/id/> .
    <BLANKLINE>
    gskd:step-a gsk:stepOrder 1 .
    """
    for line in header.splitlines():
        if line.strip() and not line.startswith("#"):
            raise ValueError(f"header line is not a comment: {line!r}")
    writer = _Writer(graph, prefixes)
    chunks: list[str] = []
    if header.strip():
        chunks.append(header.rstrip("\n") + "\n")
    if prefixes:
        chunks.append("".join(f"@prefix {name}: <{iri}> .\n" for name, iri in sorted(prefixes.items())))
    chunks.extend(writer.sections(sections if sections is not None else default_sections(graph)))
    return "\n".join(chunks)


def save_turtle_file(path: Path | str, text: str) -> None:
    """Write ``text`` to ``path`` atomically: a temporary file beside it, then a rename.

    A reader sees the old file or the new one, never half of one.
    """
    path = Path(path)
    handle = tempfile.NamedTemporaryFile("w", encoding="utf-8", newline="\n", dir=path.parent,
                                         prefix=f".{path.name}.", suffix=".tmp", delete=False)
    try:
        with handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(handle.name, path.stat().st_mode & 0o777)
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


class _Writer:
    """Renders one graph; knows its prefixes, its blank nodes and its RDF lists."""

    def __init__(self, graph: Graph, prefixes: dict[str, str]):
        self.graph = graph
        # Longest namespace first, so that the most specific prefix wins.
        self.namespaces = sorted(((iri, name) for name, iri in prefixes.items() if iri),
                                 key=lambda item: (-len(item[0]), item[1]))
        self.uses = Counter(o for o in graph.objects() if isinstance(o, BNode))
        shared = sorted(str(b) for b, n in self.uses.items() if n > 1)
        if shared:
            raise InputError(f"{len(shared)} blank node(s) are the object of more than one triple, which "
                             "Turtle cannot write inline: give them IRIs")
        self.lists = self._find_lists()
        self.written: set[BNode] = set()

    # -- names -----------------------------------------------------------------

    def iri(self, iri: URIRef) -> str:
        text = str(iri)
        for namespace, name in self.namespaces:
            if text.startswith(namespace):
                local = text[len(namespace):]
                if _LOCAL_NAME.match(local):
                    return f"{name}:{local}"
        escaped = "".join(f"\\u{ord(c):04X}" if c in _IRI_FORBIDDEN or ord(c) < 0x20 else c for c in text)
        return f"<{escaped}>"

    def predicate(self, predicate: URIRef) -> str:
        return "a" if predicate == RDF.type else self.iri(predicate)

    def predicate_key(self, predicate: URIRef) -> tuple:
        if predicate in FIRST_PREDICATES:
            return (0, FIRST_PREDICATES.index(predicate), "")
        if predicate in LAST_PREDICATES:
            return (2, LAST_PREDICATES.index(predicate), "")
        return (1, 0, self.iri(predicate))

    # -- terms -----------------------------------------------------------------

    def literal(self, literal: Literal) -> str:
        text = str(literal)
        if literal.language:
            return _quote(text) + "@" + literal.language
        datatype = literal.datatype
        if datatype is None:
            return _quote(text)
        if datatype in _BARE and _BARE[datatype].match(text):
            return text
        if datatype == XSD.boolean and text in ("true", "false"):
            return text
        return _quote(text) + "^^" + self.iri(datatype)

    def term(self, node: Node) -> str:
        if isinstance(node, URIRef):
            return "()" if node == RDF.nil else self.iri(node)
        if isinstance(node, Literal):
            return self.literal(node)
        if isinstance(node, BNode):
            self.written.add(node)
            if node in self.lists:
                items, cells = self.lists[node]
                self.written.update(cells)
                return "( " + " ".join(self.term(item) for item in items) + " )"
            inside = " ; ".join(self.predicate_objects(node, inline=True))
            return f"[ {inside} ]" if inside else "[]"
        raise TypeError(f"cannot write {node!r} in Turtle")

    def object_key(self, node: Node) -> tuple:
        if isinstance(node, URIRef):
            return (0, self.term(node), "", "", "")
        if isinstance(node, Literal):
            datatype = self.iri(node.datatype) if node.datatype else ""
            return (1, node.language or "", datatype, _number(node), str(node))
        return (2, self.term(node), "", "", "")

    def predicate_objects(self, subject: Node, *, inline: bool) -> list[str]:
        """``p o1, o2`` for each predicate of ``subject``, in the canonical order."""
        by_predicate: dict[URIRef, list[Node]] = {}
        for p, o in self.graph.predicate_objects(subject):
            by_predicate.setdefault(p, []).append(o)
        parts = []
        for predicate in sorted(by_predicate, key=self.predicate_key):
            objects = sorted(by_predicate[predicate], key=self.object_key)
            rendered = [self.term(o) for o in objects]
            separator = ", " if inline or predicate == RDF.type else ",\n        "
            parts.append(f"{self.predicate(predicate)} {separator.join(rendered)}")
        return parts

    def block(self, subject: Node) -> str:
        name = "[]" if isinstance(subject, BNode) else self.term(subject)
        return name + " " + " ;\n    ".join(self.predicate_objects(subject, inline=False)) + " .\n"

    # -- layout ----------------------------------------------------------------

    def sections(self, sections: Sequence[Section]) -> list[str]:
        top = [s for s in set(self.graph.subjects())
               if isinstance(s, URIRef) or (isinstance(s, BNode) and s not in self.uses and s not in self.lists)]
        placed: list[list[tuple[str, str]]] = [[] for _ in sections]
        for subject in top:
            index = next((i for i, section in enumerate(sections) if section.contains(self.graph, subject)), None)
            if index is None:
                raise ValueError(f"no section of the file accepts the subject {subject}")
            text = self.block(subject)
            key = text if isinstance(subject, BNode) else self.term(subject)
            placed[index].append((key, text))
        unreached = {b for b in self.graph.subjects() if isinstance(b, BNode)} - self.written - set(
            s for s in top if isinstance(s, BNode))
        if unreached:
            raise InputError(f"{len(unreached)} blank node(s) form a cycle that Turtle cannot write inline: "
                             "give one of them an IRI")
        chunks = []
        for section, blocks in zip(sections, placed):
            if not blocks:
                continue
            if section.title:
                chunks.append(f"{BANNER_RULE}\n# {section.title}\n{BANNER_RULE}\n")
            chunks.extend(text for _, text in sorted(blocks))
        return chunks

    def _find_lists(self) -> dict[BNode, tuple[list[Node], set[BNode]]]:
        """Well-formed RDF lists (``( a b c )``), keyed by their first node.

        A node belongs to a list when it has exactly one rdf:first, one rdf:rest and
        nothing else, and is the object of exactly one triple; anything else is written
        as ordinary blank nodes, so that no triple is lost.
        """
        def is_cell(node: Node) -> bool:
            if not isinstance(node, BNode) or self.uses.get(node, 0) != 1:
                return False
            predicates = [p for p, _ in self.graph.predicate_objects(node)]
            return sorted(predicates) == sorted([RDF.first, RDF.rest])

        lists: dict[BNode, tuple[list[Node], set[BNode]]] = {}
        for head in {s for s in self.graph.subjects(RDF.first, None)}:
            if not is_cell(head) or any(True for _ in self.graph.subjects(RDF.rest, head)):
                continue
            items, node, seen = [], head, set()
            while node != RDF.nil:
                if not is_cell(node) or node in seen:
                    break
                seen.add(node)
                items.append(self.graph.value(node, RDF.first))
                node = self.graph.value(node, RDF.rest)
            else:
                lists[head] = (items, seen)
        return lists


def _number(literal: Literal) -> Decimal:
    if literal.datatype in _NUMERIC:
        try:
            value = Decimal(str(literal))
            if value.is_finite():
                return value
        except InvalidOperation:
            pass
    return Decimal(0)


def _quote(text: str) -> str:
    """A Turtle string: short form unless the text has line breaks."""
    if "\n" not in text:
        return '"' + "".join(_SHORT_ESCAPES.get(c) or _control(c) for c in text) + '"'
    body = text.replace("\\", "\\\\").replace("\r", "\\r")
    out = []
    for i, char in enumerate(body):
        # A quote may stand unescaped inside triple quotes unless it would end them.
        if char == '"' and (i + 1 == len(body) or body[i + 1] == '"'):
            out.append('\\"')
        elif char not in "\n\t":
            out.append(_control(char))
        else:
            out.append(char)
    return '"""' + "".join(out) + '"""'


def _control(char: str) -> str:
    return f"\\u{ord(char):04X}" if ord(char) < 0x20 or ord(char) == 0x7F else char


def canonical_text(path: Path | str) -> str:
    """The canonical text of the Turtle file at ``path`` (its triples, header and prefixes kept).

    :raises InputError: the file is missing or is not valid Turtle.
    """
    graph, header, prefixes = read_turtle_file(path)
    return write_turtle(graph, header=header, prefixes=prefixes)


def normalise_turtle_file(path: Path | str) -> bool:
    """Rewrite the file at ``path`` in the canonical layout; True when its bytes changed.

    :raises InputError: the file is missing or is not valid Turtle.
    """
    path = Path(path)
    text = canonical_text(path)
    if path.read_bytes() == text.encode("utf-8"):
        return False
    save_turtle_file(path, text)
    return True
