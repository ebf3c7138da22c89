"""The analysis answers over HTTP: coverage, coverage matrix, gaps and learning paths, in JSON or CSV.

Each takes its inputs as query-string arguments (so an answer is a URL that can be shared)
and ``format=json`` (default) or ``format=csv``. The same answers as ``genskills coverage``,
``gaps`` and ``path``, from the same core (``analysis.py``).
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, request

from ..analysis import Analysis, Constraints, Facets
from ..errors import QueryError
from ..queries import expand_iri

bp = Blueprint("analysis_api", __name__)

FORMATS = ("json", "csv")


def analysis() -> Analysis:
    """The analysis over this app's store, its queries run by the engine (under its time limit)."""
    core = current_app.extensions["genskills"]
    engine = core["engine"]
    return Analysis(core["store"], core["queries"], run=lambda sparql: engine.query(sparql))


def _single(name: str) -> str | None:
    values = [v for v in request.args.getlist(name) if v != ""]
    if len(values) > 1:
        raise QueryError(f"parameter {name!r} given {len(values)} times; give it once")
    return values[0] if values else None


def _integer(name: str, low: int, high: int) -> int | None:
    value = _single(name)
    if value is None:
        return None
    if not value.strip().isdigit() or not low <= int(value) <= high:
        raise QueryError(f"parameter {name!r} must be a whole number from {low} to {high}, got {value!r}")
    return int(value)


def _iri(name: str) -> str | None:
    value = _single(name)
    return expand_iri(value.strip()) if value else None


def _lang() -> str:
    lang = _single("lang") or "fr"
    if lang not in ("fr", "en"):
        raise QueryError(f"parameter 'lang' must be fr or en, got {lang!r}")
    return lang


def _format() -> str:
    fmt = _single("format") or "json"
    if fmt not in FORMATS:
        raise QueryError(f"parameter 'format' must be json or csv, got {fmt!r}")
    return fmt


def _known(*names: str) -> None:
    unknown = sorted(set(request.args) - set(names) - {"format", "lang"})
    if unknown:
        raise QueryError(f"unknown parameter(s) {', '.join(unknown)}; this route takes: "
                         f"{', '.join(sorted(names + ('format', 'lang')))}")


def _send(data: dict, csv_text, filename: str) -> Response:
    if _format() == "csv":
        return Response(csv_text(), content_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{filename}.csv"'})
    return Response(json.dumps(data, ensure_ascii=False), content_type="application/json")


def _facets() -> Facets:
    return Facets(region=_iri("region"), training_type=_iri("training_type"), level=_integer("level", 1, 8),
                  mode=_iri("mode"))


@bp.route("/api/analysis/coverage", methods=["GET"])
def coverage():
    _known("by", "region", "training_type", "level", "mode")
    by = _single("by") or "step"
    table = analysis().coverage(by, _facets(), lang=_lang())
    return _send(table.to_json(), table.to_csv, f"genskills-coverage-by-{by}")


@bp.route("/api/analysis/matrix", methods=["GET"])
def matrix():
    _known("training_type", "level", "mode")
    answer = analysis().matrix(_facets(), lang=_lang())
    return _send(answer.to_json(), lambda: answer.table().to_csv(), "genskills-coverage-matrix")


@bp.route("/api/analysis/gaps", methods=["GET"])
def role_gaps():
    _known("role", "region", "max_level", "mode")
    role = _iri("role")
    if role is None:
        raise QueryError("parameter 'role' is required, e.g. role=gskd:role-bioinformatician "
                         "(for the whole catalogue: /api/analysis/catalogue-gaps)")
    constraints = Constraints(region=_iri("region"), max_level=_integer("max_level", 1, 8), mode=_iri("mode"))
    table = analysis().role_gaps(role, constraints, lang=_lang())
    return _send(table.to_json(), table.to_csv, "genskills-role-gaps")


@bp.route("/api/analysis/catalogue-gaps", methods=["GET"])
def catalogue_gaps():
    _known()
    table = analysis().catalogue_gaps(lang=_lang())
    return _send(table.to_json(), table.to_csv, "genskills-catalogue-gaps")


@bp.route("/api/analysis/learning-path", methods=["GET"])
def learning_path():
    _known("role", "have", "region", "max_level", "mode", "training_type", "exact_limit")
    role = _iri("role")
    if role is None:
        raise QueryError("parameter 'role' is required, e.g. role=gskd:role-bioinformatician")
    have = [v for v in request.args.getlist("have") if v]
    types = frozenset(expand_iri(v.strip()) for v in request.args.getlist("training_type") if v)
    constraints = Constraints(region=_iri("region"), max_level=_integer("max_level", 1, 8), mode=_iri("mode"),
                              training_types=types)
    limit = _integer("exact_limit", 0, 25)
    answer = analysis().learning_path(role, have=have, constraints=constraints, lang=_lang(),
                                       exact_limit=20 if limit is None else limit)
    return _send(answer.to_json(), lambda: answer.table().to_csv(), "genskills-learning-path")
