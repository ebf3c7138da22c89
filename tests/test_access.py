"""Access: without the token no route writes; the token is compared in constant time and never
logged; static and resource routes read nothing outside their folders.

The routes are enumerated from the app itself (its URL map), so a write route added later
is tried too, with every write method, against a real server.
"""

from __future__ import annotations

import hmac
import re

import pytest

from genskills.config import Settings
from genskills.web import create_app
from server import Server
from test_course_api import course

TOKEN = "access-test-token-0123456789abcdef"
WRITE_METHODS = ("POST", "PUT", "DELETE", "PATCH")
EXISTING = "course-access-existing"
#: Credentials that must not open anything: none, wrong ones, near misses of the real token,
#: another scheme, the token where a token does not go.
WRONG_CREDENTIALS = [
    {},
    {"Authorization": "Bearer "},
    {"Authorization": "Bearer wrong-token-0123456789abcdef"},
    {"Authorization": f"Bearer {TOKEN[:-1]}"},
    {"Authorization": f"Bearer {TOKEN}x"},
    {"Authorization": f"Bearer {TOKEN.upper()}"},
    {"Authorization": f"Basic {TOKEN}"},
    {"Authorization": TOKEN},
    {"X-Update-Token": TOKEN, "Cookie": f"token={TOKEN}"},
]
#: Bodies that would write if a route took them: a course, an update, an update as a form.
BODIES = [
    ("text/turtle", lambda: course(EXISTING, hours=1)),
    ("application/sparql-update", lambda: b"INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }"),
    ("application/x-www-form-urlencoded", lambda: b"update=DROP+ALL"),
]


