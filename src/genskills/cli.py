"""The `genskills` command line: a thin shell over the core.

Exit codes: 0 success, 1 data does not conform (or is inconsistent), 2 bad input,
3 store or reasoner failure.
"""

from __future__ import annotations

import json
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import click

from . import __version__
from .config import SETTINGS, load_settings
from .errors import (ConfigError, GenskillsError, InconsistencyError, InputError, NotFoundError,
                     ProblemsError, QueryError, ValidationError)
from .importing import import_file
from .ontology_editing import add_class, add_competence, add_role, add_step
from .ontology_editing import deprecate as deprecate_term
from .ontology_editing import relabel as relabel_term
from .ontology_editing import usages as term_usages
from .loading import (load_sources, parse_files, shipped_data, shipped_shapes, validate_against_store,
                      validate_files)
from .ontology import reason as run_reasoner
from .analysis import Analysis, Constraints, Facets
from .backup import backup as take_backup
from .backup import restore as restore_backup
from .namespaces import compact
from .queries import expand_iri, load_queries, run_canned
from .rdfio import union
from .sources import SOURCES
from .stats import collect
from .store import open_store
from .csv_export import CSV_CLASSES, export_csv, export_csv_zip
from .dataset_metadata import dataset_description
from .docs_html import write_ontology_docs
from .formats import rdf_format
from .interop import catalogue_as_schemaorg, competence_scheme, esco_view
from .transfer import export as export_store
from .transfer import graph_iri, write_text
from .turtle_writer import canonical_text, normalise_turtle_file

EXIT_NOT_CONFORMANT = 1
EXIT_BAD_INPUT = 2
EXIT_FAILURE = 3

_SETTING_HELP = "; ".join(f"{s.env}: {s.help}" for s in SETTINGS)


def _exit_code(exc: GenskillsError) -> int:
    if isinstance(exc, (ValidationError, InconsistencyError)):
        return EXIT_NOT_CONFORMANT
    if isinstance(exc, (InputError, QueryError, NotFoundError, ConfigError)):
        return EXIT_BAD_INPUT
    return EXIT_FAILURE


class _Steps:
    """Progress over named steps, on stderr: a bar on a terminal, one line a step elsewhere."""

    def __init__(self, label: str, total: int):
        self._label = label
        self._total = total
        self._done = 0
        self._bar = None
        if sys.stderr.isatty():
            self._bar = click.progressbar(length=total, label=label, file=sys.stderr,
                                          item_show_func=lambda s: s, show_eta=False)
            self._bar.__enter__()

    def __call__(self, step: str) -> None:
        self._done += 1
        if self._bar is None:
            click.echo(f"{self._label} [{min(self._done, self._total)}/{self._total}] {step}", err=True)
            return
        if self._done > 1:
            self._bar.update(1)
        self._bar.current_item = step
        self._bar.render_progress()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.update(self._bar.length - self._bar.pos)
            self._bar.current_item = "done"
            self._bar.__exit__(None, None, None)


@click.group(help=f"genskills: the knowledge graph of genomic-medicine skills, roles and courses.\n\n"
                  f"Settings can also come from the environment: {_SETTING_HELP}.")
@click.version_option(__version__, prog_name="genskills")
@click.option("--root", type=click.Path(file_okay=False), help="Project folder with ontology/, shapes/, data/.")
@click.option("--store", "store_path",
              help="Folder of the embedded store, or the URL of a remote SPARQL 1.1 endpoint.")
@click.option("--endpoint", help="Query URL of a remote SPARQL 1.1 endpoint to use as the store.")
@click.option("--update-endpoint", help="Update URL of that endpoint (default: the query URL).")
@click.option("--config", "config", type=click.Path(dir_okay=False),
              help="TOML file of settings (keys: the setting names; also GENSKILLS_CONFIG).")
@click.pass_context
def cli(ctx: click.Context, root, store_path, endpoint, update_endpoint, config) -> None:
    ctx.obj = dict(root=root, store_path=store_path, endpoint=endpoint, update_endpoint=update_endpoint,
                   config=config)


def _settings(ctx: click.Context):
    return load_settings(**ctx.obj)


