"""/api/courses through a real `genskills serve`: token, validation (422, nothing written),
ETag / If-Match (a stale tag is refused), history with the previous states, concurrent editors."""

from __future__ import annotations

import functools
import json
import threading

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDFS

from conftest import ROOT
from genskills.namespaces import GSK, GSKD
from server import Server

TOKEN = "course-api-test-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
TURTLE = {"Content-Type": "text/turtle", "Accept": "text/turtle"}
TEMPLATE = ROOT / "data" / "catalogue" / "courses-illustrative.ttl"
SHIPPED = "course-illus-but-biomed-biotech-uca-clermont"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = Server("--store", str(tmp_path_factory.mktemp("courses") / "store"),
                     env={"GENSKILLS_UPDATE_TOKEN": TOKEN})
    yield running
    running.stop()


@functools.cache
def _shipped() -> Graph:
    """The illustrative catalogue, parsed once (read only)."""
    return Graph().parse(TEMPLATE)


def course(course_id: str, *, hours: int = 2000, region: str = "region-84") -> bytes:
    """A valid illustrative course in Turtle: a shipped one under a new id."""
    shipped = _shipped()
    new = GSKD[course_id]
    out = Graph()
    for p, o in shipped.predicate_objects(GSKD[SHIPPED]):
        if p == RDFS.label:
            o = Literal(f"{o} ({course_id})", lang=o.language)
        elif str(p).endswith("notation"):
            o = Literal(course_id)
        elif p == GSK.durationHours:
            o = Literal(hours)
        elif p == GSK.inRegion:
            o = GSKD[region]
        out.add((new, p, o))
    return out.serialize(format="turtle").encode("utf-8")


def put(server, course_id, body, **headers):
    return server.request(f"/api/courses/{course_id}", method="PUT", data=body,
                          headers={**AUTH, **TURTLE, **headers})


def sparql_count(server, course_id) -> int:
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ <{GSKD[course_id]}> ?p ?o }}"
    status, body = server.json("/sparql?query=" + __import__("urllib.parse").parse.quote(query),
                               headers={"Accept": "application/sparql-results+json"})
    return int(body["results"]["bindings"][0]["n"]["value"])


def test_writes_need_the_token(server):
    for method, headers in (("PUT", {}), ("PUT", {"Authorization": "Bearer wrong-token-wrong-token"}),
                            ("DELETE", {})):
        status, _, body = server.request("/api/courses/course-api-x", method=method, data=course("course-api-x"),
                                         headers={**TURTLE, **headers})
        assert status == 401, body
    assert sparql_count(server, "course-api-x") == 0


def test_create_read_replace_delete_with_etags_and_history(server):
    status, headers, body = put(server, "course-api-a", course("course-api-a"), **{"If-None-Match": "*"})
    assert status == 201, body
    assert headers["Location"] == "/api/courses/course-api-a"
    first = headers["ETag"]
    status, headers, body = server.request("/api/courses/course-api-a", headers={"Accept": "text/turtle"})
    assert status == 200 and headers["ETag"] == first
    stored = Graph().parse(data=body, format="turtle")
    assert stored.value(GSKD["course-api-a"], DCTERMS.modified) is not None
    assert sparql_count(server, "course-api-a") > 10, "the canned queries and /sparql see it"

    # Replace without If-Match: 428; with a stale tag: 412; with the right tag: 200 and a new tag.
    assert put(server, "course-api-a", course("course-api-a", hours=1500))[0] == 428
    assert put(server, "course-api-a", course("course-api-a", hours=1500), **{"If-Match": '"0000"'})[0] == 412
    status, headers, body = put(server, "course-api-a", course("course-api-a", hours=1500), **{"If-Match": first})
    assert status == 200, body
    second = headers["ETag"]
    assert second != first
    assert Graph().parse(data=body, format="turtle").value(GSKD["course-api-a"], GSK.durationHours).toPython() == 1500

    # The history lists both changes; the first revision still holds the first state.
    status, listing = server.json("/api/courses/course-api-a/history")
    assert status == 200 and [c["action"] for c in listing["changes"]] == ["create", "replace"]
    assert all(c["agent"].startswith("urn:genskills:agent:") and TOKEN not in c["agent"] for c in listing["changes"])
    status, _, body = server.request(listing["changes"][0]["href"], headers={"Accept": "text/turtle"})
    old = Graph().parse(data=body, format="turtle")
    assert old.value(GSKD["course-api-a"], GSK.durationHours).toPython() == 2000

    # Delete: stale tag refused, right tag accepted; the history keeps the last state.
    assert server.request("/api/courses/course-api-a", method="DELETE", headers={**AUTH, "If-Match": first})[0] == 412
    assert server.request("/api/courses/course-api-a", method="DELETE", headers={**AUTH, "If-Match": second})[0] == 204
    assert server.request("/api/courses/course-api-a")[0] == 404
    assert sparql_count(server, "course-api-a") == 0
    status, listing = server.json("/api/courses/course-api-a/history")
    assert [c["action"] for c in listing["changes"]] == ["create", "replace", "delete"]


