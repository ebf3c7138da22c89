"""SPARQL 1.1 Protocol and the canned-query API, through a real server process and real clients."""

from __future__ import annotations

import csv
import io
import json
import threading
import time
import urllib.parse
import xml.etree.ElementTree as ET

import pytest
from rdflib import Dataset, Graph

from conftest import ROOT
from server import Server

TOKEN = "test-token-0123456789abcdef"
COUNT_COURSES = ("PREFIX gsk: <https://w3id.org/genskills/ontology#>\n"
                 "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a gsk:Course }")
CONSTRUCT_STEPS = ("PREFIX gsk: <https://w3id.org/genskills/ontology#>\n"
                   "CONSTRUCT { ?s gsk:stepOrder ?o } WHERE { ?s gsk:stepOrder ?o }")
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    store = tmp_path_factory.mktemp("served") / "store"
    running = Server("--store", str(store),
                     serve_args=("--query-timeout", "2", "--max-rows", "5000", "--query-workers", "2"),
                     env={"GENSKILLS_UPDATE_TOKEN": TOKEN, "GENSKILLS_CORS_ORIGINS": "*"})
    yield running
    running.stop()


def courses_in(body: bytes) -> int:
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


# --- query by GET, POST form and POST sparql-query ------------------------------------------

def test_get_post_form_and_post_body_give_the_same_answer(server):
    by_get = server.request("/sparql?" + urllib.parse.urlencode({"query": COUNT_COURSES}))
    by_form = server.request("/sparql", method="POST", data=urllib.parse.urlencode({"query": COUNT_COURSES}).encode(),
                             headers={"Content-Type": "application/x-www-form-urlencoded"})
    by_body = server.request("/sparql", method="POST", data=COUNT_COURSES.encode(),
                             headers={"Content-Type": "application/sparql-query"})
    for status, headers, body in (by_get, by_form, by_body):
        assert status == 200
        assert headers["Content-Type"] == "application/sparql-results+json; charset=utf-8"
        assert courses_in(body) == 139