@contextmanager
def _written(output: str, mode: str):
    """A file opened on ``output + ".partial"``, renamed to ``output`` only once complete.

    A failed or interrupted export never leaves a half-written file under the real name.
    """
    target = Path(output)
    partial = target.with_name(target.name + ".partial")
    try:
        with partial.open(mode, **({} if "b" in mode else {"encoding": "utf-8"})) as out:
            yield out
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)


def _existing_store(ctx: click.Context):
    """The store, opened read-only when embedded: reading commands never take the write lock."""
    settings = _settings(ctx)
    if not settings.endpoint and not settings.store_path.is_dir():
        raise NotFoundError(f"no store at {settings.store_path}: build it with `genskills load`")
    return open_store(settings, read_only=True)


@cli.command(help="Build or rebuild the store from ontology/, shapes/ and data/, then print a summary. "
                  "SOURCES limits the rebuild to some graphs: " + ", ".join(s.name for s in SOURCES) + ".")
@click.argument("sources", nargs=-1)
@click.option("--exclude", multiple=True, metavar="SOURCE",
              help="Leave a source out and remove it from the store, e.g. --exclude illustrative "
                   "to keep only the real courses.")
@click.option("--lang", type=click.Choice(["en", "fr"]), default="en", help="Language of messages.")
@click.pass_context
def load(ctx: click.Context, sources, exclude, lang) -> None:
    settings = _settings(ctx)
    store = open_store(settings)
    names = list(sources) or None
    reloaded = [s for s in SOURCES if (names is None or s.name in names) and s.name not in exclude]
    others = [s for s in SOURCES if s not in reloaded and s.name not in exclude]
    total = sum(len(s.files(settings.root)) for s in reloaded) + len(others) + 2
    steps = _Steps("loading", total)
    started = time.perf_counter()
    try:
        summary = load_sources(store, settings.root, names, exclude=list(exclude), progress=steps)
    except ValidationError as exc:
        steps.close()
        # The violations are what blocks the load: show them, and only count the warnings.
        for result in exc.report.violations:
            click.echo(result.to_text(lang), err=True)
        click.echo(exc.report.summary(lang), err=True)
        message = ("rien n'a été écrit dans la base" if lang == "fr" else "nothing was written to the store")
        click.echo(f"error: {message}", err=True)
        ctx.exit(EXIT_NOT_CONFORMANT)
    steps.close()
    elapsed = time.perf_counter() - started
    click.echo(f"loaded into {store.description} in {elapsed:.1f} s ("
               + ", ".join(f"{k} {v:.1f} s" for k, v in summary.seconds.items()) + ")")
    if exclude:
        click.echo("removed from the store: " + ", ".join(exclude))
    click.echo("validation: " + summary.report.summary(lang))
    click.echo(collect(store).to_text())


@cli.command(help="Remove graphs from the store: source names (" + ", ".join(s.name for s in SOURCES)
                  + ") or graph IRIs.")
@click.argument("graphs", nargs=-1, required=True)
@click.pass_context
def drop(ctx: click.Context, graphs) -> None:
    store = open_store(_settings(ctx))
    iris = [graph_iri(g) for g in graphs]
    store.drop_graphs(iris)
    click.echo("dropped: " + ", ".join(graphs))
    click.echo(collect(store).to_text())


@cli.command(help="Validate FILES (default: the shipped ontology and data) against the SHACL shapes. "
                  "Exit 0 conforms (warnings allowed), 1 does not, 2 bad input.")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "ttl"]), default="text")
@click.option("--lang", type=click.Choice(["en", "fr"]), default="en", help="Language of messages.")
@click.option("--shapes", "shapes_files", multiple=True, type=click.Path(dir_okay=False),
              help="Shapes file(s) to use instead of the shipped shapes/.")
@click.option("--against-store", is_flag=True,
              help="Check FILES with what the store holds now (and its shapes) instead of the shipped "
                   "files: fast whatever the size of the catalogue; nothing is written.")
