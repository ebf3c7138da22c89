"""SHACL validation compiled to SPARQL SELECT queries that the store runs over its named graphs.

Why: pySHACL walks an in-memory rdflib graph node by node (seconds for 10k triples); a
catalogue of 100,000 courses needs the store's indexes and joins. ``compile_shapes`` reads the
shapes graph once and refuses what it cannot translate (``ShapesNotCompiledError``: fall back
on pySHACL); ``CompiledShapes.validate`` writes the queries for one data graph and turns their
rows into the same ``ValidationReport`` as ``validation.validate``.

How the queries are written, and why:

* The data graph is a set of named graphs, and every triple pattern is ``GRAPH ?g {...}``.
  ``FROM`` cannot say which graphs: ``OxigraphStore.query`` sets
  ``use_default_graph_as_union``, and Oxigraph then ignores ``FROM``, so the derived graph
  (inverse links, super-classes) would leak in. ``FROM NAMED`` is obeyed, but makes every
  lookup visit each graph (3-4 times slower). So each validation first lists the store's
  other graphs and which of the predicates in use they hold: a pattern on a predicate that
  no other graph holds needs nothing more (the usual case); another is kept to the data
  graphs, by ``VALUES ?g`` when scanned, by a FILTER on ``?g`` when looked up.
* A pattern inside ``GRAPH`` sees one graph at a time, so a transitive path (``*``, ``+``,
  ``?``) cannot span graphs: such paths are refused. ``rdfs:subClassOf*`` (SHACL instances)
  is read once per validation and written out as the list of subclasses.
* Oxigraph joins from the smallest pattern, with an index lookup per row (tens of
  microseconds), or by hashing a sub-query it evaluates once. A check on few focus nodes
  (``focus=``, or a small target) is therefore *correlated*: the focus nodes come first and
  each condition is a lookup (``EXISTS``). A check on a large target is *set-wise*: a value
  that must exist is an anti-join (``MINUS``, hashed once); a value that must not exist, or a
  count not to exceed, is found by scanning the values, and only the few nodes found are
  tested against the target; what has neither plan (``sh:xone``) gets one boolean column per
  condition, from sub-queries grouped by node and joined (``OPTIONAL``).

Evaluation follows the SHACL 1.0 recommendation; where pySHACL (the reference of the tests)
differs, the difference is named where it matters below.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.collection import Collection as RdfList
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.paths import AlternativePath, InvPath, SequencePath
from rdflib.term import Node

from .errors import QueryError, ShapesNotCompiledError
from .namespaces import SH, compact
from .results import ntriples_term
from .safety import is_absolute_iri
from .validation import INFO, VIOLATION, WARNING, Locator, ValidationReport, ValidationResult

#: Targets above this size are checked set-wise, below it node by node (see the module doc).
SETWISE_ABOVE = 5000

_SEVERITY = {SH.Violation: VIOLATION, SH.Warning: WARNING, SH.Info: INFO}
#: The order of validation.validate's reports, so that both validators read the same.
_ORDER = {VIOLATION: 0, WARNING: 1, INFO: 2}


# ---------------------------------------------------------------------------------
# Public API


def compile_shapes(shapes: Graph) -> CompiledShapes:
    """The checks of ``shapes``, ready to run as SPARQL on any store.

    :raises ShapesNotCompiledError: the shapes use a feature this module does not
        translate; the message names the shape and the feature.

    >>> from genskills.store import OxigraphStore
    >>> shapes = Graph().parse(format="turtle", data='''@prefix sh: <http://www.w3.org/ns/shacl#> .
    ...     <urn:x:s> sh:targetNode <urn:x:n> ; sh:class <urn:x:C> .''')
    >>> report = compile_shapes(shapes).validate(OxigraphStore(), ["urn:x:data"])
    >>> [(r.focus, r.constraint) for r in report.results]
    [('urn:x:n', 'sh:ClassConstraintComponent')]
    """
    reader = _ShapesReader(shapes)
    checks = tuple(reader.checks())
    return CompiledShapes(shapes, checks, frozenset(reader.predicates))


@dataclass(frozen=True)
class CompiledShapes:
    """The shapes graph and the checks compiled from it."""

    shapes: Graph
    checks: tuple[_Check, ...]
    #: Every predicate IRI the queries use, as SPARQL text (<...>).
    predicates: frozenset[str]
    #: Query texts already written, per data graph (see _Context.cached).
    _texts: dict = field(default_factory=dict, compare=False, repr=False)

    def validate(self, store, graphs: Sequence[str], *, focus: Collection[str] | None = None,
                 locate: Locator | None = None) -> ValidationReport:
        """Validate the union of the named ``graphs`` of ``store`` (no inference).

        ``focus`` restricts the validation to those focus nodes (IRIs): the results are
        exactly those of a full validation on these nodes. ``locate`` maps a focus node to
        the file and line where it is defined.

        :raises QueryError: a graph name or a focus node is not an absolute IRI.
        """
        context = _Context.read(store, graphs, focus, self.predicates, self._texts)
        found: list[_Found] = []
        checks = self.checks
        if focus is not None:
            # Only the checks of the shapes that target one of the focus nodes.
            reached = context.routes_reaching_focus({_route_key(c.route): c.route for c in checks})
            checks = [c for c in checks if _route_key(c.route) in reached]
        for check in checks:
            found.extend(check.run(context))
        return _report(found, self.shapes, locate)


# ---------------------------------------------------------------------------------
# Reading the shapes graph

_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
#: Component parameters: the value nodes' own conditions, the counts on the focus node, and
#: the components whose results are rows of their own (one per language, value or pair).
_COMPONENT_NAMES = {
    SH["class"]: "Class", SH.datatype: "Datatype", SH.nodeKind: "NodeKind", SH.minInclusive: "MinInclusive",
    SH.maxInclusive: "MaxInclusive", SH.minExclusive: "MinExclusive", SH.maxExclusive: "MaxExclusive",
    SH.minLength: "MinLength", SH.maxLength: "MaxLength", SH.pattern: "Pattern", SH.languageIn: "LanguageIn",
    SH["in"]: "In", SH.node: "Node", SH["or"]: "Or", SH["and"]: "And", SH["not"]: "Not", SH.xone: "Xone",
}
_VALUE_PARAMETERS = tuple(_COMPONENT_NAMES)
_COUNT_PARAMETERS = (SH.minCount, SH.maxCount, SH.qualifiedValueShape)
_ROW_PARAMETERS = (SH.uniqueLang, SH.equals, SH.disjoint, SH.lessThan, SH.lessThanOrEquals)
_SUPPORTED = {
    *_TARGETS, *_VALUE_PARAMETERS, *_COUNT_PARAMETERS, *_ROW_PARAMETERS, SH.hasValue, SH.flags,
    SH.qualifiedMinCount, SH.qualifiedMaxCount, SH.qualifiedValueShapesDisjoint,
    SH.path, SH.inversePath, SH.alternativePath, SH.property, SH.sparql, SH.select, SH.prefixes,
    SH.declare, SH.prefix, SH.namespace, SH.deactivated, SH.severity, SH.message,
    # Only describe or lay out shapes: no effect on validation.
    SH.name, SH.description, SH.order, SH.group, SH.defaultValue,
}
_NODE_KINDS = {
    SH.IRI: "isIRI({0})", SH.BlankNode: "isBlank({0})", SH.Literal: "isLiteral({0})",
    SH.BlankNodeOrIRI: "(isBlank({0}) || isIRI({0}))", SH.BlankNodeOrLiteral: "(isBlank({0}) || isLiteral({0}))",
    SH.IRIOrLiteral: "(isIRI({0}) || isLiteral({0}))",
}
#: Datatypes whose lexical form Oxigraph checks: casting an ill-typed literal (such as
#: "abc"^^xsd:integer) fails, so the literal does not match (SHACL 4.2.2, as in pySHACL).
_CHECKED_DATATYPES = {XSD.integer, XSD.decimal, XSD.double, XSD.float, XSD.boolean, XSD.date,
                      XSD.dateTime, XSD.time}


@dataclass(frozen=True)
class _Path:
    """A SHACL property path: a predicate, or an inverse, sequence or alternative of paths."""

    node: Node                          # the path in the shapes graph (for sh:resultPath)
    op: str                             # "iri", "inverse", "sequence" or "alternative"
    parts: tuple[_Path, ...] = ()


@dataclass(frozen=True)
class _Component:
    """One constraint component of a shape: sh:XxxConstraintComponent and its parameters."""

    iri: URIRef
    args: tuple


@dataclass(eq=False)
class _Shape:
    """A shape as read: what it targets, its path, and its components by how they are checked."""

    node: Node
    path: _Path | None
    severity: URIRef
    messages: tuple[Literal, ...]
    deactivated: bool
    targets: dict[URIRef, tuple[Node, ...]]
    values: list[_Component] = field(default_factory=list)     # on each value node
    counts: list[_Component] = field(default_factory=list)     # on each focus node
    rows: list[_Component] = field(default_factory=list)       # one result per row found
    properties: list[_Shape] = field(default_factory=list)
    sparql: list[_SparqlConstraint] = field(default_factory=list)


def _describe(graph: Graph, node: Node) -> str:
    """A shape or node as a reader finds it in the shapes file: its IRI, or its owner's."""
    if isinstance(node, URIRef):
        return compact(str(node))
    seen, todo = {node}, [node]
    while todo:
        current = todo.pop(0)
        for owner in graph.subjects(None, current):
            if isinstance(owner, URIRef):
                return f"a blank node of {compact(str(owner))}"
            if owner not in seen:
                seen.add(owner)
                todo.append(owner)
    return "a blank node"


def _refuse_unsupported(graph: Graph) -> None:
    """Name the first SHACL predicate of ``graph`` that this module does not translate."""
    for subject, predicate in sorted({(s, p) for s, p, _ in graph if str(p).startswith(str(SH))},
                                     key=lambda sp: (str(sp[1]), str(sp[0]))):
        if predicate not in _SUPPORTED:
            raise ShapesNotCompiledError(
                f"shape {_describe(graph, subject)} uses {compact(str(predicate))}, which the "
                "SPARQL-compiled validator does not handle")


