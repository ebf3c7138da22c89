"""Hostile write bodies against a real server: any body is answered without a server error or a
leak; a refused one changes nothing; an accepted one stores exactly the text it was given.

Property-based (hypothesis) over the course API's body formats (the inventory's JSON columns,
schema.org JSON-LD, genskills JSON-LD, Turtle, N-Triples, RDF/XML) and over SPARQL Update
texts, plus the bodies that reach outside or explode: XML entity expansion and external
entities, JSON-LD contexts by URL (a listener on loopback proves nothing is fetched), JSON and
Turtle nested past any reason, bodies over the size limit (413) and wrong types (415).
"""

from __future__ import annotations

import http.server
import itertools
import json
import threading
import time
import urllib.parse

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal
from rdflib.namespace import RDFS

from genskills.namespaces import GSK, GSKD
from genskills.parsed import ILLUSTRATIVE_SUFFIX
from server import Server
from test_course_api import COLUMNS, course
from test_hostile_parameters import HOSTILE, LEAKS

TOKEN = "hostile-bodies-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
MEDIA = ["application/json", "application/ld+json", "text/turtle", "application/n-triples", "application/rdf+xml"]
TEXTS = st.one_of(st.text(max_size=80), HOSTILE, st.lists(HOSTILE, min_size=1, max_size=5).map("".join))
NUMBERS = itertools.count(1)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = Server("--store", str(tmp_path_factory.mktemp("bodies") / "store"),
                     env={"GENSKILLS_UPDATE_TOKEN": TOKEN})
    yield running
    running.stop()


def put(server, course_id: str, body: bytes, media: str | None):
    headers = {**AUTH, "Accept": "application/json"}
    if media is not None:
        headers["Content-Type"] = media
    return server.request(f"/api/courses/{course_id}", method="PUT", data=body, headers=headers)


def check_answer(status: int, headers, body: bytes) -> None:
    """No server error, no stack trace or server path, and an error keeps the one JSON shape."""
    text = body.decode("utf-8", errors="replace")
    assert status < 500, (status, text[:400])
    assert not any(leak in text for leak in LEAKS), text[:400]
    if status >= 400:
        error = json.loads(text)
        assert error["ok"] is False and error["status"] == status and error["error"]


def new_id() -> str:
    return f"course-hostile-{next(NUMBERS)}"


def title_of(server, course_id: str, lang: str) -> str | None:
    query = (f"SELECT ?t WHERE {{ <{GSKD[course_id]}> <{RDFS.label}> ?t FILTER(lang(?t) = '{lang}') }}")
    _, body = server.json("/sparql?" + urllib.parse.urlencode({"query": query}))
    rows = body["results"]["bindings"]
    return rows[0]["t"]["value"] if rows else None


# --- any body in any format ----------------------------------------------------------------------

@settings(max_examples=80, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(media=st.sampled_from(MEDIA), body=st.one_of(st.binary(max_size=400), TEXTS.map(str.encode)))
def test_any_body_in_any_format_is_refused_cleanly_and_changes_nothing(server, media, body):
    before = server.graph_sizes()
    status, headers, answer = put(server, new_id(), body, media)
    check_answer(status, headers, answer)
    assert status >= 400, "random bytes made a valid course?"
    assert server.graph_sizes() == before


JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXTS,
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXTS, inner, max_size=4),
                           max_leaves=20)


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(media=st.sampled_from(["application/json", "application/ld+json"]), document=JSON_VALUES)
def test_any_json_document_is_answered_without_a_server_error(server, media, document):
    status, headers, answer = put(server, new_id(), json.dumps(document).encode(), media)
    check_answer(status, headers, answer)


# --- accepted bodies store exactly the text given (no injection) ---------------------------------------
# Few examples: each accepted write is validated by SHACL and derived again (seconds on a busy machine).

