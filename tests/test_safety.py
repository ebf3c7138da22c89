"""SERVICE and LOAD reach only allow-listed endpoints, however the text hides them."""

from __future__ import annotations

import pytest

from genskills.errors import ForbiddenError
from genskills.safety import check_remote_calls

ALLOWED = ("http://allowed.example/sparql",)
REMOTE = "<http://127.0.0.1:8798/sparql>"


@pytest.mark.parametrize("text", [
    f"SELECT * WHERE {{ SERVICE {REMOTE} {{ ?s ?p ?o }} }}",
    f"select * where {{ service {REMOTE} {{ ?s ?p ?o }} }}",
    f"SELECT * WHERE {{ SERVICE{REMOTE}{{ ?s ?p ?o }} }}",
    f"SELECT * WHERE {{ SERVICE SILENT {REMOTE} {{ ?s ?p ?o }} }}",
    f"SELECT * WHERE {{ SERVICE # a comment\n {REMOTE} {{ ?s ?p ?o }} }}",
    "PREFIX r: <http://127.0.0.1:8798/> SELECT * WHERE { SERVICE r:sparql { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE ?endpoint { ?s ?p ?o } }",
    # a '#' inside an IRI must not hide the rest of the line
    f"SELECT ?x WHERE {{ OPTIONAL {{ ?a <http://e/#p> ?b }} SERVICE {REMOTE} {{ ?x ?y ?z }} }}",
    # an apostrophe inside an IRI must not open a string that hides the SERVICE
    f"SELECT * WHERE {{ ?a <http://e/'> ?b }} SERVICE {REMOTE} {{ ?x ?y ?z }} OPTIONAL {{ ?c <http://e/'> ?d }}",
    f'INSERT DATA {{ GRAPH <urn:x:n> {{ <urn:x:s> <http://e/#p> "x" }} }} ; LOAD {REMOTE} INTO GRAPH <urn:x:l>',
    f"LOAD SILENT {REMOTE}",
])
def test_remote_calls_are_refused(text):
    with pytest.raises(ForbiddenError, match="not allowed"):
        check_remote_calls(text, ALLOWED)


@pytest.mark.parametrize("text", [
    "SELECT * WHERE { SERVICE <http://allowed.example/sparql> { ?s ?p ?o } }",
    'SELECT * WHERE { ?s ?p "SERVICE <http://127.0.0.1:8798/sparql>" }',
    "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://127.0.0.1:8798/sparql>",
    "SELECT * WHERE { ?s <http://ex/service> ?o }",
])
def test_allowed_or_harmless_text_passes(text):
    check_remote_calls(text, ALLOWED)
