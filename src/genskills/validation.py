"""SHACL validation (pySHACL) and a report that data owners can read."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import pyshacl
from pyshacl.errors import ReportableRuntimeError
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF

from .errors import InputError
from .namespaces import SH, compact

VIOLATION = "Violation"
WARNING = "Warning"
INFO = "Info"

#: Where a focus node is defined: (file, line) or (None, None).
Locator = Callable[[str], tuple[str | None, int | None]]


@dataclass(frozen=True)
class ValidationResult:
    """One broken rule on one node."""

    severity: str
    focus: str
    path: str | None
    value: str | None
    messages: dict[str, str]
    shape: str | None
    constraint: str | None
    file: str | None = None
    line: int | None = None
    #: the sh:ValidationResult node in the report graph (not part of comparisons or JSON)
    node: object = field(default=None, repr=False, compare=False)

    def message(self, lang: str = "en") -> str:
        """The message in ``lang``, else in English, else any."""
        for key in (lang, "en", ""):
            if key in self.messages:
                return self.messages[key]
        return next(iter(self.messages.values()), self.constraint or "constraint broken")

    def to_text(self, lang: str = "en") -> str:
        where = f"{self.file}:{self.line}: " if self.file and self.line else (f"{self.file}: " if self.file else "")
        what = compact(self.focus) if self.focus.startswith("http") else self.focus
        if self.path:
            what += f" {compact(self.path)}"
        if self.value is not None and self.value != self.focus:
            shown = compact(self.value) if self.value.startswith("http") else repr(self.value)
            what += f" = {shown}"
        rule = f" [{compact(self.shape)}]" if self.shape and self.shape.startswith("http") else ""
        return f"{where}{self.severity}: {what}: {self.message(lang)}{rule}"


@dataclass
class ValidationReport:
    results: list[ValidationResult] = field(default_factory=list)
    graph: Graph | None = None

    @property
    def violations(self) -> list[ValidationResult]:
        return [r for r in self.results if r.severity == VIOLATION]

    @property
    def warnings(self) -> list[ValidationResult]:
        return [r for r in self.results if r.severity == WARNING]

    @property
    def conforms(self) -> bool:
        """True when nothing breaks the data: warnings are allowed."""
        return not self.violations

    def only_for(self, focus_nodes: set[str]) -> "ValidationReport":
        """The results on ``focus_nodes`` only, with a report graph that holds just them."""
        kept = [r for r in self.results if r.focus in focus_nodes]
        graph = None
        if self.graph is not None:
            graph = Graph()
            report = BNode()
            graph.add((report, RDF.type, SH.ValidationReport))
            graph.add((report, SH.conforms, Literal(not any(r.severity == VIOLATION for r in kept))))
            for result in kept:
                graph.add((report, SH.result, result.node))
                for triple in self.graph.cbd(result.node):
                    graph.add(triple)
        return ValidationReport(kept, graph)

    def summary(self, lang: str = "en") -> str:
        if lang == "fr":
            state = "conforme" if self.conforms else "NON conforme"
            return f"{state} : {len(self.violations)} violation(s), {len(self.warnings)} avertissement(s)"
        state = "conforms" if self.conforms else "does NOT conform"
        return f"{state}: {len(self.violations)} violation(s), {len(self.warnings)} warning(s)"

    def to_text(self, lang: str = "en") -> str:
        lines = [r.to_text(lang) for r in self.results]
        lines.append(self.summary(lang))
        return "\n".join(lines)

    def to_json(self, lang: str = "en") -> str:
        body = {
            "conforms": self.conforms,
            "violations": len(self.violations),
            "warnings": len(self.warnings),
            "results": [{**{k: v for k, v in asdict(r).items() if k != "node"}, "message": r.message(lang)}
                        for r in self.results],
        }
        return json.dumps(body, ensure_ascii=False, indent=2)

    def to_turtle(self) -> str:
        graph = self.graph if self.graph is not None else Graph()
        graph.bind("sh", str(SH))
        return graph.serialize(format="turtle")


_SEVERITY = {SH.Violation: VIOLATION, SH.Warning: WARNING, SH.Info: INFO}
_ORDER = {VIOLATION: 0, WARNING: 1, INFO: 2}


def validate(data: Graph, shapes: Graph, *, locate: Locator | None = None) -> ValidationReport:
    """Validate ``data`` against ``shapes`` with no inference.

    No RDFS/OWL inference runs on purpose: a range axiom would otherwise turn an IRI
    declared nowhere into a member of the range and hide a dangling link.
    """
    try:
        _, report_graph, _ = pyshacl.validate(
            data, shacl_graph=shapes, inference="none", advanced=True,
            allow_warnings=True, abort_on_first=False, meta_shacl=False,
        )
    except ReportableRuntimeError as exc:
        # pySHACL refuses malformed shapes (a bad SPARQL constraint, a wrong sh:path...).
        raise InputError(f"the SHACL shapes are not valid: {getattr(exc, 'message', exc)}") from exc
    except Exception as exc:  # pyparsing errors from SPARQL text in the shapes
        if type(exc).__module__.startswith(("pyparsing", "rdflib.plugins.sparql")):
            raise InputError(f"the SHACL shapes hold invalid SPARQL: {exc}") from exc
        raise
    # The report's own results: pySHACL also types as sh:ValidationResult the inner results
    # it nests under sh:detail (for sh:node), which are explanations, not results.
    results = [_result(report_graph, shapes, node, locate) for node in set(report_graph.objects(None, SH.result))]
    results.sort(key=lambda r: (_ORDER.get(r.severity, 3), r.file or "", r.line or 0, r.focus,
                                r.path or "", r.value or "", r.shape or ""))
    return ValidationReport(results, report_graph)


def _text(node) -> str | None:
    if node is None:
        return None
    return str(node)


def _messages(literals) -> dict[str, str]:
    messages: dict[str, str] = {}
    for message in literals:
        lang = message.language if isinstance(message, Literal) and message.language else ""
        messages.setdefault(lang, str(message))
    return messages


def _result(graph: Graph, shapes: Graph, node, locate: Locator | None) -> ValidationResult:
    focus = str(graph.value(node, SH.focusNode))
    messages = _messages(graph.objects(node, SH.resultMessage))
    if not any(messages.keys()):
        # pySHACL drops the language tags of SPARQL-based constraints' messages: take
        # the tagged ones from the constraint, or its shape, in the shapes graph.
        for origin in (graph.value(node, SH.sourceConstraint), graph.value(node, SH.sourceShape)):
            tagged = _messages(shapes.objects(origin, SH.message)) if origin is not None else {}
            if any(tagged.keys()):
                messages = tagged
                break
    constraint = graph.value(node, SH.sourceConstraintComponent)
    file, line = locate(focus) if locate else (None, None)
    path = graph.value(node, SH.resultPath)
    return ValidationResult(
        severity=_SEVERITY.get(graph.value(node, SH.resultSeverity), INFO),
        focus=focus,
        path=str(path) if isinstance(path, URIRef) else None,
        value=_text(graph.value(node, SH.value)),
        messages=messages,
        shape=_text(graph.value(node, SH.sourceShape)),
        constraint=compact(str(constraint)) if constraint else None,
        file=file,
        line=line,
        node=node,
    )
