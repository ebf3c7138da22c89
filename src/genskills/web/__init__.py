"""The HTTP shell: a Flask app over the core objects it is given."""

from __future__ import annotations

from flask import Flask

from ..engine import AnswerCache
from . import analysis_api, api, courses, errors, exports, sparql, ui


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