@settings(max_examples=4, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=TEXTS.filter(lambda t: t.strip()))
def test_a_title_in_json_columns_is_stored_as_given_or_refused(server, title):
    course_id = new_id()
    before = server.graph_sizes()
    status, headers, answer = put(server, course_id, json.dumps({**COLUMNS, "title_fr": title}).encode(),
                                  "application/json")
    check_answer(status, headers, answer)
    if status >= 400:
        assert server.graph_sizes() == before
        return
    assert status == 201
    # An illustrative course's title gets its marker, unless the title already says so.
    stored = title_of(server, course_id, "fr")
    assert stored is not None and stored.strip() in (title.strip(), title.strip() + ILLUSTRATIVE_SUFFIX["fr"]), \
        (title, stored)


@settings(max_examples=4, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=TEXTS, media=st.sampled_from(["text/turtle", "application/n-triples", "application/rdf+xml"]))
def test_a_title_in_rdf_is_stored_as_given_or_refused(server, title, media):
    """The title travels as an RDF literal written by rdflib: whatever it holds, the store keeps
    that literal and nothing else comes with it."""
    course_id = new_id()
    graph = Graph().parse(data=course(course_id), format="turtle")
    iri = GSKD[course_id]
    graph.remove((iri, RDFS.label, None))
    graph.add((iri, RDFS.label, Literal(title, lang="fr")))
    graph.add((iri, RDFS.label, Literal("A course drawn by a test (illustrative)", lang="en")))
    fmt = {"text/turtle": "turtle", "application/n-triples": "nt", "application/rdf+xml": "xml"}[media]
    try:
        body = graph.serialize(format=fmt).encode("utf-8")
    except Exception:   # rdflib cannot write some characters in some formats: nothing to send
        return
    before = server.graph_sizes()
    status, headers, answer = put(server, course_id, body, media)
    check_answer(status, headers, answer)
    if status >= 400:
        assert server.graph_sizes() == before
        return
    assert status == 201
    assert title_of(server, course_id, "fr") == title


# --- bodies that reach outside or explode ------------------------------------------------------------

ENTITY_BOMB = ('<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n<!ENTITY a "aaaaaaaaaa">\n'
               + "".join(f'<!ENTITY {n} "{("&" + p + ";") * 10}">\n' for p, n in zip("abcdefg", "bcdefgh"))
               + ']>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
               'xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">\n'
               '<rdf:Description rdf:about="https://w3id.org/genskills/id/{id}"><rdfs:label>&h;</rdfs:label>'
               '</rdf:Description></rdf:RDF>')


class Listener:
    """An HTTP server on loopback that records every request it gets."""

    def __init__(self):
        self.paths: list[str] = []
        listener = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                listener.paths.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "application/ld+json")
                self.end_headers()
                self.wfile.write(b'{"@context": {"label": "http://www.w3.org/2000/01/rdf-schema#label"}}')

            def log_message(self, *args):
                pass

        self.http = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.http.server_port}"
        threading.Thread(target=self.http.serve_forever, daemon=True).start()

    def close(self):
        self.http.shutdown()
        self.http.server_close()


@pytest.fixture
def listener():
    running = Listener()
    yield running
    running.close()


def test_xml_entity_expansion_is_refused_at_once(server):
    course_id = new_id()
    before = server.graph_sizes()
    started = time.monotonic()
    status, headers, answer = put(server, course_id, ENTITY_BOMB.replace("{id}", course_id).encode(),
                                  "application/rdf+xml")
    assert time.monotonic() - started < 5
    check_answer(status, headers, answer)
    assert status == 400 and "DTD" in json.loads(answer)["error"] and "line 2" in json.loads(answer)["error"]
    assert server.graph_sizes() == before


def test_xml_external_entities_are_not_read(server, listener):
    course_id = new_id()
    for target in (f"{listener.url}/entity", "file:///etc/passwd"):
        body = ('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "' + target + '">]>'
                '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
                'xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#"><rdf:Description '
                f'rdf:about="{GSKD[course_id]}"><rdfs:label>&x;</rdfs:label></rdf:Description></rdf:RDF>')
        status, headers, answer = put(server, course_id, body.encode(), "application/rdf+xml")
        check_answer(status, headers, answer)
        assert status == 400 and b"root:" not in answer
    assert listener.paths == []