@click.pass_context
def validate(ctx: click.Context, files, fmt, lang, shapes_files, against_store) -> None:
    settings = _settings(ctx)
    if against_store and (not files or shapes_files):
        raise InputError("--against-store needs FILES to check, and uses the store's own shapes (no --shapes)")
    total = sum(len(s.files(settings.root)) for s in SOURCES) + len(files) + len(shapes_files) + 1
    steps = _Steps("validating", total)
    try:
        if against_store:
            if not settings.endpoint and not settings.store_path.is_dir():
                raise NotFoundError(f"no store at {settings.store_path}: build it with `genskills load`")
            # Staging the files for the check needs the write lock: not while a server runs.
            report = validate_against_store(open_store(settings), [Path(f) for f in files], steps)
        else:
            shapes = union(p.graph for p in parse_files(map(Path, shapes_files), steps)) if shapes_files \
                else shipped_shapes(settings.root, steps)
            # With FILES: checked with the shipped data they link to, reported on what they define.
            report = validate_files([Path(f) for f in files], settings.root, shapes, steps)
    finally:
        steps.close()
    if fmt == "json":
        click.echo(report.to_json(lang))
    elif fmt == "ttl":
        click.echo(report.to_turtle())
    else:
        click.echo(report.to_text(lang))
    ctx.exit(0 if report.conforms else EXIT_NOT_CONFORMANT)


@cli.command("import", help="Import courses from FILE: the working group's inventory (.csv, .xlsx; "
                             "columns in docs/import.md) or schema.org / Bioschemas Course JSON-LD (.jsonld, "
                             ".json). The courses go to the graph of their source (graph/import/NAME), which "
                             "they replace: a course gone from the file is removed, and the same file imported "
                             "again changes nothing. Everything is checked (labels, types, SHACL shapes with "
                             "the data the courses link to) before anything is written; all or nothing.")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--source", help="Name of the import source, a-z 0-9 - (default: from the file name).")
@click.option("--dry-run", is_flag=True, help="Check and show what would change (added, changed, removed "
                                              "courses); write nothing.")
@click.option("--lang", type=click.Choice(["en", "fr"]), default="en", help="Language of messages.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--illustrative/--real", default=None,
              help="JSON-LD only: mark every course illustrative (or real, which needs a source URL); "
                   "default: each course's gsk:illustrative key.")
@click.option("--training-type", help="JSON-LD only: training type (id or label) of courses that name none.")
@click.pass_context
def import_(ctx: click.Context, file, source, dry_run, lang, fmt, illustrative, training_type) -> None:
    settings = _settings(ctx)
    if not settings.endpoint and not settings.store_path.is_dir():
        raise NotFoundError(f"no store at {settings.store_path}: build it with `genskills load`")
    store = open_store(settings)   # the write lock: not while a server runs on the same store
    steps = _Steps("importing", 5)
    try:
        result = import_file(store, Path(file), source=source, dry_run=dry_run, illustrative=illustrative,
                             default_training_type=training_type, progress=steps)
    except (ProblemsError, ValidationError) as exc:
        steps.close()
        _show_problems(exc, file, lang, fmt)
        ctx.exit(EXIT_NOT_CONFORMANT if isinstance(exc, ValidationError) else EXIT_BAD_INPUT)
    steps.close()
    if fmt == "json":
        click.echo(json.dumps({"ok": True, "written": result.written, "dry_run": dry_run, **result.plan.to_dict(),
                               "seconds": {k: round(v, 3) for k, v in result.seconds.items()}},
                              ensure_ascii=False, indent=2))
        return
    click.echo(result.plan.to_text(lang))
    done = {"en": ("written", "dry run: nothing written", "nothing to change"),
            "fr": ("écrit", "essai : rien n'a été écrit", "rien à changer")}[lang]
    click.echo(done[0] if result.written else done[1] if dry_run else done[2])


def _show_problems(exc, file, lang: str, fmt: str) -> None:
    """Every problem of an import, where it is and what is wrong (stdout: they are the answer)."""
    problems = exc.problems
    if fmt == "json":
        click.echo(json.dumps({"ok": False, "file": str(file), "error": str(exc),
                               "problems": [{"location": p.location, "field": p.field, "message": p.message}
                                            for p in problems]}, ensure_ascii=False, indent=2))
        return
    for problem in problems:
        click.echo(f"{file}: {problem.text(lang)}")
    header = {"en": f"{len(problems)} problem(s); nothing was written",
              "fr": f"{len(problems)} problème(s) ; rien n'a été écrit"}[lang]
    click.echo(header, err=True)


@cli.command(help="Run a SPARQL query from FILE (or - for standard input), or a canned query of "
                  "queries/ with --name and --param, on the store.")
