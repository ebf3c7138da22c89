"""Property-based: any text in any parameter of any GET route is answered, never with a 500.

Hypothesis draws values (unicode, control characters, SPARQL and HTML syntax, long strings)
for every parameter of the canned queries, the analysis API and the pages, against a real
server. Each answer must be a documented client error or a success, and no body may leak a
stack trace or a file path of the server.
"""

from __future__ import annotations

import json
import urllib.parse

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server import Server

#: Pieces of hostile input, mixed into the drawn text.
HOSTILE = st.sampled_from(['"', "'", "}", "{", "#", "\n", "\\", "<", ">", "\x00", "?s", "$x", "> . ?s ?p ?o",
                           '" } ; DROP ALL ; #', "<script>alert(1)</script>", "../../etc/passwd", "%00",
                           "gskd:", "gsk:Online", "https://example.org/x", "9" * 40, "é" * 300])
VALUES = st.one_of(st.text(max_size=60), HOSTILE, st.lists(HOSTILE, min_size=1, max_size=4).map("".join))
LEAKS = ("Traceback", 'File "/', "/site-packages/", "/src/genskills/")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    running = Server("--store", str(tmp_path_factory.mktemp("hostile") / "store"))
    yield running
    running.stop()


@pytest.fixture(scope="module")
def routes(site):
    """Every documented GET route without path parameters, with its query parameters."""
    _, document = site.json("/api/openapi.json")
    found = []
    for path, operations in sorted(document["paths"].items()):
        get = operations.get("get")
        if get is None or "{" in path:
            continue
        names = [p["name"] for p in get.get("parameters", []) if p["in"] == "query"]
        if names:
            found.append((path, names))
    assert len(found) > 20
    return found


def check(site, path: str, args: dict) -> None:
    status, headers, body = site.request(path + "?" + urllib.parse.urlencode(args), timeout=60)
    assert status < 500 or status == 503, (path, args, status, body[:300])
    text = body.decode("utf-8", errors="replace")
    assert not any(leak in text for leak in LEAKS), (path, args, text[:300])
    if status >= 400 and headers.get("Content-Type", "").startswith("application/json"):
        error = json.loads(text)
        assert error["ok"] is False and error["status"] == status and error["error"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_value_of_any_parameter_is_answered_without_a_server_error(site, routes, data):
    path, names = data.draw(st.sampled_from(routes))
    chosen = data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=len(names), unique=True))
    check(site, path, {name: data.draw(VALUES) for name in chosen})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(local=VALUES)
def test_any_resource_id_is_answered_without_a_server_error(site, local):
    quoted = urllib.parse.quote(local, safe="")
    if not quoted:
        return
    for accept in ("text/html", "text/turtle"):
        status, _, body = site.request(f"/id/{quoted}", headers={"Accept": accept})
        assert status in (200, 404), (local, status, body[:300])
        assert not any(leak in body.decode("utf-8", errors="replace") for leak in LEAKS)


# --- no value changes the meaning of a canned query (injection) -------------------------------------

@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=VALUES)
def test_a_text_parameter_is_one_literal_whatever_it_holds(site, text):
    """search-labels finds labels containing its text: with any text, every label it gives
    contains that text, and the answer keeps its variables. An injected pattern would bring
    labels (or variables) the text does not select."""
    status, body = site.json("/api/queries/search-labels?" + urllib.parse.urlencode({"text": text}))
    if status == 400:   # too long, or a text the parameter refuses: said, not run
        assert "parameter 'text'" in body["error"]
        return
    assert status == 200, body
    assert body["head"]["vars"] == ["resource", "class", "label", "language"]
    wanted = text.lower()
    for row in body["results"]["bindings"]:
        assert wanted in row["label"]["value"].lower(), (text, row)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=VALUES)
def test_an_iri_parameter_is_one_iri_or_refused(site, value):
    """roles-in-step takes a care-pathway step: a value that is not one (none of the drawn values
    names a step id) is refused naming the parameter, never run with a pattern it brought."""
    status, body = site.json("/api/queries/roles-in-step?" + urllib.parse.urlencode({"step": value}))
    assert status in (400, 404), (value, status, body)
    assert body["error"].startswith(("query roles-in-step: parameter 'step'",
                                     "query roles-in-step: missing required parameter 'step'")), body
