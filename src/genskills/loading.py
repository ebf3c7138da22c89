"""Loading the sources into a store: parse natively, validate as SPARQL, swap in atomically.

Nothing goes through rdflib on the way, which is what lets 100,000 courses load in minutes
rather than hours: Oxigraph's own parsers read the files, the SHACL shapes run as SPARQL
queries (``shacl_sparql``), and the derived graph is built by queries too.

- The on-disk embedded store is rebuilt (``store.Rebuild``): the new content is built in
  memory with the graphs the load keeps, validated, derived, bulk-written beside the store
  and swapped in with two renames.
- An in-memory store, or a remote one, gets staging graphs (``store.Staging``) in an Oxigraph
  store (a local copy, for a remote store) and one SPARQL Update request to commit.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from .errors import InputError, NotFoundError, ShapesNotCompiledError, ValidationError
from .formats import format_for_path
from .namespaces import INFERRED_GRAPH
from .rdfio import parse_file, subject_lines, union
from .shacl_sparql import CompiledShapes, compile_shapes
from .sources import SOURCES, Source, source_named
from .store import OxigraphStore, Staging, Store, file_subjects
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
    """Finds the file and line where a focus node is defined, for messages.

    Lazy: the files are scanned the first time a result asks, so a load that breaks
    no rule never reads its 100 MB of Turtle twice.
    """

    def __init__(self):
        self._files: list[tuple[Path, Callable[[], Iterable[str]]]] = []
        self._where: dict[str, tuple[str, int | None]] | None = None

    def add(self, path: Path, subjects: Callable[[], Iterable[str]]) -> None:
        """``subjects`` gives the IRIs the file defines (called only if needed)."""
        self._files.append((Path(path), subjects))

    def __call__(self, focus: str) -> tuple[str | None, int | None]:
        if self._where is None:
            self._where = {}
            for path, subjects in self._files:
                lines = subject_lines(path) if path.suffix == ".ttl" and path.is_file() else {}
                for subject in subjects():
                    self._where.setdefault(subject, (str(path), lines.get(subject)))
        return self._where.get(focus, (None, None))


@dataclass
class PreparedShapes:
    """Shapes read and compiled once, to validate many times (compiling takes ~0.5 s)."""

    graph: Graph
    compiled: CompiledShapes | None   # None: the shapes need pySHACL (the reason is in ``why``)
    why: str = ""


def prepare_shapes(shapes: Graph) -> PreparedShapes:
    try:
        return PreparedShapes(shapes, compile_shapes(shapes))
    except ShapesNotCompiledError as exc:
        return PreparedShapes(shapes, None, str(exc))


def store_shapes(store: Store) -> PreparedShapes:
    """The shapes the store holds, prepared.

    :raises InputError: the store holds no shapes.
    """
    shapes = union(store.read_graph(s.graph) for s in SOURCES if s.is_shapes)
    if not len(shapes):
        raise InputError("no SHACL shapes in the store: load it first (genskills load)")
    return prepare_shapes(shapes)


def validate_graphs(store: OxigraphStore, graphs: list[str], shapes: Graph | PreparedShapes, *,
                    focus: set[str] | None = None, locate: Locator | None = None,
                    progress: Progress = _quiet) -> ValidationReport:
    """Validate the union of ``graphs`` of ``store`` (only ``focus`` nodes, if given).

    The shapes run as SPARQL in the store; shapes that use a SHACL feature the compiler
    does not handle fall back on pySHACL over an rdflib copy of the graphs (slow, but
    right), and the progress line says why.
    """
    prepared = shapes if isinstance(shapes, PreparedShapes) else prepare_shapes(shapes)
    if prepared.compiled is None:
        progress(f"validate (pySHACL: {prepared.why})")
        data = union(store.read_graph(g) for g in graphs)
        report = validate(data, prepared.graph, locate=locate)
        return report.only_for(focus) if focus is not None else report
    progress("validate (SHACL)")
    return prepared.compiled.validate(store, graphs, focus=focus, locate=locate)


def _shapes(store: Store, root: Path, reloaded: list[Source], progress: Progress) -> Graph:
    """The shapes the load validates with: from the files if reloaded, else from the store."""
    graphs = []
    for source in SOURCES:
        if not source.is_shapes:
            continue
        if source in reloaded:
            graphs += [parse_file(path) for path in source.files(root)]
        else:
            progress(f"read graph {source.name} from the store")
            graphs.append(store.read_graph(source.graph))
    shapes = union(graphs)
    if not len(shapes):
        raise InputError("no SHACL shapes: load the shapes source first (genskills load)")
    return shapes


def load_sources(store: Store, root: Path, names: list[str] | None = None, *,
                 exclude: list[str] | tuple[str, ...] = (), progress: Progress = _quiet) -> LoadSummary:
    """Build or rebuild the named graphs of ``names`` (all sources by default).

    The new data is validated with every graph it links to: the sources not reloaded
    stay in the store and take part. The ``exclude``d sources are removed from the
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
    if isinstance(store, OxigraphStore) and store.path is not None:
        return _load_by_rebuild(store, root, selected, excluded, progress)
    return _load_by_staging(store, root, selected, excluded, progress)


