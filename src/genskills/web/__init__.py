"""The HTTP shell: a Flask app over the core objects it is given."""

from __future__ import annotations

import hashlib
import json
import logging
import time

from flask import Flask, g, request
from werkzeug.exceptions import HTTPException

from ..engine import AnswerCache
from . import analysis_api, api, courses, errors, exports, sparql, ui


#: One JSON line per request (genskills serve writes them to standard error).
ACCESS_LOG = logging.getLogger("genskills.access")

#: Headers of every HTML page. Scripts only from this server, never inline (the pages have
#: none: JSON data blocks are not scripts); styles may be inline because YASGUI's editor and
#: table set some from script; images from here or data: URIs (YASGUI's icons); no plugin,
#: no framing by another site, forms post only here.
PAGE_SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                               "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
                               "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def create_app(settings, *, store, engine, queries, answers=None) -> Flask:
    """The Flask app of genskills.

    ``store`` answers small lookups and takes updates; ``engine`` runs the queries under
    the time and size limits; ``queries`` are the canned queries by name; ``answers``
    keeps canned-query answers until the next write (``engine.AnswerCache``; none kept
    if not given). The app builds none of them: the caller (``genskills serve`` or a
    test) does.
    """
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024   # a query or update body above 1 MiB gets 413
    app.json.sort_keys = False
    answers = answers if answers is not None else AnswerCache(budget=0)
    app.extensions["genskills"] = {"settings": settings, "store": store, "engine": engine, "queries": queries,
                                   "answers": answers}
    app.register_blueprint(sparql.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(courses.bp)
    app.register_blueprint(exports.bp)
    app.register_blueprint(analysis_api.bp)
    app.register_blueprint(ui.bp)
    errors.register(app)

    @app.before_request
    def start_clock():
        g.started = time.perf_counter()

    @app.after_request
    def log_request(response):
        if ACCESS_LOG.isEnabledFor(logging.INFO):
            ACCESS_LOG.info(json.dumps(_access_record(response), ensure_ascii=False))
        return response

    @app.after_request
    def cors(response):
        allowed = settings.cors_origins.strip()
        if allowed:
            from flask import request

            origin = request.headers.get("Origin")
            if allowed == "*":
                response.headers["Access-Control-Allow-Origin"] = "*"
            elif origin and origin in {o.strip() for o in allowed.split(",")}:
                response.headers["Access-Control-Allow-Origin"] = origin
                response.headers.add("Vary", "Origin")
            response.headers["Access-Control-Allow-Methods"] = "GET, POST, PUT, DELETE, OPTIONS"
            response.headers["Access-Control-Allow-Headers"] = "Accept, Authorization, Content-Type, If-Match, If-None-Match"
            response.headers["Access-Control-Expose-Headers"] = "ETag, Location"
            response.headers["Access-Control-Max-Age"] = "600"
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        if response.mimetype == "text/html":
            for name, value in PAGE_SECURITY_HEADERS.items():
                response.headers.setdefault(name, value)
        return response

    return app


def _access_record(response) -> dict:
    """What one request did, for operators: never a header's value, a body or a token.

    The SPARQL text is not logged (it may hold personal data a user typed); its hash lets
    an operator group the requests of one query and find it again in their own records.
    """
    try:
        text = request.values.get("query") or request.values.get("update")
        if text is None and request.mimetype in ("application/sparql-query", "application/sparql-update"):
            text = request.get_data(as_text=True, cache=True)
    except HTTPException:   # a body refused (413, bad encoding) is not read to log it
        text = None
    started = g.get("started")
    return {
        "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "method": request.method,
        "route": request.url_rule.rule if request.url_rule is not None else None,
        "path": request.path,
        "status": response.status_code,
        "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started is not None else None,
        "query_hash": hashlib.sha256(text.encode("utf-8")).hexdigest()[:16] if text else None,
        "bytes": response.calculate_content_length(),
        "client": request.remote_addr,
    }
