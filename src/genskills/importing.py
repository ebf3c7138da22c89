"""Imports of courses into a graph of their own: planned, checked, then written all or nothing.

A parser (``inventory.read_inventory`` for CSV/XLSX, ``jsonld_courses.read_course_jsonld``
for schema.org JSON-LD) turns a file into ``ParsedCourses``: an rdflib graph, where each
course came from (row, JSON path) and which column gave each property. Each import source
owns one named graph, ``graph/import/<name>``: importing a file again replaces that graph,
so a course dropped from the file is removed, and the same file imported twice changes
nothing (the parsers derive IRIs from the content, not from row order).

``plan_import`` compares the file with the graph (added, changed, removed, unchanged
subjects); ``apply_import`` validates the added and changed nodes with the SHACL shapes
together with every graph they link to, then replaces the graph and rebuilds the derived
graph in one transaction. Nothing is written when a rule is broken, or in a dry run.
"""

from __future__ import annotations

import re
import time
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal
from rdflib.namespace import RDF

from .errors import InputError, Problem, ProblemsError, ValidationError
from .loading import PreparedShapes, store_shapes, validate_graphs
from .namespaces import GRAPH, GSK, INFERRED_GRAPH, compact
from .sources import SOURCES
from .store import OxigraphStore, Store
from .validation import ValidationReport

#: Named graphs of imports: one per import source.
IMPORT_GRAPH_PREFIX = str(GRAPH["import/"])
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")

Progress = Callable[[str], None]


def _quiet(step: str) -> None:
    pass


def import_graph(name: str) -> str:
    """The graph of import source ``name`` (``[a-z0-9-]``, e.g. the file's stem in lower case).

    :raises InputError: the name has other characters.
    """
    if not _NAME.match(name):
        raise InputError(f"import source name {name!r}: use 1 to 63 of a-z, 0-9 and '-', starting "
                         "with a letter or digit (e.g. --source inventory-2026)")
    return IMPORT_GRAPH_PREFIX + name


def source_name_for(path_stem: str) -> str:
    """A default source name from a file name: ``Inventaire 2026_v2`` -> ``inventaire-2026-v2``."""
    import unicodedata
    ascii_text = unicodedata.normalize("NFKD", path_stem).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:63] or "import"


@dataclass
class ImportPlan:
    """What an import would change in its graph; ``content`` is the graph's new content."""

    graph: str
    content: Graph
    source: str
    locations: dict[str, str] = field(default_factory=dict)   # subject IRI -> "row 12"
    fields: dict[str, str] = field(default_factory=dict)      # property IRI -> column
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def changes(self) -> bool:
        return bool(self.added or self.changed or self.removed)

    def to_dict(self) -> dict:
        return {"graph": self.graph, "source": self.source,
                "added": self.added, "changed": self.changed, "removed": self.removed,
                "unchanged": len(self.unchanged)}

    def to_text(self, lang: str = "en") -> str:
        words = _WORDS[lang if lang in _WORDS else "en"]
        lines = [words["summary"].format(graph=self.graph, added=len(self.added), changed=len(self.changed),
                                         removed=len(self.removed), unchanged=len(self.unchanged))]
        for kind in ("added", "changed", "removed"):
            for iri in getattr(self, kind):
                where = self.locations.get(iri)
                lines.append(f"  {words[kind]} {compact(iri)}" + (f" ({where})" if where else ""))
        return "\n".join(lines)


_WORDS = {
    "en": {"summary": "{graph}: {added} added, {changed} changed, {removed} removed, {unchanged} unchanged",
           "added": "+", "changed": "~", "removed": "-"},
    "fr": {"summary": "{graph} : {added} ajoutés, {changed} modifiés, {removed} retirés, {unchanged} inchangés",
           "added": "+", "changed": "~", "removed": "-"},
}