@click.argument("file", type=click.File("r", encoding="utf-8"), required=False)
@click.option("--name", help="A canned query of queries/ (its file name without .rq).")
@click.option("--param", "params", multiple=True, metavar="KEY=VALUE", help="A parameter of the canned query.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "tsv"]), default="table")
@click.pass_context
def query(ctx: click.Context, file, name, params, fmt) -> None:
    store = _existing_store(ctx)
    if (file is None) == (name is None):
        raise InputError("give either a query FILE (or -) or --name of a canned query")
    if name is not None:
        canned = load_queries(_settings(ctx).root / "queries")
        if name not in canned:
            raise NotFoundError(f"no canned query named {name!r}; the canned queries are: {', '.join(canned)}")
        args = {}
        for item in params:
            key, sep, value = item.partition("=")
            if not sep:
                raise InputError(f"--param {item!r}: write KEY=VALUE")
            args[key] = value
        result = run_canned(store, canned[name], args)
    else:
        if params:
            raise InputError("--param goes with --name")
        result = store.query(file.read())
    text = result.render(fmt)
    click.echo(text, nl=not text.endswith("\n"))


@cli.command(help="Export the whole dataset or one graph as RDF (streamed), a class as CSV, or a view for "
                  "other systems: --profile schemaorg (Bioschemas Course JSON-LD), skos (the competence "
                  "framework as a SKOS concept scheme), esco (role-competence links with ESCO's properties); "
                  "--metadata: the DCAT/VoID description of the dataset. See docs/export.md.")
@click.option("--format", "fmt", type=click.Choice(["ttl", "nt", "nq", "trig", "jsonld", "xml", "csv"]),
              help="RDF format (default trig; ttl for --profile skos/esco and --metadata), or csv with --class.")
@click.option("--graph", help="A source name (" + ", ".join(s.name for s in SOURCES)
                              + "), 'inferred', or a graph IRI; default: every graph.")
@click.option("--class", "cls", help="With --format csv: the class (" + ", ".join(CSV_CLASSES) + "), or 'all' "
                                     "for a zip of every class.")
@click.option("--profile", type=click.Choice(["schemaorg", "skos", "esco"]))
@click.option("--metadata", is_flag=True, help="The DCAT/VoID/PROV description of the dataset.")
@click.option("--include-illustrative", is_flag=True, help="--profile schemaorg: also the illustrative courses "
                                                           "(marked creativeWorkStatus gsk:Illustrative).")
@click.option("--lang", type=click.Choice(["en", "fr"]), help="CSV and schema.org: the language of the texts.")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="File to write (default: standard output).")
@click.pass_context
def export(ctx: click.Context, fmt, graph, cls, profile, metadata, include_illustrative, lang, output) -> None:
    settings = _settings(ctx)
    store = _existing_store(ctx)
    chosen = [name for name, given in (("--profile", profile), ("--metadata", metadata), ("--class", cls)) if given]
    if len(chosen) > 1:
        raise InputError(f"{' and '.join(chosen)} are different exports: give one")
    if (fmt == "csv") != bool(cls):
        raise InputError("a CSV export is of one class: give --format csv with --class NAME (or 'all')")
    if graph and (profile or metadata or cls):
        raise InputError("--graph chooses a graph of an RDF dump; the views and the CSV read every graph")

    def write(out) -> None:
        if cls == "all":
            export_csv_zip(store, out, lang=lang)
        elif cls:
            write_text(out, lambda text: export_csv(store, cls, text, lang=lang))
        elif profile == "schemaorg":
            write_text(out, lambda text: catalogue_as_schemaorg(store, text, lang=lang or "en",
                                                            include_illustrative=include_illustrative,
                                                            root=settings.root))
        elif profile or metadata:
            view = (competence_scheme(store) if profile == "skos" else esco_view(store) if profile == "esco"
                    else dataset_description(store, settings.root))
            out.write(view.serialize(format=rdf_format(fmt or "ttl").rdflib_name, encoding="utf-8"))
        else:
            export_store(store, out, fmt or "trig", graph=graph, root=settings.root)

    if output:
        with _written(output, "wb") as out:
            write(out)
    else:
        write(sys.stdout.buffer)
        sys.stdout.buffer.flush()