class _ShapesReader:
    """Reads shapes, paths and components; each shape once, refusing recursion."""

    def __init__(self, graph: Graph):
        self.graph = graph
        self._shapes: dict[Node, _Shape] = {}
        self._reading: set[Node] = set()
        self._implicit = self._implicit_class_targets()
        self.predicates: set[str] = {f"<{RDF.type}>", f"<{RDFS.subClassOf}>"}

    def fail(self, node: Node, what: str) -> ShapesNotCompiledError:
        return ShapesNotCompiledError(f"shape {_describe(self.graph, node)}: {what}")

    def checks(self) -> list[_Check]:
        _refuse_unsupported(self.graph)
        checks: list[_Check] = []
        by_focus: dict[tuple, tuple[tuple[_Shape, ...], list]] = {}
        for root in sorted(self._roots(), key=str):
            shape = self.shape(root)
            if not shape.deactivated:
                self._add_checks((shape,), checks, by_focus)
        # Shapes with the same focus nodes share one query for their conditions on them.
        checks += [_FocusCheck(route, tuple(items)) for route, items in by_focus.values()]
        return checks

    def _roots(self) -> set[Node]:
        return {s for p in _TARGETS for s in self.graph.subjects(p, None)} | self._implicit

    def _implicit_class_targets(self) -> set[Node]:
        """Shapes that are also classes target their instances (SHACL 2.1.3.3)."""
        graph = self.graph
        class_types = {RDFS.Class, *graph.subjects(RDFS.subClassOf, RDFS.Class)}
        return {s for kind in (SH.NodeShape, SH.PropertyShape) for s in graph.subjects(RDF.type, kind)
                if isinstance(s, URIRef) and any((s, RDF.type, c) in graph for c in class_types)}

    def _add_checks(self, route: tuple[_Shape, ...], checks: list[_Check],
                    by_focus: dict[tuple, tuple[tuple[_Shape, ...], list]]) -> None:
        shape = route[-1]
        on_focus = shape.counts if shape.path is not None else shape.values
        if on_focus:
            by_focus.setdefault(_route_key(route), (route, []))[1].extend((shape, c) for c in on_focus)
        if shape.path is not None and shape.values:
            checks.append(_ValueCheck(route, tuple(shape.values)))
        checks.extend(_RowCheck(route, component) for component in shape.rows)
        checks.extend(_SparqlCheck(route, constraint) for constraint in shape.sparql
                      if not constraint.deactivated)
        for child in shape.properties:
            if child.deactivated:
                continue
            if any(child is earlier for earlier in route):
                raise self.fail(child.node, "its sh:property shapes refer back to it (recursive shapes)")
            self._add_checks((*route, child), checks, by_focus)

    # -- shapes ---------------------------------------------------------------------

    def shape(self, node: Node) -> _Shape:
        if node in self._shapes:
            return self._shapes[node]
        if node in self._reading:
            raise self.fail(node, "it refers to itself through sh:node, sh:or, sh:and, sh:not, "
                                  "sh:xone or sh:qualifiedValueShape (recursive shapes)")
        if isinstance(node, Literal):
            raise self.fail(node, f"a literal ({node}) is used as a shape")
        self._reading.add(node)
        try:
            shape = self._read(node)
        finally:
            self._reading.discard(node)
        self._shapes[node] = shape
        return shape

    def one(self, node: Node, predicate: URIRef) -> Node | None:
        values = list(self.graph.objects(node, predicate))
        if len(values) > 1:
            raise self.fail(node, f"{compact(str(predicate))} has {len(values)} values, SHACL allows one")
        return values[0] if values else None

    def _read(self, node: Node) -> _Shape:
        graph = self.graph
        path_node = self.one(node, SH.path)
        targets = {p: tuple(sorted(graph.objects(node, p), key=str)) for p in _TARGETS}
        for predicate in (*targets[SH.targetSubjectsOf], *targets[SH.targetObjectsOf]):
            self.predicates.add(self.term(node, predicate))
        for value in (*targets[SH.targetClass], *targets[SH.targetNode]):
            self.term(node, value)   # refused now rather than when a query is written
        if node in self._implicit:
            targets[SH.targetClass] = tuple(sorted({*targets[SH.targetClass], node}, key=str))
        deactivated = self.one(node, SH.deactivated)
        shape = _Shape(
            node=node,
            path=self.path(path_node, node) if path_node is not None else None,
            severity=self.one(node, SH.severity) or SH.Violation,
            messages=tuple(graph.objects(node, SH.message)),
            deactivated=isinstance(deactivated, Literal) and deactivated.value is True,
            targets=targets,
        )
        for predicate in _VALUE_PARAMETERS:
            for value in sorted(graph.objects(node, predicate), key=str):
                shape.values.append(self.value_component(node, predicate, value))
        for value in sorted(graph.objects(node, SH.hasValue), key=str):
            # On a node shape the value node is the focus node itself (SHACL 4.8.2).
            target = shape.counts if shape.path is not None else shape.values
            target.append(_Component(SH.HasValueConstraintComponent, (self.term(node, value),)))
        for predicate in _COUNT_PARAMETERS + _ROW_PARAMETERS:
            if (node, predicate, None) in graph and shape.path is None:
                raise self.fail(node, f"{compact(str(predicate))} needs a property shape (sh:path)")
        for predicate, name in ((SH.minCount, "MinCount"), (SH.maxCount, "MaxCount")):
            value = self.one(node, predicate)
            if value is not None:
                shape.counts.append(_Component(SH[f"{name}ConstraintComponent"], (self.integer(node, value),)))
        for value in sorted(graph.objects(node, SH.qualifiedValueShape), key=str):
            shape.counts.extend(self.qualified(node, value))
        self.row_components(node, shape)
        for child in sorted(graph.objects(node, SH.property), key=str):
            prop = self.shape(child)
            if prop.path is None:
                raise self.fail(child, "a shape given by sh:property needs a sh:path")
            shape.properties.append(prop)
        for constraint in sorted(graph.objects(node, SH.sparql), key=str):
            shape.sparql.append(_SparqlConstraint.read(self, node, constraint, shape.path))
        return shape

    def term(self, node: Node, value: Node) -> str:
        """``value`` as a SPARQL term; a blank node cannot be one (it would be a variable)."""
        if isinstance(value, BNode):
            raise self.fail(node, "a blank node is used as a value (it cannot be written in SPARQL)")
        return _sparql_term(value, lambda what: self.fail(node, what))

    def integer(self, node: Node, value: Node) -> int:
        if not isinstance(value, Literal) or not isinstance(value.value, int) or isinstance(value.value, bool):
            raise self.fail(node, f"{value} is not an integer")
        return value.value

    def members(self, node: Node, head: Node) -> list[Node]:
        try:
            return list(RdfList(self.graph, head))
        except Exception as exc:  # rdflib raises various errors for a broken list
            raise self.fail(node, f"a malformed RDF list ({exc})") from exc

    def value_component(self, node: Node, predicate: URIRef, value: Node) -> _Component:
        iri = SH[f"{_COMPONENT_NAMES[predicate]}ConstraintComponent"]
        if predicate in (SH["class"], SH.datatype):
            if not isinstance(value, URIRef):
                raise self.fail(node, f"{compact(str(predicate))} must be an IRI")
            return _Component(iri, (value, self.term(node, value)))
        if predicate == SH.nodeKind:
            if value not in _NODE_KINDS:
                raise self.fail(node, f"unknown sh:nodeKind {value}")
            return _Component(iri, (value,))
        if predicate in (SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive):
            if not isinstance(value, Literal):
                raise self.fail(node, f"{compact(str(predicate))} must be a literal")
            return _Component(iri, (self.term(node, value),))
        if predicate in (SH.minLength, SH.maxLength):
            return _Component(iri, (self.integer(node, value),))
        if predicate == SH.pattern:
            flags = self.one(node, SH.flags)
            # SPARQL's REGEX is XPath's: no lookaround, no backreference, flags among "smixq".
            # A pattern beyond it would fail on every value at run time; pySHACL (Python re)
            # would accept it, so it goes there.
            if re.search(r"\(\?[=!<]|\\[1-9]", str(value)) or not re.fullmatch(r"[smixq]*", str(flags or "")):
                raise self.fail(node, f"sh:pattern {str(value)!r} (flags {flags!r}) is beyond SPARQL's REGEX")
            return _Component(iri, (self.term(node, Literal(str(value))),
                                    self.term(node, Literal(str(flags))) if flags is not None else None))
        if predicate == SH.languageIn:
            return _Component(iri, tuple(self.term(node, Literal(str(v))) for v in self.members(node, value)))
        if predicate == SH["in"]:
            return _Component(iri, tuple(self.term(node, v) for v in self.members(node, value)))
        if predicate in (SH.node, SH["not"]):
            return _Component(iri, (self.shape(value),))
        return _Component(iri, tuple(self.shape(v) for v in self.members(node, value)))  # or, and, xone

    def qualified(self, node: Node, value_shape: Node) -> list[_Component]:
        minimum, maximum = self.one(node, SH.qualifiedMinCount), self.one(node, SH.qualifiedMaxCount)
        disjoint = self.one(node, SH.qualifiedValueShapesDisjoint)
        siblings: tuple[_Shape, ...] = ()
        if isinstance(disjoint, Literal) and disjoint.value is True:
            # SHACL 4.7.3: the qualified value shapes of the other property shapes of the parents.
            siblings = tuple(self.shape(s) for s in sorted(
                {s for parent in self.graph.subjects(SH.property, node)
                 for other in self.graph.objects(parent, SH.property)
                 for s in self.graph.objects(other, SH.qualifiedValueShape)} - {value_shape}, key=str))
        shape = self.shape(value_shape)
        found = []
        if minimum is not None:
            found.append(_Component(SH.QualifiedMinCountConstraintComponent,
                                    (shape, siblings, self.integer(node, minimum))))
        if maximum is not None:
            found.append(_Component(SH.QualifiedMaxCountConstraintComponent,
                                    (shape, siblings, self.integer(node, maximum))))
        return found

    def row_components(self, node: Node, shape: _Shape) -> None:
        unique = self.one(node, SH.uniqueLang)
        if isinstance(unique, Literal) and unique.value is True:
            shape.rows.append(_Component(SH.UniqueLangConstraintComponent, ()))
        for predicate, name in ((SH.equals, "Equals"), (SH.disjoint, "Disjoint"), (SH.lessThan, "LessThan"),
                                (SH.lessThanOrEquals, "LessThanOrEquals")):
            for other in sorted(self.graph.objects(node, predicate), key=str):
                if not isinstance(other, URIRef):
                    raise self.fail(node, f"{compact(str(predicate))} must be an IRI")
                shape.rows.append(_Component(SH[f"{name}ConstraintComponent"], (self.path(other, node),)))

    # -- paths ----------------------------------------------------------------------

    def path(self, node: Node, shape: Node) -> _Path:
        graph = self.graph
        if isinstance(node, URIRef):
            self.predicates.add(self.term(shape, node))
            return _Path(node, "iri")
        if isinstance(node, BNode):
            if (node, RDF.first, None) in graph:
                return _Path(node, "sequence", tuple(self.path(p, shape) for p in self.members(shape, node)))
            inverse = self.one(node, SH.inversePath)
            if inverse is not None:
                return _Path(node, "inverse", (self.path(inverse, shape),))
            alternatives = self.one(node, SH.alternativePath)
            if alternatives is not None:
                return _Path(node, "alternative",
                             tuple(self.path(p, shape) for p in self.members(shape, alternatives)))
        raise self.fail(shape, f"unsupported or malformed sh:path ({node})")


