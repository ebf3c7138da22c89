"""The download routes of a real `genskills serve`: each answers, and what it answers parses."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from rdflib import Dataset, Graph
from rdflib.namespace import RDF, SKOS

from genskills.namespaces import GSK, SCHEMA
from server import Server


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = Server("--store", str(tmp_path_factory.mktemp("exports") / "store"))
    yield running
    running.stop()


def get(server, path, **headers):
    status, answer_headers, body = server.request(path, headers=headers)
    assert status == 200, (path, body[:300])
    return answer_headers, body


def test_dumps_parse_back(server):
    _, body = get(server, "/export?format=nq")
    dataset = Dataset()
    dataset.parse(data=body, format="nquads")
    assert len(dataset) > 10000
    headers, body = get(server, "/export?format=ttl&graph=reference")
    assert headers["Content-Type"].startswith("text/turtle")
    reference = Graph().parse(data=body, format="turtle")
    assert (None, RDF.type, GSK.Competence) in reference and (None, RDF.type, GSK.Course) not in reference
    assert server.request("/export?format=pdf")[0] == 400
    assert server.request("/export?format=ttl&graph=no-such-graph")[0] == 404


def test_csv_tables(server):
    _, body = get(server, "/export/csv/Course.csv?lang=fr")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8"))))
    assert len(rows) > 100 and rows[0]["id"].startswith("course-")
    _, body = get(server, "/export/csv.zip")
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        assert "Course.csv" in archive.namelist()
    assert server.request("/export/csv/Nothing.csv")[0] == 404


def test_views_and_metadata(server):
    _, body = get(server, "/export/skos", Accept="text/turtle")
    scheme = Graph().parse(data=body, format="turtle")
    assert (None, RDF.type, SKOS.ConceptScheme) in scheme
    _, body = get(server, "/export/esco?format=nt")
    assert Graph().parse(data=body, format="nt")
    _, body = get(server, "/dataset", Accept="application/ld+json")
    assert len(Graph().parse(data=body, format="json-ld")) > 20
    _, body = get(server, "/export/schemaorg.jsonld?include_illustrative=true")
    courses = json.loads(body)["@graph"]
    assert courses and all(c["@type"] == "Course" for c in courses)
    _, body = get(server, "/export/schemaorg/course-amu-master-conseil-genetique.jsonld?lang=fr")
    course = Graph().parse(data=body, format="json-ld")
    assert (None, RDF.type, SCHEMA.Course) in course
    assert server.request("/export/schemaorg/course-no-such-course.jsonld")[0] == 404
    _, body = get(server, "/context.jsonld")
    assert "@context" in json.loads(body)