def app_routes() -> list[tuple[str, set[str]]]:
    """Every route of the app with its methods, path parameters filled in."""
    app = create_app(Settings(), store=None, engine=None, queries={})
    samples = {"course_id": EXISTING, "revision": "1", "local": EXISTING, "name": "courses",
               "filename": "genskills.css"}
    routes: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():   # one path may have a rule per method
        path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: samples[m.group(1)], rule.rule)
        routes.setdefault(path, set()).update(rule.methods)
    return sorted(routes.items())


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = Server("--store", str(tmp_path_factory.mktemp("access") / "store"),
                     env={"GENSKILLS_UPDATE_TOKEN": TOKEN})
    # A course written with the token: the routes that could change or delete it are tried on it.
    status, _, body = running.request(f"/api/courses/{EXISTING}", method="PUT", data=course(EXISTING),
                                      headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/turtle"})
    assert status == 201, body
    yield running
    running.stop()


def test_the_app_has_write_routes_to_try():
    written = {path for path, methods in app_routes() if methods & set(WRITE_METHODS)}
    assert {"/api/courses/" + EXISTING, "/sparql/update", "/sparql"} <= written


def test_no_route_writes_without_the_token(server):
    before = server.graph_sizes()
    tried = set()
    for path, methods in app_routes():
        for method in WRITE_METHODS:
            # Every credential and body where the route takes the method; elsewhere (405 whatever
            # comes) one of each is enough.
            taken = method in methods
            for credentials in WRONG_CREDENTIALS if taken else WRONG_CREDENTIALS[:1]:
                for media, body in BODIES if taken else BODIES[:1]:
                    status, _, answer = server.request(path, method=method, data=body(),
                                                       headers={**credentials, "Content-Type": media})
                    tried.add((method, path))
                    assert status >= 400, (method, path, credentials, media, status, answer[:200])
                    assert status != 500, (method, path, answer[:200])
    assert len(tried) == len(app_routes()) * len(WRITE_METHODS)
    assert server.graph_sizes() == before
    status, _, _ = server.request(f"/api/courses/{EXISTING}")
    assert status == 200, "the course written with the token is still there"


def test_the_token_does_write_so_the_refusals_above_mean_something(server):
    """The positive control: the same requests with the token do write."""
    before = server.graph_sizes()
    status, _, body = server.request("/sparql/update", method="POST",
                                     data=b"INSERT DATA { GRAPH <urn:x:access> { <urn:x:a> <urn:x:b> <urn:x:c> } }",
                                     headers={"Authorization": f"Bearer {TOKEN}",
                                              "Content-Type": "application/sparql-update"})
    assert status == 204, body
    assert server.graph_sizes().get("urn:x:access") == 1 and "urn:x:access" not in before


def test_the_token_never_reaches_the_log(server):
    server.request("/sparql/update", method="POST", data=b"CLEAR GRAPH <urn:x:access>",
                   headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/sparql-update"})
    server.request("/sparql/update", method="POST", data=b"CLEAR GRAPH <urn:x:access>",
                   headers={"Authorization": f"Bearer {TOKEN}x", "Content-Type": "application/sparql-update"})
    log = "".join(server.log)
    assert '"route": "/sparql/update"' in log and TOKEN not in log


def test_the_token_is_compared_in_constant_time(monkeypatch):
    """check_token goes through hmac.compare_digest, whose time does not depend on where a guess differs."""
    from genskills.errors import UnauthorizedError
    from genskills.web.sparql import check_token

    compared = []

    def spy(a, b):
        compared.append((a, b))
        return hmac_compare(a, b)

    hmac_compare = hmac.compare_digest
    monkeypatch.setattr(hmac, "compare_digest", spy)
    app = create_app(Settings(), store=None, engine=None, queries={})
    with app.test_request_context(headers={"Authorization": f"Bearer {TOKEN}"}):
        assert check_token(TOKEN, "a write") == TOKEN
    with app.test_request_context(headers={"Authorization": "Bearer guess"}):
        with pytest.raises(UnauthorizedError):
            check_token(TOKEN, "a write")
    assert compared == [(TOKEN.encode(), TOKEN.encode()), (b"guess", TOKEN.encode())]


# --- no reading outside the folders -------------------------------------------------------------------

#: What the files a traversal would reach hold: the system's users, the project's metadata and code.
SECRETS = ("root:x:0:0", "[project]", "def create_app", "import ", "GENSKILLS_")
TRAVERSALS = [
    "/static/../../../../../../etc/passwd",
    "/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/static/..%2f__init__.py",
    "/static/..%2F..%2F..%2F..%2Fpyproject.toml",
    "/static/%252e%252e%252f__init__.py",
    "/static/..%5c__init__.py",
    "/static//etc/passwd",
    "/static/%2fetc%2fpasswd",
    "/static/yasgui/../../__init__.py",
    "/static/yasgui/..%2f..%2f__init__.py",
    "/static/%00../__init__.py",
    "/static/genskills.css%00.py",
    "/static/templates/../__init__.py",
    "/id/..%2F..%2F..%2Fetc%2Fpasswd",
    "/id/%2e%2e",
    "/id/..%5c..%5cpyproject.toml",
    "/export/csv/..%2F..%2Fpyproject.csv",
    "/export/schemaorg/..%2F..%2Fetc%2Fpasswd.jsonld",
    "/api/queries/..%2F..%2Fpyproject",
    "/api/queries/..%2Fqueries%2Fsearch-labels",
    "/api/courses/..%2F..%2Fetc%2Fpasswd/history",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_no_route_reads_outside_its_folder(server, path):
    for accept in ("text/html", "text/turtle", "*/*"):
        status, _, body = server.request(path, headers={"Accept": accept})
        text = body.decode("utf-8", errors="replace")
        assert status in (400, 404), (path, status, text[:200])
        assert not any(secret in text for secret in SECRETS), (path, text[:300])


def test_static_files_are_served_from_their_folder(server):
    """The control for the traversals above: the static route itself works."""
    status, headers, body = server.request("/static/genskills.css")
    assert status == 200 and headers["Content-Type"].startswith("text/css") and body
    assert headers["X-Content-Type-Options"] == "nosniff"