def _route_key(route: tuple[_Shape, ...]) -> tuple:
    """What decides the focus nodes of a route: its first shape's targets, the paths after."""
    return (tuple((p, route[0].targets[p]) for p in _TARGETS),
            tuple(s.path.node for s in route[:-1] if s.path is not None))


def _sparql_term(value: Node, fail: Callable[[str], Exception]) -> str:
    """An IRI or literal in SPARQL syntax, refusing what would change the text around it."""
    if isinstance(value, URIRef):
        if not is_absolute_iri(str(value)):
            raise fail(f"the IRI {str(value)!r} cannot be written in SPARQL")
        return f"<{value}>"
    if isinstance(value, Literal):
        if value.datatype is not None and not is_absolute_iri(str(value.datatype)):
            raise fail(f"the datatype IRI {str(value.datatype)!r} cannot be written in SPARQL")
        return ntriples_term(value)
    raise fail(f"{value!r} cannot be written as a SPARQL term")


# ---------------------------------------------------------------------------------
# The data graph of one validation


@dataclass
class _Context:
    """What a validation's queries depend on: the graphs, the class hierarchy, the focus."""

    store: object
    requested: tuple[str, ...]
    #: The focus nodes as VALUES rows; the queries hold _FOCUS in their place, so that
    #: their text does not depend on them and is written once (see cached).
    focus_values: str | None
    #: Named graphs of the store outside the data graph, and for each predicate those of
    #: them that hold it: only those must be kept out (see in_data_graph).
    listed: bool = False
    others: tuple[str, ...] = ()
    excluded: dict[str, tuple[str, ...]] = field(default_factory=dict)
    checked: frozenset[str] = frozenset()
    subclasses: dict[str, tuple[str, ...]] = field(default_factory=dict)
    setwise: dict[tuple, bool] = field(default_factory=dict)
    texts: dict = field(default_factory=dict)

    @classmethod
    def read(cls, store, graphs: Sequence[str], focus: Collection[str] | None,
             predicates: Collection[str], texts: dict | None = None) -> _Context:
        for graph in graphs:
            if not is_absolute_iri(graph):
                raise QueryError(f"{graph!r} is not a graph name (an absolute IRI)")
        focus_values = None
        if focus is not None:
            for node in focus:
                if not is_absolute_iri(node):
                    raise QueryError(f"{node!r} is not a focus node (an absolute IRI)")
            focus_values = " ".join(f"<{node}>" for node in sorted(set(focus)))
        context = cls(store, tuple(dict.fromkeys(graphs)), focus_values)
        context._read_other_graphs(predicates)
        context.subclasses = context._read_subclasses()
        if texts is not None and focus is not None:
            # Texts are kept only for focused validations, whose cost they are a good part
            # of; they hold for a data graph with the same graphs, exclusions and classes.
            signature = (context.requested, context.listed, context.others, tuple(sorted(context.excluded.items())),
                         tuple(sorted(context.subclasses.items())))
            if signature not in texts and len(texts) >= 8:
                texts.clear()
            context.texts = texts.setdefault(signature, {})
        return context

    def cached(self, check: object, write: Callable[[], list[tuple[object, str]]]) -> list[tuple[object, str]]:
        if check not in self.texts:
            self.texts[check] = write()
        return self.texts[check]

    def query(self, sparql: str):
        if self.focus_values is not None:
            sparql = sparql.replace(_FOCUS, self.focus_values)
        return self.store.query(sparql)

    def routes_reaching_focus(self, routes: dict[tuple, tuple[_Shape, ...]]) -> set[tuple]:
        """The keys of the ``routes`` whose focus nodes include one of the focus nodes."""
        keys = list(routes)

        def write() -> list[tuple[object, str]]:
            query = _Query(self)
            branches = [f"{{ VALUES ?this {{ {_FOCUS} }} {query.route(routes[k], '?this', bound=True)} BIND({i} AS ?k) }}"
                        for i, k in enumerate(keys)]
            return [(None, f"SELECT DISTINCT ?k WHERE {{ {' UNION '.join(branches)} }}")]
        (_, sparql), = self.cached(("routes", tuple(keys)), write)
        return {keys[int(k)] for (k,) in self.query(sparql).rows}

    def _read_other_graphs(self, predicates: Collection[str]) -> None:
        names = self.store.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }").column("g")
        others = sorted({n for n in names if str(n) not in self.requested}, key=str)
        if any(not (isinstance(n, URIRef) and is_absolute_iri(str(n))) for n in others):
            return   # a graph that cannot be listed: restrict every pattern to the data graph
        self.listed = True
        self.others = tuple(str(n) for n in others)
        self.checked = frozenset(p for p in predicates if p.startswith("<"))
        if self.others and self.checked:
            rows = self.store.query(
                f"SELECT DISTINCT ?p ?g WHERE {{ VALUES ?g {{ {' '.join(f'<{g}>' for g in self.others)} }} "
                f"VALUES ?p {{ {' '.join(sorted(self.checked))} }} FILTER EXISTS {{ GRAPH ?g {{ ?s ?p ?o }} }} }}").rows
            for predicate, graph in rows:
                key = f"<{predicate}>"
                self.excluded[key] = tuple(sorted((*self.excluded.get(key, ()), str(graph))))

    def in_data_graph(self, g: str, predicate: str, pattern: str, *, scan: bool) -> str:
        """``pattern`` (``GRAPH g {...}``) kept inside the data graph.

        Only the graphs outside the data graph that hold the predicate need keeping out: for
        most predicates none does, and the pattern costs nothing more. Otherwise a scan
        reads the data graphs one by one (VALUES), never the triples it would drop; a
        lookup (a bound subject or object) filters the graph of the few triples it finds.
        """
        if not self.listed:
            others = None
        elif predicate in self.checked:
            others = self.excluded.get(predicate, ())
        else:   # a variable predicate: any other graph may hold a match
            others = self.others
        if others == ():
            return pattern
        requested = ", ".join(f"<{r}>" for r in self.requested)
        if scan:
            return f"VALUES {g} {{ {requested.replace(', ', ' ')} }} {pattern}"
        if others is None or len(others) > len(self.requested):
            return f"{pattern} FILTER({g} IN ({requested}))"
        return f"{pattern} FILTER({g} NOT IN ({', '.join(f'<{o}>' for o in others)}))"

    def _read_subclasses(self) -> dict[str, tuple[str, ...]]:
        """Every class -> itself and its subclasses, from the data graph's rdfs:subClassOf."""
        query = _Query(self)
        rows = self.store.query(
            f"SELECT DISTINCT ?sub ?super WHERE {{ {query.triple('?sub', f'<{RDFS.subClassOf}>', '?super')} "
            f"FILTER(isIRI(?sub) && isIRI(?super)) }}").rows
        direct: dict[str, set[str]] = {}
        for sub, sup in rows:
            if is_absolute_iri(str(sub)) and is_absolute_iri(str(sup)):   # they go into queries
                direct.setdefault(str(sup), set()).add(str(sub))
        closure: dict[str, tuple[str, ...]] = {}
        for cls_ in direct:
            found, todo = {cls_}, [cls_]
            while todo:
                for sub in direct.get(todo.pop(), ()):
                    if sub not in found:
                        found.add(sub)
                        todo.append(sub)
            closure[cls_] = tuple(sorted(found))
        return closure

    def is_setwise(self, route: tuple[_Shape, ...]) -> bool:
        """True for a large target, checked set-wise; never when focus nodes are given."""
        if self.focus_values is not None:
            return False
        key = tuple((p, route[0].targets[p]) for p in _TARGETS)
        if key not in self.setwise:
            query = _Query(self)
            sample = query.targets(route[0], "?this", bound=False)
            rows = self.store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {{ SELECT ?this WHERE {{ {sample} }} "
                                    f"LIMIT {SETWISE_ABOVE + 1} }} }}").rows
            self.setwise[key] = int(rows[0][0]) > SETWISE_ABOVE
        return self.setwise[key]


# ---------------------------------------------------------------------------------
# SPARQL text: patterns over the named graphs

_RDF_TYPE = f"<{RDF.type}>"
#: Stands for the focus nodes in query texts; cannot occur in SPARQL (see _Context.query).
_FOCUS = "\x00focus\x00"


class _Query:
    """One query under construction: fresh variable names and graph-restricted patterns."""

    def __init__(self, context: _Context):
        self.context = context
        self._count = 0

    def var(self, stem: str) -> str:
        # The leading underscore keeps generated names apart from those of SPARQL constraints.
        self._count += 1
        return f"?_{stem}{self._count}"

    def triple(self, s: str, p: str, o: str, *, scan: bool = False) -> str:
        """``s p o`` in the data graph; ``scan`` when it is read whole rather than looked up."""
        g = self.var("g")
        return self.context.in_data_graph(g, p, f"GRAPH {g} {{ {s} {p} {o} }}", scan=scan)

    def path(self, s: str, path: _Path, o: str, *, scan: bool = False) -> str:
        if path.op == "iri":
            return self.triple(s, f"<{path.node}>", o, scan=scan)
        if path.op == "inverse":
            return self.path(o, path.parts[0], s, scan=scan)
        if path.op == "sequence":
            steps, current = [], s
            for i, part in enumerate(path.parts):
                following = o if i == len(path.parts) - 1 else self.var("m")
                steps.append(self.path(current, part, following, scan=scan and i == 0))
                current = following
            return " ".join(steps)
        return "{ " + " UNION ".join(f"{{ {self.path(s, part, o, scan=scan)} }}" for part in path.parts) + " }"

    def instance(self, x: str, cls: URIRef, *, bound: bool) -> str:
        """``x`` is a SHACL instance of ``cls``: rdf:type one of its subclasses (or itself)."""
        classes = self.context.subclasses.get(str(cls), (str(cls),))
        if len(classes) == 1:
            return self.triple(x, _RDF_TYPE, f"<{classes[0]}>", scan=not bound)
        t = self.var("t")
        listed = " ".join(f"<{c}>" for c in classes)
        if bound:   # a lookup from x, then a test: Oxigraph joins it row by row
            return f"{self.triple(x, _RDF_TYPE, t)} FILTER({t} IN ({listed.replace(' ', ', ')}))"
        return f"VALUES {t} {{ {listed} }} {self.triple(x, _RDF_TYPE, t, scan=True)}"

    def targets(self, shape: _Shape, x: str, *, bound: bool) -> str:
        branches = [self.instance(x, cls, bound=bound) for cls in shape.targets[SH.targetClass]]
        if shape.targets[SH.targetNode]:
            branches.append(f"VALUES {x} {{ {' '.join(_sparql_term(n, ShapesNotCompiledError) for n in shape.targets[SH.targetNode])} }}")
        branches += [self.triple(x, f"<{p}>", self.var("o"), scan=not bound) for p in shape.targets[SH.targetSubjectsOf]]
        branches += [self.triple(self.var("s"), f"<{p}>", x, scan=not bound) for p in shape.targets[SH.targetObjectsOf]]
        if len(branches) == 1:
            return branches[0]
        return " UNION ".join(f"{{ {b} }}" for b in branches)

    def route(self, route: tuple[_Shape, ...], this: str, *, bound: bool) -> str:
        """The focus nodes of the last shape of ``route``, bound to ``this``.

        The route starts at a targeted shape; each property shape before the last passes its
        value nodes on as focus nodes (sh:property of a property shape).
        """
        steps = [s.path for s in route[:-1] if s.path is not None]
        start = self.var("x") if steps else this
        text = [self.targets(route[0], start, bound=bound)]
        current = start
        for i, step in enumerate(steps):
            following = this if i == len(steps) - 1 else self.var("x")
            text.append(self.path(current, step, following))
            current = following
        return " ".join(text)

    def focus_set(self, route: tuple[_Shape, ...]) -> str:
        """A sub-query binding ?this once to each focus node (restricted to ``focus=``)."""
        focused = self.context.focus_values is not None
        restrict = f"VALUES ?this {{ {_FOCUS} }} " if focused else ""
        body = self.route(route, "?this", bound=focused)
        return f"{{ SELECT DISTINCT ?this WHERE {{ {restrict}{body} }} }}"


class _Group:
    """The body of one group graph pattern, where conditions are written out.

    Correlated, an atom of a condition is an ``EXISTS`` (a lookup per row) or a sub-query
    restricted to the node's *domain* (the patterns that bind it). Set-wise, it is a
    sub-query over the whole data, grouped by the node and joined to it (``OPTIONAL``),
    which Oxigraph evaluates once and hashes.
    """

    def __init__(self, query: _Query, *, setwise: bool, domains: dict[str, str] | None = None):
        self.query = query
        self.setwise = setwise
        self.domains = dict(domains or {})
        self.parts: list[str] = []

    def add(self, text: str) -> None:
        self.parts.append(text)

    def text(self) -> str:
        return " ".join(self.parts)

    def child(self) -> _Group:
        return _Group(self.query, setwise=self.setwise, domains=self.domains)

    def path(self, s: str, path: _Path, o: str) -> str:
        """A path pattern: scanned in a set-wise group, looked up in a correlated one."""
        return self.query.path(s, path, o, scan=self.setwise)

    def bind_path(self, x: str, path: _Path) -> str:
        value = self.query.var("v")
        pattern = self.path(x, path, value)
        self.add(pattern)
        if not self.setwise:
            self.domains[value] = f"{self.domains.get(x, '')} {pattern}"
        return value

    def body(self, fill: Callable[[_Group], str | None]) -> tuple[str, str | None]:
        """The text that ``fill`` writes in a new group, and the node it counts (if any)."""
        body = self.child()
        counted = fill(body)
        return body.text(), counted

    def render(self, cond: _Cond) -> str:
        """``cond`` as an expression of this group, adding the atoms it needs."""
        if cond.kind == "expr":
            return cond.text
        if cond.kind in ("and", "or"):
            joiner = " && " if cond.kind == "and" else " || "
            return "(" + joiner.join(_safe(self.render(p)) for p in cond.parts) + ")"
        if cond.kind == "not":
            return f"!{_safe(self.render(cond.parts[0]))}"
        if cond.kind == "xone":
            return "(" + " + ".join(f"IF({_safe(self.render(p))}, 1, 0)" for p in cond.parts) + ") = 1"
        body, counted = self.body(cond.fill)
        flag = self.query.var("f")
        if cond.kind == "exists":
            if not self.setwise:
                return f"EXISTS {{ {body} }}"
            self.add(f"OPTIONAL {{ SELECT {cond.x} (COUNT(*) AS {flag}) WHERE {{ {body} }} GROUP BY {cond.x} }}")
            return f"BOUND({flag})"
        # A count: the sub-query returns only the nodes whose count passes, usually few.
        domain = "" if self.setwise else self.domains.get(cond.x, "")
        self.add(f"OPTIONAL {{ SELECT {cond.x} (COUNT(DISTINCT {counted}) AS {flag}) WHERE {{ {domain} {body} }} "
                 f"GROUP BY {cond.x} HAVING (COUNT(DISTINCT {counted}) {cond.comparison}) }}")
        return f"BOUND({flag})"


# ---------------------------------------------------------------------------------
# Conditions: components as formulas over SPARQL expressions and atoms


@dataclass(frozen=True)
class _Cond:
    """A condition on a node: an expression, an atom, or a combination of conditions.

    Atoms: ``exists`` (the patterns ``fill`` writes match, binding ``x``) and ``count``
    (the number of distinct nodes that ``fill`` binds and returns for ``x`` satisfies
    ``comparison``, such as "> 1", which 0 never does). Keeping the formula lets a
    set-wise check choose a plan (an anti-join for a missing value) before writing it out.
    """

    kind: str                  # "expr", "exists", "count", "and", "or", "not", "xone"
    text: str = ""
    x: str = ""
    fill: Callable[[_Group], str | None] | None = None
    comparison: str = ""
    parts: tuple[_Cond, ...] = ()


_TRUE = _Cond("expr", "true")


def _has_atoms(cond: _Cond) -> bool:
    return cond.kind in ("exists", "count") or any(_has_atoms(p) for p in cond.parts)


def _all(parts: Iterable[_Cond]) -> _Cond:
    parts = [p for p in parts if p != _TRUE]
    if not parts:
        return _TRUE
    return parts[0] if len(parts) == 1 else _Cond("and", parts=tuple(parts))


def _not(part: _Cond) -> _Cond:
    return part.parts[0] if part.kind == "not" else _Cond("not", parts=(part,))


def _safe(expression: str) -> str:
    """``expression`` with an error read as false: SHACL reports what cannot be evaluated
    (a pattern on a blank node, a range on an IRI...). Every condition is negated or
    combined through it, so conditions need no guards of their own."""
    return f"COALESCE({expression}, false)"


def _conforms(shape: _Shape, x: str) -> _Cond:
    """``x`` conforms to ``shape``, whatever the shape's severity (SHACL 3.4: any result fails).

    pySHACL differs for nested shapes of severity sh:Warning or sh:Info when warnings are
    allowed (as validation.validate does): it takes them as conforming.
    """
    if shape.deactivated:
        return _TRUE
    if shape.sparql:
        raise ShapesNotCompiledError(f"shape {compact(str(shape.node))}: sh:sparql in a shape used by "
                                     "sh:node, sh:or, sh:and, sh:not, sh:xone or sh:qualifiedValueShape")
    if shape.path is None:
        return _all([*(_value_ok(c, x) for c in shape.values), *(_conforms(p, x) for p in shape.properties)])
    parts = [_count_ok(c, shape.path, x) for c in shape.counts]
    parts += [_row_ok(c, shape.path, x) for c in shape.rows]
    if shape.values or shape.properties:
        def bad_value(body: _Group) -> None:
            value = body.bind_path(x, shape.path)
            good = _all([*(_value_ok(c, value) for c in shape.values),
                         *(_conforms(p, value) for p in shape.properties)])
            body.add(f"FILTER(!{_safe(body.render(good))})")
        parts.append(_not(_Cond("exists", x=x, fill=bad_value)))
    return _all(parts)


def _value_ok(component: _Component, w: str) -> _Cond:
    """The value node ``w`` satisfies ``component``."""
    name, args = str(component.iri)[len(str(SH)):], component.args
    if name == "ClassConstraintComponent":
        return _Cond("exists", x=w,
                     fill=lambda body: body.add(body.query.instance(w, args[0], bound=not body.setwise)))
    if name == "NodeConstraintComponent":
        return _conforms(args[0], w)
    if name == "NotConstraintComponent":
        return _not(_conforms(args[0], w))
    if name in ("AndConstraintComponent", "OrConstraintComponent", "XoneConstraintComponent"):
        kind = name[:-len("ConstraintComponent")].lower()
        return _Cond(kind, parts=tuple(_conforms(s, w) for s in args))
    return _Cond("expr", _value_expression(name, args, w))


def _value_expression(name: str, args: tuple, w: str) -> str:
    if name == "DatatypeConstraintComponent":
        return _datatype_ok(w, args[0], args[1])
    if name == "NodeKindConstraintComponent":
        return _NODE_KINDS[args[0]].format(w)
    if name in _RANGE_OPERATORS:
        return f"{w} {_RANGE_OPERATORS[name]} {args[0]}"
    if name in ("MinLengthConstraintComponent", "MaxLengthConstraintComponent"):
        operator = ">=" if name.startswith("Min") else "<="
        return f"STRLEN(STR({w})) {operator} {args[0]}"   # STR of a blank node is an error: not met
    if name == "PatternConstraintComponent":
        flags = f", {args[1]}" if args[1] is not None else ""
        return f"REGEX(STR({w}), {args[0]}{flags})"
    if name == "LanguageInConstraintComponent":
        ranges = " || ".join(f"langMatches(LANG({w}), {tag})" for tag in args) or "false"
        return f"({ranges})"   # LANG of an IRI is an error: not met
    if name == "InConstraintComponent":
        # sameTerm, not IN: sh:in compares RDF terms, and 1 = 1.0 in SPARQL.
        return "(" + (" || ".join(f"sameTerm({w}, {t})" for t in args) or "false") + ")"
    if name == "HasValueConstraintComponent":
        return f"sameTerm({w}, {args[0]})"
    raise AssertionError(name)


_RANGE_OPERATORS = {"MinInclusiveConstraintComponent": ">=", "MaxInclusiveConstraintComponent": "<=",
                    "MinExclusiveConstraintComponent": ">", "MaxExclusiveConstraintComponent": "<"}


def _datatype_ok(w: str, datatype: URIRef, term: str) -> str:
    if datatype == RDF.langString:
        return f"LANG({w}) != \"\""
    if datatype == RDFS.Literal:   # every literal, as in pySHACL
        return f"isLiteral({w})"
    typed = f"sameTerm(DATATYPE({w}), {term})"   # DATATYPE of an IRI is an error: not met
    if datatype in _CHECKED_DATATYPES:
        return f"({typed} && {_safe(f'isLiteral({term}({w}))')})"
    return f"({typed})"


def _count_ok(component: _Component, path: _Path, x: str) -> _Cond:
    """The focus node ``x`` satisfies a count component (or sh:hasValue) of a property shape."""
    name, args = str(component.iri)[len(str(SH)):], component.args
    if name == "HasValueConstraintComponent":
        return _Cond("exists", x=x, fill=lambda body: body.add(body.path(x, path, args[0])))
    if name in ("MinCountConstraintComponent", "MaxCountConstraintComponent"):
        return _count_between(name.startswith("Min"), args[0], x, lambda body: body.bind_path(x, path))
    shape, siblings, limit = args   # qualified counts

    def conforming(body: _Group) -> str:
        value = body.bind_path(x, path)
        test = _all([_conforms(shape, value), *(_not(_conforms(s, value)) for s in siblings)])
        body.add(f"FILTER({body.render(test)})")   # an error drops the row, as false would
        return value
    return _count_between(name.startswith("QualifiedMin"), limit, x, conforming)


def _count_between(minimum: bool, limit: int, x: str, fill: Callable[[_Group], str]) -> _Cond:
    """At least (``minimum``) or at most ``limit`` distinct nodes bound by ``fill``."""
    if minimum and limit <= 0:
        return _TRUE
    if minimum and limit == 1:   # existence needs no counting
        return _Cond("exists", x=x, fill=fill)
    if minimum:
        return _Cond("count", x=x, fill=fill, comparison=f">= {limit}")
    if limit == 0:
        return _not(_Cond("exists", x=x, fill=fill))
    return _not(_Cond("count", x=x, fill=fill, comparison=f"> {limit}"))


def _row_ok(component: _Component, path: _Path, x: str) -> _Cond:
    """The row components as conditions, for shapes nested in sh:or, sh:not..."""
    name = str(component.iri)[len(str(SH)):]

    def bad(body: _Group) -> None:
        value = body.bind_path(x, path)
        body.add(_row_pattern(name, component.args, path, x, value, body.query.var("o"), body.query))
    return _not(_Cond("exists", x=x, fill=bad))


def _row_pattern(name: str, args: tuple, path: _Path, x: str, value: str, other: str, query: _Query) -> str:
    """What follows the value node ``value`` of ``x`` when it breaks a row component."""
    if name == "UniqueLangConstraintComponent":
        return (f"{query.path(x, path, other)} FILTER(isLiteral({value}) && LANG({value}) != \"\" && "
                f"!sameTerm({value}, {other}) && LCASE(LANG({value})) = LCASE(LANG({other})))")
    if name == "EqualsConstraintComponent":
        return f"FILTER NOT EXISTS {{ {query.path(x, args[0], value)} }}"
    if name == "DisjointConstraintComponent":
        return query.path(x, args[0], value)
    operator = "<" if name == "LessThanConstraintComponent" else "<="
    return f"{query.path(x, args[0], other)} FILTER(!{_safe(f'{value} {operator} {other}')})"


@dataclass(frozen=True)
class _Set:
    """A set of nodes, as a set-wise plan builds it: those that have (``has``) or lack
    (``lacks``) an atom, those that pass an expression (``filter``), or a union or
    intersection of sets."""

    kind: str                       # "has", "lacks", "filter", "union", "inter"
    atom: _Cond | None = None
    text: str = ""
    parts: tuple[_Set, ...] = ()


def _nodes(cond: _Cond, *, conforming: bool) -> _Set | None:
    """The nodes that conform to ``cond``, or that break it, negations pushed down to the
    atoms (De Morgan: the breakers of an "and" are the union of its parts' breakers);
    None for sh:xone, which has no such plan."""
    if cond.kind == "expr":
        return _Set("filter", text=cond.text if conforming else f"!{_safe(cond.text)}")
    if cond.kind in ("exists", "count"):
        return _Set("has" if conforming else "lacks", atom=cond)
    if cond.kind == "not":
        return _nodes(cond.parts[0], conforming=not conforming)
    parts = [_nodes(p, conforming=conforming) for p in cond.parts] if cond.kind in ("and", "or") else [None]
    if any(p is None for p in parts):
        return None
    every_part = (cond.kind == "and") == conforming
    return _Set("inter" if every_part else "union", parts=tuple(parts))


class _Planner:
    """Writes a set-wise plan: the nodes ``x`` of ``candidates`` that are in a ``_Set``.

    A set of nodes that *have* something starts from the data (the few nodes that have a
    forbidden value, say), and the candidates' ``test`` is applied last, to those few; a
    set of nodes that *lack* something is an anti-join (MINUS), its other side hashed once.
    """

    def __init__(self, query: _Query, x: str, candidates: str, test: str | None):
        self.query, self.x, self.candidates, self.test = query, x, candidates, test

    def atom(self, atom: _Cond) -> str:
        """The nodes that have ``atom``, one row each, as a sub-query."""
        body, counted = _Group(self.query, setwise=True).body(atom.fill)
        having = f" HAVING (COUNT(DISTINCT {counted}) {atom.comparison})" if atom.kind == "count" else ""
        return f"{{ SELECT {self.x} WHERE {{ {body} }} GROUP BY {self.x}{having} }}"

    def pattern(self, node: _Set) -> str:
        """A group binding ``x`` to the nodes of ``node``, within the candidates."""
        parts = node.parts if node.kind == "inter" else (node,)
        start = next((p for p in parts if p.kind == "has"), None) if self.test is not None else None
        text = [self.atom(start.atom) if start is not None else self.candidates]
        for part in parts:
            if part is start:
                continue
            if part.kind == "has":
                text.append(self.atom(part.atom))
            elif part.kind == "lacks":
                text.append(f"MINUS {self.atom(part.atom)}")
            elif part.kind == "filter":
                text.append(f"FILTER({part.text})")
            elif part.kind == "union":
                text.append("{ " + " UNION ".join(f"{{ {self.pattern(p)} }}" for p in part.parts) + " }")
            else:
                text.append(f"{{ {self.pattern(part)} }}")
        if start is None:
            return " ".join(text)
        return _tested(" ".join(text), self.x, self.test)


def _setwise_plan(cond: _Cond, x: str, candidates: str, test: str | None, query: _Query, *,
                  project: str = "") -> str | None:
    """A sub-query binding ``x`` (and ``project``) once to each candidate that breaks
    ``cond``; None for what has no set-wise plan (sh:xone).

    With a ``test``, the plan may start from the data rather than the candidates, and
    applies the test to what it finds; without, it starts from the candidates.
    """
    violators = _nodes(cond, conforming=False)
    if violators is None:
        return None
    pattern = _Planner(query, x, candidates, test).pattern(violators)
    return f"{{ SELECT DISTINCT {project or x} WHERE {{ {pattern} }} }}"


# ---------------------------------------------------------------------------------
# Checks: the queries of a route's shapes, run and read back


@dataclass(frozen=True)
class _Found:
    """One violation found by a check, before it becomes a ValidationResult."""

    shape: _Shape
    component: URIRef
    focus: Node
    value: Node | None
    path: Node | None
    messages: dict[str, str]
    constraint: Node | None = None


class _Check:
    """The queries of one set of components, and how their rows become violations."""

    route: tuple[_Shape, ...]

    def queries(self, context: _Context) -> list[tuple[object, str]]:
        """(tag, SPARQL) pairs; the tag tells ``read`` what the rows mean."""
        raise NotImplementedError

    def read(self, tag: object, result) -> list[_Found]:
        raise NotImplementedError

    def run(self, context: _Context) -> list[_Found]:
        found = []
        for tag, sparql in context.cached(self, lambda: self.queries(context)):
            found += self.read(tag, context.query(sparql))
        return found


def _found(shape: _Shape, component: URIRef, focus: Node, value: Node | None) -> _Found:
    messages = _messages(shape.messages) or {"en": _GENERIC.get(str(component)[len(str(SH)):],
                                                                "The constraint is broken.")}
    return _Found(shape, component, focus, value, shape.path.node if shape.path else None, messages)


def _flags(group: _Group, conditions: Sequence[_Cond]) -> tuple[str, str]:
    """Projection and the rest of a group: the rows that break any of ``conditions``, with
    one boolean column per condition. The FILTER comes first, so that Oxigraph evaluates
    the columns only on the rows it keeps."""
    rendered = [_safe(group.render(c)) for c in conditions]
    names = [f"?ok{i}" for i in range(len(conditions))]
    keep = "FILTER(" + " || ".join(f"!{c}" for c in rendered) + ")"
    binds = " ".join(f"BIND({c} AS {n})" for c, n in zip(rendered, names))
    return " ".join(names), f"{keep} {binds}"


def _broken(row: Sequence[Node | None]) -> list[int]:
    """Indexes of the false columns of a row (the conditions it breaks)."""
    return [i for i, ok in enumerate(row) if ok is not None and not ok.toPython()]


def _tested(plan: str, x: str, test: str) -> str:
    """``plan``'s rows whose ``x`` passes ``test``. The grouping keeps Oxigraph from pushing
    the test down into the plan, where it would run on every value instead of the few found."""
    return f"{{ SELECT {x} WHERE {{ {plan} }} GROUP BY {x} }} FILTER EXISTS {{ {test} }}"


@dataclass(frozen=True)
class _FocusCheck(_Check):
    """The conditions on each focus node of the shapes that share their focus nodes:
    node shapes' own components (sh:class, sh:or...) and property shapes' counts
    (sh:minCount, sh:qualifiedMinCount, sh:hasValue...)."""

    route: tuple[_Shape, ...]
    items: tuple[tuple[_Shape, _Component], ...]

    def conditions(self) -> list[_Cond]:
        return [_value_ok(c, "?this") if shape.path is None else _count_ok(c, shape.path, "?this")
                for shape, c in self.items]

    def sparql(self, context: _Context, items: Sequence[int]) -> str:
        """The query of ``items`` (indexes), one boolean column each."""
        query = _Query(context)
        focus_set = query.focus_set(self.route)
        group = _Group(query, setwise=context.is_setwise(self.route), domains={"?this": focus_set})
        group.add(focus_set)
        conditions = self.conditions()
        names, rest = _flags(group, [conditions[i] for i in items])
        return f"SELECT DISTINCT ?this {names} WHERE {{ {group.text()} {rest} }}"

    def plans(self, context: _Context) -> tuple[list[tuple[int, str]], list[int]]:
        """Set-wise: a query of its own for each condition that has a plan; the others."""
        plans, flagged = [], []
        for i, cond in enumerate(self.conditions()):
            query = _Query(context)
            plan = _setwise_plan(cond, "?this", query.route(self.route, "?this", bound=False),
                                 query.route(self.route, "?this", bound=True), query)
            if plan is None:
                flagged.append(i)
            else:
                plans.append((i, f"SELECT ?this WHERE {{ {plan} }}"))
        return plans, flagged

    def queries(self, context: _Context) -> list[tuple[object, str]]:
        plans, flagged = self.plans(context) if context.is_setwise(self.route) else ([], list(range(len(self.items))))
        queries: list[tuple[object, str]] = [([i], sparql) for i, sparql in plans]
        if flagged:
            queries.append((flagged, self.sparql(context, flagged)))
        return queries

    def read(self, tag: object, result) -> list[_Found]:
        found = []
        for this, *oks in result.rows:
            for i in (_broken(oks) if oks else [0]):
                shape, component = self.items[tag[i]]
                found.append(_found(shape, component.iri, this, this if shape.path is None else None))
        return found


@dataclass(frozen=True)
class _ValueCheck(_Check):
    """The components on each value node of a property shape (sh:class, sh:datatype, sh:or...)."""

    route: tuple[_Shape, ...]
    components: tuple[_Component, ...]

    def queries(self, context: _Context) -> list[tuple[object, str]]:
        """(components, query) pairs: rows ?this ?value, then one column per component."""
        query, path = _Query(context), self.route[-1].path
        if not context.is_setwise(self.route):
            focus_set = query.focus_set(self.route)
            group = _Group(query, setwise=False, domains={"?this": focus_set})
            group.add(focus_set)
            value = group.bind_path("?this", path)
            names, rest = _flags(group, [_value_ok(c, value) for c in self.components])
            return [(list(range(len(self.components))),
                     f"SELECT DISTINCT ?this ({value} AS ?value) {names} WHERE {{ {group.text()} {rest} }}")]
        # A large target: start from the values, and test the focus nodes on the bad ones.
        queries, flagged = [], []
        for i, component in enumerate(self.components):
            if not _has_atoms(_value_ok(component, "?value")):   # one more column of the query below
                flagged.append(i)
                continue
            query = _Query(context)
            value = query.var("v")
            cond = _value_ok(component, value)
            scan = query.path("?this", path, value, scan=True)
            plan = _setwise_plan(cond, value, scan, None, query, project=f"?this {value}")
            if plan is None:
                flagged.append(i)
                continue
            test = query.route(self.route, "?this", bound=True)
            queries.append(([i], f"SELECT ?this ({value} AS ?value) WHERE {{ "
                                 f"{_tested(plan, f'?this {value}', test)} }}"))
        if flagged:
            query = _Query(context)
            group = _Group(query, setwise=True)
            value = group.bind_path("?this", path)
            names, rest = _flags(group, [_value_ok(self.components[i], value) for i in flagged])
            test = query.route(self.route, "?this", bound=True)
            queries.append((flagged, f"SELECT ?this ({value} AS ?value) {names} WHERE {{ "
                                     f"{_tested(f'{group.text()} {rest}', f'?this {value} {names}', test)} }}"))
        return queries

    def read(self, tag: object, result) -> list[_Found]:
        return [_found(self.route[-1], self.components[tag[i]].iri, this, value)
                for this, value, *oks in result.rows for i in (_broken(oks) if oks else [0])]


@dataclass(frozen=True)
class _RowCheck(_Check):
    """sh:uniqueLang (a row per repeated language), sh:equals, sh:disjoint (a row per value),
    sh:lessThan, sh:lessThanOrEquals (a row per pair of values, as SHACL 4.5 says)."""

    route: tuple[_Shape, ...]
    component: _Component

    def sparql(self, context: _Context) -> str:
        query, path = _Query(context), self.route[-1].path
        name, args = str(self.component.iri)[len(str(SH)):], self.component.args
        value, other = query.var("v"), query.var("o")
        if name == "UniqueLangConstraintComponent" and context.is_setwise(self.route):
            # LANG of an IRI is an error: ?lang stays unbound and the FILTER drops the row.
            grouped = (f"SELECT ?this ?lang WHERE {{ {query.path('?this', path, value, scan=True)} "
                       f"BIND(LCASE(LANG({value})) AS ?lang) FILTER(?lang != \"\") }} "
                       f"GROUP BY ?this ?lang HAVING (COUNT(DISTINCT {value}) > 1)")
            return (f"SELECT ?this ?lang WHERE {{ {{ {grouped} }} "
                    f"FILTER EXISTS {{ {query.route(self.route, '?this', bound=True)} }} }}")
        focus_set = query.focus_set(self.route)
        if name == "UniqueLangConstraintComponent":
            return (f"SELECT DISTINCT ?this (LCASE(LANG({value})) AS ?lang) WHERE {{ {focus_set} "
                    f"{query.path('?this', path, value)} {_row_pattern(name, args, path, '?this', value, other, query)} }}")
        if name == "EqualsConstraintComponent":
            # Each value missing from the other side, either way round (SHACL 4.5.1).
            mine = (f"{query.path('?this', path, value)} "
                    f"FILTER NOT EXISTS {{ {query.path('?this', args[0], value)} }}")
            theirs = (f"{query.path('?this', args[0], value)} "
                      f"FILTER NOT EXISTS {{ {query.path('?this', path, value)} }}")
            return f"SELECT DISTINCT ?this ({value} AS ?value) WHERE {{ {focus_set} {{ {mine} }} UNION {{ {theirs} }} }}"
        return (f"SELECT DISTINCT ?this ({value} AS ?value) ({other} AS ?other) WHERE {{ {focus_set} "
                f"{query.path('?this', path, value)} {_row_pattern(name, args, path, '?this', value, other, query)} }}")

    def queries(self, context: _Context) -> list[tuple[object, str]]:
        return [(None, self.sparql(context))]

    def read(self, tag: object, result) -> list[_Found]:
        with_value = "value" in result.variables
        return [_found(self.route[-1], self.component.iri, row[0], row[1] if with_value else None)
                for row in result.rows]


def _messages(literals: Iterable[Node]) -> dict[str, str]:
    """lang -> text, the first of each language (as validation.validate reads the report)."""
    messages: dict[str, str] = {}
    for message in literals:
        lang = message.language if isinstance(message, Literal) and message.language else ""
        messages.setdefault(lang, str(message))
    return messages


#: Messages of the shapes that have no sh:message of their own.
_GENERIC = {
    "ClassConstraintComponent": "The value is not an instance of the expected class.",
    "DatatypeConstraintComponent": "The value is not a well-formed literal of the expected datatype.",
    "NodeKindConstraintComponent": "The value is not of the expected node kind.",
    "MinInclusiveConstraintComponent": "The value is below the minimum.",
    "MaxInclusiveConstraintComponent": "The value is above the maximum.",
    "MinExclusiveConstraintComponent": "The value is not above the minimum.",
    "MaxExclusiveConstraintComponent": "The value is not below the maximum.",
    "MinLengthConstraintComponent": "The value is too short.",
    "MaxLengthConstraintComponent": "The value is too long.",
    "PatternConstraintComponent": "The value does not match the pattern.",
    "LanguageInConstraintComponent": "The value is not in one of the allowed languages.",
    "InConstraintComponent": "The value is not one of the allowed values.",
    "HasValueConstraintComponent": "The required value is missing.",
    "NodeConstraintComponent": "The value does not conform to the expected shape.",
    "NotConstraintComponent": "The value conforms to a shape it must not conform to.",
    "AndConstraintComponent": "The value does not conform to all of the shapes.",
    "OrConstraintComponent": "The value conforms to none of the shapes.",
    "XoneConstraintComponent": "The value does not conform to exactly one of the shapes.",
    "MinCountConstraintComponent": "Too few values.",
    "MaxCountConstraintComponent": "Too many values.",
    "QualifiedMinCountConstraintComponent": "Too few values conform to the qualified shape.",
    "QualifiedMaxCountConstraintComponent": "Too many values conform to the qualified shape.",
    "UniqueLangConstraintComponent": "A language is used by more than one value.",
    "EqualsConstraintComponent": "The values differ from those of the other property.",
    "DisjointConstraintComponent": "A value is also a value of the other property.",
    "LessThanConstraintComponent": "A value is not less than a value of the other property.",
    "LessThanOrEqualsConstraintComponent": "A value is greater than a value of the other property.",
    "SPARQLConstraintComponent": "The SPARQL constraint found a violation.",
}


# ---------------------------------------------------------------------------------
# SHACL-SPARQL constraints: the user's SELECT, rewritten over the named graphs

_TOKEN = re.compile(r"""
    (?P<space>\s+) | (?P<comment>\#[^\n]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
              |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][\w\u00B7\u0300-\u036F\u203F-\u2040]+)
  | (?P<pname>(?:[^\W\d_][\w.-]*)?:(?:[\w:%\\-](?:[\w.:%\\-]*[\w:%\\-])?)?)
  | (?P<bnode>_:[\w.-]+)
  | (?P<word>[^\W\d]\w*)
  | (?P<number>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<punct>\^\^|&&|\|\||!=|<=|>=|[{}()\[\].,;*+/|^?!=<>-])
""", re.VERBOSE)
#: Keywords that end a block of triples inside a group.
_GROUP_KEYWORDS = {"OPTIONAL", "MINUS", "GRAPH", "SERVICE", "FILTER", "BIND", "VALUES"}


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str

    @property
    def word(self) -> str:
        return self.text.upper() if self.kind == "word" else ""


def _tokens(text: str, fail: Callable[[str], Exception]) -> list[_Token]:
    tokens, position = [], 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise fail(f"cannot read the SPARQL query near {text[position:position + 20]!r}")
        tokens.append(_Token(match.lastgroup, match.group()))
        position = match.end()
    return tokens


class _SelectSplitter:
    """Cuts a SELECT query into text kept as written and blocks of triples to rewrite.

    Only the triples change (each into graph-restricted patterns), so expressions, modifiers
    and sub-queries keep the user's exact text. The focus-node pattern goes first in the
    WHERE group, so that ``$this`` is bound as pre-binding does (SHACL 5.3.1).
    """

    def __init__(self, tokens: list[_Token], fail: Callable[[str], Exception]):
        self.tokens = [t for t in tokens if t.kind != "comment"]
        self.fail = fail
        self.i = 0
        self.depth = 0       # of the group being read: 1 is the WHERE group
        #: ("prologue", ...) before SELECT, then ("text", ...), ("block", ...) and ("focus", "").
        self.parts: list[tuple[str, str, int]] = []

    def peek(self, skip: int = 0) -> _Token | None:
        j, seen = self.i, -1
        while j < len(self.tokens):
            if self.tokens[j].kind != "space":
                seen += 1
                if seen == skip:
                    return self.tokens[j]
            j += 1
        return None

    def take(self, kind: str = "text") -> _Token:
        while self.tokens[self.i].kind == "space":
            self.parts.append((kind, self.tokens[self.i].text, self.depth))
            self.i += 1
        token = self.tokens[self.i]
        self.parts.append((kind, token.text, self.depth))
        self.i += 1
        return token

    def expect(self, text: str) -> None:
        token = self.peek()
        if token is None or token.text != text:
            raise self.fail(f"expected {text!r} in the SPARQL query, found {token.text if token else 'the end'!r}")
        self.take()

    def split(self) -> list[tuple[str, str, int]]:
        while (token := self.peek()) is not None and token.word != "SELECT":
            if token.word in ("ASK", "CONSTRUCT", "DESCRIBE"):
                raise self.fail(f"sh:select holds an {token.word} query, not a SELECT")
            self.take("prologue")
        if token is None:
            raise self.fail("sh:select holds no SELECT query")
        self.take()
        self.select_clause()
        self.parts.append(("focus", "", 1))
        self.group_body()
        self.modifiers(closing=None)
        return self.parts

    def select_clause(self) -> None:
        """Up to and including the '{' of the WHERE group."""
        while (token := self.peek()) is not None:
            if token.word in ("FROM", "NAMED"):
                raise self.fail("FROM clauses in a SPARQL constraint (the data graph is given)")
            if token.text == "{":
                self.take()
                return
            if token.text == "(":
                self.expression()
                continue
            self.take()
        raise self.fail("the SELECT query has no WHERE group")

    def expression(self) -> None:
        """A bracketed expression; EXISTS groups inside it are rewritten too."""
        self.expect("(")
        depth = 1
        while depth:
            token = self.peek()
            if token is None:
                raise self.fail("unbalanced parentheses in the SPARQL query")
            if token.text == "{":
                self.take()
                self.group_body()
                continue
            depth += {"(": 1, ")": -1}.get(token.text, 0)
            self.take()

    def group_body(self) -> None:
        """Inside a group whose '{' is taken, up to and including its '}'."""
        self.depth += 1
        while True:
            token = self.peek()
            if token is None:
                raise self.fail("unbalanced braces in the SPARQL query")
            if token.text == "}":
                self.depth -= 1
                self.take()
                return
            if token.text == "{":
                self.take()
                if (self.peek() or token).word == "SELECT":
                    self.take()
                    self.select_clause()
                    self.group_body()
                    self.modifiers(closing="}")
                else:
                    self.group_body()
            elif token.word in ("GRAPH", "SERVICE"):
                raise self.fail(f"{token.word} in a SPARQL constraint (the data graph is one graph)")
            elif token.word in ("OPTIONAL", "MINUS"):
                self.take()
                self.expect("{")
                self.group_body()
            elif token.word == "FILTER":
                self.take()
                self.constraint()
            elif token.word == "BIND":
                self.take()
                self.expression()
            elif token.word == "VALUES":
                self.values()
            elif token.text == "." or token.word == "UNION":
                self.take()
            else:
                self.triples()

    def constraint(self) -> None:
        token = self.peek()
        if token is not None and token.word == "NOT":
            self.take()
            token = self.peek()
        if token is not None and token.word == "EXISTS":
            self.take()
            self.expect("{")
            self.group_body()
        elif token is not None and token.text == "(":
            self.expression()
        else:   # a function call: FILTER regex(...), FILTER <f>(...)
            self.take()
            self.expression()

    def values(self) -> None:
        self.take()
        while (token := self.peek()) is not None and token.text != "{":
            self.take()
        while (token := self.peek()) is not None and token.text != "}":
            self.take()
        self.expect("}")

    def modifiers(self, *, closing: str | None) -> None:
        """GROUP BY, HAVING, ORDER BY, LIMIT, VALUES... up to ``closing`` (taken) or the end."""
        while (token := self.peek()) is not None:
            if token.text == closing:
                self.take()
                return
            if token.text == "(":
                self.expression()
            elif token.word == "VALUES":
                self.values()
            else:
                self.take()
        if closing is not None:
            raise self.fail("unbalanced braces in the SPARQL query")

    def triples(self) -> None:
        depth, block = 0, []
        while (token := self.peek()) is not None:
            if depth == 0 and (token.text in ("{", "}") or token.word in _GROUP_KEYWORDS):
                break
            depth += {"(": 1, "[": 1, ")": -1, "]": -1}.get(token.text, 0)
            start = len(self.parts)
            self.take()
            block += [text for _, text, _ in self.parts[start:]]
            del self.parts[start:]
        self.parts.append(("block", "".join(block), self.depth))


@dataclass(frozen=True)
class _SparqlConstraint:
    """A sh:sparql constraint: its SELECT cut into text and blocks of triples (parsed)."""

    node: Node
    messages: tuple[Literal, ...]
    deactivated: bool
    prologue: str
    #: ("text", str) | ("block", (depth, triples)) | ("focus", ""): depth 1 is the WHERE group.
    parts: tuple[tuple[str, object], ...]
    #: The variables the SELECT returns, and whether a triple of its WHERE group binds $this.
    variables: tuple[str, ...]
    binds_this: bool

    @classmethod
    def read(cls, reader: _ShapesReader, shape: Node, node: Node, path: _Path | None) -> _SparqlConstraint:
        graph = reader.graph

        def fail(what: str) -> ShapesNotCompiledError:
            return ShapesNotCompiledError(f"shape {_describe(graph, shape)}, SPARQL constraint "
                                          f"{_describe(graph, node)}: {what}")
        select = reader.one(node, SH.select)
        if not isinstance(select, Literal):
            raise fail("sh:select must be a literal holding a SELECT query")
        if _FOCUS in str(select):
            raise fail("the query holds a NUL character")
        tokens = []
        for token in _tokens(str(select), fail):
            name = token.text[1:] if token.kind == "var" else ""
            if re.fullmatch(r"_[a-z]+\d+", name):
                raise fail(f"the variable {token.text} is reserved for the generated queries")
            if name == "shapesGraph":
                raise fail("$shapesGraph is not supported")
            if name == "PATH":
                if path is None:
                    raise fail("$PATH in a constraint of a node shape")
                token = _Token("path", _path_syntax(path))
            elif name == "currentShape":
                token = _Token("iri", reader.term(shape, shape))
            tokens.append(token)
        pieces = _SelectSplitter(tokens, fail).split()
        prologue = "\n".join(filter(None, [cls._declared(graph, node, fail),
                                             "".join(t for kind, t, _ in pieces if kind == "prologue")]))
        parts, binds_this = [], False
        for kind, text, depth in pieces:
            if kind == "block":
                triples = _parse_triples(prologue, text, fail)
                for triple in triples:
                    _add_path_predicates(triple[1], reader.predicates)
                binds_this |= depth == 1 and any(Variable("this") in (t[0], t[2]) for t in triples)
                parts.append(("block", (depth, tuple(triples))))
            elif kind != "prologue":
                parts.append((kind, text))
        try:
            from rdflib.plugins.sparql.algebra import translateQuery
            from rdflib.plugins.sparql.parser import parseQuery

            body = "".join(t for kind, t, _ in pieces if kind != "prologue")
            variables = tuple(str(v) for v in translateQuery(parseQuery(f"{prologue}\n{body}")).algebra.PV)
        except Exception as exc:   # pyparsing and rdflib raise many types for bad SPARQL
            raise fail(f"the query is not valid SPARQL: {exc}") from exc
        if "this" not in variables:
            raise fail("the SELECT must return $this")
        deactivated = reader.one(node, SH.deactivated)
        return cls(node, tuple(graph.objects(node, SH.message)),
                   isinstance(deactivated, Literal) and deactivated.value is True, prologue, tuple(parts),
                   variables, binds_this)

    @staticmethod
    def _declared(graph: Graph, node: Node, fail: Callable[[str], Exception]) -> str:
        """PREFIX lines for the sh:declare of the sh:prefixes of the constraint."""
        lines = []
        for owner in sorted(graph.objects(node, SH.prefixes), key=str):
            for declaration in sorted(graph.objects(owner, SH.declare), key=str):
                prefix = graph.value(declaration, SH.prefix)
                namespace = graph.value(declaration, SH.namespace)
                if prefix is None or namespace is None or not re.fullmatch(r"(?:[^\W\d_][\w.-]*)?", str(prefix)) \
                        or not is_absolute_iri(str(namespace)):
                    raise fail(f"a malformed sh:declare ({prefix!r}, {namespace!r})")
                lines.append(f"PREFIX {prefix}: <{namespace}>")
        return "\n".join(lines)

    def where(self, query: _Query, focus: str, *, setwise: bool = False) -> str:
        """The SELECT (without its prologue), rewritten over the named graphs.

        ``setwise``: the triples of the WHERE group that bind $this through a given predicate
        become sub-queries, which Oxigraph hashes and joins instead of looking each focus
        node up (twice as fast on 100,000 courses); the same solutions either way.
        """
        text = []
        for kind, value in self.parts:
            if kind == "focus":
                text.append(f" {focus} ")
            elif kind == "block":
                depth, triples = value
                blanks: dict[BNode, str] = {}
                patterns = []
                for triple in triples:
                    pattern = _triple_pattern(query, triple, blanks)
                    if setwise and depth == 1 and isinstance(triple[1], URIRef) \
                            and Variable("this") in (triple[0], triple[2]):
                        pattern = f"{{ SELECT * WHERE {{ {pattern} }} }}"
                    patterns.append(pattern)
                text.append(" " + " ".join(patterns) + " ")
            else:
                text.append(value)
        return "".join(text)


def _add_path_predicates(path, predicates: set[str]) -> None:
    if isinstance(path, URIRef):
        predicates.add(f"<{path}>")
    elif isinstance(path, InvPath):
        _add_path_predicates(path.arg, predicates)
    elif isinstance(path, (SequencePath, AlternativePath)):
        for part in path.args:
            _add_path_predicates(part, predicates)


def _path_syntax(path: _Path) -> str:
    """A SHACL path in SPARQL path syntax (for $PATH)."""
    if path.op == "iri":
        return f"<{path.node}>"
    if path.op == "inverse":
        return f"^({_path_syntax(path.parts[0])})"
    joiner = "/" if path.op == "sequence" else "|"
    return "(" + joiner.join(_path_syntax(p) for p in path.parts) + ")"


def _parse_triples(prologue: str, block: str, fail: Callable[[str], Exception]) -> list[tuple]:
    """The triples of a block (rdflib's parser: prefixes, ';' and ',', '[]', lists, paths)."""
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        algebra = translateQuery(parseQuery(f"{prologue}\nSELECT * WHERE {{ {block} }}")).algebra
    except Exception as exc:   # pyparsing and rdflib raise many types for bad SPARQL
        raise fail(f"cannot read the triples {block.strip()!r}: {exc}") from exc
    node = algebra.p
    while node.name == "Project":
        node = node.p
    if node.name != "BGP":
        raise fail(f"cannot read the triples {block.strip()!r}")
    for triple in node.triples:
        _check_path(triple[1], fail)
    return list(node.triples)


def _check_path(path, fail: Callable[[str], Exception]) -> None:
    if isinstance(path, (URIRef, Variable)):
        return
    if isinstance(path, InvPath):
        _check_path(path.arg, fail)
    elif isinstance(path, (SequencePath, AlternativePath)):
        for part in path.args:
            _check_path(part, fail)
    else:
        raise fail(f"the property path {path} (transitive and negated paths cannot span named graphs)")


def _triple_pattern(query: _Query, triple: tuple, blanks: dict[BNode, str]) -> str:
    def term(node) -> str:
        if isinstance(node, Variable):
            return f"?{node}"
        if isinstance(node, BNode):   # a blank node of a query is a variable
            return blanks.setdefault(node, query.var("b"))
        return _sparql_term(node, ShapesNotCompiledError)

    def pattern(s: str, p, o: str) -> str:
        if isinstance(p, (URIRef, Variable)):
            return query.triple(s, term(p), o)
        if isinstance(p, InvPath):
            return pattern(o, p.arg, s)
        if isinstance(p, SequencePath):
            steps, current = [], s
            for i, part in enumerate(p.args):
                following = o if i == len(p.args) - 1 else query.var("m")
                steps.append(pattern(current, part, following))
                current = following
            return " ".join(steps)
        return "{ " + " UNION ".join(f"{{ {pattern(s, part, o)} }}" for part in p.args) + " }"
    return pattern(term(triple[0]), triple[1], term(triple[2]))


@dataclass(frozen=True)
class _SparqlCheck(_Check):
    """A sh:sparql constraint of the last shape of the route: one result per distinct row."""

    route: tuple[_Shape, ...]
    constraint: _SparqlConstraint

    def sparql(self, context: _Context) -> str:
        query, constraint = _Query(context), self.constraint
        if constraint.binds_this and context.is_setwise(self.route):
            # A triple of the WHERE group binds $this: the query can run on the whole data
            # graph first (Oxigraph plans its joins), and the focus nodes be tested on its
            # few rows; grouping keeps that test from being pushed down to every row.
            variables = " ".join(f"?{v}" for v in constraint.variables)
            return (f"{constraint.prologue}\nSELECT {variables} WHERE {{ {{ SELECT {variables} WHERE {{ "
                    f"{{ {constraint.where(query, '', setwise=True)} }} }} GROUP BY {variables} }} "
                    f"FILTER EXISTS {{ {query.route(self.route, '?this', bound=True)} }} }}")
        return f"{constraint.prologue}\n{constraint.where(query, query.focus_set(self.route))}"

    def queries(self, context: _Context) -> list[tuple[object, str]]:
        return [(None, self.sparql(context))]

    def read(self, tag: object, result) -> list[_Found]:
        shape, seen, found = self.route[-1], set(), []
        for row in result.rows:
            if row in seen:   # pySHACL reports a repeated row once
                continue
            seen.add(row)
            binding = {name: term for name, term in zip(result.variables, row) if term is not None}
            focus = binding.get("this")
            if focus is None:
                continue
            value = binding.get("value")
            if "failure" in binding or value is None:
                value = focus if shape.path is None else None
            path = binding.get("path") or (shape.path.node if shape.path else None)
            found.append(_Found(shape, SH.SPARQLConstraintComponent, focus, value, path,
                                self._messages(binding), self.constraint.node))
        return found

    def _messages(self, binding: dict[str, Node]) -> dict[str, str]:
        """As validation.validate reads pySHACL's report: the tagged sh:message of the
        constraint, else of the shape, as written; else the untagged ones, {?var} filled in."""
        shape = self.route[-1]
        for origin in (self.constraint.messages, shape.messages):
            tagged = [m for m in origin if isinstance(m, Literal) and m.language]
            if tagged:
                return _messages(tagged)
        untagged = [Literal(re.sub(r"\{[?$](\w+)\}", lambda m: str(binding.get(m.group(1), m.group())), str(m)))
                    for m in (*shape.messages, *self.constraint.messages)]
        return _messages(untagged) or {"en": _GENERIC["SPARQLConstraintComponent"]}


# ---------------------------------------------------------------------------------
# The report


def _report(found: list[_Found], shapes: Graph, locate: Locator | None) -> ValidationReport:
    """ValidationResults sorted as validation.validate sorts them, and the report graph."""
    graph = Graph()
    graph.bind("sh", str(SH))
    report = BNode()
    results = []
    for item in found:
        node = BNode()
        severity = _SEVERITY.get(item.shape.severity, INFO)
        graph.add((report, SH.result, node))
        graph.add((node, RDF.type, SH.ValidationResult))
        graph.add((node, SH.focusNode, item.focus))
        graph.add((node, SH.resultSeverity, item.shape.severity))
        graph.add((node, SH.sourceShape, item.shape.node))
        graph.add((node, SH.sourceConstraintComponent, item.component))
        if item.value is not None:
            graph.add((node, SH.value, item.value))
        if item.path is not None:
            graph.add((node, SH.resultPath, item.path))
            if isinstance(item.path, BNode):
                for triple in shapes.cbd(item.path):
                    graph.add(triple)
        if item.constraint is not None:
            graph.add((node, SH.sourceConstraint, item.constraint))
        for lang, text in item.messages.items():
            graph.add((node, SH.resultMessage, Literal(text, lang=lang or None)))
        focus = str(item.focus)
        file, line = locate(focus) if locate else (None, None)
        results.append(ValidationResult(
            severity=severity, focus=focus,
            path=str(item.path) if isinstance(item.path, URIRef) else None,
            value=str(item.value) if item.value is not None else None,
            messages=dict(item.messages), shape=str(item.shape.node),
            constraint=compact(str(item.component)), file=file, line=line, node=node))
    graph.add((report, RDF.type, SH.ValidationReport))
    graph.add((report, SH.conforms, Literal(not any(r.severity == VIOLATION for r in results))))
    results.sort(key=lambda r: (_ORDER.get(r.severity, 3), r.file or "", r.line or 0, r.focus,
                                r.path or "", r.value or "", r.shape or ""))
    return ValidationReport(results, graph)
