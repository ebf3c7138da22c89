"""Downloads for other systems: dumps, CSV per class, schema.org / SKOS / ESCO views, the
dataset's DCAT description and the published JSON-LD context (see docs/export.md).

A thin shell: each route calls one core function and streams what it writes. Large
outputs go through a temporary file, so the response is sent in chunks, never built in
memory, and a failure half-way is an error answer rather than a truncated file.
"""

from __future__ import annotations

import re
import tempfile

from flask import Blueprint, Response, current_app, request, send_file

from ..course_edits import course_iri
from ..csv_export import CSV_CLASSES, export_csv, export_csv_zip
from ..dataset_metadata import dataset_description
from ..errors import InputError, NotFoundError
from ..formats import GRAPH_ALIASES, RDF_FORMATS, negotiate
from ..interop import catalogue_as_schemaorg, competence_scheme, course_as_schemaorg, esco_view
from ..jsonld_writer import context_file
from ..namespaces import PREFIXES
from ..transfer import export, write_text
from .errors import error_body

bp = Blueprint("exports", __name__)
_CHUNK = 256 * 1024


def core() -> dict:
    return current_app.extensions["genskills"]


def _spooled(write, mimetype: str, filename: str) -> Response:
    """Run ``write(binary_file)`` into a temporary file, then stream the file."""
    spool = tempfile.TemporaryFile(prefix="genskills-export-")
    try:
        write(spool)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    response = send_file(spool, mimetype=mimetype, download_name=filename, as_attachment=False,
                         max_age=0, conditional=False)
    response.call_on_close(spool.close)
    return response


def _lang() -> str | None:
    lang = request.args.get("lang")
    if lang not in (None, "", "fr", "en"):
        raise InputError(f"parameter 'lang' must be fr or en, got {lang!r}")
    return lang or None


#: The RDF formats of the views (a view is one graph: no quad format).
_VIEW_FORMATS = {f.key: f for f in RDF_FORMATS if f.key in ("ttl", "nt", "jsonld", "xml")}


def _graph_response(graph) -> Response:
    key = request.args.get("format") or negotiate(
        request.headers.get("Accept"), {k: f.media_type for k, f in _VIEW_FORMATS.items()}, "ttl", GRAPH_ALIASES)
    fmt = _VIEW_FORMATS.get(key or "")
    if fmt is None:
        return error_body("no offered format fits; ask for text/turtle, application/n-triples, "
                          "application/ld+json or application/rdf+xml (or ?format=ttl|nt|jsonld|xml)", 406)
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    response = Response(graph.serialize(format=fmt.rdflib_name, encoding="utf-8"), mimetype=fmt.media_type)
    response.headers["Vary"] = "Accept"
    return response


@bp.route("/context.jsonld", methods=["GET"])
def context():
    """The JSON-LD context of genskills data (published as https://w3id.org/genskills/context.jsonld)."""
    path = context_file(core()["settings"].root)
    if not path.is_file():
        raise NotFoundError("this installation has no ontology/context.jsonld")
    return send_file(path, mimetype="application/ld+json", max_age=3600)


@bp.route("/dataset", methods=["GET"])
def dataset():
    """DCAT + VoID + PROV description of the dataset, with download links on this server."""
    return _graph_response(dataset_description(core()["store"], core()["settings"].root,
                                               base_url=request.host_url.rstrip("/")))


@bp.route("/export", methods=["GET"])
def dump():
    """The whole dataset or one graph (?graph=catalogue) in ?format=trig|nq|ttl|nt|jsonld|xml."""
    key = request.args.get("format", "trig")
    fmt = next((f for f in RDF_FORMATS if f.key == key), None)
    if fmt is None:
        raise InputError(f"parameter 'format' must be one of {', '.join(f.key for f in RDF_FORMATS)}, got {key!r}")
    graph = request.args.get("graph") or None
    settings = core()["settings"]
    return _spooled(lambda out: export(core()["store"], out, key, graph=graph, root=settings.root),
                    fmt.media_type, f"genskills{'-' + re.sub(r'[^a-z0-9-]', '-', graph) if graph else ''}"
                                    f"{fmt.suffixes[0]}")


@bp.route("/export/csv/<name>.csv", methods=["GET"])
def csv_table(name: str):
    if name not in CSV_CLASSES:
        raise NotFoundError(f"no CSV table {name!r}; the tables are: {', '.join(CSV_CLASSES)}")
    lang = _lang()
    return _spooled(lambda out: write_text(out, lambda text: export_csv(core()["store"], name, text, lang=lang)),
                    "text/csv; charset=utf-8", f"{name}.csv")


@bp.route("/export/csv.zip", methods=["GET"])
def csv_zip():
    lang = _lang()
    return _spooled(lambda out: export_csv_zip(core()["store"], out, lang=lang), "application/zip",
                    "genskills-csv.zip")


@bp.route("/export/schemaorg.jsonld", methods=["GET"])
def schemaorg_catalogue():
    """Every course as a schema.org / Bioschemas Course (?include_illustrative=true for all)."""
    lang, settings = _lang() or "en", core()["settings"]
    flag = request.args.get("include_illustrative", "false").lower()
    if flag not in ("true", "false"):
        raise InputError(f"parameter 'include_illustrative' must be true or false, got {flag!r}")
    return _spooled(lambda out: write_text(out, lambda text: catalogue_as_schemaorg(
        core()["store"], text, lang=lang, include_illustrative=flag == "true", root=settings.root)),
        "application/ld+json", "genskills-courses.jsonld")


@bp.route("/export/schemaorg/<course_id>.jsonld", methods=["GET"])
def schemaorg_course(course_id: str):
    import json

    document = course_as_schemaorg(core()["store"], str(course_iri(course_id)), lang=_lang() or "en",
                                   root=core()["settings"].root)
    return Response(json.dumps(document, ensure_ascii=False, indent=2), mimetype="application/ld+json")


@bp.route("/export/skos", methods=["GET"])
def skos():
    """The competence framework as a standalone SKOS concept scheme."""
    return _graph_response(competence_scheme(core()["store"]))


@bp.route("/export/esco", methods=["GET"])
def esco():
    """Role-competence links with ESCO's relatedEssentialSkill / relatedOptionalSkill."""
    return _graph_response(esco_view(core()["store"]))
