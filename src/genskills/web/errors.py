"""The one mapping from genskills errors to HTTP statuses, and the one error body shape."""

from __future__ import annotations

from flask import Flask, jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException

from ..errors import (BusyError, ConfigError, ConflictError, ForbiddenError, GenskillsError, InputError,
                      NotFoundError, PreconditionFailedError, PreconditionRequiredError, QueryError,
                      QueryTimeoutError, StoreError, UnauthorizedError, ValidationError)

#: Most specific first.
STATUS: tuple[tuple[type, int], ...] = (
    (UnauthorizedError, 401),
    (ForbiddenError, 403),
    (NotFoundError, 404),
    (PreconditionFailedError, 412),
    (PreconditionRequiredError, 428),
    (ConflictError, 409),
    (ValidationError, 422),
    (QueryError, 400),
    (InputError, 400),
    (QueryTimeoutError, 503),
    (BusyError, 503),
    (StoreError, 503),
    (ConfigError, 500),
)


def error_body(message: str, status: int, *, problems: list | None = None):
    body = {"ok": False, "error": message, "status": status}
    if problems:
        # Where the input is wrong: location (row, JSON path, "body"), field, message fr/en.
        body["problems"] = [{"location": p.location, "field": p.field, "message": p.message} for p in problems]
    response = jsonify(body)
    response.status_code = status
    return response


def _wants_page() -> bool:
    """An error on a page of the web interface is a page too; elsewhere (API, SPARQL) it is JSON."""
    if request.blueprint == "ui":
        return True
    if request.blueprint is None:   # an unknown path: a page for a browser, JSON for programs
        best = request.accept_mimetypes.best_match(["application/json", "text/html"])
        return best == "text/html" and request.accept_mimetypes["text/html"] > request.accept_mimetypes["application/json"]
    return False


def error_page(message: str, status: int):
    response = make_response(render_template("error.html", message=message, status=status), status)
    return response


def register(app: Flask) -> None:
    @app.errorhandler(GenskillsError)
    def handle_genskills(exc: GenskillsError):
        status = next((code for kind, code in STATUS if isinstance(exc, kind)), 500)
        if _wants_page():
            return error_page(str(exc), status)
        response = error_body(str(exc), status, problems=getattr(exc, "problems", None))
        if isinstance(exc, UnauthorizedError):
            response.headers["WWW-Authenticate"] = 'Bearer realm="genskills"'
        if status == 503:
            response.headers["Retry-After"] = "1"
        return response

    @app.errorhandler(HTTPException)
    def handle_http(exc: HTTPException):
        if _wants_page() and exc.code != 405:
            return error_page(exc.description or exc.name, exc.code or 500)
        response = error_body(exc.description or exc.name, exc.code or 500)
        for key, value in (exc.get_response().headers.items() if exc.code == 405 else []):
            if key == "Allow":
                response.headers["Allow"] = value
        return response

    @app.errorhandler(Exception)
    def handle_unexpected(exc: Exception):
        # Never a stack trace to the client; the log has it.
        app.logger.exception("unexpected error")
        return error_body("internal error: the server failed on this request", 500)
