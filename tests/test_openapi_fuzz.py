"""Schemathesis fuzzes every operation of /api/openapi.json against a real `genskills serve`.

The schema is read from the running server, so what is fuzzed is what clients are given.
Each operation gets schemathesis' phases (the document's examples, then boundary and
negative "coverage" cases, then random ones) with a bounded, derandomized number of
requests, so CI replays the same ones. Every answer must be no server error and must
match what the document says: a declared status, content type, body schema and headers;
a schema-valid request must be accepted and a schema-violating one refused.

The server has an update token, so the write routes are in the document, and they are
fuzzed with the token (its store is a fresh one in a tmp dir: the writes harm nothing).
Each operation is a subtest named after it: `test_...[GET /export]`.
"""

from __future__ import annotations

import pytest
import schemathesis

from server import Server

TOKEN = "openapi-fuzz-token-0123456789abcdef"

#: Random requests per operation in the fuzzing phase (the coverage phase adds its own).
MAX_EXAMPLES = 10
SEED = 20250701

#: Operations that dump the whole dataset or refresh the query workers (0.1 to 2 s a request
#: on this 2-core machine). Their parameters are a few enums, which the examples and a few
#: random requests already cover; their full coverage phase alone took 60 s.
HEAVY = ["export_csv_zip", "dataset", "void", "export_skos", "export_esco", "export_dump", "export_csv",
         "export_schemaorg", "analysis_matrix", "analysis_catalogue_gaps", "sparql_update", "page_gaps",
         "figure_heatmap"]

CONFIG = {
    "seed": SEED,
    "headers": {"Authorization": f"Bearer {TOKEN}"},
    "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none"},
    # Every check schemathesis has (max_response_time stays off: a time on a shared CI machine
    # says nothing of the API; test_server.py tests the query time limit itself).
    "checks": {
        "enabled": True,
        # A 503 (with Retry-After) is the documented answer of an operation that touches the
        # store when a query runs past the time limit or every query worker is busy; the
        # document declares it on each such operation, and status_code_conformance checks that.
        "not_a_server_error": {"expected-statuses": ["1XX", "2XX", "3XX", "4XX", 503]},
    },
    "operations": [
        # Their input is a language, which JSON Schema cannot describe: SPARQL text, an RDF
        # or inventory body that must pass the SHACL shapes, course-search facets that must
        # name a member of the graph (refused with 400). A schema-valid value may be refused.
        {"include-operation-id": ["sparql_get", "sparql_post", "sparql_update", "course_put", "page_courses"],
         "checks": {"positive_data_acceptance": {"enabled": False}}},
        # The learning-path page reads its filters only with a role, as a form left half
        # filled in: without one, any value is accepted and ignored.
        {"include-operation-id": ["page_path"], "checks": {"negative_data_rejection": {"enabled": False}}},
        {"include-operation-id": HEAVY, "generation": {"max-examples": 3},
         "phases": {"coverage": {"enabled": False}}},
    ],
}


@pytest.fixture(scope="module")
def fuzzed_server(tmp_path_factory):
    running = Server("--store", str(tmp_path_factory.mktemp("fuzz") / "store"),
                     env={"GENSKILLS_UPDATE_TOKEN": TOKEN})
    yield running
    running.stop()


@pytest.fixture(scope="module")
def served_schema(fuzzed_server):
    return schemathesis.openapi.from_url(f"{fuzzed_server.base}/api/openapi.json",
                                         config=schemathesis.Config.from_dict(CONFIG))


schema = schemathesis.pytest.from_fixture("served_schema")


@schema.parametrize()
def test_every_operation_answers_as_its_document_says(case):
    case.call_and_validate()


def test_the_fuzzed_document_has_every_route(served_schema):
    """The fuzzing above covers the write routes and the canned queries: none is left out."""
    operations = {result.ok().label for result in served_schema.get_all_operations()}
    assert {"PUT /api/courses/{course_id}", "DELETE /api/courses/{course_id}", "POST /sparql/update",
            "GET /api/queries/search-labels", "GET /export", "GET /courses"} <= operations
    assert len(operations) >= 50