def test_an_invalid_course_is_422_with_its_fields_and_nothing_is_written(server):
    status, _, body = put(server, "course-api-bad", course("course-api-bad", region="no-such-region"))
    assert status == 422
    answer = json.loads(body)
    assert any(p["field"] == "gsk:inRegion" and p["location"] == "body" and p["message"]["fr"]
               for p in answer["problems"]), answer
    assert sparql_count(server, "course-api-bad") == 0


def test_a_course_of_the_shipped_catalogue_is_read_only_here(server):
    status, headers, body = server.request(f"/api/courses/{SHIPPED}", headers={"Accept": "text/turtle"})
    assert status == 200 and headers["ETag"]
    status, _, body = put(server, SHIPPED, course(SHIPPED), **{"If-Match": headers["ETag"]})
    assert status == 409 and b"graph/illustrative" in body


@pytest.mark.parametrize("body,media,status", [
    (b"not turtle at all {", "text/turtle", 400),
    (b"{}", "application/pdf", 415),
    (b"<https://w3id.org/genskills/id/other> <http://www.w3.org/2000/01/rdf-schema#label> \"x\"@en .",
     "application/n-triples", 400),
])
def test_bad_bodies(server, body, media, status):
    got, _, answer = server.request("/api/courses/course-api-b", method="PUT", data=body,
                                    headers={**AUTH, "Content-Type": media})
    assert got == status, answer
    assert json.loads(answer)["ok"] is False


@pytest.mark.parametrize("bad_id", ["x", "course-UPPER", "course-a%20b", "..%2Fetc", "course-%C3%A9"])
def test_bad_ids(server, bad_id):
    assert server.request(f"/api/courses/{bad_id}")[0] in (400, 404)


def test_two_editors_with_the_same_tag_cannot_both_win(server):
    status, headers, _ = put(server, "course-api-c", course("course-api-c"))
    assert status == 201
    tag = headers["ETag"]
    results = []

    def editor(hours):
        results.append(put(server, "course-api-c", course("course-api-c", hours=hours), **{"If-Match": tag})[0])

    threads = [threading.Thread(target=editor, args=(h,)) for h in (1000, 1100, 1200, 1300)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [200, 412, 412, 412]


COLUMNS = {
    "title_fr": "DU Génomique des cancers par API (exemple illustratif)",
    "title_en": "University diploma in cancer genomics via the API (illustrative example)",
    "institution": "Université Claude Bernard Lyon 1", "region": "Auvergne-Rhône-Alpes",
    "training_type": "DU", "hours": 90, "mode": "Hybride", "language": "fr",
    "competences": ["comp-variant-classification", "Annotation et filtrage des variants"],
    "target_roles": ["role-variant-interpreter"], "illustrative": True,
}


def test_a_json_body_in_the_inventory_columns(server):
    status, headers, body = server.request("/api/courses/course-api-json", method="PUT",
                                           data=json.dumps(COLUMNS).encode("utf-8"),
                                           headers={**AUTH, "Content-Type": "application/json",
                                                    "Accept": "text/turtle"})
    assert status == 201, body
    graph = Graph().parse(data=body, format="turtle")
    assert graph.value(GSKD["course-api-json"], GSK.hasTrainingType) == GSKD["type-du"]
    assert GSKD["comp-variant-annotation"] in set(graph.objects(GSKD["course-api-json"], GSK.coversCompetence))
    bad = {**COLUMNS, "competences": ["Classement clinique des variantes"], "eqf_level": 12}
    status, _, body = server.request("/api/courses/course-api-json2", method="PUT", data=json.dumps(bad).encode(),
                                     headers={**AUTH, "Content-Type": "application/json"})
    answer = json.loads(body)
    assert status == 400 and {p["field"] for p in answer["problems"]} >= {"competences", "eqf_level"}
    assert any("comp-variant-classification" in p["message"]["fr"] for p in answer["problems"]), "a suggestion"
    assert sparql_count(server, "course-api-json2") == 0


def test_a_schema_org_course_body(server):
    document = json.loads((ROOT / "data" / "import" / "courses-example.jsonld").read_text(encoding="utf-8"))
    one = {"@context": document["@context"], **document["@graph"][0]}
    status, _, body = server.request("/api/courses/course-api-schema", method="PUT",
                                     data=json.dumps(one).encode("utf-8"),
                                     headers={**AUTH, "Content-Type": "application/ld+json", "Accept": "text/turtle"})
    assert status == 201, body
    graph = Graph().parse(data=body, format="turtle")
    assert graph.value(GSKD["course-api-schema"], GSK.illustrative).toPython() is True
    assert set(graph.objects(GSKD["course-api-schema"], GSK.coversCompetence)), "EDAM terms mapped"