@pytest.mark.parametrize("accept,media", [
    ("application/sparql-results+json", "application/sparql-results+json"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
    ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml"),
    ("*/*", "application/sparql-results+json"),
])
def test_select_results_in_each_format(server, accept, media):
    status, headers, body = server.request("/sparql?" + urllib.parse.urlencode({"query": COUNT_COURSES}),
                                           headers={"Accept": accept})
    assert status == 200
    assert headers["Content-Type"] == f"{media}; charset=utf-8"
    text = body.decode("utf-8")
    if media.endswith("json"):
        assert courses_in(body) == 139
    elif media.endswith("xml"):
        ns = {"r": "http://www.w3.org/2005/sparql-results#"}
        literal = ET.fromstring(body).find("r:results/r:result/r:binding/r:literal", ns)
        assert literal.text == "139" and literal.get("datatype").endswith("#integer")
    elif media == "text/csv":
        assert list(csv.reader(io.StringIO(text))) == [["n"], ["139"]]
    else:
        # SPARQL TSV writes terms in Turtle syntax, where 139 abbreviates "139"^^xsd:integer.
        assert text.splitlines()[0] == "?n"
        assert text.splitlines()[1:] in (["139"], ['"139"^^<http://www.w3.org/2001/XMLSchema#integer>'])


@pytest.mark.parametrize("accept,media", [("application/sparql-results+json", "json"), ("text/csv", "csv"),
                                          ("application/sparql-results+xml", "xml")])
def test_ask_results(server, accept, media):
    status, headers, body = server.request("/sparql?" + urllib.parse.urlencode(
        {"query": "ASK { <https://w3id.org/genskills/id/step-sequencing> ?p ?o }"}), headers={"Accept": accept})
    assert status == 200
    if media == "json":
        assert json.loads(body) == {"head": {}, "boolean": True}
    elif media == "csv":
        assert body.decode().split() == ["_askResult", "true"]
    else:
        assert b"<boolean>true</boolean>" in body


@pytest.mark.parametrize("accept,fmt", [("text/turtle", "turtle"), ("application/n-triples", "nt"),
                                        ("application/ld+json", "json-ld"), ("application/rdf+xml", "xml"),
                                        ("application/trig", "trig"), ("application/n-quads", "nquads")])
def test_construct_in_each_rdf_format(server, accept, fmt):
    status, headers, body = server.request("/sparql?" + urllib.parse.urlencode({"query": CONSTRUCT_STEPS}),
                                           headers={"Accept": accept})
    assert status == 200 and headers["Content-Type"] == f"{accept}; charset=utf-8"
    if fmt in ("trig", "nquads"):
        dataset = Dataset()
        dataset.parse(data=body, format=fmt)
        triples = list(dataset.quads())
    else:
        triples = list(Graph().parse(data=body, format=fmt))
    assert len(triples) == 11


def test_format_parameter_for_browsers(server):
    status, headers, body = server.request("/sparql?" + urllib.parse.urlencode(
        {"query": COUNT_COURSES, "format": "csv"}), headers={"Accept": "text/html"})
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    status, _, body = server.request("/sparql?" + urllib.parse.urlencode({"query": COUNT_COURSES, "format": "ttl"}))
    assert status == 400 and b"format=" in body


def test_406_when_nothing_acceptable(server):
    status, headers, body = server.request("/sparql?" + urllib.parse.urlencode({"query": COUNT_COURSES}),
                                           headers={"Accept": "image/png"})
    assert status == 406 and json.loads(body)["status"] == 406


def test_default_and_named_graph_uris_are_honoured(server):
    ontology = "https://w3id.org/genskills/graph/ontology"
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    status, _, body = server.request("/sparql?" + urllib.parse.urlencode(
        {"query": query, "default-graph-uri": ontology}))
    in_ontology = courses_in(body)
    status_all, _, body_all = server.request("/sparql?" + urllib.parse.urlencode({"query": query}))
    assert status == status_all == 200
    assert 500 < in_ontology < courses_in(body_all)
    named = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    status, _, body = server.request("/sparql?" + urllib.parse.urlencode(
        [("query", named), ("named-graph-uri", ontology), ("named-graph-uri", "https://w3id.org/genskills/graph/shapes")]))
    graphs = {b["g"]["value"] for b in json.loads(body)["results"]["bindings"]}
    assert graphs == {ontology, "https://w3id.org/genskills/graph/shapes"}
    # Named graphs alone: the dataset of the request replaces the default one, whose default
    # graph is then the store's own default graph, which is empty.
    status, _, body = server.request("/sparql?" + urllib.parse.urlencode({"query": query, "named-graph-uri": ontology}))
    assert status == 200 and courses_in(body) == 0


@pytest.mark.parametrize("name", ["default-graph-uri", "named-graph-uri"])
@pytest.mark.parametrize("value", ["not an iri", "", "foo", "<x>"])
def test_a_bad_graph_iri_is_400(server, name, value):
    status, _, body = server.request("/sparql?" + urllib.parse.urlencode({"query": "ASK {}", name: value}))
    assert status == 400 and name in json.loads(body)["error"]


def test_head_is_answered_like_get(server):
    status, headers, body = server.request("/sparql?query=ASK%7B%7D", method="HEAD")
    assert status == 200 and headers["Content-Type"].startswith("application/sparql-results+json") and body == b""


def test_tsv_escapes_tabs_and_newlines(server):
    query = 'SELECT ?x ?y WHERE { BIND("a\\tb\\nc\\"d" AS ?x) BIND(<http://ex/y> AS ?y) }'
    status, _, body = server.request("/sparql?" + urllib.parse.urlencode({"query": query, "format": "tsv"}))
    assert status == 200
    assert body.decode().splitlines() == ["?x\t?y", '"a\\tb\\nc\\"d"\t<http://ex/y>']


def test_rdfxml_that_cannot_be_written_is_406_not_500(server):
    query = 'CONSTRUCT { <http://ex/s> <http://ex/p/1> "a" } WHERE {}'
    status, _, body = server.request("/sparql?" + urllib.parse.urlencode({"query": query}),
                                     headers={"Accept": "application/rdf+xml"})
    assert status == 406 and "another format" in json.loads(body)["error"]


def test_an_explicit_refusal_in_accept_is_respected(server):
    status, headers, _ = server.request("/sparql?query=ASK%7B%7D",
                                        headers={"Accept": "application/sparql-results+json;q=0, */*"})
    assert status == 200 and headers["Content-Type"].startswith("application/sparql-results+xml")


# --- errors ---------------------------------------------------------------------------------

def test_malformed_query_is_400_with_position(server):
    status, headers, body = server.request("/sparql?" + urllib.parse.urlencode({"query": "SELECT * WHERE { ?s ?p }"}))
    error = json.loads(body)
    assert status == 400 and error == {"ok": False, "status": 400, "error": error["error"]}
    assert "1:25" in error["error"] and "Traceback" not in error["error"]


@pytest.mark.parametrize("path", ["/sparql?format=json&default-graph-uri=x",
                                  "/sparql?query=ASK%7B%7D&query=ASK%7B%7D"])
def test_missing_or_repeated_query_is_400(server, path):
    status, _, body = server.request(path)
    assert status == 400 and "query" in json.loads(body)["error"]


def test_wrong_content_type_is_415_and_big_body_413(server):
    status, _, _ = server.request("/sparql", method="POST", data=b"ASK {}", headers={"Content-Type": "text/plain"})
    assert status == 415
    status, _, _ = server.request("/sparql", method="POST", data=b"#" * (2 * 1024 * 1024),
                                  headers={"Content-Type": "application/sparql-query"})
    assert status == 413


def test_update_on_the_query_endpoint_is_refused(server):
    status, _, body = server.request("/sparql", method="POST", data=b"update=DROP+ALL",
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 400 and "/sparql/update" in json.loads(body)["error"]
    status, _, _ = server.request("/sparql", method="POST", data=b"DROP ALL",
                                  headers={"Content-Type": "application/sparql-query"})
    assert status == 400
    assert courses_in(server.request("/sparql?" + urllib.parse.urlencode({"query": COUNT_COURSES}))[2]) == 139


def test_service_to_a_remote_address_is_refused(server):
    for query in ("SELECT * WHERE { SERVICE <http://169.254.169.254/sparql> { ?s ?p ?o } }",
                  "SELECT * WHERE { SERVICE SILENT ?endpoint { ?s ?p ?o } }"):
        status, _, body = server.request("/sparql?" + urllib.parse.urlencode({"query": query}))
        assert status == 403 and "not allowed" in json.loads(body)["error"]


def test_result_size_limit(server):
    status, _, body = server.request("/sparql?" + urllib.parse.urlencode({"query": "SELECT * WHERE { ?s ?p ?o }"}))
    assert status == 400 and "5000" in json.loads(body)["error"]


def test_runaway_query_is_stopped_while_others_are_answered(server):
    outcome = {}

    def runaway():
        started = time.monotonic()
        outcome["status"], _, outcome["body"] = server.request("/sparql?" + urllib.parse.urlencode({"query": RUNAWAY}))
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.5)
    started = time.monotonic()
    status, _, body = server.request("/sparql?" + urllib.parse.urlencode({"query": COUNT_COURSES}))
    assert status == 200 and courses_in(body) == 139
    assert time.monotonic() - started < 1.5
    thread.join(30)
    assert outcome["status"] == 503 and "limit" in json.loads(outcome["body"])["error"]
    assert outcome["seconds"] < 10


# --- service description, VoID, CORS --------------------------------------------------------

@pytest.mark.parametrize("accept,fmt", [("text/turtle", "turtle"), ("application/ld+json", "json-ld")])
def test_service_description(server, accept, fmt):
    status, headers, body = server.request("/sparql", headers={"Accept": accept})
    assert status == 200 and headers["Content-Type"].startswith(accept)
    graph = Graph().parse(data=body, format=fmt)
    result = graph.query("""PREFIX sd: <http://www.w3.org/ns/sparql-service-description#>
        PREFIX void: <http://rdfs.org/ns/void#>
        SELECT ?endpoint ?triples WHERE { ?s a sd:Service ; sd:endpoint ?endpoint ;
          sd:supportedLanguage sd:SPARQL11Query ; sd:defaultDataset/sd:defaultGraph/void:triples ?triples }""")
    (endpoint, triples), = list(result)
    assert str(endpoint) == server.base + "/sparql" and int(triples) > 10000
    updates = graph.query("""PREFIX sd: <http://www.w3.org/ns/sparql-service-description#>
        SELECT ?endpoint WHERE { ?s sd:endpoint ?endpoint ; sd:supportedLanguage sd:SPARQL11Update }""")
    assert [str(e) for (e,) in updates] == [server.base + "/sparql/update"]
    names = graph.query("""PREFIX sd: <http://www.w3.org/ns/sparql-service-description#>
        SELECT ?name WHERE { ?s sd:defaultDataset/sd:namedGraph/sd:name ?name }""")
    assert "https://w3id.org/genskills/graph/catalogue" in {str(n) for (n,) in names}


def test_void_statistics_count_the_classes(server):
    status, _, body = server.request("/.well-known/void")
    graph = Graph().parse(data=body, format="turtle")
    result = graph.query("""PREFIX void: <http://rdfs.org/ns/void#>
        SELECT ?n WHERE { ?d void:classPartition [ void:class <https://w3id.org/genskills/ontology#Course> ;
                                                   void:entities ?n ] }""")
    assert [int(n) for (n,) in result] == [139]


def test_cors_headers(server):
    status, headers, _ = server.request("/sparql?query=ASK%7B%7D", headers={"Origin": "http://example.org"})
    assert headers["Access-Control-Allow-Origin"] == "*"
    status, headers, _ = server.request("/sparql", method="OPTIONS", headers={
        "Origin": "http://example.org", "Access-Control-Request-Method": "POST"})
    assert status == 200 and "POST" in headers["Access-Control-Allow-Methods"]


# --- updates ----------------------------------------------------------------------------------

SCRATCH = "https://w3id.org/genskills/graph/test-scratch"


def test_update_needs_the_token_and_changes_nothing_without_it(server):
    update = f"INSERT DATA {{ GRAPH <{SCRATCH}> {{ <http://ex/a> <http://ex/b> 1 }} }}".encode()
    for headers in ({}, {"Authorization": "Bearer wrong-token-0123456789"}, {"Authorization": f"Basic {TOKEN}"}):
        status, response_headers, _ = server.request("/sparql/update", method="POST", data=update,
                                                     headers={"Content-Type": "application/sparql-update", **headers})
        assert status == 401 and "Bearer" in response_headers["WWW-Authenticate"]
    ask = f"ASK {{ GRAPH <{SCRATCH}> {{ ?s ?p ?o }} }}"
    assert json.loads(server.request("/sparql?" + urllib.parse.urlencode({"query": ask}))[2])["boolean"] is False


def test_update_with_the_token_is_seen_by_the_next_queries(server):
    ask = f"ASK {{ GRAPH <{SCRATCH}> {{ <http://ex/a> <http://ex/b> 1 }} }}"
    auth = {"Authorization": f"Bearer {TOKEN}"}
    status, _, _ = server.request("/sparql/update", method="POST",
                                  data=f"INSERT DATA {{ GRAPH <{SCRATCH}> {{ <http://ex/a> <http://ex/b> 1 }} }}".encode(),
                                  headers={"Content-Type": "application/sparql-update", **auth})
    assert status == 204
    assert json.loads(server.request("/sparql?" + urllib.parse.urlencode({"query": ask}))[2])["boolean"] is True
    status, _, _ = server.request("/sparql/update", method="POST",
                                  data=urllib.parse.urlencode({"update": f"DROP GRAPH <{SCRATCH}>"}).encode(),
                                  headers={"Content-Type": "application/x-www-form-urlencoded", **auth})
    assert status == 204
    assert json.loads(server.request("/sparql?" + urllib.parse.urlencode({"query": ask}))[2])["boolean"] is False
    status, _, body = server.request("/sparql/update", method="POST", data=b"LOAD <http://example.org/x.ttl>",
                                     headers={"Content-Type": "application/sparql-update", **auth})
    assert status == 403
    status, _, body = server.request("/sparql/update", method="POST", data=b"INSERT DATA { oops",
                                     headers={"Content-Type": "application/sparql-update", **auth})
    assert status == 400 and "invalid SPARQL Update" in json.loads(body)["error"]


# --- real clients -------------------------------------------------------------------------------

def test_sparqlwrapper_client(server):
    from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper

    client = SPARQLWrapper(server.base + "/sparql")
    client.setQuery(COUNT_COURSES)
    client.setReturnFormat(JSON)
    assert int(client.queryAndConvert()["results"]["bindings"][0]["n"]["value"]) == 139
    client.setQuery("ASK { ?s a <https://w3id.org/genskills/ontology#Region> }")
    assert client.queryAndConvert()["boolean"] is True
    client.setQuery(CONSTRUCT_STEPS)
    client.setReturnFormat(TURTLE)
    assert len(Graph().parse(data=client.queryAndConvert(), format="turtle")) == 11


def test_rdflib_sparqlstore_client(server):
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    store = SPARQLStore(server.base + "/sparql", returnFormat="json")
    graph = Graph(store=store)
    rows = list(graph.query("PREFIX gsk: <https://w3id.org/genskills/ontology#> "
                            "SELECT ?step WHERE { ?step gsk:stepOrder 5 }"))
    assert [str(r[0]) for r in rows] == ["https://w3id.org/genskills/id/step-sequencing"]
    store.close()


# --- canned queries ------------------------------------------------------------------------------

def test_list_of_canned_queries(server):
    status, listing = server.json("/api/queries")
    assert status == 200
    names = {q["name"] for q in listing["queries"]}
    assert names == {p.stem for p in (ROOT / "queries").glob("*.rq")}
    for query in listing["queries"]:
        assert set(query["title"]) == {"fr", "en"}
        for param in query["params"]:
            assert set(param["description"]) == {"fr", "en"}


def test_canned_query_json_has_typed_values(server):
    status, body = server.json("/api/queries/roles-in-step?step=step-sequencing&lang=en")
    assert status == 200
    roles = {b["role"]["value"] for b in body["results"]["bindings"]}
    assert "https://w3id.org/genskills/id/role-lab-technician" in roles
    label = body["results"]["bindings"][0]["label"]
    assert label["type"] == "literal" and label["xml:lang"] == "en"


def test_canned_query_csv_by_accept(server):
    status, headers, body = server.request("/api/queries/roles-in-step?step=gskd:step-sequencing",
                                           headers={"Accept": "text/csv"})
    assert status == 200 and headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(body.decode())))
    assert "https://w3id.org/genskills/id/role-lab-technician" in {r["role"] for r in rows}