@cli.command(help="Write the HTML documentation of the ontology (pyLODE), in French and English, to --out.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), required=True)
@click.pass_context
def docs(ctx: click.Context, out_dir) -> None:
    pages = write_ontology_docs(_settings(ctx).root, Path(out_dir))
    for name, path in pages.items():
        click.echo(f"{name}: {path}")


@cli.command(help="Check with the HermiT reasoner that the ontology (and the shipped data) is consistent, "
                  "and summarise the inferred facts. Exit 1 if inconsistent.")
@click.option("--ontology-only", is_flag=True, help="Reason on the ontology alone, without the data.")
@click.pass_context
def reason(ctx: click.Context, ontology_only) -> None:
    settings = _settings(ctx)
    steps = _Steps("reasoning", 2)
    try:
        steps("parse")
        parsed = [p for p in shipped_data(settings.root)
                  if not ontology_only or p.path.parent.name == "ontology"]
        steps("HermiT")
        summary = run_reasoner(union(p.graph for p in parsed))
    finally:
        steps.close()
    click.echo(summary.to_text())
    ctx.exit(0 if summary.consistent else EXIT_NOT_CONFORMANT)


@cli.command(help="Counts of instances per class and triples per graph in the store.")
@click.pass_context
def stats(ctx: click.Context) -> None:
    click.echo(collect(_existing_store(ctx)).to_text())


@cli.command(help="Write a deterministic SYNTHETIC course catalogue (Turtle) that conforms to the shapes, "
                  "for benchmarks: every course is flagged gsk:synthetic and gsk:illustrative.")
@click.option("--courses", type=click.IntRange(1, 10_000_000), required=True, help="Number of courses.")
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same file.")
@click.option("--out", "output", type=click.Path(dir_okay=False), help="File to write (default: standard output).")
@click.pass_context
def generate(ctx: click.Context, courses, seed, output) -> None:
    from .generate import generate as write_catalogue
    from .generate import read_reference

    reference = read_reference(_settings(ctx).root)
    bar = click.progressbar(length=courses, label="generating", file=sys.stderr)
    bar.__enter__()
    done = [0]

    def progress(count: int) -> None:
        bar.update(count - done[0])
        done[0] = count

    try:
        if output:
            with _written(output, "w") as out:
                write_catalogue(out, courses=courses, seed=seed, reference=reference, progress=progress)
        else:
            write_catalogue(sys.stdout, courses=courses, seed=seed, reference=reference, progress=progress)
    finally:
        bar.__exit__(None, None, None)


def _analysis(ctx: click.Context) -> Analysis:
    return Analysis(_existing_store(ctx), load_queries(_settings(ctx).root / "queries"))


def _show_table(table, fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps(table.to_json(), ensure_ascii=False, indent=2))
    else:
        text = table.to_csv() if fmt == "csv" else table.to_text()
        click.echo(text, nl=False)


_ANSWER_FORMAT = click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table")
_LANG = click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", help="Language of the labels.")


def _iri(value: str | None) -> str | None:
    return expand_iri(value) if value else None


@cli.command(help="Coverage: how many courses cover each competence, competence domain or care-pathway step "
                  "(--by), or the competences x regions matrix (--by matrix), counting only the courses that "
                  "pass the facets given. See docs/analysis.md.")
@click.option("--by", type=click.Choice(["competence", "domain", "step", "matrix"]), default="step")
@click.option("--region", help="e.g. region-84: courses taught there or online.")
@click.option("--training-type", help="e.g. type-master.")
@click.option("--level", type=int, help="EQF level of the course (or of its training type).")
@click.option("--mode", help="gsk:OnSite, gsk:Online or gsk:Blended.")
@_LANG
@_ANSWER_FORMAT
@click.pass_context
def coverage(ctx: click.Context, by, region, training_type, level, mode, lang, fmt) -> None:
    facets = Facets(region=_iri(region), training_type=_iri(training_type), level=level, mode=_iri(mode))
    analysis = _analysis(ctx)
    if by == "matrix":
        matrix = analysis.matrix(facets, lang=lang)
        if fmt == "json":
            click.echo(json.dumps(matrix.to_json(), ensure_ascii=False, indent=2))
            return
        _show_table(matrix.table(), fmt)
        return
    _show_table(analysis.coverage(by, facets, lang=lang), fmt)


def _constraint_options(command):
    for option in reversed([
        click.option("--region", help="e.g. region-84: courses taught there or online."),
        click.option("--max-level", type=int, help="Highest EQF level; courses with no stated level pass."),
        click.option("--mode", help="gsk:OnSite, gsk:Online or gsk:Blended."),
    ]):
        command = option(command)
    return command


@cli.command(help="Gaps: with --role, the role's essential competences that no course passing the constraints "
                  "covers, and why (no-course, or excluded by the constraints); without, the competences and "
                  "steps of the whole catalogue covered by no course or by courses of one region only.")
@click.option("--role", help="e.g. role-bioinformatician.")
@_constraint_options
@_LANG
@_ANSWER_FORMAT
@click.pass_context
def gaps(ctx: click.Context, role, region, max_level, mode, lang, fmt) -> None:
    analysis = _analysis(ctx)
    if role is None:
        if region or max_level is not None or mode:
            raise InputError("--region, --max-level and --mode go with --role")
        _show_table(analysis.catalogue_gaps(lang=lang), fmt)
        return
    constraints = Constraints(region=_iri(region), max_level=max_level, mode=_iri(mode))
    _show_table(analysis.role_gaps(_iri(role), constraints, lang=lang), fmt)


@cli.command(help="Learning path: the fewest courses that teach a role's essential competences a person lacks, "
                  "in care-pathway order, with what stays uncovered and why. Exact set cover up to "
                  "--exact-limit useful courses, greedy (within H(d) of the optimum) beyond.")
@click.option("--role", required=True, help="e.g. role-bioinformatician.")
@click.option("--have", multiple=True, metavar="COMPETENCE",
              help="A competence (or domain) the person already has; repeat the option.")
@_constraint_options
@click.option("--training-type", "training_types", multiple=True, metavar="TYPE",
              help="Admit only this training type (repeat for several), e.g. type-du.")
@click.option("--exact-limit", type=click.IntRange(0, 25), default=20, show_default=True)
@_LANG
@_ANSWER_FORMAT
@click.pass_context
def path(ctx: click.Context, role, have, region, max_level, mode, training_types, exact_limit, lang, fmt) -> None:
    constraints = Constraints(region=_iri(region), max_level=max_level, mode=_iri(mode),
                              training_types=frozenset(expand_iri(t) for t in training_types))
    answer = _analysis(ctx).learning_path(role, have=have, constraints=constraints, lang=lang,
                                          exact_limit=exact_limit)
    if fmt == "json":
        click.echo(json.dumps(answer.to_json(), ensure_ascii=False, indent=2))
        return
    if fmt == "csv":
        click.echo(answer.table().to_csv(), nl=False)
        return
    click.echo(f"{len(answer.courses)} course(s) for {len(answer.needed)} missing essential competence(s) "
               f"({answer.method}, {answer.bound}); {len(answer.already_had)} already had")
    for index, course in enumerate(answer.courses, 1):
        steps = ", ".join(str(step) for step in course.steps) or "-"
        click.echo(f"{index}. {course.label or course.iri} [{compact(course.iri)}] steps {steps}"
                   + (" (illustrative)" if course.illustrative else ""))
        for competence in course.covers:
            click.echo(f"     - {answer.labels.get(competence) or compact(competence)}")
    for competence, reason in sorted(answer.uncovered.items()):
        click.echo(f"not covered: {answer.labels.get(competence) or compact(competence)} ({reason})")


@cli.command(help="Copy the embedded store to a new folder: a consistent checkpoint with a manifest. While a "
                  "server runs on the store, its newest snapshot (every acknowledged write) is copied.")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.pass_context
def backup(ctx: click.Context, folder: Path) -> None:
    settings = _settings(ctx)
    if settings.endpoint:
        raise InputError("backup copies the embedded store; back up a remote endpoint with its own tools, "
                         "or with `genskills export --format nq`")
    info = take_backup(settings.store_path, folder)
    click.echo(f"backed up {info.quads} quads from {info.source} to {info.folder}")


@cli.command(help="Replace the embedded store with a backup (after checking it); the replaced store is kept "
                  "beside it as <store>.before-restore-<time>. Refused while a server runs on the store.")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.pass_context
def restore(ctx: click.Context, folder: Path) -> None:
    settings = _settings(ctx)
    if settings.endpoint:
        raise InputError("restore replaces the embedded store; a remote endpoint restores with its own tools")
    replaced = restore_backup(folder, settings.store_path)
    click.echo(f"restored {settings.store_path} from {folder}"
               + (f"; the store it replaced is kept at {replaced}" if replaced else ""))


@cli.command(help="Serve the SPARQL endpoint (/sparql), the canned queries (/api/queries) and their OpenAPI "
                  "description (/api/openapi.json). An empty embedded store is loaded first.")
@click.option("--host", help="Address to listen on (default 127.0.0.1).")
@click.option("--port", type=int, help="Port to listen on (default 8080; 0 picks a free one).")
@click.option("--threads", type=int, help="HTTP threads (default 8).")
@click.option("--query-workers", type=int, help="Processes running queries on the embedded store (default 2).")
@click.option("--query-timeout", type=float, help="Seconds a query may run (default 5).")
@click.option("--query-memory-mb", type=int, help="Megabytes of memory a query worker may use (default 2048).")
@click.option("--max-rows", type=int, help="Rows a result may hold (default 10000).")
@click.pass_context
def serve(ctx: click.Context, host, port, threads, query_workers, query_timeout, query_memory_mb, max_rows) -> None:
    from .web.server import serve as run_server

    settings = load_settings(**ctx.obj).with_overrides(
        host=host, port=port, threads=threads, query_workers=query_workers, query_timeout=query_timeout,
        query_memory_mb=query_memory_mb, max_rows=max_rows)
    run_server(settings, progress=lambda step: click.echo(f"serve: {step}", err=True))



@cli.group(help="Edit the ontology and the reference vocabulary. Every edit is checked by the SHACL "
                "shapes and by HermiT before the files are written; nothing is ever deleted.")
def ontology() -> None:
    pass


def _edited(result) -> None:
    for name in result.changed:
        click.echo(f"wrote {name}")
    if not result.changed:
        click.echo("nothing to change")
    for usage in result.usages:
        click.echo(f"still used: {usage.to_text()}")
    for name, seconds in result.seconds.items():
        click.echo(f"{name}: {seconds:.1f} s", err=True)


def _run_edit(ctx: click.Context, edit, *args, **kwargs) -> None:
    """Errors go to main(): ProblemsError lists every problem (exit 2), ValidationError and
    InconsistencyError exit 1."""
    progress = lambda step: click.echo(f"edit: {step}", err=True)  # noqa: E731
    _edited(edit(_settings(ctx).root, *args, progress=progress, **kwargs))


_TEXTS = [click.option("--label-fr", required=True), click.option("--label-en", required=True),
          click.option("--definition-fr", required=True), click.option("--definition-en", required=True)]


def _texts(command):
    for option in reversed(_TEXTS):
        command = option(command)
    return command


@ontology.command("add-competence", help="Add a competence to data/reference/competences.ttl.")
@click.option("--id", "identifier", required=True, help="comp-<lower-case-words>")
@_texts
@click.option("--broader", required=True, help="Its domain (dom-*) or a broader competence (comp-*).")
@click.option("--step", "steps", multiple=True, help="A care-pathway step it serves (step-*).")
@click.option("--source", "sources", multiple=True, help="A source (source-*).")
@click.pass_context
def add_competence_command(ctx, identifier, label_fr, label_en, definition_fr, definition_en, broader, steps,
                           sources) -> None:
    _run_edit(ctx, add_competence, identifier, label_fr, label_en, definition_fr, definition_en, broader,
              steps, sources=sources)


@ontology.command("add-role", help="Add a professional role to data/reference/roles.ttl.")
@click.option("--id", "identifier", required=True, help="role-<lower-case-words>")
@_texts
@click.option("--domain", "domains", multiple=True, help="A competence domain the role needs (dom-*).")
@click.option("--step", "steps", multiple=True, help="A care-pathway step the role acts in (step-*).")
@click.option("--essential", multiple=True, help="An essential competence (default: by the rule of roles.ttl).")
@click.option("--optional", multiple=True, help="An optional competence (default: by the rule of roles.ttl).")
@click.option("--source", "sources", multiple=True, help="A source (source-*).")
@click.pass_context
def add_role_command(ctx, identifier, label_fr, label_en, definition_fr, definition_en, domains, steps,
                     essential, optional, sources) -> None:
    _run_edit(ctx, add_role, identifier, label_fr, label_en, definition_fr, definition_en, domains=domains,
              steps=steps, essential=essential or None, optional=optional or None, sources=sources)


@ontology.command("add-step", help="Add a care-pathway step at --order; the later steps move down one place.")
@click.option("--id", "identifier", required=True, help="step-<lower-case-words>")
@_texts
@click.option("--order", type=int, required=True, help="Its position: 1 for the first step.")
@click.option("--source", "sources", multiple=True, help="A source (source-*).")
@click.pass_context
def add_step_command(ctx, identifier, label_fr, label_en, definition_fr, definition_en, order, sources) -> None:
    _run_edit(ctx, add_step, identifier, label_fr, label_en, definition_fr, definition_en, order, sources=sources)


@ontology.command("add-class", help="Add an OWL class gsk:<ID> to ontology/genskills.ttl.")
@click.option("--id", "identifier", required=True, help="UpperCamelCase, e.g. ContinuingEducationCourse")
@_texts
@click.option("--parent", required=True, help="Its super-class, e.g. Course or gsk:Course.")
@click.option("--disjoint-with", "disjoint_with", multiple=True, help="A class it is disjoint with.")
@click.pass_context
def add_class_command(ctx, identifier, label_fr, label_en, definition_fr, definition_en, parent,
                      disjoint_with) -> None:
    _run_edit(ctx, add_class, identifier, label_fr, label_en, definition_fr, definition_en, parent,
              disjoint_with=disjoint_with)


@ontology.command(help="Replace the French or English label of a term.")
@click.argument("term")
@click.option("--lang", type=click.Choice(["fr", "en"]), required=True)
@click.option("--label", required=True)
@click.pass_context
def relabel(ctx, term, lang, label) -> None:
    _run_edit(ctx, relabel_term, term, lang, label)


@ontology.command(help="Deprecate a term (owl:deprecated, dct:isReplacedBy, the reason); nothing is deleted. "
                       "Lists the data that still uses it.")
@click.argument("term")
@click.option("--replaced-by", required=True, help="The term to use instead (same kind, not deprecated).")
@click.option("--reason-fr", required=True)
@click.option("--reason-en", required=True)
@click.pass_context
def deprecate(ctx, term, replaced_by, reason_fr, reason_en) -> None:
    _run_edit(ctx, deprecate_term, term, replaced_by, reason_fr, reason_en)


@ontology.command(help="List the statements of the project that use a term.")
@click.argument("term")
@click.pass_context
def usages(ctx, term) -> None:
    for usage in term_usages(_settings(ctx).root, term):
        click.echo(usage.to_text())


@ontology.command("format", help="Rewrite every file of ontology/, shapes/, data/reference/ and data/catalogue/ "
                                 "in the canonical Turtle layout; with --check, only list those that are not "
                                 "(exit 1).")
@click.option("--check", is_flag=True)
@click.pass_context
def format_files(ctx, check) -> None:
    root = _settings(ctx).root
    paths = sorted(p for folder in ("ontology", "shapes", "data/reference", "data/catalogue")
                   for p in (root / folder).glob("*.ttl"))
    off = [p for p in paths if canonical_text(p).encode("utf-8") != p.read_bytes()]
    for path in off:
        click.echo(f"{'not canonical' if check else 'rewrote'}: {path.relative_to(root)}")
        if not check:
            normalise_turtle_file(path)
    ctx.exit(EXIT_NOT_CONFORMANT if check and off else 0)


def main(argv: list[str] | None = None) -> None:
    try:
        # Without standalone mode, click returns the code given to ctx.exit() instead of exiting.
        code = cli.main(args=argv, prog_name="genskills", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_BAD_INPUT)
    except click.exceptions.Abort:
        sys.exit(EXIT_FAILURE)
    except ValidationError as exc:
        for result in exc.report.violations:
            click.echo(result.to_text(), err=True)
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_NOT_CONFORMANT)
    except GenskillsError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(_exit_code(exc))
    except UnicodeDecodeError as exc:
        click.echo(f"error: the input is not UTF-8 text: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    except OSError as exc:
        click.echo(f"error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), err=True)
        sys.exit(EXIT_BAD_INPUT)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