@pytest.mark.parametrize("shape", ["string", "list", "nested", "import"])
def test_a_json_ld_context_by_url_is_not_fetched(server, listener, shape):
    course_id = new_id()
    remote = f"{listener.url}/context.jsonld"
    context = {"string": remote, "list": [remote, {"label": str(RDFS.label)}],
               "nested": {"label": {"@id": str(RDFS.label), "@context": remote}},
               "import": {"@import": remote}}[shape]
    document = {"@context": context, "@id": str(GSKD[course_id]), "@type": str(GSK.Course), "label": "x"}
    status, headers, answer = put(server, course_id, json.dumps(document).encode(), "application/ld+json")
    check_answer(status, headers, answer)
    assert status == 400 and "context" in json.loads(answer)["error"]
    assert listener.paths == [], "the server fetched a context"


@pytest.mark.parametrize("media,body", [
    ("application/json", "[" * 100_000 + "]" * 100_000),
    ("application/json", '{"a":' * 50_000 + "1" + "}" * 50_000),
    ("application/ld+json", "[" * 100_000 + "]" * 100_000),
    ("text/turtle", "<https://w3id.org/genskills/id/x> <urn:x:p> " + "(" * 20_000 + ")" * 20_000 + " ."),
    ("text/turtle", "<https://w3id.org/genskills/id/x> <urn:x:p> " + "[ <urn:x:p> " * 20_000 + "]" * 20_000 + " ."),
])
def test_bodies_nested_past_reason_are_refused(server, media, body):
    before = server.graph_sizes()
    status, headers, answer = put(server, new_id(), body.encode(), media)
    check_answer(status, headers, answer)
    assert status == 400
    assert server.process.poll() is None and server.graph_sizes() == before


def test_oversized_bodies_get_413_on_every_write_route(server):
    big = b"#" + b" " * (1024 * 1024 + 10)
    for path, method, media in (("/api/courses/course-hostile-big", "PUT", "text/turtle"),
                                ("/sparql/update", "POST", "application/sparql-update"),
                                ("/sparql", "POST", "application/sparql-query")):
        status, headers, answer = server.request(path, method=method, data=big,
                                                 headers={**AUTH, "Content-Type": media})
        check_answer(status, headers, answer)
        assert status == 413, path


@pytest.mark.parametrize("media", ["text/plain", "application/pdf", "text/html", "multipart/form-data; boundary=x",
                                   "application/x-www-form-urlencoded", None])
def test_wrong_content_types_get_415(server, media):
    before = server.graph_sizes()
    status, headers, answer = put(server, new_id(), course("course-hostile-type"), media)
    check_answer(status, headers, answer)
    assert status == 415 and "Content-Type" in json.loads(answer)["error"]
    for path in ("/sparql/update", "/sparql"):
        if media in ("application/x-www-form-urlencoded", None):
            continue   # a form is a valid way to send both (and urllib sends a form when no type is given)
        status, _, answer = server.request(path, method="POST", data=b"ASK {}",
                                           headers={**AUTH, **({"Content-Type": media} if media else {})})
        assert status == 415, (path, media, answer)
    assert server.graph_sizes() == before


# --- SPARQL Update texts ---------------------------------------------------------------------------------

@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(TEXTS, st.lists(st.sampled_from(["INSERT", "DELETE", "DATA", "WHERE", "{", "}", "<urn:x:a>",
                                                        "?s", '"x"', ".", ";", "GRAPH", "CLEAR", "DROP", "SILENT",
                                                        "LOAD", "INTO", "(", ")", "#"]), max_size=12).map(" ".join)))
def test_any_update_text_is_answered_without_a_server_error(server, text):
    status, headers, answer = server.request("/sparql/update", method="POST", data=text.encode(),
                                             headers={**AUTH, "Content-Type": "application/sparql-update"})
    check_answer(status, headers, answer)
    assert server.process.poll() is None