@pytest.mark.parametrize("path,status,word", [
    ("/api/queries/roles-in-step", 400, "'step'"),
    ("/api/queries/roles-in-step?step=step-sequencing&colour=red", 400, "colour"),
    ("/api/queries/courses-search-facets?level=seven", 400, "'level'"),
    ("/api/queries/roles-in-step?step=region-84", 404, "step"),
    ("/api/queries/roles-in-step?step=step-nowhere", 404, "step"),
    ("/api/queries/no-such-query", 404, "no-such-query"),
])
def test_canned_query_errors_name_the_parameter(server, path, status, word):
    got, body = server.json(path)
    assert got == status and word in body["error"] and body["ok"] is False


@pytest.mark.parametrize("value", ['"', "'", "}", "#", "\n", "> . ?s ?p ?o", '" } ; DROP ALL ; #',
                                   'x" || true || "', "a\\", "\u0000", "\") } UNION { ?resource ?p ?label } #"])
def test_injection_through_http_changes_nothing(server, value):
    """A string parameter is one literal, whatever it holds: the query always runs (200), with
    the same variables, and finds exactly the labels that contain the text."""
    status, body = server.json("/api/queries/search-labels?" + urllib.parse.urlencode({"text": value}))
    assert status == 200, body
    assert body["head"]["vars"] == server.json("/api/queries/search-labels?text=zzzz")[1]["head"]["vars"]
    labels = [b["label"]["value"] for b in body["results"]["bindings"]]
    assert all(value.lower() in label.lower() for label in labels)
    if value != "'":   # apostrophes are common in French labels; none of the others occurs
        assert labels == []
    status, body = server.json("/api/queries/roles-in-step?" + urllib.parse.urlencode({"step": value}))
    assert status in (400, 404) and body["error"].startswith("query roles-in-step: parameter 'step'")


