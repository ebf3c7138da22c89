"""/api/courses: read a course with its ETag; create, replace and delete with a bearer token.

A thin shell over ``course_edits.CourseEditor``: it reads the body, the token and the
conditional headers, and turns the answers into HTTP (201/200/204 with ETag, Location).
"""

from __future__ import annotations

import json
from flask import Blueprint, Response, current_app, jsonify, request
from rdflib import Graph

from ..course_edits import (CourseEditor, agent_for, course_from_columns, course_from_schemaorg, course_iri,
                            entity_tag)
from ..errors import InputError, NotFoundError
from ..formats import GRAPH_ALIASES, RDF_FORMATS, graph_offers, negotiate
from ..namespaces import INFERRED_GRAPH, PREFIXES
from ..rdfio import load_json, parse_text
from .errors import error_body
from .sparql import check_token

bp = Blueprint("courses", __name__)

#: Body media types a course may be sent in, by rdflib parser name.
_BODY_FORMATS = {f.media_type: f.rdflib_name for f in RDF_FORMATS if not f.holds_graphs or f.key == "jsonld"}


def core() -> dict:
    return current_app.extensions["genskills"]


def editor() -> CourseEditor:
    found = core().get("editor")
    if found is None:
        found = core()["editor"] = CourseEditor(core()["store"])
    return found


def _statements(iri) -> tuple[Graph, str]:
    """The course's statements in the graph that defines it (derived facts left out)."""
    owner = editor().owner(iri)
    if owner is None:
        raise NotFoundError(f"no course {iri}")
    content = Graph()
    for p, o in core()["store"].read_graph(owner).predicate_objects(iri):
        content.add((iri, p, o))
    return content, owner


def _send_graph(graph: Graph, *, status: int = 200, etag: str | None = None) -> Response:
    key = negotiate(request.headers.get("Accept"), graph_offers(), "jsonld", GRAPH_ALIASES)
    if key is None:
        return error_body("none of the Accept types is offered; ask for " + ", ".join(graph_offers().values()), 406)
    fmt = next(f for f in RDF_FORMATS if f.key == key)
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    response = Response(graph.serialize(format=fmt.rdflib_name, encoding="utf-8"), status=status,
                        mimetype=fmt.media_type)
    if etag:
        response.headers["ETag"] = f'"{etag}"'
    response.headers["Vary"] = "Accept"
    return response


def _body(iri, course_id: str) -> Graph:
    """The request body as a graph about ``iri``.

    RDF (Turtle, N-Triples, RDF/XML, JSON-LD in genskills' vocabulary, as GET gives it),
    a schema.org / Bioschemas ``Course`` in JSON-LD, or a JSON object keyed by the
    inventory's columns (docs/import.md).
    """
    media = (request.mimetype or "").lower()
    text = request.get_data(as_text=True)
    if media == "application/json":
        return course_from_columns(load_json(text), course_id, _vocabulary())
    if media == "application/ld+json" and _is_schemaorg(load_json(text)):
        return course_from_schemaorg(text, course_id, _vocabulary())
    parser = _BODY_FORMATS.get(media)
    if parser is None:
        raise _Unsupported(media)
    graph = parse_text(text, rdflib_format=parser, media=media, base=str(iri))
    inferred = [t for t in graph if str(t[1]).startswith(str(INFERRED_GRAPH))]
    if inferred:
        raise InputError("the body holds derived statements")
    return graph


def _is_schemaorg(document) -> bool:
    """A schema.org document: its context or its type names schema.org (not genskills' own terms)."""
    nodes = document if isinstance(document, list) else [document]
    for node in nodes:
        if isinstance(node, dict):
            context, kind = json.dumps(node.get("@context", "")), json.dumps(node.get("@type", ""))
            if "schema.org" in context or "schema.org" in kind or kind == '"Course"':
                return True
    return False


def _vocabulary():
    from ..vocabulary import Vocabulary
    return Vocabulary.from_store(core()["store"])


class _Unsupported(Exception):
    def __init__(self, media: str):
        self.media = media


@bp.errorhandler(_Unsupported)
def _unsupported(exc: _Unsupported):
    return error_body(f"unsupported Content-Type {exc.media or 'none'!r}; send the course as "
                      + ", ".join(sorted({*_BODY_FORMATS, "application/json"})), 415)


@bp.route("/api/courses/<course_id>", methods=["GET"])
def read(course_id: str):
    iri = course_iri(course_id)
    content, _ = _statements(iri)
    return _send_graph(content, etag=entity_tag(content))


@bp.route("/api/courses/<course_id>", methods=["PUT"])
def replace(course_id: str):
    token = check_token(core()["settings"].update_token, "Writing a course")
    iri = course_iri(course_id)
    written = editor().put(iri, _body(iri, course_id), if_match=request.headers.get("If-Match"),
                           if_none_match=request.headers.get("If-None-Match"), agent=agent_for(token))
    _refreshed()
    content, _ = _statements(iri)
    response = _send_graph(content, status=201 if written.created else 200, etag=written.etag)
    if written.created:
        response.headers["Location"] = f"/api/courses/{course_id}"
    return response


@bp.route("/api/courses/<course_id>", methods=["DELETE"])
def delete(course_id: str):
    token = check_token(core()["settings"].update_token, "Deleting a course")
    iri = course_iri(course_id)
    editor().delete(iri, if_match=request.headers.get("If-Match"), agent=agent_for(token))
    _refreshed()
    return Response(status=204)


@bp.route("/api/courses/<course_id>/history", methods=["GET"])
def history(course_id: str):
    iri = course_iri(course_id)
    changes = editor().history(iri)
    if not changes:
        raise NotFoundError(f"no change of {iri} was made through the API")
    for change in changes:
        change["href"] = f"/api/courses/{course_id}/history/{change['revision'].rsplit('revision-', 1)[-1]}"
    return jsonify({"course": str(iri), "changes": changes})


@bp.route("/api/courses/<course_id>/history/<revision>", methods=["GET"])
def revision(course_id: str, revision: str):
    iri = course_iri(course_id)
    return _send_graph(editor().revision(iri, revision))


def _refreshed() -> None:
    """After a write: query workers read the new state, cached answers are dropped."""
    core()["engine"].refresh()
    core()["answers"].clear()
