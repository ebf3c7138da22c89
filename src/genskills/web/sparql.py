"""SPARQL 1.1 Protocol: /sparql (query), /sparql/update, and the service description."""

from __future__ import annotations

import hmac

from flask import Blueprint, Response, current_app, request

from ..describe import service_description, void_graph
from ..errors import ForbiddenError, QueryError, UnauthorizedError
from ..formats import FORMAT_PARAM, GRAPH_ALIASES, RESULT_ALIASES, RESULT_MEDIA, graph_offers, negotiate
from ..results import QueryResult, Rendered, rendered
from ..safety import check_remote_calls, checked_graph_iri
from .errors import error_body

bp = Blueprint("sparql", __name__)

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"


def core() -> dict:
    return current_app.extensions["genskills"]


def _single(values: list[str], name: str) -> str:
    if not values:
        raise QueryError(f"missing parameter {name!r}: send the SPARQL text as {name}=...")
    if len(values) > 1:
        raise QueryError(f"parameter {name!r} given {len(values)} times; give it once")
    return values[0]


def _media_type() -> str:
    return (request.mimetype or "").lower()


_KINDS = {"results": (RESULT_MEDIA, RESULT_ALIASES, "json"), "graph": (None, GRAPH_ALIASES, "ttl")}


def wanted_formats(format_param: str | None = None) -> dict[str, str | None]:
    """The format to write each kind of answer in (``format=`` first, then Accept).

    Decided before the query runs, because the worker writes the answer itself; a kind
    mapped to None is one the client accepts in no format (406 if the answer is of it).
    """
    wanted: dict[str, str | None] = {}
    for kind, (offers, aliases, default) in _KINDS.items():
        offers = offers or graph_offers()
        if format_param:
            key = FORMAT_PARAM.get(format_param.lower())
            wanted[kind] = key if key in offers else None
        else:
            wanted[kind] = negotiate(request.headers.get("Accept"), offers, default, aliases)
    return wanted


def send(answer: Rendered, *, format_param: str | None = None) -> Response:
    """A written answer as the HTTP response, or the 406/400 that explains why not."""
    offers = graph_offers() if answer.kind == "graph" else RESULT_MEDIA
    if answer.key is None:
        if format_param:
            raise QueryError(f"format={format_param!r} does not fit this result; "
                             f"use one of {', '.join(sorted(k for k, v in FORMAT_PARAM.items() if v in offers))}")
        return _not_acceptable(offers)
    if answer.problem is not None:
        # RDF/XML cannot write every predicate IRI (it needs a QName): say so, do not fail.
        return error_body(f"this result cannot be written as {offers[answer.key]}: {answer.problem}; "
                          "ask for another format", 406)
    return Response(answer.body, status=200, content_type=f"{offers[answer.key]}; charset=utf-8")


def respond(result: QueryResult, *, format_param: str | None = None) -> Response:
    """A result computed in this process, in the format the client asked for."""
    return send(rendered(result, wanted_formats(format_param)), format_param=format_param)


def _not_acceptable(offers: dict[str, str]):
    return error_body("none of the media types in Accept can be produced for this result; available: "
                      + ", ".join(offers.values()), 406)


@bp.route("/sparql", methods=["GET", "POST"])
def query():
    if request.method in ("GET", "HEAD"):
        texts = request.args.getlist("query")
        if not set(request.args) - {"format"}:
            return description()
        default_graphs = request.args.getlist("default-graph-uri")
        named_graphs = request.args.getlist("named-graph-uri")
    elif _media_type() == FORM:
        texts = request.form.getlist("query")
        default_graphs = request.form.getlist("default-graph-uri") + request.args.getlist("default-graph-uri")
        named_graphs = request.form.getlist("named-graph-uri") + request.args.getlist("named-graph-uri")
        if request.args.getlist("query"):
            raise QueryError("with POST, send query=... in the body, not in the URL")
        if not texts and request.form.getlist("update"):
            raise QueryError("this is the query endpoint: send updates to /sparql/update")
    elif _media_type() == SPARQL_QUERY:
        texts = [request.get_data(as_text=True)]
        default_graphs = request.args.getlist("default-graph-uri")
        named_graphs = request.args.getlist("named-graph-uri")
    else:
        return error_body(f"unsupported Content-Type {request.mimetype or 'none'!r}; use {FORM} or "
                          f"{SPARQL_QUERY}", 415)
    if request.method in ("GET", "HEAD") and request.args.getlist("update"):
        raise QueryError("this is the query endpoint: send updates to /sparql/update with POST")
    text = _single(texts, "query")
    default_graphs = [checked_graph_iri(g, "default-graph-uri") for g in default_graphs]
    named_graphs = [checked_graph_iri(g, "named-graph-uri") for g in named_graphs]
    settings = core()["settings"]
    check_remote_calls(text, settings.allowed_services)
    format_param = request.args.get("format")
    answer = core()["engine"].query(text, default_graphs=default_graphs or None,
                                    named_graphs=named_graphs or None, wanted=wanted_formats(format_param))
    return send(answer, format_param=format_param)


@bp.route("/sparql/update", methods=["POST"])
def update():
    settings = core()["settings"]
    check_token(settings.update_token, "SPARQL Update")
    if _media_type() == FORM:
        text = _single(request.form.getlist("update"), "update")
    elif _media_type() == SPARQL_UPDATE:
        text = request.get_data(as_text=True)
    else:
        return error_body(f"unsupported Content-Type {request.mimetype or 'none'!r}; use {FORM} or "
                          f"{SPARQL_UPDATE}", 415)
    check_remote_calls(text, settings.allowed_services)
    core()["store"].update(text)
    core()["engine"].refresh()
    core()["answers"].clear()
    return Response(status=204)


def check_token(expected: str | None, what: str) -> str:
    """The request's bearer token, if it is the server's; else 403 (writes disabled) or 401.

    :raises ForbiddenError: the server has no token: writes are disabled.
    :raises UnauthorizedError: no token, or another one.
    """
    if not expected:
        raise ForbiddenError(f"{what} is disabled on this server (set update_token to enable it)")
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    # compare_digest: the time taken does not tell how much of a guessed token was right.
    if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode(), expected.encode()):
        raise UnauthorizedError(f"{what} needs the server's bearer token (Authorization: Bearer ...)")
    return token.strip()


def _endpoint_url() -> str:
    return request.url_root.rstrip("/") + "/sparql"


def description():
    """Service description (sd: vocabulary with VoID statistics) in Turtle or JSON-LD."""
    settings = core()["settings"]
    graph = service_description(core()["store"], _endpoint_url(),
                                update_endpoint=(request.url_root + "sparql/update") if settings.update_token else None)
    return _graph_response(graph)


@bp.route("/.well-known/void", methods=["GET"])
def void():
    return _graph_response(void_graph(core()["store"], endpoint=_endpoint_url()))


def _graph_response(graph):
    return respond(QueryResult("graph", graph=graph), format_param=request.args.get("format"))