def test_openapi_documents_every_route_and_each_answers(server):
    status, document = server.json("/api/openapi.json")
    assert status == 200 and document["openapi"].startswith("3.")
    paths = document["paths"]
    canned = {p.stem for p in (ROOT / "queries").glob("*.rq")}
    assert {f"/api/queries/{name}" for name in canned} <= set(paths)
    instances = {}
    for path, operations in paths.items():
        get = operations.get("get")
        if get is None:
            continue
        query = {}
        filled = path
        for param in get.get("parameters", []):
            if param["in"] == "path":
                filled = filled.replace("{" + param["name"] + "}", urllib.parse.quote(param["example"]))
                continue
            if not param["required"]:
                continue
            cls = param.get("x-genskills-class")
            if cls:
                if cls not in instances:
                    # An IRI parameter names an IRI: the class expressions of the ontology are owl:Class
                    # blank nodes, which no parameter can name.
                    answer = server.json("/sparql?" + urllib.parse.urlencode({"query":
                        f"SELECT ?x WHERE {{ ?x a <{cls}> FILTER(isIRI(?x)) }} ORDER BY ?x LIMIT 1"}))[1]
                    instances[cls] = answer["results"]["bindings"][0]["x"]["value"]
                query[param["name"]] = instances[cls]
            elif param["schema"].get("type") == "integer":
                query[param["name"]] = "7"
            else:
                query[param["name"]] = "génétique"
        got, _, _ = server.request(filled + ("?" + urllib.parse.urlencode(query) if query else ""))
        # A path that names a resource may name one with no such history here: a documented 404.
        assert got == 200 or (filled != path and str(got) in get["responses"]), (filled, query, got)