def _files(source: Source, root: Path) -> list[Path]:
    files = source.files(root)
    if not files and not source.optional:
        raise NotFoundError(f"source {source.name}: no file matches {', '.join(source.patterns)} under {root}")
    return files


def _shown(path: Path, root: Path | None) -> Path:
    return path.relative_to(root) if root is not None and path.is_relative_to(root) else path


def _stage_files(staging: Staging, target: str, paths: Iterable[Path], locator: Locator, progress: Progress,
                 *, root: Path | None = None, defined: set[str] | None = None) -> list[str]:
    """Stage each file for ``target``, tell ``locator`` where to find what it defines.

    With ``defined``, the IRIs the files define are gathered there too (the focus of a
    check); they are then read once. Without, the locator reads them only if a result
    needs a line number. The staging graphs' names are returned.
    """
    names = []
    for path in map(Path, paths):
        progress(f"parse {_shown(path, root)}")
        name = staging.add_file(target, path, format_for_path(str(path)))
        names.append(name)
        if defined is None:
            locator.add(path, lambda name=name: staging.store.subjects(name))
        else:
            subjects = staging.store.subjects(name)
            defined |= subjects
            locator.add(path, lambda subjects=subjects: subjects)
    return names


def _check(report: ValidationReport) -> None:
    if not report.conforms:
        raise ValidationError(
            f"the data does not conform to the shapes ({len(report.violations)} violation(s)); "
            "nothing was written to the store", report=report)


def _load_by_rebuild(store: OxigraphStore, root: Path, selected: list[Source], excluded: list[Source],
                     progress: Progress) -> LoadSummary:
    """The on-disk embedded store: a new store built with bulk loads, validated, swapped in."""
    summary = LoadSummary()
    locator = Locator()
    replaced = {s.graph for s in [*selected, *excluded]}
    with store.rebuild() as rebuild:
        started = time.perf_counter()
        for source in selected:
            for path in _files(source, root):
                progress(f"parse {_shown(path, root)}")
                fmt = format_for_path(str(path))
                rebuild.add_file(source.graph, path, fmt)
                locator.add(path, lambda path=path, fmt=fmt: file_subjects(path, fmt))
        # Every other graph is kept as it is: other sources, and graphs made by SPARQL Update.
        for graph in store.graph_names():
            if graph not in replaced and graph != str(INFERRED_GRAPH):
                progress(f"keep graph {_graph_name(graph)}")
                rebuild.copy_graph(graph)
                locator.add(Path(f"<store graph {_graph_name(graph)}>"), lambda g=graph: rebuild.store.subjects(g))
        summary.seconds["parse"] = time.perf_counter() - started

        shapes_graphs = {s.graph for s in SOURCES if s.is_shapes}
        shapes = union(rebuild.store.read_graph(g) for g in shapes_graphs)
        if not len(shapes):
            raise InputError("no SHACL shapes: load the shapes source first (genskills load)")
        data_graphs = [g for g in rebuild.store.graph_names() if g not in shapes_graphs]
        started = time.perf_counter()
        summary.report = validate_graphs(rebuild.store, data_graphs, shapes, locate=locator, progress=progress)
        summary.seconds["validate"] = time.perf_counter() - started
        _check(summary.report)

        progress("derive and write to the store")
        started = time.perf_counter()
        rebuild.derive()
        summary.triples = {s.name: rebuild.store.count(s.graph) for s in [*selected, *excluded]}
        rebuild.swap()
        summary.seconds["write"] = time.perf_counter() - started
    return summary


def _graph_name(graph: str) -> str:
    source = next((s for s in SOURCES if s.graph == graph), None)
    return source.name if source else graph