def _by_subject(graph: Graph) -> dict[str, set]:
    blocks: dict[str, set] = defaultdict(set)
    for s, p, o in graph:
        if isinstance(s, BNode) or isinstance(o, BNode):
            # A subject's blank nodes cannot be compared triple by triple; the parsers make none.
            raise InputError("an import must not hold blank nodes: give every resource an IRI")
        blocks[str(s)].add((p, _value(o)))
    return blocks


def _value(term):
    """A term compared by value: ``"2000.0"^^xsd:decimal`` as read back from the store is ``2000``."""
    if isinstance(term, Literal) and term.datatype is not None and term.value is not None:
        return ("literal", str(term.datatype), term.value)
    return term


def plan_import(store: Store, parsed, *, graph: str) -> ImportPlan:
    """Compare a parsed file with what its import graph holds now.

    :raises ProblemsError: a course of the file is already defined in another graph (the
        shipped catalogue, another import): one place per course, or removing it from one
        source would leave it in the other.
    """
    new = _by_subject(parsed.graph)
    old = _by_subject(store.read_graph(graph))
    locations = {str(k): v for k, v in parsed.locations.items()}
    plan = ImportPlan(graph, parsed.graph, parsed.source, locations,
                      {str(k): v for k, v in parsed.fields.items()})
    for subject in sorted(new):
        if subject not in old:
            plan.added.append(subject)
        elif new[subject] != old[subject]:
            plan.changed.append(subject)
        else:
            plan.unchanged.append(subject)
    plan.removed = sorted(set(old) - set(new))
    _check_no_course_elsewhere(store, parsed.graph, graph, locations)
    return plan


def _check_no_course_elsewhere(store: Store, content: Graph, graph: str, locations: dict[str, str]) -> None:
    courses = sorted({str(s) for s in content.subjects(RDF.type, GSK.Course)})
    if not courses:
        return
    found: list[Problem] = []
    for start in range(0, len(courses), 500):      # bounded VALUES blocks
        values = " ".join(f"<{iri}>" for iri in courses[start:start + 500])
        result = store.query(
            f"SELECT DISTINCT ?course ?g WHERE {{ VALUES ?course {{ {values} }} GRAPH ?g {{ ?course ?p ?o }} "
            f"FILTER(?g != <{graph}> && ?g != <{INFERRED_GRAPH}>) }} ORDER BY ?course ?g")
        for row in result.rows:
            course, other = str(row[0]), str(row[1])
            found.append(Problem(locations.get(course, compact(course)), "id", {
                "en": f"course {compact(course)} is already defined in graph {other}; a course belongs to one "
                      "source: give this row another id, or remove the course from the other source",
                "fr": f"la formation {compact(course)} est déjà définie dans le graphe {other} ; une formation "
                      "relève d'une seule source : donnez un autre identifiant à cette ligne, ou retirez la "
                      "formation de l'autre source"}))
    if found:
        raise ProblemsError(f"{len(found)} course(s) of the file are already defined elsewhere", problems=found)


@dataclass
class ImportResult:
    plan: ImportPlan
    report: ValidationReport
    written: bool
    seconds: dict[str, float] = field(default_factory=dict)