def test_many_runaway_queries_then_the_server_recovers(server):
    """More runaway queries than workers: each is stopped, and the pool is whole afterwards."""
    outcomes = []

    def runaway():
        outcomes.append(server.request("/sparql?" + urllib.parse.urlencode({"query": RUNAWAY}))[0])

    threads = [threading.Thread(target=runaway) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(outcomes) == [503] * 4
    status, body = server.json("/health")
    assert status == 200
    status, _, body = server.request("/sparql?" + urllib.parse.urlencode({"query": COUNT_COURSES}))
    assert status == 200 and courses_in(body) == 139
    assert server.json("/health")[1]["query_workers"] >= 1


# --- a server with the default configuration -------------------------------------------------------

@pytest.fixture(scope="module")
def plain_server(tmp_path_factory):
    store = tmp_path_factory.mktemp("plain") / "store"
    running = Server("--store", str(store), env={"GENSKILLS_UPDATE_TOKEN": "", "GENSKILLS_CORS_ORIGINS":
                                                "http://allowed.example, http://other.example"})
    yield running
    running.stop()


def test_updates_are_refused_by_default_and_change_nothing(plain_server):
    for headers in ({}, {"Authorization": f"Bearer {TOKEN}"}):
        status, _, body = plain_server.request("/sparql/update", method="POST", data=b"DROP ALL",
                                               headers={"Content-Type": "application/sparql-update", **headers})
        assert status == 403 and "disabled" in json.loads(body)["error"]
    status, _, body = plain_server.request("/sparql?" + urllib.parse.urlencode({"query": COUNT_COURSES}))
    assert courses_in(body) == 139


def test_cors_with_a_list_of_origins(plain_server):
    _, headers, _ = plain_server.request("/sparql?query=ASK%7B%7D", headers={"Origin": "http://other.example"})
    assert headers["Access-Control-Allow-Origin"] == "http://other.example"
    _, headers, _ = plain_server.request("/sparql?query=ASK%7B%7D", headers={"Origin": "http://evil.example"})
    assert "Access-Control-Allow-Origin" not in headers


def _region_counts(server, region: str) -> tuple[int, int]:
    status, _, body = server.request("/api/queries/courses-per-region")
    assert status == 200
    for row in json.loads(body)["results"]["bindings"]:
        if row["region"]["value"].endswith(region):
            return int(row["real_courses"]["value"]), int(row["illustrative_courses"]["value"])
    raise AssertionError(f"{region} not in the answer")


def test_a_write_is_seen_by_cached_canned_answers_and_the_derived_counts(server):
    """Canned answers are kept until the next write; the counts are derived on each write."""
    before = _region_counts(server, "region-94")
    assert _region_counts(server, "region-94") == before          # asked twice: kept, same answer
    course = "https://w3id.org/genskills/id/course-test-cache"
    triples = (f"<{course}> a <https://w3id.org/genskills/ontology#Course> ; "
               f"<https://w3id.org/genskills/ontology#inRegion> <https://w3id.org/genskills/id/region-94>")
    auth = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/sparql-update"}
    status, _, _ = server.request("/sparql/update", method="POST", headers=auth,
                                  data=f"INSERT DATA {{ GRAPH <{SCRATCH}> {{ {triples} }} }}".encode())
    assert status == 204
    try:
        assert _region_counts(server, "region-94") == (before[0] + 1, before[1])
    finally:
        status, _, _ = server.request("/sparql/update", method="POST", headers=auth,
                                      data=f"DROP GRAPH <{SCRATCH}>".encode())
        assert status == 204
    assert _region_counts(server, "region-94") == before


def test_pages_of_a_paged_canned_query_add_up_to_the_whole_answer(server):
    def rows(query: str) -> list:
        status, _, body = server.request(f"/api/queries/courses-search-facets?{query}")
        assert status == 200, body
        return [row["course"]["value"] for row in json.loads(body)["results"]["bindings"]]

    whole = rows("lang=en")
    assert len(whole) == 139
    pages = [rows(f"lang=en&limit=50&offset={offset}") for offset in (0, 50, 100)]
    assert [len(p) for p in pages] == [50, 50, 39]
    assert sum(pages, []) == whole
    status, _, body = server.request("/api/queries/courses-search-facets?limit=0")
    assert status == 400 and "'limit'" in json.loads(body)["error"]