def _load_by_staging(store: Store, root: Path, selected: list[Source], excluded: list[Source],
                     progress: Progress) -> LoadSummary:
    """An in-memory or remote store: staging graphs in an Oxigraph store, one update to commit.

    A remote store is checked in a local in-memory copy of the graphs the new data
    links to, then written with one update request.
    """
    context = [s for s in SOURCES if s not in selected and s not in excluded and not s.is_shapes]
    summary = LoadSummary()
    local = isinstance(store, OxigraphStore)
    area = store if local else OxigraphStore()
    locator = Locator()
    with area.staging() as staging:
        started = time.perf_counter()
        for source in selected:
            staging.expect(source.graph)
            _stage_files(staging, source.graph, _files(source, root), locator, progress, root=root)
        for source in excluded:
            staging.expect(source.graph)
        shapes = _shapes(store, root, selected, progress)
        summary.seconds["parse"] = time.perf_counter() - started

        data_graphs = [name for s in selected if not s.is_shapes for name in staging.staged[s.graph]]
        for source in context:
            if local:
                data_graphs.append(source.graph)
            else:
                progress(f"read graph {source.name} from the store")
                # Staged under its own name but never written back: only the reloaded
                # and excluded graphs are sent to the remote store below.
                data_graphs.append(staging.add_graph(source.graph, store.read_graph(source.graph)))
            locator.add(Path(f"<store graph {source.name}>"), lambda s=source: _subjects(store, s.graph))
        started = time.perf_counter()
        summary.report = validate_graphs(area, data_graphs, shapes, locate=locator, progress=progress)
        summary.seconds["validate"] = time.perf_counter() - started
        _check(summary.report)

        progress("write to the store")
        started = time.perf_counter()
        written = [*selected, *excluded]
        summary.triples = {source.name: staging.count(source.graph) for source in written}
        if local:
            staging.commit()
        else:
            store.replace_graphs({source.graph: staging.read(source.graph) for source in written})
        summary.seconds["write"] = time.perf_counter() - started
    return summary


def _subjects(store: Store, graph: str) -> list[str]:
    result = store.query(f"SELECT DISTINCT ?s WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} FILTER(isIRI(?s)) }}")
    return [str(row[0]) for row in result.rows]


def parse_source(source: Source, root: Path, progress: Progress = _quiet) -> list[ParsedFile]:
    files = source.files(root)
    if not files and not source.optional:
        raise NotFoundError(f"source {source.name}: no file matches {', '.join(source.patterns)} under {root}")
    return parse_files(files, progress, root=root)


def parse_files(paths: Iterable[Path], progress: Progress = _quiet, *, root: Path | None = None) -> list[ParsedFile]:
    """Parse each file into rdflib; progress names it relative to ``root`` when it lies below it."""
    parsed = []
    for path in map(Path, paths):
        shown = path.relative_to(root) if root is not None and path.is_relative_to(root) else path
        progress(f"parse {shown}")
        parsed.append(ParsedFile(path, parse_file(path)))
    return parsed


def shipped_shapes(root: Path, progress: Progress = _quiet) -> Graph:
    return union(p.graph for s in SOURCES if s.is_shapes for p in parse_source(s, root, progress))


def shipped_data(root: Path, progress: Progress = _quiet) -> list[ParsedFile]:
    """The shipped data in rdflib graphs (for the reasoner and tests)."""
    return [p for s in SOURCES if not s.is_shapes for p in parse_source(s, root, progress)]


def validate_files(paths: list[Path], root: Path, shapes: Graph, progress: Progress = _quiet) -> ValidationReport:
    """Validate files with the shipped data they link to; report on what the files define.

    With no ``paths``, the shipped data itself is validated. Runs in an in-memory
    Oxigraph store: the files are neither written nor compared with any store.
    """
    area = OxigraphStore()
    locator = Locator()
    given = {Path(p).resolve() for p in paths}
    with area.staging() as staging:
        graphs: list[str] = []
        focus: set[str] = set()
        for source in SOURCES:
            if not source.is_shapes:
                shipped = [path for path in source.files(root) if path.resolve() not in given]
                graphs += _stage_files(staging, source.graph, shipped, locator, progress, root=root)
        graphs += _stage_files(staging, "urn:genskills:given", paths, locator, progress, defined=focus)
        return validate_graphs(area, graphs, shapes, focus=focus if paths else None, locate=locator,
                               progress=progress)


def validate_against_store(store: Store, paths: list[Path], progress: Progress = _quiet, *,
                           shapes: PreparedShapes | None = None) -> ValidationReport:
    """Validate files together with what the store holds now; report on what they define.

    The files go to staging graphs of the store for the check, and are dropped after it:
    nothing is written. Only the nodes the files define are validated (with every graph
    they link to), so the check takes milliseconds whatever the size of the catalogue.
    ``shapes`` are the store's own (``store_shapes``), prepared by a caller that checks
    many files; they are read and compiled here otherwise.

    :raises InputError: a file is missing or invalid, or the store is not the embedded one.
    """
    if not isinstance(store, OxigraphStore):
        raise InputError("validating against the store needs the embedded store; with a remote store, "
                         "validate the files against the shipped data instead")
    shapes = shapes or store_shapes(store)
    skipped = {s.graph for s in SOURCES if s.is_shapes} | {str(INFERRED_GRAPH)}
    locator = Locator()
    with store.staging() as staging:
        focus: set[str] = set()
        graphs = [g for g in store.graph_names() if g not in skipped]
        graphs += _stage_files(staging, "urn:genskills:checked", paths, locator, progress, defined=focus)
        return validate_graphs(store, graphs, shapes, focus=focus, locate=locator, progress=progress)