def apply_import(store: Store, plan: ImportPlan, *, shapes: PreparedShapes | None = None,
                 dry_run: bool = False, appended: Mapping[str, Graph] = {},
                 progress: Progress = _quiet) -> ImportResult:
    """Validate the added and changed nodes, then (unless ``dry_run``) replace the graph.

    Only the nodes the file adds or changes are validated, with every graph they link
    to (the old content of the import graph left out), so one new course is checked in
    milliseconds whatever the size of the catalogue. A remote store is checked in a
    local in-memory copy of its graphs. ``appended`` graphs (the edit history) are added
    to theirs in the same transaction.

    :raises ValidationError: a SHACL rule is broken; ``problems`` places each result at
        its row and column. Nothing is written.
    """
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    shapes = shapes or store_shapes(store)
    seconds["shapes"] = time.perf_counter() - started
    local = isinstance(store, OxigraphStore)
    area = store if local else OxigraphStore()
    skipped = {s.graph for s in SOURCES if s.is_shapes} | {str(INFERRED_GRAPH), plan.graph}
    with area.staging() as staging:
        started = time.perf_counter()
        staging.expect(plan.graph)
        graphs = [staging.add_graph(plan.graph, plan.content)]
        for name in store.graph_names():
            if name in skipped:
                continue
            if local:
                graphs.append(name)
            else:
                progress(f"read graph {name} from the store")
                # Staged under its own name but never written back (see below).
                graphs.append(staging.add_graph(name, store.read_graph(name)))
        focus = set(plan.added) | set(plan.changed)
        report = (validate_graphs(area, graphs, shapes, focus=focus, progress=progress) if focus
                  else ValidationReport())
        seconds["validate"] = time.perf_counter() - started
        if not report.conforms:
            problems = [_placed(result, plan) for result in report.violations]
            raise ValidationError(f"{plan.source}: {len(report.violations)} SHACL violation(s); nothing was "
                                  "written", report=report, problems=problems)
        if dry_run or not plan.changes:
            return ImportResult(plan, report, False, seconds)
        started = time.perf_counter()
        progress("write to the store")
        if local:
            for target, graph in appended.items():
                staging.append_graph(target, graph)
            staging.commit()
        else:
            store.replace_graphs({plan.graph: plan.content}, appended=appended)
        seconds["write"] = time.perf_counter() - started
    return ImportResult(plan, report, True, seconds)


def _placed(result, plan: ImportPlan) -> Problem:
    """A SHACL result as a problem of the input: the row of its node, the column of its property."""
    location = plan.locations.get(result.focus, compact(result.focus))
    column = plan.fields.get(result.path or "") or (compact(result.path) if result.path else None)
    return Problem(location, column, {"en": result.message("en"), "fr": result.message("fr")})


def read_courses(path: Path, vocabulary, *, illustrative: bool | None = None,
                 default_training_type: str | None = None):
    """Parse an import file by its extension: ``.csv``/``.xlsx`` inventory, ``.jsonld``/``.json`` schema.org.

    :raises InputError: another extension, a missing or unreadable file.
    :raises ProblemsError: every problem of the file, located.
    """
    from .inventory import read_inventory
    from .jsonld_courses import read_course_jsonld

    suffix = Path(path).suffix.lower()
    if suffix in (".csv", ".xlsx"):
        if illustrative is not None or default_training_type is not None:
            raise InputError("--illustrative and --training-type apply to JSON-LD files; an inventory says "
                             "both per row (columns illustrative, training_type)", path=str(path))
        return read_inventory(path, vocabulary)
    if suffix in (".jsonld", ".json"):
        return read_course_jsonld(path, vocabulary, illustrative=illustrative,
                                  default_training_type=default_training_type)
    raise InputError(f"unsupported import format {suffix or 'without extension'!r}: use .csv, .xlsx "
                     "(the inventory) or .jsonld, .json (schema.org Course)", path=str(path))


def import_file(store: Store, path: Path, *, source: str | None = None, dry_run: bool = False,
                illustrative: bool | None = None, default_training_type: str | None = None,
                progress: Progress = _quiet) -> ImportResult:
    """Read, plan, validate and (unless ``dry_run``) write one import file, all or nothing.

    The file's courses go to the graph of its source (``--source``, else the file name).
    """
    from .vocabulary import Vocabulary

    path = Path(path)
    graph = import_graph(source or source_name_for(path.stem))
    started = time.perf_counter()
    progress("read the vocabulary of the store")
    vocabulary = Vocabulary.from_store(store, without_graphs=(graph,))
    progress(f"read {path.name}")
    parsed = read_courses(path, vocabulary, illustrative=illustrative, default_training_type=default_training_type)
    progress("compare with the store")
    plan = plan_import(store, parsed, graph=graph)
    read_seconds = time.perf_counter() - started
    result = apply_import(store, plan, dry_run=dry_run, progress=progress)
    result.seconds = {"read": read_seconds, **result.seconds}
    return result
