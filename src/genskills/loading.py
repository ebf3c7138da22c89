"""Loading the sources into a store: parse, validate, then swap in atomically."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from .errors import InputError, NotFoundError, ValidationError
from .rdfio import parse_file, subject_lines, subjects_of, union
from .sources import SOURCES, Source, source_named
from .store import Store
from .validation import ValidationReport, validate

#: Called with a short description of each step as it starts.
Progress = Callable[[str], None]


@dataclass
class ParsedFile:
    path: Path
    graph: Graph


@dataclass
class LoadSummary:
    triples: dict[str, int] = field(default_factory=dict)   # graph name -> triples loaded
    seconds: dict[str, float] = field(default_factory=dict)  # step -> seconds
    report: ValidationReport | None = None


def _quiet(_: str) -> None:
    pass


class Locator:
    """Finds the file and line where a focus node is defined, for messages."""

    def __init__(self, files: Iterable[ParsedFile]):
        self._where: dict[str, tuple[str, int | None]] = {}
        for parsed in files:
            lines = subject_lines(parsed.path) if parsed.path.suffix == ".ttl" else {}
            for subject in subjects_of(parsed.graph):
                self._where.setdefault(str(subject), (str(parsed.path), lines.get(str(subject))))

    def __call__(self, focus: str) -> tuple[str | None, int | None]:
        return self._where.get(focus, (None, None))


def parse_source(source: Source, root: Path, progress: Progress = _quiet) -> list[ParsedFile]:
    files = source.files(root)
    if not files:
        raise NotFoundError(f"source {source.name}: no file matches {', '.join(source.patterns)} under {root}")
    return parse_files(files, progress, root=root)


def parse_files(paths: Iterable[Path], progress: Progress = _quiet, *, root: Path | None = None) -> list[ParsedFile]:
    """Parse each file; progress names it relative to ``root`` when it lies below it."""
    parsed = []
    for path in map(Path, paths):
        shown = path.relative_to(root) if root is not None and path.is_relative_to(root) else path
        progress(f"parse {shown}")
        parsed.append(ParsedFile(path, parse_file(path)))
    return parsed


def validate_files(parsed: list[ParsedFile], context: list[ParsedFile], shapes: Graph,
                   progress: Progress = _quiet) -> ValidationReport:
    """Validate ``parsed`` together with ``context`` (e.g. the ontology and reference data)."""
    progress("validate (SHACL)")
    data = union(p.graph for p in [*context, *parsed])
    return validate(data, shapes, locate=Locator([*parsed, *context]))


def load_sources(store: Store, root: Path, names: list[str] | None = None, *,
                 exclude: list[str] | tuple[str, ...] = (), progress: Progress = _quiet) -> LoadSummary:
    """Build or rebuild the named graphs of ``names`` (all sources by default).

    The sources not reloaded are read back from the store so that the new data is
    validated with everything it links to. The ``exclude``d sources are removed from the
    store in the same transaction (e.g. ``exclude=["illustrative"]`` keeps only real
    courses). Nothing is written unless every file parses and the whole data conforms
    to the shapes (warnings allowed).

    :raises InputError: a file is missing or has a syntax error, or a source that the
        others need (ontology, shapes) is excluded.
    :raises ValidationError: the data breaks a shape; ``.report`` lists every result.
    """
    excluded = [source_named(n) for n in exclude]
    needed = [s.name for s in excluded if s.is_shapes or s.name == "ontology"]
    if needed:
        raise InputError(f"cannot exclude {', '.join(needed)}: every other source is checked against it")
    selected = [source_named(n) for n in names] if names else list(SOURCES)
    selected = [s for s in selected if s not in excluded]
    summary = LoadSummary()
    started = time.perf_counter()
    parsed = {source.name: parse_source(source, root, progress) for source in selected}
    summary.seconds["parse"] = time.perf_counter() - started

    def content(source: Source) -> list[ParsedFile]:
        if source.name in parsed:
            return parsed[source.name]
        progress(f"read graph {source.name} from the store")
        return [ParsedFile(Path(f"<store graph {source.name}>"), store.read_graph(source.graph))]

    shapes = union(p.graph for s in SOURCES if s.is_shapes for p in content(s))
    if not len(shapes):
        raise InputError("no SHACL shapes: load the shapes source first (genskills load)")
    new = [p for s in selected if not s.is_shapes for p in parsed[s.name]]
    context = [p for s in SOURCES if not s.is_shapes and s.name not in parsed and s not in excluded
               for p in content(s)]
    started = time.perf_counter()
    report = validate_files(new, context, shapes, progress)
    summary.seconds["validate"] = time.perf_counter() - started
    summary.report = report
    if not report.conforms:
        raise ValidationError(
            f"the data does not conform to the shapes ({len(report.violations)} violation(s)); "
            "nothing was written to the store", report=report)

    progress("write to the store")
    started = time.perf_counter()
    graphs = {source.graph: union(p.graph for p in parsed[source.name]) for source in selected}
    graphs.update({source.graph: Graph() for source in excluded})   # an empty graph is dropped
    store.replace_graphs(graphs)
    summary.seconds["write"] = time.perf_counter() - started
    summary.triples = {source.name: len(graphs[source.graph]) for source in [*selected, *excluded]}
    return summary


def shipped_shapes(root: Path, progress: Progress = _quiet) -> Graph:
    return union(p.graph for s in SOURCES if s.is_shapes for p in parse_source(s, root, progress))


def shipped_data(root: Path, progress: Progress = _quiet) -> list[ParsedFile]:
    return [p for s in SOURCES if not s.is_shapes for p in parse_source(s, root, progress)]
