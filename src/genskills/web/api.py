"""The REST API over the canned queries, its OpenAPI description, and /health."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request, url_for

from ..errors import GenskillsError, NotFoundError, QueryError
from ..namespaces import compact
from ..openapi import openapi
from ..queries import check_iri_params
from ..safety import check_remote_calls
from .sparql import send, wanted_formats

bp = Blueprint("api", __name__)

#: Query-string keys that are not canned-query parameters.
RESERVED = {"format"}


def core() -> dict:
    return current_app.extensions["genskills"]


def _describe(query) -> dict:
    return {
        "name": query.name,
        "url": url_for("api.run", name=query.name, _external=True),
        "title": query.title,
        "description": query.description,
        "params": [{"name": p.name, "type": p.kind, "class": compact(p.cls) if p.cls else None,
                    "required": p.required, "default": p.default, "description": p.description}
                   for p in query.params],
    }


@bp.route("/api/queries", methods=["GET"])
def listing():
    return jsonify({"queries": [_describe(q) for q in core()["queries"].values()]})


@bp.route("/api/queries/<name>", methods=["GET"])
def run(name: str):
    query = core()["queries"].get(name)
    if query is None:
        raise NotFoundError(f"no canned query named {name!r}; see /api/queries")
    args = {}
    for key in request.args:
        if key in RESERVED:
            continue
        values = request.args.getlist(key)
        if len(values) > 1:
            raise QueryError(f"query {name}: parameter {key!r} given {len(values)} times; give it once")
        args[key] = values[0]
    text, terms = query.bind(args)
    format_param = request.args.get("format")
    wanted = wanted_formats(format_param)
    engine, answers = core()["engine"], core()["answers"]
    request_key = (text, tuple(sorted(wanted.items())))
    generation = engine.generation
    answer = answers.get((generation, *request_key)) if generation is not None else None
    if answer is None:
        check_iri_params(core()["store"], query, terms)
        check_remote_calls(text, core()["settings"].allowed_services)
        answer = engine.query(text, wanted=wanted)
        # Filed under the generation of the data it was computed on, which a write in
        # the meantime may have made older than the current one: then it is never served.
        if answer.generation is not None:
            answers.put((answer.generation, *request_key), answer)
    return send(answer, format_param=format_param)


@bp.route("/api/openapi.json", methods=["GET"])
def openapi_document():
    document = openapi(core()["queries"], update_enabled=bool(core()["settings"].update_token))
    document["servers"] = [{"url": request.url_root.rstrip("/")}]
    return jsonify(document)


@bp.route("/health", methods=["GET"])
def health():
    """Readiness: 200 when a query gets through the engine to the store, else 503 saying why.

    The probe is the smallest query there is, under the normal limits: it waits for a free
    worker like any request, so a server whose workers are all stuck is not ready either.
    """
    engine = core()["engine"]
    ready = {"store": core()["store"].description, "query_workers": engine.live_workers()}
    try:
        engine.query("ASK {}")
    except GenskillsError as exc:
        response = jsonify({"ok": False, "status": 503, "error": f"not ready: {exc}", **ready})
        response.status_code = 503
        response.headers["Retry-After"] = "1"
        return response
    return jsonify({"ok": True, **ready})
